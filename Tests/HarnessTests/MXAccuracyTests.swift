import FloatArith
import Foundation
import Testing
import Units
@testable import Accuracy

/// Section 5 of the accuracy report, MX matmul error: properties any correct measurement has.
@Suite struct MXAccuracyTests {
    @Test func mxMatmulErrorsBehave() {
        let s = MXAccuracy.measure(length: 64, outputs: 60, seed: 3, jobs: 2)
        #expect(s.rows.count == OperandDistribution.allCases.count * BlockFormat.elementFormats.count * UnitKind.mxMultipliers.count)
        #expect(s.rows.allSatisfy { $0.nonFinite == 0 && $0.frobenius > 0 && $0.frobenius.isFinite && $0.p99Scaled >= $0.meanScaled })
        for d in OperandDistribution.allCases {
            // with exact products the error is the quantisation's: more fraction bits, less error
            let e2m1 = s.row(d, "e2m1fn", "fpmul")!.frobenius, e2m3 = s.row(d, "e2m3fn", "fpmul")!.frobenius
            let e4m3 = s.row(d, "e4m3", "fpmul")!.frobenius, e5m2 = s.row(d, "e5m2", "fpmul")!.frobenius
            #expect(e2m3 < e2m1 && e4m3 < e5m2 && e4m3 < e2m1, "\(d): \(e2m1) \(e2m3) \(e4m3) \(e5m2)")
            // L-Mul adds its own product error on top of the same quantisation
            #expect(s.row(d, "e4m3", "lmul")!.frobenius > e4m3)
        }
        let claims = s.claims(kinds: UnitKind.allCases)
        #expect(claims.count == 2)
        for c in claims {
            #expect(c.holds == (c.lmul < c.e5m2))
            #expect(c.lmul == s.row(c.distribution, "e4m3", "lmul")!.frobenius && c.e5m2 == s.row(c.distribution, "e5m2", "fpmul")!.frobenius)
        }
        let md = s.markdown(kinds: UnitKind.allCases)
        #expect(md.contains("## 5. MX matmul") && md.contains("| e4m3 | `lmul` |") && md.contains("L-Mul with 3 fraction bits beats e5m2"))
    }

    /// The committed report's section 5 is what the code computes now (the staleness test renders
    /// it; this recomputes it).
    @Test func committedMXSectionIsCurrent() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: repoRoot + "/docs/accuracy.json"))
        let committed = try AccuracyReport.decode(data)
        let o = AccuracyOptions()
        let fresh = MXAccuracy.measure(length: o.mxLength, outputs: o.mxOutputs, seed: o.seed, jobs: 2)
        #expect(committed.mx == fresh, "docs/accuracy.* section 5 is stale: regenerate with 'make accuracy'")
    }
}

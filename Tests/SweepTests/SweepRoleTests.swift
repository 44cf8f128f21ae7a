@testable import Accuracy
import FloatArith
import Foundation
import HDL
@testable import Sweep
import Testing
import Units

/// A copy of `lmul` under another name, registered only in this test: the sweep must treat it by
/// its roles (an L-Mul form, its own colour), with no report code naming it.
enum SweepExtraLMulUnit: UnitDefinition {
    static let name = "lmul_extra"
    static let summary = LMulUnit.summary
    static let specRule = LMulUnit.specRule
    static let role = UnitRole.approximate
    static let subnormalInputsAreZero = true
    static let baselines: [UnitKind] = [.fpmul]
    static let isLMulForm = true
    static let plotColour = "#2ca02c"
    static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 { LMulUnit.golden(a, b, f, overflow) }
    static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal { LMulUnit.build(m, a: a, b: b, f, overflow) }
    static func explain(result y: UInt32, _ f: FloatFormat) -> String { LMulUnit.explain(result: y, f) }
}

@Suite struct SweepRoleTests {
    /// docs/sweep.json's rows plus a copy of lmul's under the extra unit's name, read with a unit
    /// list holding it: its configurations get verdicts, count as L-Mul in the answer, and are
    /// drawn ringed in its colour.
    @Test func anExtraLMulFormIsJudgedCountedAndDrawn() throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: CommittedSweepTests.root + "/docs/sweep.json"))
        let committed = try SweepReport.load(json)
        let extra = UnitKind(SweepExtraLMulUnit.self)
        let copies = committed.rows.filter { $0.unit == .lmul }.map { r -> SweepRow in
            var r = r
            r.unit = extra
            r.id = r.id.replacingOccurrences(of: "lmul_", with: "lmul_extra_")
            r.transistors += 1   // beside lmul's point, not on it
            return r
        }
        var setup = committed.setup
        setup.units.append(extra)
        let report = SweepReport(setup: setup, rows: committed.rows + copies, kinds: UnitKind.allCases + [extra])
        #expect(Set(copies.map(\.id)).isSubset(of: Set(report.verdicts.map(\.id))))
        let forms = committed.rows.filter { $0.unit.rawValue.hasPrefix("lmul") }.count
        #expect(report.answer().hasPrefix("Of \(forms + copies.count) L-Mul configurations (3 forms, 21 formats)"), "\(report.answer())")
        let svg = report.svg()
        #expect(svg.contains(">lmul_extra<"))   // the legend
        // every copy's point: its colour, ringed as the L-Mul forms are
        let ringed = svg.components(separatedBy: "fill=\"\(SweepExtraLMulUnit.plotColour)\" stroke=\"#000\"").count - 1
        #expect(ringed == 4 * copies.count, "\(ringed) ringed points in lmul_extra's colour")
        // the committed report, read with the registry, is unchanged
        #expect(try String(contentsOfFile: CommittedSweepTests.root + "/docs/sweep.md", encoding: .utf8) == SweepReport(setup: committed.setup, rows: committed.rows).markdown())
    }
}

import FloatArith
import Foundation
import HDL
import Testing
import Units
@testable import Accuracy
@testable import Generation
@testable import Synthesis
@testable import Toolchain
@testable import Verification

/// SPEC "Floating-point accumulation" in PEs and arrays (`--acc fp32|bf16|fp16`): the golden
/// matmul against a plain sum in the machine's Float (fp32) arithmetic, lint, simulation on both
/// simulators with the float corner jobs, and the header.
@Suite(.serialized) struct FloatArrayTests {
    let tests = ArrayTests()

    /// fp32 accumulation of e4m3 products in beat order equals Swift's own Float sum of the same
    /// products in the same order (each e4m3 product is exact in Float; Float addition is IEEE
    /// round to nearest even), for random matrices of every multiplier.
    @Test func fp32GoldenMatmulEqualsFloatSummation() {
        var rng = SplitMix64(seed: 77)
        for kind in UnitKind.allCases {
            let unit = ArithmeticUnit(kind, .e4m3)
            let pe = ProcessingElement(unit, floatAccumulator: .fp32)
            let a = ArrayTests.randomMatrix(3, 40, bits: 8, &rng), b = ArrayTests.randomMatrix(40, 2, bits: 8, &rng)
            let golden = pe.goldenMatmul(a, b)
            for i in 0..<3 {
                for j in 0..<2 {
                    var s: Float = 0
                    var invalid = false
                    for k in 0..<40 {
                        let p = unit.emulate(a[i][k], b[k][j])
                        if FloatFormat.e4m3.isNaN(p) { invalid = true; s = .nan } else { s += Float(FloatFormat.e4m3.doubleValue(p)) }
                    }
                    let bits = UInt32(truncatingIfNeeded: golden[i][j].sum.limbs[0])
                    if s.isNaN { #expect(bits == 0x7FFF_FFFF) } else { #expect(bits == s.bitPattern, "\(kind) (\(i),\(j))") }
                    #expect(golden[i][j].invalid == invalid)
                }
            }
        }
    }

    @Test(arguments: [(UnitKind.lmul, FloatFormat.e4m3, FloatFormat.fp32), (.fpmul, .e5m2, .fp16), (.mitchell, .e4m3, .bf16), (.fpmul, .bf16, .fp32)])
    func floatArrayFilesAreLintClean(kind: UnitKind, format: FloatFormat, acc: FloatFormat) throws {
        let dir = try tests.scratch("lint-float")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ArrayDesign(ArithmeticUnit(kind, format), rows: 2, cols: 2, floatAccumulator: acc)
        for (name, text) in try d.files() { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
        let modules = try d.elaborate().modules
        #expect(modules.map(\.name).contains("fpadd_\(acc.tag)"))
        for m in modules {
            let findings = try Lint.check("\(dir)/\(m.name).v", top: m.name, directory: dir)
            #expect(findings.isEmpty, "\(m.name): \(findings.map { "\($0.tool): \($0.output)" }.joined(separator: "\n"))")
        }
        let header = try d.files().last!.text
        #expect(header.contains("SPEC \"Floating-point accumulation\"") && header.contains("--acc \(ProcessingElement.accumulationName(acc))"))
    }

    /// e5m2 products in fp16 reach every float corner: overflow to infinity, inf + (-inf),
    /// subnormal sums (e5m2's subnormals are fp16 subnormals), cancellation from either sign.
    @Test func fp16ArrayOfE5M2PassesOnVerilatorAndIcarus() throws {
        let dir = try tests.scratch("sim-float")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ArrayDesign(ArithmeticUnit(.fpmul, .e5m2), rows: 3, cols: 3, floatAccumulator: .fp16)
        for (name, text) in try d.files() { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
        // the plan really reaches the corners: some expected result is inf, NaN, subnormal and +0
        let stimulus = ArrayStimulus(design: d, jobs: ArrayTestPlan.standard(d), seed: 1)
        let classes = Set(stimulus.expected.joined().compactMap { $0 }.map { FloatFormat.fp16.classify(UInt32($0.element.sum.limbs[0])) })
        #expect(classes == Set(FloatClass.allCases), "\(classes)")
        var s = ArraySimulation(rtlDirectory: dir, designs: [d])
        s.buildDirectory = dir + "/build"
        s.testbenchDirectory = repoRoot + "/testbench"
        s.quiet = true
        let outcomes = try s.run(log: { _ in })
        #expect(outcomes.count == 2)
        for o in outcomes {
            #expect(o.passed, "\(o.simulator): \(o.failure ?? "") \(o.firstMismatches)")
            #expect(o.results == stimulus.results)
        }
    }
}

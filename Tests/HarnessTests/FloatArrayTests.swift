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

    /// SPEC "Pipelined PEs" in arrays: with a `_p<S>` multiplier and an L-stage adder the
    /// protocol is docs/array.md's, every result S + L*L cycles later; the module names carry
    /// both; the plan has the sticky tie (in partial sum 0) and the partial-sum job, whose result
    /// with L partial sums (S + ulp, as partialSumHalves explains) differs from one accumulator's.
    @Test func pipelinedArrayShiftsTheProtocolAndItsStimulusDependsOnL() throws {
        let u = ArithmeticUnit(.lmul, .e4m3, stages: 2)
        let d = ArrayDesign(u, rows: 2, cols: 2, floatAccumulator: .fp32, accumulatorStages: 2)
        let flat = ArrayDesign(ArithmeticUnit(.lmul, .e4m3), rows: 2, cols: 2, floatAccumulator: .fp32)
        #expect(d.moduleName == "array_lmul_e4m3_p2_fp32_p2_2x2" && d.cellModuleName == "array_cell_lmul_e4m3_p2_fp32_p2")
        #expect(d.pe.moduleName == "pe_lmul_e4m3_p2_fp32_p2")
        for i in 0..<2 {
            for j in 0..<2 { #expect(d.resultDelay(row: i, col: j) == flat.resultDelay(row: i, col: j) + 2 + 4) }
            #expect(d.firstResultDelay(row: i) == flat.firstResultDelay(row: i) + 6)
        }
        #expect(d.minLastSpacing == flat.minLastSpacing)
        let modules = try d.elaborate().modules
        #expect(modules.map(\.name) == ["lmul_e4m3_p2", "fpadd_e8m23_p2", "pe_lmul_e4m3_p2_fp32_p2", "array_cell_lmul_e4m3_p2_fp32_p2", "array_lmul_e4m3_p2_fp32_p2_2x2"])
        let header = VerilogEmitter.emit(modules.last!)
        #expect(header.contains("every result D = 6 cycles later") && header.contains("--stages 2 --acc fp32 --acc-stages 2"))
        let plan = ArrayTestPlan.standard(d)
        let tie = try #require(plan.first { $0.label.contains("sticky") })
        // every big product of the tie is in partial sum 0: beats 1, 3, ... are +0 products
        #expect(tie.a[0].count % 2 == 1 && stride(from: 1, to: tie.a[0].count, by: 2).allSatisfy { tie.a[0][$0] == 0 })
        let halves = try #require(plan.first { $0.label.contains("partial sums decide") })
        let terms = halves.terms
        let withL = d.pe.goldenMatmul(terms.a, terms.b)[0][0].sum.limbs[0]
        let single = flat.pe.goldenMatmul(terms.a, terms.b)[0][0].sum.limbs[0]
        #expect(withL == single + 1, "L = 2: S + ulp; one accumulator: S (two ties to even)")
        #expect(halves.valid?.filter { !$0 }.count == 2)
        // the L = 1 array's plan has neither the new job nor a changed tie
        #expect(!ArrayTestPlan.standard(flat).contains { $0.label.contains("partial sums decide") })
    }

    /// The smallest pipelined float array on both simulators, S = 1 and L = 3 (a three-stage
    /// combine order), with the standard stimulus against the golden matmul.
    @Test func pipelinedArrayWithThreePartialSumsPassesOnBothSimulators() throws {
        let dir = try tests.scratch("sim-psum")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ArrayDesign(ArithmeticUnit(.fpmul, .e4m3, stages: 1), rows: 1, cols: 2, floatAccumulator: .bf16, accumulatorStages: 3)
        // the plan has a job whose result the combine order decides: SPEC's order against partial sums 1 and 2 swapped
        let order = try #require(ArrayTestPlan.standard(d).first { $0.label.contains("combine order decides") })
        var model = FPAccumulatorModel(element: .e4m3, accumulation: .bf16, partialSums: 3)
        for (x, y) in zip(order.a[0], order.b.map { $0[0] }) { model.accumulate(product: d.unit(x, y)) }
        let swapped = FPAdd.add(FPAdd.add(model.sums[0], model.sums[2], .bf16), model.sums[1], .bf16)
        #expect(model.value != swapped && model.sums[1] != 0 && model.sums[2] != 0)
        for (name, text) in try d.files() { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
        for m in try d.elaborate().modules {
            let findings = try Lint.check("\(dir)/\(m.name).v", top: m.name, directory: dir)
            #expect(findings.isEmpty, "\(m.name): \(findings.map { "\($0.tool): \($0.output)" }.joined(separator: "\n"))")
        }
        var s = ArraySimulation(rtlDirectory: dir, designs: [d])
        s.buildDirectory = dir + "/build"
        s.testbenchDirectory = repoRoot + "/testbench"
        s.quiet = true
        let outcomes = try s.run(log: { _ in })
        #expect(outcomes.count == 2)
        for o in outcomes { #expect(o.passed, "\(o.simulator): \(o.failure ?? "") \(o.firstMismatches)") }
    }
}

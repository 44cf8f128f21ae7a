import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Testing
import Units

/// The behavioural twins of the exact multipliers (the report's reference rows) compute the same
/// SPEC function as the units: every operand pair of the 8-bit formats, corner and random pairs of
/// the 16-bit ones, on Icarus Verilog against the golden model.
@Suite(.serialized) struct BehaviouralReferenceTests {
    static let units: [ArithmeticUnit] = [FloatFormat.e4m3, .e5m2].flatMap { f in
        [ArithmeticUnit(.fpmul, f), ArithmeticUnit(.fpmulFTZ, f), ArithmeticUnit(.fpmul, f, overflow: .infinity)]
    } + [FloatFormat.bf16, .fp16].flatMap { [ArithmeticUnit(.fpmul, $0), ArithmeticUnit(.fpmulFTZ, $0)] }

    @Test func twinsEqualTheGoldenModel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("behavioural-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for u in Self.units {
            let text = try #require(BehaviouralReference.verilog(u))
            #expect(text.contains("behavioural reference (not a shipped unit)"))
            #expect(text.contains(" * ") && !text.contains("/work"))
            try text.write(toFile: "\(dir)/\(u.moduleName).v", atomically: true, encoding: .utf8)
        }
        var c = SimulationConfig(rtlDirectory: dir, units: Self.units, simulators: [.icarus])
        c.buildDirectory = dir + "/build"
        c.testbenchDirectory = repoRoot + "/testbench"
        let outcomes = try UnitSimulation(c, log: { _ in }).run()
        #expect(outcomes.count == Self.units.count)
        for o in outcomes {
            #expect(o.passed, "\(o.module): \(o.mismatches) mismatches, first \(o.firstMismatches.first.map { "a=\($0.a) b=\($0.b) got \($0.got) expected \($0.expected)" } ?? o.failure ?? "")")
            #expect(o.vectors >= (o.module.contains("e5m10") || o.module.contains("e8m7") ? 10_000 : 65_536))
        }
    }

    /// The finite formats' twins have no NaN or infinity case and still equal the golden model on
    /// every operand pair (SPEC "Finite formats").
    @Test func finiteFormatTwinsEqualTheGoldenModel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("behavioural-fn-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let units = FloatFormat.finiteFormats.flatMap { [ArithmeticUnit(.fpmul, $0), ArithmeticUnit(.fpmulFTZ, $0)] }
        for u in units {
            let text = try #require(BehaviouralReference.verilog(u))
            #expect(!text.contains("&ea & |fa") && !text.contains("else if (&ea | &eb)"), "\(u.moduleName)")
            try text.write(toFile: "\(dir)/\(u.moduleName).v", atomically: true, encoding: .utf8)
        }
        var c = SimulationConfig(rtlDirectory: dir, units: units, simulators: [.icarus])
        c.buildDirectory = dir + "/build"
        c.testbenchDirectory = repoRoot + "/testbench"
        let outcomes = try UnitSimulation(c, log: { _ in }).run()
        #expect(outcomes.count == units.count)
        for o in outcomes {
            #expect(o.passed && o.vectors == o.unit.format.encodingCount * o.unit.format.encodingCount,
                    "\(o.module): \(o.mismatches) mismatches \(o.failure ?? "")")
        }
    }

    @Test func onlyExactMultipliersHaveTwins() {
        #expect(BehaviouralReference.verilog(ArithmeticUnit(.lmul, .e4m3)) == nil)
        #expect(BehaviouralReference.verilog(ArithmeticUnit(.fpmul, .e4m3)) != nil)
        let u = ArithmeticUnit(.fpmulFTZ, .bf16)
        #expect(BehaviouralReference.verilog(u) == BehaviouralReference.verilog(u))
    }
}

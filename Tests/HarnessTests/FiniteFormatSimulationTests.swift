import FloatArith
import Foundation
import Toolchain
import Verification
import Testing
import Units

/// The finite formats (SPEC "Finite formats", issue 21 item 5) checked like every other format:
/// every multiplier generated into a scratch directory, lint-clean on all three readers, and
/// equal to its golden model on every operand pair on both simulators (so `make test` covers them).
@Suite(.serialized) struct FiniteFormatSimulationTests {
    static let units = FloatFormat.finiteFormats.flatMap { f in UnitKind.allCases.map { ArithmeticUnit($0, f) } }

    func scratch() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("finite-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func simulate(_ dir: String, _ units: [ArithmeticUnit]) throws -> [SimulationOutcome] {
        var c = SimulationConfig(rtlDirectory: dir, units: units, simulators: [.verilator, .icarus])
        c.buildDirectory = dir + "/build"
        c.testbenchDirectory = repoRoot + "/testbench"
        return try UnitSimulation(c, log: { _ in }).run()
    }

    @Test func everyMultiplierIsLintCleanAndExhaustivelyEqualToItsModelOnBothSimulators() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Self.units.count == 15)
        for u in Self.units {
            let text = try u.verilog()
            // no special-value logic survives: a finite format has no NaN and no infinity
            #expect(!text.contains("is_nan") && !text.contains("is_inf"), "\(u.moduleName)")
            try text.write(toFile: "\(dir)/\(u.fileName)", atomically: true, encoding: .utf8)
            for finding in try Lint.check("\(dir)/\(u.fileName)", top: u.moduleName, directory: dir) {
                Issue.record("\(finding.tool) on \(u.moduleName): \(finding.output)")
            }
        }
        let outcomes = try simulate(dir, Self.units)
        #expect(outcomes.count == 30)
        for o in outcomes {
            // every operand pair: 2^(2N) with N = 4 or 6
            #expect(o.passed && o.vectors == o.unit.format.encodingCount * o.unit.format.encodingCount,
                    "\(o.module) on \(o.simulator): \(o.mismatches) mismatches of \(o.vectors), \(o.failure ?? "")")
        }
    }

    /// The in-process exhaustive stream (rtlgen exhaustive, the sweep's check) on 4-bit rows, shorter
    /// than one group of lanes: every pair checked, and a wrong constant caught.
    @Test func exhaustiveStreamingCoversFourBitFormats() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let u = ArithmeticUnit(.fpmul, .e2m1fn)
        let text = try u.verilog()
        #expect(text.contains("? 3'd7"))
        try FileManager.default.createDirectory(atPath: dir + "/broken", withIntermediateDirectories: true)
        try text.write(toFile: "\(dir)/\(u.fileName)", atomically: true, encoding: .utf8)
        try text.replacingOccurrences(of: "? 3'd7", with: "? 3'd6").write(toFile: "\(dir)/broken/\(u.fileName)", atomically: true, encoding: .utf8)
        func stream(_ file: String, _ build: String) throws -> ExhaustiveStream.Outcome {
            var s = ExhaustiveStream(unit: u, file: file)
            s.buildDirectory = build
            s.testbenchDirectory = repoRoot + "/testbench"
            s.quiet = true
            return try s.run(log: { _ in })
        }
        let ok = try stream("\(dir)/\(u.fileName)", dir + "/build")
        #expect(ok.vectors == 256 && ok.mismatches == 0)
        // saturation off by one: 6 * 6, 3 * 3, ... (every saturating pair, both signs) differ
        let bad = try stream("\(dir)/broken/\(u.fileName)", dir + "/build-broken")
        #expect(bad.vectors == 256 && bad.mismatches > 0)
        for m in bad.firstMismatches { #expect(m.expected & 0x7 == 0x7 && m.got == m.expected - 1) }
    }

    /// The check can fail: a saturation constant off by one in e2m1fn lmul is caught on both simulators.
    @Test func aWrongSaturationValueIsCaught() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let u = ArithmeticUnit(.lmul, .e2m1fn)
        let text = try u.verilog()
        #expect(text.contains("y_saturate ? 3'd7"))
        try text.replacingOccurrences(of: "y_saturate ? 3'd7", with: "y_saturate ? 3'd6").write(toFile: "\(dir)/\(u.fileName)", atomically: true, encoding: .utf8)
        let outcomes = try simulate(dir, [u])
        #expect(outcomes.count == 2)
        for o in outcomes {
            #expect(!o.passed && o.failure == nil && o.mismatches > 0, "\(o.simulator)")
            for m in o.firstMismatches { #expect(u.emulate(m.a, m.b) == m.expected && m.expected & 0x7 == 0x7) }
        }
    }
}

import FloatArith
import Foundation
import HDL
import Testing
import Toolchain
import Units
import Verification

/// SPEC "MX block formats and the MX dot product" on the one cycle testbench: every multiplier's
/// MX dot, every element pair (exhaustive over the element format), the corner blocks and seeded
/// random blocks, on Verilator and Icarus; pipelined variants back to back; a one-operator change
/// is caught.
@Suite(.serialized) struct MXDotSimulationTests {
    func scratch(_ tag: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mx-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func design(_ k: UnitKind, _ f: FloatFormat, _ blockSize: Int, stages: Int = 0) throws -> MXDotDesign {
        try MXDotDesign(k, try BlockFormat(element: f, blockSize: blockSize), stages: stages)
    }

    /// Every multiplier, with the element formats spread over them (each format's specials: e4m3 NaN,
    /// e5m2 inf and NaN, the finite formats none) and block sizes from 1 to 16.
    static let cases: [(String, String, Int)] = [
        ("lmul", "e5m2", 8), ("fpmul", "e5m2", 1), ("fpmul_ftz", "e4m3", 4), ("lmul_formula", "e3m2fn", 2),
        ("mitchell", "e2m3fn", 16), ("lmul", "e2m1fn", 2), ("fpmul", "e4m3", 2),
    ]

    @Test(arguments: cases)
    func everyPairCornersAndRandomBlocksOnBothSimulators(_ unit: String, _ format: String, _ k: Int) throws {
        let d = try design(UnitKind(rawValue: unit)!, FloatFormat.named(format), k)
        let dir = try scratch(d.moduleName)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = MXSimulation(designs: [d])
        s.random = 500
        s.buildDirectory = dir
        s.testbenchDirectory = repoRoot + "/testbench"
        let rows = try s.run()
        let pairs = 1 << (2 * d.element.width)
        #expect(rows.count == 2)
        for r in rows {
            #expect(r.passed, "\(d.moduleName) on \(r.simulator): \(r.run.failure ?? r.firstMismatch ?? "")")
            #expect(r.run.checked == pairs + d.cornerBlocks().count + d.roundingBlocks().count + 500)
            #expect(r.missing.isEmpty, "\(d.moduleName): rounding decisions not exercised: \(r.missing)")
        }
    }

    @Test(arguments: [1, 2, 4])
    func pipelinedVariantsBackToBack(_ stages: Int) throws {
        let d = try design(.fpmul, .e5m2, 4, stages: stages)
        #expect(d.moduleName == "mxdot_fpmul_e5m2_k4_p\(stages)" && d.latency == stages && d.signature.isClocked)
        let text = try d.verilog()
        #expect(text.contains("register stage 1") && text.contains("timing: \(stages) register stage"))
        let dir = try scratch(d.moduleName)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = MXSimulation(designs: [d])
        s.sets = [.corners, .rounding, .random]
        s.random = 1500
        s.buildDirectory = dir
        s.testbenchDirectory = repoRoot + "/testbench"
        let rows = try s.run()
        for r in rows {
            let blocks = d.cornerBlocks().count + d.roundingBlocks().count + 1500
            #expect(r.passed && r.run.checked == blocks, "\(d.moduleName) on \(r.simulator): \(r.run.failure ?? r.firstMismatch ?? "") \(r.missing)")
            #expect(r.run.cycles == blocks + stages)
        }
    }

    /// The check is not vacuous: the round-to-nearest-even carry dropped, or one product's sign
    /// ignored, fails on both simulators with a decoded mismatch.
    @Test func aOneOperatorChangeIsCaught() throws {
        let d = try design(.lmul, .e4m3, 4)
        let good = try d.verilog()
        let lines = good.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // the guard bit's AND with (sticky | lsb) made an OR; the product sign's XOR made an AND
        let edits: [(String, String, String)] = [("wire        rounded_round_up = ", " & ", " | "), ("wire        p0_sign = ", " ^ ", " & ")]
        for (prefix, from, to) in edits {
            let i = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix.trimmingCharacters(in: .whitespaces)) })
            #expect(lines[i].contains(from))
            var mutated = lines
            mutated[i] = lines[i].replacingOccurrences(of: from, with: to)
            let bad = mutated.joined(separator: "\n")
            #expect(bad != good)
            let dir = try scratch("bad")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try bad.write(toFile: "\(dir)/\(d.fileName)", atomically: true, encoding: .utf8)
            let trace = d.trace(d.blocks([.corners, .random], random: 300))
            let runs = try CycleTestbench.check(d, trace: trace, rtlDirectory: dir, simulators: [.verilator, .icarus],
                                                buildDirectory: dir + "/build", testbench: repoRoot + "/testbench", report: 3)
            #expect(runs.count == 2)
            for (sim, r) in runs {
                #expect(r.failure == nil && (r.mismatchCount ?? 0) > 0, "\(sim): the mutant passed")
                if let m = r.mismatches.first { #expect(MXSimulation.describe(m, d, trace).contains("expected")) }
            }
        }
    }

    @Test func everyGeneratedFileIsLintClean() throws {
        let dir = try scratch("lint")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (u, f, k, s) in [("lmul", "e5m2", 4, 0), ("fpmul", "e2m1fn", 32, 2), ("lmul_formula", "e4m3", 1, 3), ("mitchell", "e3m2fn", 64, 0),
                             ("fpmul_ftz", "e2m3fn", 8, 1)] {
            let d = try design(UnitKind(rawValue: u)!, FloatFormat.named(f), k, stages: s)
            let path = "\(dir)/\(d.fileName)"
            try d.verilog().write(toFile: path, atomically: true, encoding: .utf8)
            let v = try Tools.run("verilator", ["--lint-only", "-Wall", path], limit: ToolBudget.lint(sources: [path]))
            #expect(v.status == 0 && v.output.isEmpty, "\(d.moduleName): \(v.output)")
            let i = try Tools.run("iverilog", ["-o", "/dev/null", path], limit: ToolBudget.lint(sources: [path]))
            #expect(i.status == 0 && i.output.isEmpty, "\(d.moduleName): \(i.output)")
            let y = try Tools.run("yosys", ["-q", "-p", "read_verilog \(path); hierarchy -top \(d.moduleName); proc"], limit: ToolBudget.lint(sources: [path]))
            #expect(y.status == 0 && !y.output.lowercased().contains("warning"), "\(d.moduleName): \(y.output)")
            // deterministic: the same design, the same bytes
            #expect(try d.verilog() == (try String(contentsOfFile: path, encoding: .utf8)))
        }
    }
}

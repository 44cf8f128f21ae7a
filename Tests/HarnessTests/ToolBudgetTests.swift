import Foundation
import FloatArith
import HDL
import Testing
import Toolchain
import Units
@testable import Verification

/// The time limit policy (issue 38, item 4): every limit follows its run's work, from one place.
@Suite struct ToolBudgetTests {
    @Test func simulationLimitFollowsCyclesAndDesignSize() {
        let base = ToolBudget.simulation(cycles: 1_000_000, bits: 1_000)
        let moreCycles = ToolBudget.simulation(cycles: 2_000_000, bits: 1_000)
        let biggerDesign = ToolBudget.simulation(cycles: 1_000_000, bits: 2_000)
        // the floor plus a part proportional to cycles x bits
        let floor = ToolBudget.simulationFloor
        #expect(base.seconds == (floor + 1e9 * ToolBudget.simulationPerCycleBit).rounded(.up))
        #expect(moreCycles.seconds - floor == 2 * (base.seconds - floor))
        #expect(biggerDesign.seconds - floor == 2 * (base.seconds - floor))
        #expect(ToolBudget.simulation(cycles: 0, bits: 0).seconds == floor + 1)
        #expect(base.basis == "1,000,000 cycles of a design of 1,000 bits")
        #expect(base.raise.contains("--time-limit") && base.raise.contains("RTLGEN_TIME_SCALE"))
    }

    /// A unit's exhaustive check (65,536 vectors) gets less than a minute, so a unit that never
    /// settles is stopped within one; a 16 x 16 array's longer trace gets more.
    @Test func unitCheckIsBoundedByAMinute() throws {
        for kind in [UnitKind.lmul, .fpmul] {
            let unit = ArithmeticUnit(kind, .e4m3)
            let limit = CycleTestbench.timeLimit(nil, unit, cycles: 65_536)
            let bits = try unit.modules().map(\.flattenedBits).max()!
            #expect(bits > 50, "\(unit.moduleName): \(bits) bits")
            #expect(limit == ToolBudget.simulation(cycles: 65_536, bits: bits))
            #expect(limit.seconds < 60, "\(unit.moduleName): \(limit.seconds) s")
            #expect(limit.seconds > ToolBudget.simulationFloor)
        }
        // a limit the user gives is used as given, and named as theirs
        let given = CycleTestbench.timeLimit(7, ArithmeticUnit(.lmul, .e4m3), cycles: 65_536)
        #expect(given.seconds == 7 && given.raise == "raise --time-limit")
    }

    /// Synthesis limits grow with the Verilog read: an MX dot at K = 64 gets more than at K = 32,
    /// and both more than a unit, which gets the floor and a little.
    @Test func synthesisLimitFollowsTheDesign() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("budget-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var limits: [Double] = []
        for k in [32, 64] {
            let d = try MXDotDesign(.lmul, try BlockFormat(element: .e5m2, blockSize: k))
            let path = "\(dir)/\(d.fileName)"
            try d.verilog().write(toFile: path, atomically: true, encoding: .utf8)
            let limit = ToolBudget.synthesis(sources: [path])
            #expect(limit.basis.hasPrefix("synthesis of ") && limit.basis.hasSuffix(" KB of Verilog"), "\(limit.basis)")
            limits.append(limit.seconds)
        }
        let unit = "\(dir)/lmul_e4m3.v"
        try ArithmeticUnit(.lmul, .e4m3).verilog().write(toFile: unit, atomically: true, encoding: .utf8)
        let unitLimit = ToolBudget.synthesis(sources: [unit]).seconds
        #expect(unitLimit >= ToolBudget.synthesisFloor && unitLimit < ToolBudget.synthesisFloor + 600)
        #expect(limits[0] > unitLimit)
        #expect(limits[1] > limits[0] + 0.8 * (limits[0] - ToolBudget.synthesisFloor), "\(limits)")
        #expect(ToolBudget.synthesis(bytes: 10 * 1024).seconds == ToolBudget.synthesisFloor + 10 * ToolBudget.synthesisPerKB)
    }

    /// A run past its limit is stopped (its process group with it) soon after the limit, and the
    /// message names the tool, what it ran on, the limit and how to raise it.
    @Test func aRunPastItsLimitIsStoppedAndSaysSo() throws {
        let limit = ToolLimit(seconds: 1, basis: "a test", raise: "raise --nothing")
        let start = monotonicSeconds()
        let r = try Tools.run("sh", ["-c", "sleep 30 & sleep 30; wait"], limit: limit)
        let elapsed = monotonicSeconds() - start
        #expect(elapsed < 5, "stopped after \(elapsed) s")
        #expect(r.timedOut == 1)
        #expect(r.timeLimitMessage(on: "a sleeper") == "sh on a sleeper stopped at its time limit of 1 s (a test); raise --nothing")
        // a run within its limit says nothing
        let quick = try Tools.run("true", [], limit: limit)
        #expect(quick.timedOut == nil && quick.timeLimitMessage(on: "x") == nil)
    }
}

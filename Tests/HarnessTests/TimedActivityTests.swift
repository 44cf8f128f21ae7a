import FloatArith
import HDL
import Foundation
@testable import GateTiming
@testable import Synthesis
import Testing
import Toolchain
import Units

/// Timed gate-level activity: the cell models and their rewritten delay styles, the value-change
/// count of a VCD, a glitch each delay model treats as Verilog says it must, and a mapped unit whose
/// zero-delay activity equals the liberty netlist simulator's and whose timed activity is larger.
@Suite(.serialized) struct TimedActivityTests {
    static let cellModels = "/usr/local/share/osu018/osu018_stdcells.v"

    func scratch() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("timed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// A hand-mapped netlist `y = a & !a`: zero at every settled value, but when `a` rises the
    /// AND gate sees both inputs high until the inverter has switched.
    struct Glitch: Design {
        var moduleName: String { "glitch" }
        var signature: Signature { Signature([.input("a", 1, .operand), .output("y", 1, .result)]) }
        var latency: Int { 0 }
        var command: String { "(hand-written test netlist)" }
        func modules() throws -> [Module] { [] }
        static let netlist = """
        module glitch(a, y);
          input a;
          output y;
          wire _0_;
          INVX1 _1_ (
            .A(a),
            .Y(_0_)
          );
          AND2X1 _2_ (
            .A(a),
            .B(_0_),
            .Y(y)
          );
        endmodule

        """
        /// `a` = 0, 1, 0, 1, ... with y = `expect` in every cycle.
        func trace(cycles: Int, expect: UInt64 = 0) -> CycleTrace {
            var t = CycleTrace(signature)
            for c in 0..<cycles {
                _ = t.addCycle()
                t.drive("a", UInt64(c % 2), cycle: c)
                t.expect("y", expect, cycle: c)
            }
            return t
        }
    }

    @Test func readsTheCellModels() throws {
        let m = try CellModels(path: Self.cellModels)
        // the 32 cells of the liberty file and FILL, which has no pins
        #expect(m.outputs.count == 33 && m.outputs["FILL"] == [])
        #expect(m.outputs["FAX1"] == ["YC", "YS"] && m.outputs["DFFPOSX1"] == ["Q"])
        // INVX1: (A *> Y) = (tphlh$A$Y, tplhl$A$Y) = (0.038, 0.031) in the shipped models
        let inv = try #require(m.worstDelays["INVX1"]?["Y"])
        #expect(inv.rise == 0.038 && inv.fall == 0.031)
        for model in [DelayModel.inertial, .transport] {
            let text = try m.verilog(for: model)
            #expect(!text.contains("endspecify"))
            #expect(text.contains(model == .inertial ? "assign #(0.038, 0.031) Y = Y_i;" : "always @(Y_i) Y <= #0.038 Y_i;"))
        }
        #expect(throws: CellModels.Failure.self) { try CellModels(path: "/nonexistent/cells.v") }
    }

    @Test func countsValueChanges() throws {
        let vcd = """
        $timescale 1ps $end
        $scope module dut $end
        $var wire 1 ! n $end
        $var wire 4 " y [3:0] $end
        $upscope $end
        $enddefinitions $end
        #0
        $dumpvars
        0!
        bx "
        $end
        #10
        1!
        b101 "
        #20
        0!
        b1100 "
        $dumpoff
        x!
        bx "
        $end
        #30
        $dumpon
        1!
        b1100 "
        $end
        #40
        0!
        """
        let c = try ValueChanges(vcd: Data(vcd.utf8))
        // n: 0 -> 1 -> 0, (off, on: not counted) 1 -> 0
        #expect(c.counts["n"] == 3)
        // y: x -> 0101 (4 bits), 0101 -> 1100 (bits 3 and 0)
        #expect(c.counts["y[3]"] == 2 && c.counts["y[2]"] == 1 && c.counts["y[1]"] == 1 && c.counts["y[0]"] == 2)
        #expect(throws: ValueChanges.Failure.self) { try ValueChanges(vcd: Data("$var wire 1 ! n $end".utf8)) }
    }

    @Test func eachDelayModelTreatsAGlitchAsItMust() throws {
        let dir = try scratch()
        let netlist = dir + "/glitch.v"
        try Data(Glitch.netlist.utf8).write(to: URL(fileURLWithPath: netlist))
        let cells = try CellModels(path: Self.cellModels)
        let run = TimedActivity(netlist: netlist, design: Glitch(), cellModels: cells)
        let trace = Glitch().trace(cycles: 21)
        var y: [DelayModel: Int] = [:], inv: [DelayModel: Int] = [:]
        for model in [DelayModel.zeroDelay, .specify, .inertial, .transport] {
            let r = try run.run(trace, model: model, in: dir + "/\(model.rawValue)")
            #expect(r.cycles == 20)
            y[model] = r.toggles["_2_"]
            inv[model] = r.toggles["_1_"]
        }
        // the inverter follows a: 20 changes after the first cycle, whatever the delays
        #expect(inv.values.allSatisfy { $0 == 20 })
        // zero delay: y never moves; inertial: the 31 ps pulse is shorter than the AND's 65 ps and
        // is swallowed; transport: it passes, two changes on each of the 10 rising edges of a
        #expect(y[.zeroDelay] == 0 && y[.inertial] == 0 && y[.transport] == 20)
        #expect(try #require(y[.specify]) <= 20)
        // a wrong expectation is a failure, not an activity
        #expect(throws: TimedActivity.Failure.self) { try run.run(Glitch().trace(cycles: 4, expect: 1), model: .zeroDelay, in: dir + "/wrong") }
    }

    /// A flattened netlist names its nets like `\\unit.a [0]` (an escaped identifier, then a bit
    /// select) and the VCD declares `\\unit.a [1:0]`: both spellings name the same bit, and its
    /// changes count (they once counted 0); a cell output the VCD lacks is an error, not 0.
    @Test func escapedVectorNetsAreCounted() throws {
        let dir = try scratch()
        let netlist = Glitch.netlist.replacingOccurrences(of: "  wire _0_;", with: "  wire [1:0] \\unit.n ;")
            .replacingOccurrences(of: "_0_", with: "\\unit.n [1]")
        try Data(netlist.utf8).write(to: URL(fileURLWithPath: dir + "/glitch.v"))
        let run = TimedActivity(netlist: dir + "/glitch.v", design: Glitch(), cellModels: try CellModels(path: Self.cellModels))
        let r = try run.run(Glitch().trace(cycles: 21), model: .zeroDelay, in: dir + "/escaped")
        #expect(r.toggles["_1_"] == 20 && r.toggles["_2_"] == 0)
        #expect(TimedActivity.canonical("\\unit.n [1]") == TimedActivity.canonical("\\unit.n[1]"))
    }

    /// lmul_e4m3 mapped to osu018: Icarus at zero delay sees exactly the per-instance toggles of
    /// the liberty netlist simulator (its own independent evaluation of the liberty functions);
    /// every timed model sees more, transport the most.
    @Test func mappedUnitActivity() throws {
        let dir = try scratch()
        let unit = ArithmeticUnit(.lmul, .e4m3)
        let rtl = dir + "/\(unit.moduleName).v"
        try Data(try unit.verilog().utf8).write(to: URL(fileURLWithPath: rtl))
        let lib = LibertyLibrary.defaultPath
        let y = try Tools.run("yosys", ["-q", "-p", "read_verilog -noautowire \(rtl); hierarchy -check -top \(unit.moduleName); proc; flatten; synth -flatten -noabc; abc -liberty \(lib); opt_clean; rename -enumerate; write_verilog -noattr -noexpr \(dir)/liberty.v; write_json \(dir)/liberty.json"], in: dir, limit: ToolBudget.synthesis(sources: [rtl]))
        try #require(y.status == 0, "\(y.output)")
        var rng = SplitMix64(seed: 7)
        let pairs = (0..<200).map { _ in (UInt32(rng.next() & 0xFF), UInt32(rng.next() & 0xFF)) }
        let trace = unit.trace(pairs)
        var run = TimedActivity(netlist: dir + "/liberty.v", design: unit, cellModels: try CellModels(path: Self.cellModels))
        run.liberty = lib
        var total: [DelayModel: Int] = [:]
        var zero: TimedActivity.Result?
        for model in DelayModel.allCases {
            let r = try run.run(trace, model: model, in: dir + "/\(model.rawValue)")
            total[model] = r.total
            if model == .zeroDelay { zero = r }
        }
        // the liberty netlist simulator, every one of its 64 lanes on the same pairs
        let n = try CellNetlist(json: try Data(contentsOf: URL(fileURLWithPath: dir + "/liberty.json")), module: unit.moduleName,
                                library: try LibertyLibrary(path: lib))
        let activity = try n.simulate(cycles: pairs.count, drive: { c, nets in
            n.set("a", [UInt64](repeating: UInt64(pairs[c].0), count: 64), &nets)
            n.set("b", [UInt64](repeating: UInt64(pairs[c].1), count: 64), &nets)
        })
        let z = try #require(zero)
        #expect(n.instances.count == z.toggles.count)
        for (i, inst) in n.instances.enumerated() {
            #expect(activity.toggles[i] == 64 * (z.toggles[inst.name] ?? -1), "instance \(inst.name) (\(inst.type))")
        }
        let zd = try #require(total[.zeroDelay])
        for model in [DelayModel.specify, .sdf, .inertial] { #expect(try #require(total[model]) > zd, "\(model)") }
        #expect(try #require(total[.transport]) > (try #require(total[.inertial])))
    }

    /// A pipelined unit between its registers (an iso-throughput choice): its result is expected
    /// S + 2 cycles after its pair; mapped and proven as the clocked measurement maps it, its
    /// zero-delay energy from Icarus agrees with the clocked measurement's own (the liberty netlist
    /// simulator on 65,536 pairs) within 5%, and delays add changes.
    @Test func registeredUnitTimedActivity() throws {
        let dir = try scratch()
        let unit = ArithmeticUnit(.lmul, .e4m3, stages: 1)
        let r = RegisteredUnit(unit)
        #expect(r.moduleName == "clocked_lmul_e4m3_p1" && r.latency == 3 && r.signature.isClocked)
        let t = r.trace([(0x38, 0x40), (0x41, 0x42)])
        #expect(t.cycles == 5 && t.checks(cycle: 3) && t.checks(cycle: 4) && !t.checks(cycle: 2))
        let lib = LibertyLibrary.defaultPath
        var flow = SynthesisFlow()
        flow.power = PowerAnalysis(liberty: try LibertyFlow(libertyPath: lib))
        var engine = TimedSynthesis(flow: flow, backend: TimedActivityBackend(liberty: lib, cellModels: Self.cellModels))
        engine.operations = 300
        let cost = ClockedCost(liberty: try LibertyFlow(libertyPath: lib))
        let f = try engine.measureClocked(unit, cost: cost, dir: dir + "/timed")
        #expect(f.proof == ClockedCost.proofMethod)
        let reference = try cost.measure(ClockedDesign(kind: .unit(unit), module: unit.moduleName, files: [(unit.fileName, try unit.verilog())]),
                                         work: dir + "/reference")
        #expect(f.cells == reference.cells && reference.flipFlops >= 3 * 8)
        let zero = try #require(f.energy(.zeroDelay, atMHz: 100))
        #expect(abs(zero / reference.energy(atMHz: 100) - 1) < 0.05, "\(zero) against \(reference.energy(atMHz: 100))")
        // leakage scales with the period, the rest does not
        let leak = try #require(f.leakage)
        #expect(abs((f.energy(.zeroDelay, atMHz: 50) ?? 0) - zero - leak) < 1e-9)
        #expect(try #require(f.timed) > (try #require(f.zeroDelay)))
        #expect(try #require(f.energy(.transport)) >= (try #require(f.energy(.inertial))))
    }
}

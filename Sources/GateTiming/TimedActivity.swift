import Foundation
import Toolchain
import Units

/// Switching activity of a mapped netlist under a delay model: the design's own cycle trace
/// (stimulus and expected outputs) driven into the netlist in Icarus Verilog, one cycle per clock
/// period, every value change of every net of the netlist's top module counted from a VCD, and
/// each cell instance's output changes summed. The outputs are compared with the trace just before
/// each rising edge (at 90% of the period), so a netlist that does not settle within the period, or
/// is wrong, fails rather than giving an activity.
public struct TimedActivity: Sendable {
    public struct Failure: Error, CustomStringConvertible { public let description: String }

    /// The mapped netlist (yosys `write_verilog -noattr -noexpr`) and the design it implements.
    public var netlist: String
    public var design: any Design
    public var cellModels: CellModels
    /// The liberty file and output load OpenSTA writes the SDF with (`DelayModel.sdf` only).
    public var liberty: String?
    public var outputLoad = 0.01
    /// ns per cycle. Inputs change at the start of a cycle, outputs are compared at 90% of it and
    /// the clock (clocked designs) rises at 95%.
    public var period = 10.0
    /// Cycles simulated before counting starts (the power-up X values settle in them).
    public var warmup = 1
    /// Seconds the simulation may take; nil: `ToolBudget.timedSimulation`'s limit for the trace and netlist.
    public var timeLimit: Double? = nil

    public init(netlist: String, design: any Design, cellModels: CellModels) {
        self.netlist = netlist
        self.design = design
        self.cellModels = cellModels
    }

    public struct Result: Sendable {
        public var model: DelayModel
        /// Output value changes of each cell instance (summed over its output pins).
        public var toggles: [String: Int]
        /// Cycles the changes were counted over.
        public var cycles: Int
        public var total: Int { toggles.values.reduce(0, +) }
        public func perCycle(_ instance: String) -> Double { Double(toggles[instance] ?? 0) / Double(max(cycles, 1)) }
    }

    /// Simulates `trace` (at least `warmup + 1` cycles) in `directory` (created; the files stay
    /// for inspection) under `model`.
    public func run(_ trace: CycleTrace, model: DelayModel, in directory: String) throws -> Result {
        let s = design.signature
        guard trace.cycles > warmup else { throw Failure(description: "\(design.moduleName): a timed run needs more than \(warmup) cycles") }
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // the tools run in `directory`
        let netlist = netlist.hasPrefix("/") ? netlist : (fm.currentDirectoryPath as NSString).appendingPathComponent(netlist)
        let text = try String(contentsOfFile: netlist, encoding: .utf8)
        let cells = try CellInstances(verilog: text)
        guard cells.module == design.moduleName else {
            throw Failure(description: "\(netlist): module \(cells.module), expected \(design.moduleName)")
        }
        let write = { (name: String, content: String) throws in
            try Data(content.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name)"), options: .atomic)
        }
        try write("stim.hex", trace.stimulusHex(comment: "\(design.moduleName): stimulus"))
        try write("expect.hex", trace.expectedHex(comment: "\(design.moduleName): {mask, value}"))
        try write("tb_wrap.v", design.cycleWrapper)
        try write("cells.v", try cellModels.verilog(for: model))
        try write("tb_timed.v", testbench(signature: s, cycles: trace.cycles, sdf: model == .sdf))
        var flags = ["-g2005"]
        switch model {
        case .zeroDelay, .inertial, .transport: break
        case .specify: flags.append("-gspecify")
        case .sdf:
            flags += ["-gspecify", "-Tmax"]
            try writeSDF(netlist: netlist, top: design.moduleName, directory: directory)
        }
        let build = try Tools.run("iverilog", flags + ["-o", "tb_timed.vvp", "-s", "tb_timed", "tb_timed.v", "tb_wrap.v", netlist, "cells.v"],
                                  in: directory, limit: ToolBudget.build(sources: [netlist]))
        if let stopped = build.timeLimitMessage(on: "\(design.moduleName)'s timed testbench") { throw Failure(description: stopped) }
        guard build.status == 0 else {
            throw Failure(description: "\(design.moduleName): iverilog failed on the timed testbench: \(Self.firstLine(build.output))")
        }
        let limit = timeLimit.map { ToolBudget.given($0, option: "the timed simulation's time limit") }
            ?? ToolBudget.timedSimulation(cycles: trace.cycles, netlistBytes: ToolBudget.bytes(of: [netlist]))
        let sim = try Tools.run("vvp", ["-n", "tb_timed.vvp"], in: directory, limit: limit)
        if let stopped = sim.timeLimitMessage(on: "\(design.moduleName) (\(model.rawValue) delays)") { throw Failure(description: stopped) }
        guard sim.status == 0, let summary = sim.stdout.split(separator: "\n").first(where: { $0.hasPrefix("SUMMARY") }) else {
            throw Failure(description: "\(design.moduleName): vvp failed on the timed testbench: \(Self.firstLine(sim.output))")
        }
        if !summary.hasSuffix("mismatches=0") {
            let first = sim.stdout.split(separator: "\n").first { $0.hasPrefix("MISMATCH") }.map(String.init) ?? ""
            throw Failure(description: "\(design.moduleName): the netlist under \(model.rawValue) delays gives outputs the golden model does not at a \(period) ns period (\(summary); first: \(first))")
        }
        let changes = try ValueChanges(vcd: "\(directory)/activity.vcd")
        let counts = Dictionary(changes.counts.map { (Self.canonical($0.key), $0.value) }, uniquingKeysWith: +)
        var toggles: [String: Int] = [:]
        for inst in cells.instances {
            guard let outs = cellModels.outputs[inst.type] else {
                throw Failure(description: "\(netlist): instance \(inst.name) has cell type \(inst.type), which the cell models do not define")
            }
            var n = 0
            for pin in outs {
                guard let net = inst.pins[pin] else { continue }   // an unconnected output
                guard let c = counts[Self.canonical(net)] else {
                    throw Failure(description: "\(netlist): net \(net) on \(inst.name).\(pin) is not in the simulation's VCD; its changes cannot be counted")
                }
                n += c
            }
            toggles[inst.name] = n
        }
        return Result(model: model, toggles: toggles, cycles: trace.cycles - warmup)
    }

    /// One spelling of a net bit for the netlist (`_012_`, `y[3]`, `\\unit.a [0]`: an escaped
    /// identifier ends at a space, then the bit select) and the VCD (`\\unit.a` declared [7:0],
    /// counted as `\\unit.a[0]`): no leading backslash, no white space.
    static func canonical(_ net: String) -> String {
        var s = net.filter { !$0.isWhitespace }
        if s.hasPrefix("\\") { s.removeFirst() }
        return s
    }

    static func firstLine(_ s: String) -> String {
        let line = s.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? "(no output)"
        return line.count > 200 ? String(line.prefix(200)) + "..." : line
    }

    func writeSDF(netlist: String, top: String, directory: String) throws {
        guard let liberty else { throw Failure(description: "\(top): SDF delays need the liberty file") }
        let tcl = """
        read_liberty \(liberty)
        read_verilog \(netlist)
        link_design \(top)
        set_load \(outputLoad) [all_outputs]
        write_sdf -divider . -no_timestamp -no_version design.sdf
        exit

        """
        try Data(tcl.utf8).write(to: URL(fileURLWithPath: "\(directory)/sdf.tcl"), options: .atomic)
        let r = try Tools.run("sta", ["-no_init", "-no_splash", "sdf.tcl"], in: directory, limit: ToolBudget.synthesis(sources: [netlist]))
        if let stopped = r.timeLimitMessage(on: "\(top)'s SDF") { throw Failure(description: stopped) }
        guard r.status == 0, FileManager.default.fileExists(atPath: "\(directory)/design.sdf") else {
            throw Failure(description: "\(top): OpenSTA did not write the SDF: \(Self.firstLine(r.output))")
        }
    }

    func testbench(signature s: Signature, cycles: Int, sdf: Bool) -> String {
        let p = { (f: Double) in String(format: "%.3f", period * f) }
        return """
        // generated by rtlgen: a timed gate-level run of \(design.moduleName) (the cycle testbench's protocol
        // at a \(period) ns period: inputs at the start of a cycle, outputs compared at 90%, clock up at 95%)
        `timescale 1ns/1ps
        module tb_timed;
            reg  [\(s.stimulusWidth - 1):0] stim_mem [0:\(cycles - 1)];
            reg  [\(2 * s.resultWidth - 1):0] exp_mem [0:\(cycles - 1)];
            reg  clk;
            reg  [\(s.stimulusWidth - 1):0] stim;
            wire [\(s.resultWidth - 1):0] out;
            reg  [\(s.resultWidth - 1):0] value, mask;
            integer c, mismatches, checked;
            tb_wrap dut (.clk(clk), .stim(stim), .out(out));
            initial begin
                $readmemh("stim.hex", stim_mem);
                $readmemh("expect.hex", exp_mem);
        \(sdf ? "        $sdf_annotate(\"design.sdf\", dut.dut);\n" : "")\
                $dumpfile("activity.vcd");
                $dumpvars(1, dut.dut);
                $dumpoff;
                mismatches = 0;
                checked = 0;
                clk = 0;
                for (c = 0; c < \(cycles); c = c + 1) begin
                    if (c == \(warmup)) $dumpon;
                    clk = 0;
                    stim = stim_mem[c];
                    #\(p(0.9));
                    {mask, value} = exp_mem[c];
                    if (|mask) checked = checked + 1;
                    if (((out ^ value) & mask) !== \(s.resultWidth)'b0) begin
                        if (mismatches < 10) $display("MISMATCH %0d %h %h %h", c, value, out, mask);
                        mismatches = mismatches + 1;
                    end
                    #\(p(0.05));
                    if (\(s.isClocked ? 1 : 0)) clk = 1;
                    #\(p(0.05));
                end
                $dumpflush;
                $display("SUMMARY cycles=%0d checked=%0d mismatches=%0d", \(cycles), checked, mismatches);
                $finish;
            end
        endmodule

        """
    }
}

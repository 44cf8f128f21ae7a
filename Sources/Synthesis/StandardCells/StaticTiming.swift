import Foundation
import Toolchain
import Generation
import Units
import FloatArith

/// OpenSTA (`sta`) on a liberty netlist: the worst paths and, per instance, the power it charges
/// per unit of output activity. The constraints are the same for every design (`constraints`).
public struct StaticTiming: Sendable {
    /// The clock period of every analysis, ns: a virtual clock for combinational units (inputs
    /// launched and outputs captured by it), the `clk` port for PEs and cells.
    public var period = 10.0
    /// Load on every output port, pF; inputs arrive at the clock edge with ideal transitions.
    public var outputLoad = 0.01

    public init() {}

    public var constraints: String {
        "clock period \(SynthesisReport.fixed(period, 0)) ns (\(SynthesisReport.fixed(1000 / period, 0)) MHz; a virtual clock for combinational units), input delay 0 with ideal input transitions, output delay 0, \(outputLoad) pF on every output, ideal clock, no wire-load model (the library defines none), typical corner (1.8 V, 25 C)"
    }

    public struct Result: Sendable {
        /// Combinational: worst input-to-output arrival (ns). Sequential: worst arrival at a
        /// register's D pin from a register (regToReg) and from anywhere (toRegister), plus setup.
        public var worstDelay: Double
        public var regToReg: Double?
        public var minPeriod: Double?
        /// Per instance: power at global activity 0 (leakage, clock) and at 1 (every non-clock pin
        /// toggling once per period), W; and OpenSTA's own total at activity 0.2, for a check.
        public var power0: [String: Power]
        public var power1: [String: Power]
        public var total02: Double
    }

    public struct Power: Sendable { public var internal_: Double; public var switching: Double; public var leakage: Double }

    public func run(netlist file: String, top: String, sequential: Bool, liberty: String, dir: String) throws -> Result {
        // constraints and reports in ns and pF whatever units the library states (ASAP7: ps, fF)
        var tcl = """
        read_liberty \(liberty)
        set_cmd_units -time ns -capacitance pF -power W
        read_verilog \(file)
        link_design \(top)

        """
        if sequential {
            tcl += """
            create_clock -name clk -period \(period) [get_ports clk]
            set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk]]
            set_output_delay 0 -clock clk [all_outputs]
            set_load \(outputLoad) [all_outputs]
            puts "@@ reg2reg"
            report_checks -path_delay max -from [all_registers -clock_pins] -to [all_registers -data_pins] -digits 4 -format end
            puts "@@ toreg"
            report_checks -path_delay max -to [all_registers -data_pins] -digits 4 -format end

            """
        } else {
            tcl += """
            create_clock -name vclk -period \(period)
            set_input_delay 0 -clock vclk [all_inputs]
            set_output_delay 0 -clock vclk [all_outputs]
            set_load \(outputLoad) [all_outputs]
            puts "@@ inout"
            report_checks -path_delay max -digits 4 -format end

            """
        }
        tcl += """
        set_power_activity -global -activity 0
        puts "@@ power0"
        report_power -instances [get_cells *] -digits 8
        set_power_activity -global -activity 1
        puts "@@ power1"
        report_power -instances [get_cells *] -digits 8
        set_power_activity -global -activity 0.2
        puts "@@ power02"
        report_power -digits 8
        exit

        """
        let script = (dir as NSString).appendingPathComponent("sta.tcl")
        try tcl.write(toFile: script, atomically: true, encoding: .utf8)
        let r = try Tools.run("sta", ["-no_init", "-no_splash", "sta.tcl"], in: dir,
                              limit: ToolBudget.synthesis(sources: [file.hasPrefix("/") ? file : (dir as NSString).appendingPathComponent(file)]))
        if let stopped = r.timeLimitMessage(on: "\(top) (script \(script))") { throw SynthesisFlow.Failure(description: stopped) }
        if let e = r.output.split(separator: "\n").first(where: { $0.hasPrefix("Error") || $0.hasPrefix("Warning") }) {
            throw SynthesisFlow.Failure(description: "\(top): OpenSTA: \(e) (script \(script))")
        }
        guard r.status == 0 else { throw SynthesisFlow.Failure(description: "\(top): sta exited \(r.status) (script \(script))") }
        var sections: [String: [Substring]] = [:]
        var current = ""
        for line in r.output.split(separator: "\n") {
            if line.hasPrefix("@@ ") { current = String(line.dropFirst(3)); continue }
            sections[current, default: []].append(line)
        }
        // `-format end`: "endpoint  required  actual  slack (MET)"; the first row is the worst.
        func worst(_ name: String) throws -> (arrival: Double, slack: Double) {
            for line in sections[name] ?? [] {
                let f = line.split(separator: " ")
                if f.count >= 5, line.contains("(MET)") || line.contains("(VIOLATED)"),
                   let actual = Double(f[f.count - 3]), let slack = Double(f[f.count - 2]) {
                    return (actual, slack)
                }
            }
            throw SynthesisFlow.Failure(description: "\(top): OpenSTA reported no path for \(name) (script \(script))")
        }
        func instances(_ name: String) throws -> [String: Power] {
            var out: [String: Power] = [:]
            for line in sections[name] ?? [] {
                let f = line.split(separator: " ")
                guard f.count == 5, let i = Double(f[0]), let s = Double(f[1]), let l = Double(f[2]), Double(f[3]) != nil else { continue }
                out[String(f[4])] = Power(internal_: i, switching: s, leakage: l)
            }
            guard !out.isEmpty else { throw SynthesisFlow.Failure(description: "\(top): OpenSTA gave no instance power (script \(script))") }
            return out
        }
        let total02 = (sections["power02"] ?? []).first { $0.hasPrefix("Total") }.flatMap { l -> Double? in
            let f = l.split(separator: " "); return f.count >= 5 ? Double(f[4]) : nil
        }
        guard let total02 else { throw SynthesisFlow.Failure(description: "\(top): OpenSTA gave no total power (script \(script))") }
        if sequential {
            let rr = try worst("reg2reg"), any = try worst("toreg")
            // min period: the period minus the worst slack of any path into a register (setup included)
            return Result(worstDelay: any.arrival, regToReg: rr.arrival, minPeriod: period - min(rr.slack, any.slack),
                          power0: try instances("power0"), power1: try instances("power1"), total02: total02)
        }
        let io = try worst("inout")
        return Result(worstDelay: io.arrival, regToReg: nil, minPeriod: nil,
                      power0: try instances("power0"), power1: try instances("power1"), total02: total02)
    }
}

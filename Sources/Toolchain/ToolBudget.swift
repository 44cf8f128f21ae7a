import Foundation

/// How long one run of an external tool may take: its seconds, what they were computed from (for
/// the message when the limit is hit) and how to raise it.
public struct ToolLimit: Sendable, Equatable {
    public var seconds: Double
    /// What the limit follows, e.g. "synthesis of 52 KB of Verilog", "65,536 cycles of a design of 1,204 bits".
    public var basis: String
    /// How a user raises it, e.g. "raise --time-limit".
    public var raise: String

    public init(seconds: Double, basis: String, raise: String) {
        self.seconds = seconds
        self.basis = basis
        self.raise = raise
    }
}

/// The time limit policy of every external tool rtlgen runs, in one place. Each limit follows the
/// work the run is expected to do (the design's size, the cycles simulated) with a generous floor,
/// so a run that goes on far past what its work should take (a design that never settles, a
/// synthesis that blows up) is stopped with a message naming the limit, rather than running
/// unbounded. Every computed limit is multiplied by `RTLGEN_TIME_SCALE` (default 1), the one
/// way to raise them all, e.g. for a slow or shared machine; a limit a user gives by option
/// (`--time-limit`, `--proof-timeout`) is used as given.
public enum ToolBudget {
    /// The environment variable that scales every computed limit.
    public static let scaleVariable = "RTLGEN_TIME_SCALE"

    /// `RTLGEN_TIME_SCALE` when it is a number in 0.01...1000, else 1.
    public static var scale: Double {
        guard let text = ProcessInfo.processInfo.environment[scaleVariable], let s = Double(text), s >= 0.01, s <= 1000 else { return 1 }
        return s
    }

    static var raiseScale: String { "set \(scaleVariable)=2 (or more) to multiply every tool's time limit" }

    static func scaled(_ seconds: Double, _ basis: String, raise: String = raiseScale) -> ToolLimit {
        ToolLimit(seconds: (seconds * scale).rounded(.up), basis: basis, raise: raise)
    }

    // MARK: the policy

    /// A version query or other answer that takes no work (`yosys -V`, `verilator --version`).
    public static let querySeconds: Double = 60

    /// Synthesis (yosys, nextpnr, OpenSTA on a mapped netlist): a floor of 20 minutes, which every
    /// unit, PE and small dot of this project fits many times over, plus 60 s per KB of Verilog
    /// read (the RTL grows with operand widths, K and stages: a K = 32 MX dot is about 50 KB, so
    /// 20 + 50 minutes; K = 64, about 100 KB, 20 + 100 minutes).
    public static let synthesisFloor: Double = 1200
    public static let synthesisPerKB: Double = 60

    /// A simulator model build (Verilator's C++ compile, iverilog): a floor of 10 minutes plus
    /// 20 s per KB of Verilog.
    public static let buildFloor: Double = 600
    public static let buildPerKB: Double = 20

    /// A simulation run (the Verilator testbench executable, vvp): a floor of 30 s (start-up,
    /// reading the trace) plus 400 ns per cycle per bit of the design's flattened logic (its
    /// nodes' widths summed over every instance). Icarus, the slower simulator, measured on this
    /// 2-core machine under a load of 5 to 14: e4m3 `lmul` (278 bits) 65,536 cycles in 0.6 s and
    /// bf16 `fpmul` (1,163 bits) 178,400 in 7.4 s, about 35 ns per cycle-bit; a K = 32 e4m3 MX dot
    /// (26,980 bits) 67,874 cycles in about 10 s, 5 ns. The limit is 10 times the worst of these. An
    /// e4m3 unit's 65,536 vectors get well under a minute, so a unit that never settles is stopped
    /// within a minute.
    public static let simulationFloor: Double = 30
    public static let simulationPerCycleBit: Double = 400e-9

    /// A timed gate-level simulation (vvp of a mapped netlist with cell delays, `TimedActivity`):
    /// a floor of 30 minutes (the fixed limit it had before, which every timed run of `make
    /// synth`, K = 32 MX dots included, fits) plus 2 ms per cycle per KB of netlist.
    public static let timedSimulationFloor: Double = 1800
    public static let timedSimulationPerCycleKB: Double = 2e-3

    public static func timedSimulation(cycles: Int, netlistBytes: Int) -> ToolLimit {
        scaled(timedSimulationFloor + timedSimulationPerCycleKB * Double(max(cycles, 1)) * Double(netlistBytes) / 1024,
               "\(grouped(cycles)) timed cycles of a \(kbText(netlistBytes)) netlist")
    }

    /// Lint of one file (verilator --lint-only, iverilog, yosys read): as a build.
    public static func lint(sources: [String]) -> ToolLimit { build(sources: sources) }

    public static func query() -> ToolLimit { scaled(querySeconds, "a version query") }

    public static func synthesis(bytes: Int) -> ToolLimit {
        let kb = Double(bytes) / 1024
        return scaled(synthesisFloor + synthesisPerKB * kb, "synthesis of \(kbText(bytes)) of Verilog")
    }

    /// Synthesis of `sources` (their sizes on disk; a missing file counts as empty).
    public static func synthesis(sources: [String]) -> ToolLimit { synthesis(bytes: bytes(of: sources)) }

    public static func build(bytes: Int) -> ToolLimit {
        scaled(buildFloor + buildPerKB * Double(bytes) / 1024, "a model build of \(kbText(bytes)) of Verilog")
    }

    public static func build(sources: [String]) -> ToolLimit { build(bytes: bytes(of: sources)) }

    /// `cycles` simulated cycles of a design of `bits` (its flattened logic, see `simulationPerCycleBit`).
    public static func simulation(cycles: Int, bits: Int) -> ToolLimit {
        let work = Double(max(cycles, 1)) * Double(max(bits, 1))
        return scaled(simulationFloor + simulationPerCycleBit * work,
                      "\(grouped(cycles)) cycles of a design of \(grouped(bits)) bits", raise: "raise --time-limit or \(raiseScale)")
    }

    /// A limit a user gave by option, used as given.
    public static func given(_ seconds: Double, option: String) -> ToolLimit {
        ToolLimit(seconds: seconds, basis: "\(option) \(secondsText(seconds))", raise: "raise \(option)")
    }

    /// A run the tool bounds itself (`timeout -s KILL N`): N plus a minute, a backstop only.
    public static func bounded(by seconds: Int, option: String) -> ToolLimit {
        ToolLimit(seconds: Double(seconds) + 60, basis: "\(option) \(seconds) s plus a minute", raise: "raise \(option)")
    }

    // MARK: helpers

    public static func bytes(of files: [String]) -> Int {
        files.reduce(0) { total, f in
            total + (((try? FileManager.default.attributesOfItem(atPath: f))?[.size] as? NSNumber)?.intValue ?? 0)
        }
    }

    static func kbText(_ bytes: Int) -> String { bytes < 1024 ? "\(bytes) bytes" : "\(grouped((bytes + 512) / 1024)) KB" }

    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// "600 s", "2.5 s".
    public static func secondsText(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : "\(s) s" }
}

extension Tools.Result {
    /// The one-line message of a run stopped at its time limit, nil if it was not:
    /// "yosys on mxdot_lmul_e5m2_k64 stopped at its time limit of 7200 s (synthesis of 100 KB of
    /// Verilog); set RTLGEN_TIME_SCALE=2 ...".
    public func timeLimitMessage(on what: String) -> String? {
        guard let limit, timedOut != nil else { return nil }
        return "\(tool) on \(what) stopped at its time limit of \(ToolBudget.secondsText(limit.seconds)) (\(limit.basis)); \(limit.raise)"
    }
}

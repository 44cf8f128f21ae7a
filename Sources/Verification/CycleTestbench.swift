import Foundation
import HDL
import Toolchain
import Units

/// The one testbench protocol: any design, on Verilator (testbench/tb_cycle.cpp) or Icarus
/// (testbench/tb_cycle.v), driven from a `CycleTrace`. A wrapper generated from the design's
/// signature packs its inputs into one stimulus word and its outputs into one result word, so the
/// two testbench files serve units of any stage count, arrays and every later design alike.
public enum CycleTestbench {
    public static let verilatorFile = "tb_cycle.cpp"
    /// The time limit of one run of `d` over `cycles` cycles: `given` seconds when the user gave
    /// them (`--time-limit`), else `ToolBudget.simulation`'s, which follows the cycles and the
    /// design's flattened size.
    public static func timeLimit(_ given: Double?, _ d: some Design, cycles: Int) -> ToolLimit {
        if let given { return ToolBudget.given(given, option: "--time-limit") }
        let bits = (try? d.modules())?.map(\.flattenedBits).max() ?? 0
        return ToolBudget.simulation(cycles: cycles, bits: bits)
    }
    public static let icarusFile = "tb_cycle.v"

    /// The testbench files a run on these simulators needs.
    public static func files(for simulators: [SimulatorKind]) -> [String] {
        (simulators.contains(.verilator) ? [verilatorFile] : []) + (simulators.contains(.icarus) ? [icarusFile] : [])
    }

    /// `tb_wrap`: the design's top module with its driven inputs sliced out of `stim` and its
    /// outputs packed into `out` (the first port on top, as the trace packs them).
    public static func wrapper(_ d: some Design) -> String { d.cycleWrapper }

    /// `directory/tb_wrap.v`, written when its content changes.
    static func writeWrapper(_ d: some Design, into directory: String) -> Result<String, BuildFailure> {
        let wrap = "\(directory)/tb_wrap.v"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try writeIfChanged(Data(wrapper(d).utf8), to: wrap)
            return .success(wrap)
        } catch {
            return .failure(BuildFailure(message: "cannot write \(wrap): \(error.localizedDescription)"))
        }
    }

    /// A Verilator model of the wrapped design: `files` are the design's Verilog files (the top
    /// module's first), `libraries` directories searched for the modules it instantiates.
    public static func verilator(_ d: some Design, files: [String], libraries: [String] = [], directory: String,
                                 testbench: String, runtime: [String]) -> Result<String, BuildFailure> {
        let wrap: String
        switch writeWrapper(d, into: directory) {
        case .success(let path): wrap = path
        case .failure(let f): return .failure(f)
        }
        var model = VerilatorModel(top: "tb_wrap", sources: [wrap, files[0], "\(testbench)/\(verilatorFile)"], directory: "\(directory)/model")
        model.dependencies = Array(files.dropFirst())
        // --x-initial unique: registers power up random (tb_cycle.cpp seeds it), as on silicon, so
        // a register that a reset or clear should set but does not shows up on Verilator too.
        model.options = ["--trace", "--x-assign", "unique", "--x-initial", "unique"] + libraries.flatMap { ["-y", $0] }
        model.runtime = runtime
        return model.build()
    }

    /// An Icarus model of the wrapped design for a trace of `cycles` cycles.
    public static func icarus(_ d: some Design, files: [String], libraries: [String] = [], cycles: Int, report: Int,
                              directory: String, testbench: String) -> Result<String, BuildFailure> {
        let wrap: String
        switch writeWrapper(d, into: directory) {
        case .success(let path): wrap = path
        case .failure(let f): return .failure(f)
        }
        let s = d.signature
        var model = IcarusModel(top: d.moduleName, testbench: "\(testbench)/\(icarusFile)", sources: [wrap] + [files[0]], directory: directory)
        model.parameters = [("SW", "\(s.stimulusWidth)"), ("RW", "\(s.resultWidth)"), ("CYCLES", "\(max(cycles, 1))"),
                            ("REPORT", "\(report)"), ("CLOCKED", s.isClocked ? "1" : "0")]
        model.libraries = libraries
        return model.build()
    }

    /// Writes the trace's stimulus and expected files (only when their content changes).
    public static func write(_ trace: CycleTrace, name: String, directory: String) throws -> (stimulus: String, expected: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stim = "\(directory)/\(name).stim.hex", exp = "\(directory)/\(name).expect.hex"
        try writeIfChanged(Data(trace.stimulusHex(comment: "\(name) stimulus: one packed input word per cycle (\(trace.signature))").utf8), to: stim)
        try writeIfChanged(Data(trace.expectedHex(comment: "\(name) expected outputs: {mask, value} per cycle").utf8), to: exp)
        return (stim, exp)
    }

    /// What a run printed.
    public struct Run: Sendable {
        public var cycles: Int?
        public var checked: Int?
        public var mismatchCount: Int?
        public var mismatches: [CycleMismatch] = []
        public var simSeconds: Double?
        public var vcd: String?
        /// Set when the testbench could not run or did not finish its trace.
        public var failure: String?
        public var passed: Bool { failure == nil && mismatchCount == 0 }
    }

    /// Runs a built model on the trace's files; with `vcd`, a failing run leaves a short waveform
    /// around the first mismatch there (Verilator replays it in the same process, Icarus in a
    /// second pass).
    /// `timeLimit`: seconds the user gave (`--time-limit`), else `timeLimit(_:_:cycles:)`'s.
    public static func run(_ simulator: SimulatorKind, _ d: some Design, executable: String, trace: CycleTrace, files: (stimulus: String, expected: String),
                           report: Int, vcd: String? = nil, timeLimit given: Double? = nil) -> Run {
        let s = trace.signature
        let design = d.moduleName
        let timeLimit = Self.timeLimit(given, d, cycles: trace.cycles)
        let result: Tools.Result
        do {
            switch simulator {
            case .verilator:
                result = try Tools.run(executable, [files.stimulus, files.expected, "--sw", "\(s.stimulusWidth)", "--rw", "\(s.resultWidth)",
                                                    "--report", "\(report)"] + (s.isClocked ? ["--clocked"] : []) + (vcd.map { ["--vcd", $0] } ?? []),
                                       limit: timeLimit)
            case .icarus:
                result = try Tools.run("vvp", ["-n", executable, "+stim=\(files.stimulus)", "+expect=\(files.expected)"], limit: timeLimit)
            }
        } catch {
            return Run(failure: "\(error)")
        }
        var run = parse(result.stdout, resultWidth: s.resultWidth)
        if let stopped = result.timeLimitMessage(on: design) {
            run.failure = stopped + " (the design never settled, or the trace is too long for the limit)"
        } else if run.cycles == nil {
            run.failure = "the testbench did not finish: " + result.output.split(separator: "\n").prefix(3).joined(separator: " | ")
        } else if run.cycles != trace.cycles {
            run.failure = "the testbench ran \(counted(run.cycles!, "cycle")), expected \(trace.cycles)"
        } else if run.checked != trace.checkedCycles {
            run.failure = "the testbench checked \(counted(run.checked ?? 0, "cycle")), expected \(trace.checkedCycles)"
        }
        if simulator == .icarus, let vcd, let first = run.mismatches.first, run.failure == nil {
            if let again = try? Tools.run("vvp", ["-n", executable, "+stim=\(files.stimulus)", "+expect=\(files.expected)",
                                                  "+vcd=\(vcd)", "+vcd_from=\(max(first.cycle - 3, 0))"], limit: timeLimit) {
                run.vcd = parse(again.stdout, resultWidth: s.resultWidth).vcd
            }
        }
        return run
    }

    /// Reads what a testbench printed (MISMATCH, SUMMARY, SIMTIME and VCD lines).
    public static func parse(_ text: String, resultWidth: Int) -> Run {
        var r = Run()
        for line in text.split(separator: "\n") {
            let w = line.split(separator: " ")
            switch w.first {
            case "MISMATCH" where w.count == 5:
                if let c = Int(w[1]) {
                    r.mismatches.append(CycleMismatch(cycle: c, expected: Word(hex: w[2], width: resultWidth),
                                                      got: Word(hex: w[3], width: resultWidth), mask: Word(hex: w[4], width: resultWidth)))
                }
            case "SUMMARY":
                for kv in w.dropFirst() {
                    let p = kv.split(separator: "=")
                    guard p.count == 2 else { continue }
                    switch p[0] {
                    case "cycles": r.cycles = Int(p[1])
                    case "checked": r.checked = Int(p[1])
                    case "mismatches": r.mismatchCount = Int(p[1])
                    default: break
                    }
                }
            case "SIMTIME" where w.count == 2: r.simSeconds = Double(w[1])
            case "VCD" where w.count == 2: r.vcd = String(w[1])
            default: break
            }
        }
        return r
    }

    /// A packed word read back from hex; `unknown` marks the bits the simulator printed as x or z.
    public struct Word: Sendable, Hashable {
        public var limbs: [UInt64]
        public var unknown: [UInt64]
        public init(hex: some StringProtocol, width: Int) {
            let n = max(1, (width + 63) / 64)
            limbs = [UInt64](repeating: 0, count: n)
            unknown = limbs
            for (k, ch) in hex.reversed().enumerated() {
                let b = k * 4
                guard b / 64 < n else { break }
                if let d = ch.hexDigitValue {
                    limbs[b / 64] |= UInt64(d) << UInt64(b % 64)
                } else {
                    unknown[b / 64] |= 0xF << UInt64(b % 64)
                }
            }
        }
        /// Bits `lo ..< lo + width` (at most 64), or nil when any of them is unknown.
        public func field(_ lo: Int, _ width: Int) -> UInt64? {
            if CycleTrace.get(unknown, base: 0, at: lo, width: width) != 0 { return nil }
            return CycleTrace.get(limbs, base: 0, at: lo, width: width)
        }
    }
}

/// One mismatching cycle: the packed result words the golden model expected and the simulator
/// showed, and which bits were checked.
public struct CycleMismatch: Sendable, Hashable {
    public let cycle: Int
    public let expected: CycleTestbench.Word
    public let got: CycleTestbench.Word
    public let mask: CycleTestbench.Word

    /// The named output's bits (at most 64 from `at`), expected and got (nil: x or z); nil when
    /// none of them was checked or they match.
    public func differs(_ signature: Signature, _ port: String, at lo: Int = 0, width: Int? = nil) -> (expected: UInt64, got: UInt64?)? {
        let w = min(width ?? signature.port(port)!.width, 64)
        let o = signature.offset(of: port) + lo
        guard let m = mask.field(o, w), m != 0, let e = expected.field(o, w) else { return nil }
        let g = got.field(o, w)
        if let g, (g ^ e) & m == 0 { return nil }
        return (e, g)
    }
}

extension CycleTestbench {
    /// Checks any design in `rtlDirectory` (its files `<module>.v`) against a trace on each
    /// simulator: build, run, and what each run printed. The unit and array checks are this with
    /// their own traces and mismatch decoding.
    public static func check(_ d: some Design, trace: CycleTrace, rtlDirectory: String, simulators: [SimulatorKind],
                             buildDirectory: String, testbench: String, report: Int = 10, timeLimit: Double? = nil,
                             log: @escaping @Sendable (String) -> Void = { _ in }) throws -> [(SimulatorKind, Run)] {
        try Tools.require(simulators)
        let rtl = URL(fileURLWithPath: rtlDirectory).standardizedFileURL.path
        let modules = try d.modules()
        let files = ["\(rtl)/\(d.fileName)"] + modules.dropLast().map { "\(rtl)/\($0.name).v" }
        for f in files where !FileManager.default.fileExists(atPath: f) {
            throw HarnessError("\(f) not found; generate it with: \(d.command) --out \(rtlDirectory)")
        }
        let traceFiles = try write(trace, name: d.moduleName, directory: "\(buildDirectory)/vectors")
        let runtime = simulators.contains(.verilator)
            ? try Verilator.runtime(buildDirectory: "build/sim", testbench: "\(testbench)/\(verilatorFile)", log: log) : []
        return simulators.map { sim in
            let dir = "\(buildDirectory)/\(sim.rawValue)/\(d.moduleName)"
            let built = sim == .verilator
                ? verilator(d, files: files, libraries: [rtl], directory: dir, testbench: testbench, runtime: runtime)
                : icarus(d, files: files, libraries: [rtl], cycles: trace.cycles, report: report, directory: dir, testbench: testbench)
            switch built {
            case .failure(let f): return (sim, Run(failure: f.message))
            case .success(let exe):
                return (sim, run(sim, d, executable: exe, trace: trace, files: traceFiles, report: report, timeLimit: timeLimit))
            }
        }
    }
}

/// "600 s", "2.5 s".
func formatSeconds(_ s: Double) -> String { ToolBudget.secondsText(s) }

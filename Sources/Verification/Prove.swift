import FloatArith
import Foundation
import Toolchain
import Units

/// One design `rtlgen prove` can prove: the implementation's top module (its file `<module>.v`),
/// the behavioural description it must equal for all inputs, the ports that connect them and how
/// a counterexample reads. The set of provable designs is data (`ProofCatalogue.providers`), so
/// other designs (the MX dot units) join by adding a provider, not by a switch in the prover.
public struct ProofSubject: Sendable {
    public struct Port: Sendable, Equatable {
        public let name: String
        public let width: Int
        public init(_ name: String, _ width: Int) {
            self.name = name
            self.width = width
        }
    }

    /// The implementation's top module, read from `<module>.v`.
    public let module: String
    /// Labels for the table.
    public let unit: String
    public let format: String
    /// Cycles from operands to results; the reference is combinational.
    public let latency: Int
    public let operands: [Port]
    public let results: [Port]
    /// The behavioural description: Verilog text of one module named `referenceModule`.
    public let reference: String
    public let referenceModule: String
    /// What the reference is (a phrase for the table's notes).
    public let referenceMethod: String
    /// When the full proof does not finish: the unit the exhaustive stream can check instead
    /// (operands of at most 16 bits), if any.
    public let exhaustiveUnit: ArithmeticUnit?
    /// A counterexample as a mismatch report: operands, expected (the reference's output), got.
    public let decode: @Sendable (_ operands: [String: UInt64], _ expected: [String: UInt64], _ got: [String: UInt64]) -> String

    public init(module: String, unit: String, format: String, latency: Int, operands: [Port], results: [Port],
                reference: String, referenceModule: String, referenceMethod: String, exhaustiveUnit: ArithmeticUnit?,
                decode: @escaping @Sendable ([String: UInt64], [String: UInt64], [String: UInt64]) -> String) {
        self.module = module
        self.unit = unit
        self.format = format
        self.latency = latency
        self.operands = operands
        self.results = results
        self.reference = reference
        self.referenceModule = referenceModule
        self.referenceMethod = referenceMethod
        self.exhaustiveUnit = exhaustiveUnit
        self.decode = decode
    }
}

/// Where provable designs come from: each provider reads a module name and gives its subject, or
/// nil when the name is not one of its designs.
public enum ProofCatalogue {
    public typealias Provider = @Sendable (String) -> ProofSubject?

    /// Every provider, tried in order. Arithmetic units (every multiplier and the adder, any format,
    /// `_p<S>` pipelined variants) come from `BehaviouralSpec.entries`.
    public static let providers: [Provider] = [arithmeticUnit]

    public static func subject(module: String) -> ProofSubject? {
        for p in providers { if let s = p(module) { return s } }
        return nil
    }

    /// `<unit>_<format>[_ovf_inf][_p<S>]` with a behavioural description.
    public static func unit(module: String) -> ArithmeticUnit? {
        var base = module, stages = 0
        if let r = module.range(of: "_p", options: .backwards), let s = Int(module[r.upperBound...]), s >= 1,
           String(s) == module[r.upperBound...] {
            base = String(module[..<r.lowerBound])
            stages = s
        }
        guard let u = ArithmeticUnit(moduleName: base) else { return nil }
        return u.withStages(stages)
    }

    @Sendable static func arithmeticUnit(_ module: String) -> ProofSubject? {
        guard let u = unit(module: module), let entry = BehaviouralSpec.entry(u.kind),
              let text = BehaviouralSpec.verilog(u) else { return nil }
        let n = u.format.width
        let comb = u.withStages(0)
        return ProofSubject(
            module: u.moduleName, unit: u.kind.rawValue, format: u.format.tag, latency: u.stages,
            operands: [.init("a", n), .init("b", n)], results: [.init("y", n)],
            reference: text, referenceModule: comb.moduleName, referenceMethod: entry.method,
            exhaustiveUnit: n <= 16 ? comb : nil,
            decode: { ops, expected, got in
                let a = UInt32(ops["a"] ?? 0), b = UInt32(ops["b"] ?? 0)
                let want = UInt32(expected["y"] ?? 0), have = UInt32(got["y"] ?? 0)
                var text = Mismatch(index: 0, a: a, b: b, expected: want, got: have).describe(comb)
                    .replacingOccurrences(of: "vector #0", with: "counterexample")
                let golden = comb(a, b)
                if golden != want {
                    // the description and the golden model disagree: say so, the proof proves nothing then
                    text += "\n    NOTE: the golden model gives \(hex(golden, u.format)) for these operands: the behavioural description disagrees with it"
                }
                return text
            })
    }
}

/// How a unit was proven (or checked) equal to its description.
public enum ProofMethod: String, Sendable {
    /// yosys miter of description and implementation, `sat -prove trigger 0`: all inputs.
    case sat = "sat"
    /// The same at the unit's latency: `sat -seq L+1` from any register state.
    case satSequential = "sat -seq"
    /// The significand product shared (one `$mul` after `wreduce; opt`) and cut into a free input.
    case cutPoint = "cut-point sat"
    /// Every operand pair simulated (`rtlgen exhaustive`'s stream) against the golden model.
    case exhaustive = "exhaustive stream"

    public var explanation: String {
        switch self {
        case .sat: return "yosys miter of the behavioural description and the unit, sat -prove trigger 0 (every input)"
        case .satSequential: return "the same miter with the description's operands delayed by the latency; sat -seq L+1, trigger 0 at step L+1, any initial register state"
        case .cutPoint: return "full proof timed out; both significand products merge into one yosys $mul (wreduce; opt), which is cut into a free input: proven for every value of the shared product, so for the real one"
        case .exhaustive: return "full proof timed out and no shared product to cut; every operand pair streamed through Verilator against the golden model"
        }
    }
}

/// Operands on which the unit and its description differ, with both outputs and the report.
public struct Counterexample: Sendable {
    public let operands: [String: UInt64]
    public let expected: [String: UInt64]
    public let got: [String: UInt64]
    /// The mismatch report: operands, expected, got, SPEC rule.
    public let report: String
}

public struct ProofResult: Sendable {
    public enum Outcome: Sendable {
        case proven(ProofMethod)
        /// A counterexample, decoded.
        case failed(ProofMethod, Counterexample)
        /// Not proven: why (time limits, and what the fallbacks said).
        case notProven(String)
    }

    public let subject: ProofSubject
    public let outcome: Outcome
    public let seconds: Double
    /// What was tried before the method that decided (a timed-out full proof).
    public let notes: [String]

    public var proven: Bool { if case .proven = outcome { return true } else { return false } }
    public var failed: Bool { if case .failed = outcome { return true } else { return false } }
}

/// Which fallbacks a proof that times out may use, in order.
public enum ProofFallback: String, Sendable, CaseIterable {
    /// the cut-point proof, then the exhaustive stream for 16-bit operands
    case all
    /// the cut-point proof only
    case cut
    /// none: a timed-out proof is reported not proven
    case none
}

/// Proves subjects with yosys, each run under a time limit.
public struct Prover: Sendable {
    /// Directory of the implementation files (`<module>.v`).
    public let directory: String
    /// Scratch directory for the descriptions, wrappers and scripts.
    public let work: String
    /// Seconds each yosys run may take.
    public let timeLimit: Double
    public let fallback: ProofFallback
    /// For the exhaustive fallback.
    public var testbenchDirectory = "testbench"
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    public init(directory: String, work: String, timeLimit: Double, fallback: ProofFallback) {
        self.directory = directory
        self.work = work
        self.timeLimit = timeLimit
        self.fallback = fallback
    }

    public func prove(_ s: ProofSubject, log: @escaping @Sendable (String) -> Void = { _ in }) throws -> ProofResult {
        let start = monotonicSeconds()
        let dir = URL(fileURLWithPath: "\(work)/\(s.module)").standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let implPath = URL(fileURLWithPath: "\(directory)/\(s.module).v").standardizedFileURL.path
        let spec = "spec_\(s.referenceModule)"
        try renameModule(s.reference, from: s.referenceModule, to: spec).write(toFile: "\(dir)/\(spec).v", atomically: true, encoding: .utf8)
        try wrapper(s, spec: spec).write(toFile: "\(dir)/prove_top.v", atomically: true, encoding: .utf8)
        let read = "read_verilog \(spec).v; read_verilog \(implPath); read_verilog prove_top.v; hierarchy -check -top prove_top; proc; flatten; opt_clean"
        let show = "-show-inputs -show-outputs"
        let sat = s.latency == 0 ? "sat -prove trigger 0 \(show) prove_top"
            : "sat -seq \(s.latency + 1) -prove-skip \(s.latency) -prove trigger 0 \(show) prove_top"
        var notes: [String] = []

        let full = try run(script: "\(read); \(sat)", in: dir)
        let method: ProofMethod = s.latency == 0 ? .sat : .satSequential
        switch full {
        case .proven: return ProofResult(subject: s, outcome: .proven(method), seconds: monotonicSeconds() - start, notes: notes)
        case .counterexample(let table): return ProofResult(subject: s, outcome: .failed(method, decode(s, table)), seconds: monotonicSeconds() - start, notes: notes)
        case .error(let why): throw HarnessError("yosys could not set up the proof of \(s.module): \(why)")
        case .timedOut: notes.append("\(method.rawValue) timed out after \(Int(timeLimit)) s")
        }
        log("\(s.module): \(notes.last!); trying fallbacks")

        if fallback != .none && s.latency == 0 {
            let cut = "\(read); wreduce; opt; select -assert-count 1 t:$mul; expose -cut t:$mul %co:+[Y] t:$mul %d; delete t:$mul; opt_clean; \(sat)"
            switch try run(script: cut, in: dir) {
            case .proven: return ProofResult(subject: s, outcome: .proven(.cutPoint), seconds: monotonicSeconds() - start, notes: notes)
            case .counterexample:
                // a difference for some value of the free product need not be one for a real product
                notes.append("cut-point proof found a difference for a free product value (not a counterexample of the unit)")
            case .error(let why):
                notes.append(why.contains("contains 0 elements") ? "cut-point not applicable: no multiplier to cut"
                             : "cut-point not applicable: the two significand products do not merge into one $mul (different operands)")
            case .timedOut:
                notes.append("cut-point proof timed out after \(Int(timeLimit)) s")
            }
        }
        if fallback == .all, let u = s.exhaustiveUnit, s.latency == 0 {
            var stream = ExhaustiveStream(unit: u, file: implPath)
            stream.buildDirectory = "\(dir)/exhaustive"
            stream.testbenchDirectory = testbenchDirectory
            stream.threads = threads
            stream.quiet = true
            let o = try stream.run(log: log)
            if o.mismatches == 0 {
                notes.append("exhaustive stream: \(o.vectors) pairs, 0 mismatches")
                return ProofResult(subject: s, outcome: .proven(.exhaustive), seconds: monotonicSeconds() - start, notes: notes)
            }
            let first = o.firstMismatches.first
            let cex = Counterexample(operands: ["a": UInt64(first?.a ?? 0), "b": UInt64(first?.b ?? 0)], expected: ["y": UInt64(first?.expected ?? 0)],
                                     got: ["y": UInt64(first?.got ?? 0)], report: first.map { $0.describe(u) } ?? counted(Int(o.mismatches), "mismatch", "mismatches"))
            return ProofResult(subject: s, outcome: .failed(.exhaustive, cex), seconds: monotonicSeconds() - start, notes: notes)
        }
        if s.exhaustiveUnit == nil && fallback == .all && s.latency == 0 {
            notes.append("no exhaustive fallback: \(s.operands.map(\.width).reduce(0, +)) operand bits")
        }
        return ProofResult(subject: s, outcome: .notProven(notes.joined(separator: "; ")), seconds: monotonicSeconds() - start, notes: notes)
    }

    enum Run { case proven, counterexample(String), timedOut, error(String) }

    private func run(script: String, in dir: String) throws -> Run {
        try "\(script)\n".replacingOccurrences(of: "; ", with: "\n").write(toFile: "\(dir)/prove.ys", atomically: true, encoding: .utf8)
        let r = try Tools.run("yosys", ["-q", "-s", "prove.ys", "-l", "prove.log"], in: dir, timeLimit: timeLimit)
        if r.timedOut != nil { return .timedOut }
        let logText = (try? String(contentsOfFile: "\(dir)/prove.log", encoding: .utf8)) ?? r.output
        if r.status != 0 {
            let line = r.output.split(separator: "\n").first(where: { $0.contains("ERROR") }) ?? r.output.split(separator: "\n").first ?? "exit \(r.status)"
            return .error(String(line))
        }
        if logText.contains("SAT proof finished - no model found: SUCCESS!") { return .proven }
        if logText.contains("SAT proof finished - model found: FAIL!") { return .counterexample(logText) }
        return .error("yosys sat printed no verdict (see \(dir)/prove.log)")
    }

    /// The counterexample table of `sat -show-inputs -show-outputs`: operands at step 1, results
    /// at the last step (the combinational proof has one step, printed without a time column).
    func decode(_ s: ProofSubject, _ log: String) -> Counterexample {
        var values: [String: [Int: UInt64]] = [:]
        for line in log.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            // "  1 \a  23  17  00010111" (sequential) or "\a  23  17  00010111" (combinational)
            let fields: [Substring]
            let step: Int
            if f.count == 5, let t = Int(f[0]) { step = t; fields = Array(f[1...]) } else if f.count == 4 { step = 1; fields = f } else { continue }
            guard fields[0].hasPrefix("\\"), let v = UInt64(fields[3], radix: 2) else { continue }
            values[String(fields[0].dropFirst()), default: [:]][step] = v
        }
        let last = s.latency + 1
        var ops: [String: UInt64] = [:], expected: [String: UInt64] = [:], got: [String: UInt64] = [:]
        for p in s.operands { ops[p.name] = values[p.name]?[1] }
        for p in s.results {
            expected[p.name] = values["spec_\(p.name)"]?[last]
            got[p.name] = values["impl_\(p.name)"]?[last]
        }
        let missing = s.operands.filter { ops[$0.name] == nil }.map(\.name) + s.results.filter { got[$0.name] == nil }.map(\.name)
        guard missing.isEmpty else {
            return Counterexample(operands: ops, expected: expected, got: got,
                                  report: "counterexample found, but yosys's table lacks \(missing.joined(separator: ", ")); see the proof log")
        }
        return Counterexample(operands: ops, expected: expected, got: got, report: s.decode(ops, expected, got))
    }

    /// `prove_top`: the description (operands delayed by the latency) beside the implementation,
    /// `trigger` high when any result differs.
    func wrapper(_ s: ProofSubject, spec: String) -> String {
        var l = ["// rtlgen prove: \(spec) (behavioural description) beside \(s.module) (the unit); trigger = any result differs",
                 "module prove_top ("]
        var ports: [String] = []
        if s.latency > 0 { ports.append("    input  wire clk") }
        ports += s.operands.map { "    input  wire [\($0.width - 1):0] \($0.name)" }
        ports += s.results.flatMap { ["    output wire [\($0.width - 1):0] spec_\($0.name)", "    output wire [\($0.width - 1):0] impl_\($0.name)"] }
        ports.append("    output wire trigger")
        l.append(ports.joined(separator: ",\n"))
        l.append(");")
        var specIn: [String: String] = [:]
        for p in s.operands {
            var prev = p.name
            for k in stride(from: 1, through: s.latency, by: 1) {
                l.append("    reg [\(p.width - 1):0] \(p.name)_d\(k);")
                l.append("    always @(posedge clk) \(p.name)_d\(k) <= \(prev);")
                prev = "\(p.name)_d\(k)"
            }
            specIn[p.name] = prev
        }
        let specPorts = s.operands.map { ".\($0.name)(\(specIn[$0.name]!))" } + s.results.map { ".\($0.name)(spec_\($0.name))" }
        let implPorts = (s.latency > 0 ? [".clk(clk)"] : []) + s.operands.map { ".\($0.name)(\($0.name))" } + s.results.map { ".\($0.name)(impl_\($0.name))" }
        l.append("    \(spec) u_spec (\(specPorts.joined(separator: ", ")));")
        l.append("    \(s.module) u_impl (\(implPorts.joined(separator: ", ")));")
        l.append("    assign trigger = " + s.results.map { "(spec_\($0.name) != impl_\($0.name))" }.joined(separator: " | ") + ";")
        l.append("endmodule")
        return l.joined(separator: "\n") + "\n"
    }

    func renameModule(_ text: String, from: String, to: String) -> String {
        text.replacingOccurrences(of: "module \(from) (", with: "module \(to) (")
    }
}

/// The proof table: one row per subject, then the notes, the failures' reports and one closing line.
public enum ProofReport {
    public static func render(_ results: [ProofResult], timeLimit: Double) -> String {
        var t = TextTable(header: ["module", "unit", "format", "latency", "result", "method", "seconds"], rightAligned: [3, 6])
        for r in results {
            let (result, method): (String, String)
            switch r.outcome {
            case .proven(let m): (result, method) = ("proven", m.rawValue)
            case .failed(let m, _): (result, method) = ("FAILED", m.rawValue)
            case .notProven: (result, method) = ("NOT PROVEN", "-")
            }
            t.rows.append([r.subject.module, r.subject.unit, r.subject.format, "\(r.subject.latency)", result, method,
                           String(format: "%.1f", r.seconds)])
        }
        var out = t.render() + "\n"
        let used = Set(results.compactMap { r -> ProofMethod? in if case .proven(let m) = r.outcome { return m } else { return nil } })
        out += "\nmethods (time limit \(Int(timeLimit)) s per yosys run; reference: behavioural Verilog written from SPEC.md, BehaviouralSpec.swift):\n"
        for m in [ProofMethod.sat, .satSequential, .cutPoint, .exhaustive] where used.contains(m) {
            out += "  \(m.rawValue): \(m.explanation)\n"
        }
        for r in results where !r.notes.isEmpty {
            out += "  \(r.subject.module): \(r.notes.joined(separator: "; "))\n"
        }
        for r in results {
            if case .failed(_, let c) = r.outcome { out += "\n\(r.subject.module): the unit differs from its behavioural description\n\(c.report)\n" }
        }
        let proven = results.filter(\.proven).count, failed = results.filter(\.failed).count
        out += "\n\(counted(results.count, "design")): \(proven) proven, \(failed) failed, \(results.count - proven - failed) not proven\n"
        return out
    }
}

/// A one-gate change of an implementation file, for showing that a proof fails on it: yosys
/// `mutate -list` picks gate mutations (a cell input bit inverted, tied to 0 or 1, tied to another
/// bit) with a seed; the `index`-th is applied and the module written to `<dir>/<module>.v`.
public enum ProofMutant {
    /// The mutated file's directory and what the mutation is.
    public static func write(module: String, file: String, index: Int, seed: Int, into dir: String) throws -> (directory: String, description: String) {
        let abs = URL(fileURLWithPath: dir).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: abs, withIntermediateDirectories: true)
        let source = URL(fileURLWithPath: file).standardizedFileURL.path
        let list = try Tools.run("yosys", ["-q", "-p", "read_verilog \(source); hierarchy -top \(module); proc; flatten; opt_clean; mutate -list \(index) -seed \(seed) -o \(abs)/mutations.ys \(module)"],
                                 timeLimit: 300)
        guard list.status == 0 else { throw HarnessError("yosys mutate failed on \(file): \(list.output.split(separator: "\n").first ?? "")") }
        let lines = try String(contentsOfFile: "\(abs)/mutations.ys", encoding: .utf8).split(separator: "\n").map(String.init)
        guard index >= 1, index <= lines.count else { throw HarnessError("\(module) has \(lines.count) gate mutants for seed \(seed); give --gate-mutant 1...\(lines.count)") }
        let line = lines[index - 1]
        let w = try Tools.run("yosys", ["-q", "-p", "read_verilog \(source); hierarchy -top \(module); proc; flatten; opt_clean; \(line); opt_clean; write_verilog -noattr \(abs)/\(module).v"],
                              timeLimit: 300)
        guard w.status == 0 else { throw HarnessError("yosys could not apply gate mutant \(index) to \(module): \(w.output.split(separator: "\n").first ?? "")") }
        return (abs, MutationRun.describeGateMutation(line))
    }
}

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
    /// A second description of the same SPEC rule (same module name and ports), proven against
    /// when the full proof against `reference` does not finish: its Verilog and what it is.
    public var alternate: (reference: String, method: String)?
    /// The reference is clocked like the implementation (a PE: `clk`, registers, no operand
    /// delay): proven by temporal induction from the all-zero state (`sat -tempinduct`).
    public var clocked = false
    /// A counterexample as a mismatch report: operands, expected (the reference's output), got.
    public let decode: @Sendable (_ operands: [String: UInt64], _ expected: [String: UInt64], _ got: [String: UInt64]) -> String

    public init(module: String, unit: String, format: String, latency: Int, operands: [Port], results: [Port],
                reference: String, referenceModule: String, referenceMethod: String, exhaustiveUnit: ArithmeticUnit?,
                alternate: (reference: String, method: String)? = nil,
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
        self.alternate = alternate
        self.decode = decode
    }
}

/// Where provable designs come from: each provider reads a module name and gives its subject, or
/// nil when the name is not one of its designs.
public enum ProofCatalogue {
    public typealias Provider = @Sendable (String) -> ProofSubject?

    /// Every provider, tried in order. Arithmetic units (every multiplier and the adder, any format,
    /// `_p<S>` pipelined variants) come from `BehaviouralSpec.entries`.
    public static let providers: [Provider] = [arithmeticUnit, processingElement]

    /// `pe_<unit>_<format>`: the PE with the exact fixed-point accumulator of default width.
    @Sendable static func processingElement(_ module: String) -> ProofSubject? {
        guard module.hasPrefix("pe_"), let u = ArithmeticUnit(moduleName: String(module.dropFirst(3))) else { return nil }
        let pe = ProcessingElement(u)
        guard pe.moduleName == module, let text = BehaviouralSpec.processingElement(pe), let entry = BehaviouralSpec.entry(u.kind) else { return nil }
        let n = u.format.width, w = pe.accumulator.width
        var s = ProofSubject(
            module: module, unit: "pe_\(u.kind.rawValue)", format: u.format.tag, latency: 0,
            operands: [.init("clear", 1), .init("valid", 1), .init("a", n), .init("b", n)], results: [.init("acc", w), .init("invalid", 1)],
            reference: text, referenceModule: module, referenceMethod: "exact fixed-point accumulation of the unit's description (\(entry.method))",
            exhaustiveUnit: nil,
            decode: { ops, expected, got in
                "  counterexample: from the all-zero state, the last beat a = \(hex(UInt32(ops["a"] ?? 0), u.format)) b = \(hex(UInt32(ops["b"] ?? 0), u.format)) valid = \(ops["valid"] ?? 0) clear = \(ops["clear"] ?? 0)\n"
                    + "    expected acc = 0x\(String(expected["acc"] ?? 0, radix: 16)) invalid = \(expected["invalid"] ?? 0)  got acc = 0x\(String(got["acc"] ?? 0, radix: 16)) invalid = \(got["invalid"] ?? 0)\n"
                    + "    SPEC rule: Processing elements and arrays (exact fixed-point accumulation)"
            })
        s.clocked = true
        return s
    }

    public static func subject(module: String) -> ProofSubject? {
        for p in providers { if let s = p(module) { return s } }
        return nil
    }

    /// `<unit>_<format>[_ovf_inf][_p<S>]` with a behavioural description; S in the one range every
    /// command takes (`RegisterStages`: a proof of S = 300 took yosys to 7 GB, S = 30,000 crashed).
    public static func unit(module: String) -> ArithmeticUnit? {
        ArithmeticUnit(moduleName: module)
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
            alternate: BehaviouralSpec.alignedAdder(comb).map { ($0, "guard, round and sticky alignment (Goldberg), BehaviouralSpec.alignedAdder") },
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
    /// A clocked design (a PE) beside its clocked description: `sat -tempinduct` from the all-zero state.
    case induction = "sat -tempinduct"
    /// The same proof against the subject's second description (`ProofSubject.alternate`).
    case satAlternate = "sat, 2nd description"
    /// The significand products (`$mul` after `wreduce; opt`) cut into free values that agree when
    /// the multipliers' operands do.
    case cutPoint = "cut-point sat"
    /// Every operand pair simulated (`rtlgen exhaustive`'s stream) against the golden model.
    case exhaustive = "exhaustive stream"

    public var explanation: String {
        switch self {
        case .sat: return "yosys miter of the behavioural description and the unit, sat -prove trigger 0 (every input)"
        case .satSequential: return "the same miter with the description's operands delayed by the latency; sat -seq L+1, trigger 0 at step L+1, any initial register state"
        case .induction: return "a clocked miter (PE and its description on the same clk and inputs), sat -tempinduct: equal from the all-zero state, and any equal state stays equal (the outputs are the whole state), so for every beat sequence"
        case .satAlternate: return "full proof timed out; the same sat proof against a second description of the SPEC rule, written from SPEC too and proven equal to the first on small formats (ProveTests)"
        case .cutPoint: return "full proof timed out; the significand products (yosys $mul after wreduce; opt: one shared, or one per side) cut into free values, equal whenever the multipliers' operands are (and at least the bound their hidden bits give): the rest is proven for every such product value, so for the real ones; a model is re-checked on the uncut unit (a real difference fails the unit)"
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
    /// Seconds each fallback's yosys run may take (the second description, the cut point).
    public var fallbackTimeLimit: Double
    /// Go straight to the fallbacks (tests of the cut-point proof on units whose full proof finishes).
    public var skipFullProof = false

    public init(directory: String, work: String, timeLimit: Double, fallback: ProofFallback) {
        self.directory = directory
        self.work = work
        self.timeLimit = timeLimit
        self.fallbackTimeLimit = timeLimit
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
        let libdir = URL(fileURLWithPath: directory).standardizedFileURL.path
        let read = "read_verilog \(spec).v; read_verilog \(implPath); read_verilog prove_top.v; hierarchy -check -libdir \(libdir) -top prove_top; proc; flatten; opt_clean"
        let show = "-show-inputs -show-outputs"
        let sat = s.clocked ? "sat -tempinduct -maxsteps 8 -set-init-zero -prove trigger 0 \(show) prove_top"
            : s.latency == 0 ? "sat -prove trigger 0 \(show) prove_top"
            : "sat -seq \(s.latency + 1) -prove-skip \(s.latency) -prove trigger 0 \(show) prove_top"
        var notes: [String] = []

        let full = skipFullProof ? .timedOut : try run(script: "\(read); \(sat)", in: dir)
        let method: ProofMethod = s.clocked ? .induction : s.latency == 0 ? .sat : .satSequential
        switch full {
        case .proven: return ProofResult(subject: s, outcome: .proven(method), seconds: monotonicSeconds() - start, notes: notes)
        case .counterexample(let table): return ProofResult(subject: s, outcome: .failed(method, decode(s, table)), seconds: monotonicSeconds() - start, notes: notes)
        case .error(let why): throw HarnessError("yosys could not set up the proof of \(s.module): \(why)")
        case .timedOut: notes.append("\(method.rawValue) timed out after \(Int(timeLimit)) s")
        }
        // say what comes next: only when a fallback can run is one tried
        let next = fallback == .none ? "no fallback (--fallback none)"
            : s.clocked ? "no fallback for a clocked design" : s.latency > 0 ? "no fallback for a pipelined unit" : "trying fallbacks"
        log("\(s.module): \(notes.last!); \(next)")

        if s.clocked {
            return ProofResult(subject: s, outcome: .notProven(notes.joined(separator: "; ")), seconds: monotonicSeconds() - start, notes: notes)
        }
        if fallback != .none, s.latency == 0, let alt = s.alternate {
            let altDir = "\(dir)/alternate"
            try FileManager.default.createDirectory(atPath: altDir, withIntermediateDirectories: true)
            try renameModule(alt.reference, from: s.referenceModule, to: spec).write(toFile: "\(altDir)/\(spec).v", atomically: true, encoding: .utf8)
            try wrapper(s, spec: spec).write(toFile: "\(altDir)/prove_top.v", atomically: true, encoding: .utf8)
            switch try run(script: "\(read); \(sat)", in: altDir, limit: fallbackTimeLimit) {
            case .proven:
                notes.append("proven against the second description: \(alt.method)")
                return ProofResult(subject: s, outcome: .proven(.satAlternate), seconds: monotonicSeconds() - start, notes: notes)
            case .counterexample(let table):
                return ProofResult(subject: s, outcome: .failed(.satAlternate, decode(s, table)), seconds: monotonicSeconds() - start, notes: notes)
            case .error(let why): throw HarnessError("yosys could not set up the proof of \(s.module) against its second description: \(why)")
            case .timedOut: notes.append("sat against the second description (\(alt.method)) timed out after \(Int(fallbackTimeLimit)) s")
            }
        }
        if fallback != .none && s.latency == 0 {
            switch try cutPoint(s, read: read, in: dir) {
            case .proven(let how):
                notes.append(how)
                return ProofResult(subject: s, outcome: .proven(.cutPoint), seconds: monotonicSeconds() - start, notes: notes)
            case .failed(let c):
                return ProofResult(subject: s, outcome: .failed(.cutPoint, c), seconds: monotonicSeconds() - start, notes: notes)
            case .inconclusive(let why):
                notes.append(why)
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

    enum CutOutcome { case proven(String), failed(Counterexample), inconclusive(String) }

    /// The cut-point proof: the significand products of both sides (yosys `$mul` cells after
    /// `wreduce; opt`) replaced by free values. One `$mul` (both sides' products merged, same
    /// operands): its output becomes one free input. Two (one per side): each output is free, and
    /// the miter's goal is `trigger & cut_ok`, `cut_ok` = the two products are equal whenever the
    /// two multipliers' operands are (either order): proven for every input and every product pair
    /// the multipliers could agree on, so for the real products (Ackermann's reduction of the
    /// multiplier to an uninterpreted function of its operands). A model of the cut miter is checked
    /// on the uncut miter with its operands fixed: a real difference is a counterexample of the
    /// unit, otherwise the difference needs a product no multiplier gives and proves nothing.
    private func cutPoint(_ s: ProofSubject, read: String, in dir: String) throws -> CutOutcome {
        let show = "-show-inputs -show-outputs"
        // the netlist both cut forms start from, and its $mul cells
        let snapshot = "\(read); wreduce; opt; write_rtlil cut.il; write_json cut.json"
        switch try run(script: snapshot, in: dir, verdict: false, limit: fallbackTimeLimit) {
        case .timedOut: return .inconclusive("cut-point proof: reading the netlist timed out after \(Int(fallbackTimeLimit)) s")
        case .error(let why): throw HarnessError("yosys could not set up the cut-point proof of \(s.module): \(why)")
        case .proven, .counterexample: break
        }
        let muls = try multipliers(jsonFile: "\(dir)/cut.json")
        let script: String
        let how: String
        switch muls.count {
        case 0: return .inconclusive("cut-point not applicable: no multiplier to cut")
        case 1:
            script = "read_rtlil cut.il; expose -cut t:$mul %co:+[Y] t:$mul %d; delete t:$mul; opt_clean; sat -prove trigger 0 \(show) prove_top"
            how = "cut point: both sides' significand products merge into one $mul (same operands), cut into one free input"
        case 2:
            let (i, o) = (muls[0], muls[1])
            guard !i.signed && !o.signed, i.y.count == o.y.count, i.a.count <= 64, i.b.count <= 64, o.a.count <= 64, o.b.count <= 64 else {
                return .inconclusive("cut-point not applicable: the two multipliers differ in signedness or product width")
            }
            // most significant bit first, zero-extended to the wrapper's width
            func pad(_ bits: [String], _ w: Int) -> String {
                ((bits.count < w ? ["\(w - bits.count)'b0"] : []) + bits.reversed()).joined(separator: ",")
            }
            // a product of operands whose top bits are constant ones (hidden bits) is at least
            // 2^(wa - 1 + wb - 1): a fact of every real product the free values must keep too
            func low(_ m: Multiplier) -> String {
                let k = m.a.last == "1'b1" && m.b.last == "1'b1" ? m.a.count + m.b.count - 2 : -1
                return "128'b" + String((0..<128).reversed().map { $0 == k ? "1" : "0" })
            }
            let c = [("cut_a0", pad(i.a, 64)), ("cut_b0", pad(i.b, 64)), ("cut_a1", pad(o.a, 64)), ("cut_b1", pad(o.b, 64)),
                     ("cut_p0", pad(i.y, 128)), ("cut_p1", pad(o.y, 128)), ("cut_low0", low(i)), ("cut_low1", low(o))]
            script = "read_rtlil cut.il; " + c.map { "connect -set \($0.0) \($0.1)" }.joined(separator: "; ")
                + "; delete t:$mul; sat -prove cut_bad 0 \(show) prove_top"
            how = "cut point: each side's significand product ($mul, \(i.a.count) x \(i.b.count) bits) a free value, equal whenever both multipliers' operands are, at least 2^(wa+wb-2) when their top bits are hidden ones"
        default: return .inconclusive("cut-point not applicable: \(muls.count) multipliers, not one per side")
        }
        switch try run(script: script, in: dir, limit: fallbackTimeLimit) {
        case .proven: return .proven(how)
        case .timedOut: return .inconclusive("cut-point proof timed out after \(Int(fallbackTimeLimit)) s")
        case .error(let why): throw HarnessError("yosys could not run the cut-point proof of \(s.module): \(why)")
        case .counterexample(let table):
            // the operands of the model, on the uncut miter: a real difference or a free product's
            let model = decode(s, table)
            let sets = s.operands.compactMap { p in model.operands[p.name].map { "-set \(p.name) \($0)" } }.joined(separator: " ")
            switch try run(script: "\(read); sat \(sets) -prove trigger 0 \(show) prove_top", in: dir, limit: fallbackTimeLimit) {
            case .counterexample(let real): return .failed(decode(s, real))
            case .proven: return .inconclusive("cut-point proof found a difference only for a product value no multiplier gives (operands \(sets.replacingOccurrences(of: "-set ", with: ""))): not a counterexample of the unit")
            case .timedOut: return .inconclusive("cut-point proof found a difference for a free product value; checking it on the uncut unit timed out")
            case .error(let why): throw HarnessError("yosys could not check the cut-point model of \(s.module): \(why)")
            }
        }
    }

    struct Multiplier { let a: [String], b: [String], y: [String], signed: Bool }

    /// The `$mul` cells of `prove_top` in yosys' JSON netlist, their ports as sigspec tokens (least
    /// significant bit first): a named wire's bit (`\\u_impl.product[3]`, public names preferred)
    /// or a constant.
    func multipliers(jsonFile: String) throws -> [Multiplier] {
        let data = try Data(contentsOf: URL(fileURLWithPath: jsonFile))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let mods = root["modules"] as? [String: Any], let top = mods["prove_top"] as? [String: Any],
              let cells = top["cells"] as? [String: Any], let nets = top["netnames"] as? [String: Any] else {
            throw HarnessError("yosys' netlist \(jsonFile) has no module prove_top")
        }
        var name: [Int: (String, Bool)] = [:]
        for (n, v) in nets.sorted(by: { $0.key < $1.key }) {
            guard let net = v as? [String: Any], let bits = net["bits"] as? [Any] else { continue }
            let hidden = (net["hide_name"] as? Int ?? 0) != 0 || n.hasPrefix("$")
            for (k, bit) in bits.enumerated() {
                guard let id = bit as? Int else { continue }
                if let have = name[id], !have.1 || hidden { continue }
                let token = (n.hasPrefix("$") ? n : "\\" + n) + (bits.count > 1 ? "[\(k)]" : "")
                name[id] = (token, hidden)
            }
        }
        func tokens(_ v: Any?) throws -> [String] {
            try (v as? [Any] ?? []).map { bit in
                if let id = bit as? Int {
                    guard let t = name[id] else { throw HarnessError("yosys' netlist \(jsonFile): bit \(id) of a multiplier has no wire name") }
                    return t.0
                }
                let c = bit as? String ?? "x"
                return c == "1" ? "1'b1" : c == "0" ? "1'b0" : "1'bx"
            }
        }
        func flag(_ p: [String: Any], _ k: String) -> Bool {
            if let n = p[k] as? Int { return n != 0 }
            return (p[k] as? String ?? "").contains("1")
        }
        return try cells.sorted(by: { $0.key < $1.key }).compactMap { _, v in
            guard let c = v as? [String: Any], c["type"] as? String == "$mul", let conn = c["connections"] as? [String: Any] else { return nil }
            let p = c["parameters"] as? [String: Any] ?? [:]
            return Multiplier(a: try tokens(conn["A"]), b: try tokens(conn["B"]), y: try tokens(conn["Y"]),
                              signed: flag(p, "A_SIGNED") || flag(p, "B_SIGNED"))
        }
    }

    enum Run { case proven, counterexample(String), timedOut, error(String) }

    /// One yosys run under the time limit; `verdict: false` for a script without `sat` (it is
    /// `.proven` when yosys succeeds).
    private func run(script: String, in dir: String, verdict: Bool = true, limit: Double? = nil) throws -> Run {
        try "\(script)\n".replacingOccurrences(of: "; ", with: "\n").write(toFile: "\(dir)/prove.ys", atomically: true, encoding: .utf8)
        let r = try Tools.run("yosys", ["-q", "-s", "prove.ys", "-l", "prove.log"], in: dir,
                              limit: ToolBudget.given(limit ?? timeLimit, option: limit == nil ? "--time-limit" : "--fallback-time-limit"))
        if r.timedOut != nil { return .timedOut }
        let logText = (try? String(contentsOfFile: "\(dir)/prove.log", encoding: .utf8)) ?? r.output
        if r.status != 0 {
            let line = r.output.split(separator: "\n").first(where: { $0.contains("ERROR") }) ?? r.output.split(separator: "\n").first ?? "exit \(r.status)"
            return .error(String(line))
        }
        if !verdict || logText.contains("SAT proof finished - no model found: SUCCESS!") || logText.contains("Induction step proven: SUCCESS!") { return .proven }
        if logText.contains("SAT proof finished - model found: FAIL!") || logText.contains("model found for base case: FAIL!") {
            // the counterexample is the last table (temporal induction prints failed induction steps first)
            var table = logText
            if let r = logText.range(of: "Signal Name", options: .backwards),
               let lineStart = logText[..<r.lowerBound].lastIndex(of: "\n") { table = String(logText[lineStart...]) }
            return .counterexample(table)
        }
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
        let last = s.clocked ? (values.values.flatMap(\.keys).max() ?? 1) : s.latency + 1
        var ops: [String: UInt64] = [:], expected: [String: UInt64] = [:], got: [String: UInt64] = [:]
        for p in s.operands { ops[p.name] = values[p.name]?[s.clocked ? last : 1] }
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
        if s.latency > 0 || s.clocked { ports.append("    input  wire clk") }
        ports += s.operands.map { "    input  wire [\($0.width - 1):0] \($0.name)" }
        ports += s.results.flatMap { ["    output wire [\($0.width - 1):0] spec_\($0.name)", "    output wire [\($0.width - 1):0] impl_\($0.name)"] }
        ports.append("    output wire trigger")
        if s.latency == 0 && !s.clocked { ports.append("    output wire cut_bad") }
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
        let specPorts = (s.clocked ? [".clk(clk)"] : []) + s.operands.map { ".\($0.name)(\(specIn[$0.name]!))" } + s.results.map { ".\($0.name)(spec_\($0.name))" }
        let implPorts = (s.latency > 0 || s.clocked ? [".clk(clk)"] : []) + s.operands.map { ".\($0.name)(\($0.name))" } + s.results.map { ".\($0.name)(impl_\($0.name))" }
        l.append("    \(spec) u_spec (\(specPorts.joined(separator: ", ")));")
        l.append("    \(s.module) u_impl (\(implPorts.joined(separator: ", ")));")
        l.append("    assign trigger = " + s.results.map { "(spec_\($0.name) != impl_\($0.name))" }.joined(separator: " | ") + ";")
        if s.latency == 0 && !s.clocked {
            l += ["    // the cut-point proof (two multipliers) connects these to both multipliers' operands and products;",
                  "    // undriven otherwise, and only cut_bad reads them",
                  "    wire [63:0] cut_a0, cut_b0, cut_a1, cut_b1;",
                  "    wire [127:0] cut_p0, cut_p1;",
                  "    wire [127:0] cut_low0, cut_low1;   // a lower bound of each real product (its operands' top bits)",
                  "    wire cut_same_operands = ((cut_a0 == cut_a1) && (cut_b0 == cut_b1)) || ((cut_a0 == cut_b1) && (cut_b0 == cut_a1));",
                  "    assign cut_bad = trigger && (!cut_same_operands || (cut_p0 == cut_p1)) && (cut_p0 >= cut_low0) && (cut_p1 >= cut_low1);"]
        }
        l.append("endmodule")
        return l.joined(separator: "\n") + "\n"
    }

    func renameModule(_ text: String, from: String, to: String) -> String {
        text.replacingOccurrences(of: "module \(from) (", with: "module \(to) (")
    }
}

/// The proof table: one row per subject, then the notes, the failures' reports and one closing line.
public enum ProofReport {
    public static func render(_ results: [ProofResult], timeLimit: Double, fallbackTimeLimit: Double? = nil) -> String {
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
        out += "\nmethods (time limit \(Int(timeLimit)) s per full proof, \(Int(fallbackTimeLimit ?? timeLimit)) s per fallback run; reference: behavioural Verilog written from SPEC.md, BehaviouralSpec.swift):\n"
        for m in [ProofMethod.sat, .satSequential, .induction, .satAlternate, .cutPoint, .exhaustive] where used.contains(m) {
            out += "  \(m.rawValue): \(m.explanation)\n"
        }
        for r in results where !r.notes.isEmpty {
            out += "  \(r.subject.module): \(r.notes.joined(separator: "; "))\n"
        }
        for r in results {
            if case .failed(_, let c) = r.outcome { out += "\n\(r.subject.module): the unit differs from its behavioural description\n\(c.report)\n" }
        }
        let proven = results.filter(\.proven).count, failed = results.filter(\.failed).count
        let total = results.map(\.seconds).reduce(0, +)
        out += "\n\(counted(results.count, "design")): \(proven) proven, \(failed) failed, \(results.count - proven - failed) not proven, in \(String(format: "%.1f", total)) s\n"
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
                                 limit: ToolBudget.synthesis(sources: [source]))
        if let stopped = list.timeLimitMessage(on: "\(module) (mutate -list)") { throw HarnessError(stopped) }
        guard list.status == 0 else { throw HarnessError("yosys mutate failed on \(file): \(list.output.split(separator: "\n").first ?? "")") }
        let lines = try String(contentsOfFile: "\(abs)/mutations.ys", encoding: .utf8).split(separator: "\n").map(String.init)
        guard index >= 1, index <= lines.count else { throw HarnessError("\(module) has \(lines.count) gate mutants for seed \(seed); give --gate-mutant 1...\(lines.count)") }
        let line = lines[index - 1]
        let w = try Tools.run("yosys", ["-q", "-p", "read_verilog \(source); hierarchy -top \(module); proc; flatten; opt_clean; \(line); opt_clean; write_verilog -noattr \(abs)/\(module).v"],
                              limit: ToolBudget.synthesis(sources: [source]))
        if let stopped = w.timeLimitMessage(on: "\(module) (gate mutant \(index))") { throw HarnessError(stopped) }
        guard w.status == 0 else { throw HarnessError("yosys could not apply gate mutant \(index) to \(module): \(w.output.split(separator: "\n").first ?? "")") }
        return (abs, MutationRun.describeGateMutation(line))
    }
}

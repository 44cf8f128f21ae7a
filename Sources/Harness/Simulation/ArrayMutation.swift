import FloatArith
import Foundation
import Units

/// One deliberate bug in the generated Verilog of an array design: each `from` text occurs exactly
/// once in `module`'s file and is replaced by its `to` (all edits at once).
public struct ArrayMutation: Sendable {
    public struct Edit: Sendable {
        public let from: String
        public let to: String
    }
    public let name: String
    public let description: String
    public let module: String
    public let edits: [Edit]

    public init(_ name: String, _ description: String, module: String, _ edits: [(String, String)]) {
        self.name = name
        self.description = description
        self.module = module
        self.edits = edits.map { Edit(from: $0.0, to: $0.1) }
    }

    /// The mutated text, or a one-line reason the mutation does not apply (the generator changed).
    public func apply(to text: String) -> Result<String, BuildFailure> {
        var ranges: [(Range<String.Index>, String)] = []
        for e in edits {
            guard let r = text.range(of: e.from) else {
                return .failure(BuildFailure(message: "`\(e.from)` not found in \(module).v"))
            }
            if text.range(of: e.from, range: r.upperBound..<text.endIndex) != nil {
                return .failure(BuildFailure(message: "`\(e.from)` occurs more than once in \(module).v"))
            }
            ranges.append((r, e.to))
        }
        var out = text
        for (r, to) in ranges.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
            let lo = text.distance(from: text.startIndex, to: r.lowerBound), hi = text.distance(from: text.startIndex, to: r.upperBound)
            out.replaceSubrange(out.index(out.startIndex, offsetBy: lo)..<out.index(out.startIndex, offsetBy: hi), with: to)
        }
        return .success(out)
    }

    /// The protocol and accumulator bugs the array harness must catch (docs/array.md): skew,
    /// valid, clear, sticky invalid, accumulator carries and bits, result capture and drain order.
    /// Needs at least 3 rows and 3 columns (row 2 and column 2 exist).
    public static func standard(_ d: ArrayDesign) -> [ArrayMutation] {
        precondition(d.rows >= 3 && d.cols >= 3, "the standard array mutants name row 2 and column 2")
        let f = d.format, w = d.accumulatorWidth, n = f.width, e = f.exponentBits
        let array = d.moduleName, cell = d.cellModuleName, pe = d.pe.moduleName
        let C = d.cols
        let one = -d.pe.accumulator.lsbExponent   // the accumulator bit weighing 2^0
        let zeroW = "\(w)'d0"
        let addend = "(take ? p_term : \(zeroW))"
        var m: [ArrayMutation] = [
            // skew
            ArrayMutation("skew-a-swap", "A delay lines of rows 1 and 2 swapped", module: array,
                          [(".a_in(a_skew_1_0)", ".a_in(a_skew_2_1)"), (".a_in(a_skew_2_1)", ".a_in(a_skew_1_0)")]),
            ArrayMutation("skew-b-swap", "B delay lines of columns 1 and 2 swapped", module: array,
                          [(".b_in(b_skew_1_0)", ".b_in(b_skew_2_1)"), (".b_in(b_skew_2_1)", ".b_in(b_skew_1_0)")]),
            ArrayMutation("skew-a-short", "row 2's A delay line one stage short", module: array,
                          [(".a_in(a_skew_2_1)", ".a_in(a_skew_2_0)")]),
            ArrayMutation("skew-b-short", "column 2's B delay line one stage short", module: array,
                          [(".b_in(b_skew_2_1)", ".b_in(b_skew_2_0)")]),
            ArrayMutation("skew-valid-short", "row 2's valid one stage short (A, B, clear, last on time)", module: array,
                          [(".valid_in(valid_skew_2)", ".valid_in(valid_skew_1)")]),
            ArrayMutation("skew-clear-early", "row 1's clear one cycle early", module: array,
                          [(".clear_in(clear_skew_1)", ".clear_in(in_clear)")]),
            // valid
            ArrayMutation("valid-stuck-row", "row 1's valid stuck at 1 (skew stage ignores in_valid)", module: array,
                          [("valid_skew_1 <= ~rst & in_valid;", "valid_skew_1 <= ~rst;")]),
            ArrayMutation("pe-valid-ignored", "PE adds its product whether or not valid", module: pe,
                          [("take = valid & ~p_special;", "take = ~p_special;")]),
            ArrayMutation("cell-valid-stuck", "cell passes valid = 1 east", module: cell,
                          [("valid_q <= ~rst & valid_in;", "valid_q <= ~rst;")]),
            ArrayMutation("invalid-ignores-valid", "PE sets invalid on a NaN product of a bubble beat", module: pe,
                          [("invalid_q <= (~clear & invalid_q) | (valid & p_special);", "invalid_q <= (~clear & invalid_q) | p_special;")]),
            // clear
            ArrayMutation("pe-clear-dropped", "PE never restarts its sum", module: pe,
                          [("acc_base = clear ? \(zeroW) : acc_q;", "acc_base = acc_q;")]),
            ArrayMutation("cell-clear-dropped", "cell does not pass clear east", module: cell,
                          [("clear_q <= ~rst & clear_in;", "clear_q <= 1'b0;")]),
            // sticky invalid
            ArrayMutation("invalid-not-sticky", "invalid shows only the latest product", module: pe,
                          [("invalid_q <= (~clear & invalid_q) | (valid & p_special);", "invalid_q <= valid & p_special;")]),
            ArrayMutation("invalid-not-cleared", "clear does not reset invalid", module: pe,
                          [("invalid_q <= (~clear & invalid_q) | (valid & p_special);", "invalid_q <= invalid_q | (valid & p_special);")]),
            ArrayMutation("res-invalid-live", "cell drains the PE's live invalid, not the one captured with the sum", module: cell,
                          [("res_invalid_q <= last_q ? pe_invalid : res_invalid_q;", "res_invalid_q <= pe_invalid;")]),
            // accumulator
            ArrayMutation("acc-carry-cut", "accumulator carry from bit \(one - 1) into bit \(one) (2^-1 into 2^0) lost", module: pe,
                          [("acc_q <= acc_base + \(addend);",
                            "acc_q <= {acc_base[\(w - 1):\(one)] + (take ? p_term[\(w - 1):\(one)] : \(w - one)'d0), "
                                + "acc_base[\(one - 1):0] + (take ? p_term[\(one - 1):0] : \(one)'d0)};")]),
            ArrayMutation("acc-no-carries", "accumulator adds without carries (xor)", module: pe,
                          [("acc_q <= acc_base + \(addend);", "acc_q <= acc_base ^ \(addend);")]),
            ArrayMutation("acc-bit-stuck", "accumulator bit \(one) (2^0) read as 0", module: pe,
                          [("assign acc = acc_q;", "assign acc = {acc_q[\(w - 1):\(one + 1)], 1'b0, acc_q[\(one - 1):0]};")]),
            ArrayMutation("acc-msb-dropped", "captured sum loses its sign bit", module: cell,
                          [("res_q <= last_q ? pe_acc : res_q;", "res_q <= last_q ? {1'b0, pe_acc[\(w - 2):0]} : res_q;")]),
            ArrayMutation("product-sign-ignored", "PE adds |product| whatever its sign", module: pe,
                          [("p_term = mul_y[\(n - 1)] ?", "p_term = 1'b0 ?")]),
            ArrayMutation("product-shift-off-by-one", "normal products placed one bit low", module: pe,
                          [("(p_exp - \(e)'d1)", "(p_exp - \(e)'d2)")]),
            // capture and drain
            ArrayMutation("capture-early", "cell captures its sum one cycle early (without the last term)", module: cell,
                          [("res_q <= last_q ? pe_acc : res_q;", "res_q <= last_in ? pe_acc : res_q;")]),
            ArrayMutation("drain-load-early", "row 0's drain loads one cycle early", module: array,
                          [("load_q_0 <= ~rst & cell_0_\(C - 1)_last_out;", "load_q_0 <= ~rst & cell_0_\(C - 2)_last_out;")]),
            ArrayMutation("drain-holds", "drain stages hold instead of shifting east", module: cell,
                          [("drain_q <= load ? res_q : drain_in;", "drain_q <= load ? res_q : drain_q;")]),
            ArrayMutation("drain-skips-stage", "row 0's drain skips column 1 (column 0's result jumps to column 2)", module: array,
                          [(".drain_in(cell_0_1_drain_out)", ".drain_in(cell_0_0_drain_out)")]),
            ArrayMutation("drain-rows-swapped", "rows 0 and 1 swapped on out_acc", module: array,
                          [("cell_1_\(C - 1)_drain_out, cell_0_\(C - 1)_drain_out}", "cell_0_\(C - 1)_drain_out, cell_1_\(C - 1)_drain_out}")]),
            ArrayMutation("drain-valid-not-reset", "rst does not clear the drain's valid bits (X after power-up)", module: cell,
                          [("drain_valid_q <= ~rst & (load | drain_valid_in);", "drain_valid_q <= load | drain_valid_in;")]),
        ]
        // Only the exact multiplier gives subnormal products (SPEC: L-Mul and fpmul_ftz flush them).
        if d.unit.kind == .fpmul {
            m.append(ArrayMutation("subnormal-product-misplaced", "subnormal products placed one bit high", module: pe,
                                   [("p_shift = p_exp_zero ? \(e)'d0 :", "p_shift = p_exp_zero ? \(e)'d1 :")]))
        }
        return m
    }
}

/// Mutation testing of the array harness: every standard mutant (and yosys gate mutants of the PE)
/// is simulated with the same stimulus and checks as `rtlgen sim-array`, and must fail.
public struct ArrayMutationRun: Sendable {
    public var design: ArrayDesign
    public var buildDirectory = "build/mutate-array"
    public var testbenchDirectory = "testbench"
    public var simulator: SimulatorKind = .icarus
    public var jobs = 2
    public var gateMutants = 32
    public var seed = 1
    /// Restricts the source mutants to these names (all when nil).
    public var only: Set<String>?
    /// No progress line.
    public var quiet = false

    public init(design: ArrayDesign) { self.design = design }

    public struct Mutant: Sendable {
        public enum Kind: String, Sendable { case source, gate }
        public enum Outcome: Sendable {
            case killed(String)
            case survived
            /// yosys proved the mutated PE equivalent to the original (miter, sat -tempinduct).
            case equivalent
            case stillborn(String)
        }
        public let kind: Kind
        public let name: String
        public let module: String
        public let description: String
        public let outcome: Outcome
        public var isKilled: Bool { if case .killed = outcome { return true } else { return false } }
        public var isSurvivor: Bool { if case .survived = outcome { return true } else { return false } }
    }

    public func run(log: @escaping @Sendable (String) -> Void) throws -> [Mutant] {
        switch simulator {
        case .icarus: _ = try Tools.find("iverilog"); _ = try Tools.find("vvp")
        case .verilator: _ = try Tools.find("verilator")
        }
        if gateMutants > 0 { _ = try Tools.find("yosys") }
        let d = design
        let root = "\(buildDirectory)/\(d.moduleName)"
        try? FileManager.default.removeItem(atPath: root)
        let originals = Dictionary(uniqueKeysWithValues: try d.files().map { (String($0.name.dropLast(2)), $0.text) })
        if simulator == .verilator { _ = try VerilatorBuild.runtime(buildDirectory: "build/sim", testbench: testbenchDirectory, log: log) }

        // The unmutated design must pass through the same path first.
        let reference = try simulate(originals, dir: "\(root)/original")
        if case .failure(let f) = reference { throw UsageError("the unmutated \(d.moduleName) fails its own check: \(f.message)") }
        if case .success(let first) = reference, let first { throw UsageError("the unmutated \(d.moduleName) fails its own check: \(first)") }

        var work: [(kind: Mutant.Kind, name: String, module: String, description: String, text: Result<String, BuildFailure>)] = []
        for m in ArrayMutation.standard(d) where only?.contains(m.name) ?? true {
            work.append((.source, m.name, m.module, m.description, m.apply(to: originals[m.module]!)))
        }
        if gateMutants > 0 {
            log("mutate-array: \(d.pe.moduleName): \(gateMutants) gate mutants (yosys mutate)")
            for g in try gateMutantsOfPE(originals, dir: "\(root)/gate") {
                work.append((.gate, "gate-\(g.index)", d.pe.moduleName, g.description, .success(g.text)))
            }
        }
        let tasks = work
        log("mutate-array: \(tasks.count) mutants of \(d.moduleName) on \(simulator.rawValue)")
        let results = Locked([Int: Mutant]())
        let next = Locked(0)
        let group = DispatchGroup()
        let progress = ProgressLine("mutate-array: \(d.moduleName)", quiet: quiet)
        let me = self
        for _ in 0..<max(1, jobs) {
            group.enter()
            Thread.detachNewThread {
                while true {
                    let k = next.withLock { v -> Int in defer { v += 1 }; return v }
                    if k >= tasks.count { break }
                    let t = tasks[k]
                    var outcome: Mutant.Outcome
                    switch t.text {
                    case .failure(let f): outcome = .stillborn(f.message)
                    case .success(let text):
                        var files = originals
                        files[t.module] = text
                        let dir = "\(root)/\(t.kind.rawValue)/\(t.name)"
                        switch (try? me.simulate(files, dir: dir)) ?? .failure(BuildFailure(message: "cannot write \(dir)")) {
                        case .failure(let f): outcome = .stillborn(f.message)
                        case .success(nil): outcome = .survived
                        case .success(let first?): outcome = .killed(first)
                        }
                        if case .survived = outcome, t.kind == .gate, me.provenEquivalent(original: originals, mutant: text, dir: dir) {
                            outcome = .equivalent
                        }
                    }
                    let done = results.withLock { r -> Int in
                        r[k] = Mutant(kind: t.kind, name: t.name, module: t.module, description: t.description, outcome: outcome)
                        return r.count
                    }
                    progress.update(done: Double(done), total: Double(tasks.count), detail: "\(done)/\(tasks.count)")
                }
                group.leave()
            }
        }
        group.wait()
        progress.finish()
        return results.withLock { r in (0..<tasks.count).map { r[$0]! } }
    }

    /// Writes `files` into `dir/rtl` and runs the array check there: nil when it passes, else the
    /// first mismatch (or failure) it reports.
    func simulate(_ files: [String: String], dir: String) throws -> Result<String?, BuildFailure> {
        let rtl = "\(dir)/rtl"
        try FileManager.default.createDirectory(atPath: rtl, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: "\(rtl)/\(name).v", atomically: true, encoding: .utf8) }
        var s = ArraySimulation(rtlDirectory: rtl, designs: [design])
        s.simulators = [simulator]
        s.buildDirectory = dir
        s.testbenchDirectory = testbenchDirectory
        s.jobs = 1
        s.report = 1
        s.quiet = true
        s.seed = UInt64(seed)
        guard let o = try s.run(log: { _ in }).first else { return .failure(BuildFailure(message: "no outcome")) }
        if let f = o.failure {
            // A mutant whose model builds but runs off the rails is killed; one that does not build is stillborn.
            let unbuilt = f.hasPrefix("iverilog failed") || f.hasPrefix("verilator build failed") || f.hasPrefix("verilator did not start")
            return unbuilt ? .failure(BuildFailure(message: f)) : .success(f)
        }
        if o.passed { return .success(nil) }
        return .success(o.firstMismatches.first?.trimmingCharacters(in: .whitespaces) ?? "\(o.mismatches) mismatches")
    }

    struct GateMutantText { let index: Int; let description: String; let text: String }

    /// yosys `mutate -list` on the PE module alone (its multiplier instance kept as an instance),
    /// each mutation written as its own PE file.
    func gateMutantsOfPE(_ originals: [String: String], dir: String) throws -> [GateMutantText] {
        let d = design
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let absolute = URL(fileURLWithPath: dir).standardizedFileURL.path
        for name in [d.unit.moduleName, d.pe.moduleName] {
            try originals[name]!.write(toFile: "\(absolute)/\(name).v", atomically: true, encoding: .utf8)
        }
        let read = "read_verilog \(d.unit.moduleName).v \(d.pe.moduleName).v; hierarchy -top \(d.pe.moduleName); proc; opt_clean"
        let list = try Tools.run("yosys", ["-q", "-p", "\(read); mutate -list \(gateMutants) -seed \(seed) -o mutations.ys \(d.pe.moduleName)"],
                                 in: absolute)
        guard list.status == 0 else { throw UsageError("yosys mutate failed on \(d.pe.fileName): \(list.output.split(separator: "\n").first ?? "")") }
        let lines = try String(contentsOfFile: "\(absolute)/mutations.ys", encoding: .utf8).split(separator: "\n").map(String.init)
        var script = "\(read); design -save original"
        for (i, line) in lines.enumerated() {
            script += "; design -load original; \(line); opt_clean; select \(d.pe.moduleName); write_verilog -noattr -selected mutant_\(i + 1).v; select -clear"
        }
        let w = try Tools.run("yosys", ["-q", "-p", script], in: absolute)
        guard w.status == 0 else { throw UsageError("yosys could not write the PE mutants: \(w.output.split(separator: "\n").first ?? "")") }
        return try lines.enumerated().map { i, line in
            GateMutantText(index: i + 1, description: MutationRun.describeGateMutation(line),
                           text: try String(contentsOfFile: "\(absolute)/mutant_\(i + 1).v", encoding: .utf8))
        }
    }

    /// A surviving gate mutant of the PE is equivalent when yosys proves it: a miter of the original
    /// and the mutated PE, each with its real multiplier flattened in, must never raise `trigger`
    /// (temporal induction; the registers are the PE's outputs, so equal outputs mean equal state).
    /// The multiplier is part of the proof because some PE logic only matters for products the
    /// unit never gives (an L-Mul product is never subnormal).
    public func provenEquivalent(original: [String: String], mutant: String, dir: String) -> Bool {
        let d = design
        let abs = URL(fileURLWithPath: dir).standardizedFileURL.path
        do {
            try original[d.unit.moduleName]!.write(toFile: "\(abs)/\(d.unit.fileName)", atomically: true, encoding: .utf8)
            try original[d.pe.moduleName]!.replacingOccurrences(of: "module \(d.pe.moduleName)", with: "module gold")
                .write(toFile: "\(abs)/gold.v", atomically: true, encoding: .utf8)
            try mutant.replacingOccurrences(of: "module \(d.pe.moduleName)", with: "module gate")
                .write(toFile: "\(abs)/gate.v", atomically: true, encoding: .utf8)
            let script = "read_verilog \(d.unit.fileName) gold.v gate.v; proc; opt_clean; miter -equiv -flatten -make_outputs gold gate miter; "
                + "hierarchy -top miter; sat -verify -tempinduct -prove trigger 0 -set-init-zero -seq 1 miter"
            return try Tools.run("yosys", ["-q", "-p", script], in: abs).status == 0
        } catch {
            return false
        }
    }
}

public enum ArrayMutationReport {
    public static func render(_ design: ArrayDesign, _ mutants: [ArrayMutationRun.Mutant], simulator: SimulatorKind) -> String {
        var t = TextTable(header: ["mutant", "kind", "module", "what changed", "result"], rightAligned: [])
        for m in mutants {
            let result: String
            switch m.outcome {
            case .killed(let how): result = "killed: " + (how.count > 90 ? String(how.prefix(87)) + "..." : how)
            case .survived: result = "SURVIVED"
            case .equivalent: result = "equivalent (yosys sat -tempinduct)"
            case .stillborn(let why): result = "STILLBORN: \(why)"
            }
            t.rows.append([m.name, m.kind.rawValue, m.module, m.description, result])
        }
        var out = t.render() + "\n"
        let killed = mutants.filter(\.isKilled).count
        let equivalent = mutants.filter { if case .equivalent = $0.outcome { return true } else { return false } }.count
        let survived = mutants.filter(\.isSurvivor).count
        let stillborn = mutants.count - killed - equivalent - survived
        out += "\n\(design.moduleName) on \(simulator.rawValue): \(mutants.count) mutants, \(killed) killed, \(survived) survived, "
            + "\(equivalent) proven equivalent, \(stillborn) stillborn\n"
        return out
    }
}

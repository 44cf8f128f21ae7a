import FloatArith
import Foundation
import Units
import Toolchain
import HDL

/// Mutation testing of the verification harness: does a one-gate change, or a one-operator change
/// in the Verilog, make the check fail?
///
/// Two mutant families per unit:
/// - gate mutants from yosys `mutate -list N` (a cell input bit inverted, tied to 0 or 1, or tied
///   to another bit), all compiled into one Verilator model behind `mutsel == k`
///   (testbench/tb_mutants.cpp);
/// - source mutants: every operator and sized constant on the right-hand side of the unit's
///   assignments changed one at a time (`+`<->`-`, `&`<->`|`, `^`->`&`, `<`<->`<=`, `==`<->`!=`,
///   `<<`<->`>>`, `~` dropped, a constant plus one), each simulated with the same Icarus testbench
///   and mismatch decoding that `rtlgen sim` uses.
/// For 8-bit formats every mutant is simulated on all 65,536 operand pairs, so a survivor is
/// equivalent to the original: exhaustive simulation is the proof. Gate mutants are also run on the
/// corner-case set alone and on corners plus 1,000 random pairs, which measures the vector
/// generator that wider formats rely on.
public struct MutationRun: Sendable {
    public var rtlDirectory: String
    public var units: [ArithmeticUnit]
    public var gateMutants = 64
    public var seed = 1
    public var buildDirectory = "build/mutate"
    public var testbenchDirectory = "testbench"
    public var jobs = 2
    public var sourceMutants = true

    public init(rtlDirectory: String, units: [ArithmeticUnit]) {
        self.rtlDirectory = rtlDirectory
        self.units = units
    }

    public struct GateMutant: Sendable {
        public let index: Int
        public let description: String
        public let killedExhaustive: Bool
        public let killedByCorners: Bool
        public let killedBySampled: Bool
    }

    public struct SourceMutant: Sendable {
        public let line: Int
        public let description: String
        public enum Result: Sendable, Equatable { case killed(decoded: Bool), survived, stillborn(String) }
        public let result: Result
    }

    public struct UnitResult: Sendable {
        public let module: String
        public let unit: ArithmeticUnit
        public let vectors: Int
        public let gate: [GateMutant]
        public let source: [SourceMutant]
        /// A pipelined unit's register mutants (`RegisterMutation`: a cut register dropped, added, moved).
        public var register: [SourceMutant] = []
        public var registerKilled: Int { register.filter { if case .killed = $0.result { return true } else { return false } }.count }

        public var gateKilled: Int { gate.filter(\.killedExhaustive).count }
        public var gateEquivalent: Int { gate.count - gateKilled }
        public var sourceKilled: Int { source.filter { if case .killed = $0.result { return true } else { return false } }.count }
        public var sourceSurvived: Int { source.filter { $0.result == .survived }.count }
        public var sourceStillborn: Int { source.count - sourceKilled - sourceSurvived }
        public var exhaustive: Bool { unit.format.width <= 8 }
    }

    public func run(log: @escaping @Sendable (String) -> Void) throws -> [UnitResult] {
        _ = try Tools.find("yosys")
        try Tools.require([.verilator, .icarus])
        guard gateMutants >= 1 && gateMutants <= 255 else { throw HarnessError("--gate-mutants must be in 1...255 (mutsel is 8 bits)") }
        var out: [UnitResult] = []
        let runtime = try Verilator.runtime(buildDirectory: "build/sim", testbench: "\(testbenchDirectory)/\(CycleTestbench.verilatorFile)", log: log)
        for unit in units {
            let m = unit.moduleName
            let file = "\(rtlDirectory)/\(m).v"
            guard FileManager.default.fileExists(atPath: file) else { throw HarnessError("\(file) not found; run make units") }
            let dir = URL(fileURLWithPath: "\(buildDirectory)/\(m)").standardizedFileURL.path
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)

            // Vector sets: the full one (exhaustive for 8-bit formats), corners only, corners + 1,000 random.
            let full = VectorPlan.standard(for: unit.format)
            let sets: [(String, VectorPlan)] = [("full", full), ("corners", .sampled(random: 0, seed: 1)), ("sampled", .sampled(random: 1000, seed: 1))]
            var counts: [String: Int] = [:]
            for (name, plan) in sets {
                let (text, count) = VectorFile.text(for: unit, plan: plan)
                try text.write(toFile: "\(dir)/\(name).hex", atomically: true, encoding: .utf8)
                counts[name] = count
            }

            // tb_mutants.cpp applies one pair and reads y at once: gate mutants are for the
            // combinational module; a pipelined one gets register mutants (below) and source mutants.
            var gate: [GateMutant] = []
            if unit.stages == 0 {
                log("mutate: \(m): \(gateMutants) gate mutants (yosys mutate) in one Verilator model")
                gate = try runGateMutants(module: m, file: file, dir: dir, runtime: runtime)
            } else {
                log("mutate: \(m): no gate mutants (the mutant testbench is combinational; mutate \(unit.withStages(0).moduleName) for them)")
            }
            var source: [SourceMutant] = []
            if sourceMutants {
                let trace = unit.trace(Vectors.pairs(unit.format, plan: full))
                let files = try CycleTestbench.write(trace, name: m, directory: dir)
                source = try runSourceMutants(module: m, unit: unit, file: file, dir: dir, trace: trace, files: files, log: log)
            }
            var register: [SourceMutant] = []
            if unit.stages > 0 {
                let mutants = try RegisterMutation.mutants(unit)
                log("mutate: \(m): \(mutants.count) register mutants (a pipeline register dropped, added or moved) on Icarus")
                register = try RegisterMutation.run(unit, mutants: mutants, directory: dir, testbench: testbenchDirectory, jobs: jobs).map { o in
                    SourceMutant(line: 0, description: "\(o.mutant.kind.rawValue): \(o.mutant.description)",
                                 result: o.failure.map { .stillborn($0) } ?? (o.survived ? .survived : .killed(decoded: true)))
                }
            }
            out.append(UnitResult(module: m, unit: unit, vectors: counts["full"]!, gate: gate, source: source, register: register))
        }
        return out
    }

    private func runGateMutants(module: String, file: String, dir: String, runtime: [String]) throws -> [GateMutant] {
        let source = URL(fileURLWithPath: file).standardizedFileURL.path
        // Read the unit from its own directory so the mutation list carries no absolute paths.
        let script = "read_verilog \((source as NSString).lastPathComponent); hierarchy -top \(module); proc; flatten; opt_clean; "
            + "mutate -list \(gateMutants) -seed \(seed) -ctrl mutsel 8 1 -o \(dir)/mutations.ys; script \(dir)/mutations.ys; opt_clean; "
            + "write_verilog -noattr \(dir)/mutants.v"
        let y = try Tools.run("yosys", ["-q", "-p", script], in: (source as NSString).deletingLastPathComponent,
                              limit: ToolBudget.synthesis(sources: [source]))
        if let stopped = y.timeLimitMessage(on: "\(module) (mutate -list)") { throw HarnessError(stopped) }
        guard y.status == 0 else { throw HarnessError("yosys mutate failed on \(file): \(y.firstErrorLine)") }
        let lines = try String(contentsOfFile: "\(dir)/mutations.ys", encoding: .utf8).split(separator: "\n").map(String.init)
        var model = VerilatorModel(top: module, sources: ["\(dir)/mutants.v", "\(testbenchDirectory)/tb_mutants.cpp"], directory: "\(dir)/verilator")
        model.runtime = runtime
        let tb: String
        switch model.build() {
        case .success(let exe): tb = exe
        case .failure(let f): throw HarnessError("verilator could not build the mutants of \(module): \(f.message)")
        }
        var killed: [String: Set<Int>] = [:]
        for set in ["full", "corners", "sampled"] {
            // the vectors once per mutant and once unmutated, through the netlist of all mutants
            // (an eighth of its gate-level Verilog's bytes counted as bits: generous)
            let vectors = ((try? String(contentsOfFile: "\(dir)/\(set).hex", encoding: .utf8)) ?? "").split(separator: "\n").count
            let r = try Tools.run(tb, ["\(dir)/\(set).hex", "--mutants", "\(lines.count)"],
                                  limit: ToolBudget.simulation(cycles: vectors * (lines.count + 1), bits: ToolBudget.bytes(of: ["\(dir)/mutants.v"]) / 8))
            if let stopped = r.timeLimitMessage(on: "\(module)'s gate mutants (\(set) vectors)") { throw HarnessError(stopped) }
            guard r.status == 0 else {
                throw HarnessError("the unmutated netlist of \(module) (mutsel = 0) fails its vectors after yosys: \(r.output.split(separator: "\n").first ?? "")")
            }
            killed[set] = Set(r.stdout.split(separator: "\n").compactMap { l -> Int? in
                let w = l.split(separator: " ")
                return w.count >= 3 && w[0] == "MUTANT" && w[2] == "killed" ? Int(w[1]) : nil
            })
        }
        return lines.enumerated().map { i, line in
            let k = i + 1
            return GateMutant(index: k, description: Self.describeGateMutation(line), killedExhaustive: killed["full"]!.contains(k),
                              killedByCorners: killed["corners"]!.contains(k), killedBySampled: killed["sampled"]!.contains(k))
        }
    }

    /// "inv of $add cell input B bit 0 (wire b_exp_eff[0])" from a `mutate` command line.
    static func describeGateMutation(_ line: String) -> String {
        let w = line.split(separator: " ").map(String.init)
        func value(_ key: String) -> String? {
            guard let i = w.firstIndex(of: key), i + 1 < w.count else { return nil }
            return w[i + 1]
        }
        let mode = value("-mode") ?? "?"
        let cellName = value("-cell") ?? "?"
        // yosys cells are "$add$file:line$n"; anything else is a module instance (a PE's multiplier)
        let cell = cellName.hasPrefix("$") ? cellName.split(separator: "$").first.map { "$" + $0 } ?? "?" : "instance \(cellName)"
        var s = "\(mode) on \(cell) input \(value("-port") ?? "?")[\(value("-portbit") ?? "?")]"
        if let ctrl = value("-ctrlbit") { s += " (with bit \(ctrl))" }
        if let wire = value("-wire") { s += ", wire \(wire)[\(value("-wirebit") ?? "0")]" }
        if let src = value("-src") { s += ", \(src.split(separator: "/").last ?? "")" }
        return s
    }

    /// One mutation per operator or sized constant on the right-hand side of each assignment.
    public static func sourceMutations(_ text: String) -> [(line: Int, text: String, description: String)] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [(Int, String, String)] = []
        let swaps: [(String, String)] = [("<=", "<"), ("==", "!="), ("!=", "=="), ("<<", ">>"), (">>", "<<"),
                                         ("+", "-"), ("-", "+"), ("&", "|"), ("|", "&"), ("^", "&"), ("<", "<="), ("~", "")]
        for (n, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard (trimmed.hasPrefix("wire") || trimmed.hasPrefix("assign")), !trimmed.contains("unused_ok"),
                  let eq = line.firstIndex(of: "=") else { continue }
            let rhsStart = line.index(after: eq)
            let chars = Array(line)
            let offset = line.distance(from: line.startIndex, to: rhsStart)
            var i = offset
            while i < chars.count {
                // sized constants: 8'd127 -> 8'd128 (mod 2^width)
                if chars[i].isNumber, i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_" || chars[i - 1] == "'") {
                    var j = i
                    while j < chars.count && chars[j].isNumber { j += 1 }
                    if j + 1 < chars.count && chars[j] == "'" && chars[j + 1] == "d", let width = Int(String(chars[i..<j])) {
                        var k = j + 2
                        while k < chars.count && chars[k].isNumber { k += 1 }
                        if let v = UInt64(String(chars[(j + 2)..<k])), width < 64 {
                            let nv = (v + 1) & ((1 << UInt64(width)) - 1)
                            let mutated = String(chars[..<i]) + "\(width)'d\(nv)" + String(chars[k...])
                            out.append((n + 1, mutated, "constant \(width)'d\(v) -> \(width)'d\(nv) in `\(trimmed)`"))
                        }
                        i = k
                        continue
                    }
                    i = j
                    continue
                }
                var matched = false
                for (from, to) in swaps {
                    let f = Array(from)
                    guard i + f.count <= chars.count, Array(chars[i..<(i + f.count)]) == f else { continue }
                    let mutated = String(chars[..<i]) + to + String(chars[(i + f.count)...])
                    out.append((n + 1, mutated, "'\(from)' -> '\(to.isEmpty ? "(removed)" : to)' in `\(trimmed)`"))
                    i += f.count
                    matched = true
                    break
                }
                if !matched { i += 1 }
            }
        }
        return out.map { ($0.0, $0.1, $0.2) }
    }

    private func runSourceMutants(module: String, unit: ArithmeticUnit, file: String, dir: String, trace: CycleTrace,
                                  files: (stimulus: String, expected: String), log: @escaping @Sendable (String) -> Void) throws -> [SourceMutant] {
        let original = try String(contentsOfFile: file, encoding: .utf8)
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let mutations = Self.sourceMutations(original)
        log("mutate: \(module): \(mutations.count) source mutants (one operator or constant each) on Icarus")
        let progress = ProgressReporter("mutate: \(module) source mutants")
        let testbench = testbenchDirectory
        let mutants = WorkerPool.map(mutations.count, jobs: jobs, progress: { progress.update(done: $0, total: $1, detail: "\($0)/\($1)") },
                                     worker: { lines }, body: { local, k -> SourceMutant in
            let (lineNumber, mutatedLine, description) = mutations[k]
            let saved = local[lineNumber - 1]
            local[lineNumber - 1] = mutatedLine
            let mdir = "\(dir)/source/\(k)"
            try? FileManager.default.createDirectory(atPath: mdir, withIntermediateDirectories: true)
            let mfile = "\(mdir)/\(module).v"
            try? local.joined(separator: "\n").write(toFile: mfile, atomically: true, encoding: .utf8)
            local[lineNumber - 1] = saved
            let result: SourceMutant.Result
            switch CycleTestbench.icarus(unit, files: [mfile], cycles: trace.cycles, report: 3, directory: mdir, testbench: testbench) {
            case .failure(let f):
                result = .stillborn(f.message)
            case .success(let vvp):
                let r = CycleTestbench.run(.icarus, unit, executable: vvp, trace: trace, files: files, report: 3)
                if let mm = r.mismatchCount, mm > 0 {
                    // the same decoding `rtlgen sim` prints
                    let decoded = r.mismatches.first.flatMap { m -> Bool? in
                        guard let (e, g) = m.differs(trace.signature, "y") else { return nil }
                        let (a, b) = unit.operands(checkedIn: m.cycle, of: trace)
                        return Mismatch(index: m.cycle, a: a, b: b, expected: UInt32(e), got: g.map { UInt32($0) } ?? UInt32.max)
                            .describe(unit).contains("SPEC rule:")
                    } ?? false
                    result = .killed(decoded: decoded)
                } else if r.failure == nil {
                    result = .survived
                } else {
                    result = .stillborn(r.failure ?? "the testbench did not finish")
                }
            }
            try? FileManager.default.removeItem(atPath: mdir)
            return SourceMutant(line: lineNumber, description: description, result: result)
        })
        progress.finish()
        return mutants
    }
}

public enum MutationReport {
    public static func render(_ results: [MutationRun.UnitResult]) -> String {
        var t = TextTable(header: ["unit", "format", "vectors", "gate mutants", "killed", "equivalent", "by corners", "by corners+1k",
                                   "source mutants", "killed", "equivalent", "stillborn"],
                          rightAligned: Set(2...11))
        for r in results {
            t.rows.append([r.unit.kind.rawValue, r.unit.format.tag, "\(r.vectors)", "\(r.gate.count)", "\(r.gateKilled)", "\(r.gateEquivalent)",
                           "\(r.gate.filter(\.killedByCorners).count)", "\(r.gate.filter(\.killedBySampled).count)",
                           "\(r.source.count)", "\(r.sourceKilled)", "\(r.sourceSurvived)", "\(r.sourceStillborn)"])
        }
        var out = t.render() + "\n"
        for r in results {
            let gateSurvivors = r.gate.filter { !$0.killedExhaustive }
            let sourceSurvivors = r.source.filter { $0.result == .survived }
            let sampledGaps = r.gate.filter { $0.killedExhaustive && !$0.killedBySampled }
            if gateSurvivors.isEmpty && sourceSurvivors.isEmpty && sampledGaps.isEmpty { continue }
            out += "\n\(r.module):\n"
            let proof = r.exhaustive ? "equivalent: no difference on all \(r.vectors) operand pairs" : "not killed by \(r.vectors) vectors (not exhaustive: equivalence unproven)"
            for g in gateSurvivors { out += "  gate mutant \(g.index) \(proof): \(g.description)\n" }
            for s in sourceSurvivors { out += "  source mutant line \(s.line) \(proof): \(s.description)\n" }
            for g in sampledGaps { out += "  gate mutant \(g.index) killed only by the full set, missed by corners + 1,000 random: \(g.description)\n" }
        }
        for r in results where !r.register.isEmpty {
            out += "\n\(r.module): \(r.register.count) register mutants (a pipeline register dropped, added or moved), \(r.registerKilled) killed\n"
            for m in r.register where !{ if case .killed = m.result { return true } else { return false } }() {
                out += "  register mutant \(m.result == .survived ? "survived" : "did not build"): \(m.description)\n"
            }
        }
        // register survivors count as survivors, never as proven equivalent (the pair order matters to them)
        let registerSurvived = results.reduce(0) { $0 + $1.register.filter { $0.result == .survived }.count }
        let total = results.reduce(0) { $0 + $1.gate.count + $1.source.count - $1.sourceStillborn + $1.registerKilled } + registerSurvived
        let killed = results.reduce(0) { $0 + $1.gateKilled + $1.sourceKilled + $1.registerKilled }
        let equivalent = results.reduce(0) { $0 + $1.gateEquivalent + $1.sourceSurvived }
        let provenEquivalent = results.allSatisfy(\.exhaustive)
        let undecoded = results.reduce(0) { $0 + $1.source.filter { $0.result == .killed(decoded: false) }.count }
        let nonEquivalent = total - equivalent
        if registerSurvived > 0 { out += "\n\(registerSurvived) register mutant\(registerSurvived == 1 ? "" : "s") survived (not proven equivalent)" }
        let score = nonEquivalent > 0 ? 100.0 * Double(killed) / Double(nonEquivalent) : 100
        out += "\n\(counted(total, "mutant")): \(killed) killed, \(equivalent) \(provenEquivalent ? "proven equivalent by exhaustive simulation" : "survived")"
        out += String(format: "; mutation score %.1f%% of non-equivalent mutants killed", score)
        if undecoded > 0 { out += "; \(undecoded) killed source mutants lacked a decoded mismatch" }
        out += "\n"
        return out
    }
}

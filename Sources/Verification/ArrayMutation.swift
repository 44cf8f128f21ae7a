import FloatArith
import Foundation
import HDL
import Units
import Toolchain

/// One deliberate bug in an array design: a generator fault (`ArrayFault`), an edit of `module`'s
/// elaborated netlist, so the mutant does not depend on how the Verilog text is formatted.
public struct ArrayMutation: Sendable {
    public let fault: ArrayFault
    public let description: String
    public let module: String
    public var name: String { fault.rawValue }

    public init(_ fault: ArrayFault, _ description: String, in d: ArrayDesign) {
        self.fault = fault
        self.description = description
        module = fault.module(in: d)
    }

    /// The mutated design, module name to Verilog text, or a one-line reason the fault does not
    /// change `module`. (A fault naming a wire the generator no longer builds is an error.)
    public func files(_ d: ArrayDesign) throws -> Result<[String: String], BuildFailure> {
        let original = try d.elaborate().modules.first { $0.name == module }.map(VerilogEmitter.emit)
        let files = Dictionary(uniqueKeysWithValues: try d.files(fault: fault).map { (String($0.name.dropLast(2)), $0.text) })
        guard files[module] != original else {
            return .failure(BuildFailure(message: "the fault \(name) leaves \(module) unchanged"))
        }
        return .success(files)
    }

    /// The protocol and accumulator bugs the array harness must catch (docs/array.md): skew,
    /// valid, clear, sticky invalid, accumulator carries and bits, result capture and drain order.
    /// Needs at least 3 rows and 3 columns (row 2 and column 2 exist).
    public static func standard(_ d: ArrayDesign) -> [ArrayMutation] {
        precondition(d.rows >= 3 && d.cols >= 3, "the standard array mutants name row 2 and column 2")
        let one = -d.pe.accumulator.lsbExponent   // the accumulator bit weighing 2^0
        let described: [(ArrayFault, String)] = [
            // skew
            (.skewASwap, "A delay lines of rows 1 and 2 swapped"),
            (.skewBSwap, "B delay lines of columns 1 and 2 swapped"),
            (.skewAShort, "row 2's A delay line one stage short"),
            (.skewBShort, "column 2's B delay line one stage short"),
            (.skewValidShort, "row 2's valid one stage short (A, B, clear, last on time)"),
            (.skewClearEarly, "row 1's clear one cycle early"),
            // valid
            (.validStuckRow, "row 1's valid stuck at 1 (skew stage ignores in_valid)"),
            (.peValidIgnored, "PE adds its product whether or not valid"),
            (.cellValidStuck, "cell passes valid = 1 east"),
            (.invalidIgnoresValid, "PE sets invalid on a NaN product of a bubble beat"),
            // clear
            (.peClearDropped, "PE never restarts its sum"),
            (.cellClearDropped, "cell does not pass clear east"),
            // sticky invalid
            (.invalidNotSticky, "invalid shows only the latest product"),
            (.invalidNotCleared, "clear does not reset invalid"),
            (.resInvalidLive, "cell drains the PE's live invalid, not the one captured with the sum"),
            // accumulator
            (.accCarryCut, "accumulator carry from bit \(one - 1) into bit \(one) (2^-1 into 2^0) lost"),
            (.accNoCarries, "accumulator adds without carries (xor)"),
            (.accBitStuck, "accumulator bit \(one) (2^0) read as 0"),
            (.accMSBDropped, "captured sum loses its sign bit"),
            (.productSignIgnored, "PE adds |product| whatever its sign"),
            (.productShiftOffByOne, "normal products placed one bit low"),
            // capture and drain
            (.captureEarly, "cell captures its sum one cycle early (without the last term)"),
            (.drainLoadEarly, "row 0's drain loads one cycle early"),
            (.drainHolds, "drain stages hold instead of shifting east"),
            (.drainSkipsStage, "row 0's drain skips column 1 (column 0's result jumps to column 2)"),
            (.drainRowsSwapped, "rows 0 and 1 swapped on out_acc"),
            (.drainValidNotReset, "rst does not clear the drain's valid bits (X after power-up)"),
            // Only the exact multiplier gives subnormal products (SPEC: L-Mul and fpmul_ftz flush them).
            (.subnormalProductMisplaced, "subnormal products placed one bit high"),
            // floating-point accumulator (--acc fp32|bf16|fp16)
            (.widenSignDropped, "product widened without its sign"),
            (.widenExponentOffByOne, "product widened one binade high"),
            (.widenSubnormalAsNormal, "subnormal products widened as if normal (hidden bit 1)"),
            (.fpClearToOne, "a job's sum starts from 1.0 instead of +0"),
            (.fpSpecialSkipped, "NaN and infinite products left out of the sum (fixed-point rule)"),
            // L >= 2 partial sums (--acc-stages L, SPEC "Pipelined PEs")
            (.psumIndexCountsBubbles, "partial-sum index advances on bubbles too (beat j not into sum j mod L)"),
            (.psumIndexStuck, "partial-sum index never advances (every beat into s0)"),
            (.psumNotRestarted, "a job's partial sums start from the previous job's, not +0"),
            (.psumBypassDropped, "a partial sum read from its register while its newest result is still leaving the adder"),
            (.combineTakesStale, "partial sums a short job never reached combined as left, not as +0"),
            (.combineOrderSwapped, "combine order ((s0 + s2) + s1) + ... instead of ((s0 + s1) + s2) + ..."),
        ]
        return described.filter { $0.0.applies(to: d) }.map { ArrayMutation($0.0, $0.1, in: d) }
    }
}

/// Mutation testing of the array harness: every standard fault mutant (and yosys gate mutants of the PE)
/// is simulated with the same stimulus and checks as `rtlgen sim-array`, and must fail.
public struct ArrayMutationRun: Sendable {
    public var design: ArrayDesign
    public var buildDirectory = "build/mutate-array"
    public var testbenchDirectory = "testbench"
    public var simulator: SimulatorKind = .icarus
    public var jobs = 2
    public var gateMutants = 32
    public var seed = 1
    /// Restricts the standard (fault) mutants to these names (all when nil).
    public var only: Set<String>?
    /// No progress line.
    public var quiet = false

    public init(design: ArrayDesign) { self.design = design }

    public struct Mutant: Sendable {
        public enum Kind: String, Sendable { case fault, gate }
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
        try Tools.require([simulator])
        if gateMutants > 0 { _ = try Tools.find("yosys") }
        let d = design
        let root = "\(buildDirectory)/\(d.moduleName)"
        try? FileManager.default.removeItem(atPath: root)
        let originals = Dictionary(uniqueKeysWithValues: try d.files().map { (String($0.name.dropLast(2)), $0.text) })
        if simulator == .verilator { _ = try Verilator.runtime(buildDirectory: "build/sim", testbench: "\(testbenchDirectory)/\(CycleTestbench.verilatorFile)", log: log) }

        // The unmutated design must pass through the same path first.
        let reference = try simulate(originals, dir: "\(root)/original")
        if case .failure(let f) = reference { throw HarnessError("the unmutated \(d.moduleName) fails its own check: \(f.message)") }
        if case .success(let first) = reference, let first { throw HarnessError("the unmutated \(d.moduleName) fails its own check: \(first)") }

        var work: [(kind: Mutant.Kind, name: String, module: String, description: String, files: Result<[String: String], BuildFailure>)] = []
        for m in ArrayMutation.standard(d) where only?.contains(m.name) ?? true {
            work.append((.fault, m.name, m.module, m.description, try m.files(d)))
        }
        if gateMutants > 0 {
            log("mutate-array: \(d.pe.moduleName): \(gateMutants) gate mutants (yosys mutate)")
            for g in try gateMutantsOfPE(originals, dir: "\(root)/gate") {
                var files = originals
            files[d.pe.moduleName] = g.text
            work.append((.gate, "gate-\(g.index)", d.pe.moduleName, g.description, .success(files)))
            }
        }
        let tasks = work
        log("mutate-array: \(counted(tasks.count, "mutant")) of \(d.moduleName) on \(simulator.rawValue)")
        let progress = ProgressReporter("mutate-array: \(d.moduleName)", quiet: quiet)
        let me = self
        let mutants = WorkerPool.map(tasks.count, jobs: jobs, progress: { progress.update(done: $0, total: $1, detail: "\($0)/\($1)") }) { k in
            let t = tasks[k]
            var outcome: Mutant.Outcome
            switch t.files {
            case .failure(let f): outcome = .stillborn(f.message)
            case .success(let files):
                let dir = "\(root)/\(t.kind.rawValue)/\(t.name)"
                switch (try? me.simulate(files, dir: dir)) ?? .failure(BuildFailure(message: "cannot write \(dir)")) {
                case .failure(let f): outcome = .stillborn(f.message)
                case .success(nil): outcome = .survived
                case .success(let first?): outcome = .killed(first)
                }
                if case .survived = outcome, t.kind == .gate, me.provenEquivalent(original: originals, mutant: files[t.module]!, dir: dir) {
                    outcome = .equivalent
                }
            }
            return Mutant(kind: t.kind, name: t.name, module: t.module, description: t.description, outcome: outcome)
        }
        progress.finish()
        return mutants
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
        return .success(o.firstMismatches.first?.trimmingCharacters(in: .whitespaces) ?? counted(o.mismatches, "mismatch", "mismatches"))
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
        let peSources = [d.unit.moduleName, d.pe.moduleName].map { "\(absolute)/\($0).v" }
        let list = try Tools.run("yosys", ["-q", "-p", "\(read); mutate -list \(gateMutants) -seed \(seed) -o mutations.ys \(d.pe.moduleName)"],
                                 in: absolute, limit: ToolBudget.synthesis(sources: peSources))
        if let stopped = list.timeLimitMessage(on: "\(d.pe.moduleName) (mutate -list)") { throw HarnessError(stopped) }
        guard list.status == 0 else { throw HarnessError("yosys mutate failed on \(d.pe.fileName): \(list.firstErrorLine)") }
        let lines = try String(contentsOfFile: "\(absolute)/mutations.ys", encoding: .utf8).split(separator: "\n").map(String.init)
        var script = "\(read); design -save original"
        for (i, line) in lines.enumerated() {
            script += "; design -load original; \(line); opt_clean; select \(d.pe.moduleName); write_verilog -noattr -selected mutant_\(i + 1).v; select -clear"
        }
        let w = try Tools.run("yosys", ["-q", "-p", script], in: absolute, limit: ToolBudget.synthesis(sources: peSources))
        if let stopped = w.timeLimitMessage(on: "\(d.pe.moduleName) (its gate mutants)") { throw HarnessError(stopped) }
        guard w.status == 0 else { throw HarnessError("yosys could not write the PE mutants: \(w.firstErrorLine)") }
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
            // a proof that does not finish within a synthesis' limit counts as not proven
            return try Tools.run("yosys", ["-q", "-p", script], in: abs,
                                 limit: ToolBudget.synthesis(sources: ["\(abs)/\(d.unit.fileName)", "\(abs)/gold.v", "\(abs)/gate.v"])).status == 0
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
        out += "\n\(design.moduleName) on \(simulator.rawValue): \(counted(mutants.count, "mutant")), \(killed) killed, \(survived) survived, "
            + "\(equivalent) proven equivalent, \(stillborn) stillborn\n"
        return out
    }
}

import ArgumentParser
import FloatArith
import Foundation
import Generation
import HDL
import Toolchain
import Units
import Verification

/// `--fallback`: what a proof that does not finish within its time limit may use instead.
extension ProofFallback: ExpressibleByArgument {}

struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Prove units equal, for all inputs, to behavioural descriptions written from SPEC.md.",
        discussion: """
        For each module, yosys reads the unit file from --dir and a behavioural description of the SPEC rule (plain Verilog, one block per rule, written by BehaviouralSpec.swift and BehaviouralReference.swift, not from the generator's datapath) into one miter whose trigger is high when any output differs, and 'sat' proves the trigger never rises: for a combinational unit over every operand pair, for a pipelined '<unit>_p<S>' at latency S (sat -seq S+1 from any register state, the description's operands delayed S cycles); for a PE 'pe_<unit>_<format>' (exact fixed-point accumulator) beside a clocked description by temporal induction from the all-zero state (sat -tempinduct). The full proof has --time-limit seconds. A proof that does not finish falls back (--fallback all or cut; each fallback run has --fallback-time-limit seconds) to the same proof against a second description of the rule where there is one (fpadd: guard, round and sticky alignment), then to a cut-point proof (the significand products cut into free values that are equal whenever the two multipliers' operands are; a model is re-checked on the uncut unit), then (all) to the exhaustive stream for 16-bit operands; the table names the method used. A difference is decoded as a mismatch report (operands, expected, got, SPEC rule) and exits 1.

        Examples:
          rtlgen prove --generate --dir build/prove/rtl --modules lmul_e8m23,mitchell_e8m23,lmul_e4m3_p2
          rtlgen prove --dir rtl --modules lmul_e4m3 --gate-mutant 1      (a one-gate change: must fail)
        """
    )

    @Option(help: ArgumentHelp("Directory holding the unit files <module>.v (written there first with --generate).", valueName: "dir"))
    var dir: String = "build/prove/rtl"

    @Option(help: ArgumentHelp("Modules to prove, comma- or space-separated: <unit>_<format>[_ovf_inf][_p<S>], or a PE pe_<unit>_<format> (exact fixed-point accumulator).", valueName: "list"),
            transform: ProveCommand.parseModules)
    var modules: [ProofSubject]

    @Flag(help: "Write each module's generated Verilog into --dir before proving it.")
    var generate = false

    @Option(help: ArgumentHelp("Scratch directory for descriptions, miters and yosys logs.", valueName: "dir"))
    var work: String = "build/prove/work"

    @Option(name: .customLong("time-limit"), parsing: .unconditional,
            help: ArgumentHelp("Seconds each yosys run may take, 1...86400.", valueName: "seconds"), transform: wholeNumber)
    var timeLimit: Int = 60

    @Option(name: .customLong("fallback-time-limit"), parsing: .unconditional,
            help: ArgumentHelp("Seconds each fallback's yosys run may take (second description, cut point), 1...86400; default: --time-limit.", valueName: "seconds"),
            transform: wholeNumber)
    var fallbackTimeLimit: Int?

    @Option(help: ArgumentHelp("After a timed-out proof: all (cut-point, then exhaustive stream for 16-bit operands), cut, or none.", valueName: "kind"))
    var fallback: ProofFallback = .all

    @Option(name: .customLong("gate-mutant"), parsing: .unconditional,
            help: ArgumentHelp("Prove the k-th yosys gate mutant (1...1000) of each unit instead of the unit: the proof must fail.", valueName: "k"),
            transform: wholeNumber)
    var gateMutant: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of yosys' gate-mutant sampling, 0...\(Int32.max).", valueName: "n"), transform: wholeNumber)
    var seed: Int = 1

    @Option(help: ArgumentHelp("Directory of lanes.v and stream_abi.cpp (the exhaustive fallback).", valueName: "dir"))
    var testbench: String = "testbench"

    static func parseModules(_ s: String) throws -> [ProofSubject] {
        try listItems(s, what: "module names", example: "lmul_e8m23").map { name in
            if let subject = ProofCatalogue.subject(module: name) { return subject }
            // say what is wrong with the name: the unit-name parser's message (a malformed _p<S>,
            // an unknown unit or format), a PE that has no description, or a unit that has none
            if let r = name.range(of: "_p", options: .backwards), name[r.upperBound...] == "0" {
                throw UsageError("\(shortQuote(name, limit: 200)): a pipelined variant has 1 or more stages (_p1, _p2, ...)")
            }
            if name.hasPrefix("pe_") {
                let inner = String(name.dropFirst(3))
                let u: ArithmeticUnit
                do { u = try ModuleList.unit(inner) } catch let e as UsageError {
                    throw UsageError("\(shortQuote(name, limit: 200)): a PE is pe_<unit>_<format> of a unit module name, and \(e.message)")
                }
                if u.stages > 0 {
                    throw UsageError("\(shortQuote(name, limit: 200)): prove takes the PE of a combinational multiplier only (pe_\(u.withStages(0).moduleName)); a PE with a pipelined multiplier is checked by simulation: rtlgen sim-array --stages \(u.stages)")
                }
                throw UsageError("\(shortQuote(name, limit: 200)): \(u.kind.rawValue)'s PE has no behavioural description to prove it against; PEs with one: pe_<unit>_<format> of \(BehaviouralSpec.entries.filter { $0.kind.role.isMultiplier }.map(\.kind.rawValue).joined(separator: ", "))")
            }
            let u = try ModuleList.unit(name)
            throw UsageError("\(shortQuote(name, limit: 200)): \(u.kind.rawValue) has no behavioural description to prove it against; units with one: \(BehaviouralSpec.entries.map(\.kind.rawValue).joined(separator: ", "))")
        }
    }

    mutating func validate() throws {
        try check("--time-limit", timeLimit, in: Limits.timeLimit)
        if let t = fallbackTimeLimit { try check("--fallback-time-limit", t, in: Limits.timeLimit) }
        try check("--seed", seed, in: Limits.yosysSeed)
        if let k = gateMutant { try check("--gate-mutant", k, in: 1...1000) }
        if generate {
            try OutputWriter.checkDirectory(dir, flag: "--dir")
        } else {
            try checkInputDirectory(dir, flag: "--dir")
            for s in modules {
                try checkInputFile("\(dir)/\(s.module).v", flag: "--modules", hint: "generate it with: rtlgen prove --generate --dir \(dir) --modules \(s.module)")
            }
        }
        try OutputWriter.checkDirectory(work, flag: "--work")
        try checkTools(["yosys"])
        if fallback == .all { try checkTestbench(testbench, ["lanes.v", "stream_abi.cpp"]) }
    }

    func run() throws {
        if generate { try writeUnits() }
        var prover = Prover(directory: dir, work: work, timeLimit: Double(timeLimit), fallback: fallback)
        prover.testbenchDirectory = testbench
        prover.fallbackTimeLimit = Double(fallbackTimeLimit ?? timeLimit)
        var results: [ProofResult] = []
        var mutations: [String] = []
        for s in modules {
            var p = prover
            if let k = gateMutant {
                let m = try ProofMutant.write(module: s.module, file: "\(dir)/\(s.module).v", index: k, seed: seed, into: "\(work)/\(s.module)/mutant")
                mutations.append("\(s.module): gate mutant \(k) of seed \(seed): \(m.description)")
                p = Prover(directory: m.directory, work: "\(work)/mutant", timeLimit: Double(timeLimit), fallback: fallback)
                p.testbenchDirectory = testbench
                p.fallbackTimeLimit = prover.fallbackTimeLimit
            }
            let r = try p.prove(s) { StandardStreams.writeError(Data("\($0)\n".utf8)) }
            results.append(r)
        }
        var text = ProofReport.render(results, timeLimit: Double(timeLimit), fallbackTimeLimit: prover.fallbackTimeLimit)
        if !mutations.isEmpty { text = mutations.joined(separator: "\n") + "\n\n" + text }
        print(text, terminator: "")
        if results.contains(where: { !$0.proven }) { throw ExitCode.failure }
    }

    /// The generator's Verilog of every listed module (pipelined ones included) into --dir.
    private func writeUnits() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for s in modules {
            let text: String
            if let u = ProofCatalogue.unit(module: s.module) {
                text = try u.modules().map { VerilogEmitter.emit($0) }.joined(separator: "\n")
            } else if s.module.hasPrefix("pe_"), let u = ArithmeticUnit(moduleName: String(s.module.dropFirst(3))) {
                text = try ProcessingElement(u).modules().map { VerilogEmitter.emit($0) }.joined(separator: "\n")   // the PE and its unit
            } else { continue }
            try OutputWriter.writeFile(Data(text.utf8), to: "\(dir)/\(s.module).v")
        }
    }
}

import FloatArith
import Foundation
import Toolchain
import Units

/// Mutation of the MX dot designs: every operator and sized constant on the right-hand side of the
/// module's assignments changed one at a time (`MutationRun.sourceMutations`, the units' source
/// mutants), each simulated on Icarus with the design's golden trace (every element pair for
/// elements of up to 6 bits, the corners, the rounding-decision blocks and seeded random blocks).
/// The trace is not exhaustive, so a mutant it does not kill is then proven equivalent to the
/// unmutated design, or not, by yosys (a miter of the two, `sat -prove trigger 0`: every input):
/// where `rtlgen mutate` proves its survivors by exhaustive simulation of 8-bit operands, an MX
/// block's inputs are too many to enumerate. A survivor with a counterexample is a stimulus gap
/// (the counterexample block is printed); one whose proof times out is unproven.
public struct MXMutation: Sendable {
    public var design: MXDotDesign
    /// Every element pair for element formats of up to 6 bits (4,096 pairs); the 8-bit formats'
    /// 65,536 pairs per mutant would take minutes each on Icarus, so they get the corners and the
    /// random blocks.
    public var sets: [MXDotDesign.VectorSet]
    public var random = 2000
    public var seed: UInt64 = 1
    public var buildDirectory = "build/mutate-mx"
    public var testbenchDirectory = "testbench"
    public var jobs = 2
    /// Run every `every`-th mutant only (1: all).
    public var every = 1

    public init(design: MXDotDesign) {
        self.design = design
        sets = design.element.width <= 6 ? MXDotDesign.VectorSet.allCases : [.corners, .rounding, .random]
    }

    /// Seconds each survivor's equivalence proof may take (0: no proofs).
    public var proofTimeLimit: Double = 120

    /// What yosys said of a survivor.
    public enum Equivalence: Sendable, Equatable {
        /// `sat -prove trigger 0` on the miter: equal for every input.
        case proven
        /// A block on which the mutant differs: the trace missed it.
        case counterexample(String)
        /// The proof did not finish (or was not run): why.
        case unproven(String)
    }

    public struct Mutant: Sendable {
        public let line: Int
        public let description: String
        public let result: MutationRun.SourceMutant.Result
        /// For a survivor: its equivalence proof.
        public var equivalence: Equivalence? = nil
        public var provenEquivalent: Bool { equivalence == .proven }
    }

    public func run(log: @escaping @Sendable (String) -> Void = { _ in }) throws -> [Mutant] {
        try Tools.require([.icarus])
        let d = design
        let dir = URL(fileURLWithPath: "\(buildDirectory)/\(d.moduleName)").standardizedFileURL.path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let original = try d.verilog()
        let lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let all = MutationRun.sourceMutations(original)
        let mutations = stride(from: 0, to: all.count, by: max(every, 1)).map { all[$0] }
        let trace = d.trace(d.blocks(sets, random: random, seed: seed))
        let files = try CycleTestbench.write(trace, name: d.moduleName, directory: dir)
        // the unmutated design must pass first, or every kill would mean nothing
        let originalFile = "\(dir)/\(d.fileName)"
        try original.write(toFile: originalFile, atomically: true, encoding: .utf8)
        switch CycleTestbench.icarus(d, files: [originalFile], cycles: trace.cycles, report: 3, directory: "\(dir)/original", testbench: testbenchDirectory) {
        case .failure(let f): throw HarnessError("Icarus could not build \(d.moduleName): \(f.message)")
        case .success(let vvp):
            let r = CycleTestbench.run(.icarus, d, executable: vvp, trace: trace, files: files, report: 3)
            guard r.passed else { throw HarnessError("the unmutated \(d.moduleName) fails its trace: \(r.failure ?? counted(r.mismatchCount ?? 0, "mismatch", "mismatches"))") }
        }
        log("mutate-mx: \(d.moduleName): \(mutations.count) source mutants of \(all.count) on Icarus, \(trace.cycles) cycles each")
        let testbench = testbenchDirectory
        let progress = ProgressReporter("mutate-mx: \(d.moduleName)")
        let out = WorkerPool.map(mutations.count, jobs: jobs, progress: { progress.update(done: $0, total: $1, detail: "\($0)/\($1)") },
                                 worker: { lines }, body: { local, k -> Mutant in
            let (lineNumber, mutated, description) = mutations[k]
            let saved = local[lineNumber - 1]
            local[lineNumber - 1] = mutated
            let mdir = "\(dir)/source/\(k)"
            try? FileManager.default.createDirectory(atPath: mdir, withIntermediateDirectories: true)
            let mfile = "\(mdir)/\(d.fileName)"
            try? local.joined(separator: "\n").write(toFile: mfile, atomically: true, encoding: .utf8)
            local[lineNumber - 1] = saved
            let result: MutationRun.SourceMutant.Result
            switch CycleTestbench.icarus(d, files: [mfile], cycles: trace.cycles, report: 3, directory: mdir, testbench: testbench) {
            case .failure(let f): result = .stillborn(f.message)
            case .success(let vvp):
                let r = CycleTestbench.run(.icarus, d, executable: vvp, trace: trace, files: files, report: 3)
                if let n = r.mismatchCount, n > 0 { result = .killed(decoded: r.mismatches.first.map { !MXSimulation.describe($0, d, trace).isEmpty } ?? false) }
                else if r.failure == nil { result = .survived }
                else { result = .stillborn(r.failure!) }
            }
            var mutant = Mutant(line: lineNumber, description: description, result: result)
            if result == .survived {
                mutant.equivalence = proofTimeLimit > 0 ? Self.equivalence(d, original: originalFile, mutant: mfile, directory: mdir, timeLimit: proofTimeLimit)
                    : .unproven("no proof run")
            }
            try? FileManager.default.removeItem(atPath: mdir)
            return mutant
        })
        progress.finish()
        return out
    }

    /// Proves the mutant in `mutant` equal to the design in `original` for every input: a yosys
    /// miter (`miter -equiv -flatten`) and `sat -prove trigger 0` (combinational designs; a
    /// pipelined one with `-seq` over its latency from any register state is not attempted).
    public static func equivalence(_ d: MXDotDesign, original: String, mutant: String, directory: String, timeLimit: Double) -> Equivalence {
        guard d.stages == 0 else { return .unproven("pipelined: the sat miter is for combinational designs") }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let rename = { (file: String, name: String) throws -> Void in
                let text = try String(contentsOfFile: file, encoding: .utf8)
                    .replacingOccurrences(of: "module \(d.moduleName) (", with: "module \(name) (")
                    .replacingOccurrences(of: "module \(d.moduleName)(", with: "module \(name)(")   // yosys' write_verilog
                try text.write(toFile: "\(directory)/\(name).v", atomically: true, encoding: .utf8)
            }
            try rename(original, "gold")
            try rename(mutant, "gate")
            let script = "read_verilog gold.v; read_verilog gate.v; proc; opt_clean; miter -equiv -flatten -make_outputs gold gate miter; "
                + "hierarchy -top miter; flatten; opt -fast; sat -prove trigger 0 -show-inputs miter"
            let r = try Tools.run("yosys", ["-q", "-p", script, "-l", "sat.log"], in: directory, limit: ToolBudget.given(timeLimit, option: "--proof-timeout"))
            if r.timedOut != nil { return .unproven("the sat proof timed out after \(Int(timeLimit)) s") }
            let log = (try? String(contentsOfFile: "\(directory)/sat.log", encoding: .utf8)) ?? r.output
            if log.contains("SAT proof finished - no model found: SUCCESS!") { return .proven }
            if log.contains("SAT proof finished - model found: FAIL!") {
                var v: [String: UInt64] = [:]
                for line in log.split(separator: "\n") {
                    let f = line.split(separator: " ", omittingEmptySubsequences: true)
                    guard f.count == 4, f[0].hasPrefix("\\in_"), let x = UInt64(f[3], radix: 2) else { continue }
                    v[String(f[0].dropFirst(4))] = x
                }
                let n = d.element.width, k = d.blockSize
                guard let a = v["a"], let b = v["b"], let xa = v["xa"], let xb = v["xb"] else { return .counterexample("(yosys' table lacks an input; see \(directory)/sat.log)") }
                let p = MXDotDesign.BlockPair(a: (0..<k).map { UInt32((a >> UInt64($0 * n)) & ((1 << UInt64(n)) - 1)) },
                                              b: (0..<k).map { UInt32((b >> UInt64($0 * n)) & ((1 << UInt64(n)) - 1)) },
                                              xa: UInt8(xa), xb: UInt8(xb))
                let hex = { (x: [UInt32]) in x.map { String($0, radix: 16) }.joined(separator: " ") }
                return .counterexample("xa \(String(p.xa, radix: 16)) xb \(String(p.xb, radix: 16)) a [\(hex(p.a))] b [\(hex(p.b))]: golden \(String(format: "%08x", d.golden(p)))")
            }
            return .unproven("yosys gave no verdict: \(r.firstErrorLine)")
        } catch {
            return .unproven("\(error)")
        }
    }

    /// Survivors not proven equivalent (a counterexample or no verdict): `mutate-mx` fails on any.
    public static func unexplained(_ mutants: [Mutant]) -> [Mutant] { mutants.filter { $0.result == .survived && !$0.provenEquivalent } }

    public static func render(_ d: MXDotDesign, _ mutants: [Mutant]) -> String {
        let killed = mutants.filter { if case .killed = $0.result { return true } else { return false } }.count
        let survived = mutants.filter { $0.result == .survived }
        let equivalent = survived.filter(\.provenEquivalent)
        let stillborn = mutants.count - killed - survived.count
        var out = "\(d.moduleName): \(mutants.count) source mutants: \(killed) killed, \(equivalent.count) proven equivalent (yosys sat miter), "
            + "\(survived.count - equivalent.count) survived unexplained, \(stillborn) stillborn"
        let live = killed + survived.count
        out += String(format: "; %.1f%% of the mutants that compiled killed", live == 0 ? 100 : 100 * Double(killed) / Double(live))
        let nonEquivalent = live - equivalent.count
        out += String(format: ", %.1f%% of the non-equivalent ones\n", nonEquivalent == 0 ? 100 : 100 * Double(killed) / Double(nonEquivalent))
        for s in equivalent { out += "  equivalent (proven, sat): line \(s.line): \(s.description)\n" }
        for s in survived where !s.provenEquivalent {
            switch s.equivalence {
            case .counterexample(let c)?: out += "  SURVIVED, NOT EQUIVALENT (a stimulus gap; counterexample \(c)): line \(s.line): \(s.description)\n"
            case .unproven(let why)?: out += "  SURVIVED, equivalence unproven (\(why)): line \(s.line): \(s.description)\n"
            default: out += "  SURVIVED: line \(s.line): \(s.description)\n"
            }
        }
        return out
    }
}

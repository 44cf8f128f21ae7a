import FloatArith
import Foundation
import Toolchain
import Units

/// Mutation of the MX dot designs: every operator and sized constant on the right-hand side of the
/// module's assignments changed one at a time (`MutationRun.sourceMutations`, the units' source
/// mutants), each simulated on Icarus with the design's golden trace (every element pair, the
/// corners and seeded random blocks). A mutant the trace does not kill survives; with a
/// non-exhaustive trace a survivor is not proven equivalent, and the report lists each one.
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
        sets = design.element.width <= 6 ? MXDotDesign.VectorSet.allCases : [.corners, .random]
    }

    public struct Mutant: Sendable {
        public let line: Int
        public let description: String
        public let result: MutationRun.SourceMutant.Result
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
            try? FileManager.default.removeItem(atPath: mdir)
            return Mutant(line: lineNumber, description: description, result: result)
        })
        progress.finish()
        return out
    }

    public static func render(_ d: MXDotDesign, _ mutants: [Mutant]) -> String {
        let killed = mutants.filter { if case .killed = $0.result { return true } else { return false } }.count
        let survived = mutants.filter { $0.result == .survived }
        let stillborn = mutants.count - killed - survived.count
        var out = "\(d.moduleName): \(mutants.count) source mutants: \(killed) killed, \(survived.count) survived, \(stillborn) stillborn"
        let live = killed + survived.count
        out += String(format: "; %.1f%% of the mutants that compiled killed\n", live == 0 ? 100 : 100 * Double(killed) / Double(live))
        for s in survived { out += "  survived (not killed by the trace; equivalence unproven): line \(s.line): \(s.description)\n" }
        return out
    }
}

import FloatArith
import Foundation
import Toolchain
import Units

/// Gate-level mutants of an MX dot (issue 25 item 3): the design synthesised to the generic gates
/// of `synth/flow.ys` (yosys `synth -flatten`, `abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX`),
/// then `count` one-gate changes from yosys `mutate -list` (a cell input bit inverted, tied to a
/// constant or to another bit), each written as its own netlist in one yosys process and driven on
/// Icarus with sim-mx's trace of the design (every element pair for elements of up to 6 bits, the
/// corner blocks, the rounding-decision blocks, seeded random blocks). The unmutated gate netlist
/// must pass the trace first. A mutant the trace does not kill is then proven equivalent to the
/// unmutated netlist, or not, by yosys (`MXMutation.equivalence`: a miter, sat for every input).
public struct MXGateMutation: Sendable {
    public var design: MXDotDesign
    public var count = 16
    public var seed: UInt64 = 1
    public var random = 2000
    public var buildDirectory = "build/mutate-mx"
    public var testbenchDirectory = "testbench"
    public var jobs = 2
    /// Seconds each survivor's equivalence proof may take (0: none).
    public var proofTimeLimit: Double = 120

    public init(design: MXDotDesign) { self.design = design }

    public struct Mutant: Sendable, Equatable {
        public let index: Int
        public let description: String
        public let killed: Bool
        /// For a survivor: its equivalence proof.
        public var equivalence: MXMutation.Equivalence? = nil
    }

    public func run(log: @escaping @Sendable (String) -> Void = { _ in }) throws -> [Mutant] {
        try Tools.require([.icarus])
        let d = design
        guard d.stages == 0 else { throw HarnessError("gate mutants of \(d.moduleName): only combinational MX dots (the gate netlist has no registers to time)") }
        let dir = URL(fileURLWithPath: "\(buildDirectory)/\(d.moduleName)/gate").standardizedFileURL.path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try d.verilog().write(toFile: "\(dir)/\(d.fileName)", atomically: true, encoding: .utf8)
        // one yosys process: the gate netlist, the mutation list, then each mutant from the saved netlist
        // (the same synthesis in both processes: ABC's names do not survive a Verilog round trip)
        let synthesis = "read_verilog -noautowire \(d.fileName); hierarchy -check -top \(d.moduleName); proc; flatten; opt_clean; synth -flatten -noabc -top \(d.moduleName); "
            + "abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX; opt_clean -purge; "
        let rtl = ["\(dir)/\(d.fileName)"]
        let y = try Tools.run("yosys", ["-q", "-p", synthesis + "write_verilog -noattr gates.v; mutate -list \(count) -seed \(seed) -o mutations.ys"], in: dir,
                              limit: ToolBudget.synthesis(sources: rtl))
        if let stopped = y.timeLimitMessage(on: "\(d.moduleName) (gate netlist and mutation list)") { throw HarnessError(stopped) }
        guard y.status == 0 else { throw HarnessError("yosys could not write the gate netlist of \(d.moduleName): \(y.firstErrorLine)") }
        let lines = try String(contentsOfFile: "\(dir)/mutations.ys", encoding: .utf8).split(separator: "\n").map(String.init).filter { $0.hasPrefix("mutate ") }
        var apply = synthesis + "design -save gates; "
        for (k, line) in lines.enumerated() { apply += "design -load gates; \(line); opt_clean; write_verilog -noattr mutant\(k + 1).v; " }
        // one synthesis per mutant in one process
        let a = try Tools.run("yosys", ["-q", "-p", apply], in: dir, limit: ToolBudget.synthesis(bytes: ToolBudget.bytes(of: rtl) * (lines.count + 1)))
        if let stopped = a.timeLimitMessage(on: "\(d.moduleName) (\(lines.count) gate mutants)") { throw HarnessError(stopped) }
        guard a.status == 0 else { throw HarnessError("yosys mutate failed on the gate netlist of \(d.moduleName): \(a.firstErrorLine)") }
        let trace = d.trace(d.blocks(d.element.width <= 6 ? MXDotDesign.VectorSet.allCases : [.corners, .rounding, .random], random: random, seed: seed))
        let files = try CycleTestbench.write(trace, name: d.moduleName, directory: dir)
        let testbench = testbenchDirectory
        @Sendable func passes(_ file: String, _ sub: String) throws -> Bool {
            switch CycleTestbench.icarus(d, files: ["\(dir)/\(file)"], cycles: trace.cycles, report: 3, directory: "\(dir)/\(sub)", testbench: testbench) {
            case .failure(let f): throw HarnessError("Icarus could not build \(file) of \(d.moduleName): \(f.message)")
            case .success(let vvp):
                let r = CycleTestbench.run(.icarus, d, executable: vvp, trace: trace, files: files, report: 3)
                if let n = r.mismatchCount { return n == 0 }
                throw HarnessError("\(file) of \(d.moduleName) did not finish its trace: \(r.failure ?? "no result")")
            }
        }
        guard try passes("gates.v", "original") else { throw HarnessError("the unmutated gate netlist of \(d.moduleName) fails its trace") }
        log("mutate-mx: \(d.moduleName): \(lines.count) gate mutants on Icarus, \(trace.cycles) cycles each")
        let out = WorkerPool.map(lines.count, jobs: jobs) { k -> Result<Mutant, HarnessError> in
            do {
                let killed = try !passes("mutant\(k + 1).v", "m\(k + 1)")
                var mutant = Mutant(index: k + 1, description: MutationRun.describeGateMutation(lines[k]), killed: killed)
                if !killed {
                    mutant.equivalence = proofTimeLimit > 0
                        ? MXMutation.equivalence(d, original: "\(dir)/gates.v", mutant: "\(dir)/mutant\(k + 1).v", directory: "\(dir)/m\(k + 1)", timeLimit: proofTimeLimit)
                        : .unproven("no proof run")
                }
                try? FileManager.default.removeItem(atPath: "\(dir)/m\(k + 1)")
                return .success(mutant)
            } catch { return .failure(error as? HarnessError ?? HarnessError("\(error)")) }
        }
        return try out.map { try $0.get() }
    }

    public static func render(_ d: MXDotDesign, _ mutants: [Mutant]) -> String {
        let killed = mutants.filter(\.killed).count
        let equivalent = mutants.filter { $0.equivalence == .proven }.count
        var out = "\(d.moduleName): \(mutants.count) gate mutants: \(killed) killed, \(equivalent) proven equivalent (yosys sat miter), \(mutants.count - killed - equivalent) survived unexplained\n"
        for m in mutants where !m.killed {
            switch m.equivalence {
            case .proven?: out += "  equivalent (proven, sat): gate mutant \(m.index): \(m.description)\n"
            case .counterexample(let c)?: out += "  SURVIVED, NOT EQUIVALENT (a stimulus gap; counterexample \(c)): gate mutant \(m.index): \(m.description)\n"
            case .unproven(let why)?: out += "  SURVIVED, equivalence unproven (\(why)): gate mutant \(m.index): \(m.description)\n"
            case nil: out += "  SURVIVED: gate mutant \(m.index): \(m.description)\n"
            }
        }
        return out
    }
}

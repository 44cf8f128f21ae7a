import FloatArith
import Foundation
import HDL
import Toolchain
import Units

/// Register mutants of a pipelined unit (`_p<S>`): the harness must notice a register dropped
/// (its readers take its input a cycle early), added (one signal a cycle late) or misplaced (one
/// cut register dropped and an extra one added on another signal, so the register count stays).
/// Each is an edit of the elaborated netlist (`NetlistEdit`), emitted under the unit's own module
/// name and simulated on Icarus with every pair (shuffled) back to back, each checked S cycles
/// later. A survivor is not proven equivalent (a sequential mutant depends on the pair order).
public enum RegisterMutation {
    public enum Kind: String, Sendable, CaseIterable { case drop, add, misplace }

    public struct Mutant: Sendable {
        public let kind: Kind
        public let description: String
        public let verilog: String
    }

    /// Every reader (a wire or a register's next state) of register `name` reads `replacement` instead.
    static func reroute(_ e: NetlistEdit, _ m: Module, reading name: String, with replacement: Signal) throws {
        var targets: [NetlistEdit.Target] = m.wires.filter { !isInstanceOutput(m, $0) }.map { .wire($0.name) } + m.registers.map { .next($0.name) }
        targets.removeAll { $0 == .next(name) }
        var hits = 0
        for t in targets {
            do {
                try e.substitute(in: t, [name: replacement])
                hits += 1
            } catch HDLError.invalidEdit { continue }   // this target does not read the register
        }
        guard hits > 0 else { throw HDLError.invalidEdit(module: m.name, detail: "nothing reads register '\(name)'") }
    }

    static func isInstanceOutput(_ m: Module, _ w: Wire) -> Bool {
        if case .instanceOutput = m.nodes[w.driver].op { return true }
        return false
    }

    /// The register mutants of `unit` (at most `limit` of each kind, spread over its registers).
    public static func mutants(_ unit: ArithmeticUnit, limit: Int = .max) throws -> [Mutant] {
        guard unit.stages > 0 else { return [] }
        let m = try unit.elaborate()
        let regs = m.registers
        func spread(_ n: Int) -> [Int] {
            guard n > limit else { return Array(0..<n) }
            return (0..<limit).map { $0 * n / limit }
        }
        var out: [Mutant] = []
        for i in spread(regs.count) {
            let r = regs[i]
            let dropped = try m.edited { e in try reroute(e, m, reading: r.name, with: try e.driver(of: .next(r.name))) }
            out.append(Mutant(kind: .drop, description: "register \(r.name) dropped (its readers take its input)", verilog: VerilogEmitter.emit(dropped)))
        }
        for i in spread(regs.count) {
            let r = regs[i]
            let added = try m.edited { e in _ = try e.delay(.next(r.name), register: "\(r.name)_extra") }
            out.append(Mutant(kind: .add, description: "a register added after \(r.name)", verilog: VerilogEmitter.emit(added)))
        }
        if regs.count >= 2 {
            for i in spread(regs.count) {
                // onto another signal's register: moving one along its own chain (x_s1 onto x_s2)
                // is a retiming that changes nothing
                func signal(_ name: String) -> Substring { name.range(of: "_s", options: .backwards).map { name[..<$0.lowerBound] } ?? Substring(name) }
                let r = regs[i]
                guard let other = (1..<regs.count).map({ regs[(i + $0) % regs.count] }).first(where: { signal($0.name) != signal(r.name) }) else { continue }
                let moved = try m.edited { e in
                    try reroute(e, m, reading: r.name, with: try e.driver(of: .next(r.name)))
                    _ = try e.delay(.next(other.name), register: "\(other.name)_moved")
                }
                out.append(Mutant(kind: .misplace, description: "register \(r.name) moved onto \(other.name)", verilog: VerilogEmitter.emit(moved)))
            }
        }
        return out
    }

    public struct Outcome: Sendable {
        public let mutant: Mutant
        /// nil: killed; otherwise why not (survived, or the mutant did not build).
        public let survived: Bool
        public let failure: String?
    }

    /// Simulates each mutant on Icarus with `trace` (pairs back to back, results S cycles later).
    public static func run(_ unit: ArithmeticUnit, mutants: [Mutant], directory: String, testbench: String, jobs: Int) throws -> [Outcome] {
        // Every pair, in a seeded shuffled order: in counting order neighbouring pairs share most
        // operand bits, so a register dropped on a signal that changes only every 256 pairs (a's
        // sign) goes unseen; shuffled, consecutive pairs are unrelated.
        var pairs = Vectors.pairs(unit.format, plan: .standard(for: unit.format))
        var rng = SplitMix64(seed: 23)
        for i in stride(from: pairs.count - 1, to: 0, by: -1) { pairs.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let trace = unit.trace(pairs)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = try CycleTestbench.write(trace, name: unit.moduleName, directory: directory)
        return WorkerPool.map(mutants.count, jobs: jobs, progress: { _, _ in }, worker: { () }, body: { _, k -> Outcome in
            let mdir = "\(directory)/register/\(k)"
            try? FileManager.default.createDirectory(atPath: mdir, withIntermediateDirectories: true)
            let file = "\(mdir)/\(unit.moduleName).v"
            try? mutants[k].verilog.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: mdir) }
            switch CycleTestbench.icarus(unit, files: [file], cycles: trace.cycles, report: 3, directory: mdir, testbench: testbench) {
            case .failure(let f): return Outcome(mutant: mutants[k], survived: false, failure: f.message)
            case .success(let vvp):
                let r = CycleTestbench.run(.icarus, unit, executable: vvp, trace: trace, files: files, report: 3)
                if let n = r.mismatchCount, n > 0 { return Outcome(mutant: mutants[k], survived: false, failure: nil) }
                return Outcome(mutant: mutants[k], survived: r.failure == nil, failure: r.failure)
            }
        })
    }
}

/// Evaluates a module's netlist directly in Swift (instances flattened), so a design can be checked
/// against its golden model without leaving the language. Signals up to 64 bits wide.
///
/// This is a second, independent reading of the netlist: the Verilog emitter and this evaluator
/// share only the node graph, so a test that compares both against the golden model checks the
/// emitter as well as the design.
public final class Simulator {
    public enum Failure: Error, CustomStringConvertible {
        case tooWide(module: String, width: Int)
        case noSuchSignal(String)
        public var description: String {
            switch self {
            case let .tooWide(m, w): return "\(m): the Swift simulator handles signals up to 64 bits; this design has \(w)"
            case let .noSuchSignal(n): return "no port, wire or register named '\(n)'"
            }
        }
    }

    private enum FlatOp {
        case input
        case constant(UInt64)
        case copy(Int)
        case register(Int)
        case not(Int)
        case reduce(ReduceOp, Int)
        case binary(BinaryOp, Int, Int)
        case compare(CompareOp, Int, Int)
        case shiftLeftVar(Int, Int)
        case shiftRightVar(Int, Int)
        case concat([(node: Int, width: Int)])
        case slice(Int, lo: Int)
        case replicate(Int, count: Int, width: Int)
        case mux(Int, Int, Int)
    }

    private var ops: [FlatOp] = []
    private var widths: [Int] = []
    private var values: [UInt64] = []
    private var regNext: [Int] = []       // flat node of each register's next value
    private var regValue: [UInt64] = []
    private var named: [String: Int] = [:]
    private var inputSlots: [String: Int] = [:]
    public let module: Module

    public init(_ module: Module) throws {
        self.module = module
        let top = try flatten(module, inputAlias: nil)
        for p in module.inputs { inputSlots[p.name] = top[p.node] }
        for w in module.wires { named[w.name] = top[w.node] }
        for r in module.registers { named[r.name] = top[r.node] }
        for p in module.inputs { named[p.name] = top[p.node] }
        values = [UInt64](repeating: 0, count: ops.count)
        lower(flatOrder())
    }

    public func set(_ input: String, _ value: UInt64) {
        guard let slot = inputSlots[input] else { preconditionFailure(Failure.noSuchSignal(input).description) }
        values[slot] = value & mask(widths[slot])
    }

    /// The slot of an input, for `set(slot:_:)` in tight loops.
    public func slot(ofInput name: String) -> Int {
        guard let slot = inputSlots[name] else { preconditionFailure(Failure.noSuchSignal(name).description) }
        return slot
    }

    /// The slot of a port, wire or register, for `get(slot:)` in tight loops.
    public func slot(of name: String) -> Int {
        guard let slot = named[name] else { preconditionFailure(Failure.noSuchSignal(name).description) }
        return slot
    }

    @inline(__always) public func set(slot: Int, _ value: UInt64) { values[slot] = value & mask(widths[slot]) }
    @inline(__always) public func get(slot: Int) -> UInt64 { values[slot] }

    /// Settles the combinational logic for the current inputs and register values.
    public func eval() {
        program.withUnsafeBufferPointer { prog in
            values.withUnsafeMutableBufferPointer { v in
                regValue.withUnsafeBufferPointer { regs in
                    for ins in prog {
                        let a = v[Int(ins.a)]
                        let r: UInt64
                        switch ins.code {
                        case .copy: r = a
                        case .register: r = regs[Int(ins.a)]
                        case .not: r = ~a & ins.mask
                        case .reduceAnd: r = a == ins.imm ? 1 : 0
                        case .reduceOr: r = a != 0 ? 1 : 0
                        case .reduceXor: r = UInt64(a.nonzeroBitCount & 1)
                        case .and: r = a & v[Int(ins.b)]
                        case .or: r = a | v[Int(ins.b)]
                        case .xor: r = a ^ v[Int(ins.b)]
                        case .add: r = (a &+ v[Int(ins.b)]) & ins.mask
                        case .sub: r = (a &- v[Int(ins.b)]) & ins.mask
                        case .mul: r = (a &* v[Int(ins.b)]) & ins.mask
                        case .eq: r = a == v[Int(ins.b)] ? 1 : 0
                        case .ne: r = a != v[Int(ins.b)] ? 1 : 0
                        case .ult: r = a < v[Int(ins.b)] ? 1 : 0
                        case .ule: r = a <= v[Int(ins.b)] ? 1 : 0
                        case .slt, .sle:
                            // imm holds 64 - operand width: shift the sign bit to bit 63
                            let x = Int64(bitPattern: a << ins.imm), y = Int64(bitPattern: v[Int(ins.b)] << ins.imm)
                            r = (ins.code == .slt ? x < y : x <= y) ? 1 : 0
                        case .shlv:
                            let k = v[Int(ins.b)]
                            r = k >= ins.imm ? 0 : (a << k) & ins.mask
                        case .shrv:
                            let k = v[Int(ins.b)]
                            r = k >= ins.imm ? 0 : a >> k
                        case .shiftOr:
                            // one step of a concatenation: (previous << imm) | next part
                            r = ((ins.imm >= 64 ? 0 : a << ins.imm) | v[Int(ins.b)]) & ins.mask
                        case .slice: r = (a >> ins.imm) & ins.mask
                        case .mux: r = a != 0 ? v[Int(ins.b)] : v[Int(ins.c)]
                        }
                        v[Int(ins.dest)] = r
                    }
                }
            }
        }
    }

    /// A rising clock edge: registers take their next values, then the logic settles.
    public func tick() {
        eval()
        let next = regNext.map { values[$0] }
        regValue = next
        eval()
    }

    public func get(_ name: String) -> UInt64 {
        guard let slot = named[name] else { preconditionFailure(Failure.noSuchSignal(name).description) }
        return values[slot]
    }

    /// Sets the inputs, settles, and returns one output: the common case for combinational units.
    public func evaluate(_ inputs: [String: UInt64], output: String) -> UInt64 {
        for (k, v) in inputs { set(k, v) }
        eval()
        return get(output)
    }

    private func mask(_ w: Int) -> UInt64 { w >= 64 ? ~0 : (1 << UInt64(w)) - 1 }

    private enum Code: UInt8 {
        case copy, register, not, reduceAnd, reduceOr, reduceXor, and, or, xor, add, sub, mul
        case eq, ne, ult, ule, slt, sle, shlv, shrv, shiftOr, slice, mux
    }

    private struct Instruction {
        var code: Code
        var dest: Int32
        var a: Int32
        var b: Int32 = 0
        var c: Int32 = 0
        var imm: UInt64 = 0
        var mask: UInt64
    }

    private var program: [Instruction] = []

    /// Lowers the flat graph, in dependency order, to instructions over value slots. Constants
    /// are written into their slots once; concatenations and replications become shift-or chains
    /// through scratch slots.
    private func lower(_ order: [Int]) {
        var prog: [Instruction] = []
        var scratch = ops.count
        func newScratch() -> Int32 { defer { scratch += 1 }; return Int32(scratch) }
        for n in order {
            let w = widths[n], mk = mask(w), d = Int32(n)
            switch ops[n] {
            case .input: break
            case .constant(let v): values[n] = v
            case .copy(let a): prog.append(Instruction(code: .copy, dest: d, a: Int32(a), mask: mk))
            case .register(let r): prog.append(Instruction(code: .register, dest: d, a: Int32(r), mask: mk))
            case .not(let a): prog.append(Instruction(code: .not, dest: d, a: Int32(a), mask: mk))
            case .reduce(let op, let a):
                let code: Code = op == .and ? .reduceAnd : (op == .or ? .reduceOr : .reduceXor)
                prog.append(Instruction(code: code, dest: d, a: Int32(a), imm: mask(widths[a]), mask: mk))
            case .binary(let op, let a, let b):
                let code: Code
                switch op {
                case .and: code = .and
                case .or: code = .or
                case .xor: code = .xor
                case .add: code = .add
                case .sub: code = .sub
                case .mul: code = .mul
                }
                prog.append(Instruction(code: code, dest: d, a: Int32(a), b: Int32(b), mask: mk))
            case .compare(let op, let a, let b):
                let code: Code
                switch op {
                case .eq: code = .eq
                case .ne: code = .ne
                case .ult: code = .ult
                case .ule: code = .ule
                case .slt: code = .slt
                case .sle: code = .sle
                }
                prog.append(Instruction(code: code, dest: d, a: Int32(a), b: Int32(b), imm: UInt64(64 - widths[a]), mask: mk))
            case .shiftLeftVar(let a, let b):
                prog.append(Instruction(code: .shlv, dest: d, a: Int32(a), b: Int32(b), imm: UInt64(w), mask: mk))
            case .shiftRightVar(let a, let b):
                prog.append(Instruction(code: .shrv, dest: d, a: Int32(a), b: Int32(b), imm: UInt64(w), mask: mk))
            case .concat(let parts):
                var acc = Int32(parts[0].node)
                for (i, p) in parts.enumerated().dropFirst() {
                    let dest = i == parts.count - 1 ? d : newScratch()
                    prog.append(Instruction(code: .shiftOr, dest: dest, a: acc, b: Int32(p.node), imm: UInt64(p.width), mask: mk))
                    acc = dest
                }
            case .slice(let a, let lo):
                prog.append(Instruction(code: .slice, dest: d, a: Int32(a), imm: UInt64(lo), mask: mk))
            case .replicate(let a, let count, let pw):
                var acc = Int32(a)
                for i in 1..<count {
                    let dest = i == count - 1 ? d : newScratch()
                    prog.append(Instruction(code: .shiftOr, dest: dest, a: acc, b: Int32(a), imm: UInt64(pw), mask: mk))
                    acc = dest
                }
            case .mux(let s, let t, let f):
                prog.append(Instruction(code: .mux, dest: d, a: Int32(s), b: Int32(t), c: Int32(f), mask: mk))
            }
        }
        values += [UInt64](repeating: 0, count: scratch - ops.count)
        program = prog
    }

    /// Copies `module`'s nodes into the flat graph; returns node -> flat index.
    private func flatten(_ module: Module, inputAlias: [Int]?) throws -> [Int] {
        let base = ops.count
        for node in module.nodes {
            if node.width > 64 { throw Failure.tooWide(module: module.name, width: node.width) }
            ops.append(.input)
            widths.append(node.width)
        }
        let map = Array(base..<(base + module.nodes.count))
        var regBase = regNext.count
        var regIndexOf: [Int: Int] = [:]
        for (i, _) in module.registers.enumerated() {
            regIndexOf[i] = regBase
            regBase += 1
            regNext.append(-1)
            regValue.append(0)
        }
        var instanceMaps: [[Int]] = []
        for inst in module.instances {
            instanceMaps.append(try flatten(inst.module, inputAlias: inst.inputs.map { map[$0.node] }))
        }
        for (i, node) in module.nodes.enumerated() {
            let f: FlatOp
            switch node.op {
            case .input(let p):
                if let alias = inputAlias { f = .copy(alias[p]) } else { f = .input }
            case .constant(let bits): f = .constant(bits.uint64!)
            case .wire(let w): f = .copy(map[module.wires[w].driver])
            case .register(let r): f = .register(regIndexOf[r]!)
            case .instanceOutput(let inst, let port):
                f = .copy(instanceMaps[inst][module.instances[inst].module.outputs[port].node])
            case .not(let a): f = .not(map[a])
            case .reduce(let op, let a): f = .reduce(op, map[a])
            case .binary(let op, let a, let b): f = .binary(op, map[a], map[b])
            case .compare(let op, let a, let b): f = .compare(op, map[a], map[b])
            case .shiftLeftVar(let a, let b): f = .shiftLeftVar(map[a], map[b])
            case .shiftRightVar(let a, let b): f = .shiftRightVar(map[a], map[b])
            case .concat(let parts): f = .concat(parts.map { (map[$0], module.nodes[$0].width) })
            case .slice(let a, _, let lo): f = .slice(map[a], lo: lo)
            case .replicate(let a, let count): f = .replicate(map[a], count: count, width: module.nodes[a].width)
            case .mux(let s, let t, let e): f = .mux(map[s], map[t], map[e])
            }
            ops[base + i] = f
        }
        for (i, r) in module.registers.enumerated() { regNext[regIndexOf[i]!] = map[r.next] }
        return map
    }

    private func flatOrder() -> [Int] {
        func deps(_ n: Int) -> [Int] {
            switch ops[n] {
            case .input, .constant, .register: return []
            case .copy(let a), .not(let a), .reduce(_, let a), .slice(let a, _), .replicate(let a, _, _): return [a]
            case .binary(_, let a, let b), .compare(_, let a, let b), .shiftLeftVar(let a, let b),
                 .shiftRightVar(let a, let b): return [a, b]
            case .concat(let parts): return parts.map(\.node)
            case .mux(let s, let t, let f): return [s, t, f]
            }
        }
        var state = [UInt8](repeating: 0, count: ops.count)
        var out: [Int] = []
        for root in 0..<ops.count where state[root] == 0 {
            var stack: [(Int, [Int], Int)] = [(root, deps(root), 0)]
            state[root] = 1
            while !stack.isEmpty {
                let t = stack.count - 1
                if stack[t].2 < stack[t].1.count {
                    let d = stack[t].1[stack[t].2]
                    stack[t].2 += 1
                    if state[d] == 0 {
                        state[d] = 1
                        stack.append((d, deps(d), 0))
                    }
                } else {
                    state[stack[t].0] = 2
                    out.append(stack[t].0)
                    stack.removeLast()
                }
            }
        }
        // Inputs keep the values set from outside.
        return out.filter { if case .input = ops[$0] { return false } else { return true } }
    }
}

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
    private var order: [Int] = []
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
        order = flatOrder()
    }

    public func set(_ input: String, _ value: UInt64) {
        guard let slot = inputSlots[input] else { preconditionFailure(Failure.noSuchSignal(input).description) }
        values[slot] = value & mask(widths[slot])
    }

    /// Settles the combinational logic for the current inputs and register values.
    public func eval() {
        for n in order { values[n] = compute(n) }
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

    @inline(__always)
    private func compute(_ n: Int) -> UInt64 {
        let w = widths[n]
        switch ops[n] {
        case .input: return values[n]
        case .constant(let v): return v
        case .copy(let a): return values[a]
        case .register(let r): return regValue[r]
        case .not(let a): return ~values[a] & mask(w)
        case .reduce(let op, let a):
            let v = values[a]
            switch op {
            case .and: return v == mask(widths[a]) ? 1 : 0
            case .or: return v != 0 ? 1 : 0
            case .xor: return UInt64(v.nonzeroBitCount & 1)
            }
        case .binary(let op, let a, let b):
            let x = values[a], y = values[b]
            switch op {
            case .and: return x & y
            case .or: return x | y
            case .xor: return x ^ y
            case .add: return (x &+ y) & mask(w)
            case .sub: return (x &- y) & mask(w)
            case .mul: return (x &* y) & mask(w)
            }
        case .compare(let op, let a, let b):
            let x = values[a], y = values[b], aw = widths[a]
            func signed(_ v: UInt64) -> Int64 {
                let shift = UInt64(64 - aw)
                return Int64(bitPattern: v << shift) >> Int64(shift)
            }
            let r: Bool
            switch op {
            case .eq: r = x == y
            case .ne: r = x != y
            case .ult: r = x < y
            case .ule: r = x <= y
            case .slt: r = signed(x) < signed(y)
            case .sle: r = signed(x) <= signed(y)
            }
            return r ? 1 : 0
        case .shiftLeftVar(let a, let b):
            let k = values[b]
            return k >= UInt64(w) ? 0 : (values[a] << k) & mask(w)
        case .shiftRightVar(let a, let b):
            let k = values[b]
            return k >= UInt64(w) ? 0 : values[a] >> k
        case .concat(let parts):
            var v: UInt64 = 0
            for p in parts { v = (p.width >= 64 ? 0 : v << UInt64(p.width)) | values[p.node] }
            return v
        case .slice(let a, let lo):
            return (values[a] >> UInt64(lo)) & mask(w)
        case .replicate(let a, let count, let pw):
            var v: UInt64 = 0
            for _ in 0..<count { v = (v << UInt64(pw)) | values[a] }
            return v
        case .mux(let s, let t, let f):
            return values[s] != 0 ? values[t] : values[f]
        }
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

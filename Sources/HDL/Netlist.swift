/// The netlist a `ModuleBuilder` elaborates into: a graph of width-checked nodes plus the named
/// things (ports, wires, registers, instances) that the Verilog emitter and the simulator read.

public enum BinaryOp: String, Sendable, Hashable {
    case and = "&", or = "|", xor = "^", add = "+", sub = "-", mul = "*"
}

public enum CompareOp: String, Sendable, Hashable {
    case eq = "==", ne = "!=", ult = "<", ule = "<=", slt = "s<", sle = "s<="
}

public enum ReduceOp: String, Sendable, Hashable {
    case and = "&", or = "|", xor = "^"
}

public enum Op: Sendable, Hashable {
    /// Input port `index` of the module.
    case input(Int)
    case constant(BitVector)
    /// Named wire `index` (its driver is `Wire.driver`); outputs are wires too.
    case wire(Int)
    /// Register `index` (its next state is `Register.next`).
    case register(Int)
    /// Output port `port` of instance `instance`.
    case instanceOutput(instance: Int, port: Int)
    case not(Int)
    case reduce(ReduceOp, Int)
    case binary(BinaryOp, Int, Int)
    case compare(CompareOp, Int, Int)
    case shiftLeftVar(Int, Int)
    case shiftRightVar(Int, Int)
    /// Most significant part first, as Verilog `{a, b}`.
    case concat([Int])
    case slice(Int, hi: Int, lo: Int)
    case replicate(Int, count: Int)
    case mux(select: Int, ifTrue: Int, ifFalse: Int)

    /// The nodes this one reads combinationally.
    public var operands: [Int] {
        switch self {
        case .input, .constant, .wire, .register, .instanceOutput: return []
        case .not(let a), .reduce(_, let a), .slice(let a, _, _), .replicate(let a, _):
            return [a]
        case .binary(_, let a, let b), .compare(_, let a, let b), .shiftLeftVar(let a, let b),
             .shiftRightVar(let a, let b):
            return [a, b]
        case .concat(let parts): return parts
        case .mux(let s, let t, let f): return [s, t, f]
        }
    }
}

public struct Node: Sendable, Hashable {
    public let op: Op
    public let width: Int
}

public struct Port: Sendable, Hashable {
    public let name: String
    public let width: Int
    /// For inputs the `.input` node; for outputs the `.wire` node of the output wire.
    public let node: Int
}

public struct Wire: Sendable, Hashable {
    public let name: String
    public let width: Int
    public let node: Int
    public let driver: Int
    public let comment: String?
    public let isOutput: Bool
}

public struct Register: Sendable, Hashable {
    public let name: String
    public let width: Int
    public let node: Int
    public let next: Int
    public let comment: String?
}

public struct Instance: Sendable {
    public let name: String
    public let module: Module
    /// One entry per input port of `module`, in its port order.
    public let inputs: [(port: String, node: Int)]
    /// One entry per output port of `module`: the wire (index into `wires`) it drives.
    public let outputs: [(port: String, wire: Int)]
}

/// An elaborated, checked module. Immutable; build one with `ModuleBuilder`.
public final class Module: Sendable {
    public let name: String
    /// Header comment lines (without `//`).
    public let doc: [String]
    public let nodes: [Node]
    public let inputs: [Port]
    public let outputs: [Port]
    public let wires: [Wire]
    public let registers: [Register]
    public let instances: [Instance]
    /// The input driving every register (positive edge), if the module has registers.
    public let clock: String?

    init(name: String, doc: [String], nodes: [Node], inputs: [Port], outputs: [Port], wires: [Wire],
         registers: [Register], instances: [Instance], clock: String?) {
        self.name = name
        self.doc = doc
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
        self.wires = wires
        self.registers = registers
        self.instances = instances
        self.clock = clock
    }

    public var isCombinational: Bool {
        registers.isEmpty && instances.allSatisfy { $0.module.isCombinational }
    }

    /// The size of its logic flattened: every node's width, summed over this module and every
    /// instance (a module instantiated 256 times counts 256 times). What a simulator evaluates per
    /// cycle grows with it; `ToolBudget.simulation` scales its limit by it.
    public var flattenedBits: Int {
        var memo: [String: Int] = [:]
        func bits(_ m: Module) -> Int {
            if let b = memo[m.name] { return b }
            let b = m.nodes.reduce(0) { $0 + $1.width } + m.instances.reduce(0) { $0 + bits($1.module) }
            memo[m.name] = b
            return b
        }
        return bits(self)
    }

    /// This module and every module it instantiates (depth first, each once, dependencies first).
    public var hierarchy: [Module] {
        var seen = Set<String>()
        var out: [Module] = []
        func visit(_ m: Module) {
            for inst in m.instances { visit(inst.module) }
            if seen.insert(m.name).inserted { out.append(m) }
        }
        visit(self)
        return out
    }

    public func input(named name: String) -> Port? { inputs.first { $0.name == name } }
    public func output(named name: String) -> Port? { outputs.first { $0.name == name } }
}

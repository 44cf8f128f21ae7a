/// Edits of an elaborated `Module`: a copy of it with some drivers changed, addressed by the names
/// the builder gave (wires and outputs, registers, instances' input connections). Mutation
/// testing uses these to plant one deliberate bug in a finished design, so the builders that make
/// the real design carry no fault branches.
///
///     let faulty = try module.edited { e in
///         try e.substitute(in: .next("res_q"), ["last_q": e["last_in"]])   // capture one cycle early
///     }
///
/// Every edit is checked where it is made: a name the module does not have, a width that differs
/// from the target's, an edit that would change nothing (a substitution of a signal the target
/// does not read, an operator it does not use) throws `HDLError`. `finish()` then checks the whole
/// module again as `ModuleBuilder.finish()` does (widths of new expressions, combinational loops),
/// and the result emits and simulates like any module. The original module is never changed.
public final class NetlistEdit {
    /// The module's builder, reopened: build new expressions with it (`builder.const`, `cat`, `mux`).
    public let builder: ModuleBuilder

    public init(_ module: Module) {
        builder = ModuleBuilder(editing: module)
    }

    /// What an edit changes: the driver of a wire or output, the next state of a register, or the
    /// signal connected to an instance's input port.
    public enum Target: Hashable, Sendable, CustomStringConvertible {
        case wire(String)
        case next(String)
        case connection(instance: String, port: String)

        public var description: String {
            switch self {
            case .wire(let n): return "wire '\(n)'"
            case .next(let n): return "the next state of register '\(n)'"
            case .connection(let i, let p): return "instance '\(i)' port '\(p)'"
            }
        }
    }

    private var m: ModuleBuilder { builder }

    // MARK: - Reading

    /// The input, wire, output (an instance's outputs are wires `<instance>_<port>`) or register named `name`.
    public func signal(_ name: String) throws -> Signal {
        guard let node = m.namedNode(name) else { throw HDLError.noSuchName(module: m.name, kind: "signal", name: name) }
        return Signal(node: node, width: m.nodes[node].width, builder: m)
    }

    /// `signal(name)`.
    public subscript(_ name: String) -> Signal {
        get throws { try signal(name) }
    }

    /// The value driving `target` now.
    public func driver(of target: Target) throws -> Signal {
        let node = try driverNode(target)
        return Signal(node: node, width: m.nodes[node].width, builder: m)
    }

    // MARK: - Edits

    /// Drives `target` with `value` instead (same width).
    public func redrive(_ target: Target, to value: Signal) throws {
        let old = try driver(of: target)
        guard value.builder === m else {
            throw HDLError.foreignSignal(module: m.name, operand: "a signal of module '\(value.builder.name)' used to redrive \(target)")
        }
        guard value.width == old.width else {
            throw HDLError.widthMismatch(module: m.name, operation: "redrive \(target)", operands: [m.operand(old), m.operand(value)])
        }
        try setDriver(target, value.node)
    }

    /// Drives `target` with `change(its current driver)`.
    public func redrive(_ target: Target, _ change: (Signal) throws -> Signal) throws {
        try redrive(target, to: try change(try driver(of: target)))
    }

    /// Within the expression driving `target` (up to the named signals it reads), every read of a
    /// named signal in `replacements` reads its replacement instead, all at once (so two names can
    /// trade places). Each name must exist, be read by that expression, and keep its width.
    /// Other readers of the same signals, and shared subexpressions elsewhere, are unchanged.
    public func substitute(in target: Target, _ replacements: [String: Signal]) throws {
        var map: [Int: Int] = [:]
        for name in replacements.keys.sorted() {
            let old = try signal(name), new = replacements[name]!
            guard new.builder === m else {
                throw HDLError.foreignSignal(module: m.name, operand: "a signal of module '\(new.builder.name)' substituted for '\(name)'")
            }
            guard new.width == old.width else {
                throw HDLError.widthMismatch(module: m.name, operation: "substitute '\(name)' in \(target)", operands: [m.operand(old), m.operand(new)])
            }
            map[old.node] = new.node
        }
        var hits = Set<Int>()
        let root = try rebuild(try driverNode(target), leaf: { n in
            guard let r = map[n] else { return nil }
            hits.insert(n)
            return r
        }, binary: { $0 })
        for name in replacements.keys.sorted() where !hits.contains(try signal(name).node) {
            throw HDLError.invalidEdit(module: m.name, detail: "\(target) does not read '\(name)', so substituting it changes nothing")
        }
        try setDriver(target, root)
    }

    /// Within the expression driving `target`, every binary operator `op` becomes `replacement`
    /// (`+` to `^`, `&` to `|`...). The expression must use `op`.
    public func replaceOperator(in target: Target, _ op: BinaryOp, with replacement: BinaryOp) throws {
        var count = 0
        let root = try rebuild(try driverNode(target), leaf: { _ in nil }, binary: { o in
            guard o == op else { return o }
            count += 1
            return replacement
        })
        guard count > 0 else {
            throw HDLError.invalidEdit(module: m.name, detail: "\(target) uses no '\(op.rawValue)' operator to replace")
        }
        try setDriver(target, root)
    }

    /// `a` takes `b`'s driver and `b` takes `a`'s (equal widths): two instance connections, two
    /// wires or two registers' next states trade places.
    public func swap(_ a: Target, _ b: Target) throws {
        let da = try driver(of: a), db = try driver(of: b)
        guard a != b else { throw HDLError.invalidEdit(module: m.name, detail: "swapping \(a) with itself changes nothing") }
        guard da.width == db.width else {
            throw HDLError.widthMismatch(module: m.name, operation: "swap \(a) and \(b)", operands: [m.operand(da), m.operand(db)])
        }
        guard da.node != db.node else {
            throw HDLError.invalidEdit(module: m.name, detail: "\(a) and \(b) have the same driver, so swapping them changes nothing")
        }
        try setDriver(a, db.node)
        try setDriver(b, da.node)
    }

    /// `target`'s driver passes through a new register `register` (one clock cycle later).
    @discardableResult
    public func delay(_ target: Target, register name: String) throws -> Signal {
        let old = try driver(of: target)
        guard m.clockName != nil else { throw HDLError.noClock(module: m.name, register: name) }
        guard m.namedNode(name) == nil else { throw HDLError.duplicateName(module: m.name, name: name) }
        let r = m.register(name, old.width)
        m.next(r, old)
        try setDriver(target, r.node)
        return r
    }

    /// `target` is driven by a register read directly; it reads that register's next state
    /// instead (one clock cycle earlier).
    public func undelay(_ target: Target) throws {
        let node = try driverNode(target)
        guard case .register(let i) = m.nodes[node].op else {
            throw HDLError.invalidEdit(module: m.name, detail: "\(target) is driven by \(m.describe(node)), not by a register, so it cannot be undelayed")
        }
        try setDriver(target, m.regDecls[i].next!)
    }

    /// The edited module (checked like `ModuleBuilder.finish()`).
    public func finish() throws -> Module { try m.finish() }

    // MARK: - Internals

    private func driverNode(_ target: Target) throws -> Int {
        switch target {
        case .wire(let name):
            let i = try wireIndex(name)
            return m.wireDecls[i].driver!
        case .next(let name):
            return m.regDecls[try registerIndex(name)].next!
        case .connection(let inst, let port):
            let (i, p) = try connectionIndex(inst, port)
            return m.instanceDecls[i].inputs[p].node
        }
    }

    private func setDriver(_ target: Target, _ node: Int) throws {
        switch target {
        case .wire(let name):
            m.wireDecls[try wireIndex(name)].driver = node
        case .next(let name):
            m.regDecls[try registerIndex(name)].next = node
        case .connection(let inst, let port):
            let (i, p) = try connectionIndex(inst, port)
            let old = m.instanceDecls[i]
            var inputs = old.inputs
            inputs[p].node = node
            m.instanceDecls[i] = Instance(name: old.name, module: old.module, inputs: inputs, outputs: old.outputs)
        }
    }

    private func wireIndex(_ name: String) throws -> Int {
        guard let i = m.wireDecls.firstIndex(where: { $0.name == name }) else {
            throw HDLError.noSuchName(module: m.name, kind: "wire or output", name: name)
        }
        if case .instanceOutput(let inst, _) = m.nodes[m.wireDecls[i].driver!].op {
            throw HDLError.invalidEdit(module: m.name, detail: "wire '\(name)' is an output of instance '\(m.instanceDecls[inst].name)'; edit the instance's connections or its readers instead")
        }
        return i
    }

    private func registerIndex(_ name: String) throws -> Int {
        guard let i = m.regDecls.firstIndex(where: { $0.name == name }) else {
            throw HDLError.noSuchName(module: m.name, kind: "register", name: name)
        }
        return i
    }

    private func connectionIndex(_ inst: String, _ port: String) throws -> (Int, Int) {
        guard let i = m.instanceDecls.firstIndex(where: { $0.name == inst }) else {
            throw HDLError.noSuchName(module: m.name, kind: "instance", name: inst)
        }
        guard let p = m.instanceDecls[i].inputs.firstIndex(where: { $0.port == port }) else {
            throw HDLError.noSuchName(module: m.name, kind: "input port of instance '\(inst)' (\(m.instanceDecls[i].module.name))", name: port)
        }
        return (i, p)
    }

    /// A copy of the expression at `node` down to its leaves (named signals and constants), with
    /// leaves replaced by `leaf` where it gives a node and binary operators mapped by `binary`.
    /// Unchanged subexpressions are shared, not copied; changed ones are rebuilt through the
    /// builder's operators, so the usual width checks and folds apply.
    private func rebuild(_ node: Int, leaf: (Int) -> Int?, binary: (BinaryOp) -> BinaryOp) throws -> Int {
        var memo: [Int: Int] = [:]
        func sig(_ n: Int) -> Signal { Signal(node: n, width: m.nodes[n].width, builder: m) }
        func walk(_ n: Int) -> Int {
            if let done = memo[n] { return done }
            let op = m.nodes[n].op
            let result: Int
            switch op {
            case .input, .constant, .wire, .register, .instanceOutput:
                result = leaf(n) ?? n
            default:
                let operands = op.operands
                let new = operands.map(walk)
                var newOp: BinaryOp?
                if case .binary(let o, _, _) = op, binary(o) != o { newOp = binary(o) }
                if new == operands && newOp == nil {
                    result = n
                    break
                }
                switch op {
                case .not: result = (~sig(new[0])).node
                case .reduce(let r, _): result = m.add(.reduce(r, new[0]), 1)
                case .binary(let o, _, _): result = Signal.binary(newOp ?? o, sig(new[0]), sig(new[1])).node
                case .compare(let c, _, _): result = sig(new[0]).compare(c, sig(new[1])).node
                case .shiftLeftVar: result = sig(new[0]).shiftLeft(by: sig(new[1])).node
                case .shiftRightVar: result = sig(new[0]).shiftRight(by: sig(new[1])).node
                case .concat: result = m.cat(new.map(sig)).node
                case .slice(_, let hi, let lo): result = sig(new[0])[hi, lo].node
                case .replicate(_, let count): result = sig(new[0]).replicate(count).node
                case .mux: result = m.mux(sig(new[0]), sig(new[1]), sig(new[2])).node
                case .input, .constant, .wire, .register, .instanceOutput: preconditionFailure("leaves are handled above")
                }
            }
            memo[n] = result
            return result
        }
        let root = walk(node)
        if let first = m.errors.first { throw first }
        return root
    }
}

extension Module {
    /// A copy of this module with the edits `body` makes (see `NetlistEdit`).
    public func edited(_ body: (NetlistEdit) throws -> Void) throws -> Module {
        let e = NetlistEdit(self)
        try body(e)
        return try e.finish()
    }
}

extension ModuleBuilder {
    /// A builder holding `module`'s netlist, every wire and register driven, ready for edits.
    convenience init(editing module: Module) {
        self.init(module.name)
        doc = module.doc
        nodes = module.nodes
        inputs = module.inputs
        wireDecls = module.wires.map { ($0.name, $0.width, $0.node, $0.driver, $0.comment, $0.isOutput) }
        outputNames = module.outputs.map { port in (port.name, module.wires.firstIndex { $0.node == port.node }!) }
        regDecls = module.registers.map { ($0.name, $0.width, $0.node, $0.next, $0.comment) }
        instanceDecls = module.instances
        names = Set(module.inputs.map(\.name) + module.wires.map(\.name) + module.registers.map(\.name) + module.instances.map(\.name))
        clockName = module.clock
    }

    /// The node of the input, wire or register named `name`.
    func namedNode(_ name: String) -> Int? {
        if let p = inputs.first(where: { $0.name == name }) { return p.node }
        if let w = wireDecls.first(where: { $0.name == name }) { return w.node }
        if let r = regDecls.first(where: { $0.name == name }) { return r.node }
        return nil
    }
}

/// Builds one module. Declare ports, name intermediate signals with `wire`, drive outputs with
/// `assign`, registers with `next`; then `finish()` checks the design and returns a `Module`.
///
/// Width rules are checked as each expression is built: binary operators need equal widths, a
/// slice must lie inside its operand, a constant must fit. A violation is recorded with the
/// operands' names and widths and thrown by `finish()`, which also rejects undriven outputs,
/// wires and registers and combinational loops.
public final class ModuleBuilder {
    public let name: String
    /// Header comment lines for the emitted file.
    public var doc: [String] = []

    var nodes: [Node] = []
    var inputs: [Port] = []
    var outputNames: [(name: String, wire: Int)] = []
    var wireDecls: [(name: String, width: Int, node: Int, driver: Int?, comment: String?, isOutput: Bool)] = []
    var regDecls: [(name: String, width: Int, node: Int, next: Int?, comment: String?)] = []
    var instanceDecls: [Instance] = []
    var names: Set<String> = []
    var clockName: String?
    private(set) var errors: [HDLError] = []

    public init(_ name: String) {
        self.name = name
        if let reason = ModuleBuilder.nameProblem(name) {
            errors.append(.invalidName(module: name, name: name, reason: reason))
        }
    }

    // MARK: - Declarations

    public func input(_ name: String, _ width: Int) -> Signal {
        claim(name)
        let w = checkedWidth(width, "input '\(name)'")
        let node = add(.input(inputs.count), w)
        inputs.append(Port(name: name, width: w, node: node))
        return Signal(node: node, width: w, builder: self)
    }

    /// Declares the clock input that every register of this module samples on its rising edge.
    public func clock(_ name: String = "clk") -> Signal {
        let s = input(name, 1)
        clockName = name
        return s
    }

    /// Declares an output; drive it with `assign`.
    public func output(_ name: String, _ width: Int, comment: String? = nil) -> Signal {
        let s = declareWire(name, width, comment: comment, isOutput: true)
        outputNames.append((name, wireIndex(of: s)!))
        return s
    }

    /// Declares and drives an output.
    @discardableResult
    public func output(_ name: String, _ value: Signal, comment: String? = nil) -> Signal {
        let s = output(name, value.width, comment: comment)
        assign(s, value)
        return s
    }

    /// A named wire carrying `value`; the name appears in the Verilog.
    public func wire(_ name: String, _ value: Signal, comment: String? = nil) -> Signal {
        let s = declareWire(name, value.width, comment: comment, isOutput: false)
        assign(s, value)
        return s
    }

    /// A named wire declared now and driven later with `assign` (for feedback through registers).
    public func wire(_ name: String, width: Int, comment: String? = nil) -> Signal {
        declareWire(name, width, comment: comment, isOutput: false)
    }

    public func assign(_ target: Signal, _ value: Signal) {
        guard own(target, "assign") && own(value, "assign") else { return }
        guard let i = wireIndex(of: target) else {
            record(.notAssignable(module: name, operand: describe(target.node)))
            return
        }
        guard canDrive(target, named: wireDecls[i].name, driven: wireDecls[i].driver != nil, with: value, "assign") else { return }
        wireDecls[i].driver = value.node
    }

    /// A register, updated on the rising edge of the module's clock with the value given to `next`.
    public func register(_ name: String, _ width: Int, comment: String? = nil) -> Signal {
        claim(name)
        let w = checkedWidth(width, "register '\(name)'")
        if clockName == nil { record(.noClock(module: self.name, register: name)) }
        let node = add(.register(regDecls.count), w)
        regDecls.append((name, w, node, nil, comment))
        return Signal(node: node, width: w, builder: self)
    }

    /// Sets the value a register takes at the next rising clock edge.
    public func next(_ reg: Signal, _ value: Signal) {
        guard own(reg, "next") && own(value, "next") else { return }
        guard case .register(let i) = nodes[reg.node].op else {
            record(.notAssignable(module: name, operand: describe(reg.node)))
            return
        }
        guard canDrive(reg, named: regDecls[i].name, driven: regDecls[i].next != nil, with: value, "next") else { return }
        regDecls[i].next = value.node
    }

    /// Records why `target` cannot take `value` (it already has a driver, or the widths differ).
    private func canDrive(_ target: Signal, named targetName: String, driven: Bool, with value: Signal, _ operation: String) -> Bool {
        guard !driven else {
            record(.multipleDrivers(module: name, name: targetName))
            return false
        }
        guard target.width == value.width else {
            record(.widthMismatch(module: name, operation: operation, operands: [operand(target), operand(value)]))
            return false
        }
        return true
    }

    /// Instantiates `module`. Every input port must be connected with a signal of its width; the
    /// outputs come back as wires named `<instance>_<port>`.
    public func instance(_ module: Module, _ instanceName: String, _ connections: [String: Signal]) -> [String: Signal] {
        claim(instanceName)
        var ins: [(port: String, node: Int)] = []
        for port in module.inputs {
            guard let sig = connections[port.name] else {
                record(.instanceMismatch(module: name, instance: instanceName, detail: "input '\(port.name)' is not connected"))
                ins.append((port.name, add(.constant(BitVector(width: port.width, value: 0)), port.width)))
                continue
            }
            if !own(sig, "instance \(instanceName)") { continue }
            if sig.width != port.width {
                record(.instanceMismatch(module: name, instance: instanceName,
                                         detail: "port '\(port.name)' is \(port.width) bits but \(operand(sig)) is connected"))
            }
            ins.append((port.name, sig.node))
        }
        for key in connections.keys.sorted() where module.input(named: key) == nil {
            record(.instanceMismatch(module: name, instance: instanceName,
                                     detail: "\(module.name) has no input named '\(key)'"))
        }
        var outs: [(port: String, wire: Int)] = []
        var result: [String: Signal] = [:]
        let index = instanceDecls.count
        for (p, port) in module.outputs.enumerated() {
            let s = declareWire("\(instanceName)_\(port.name)", port.width, comment: nil, isOutput: false)
            let wi = wireIndex(of: s)!
            wireDecls[wi].driver = add(.instanceOutput(instance: index, port: p), port.width)
            outs.append((port.name, wi))
            result[port.name] = s
        }
        instanceDecls.append(Instance(name: instanceName, module: module, inputs: ins, outputs: outs))
        return result
    }

    // MARK: - Constants

    public func const(_ value: Int, width: Int) -> Signal {
        let w = checkedWidth(width, "constant \(value)")
        let fits: Bool
        if w >= 64 { fits = true }
        else if value >= 0 { fits = UInt64(value) >> UInt64(w) == 0 }
        else { fits = value >= -(1 << (w - 1)) }
        if !fits { record(.constantTooWide(module: name, value: String(value), width: w)) }
        return constant(BitVector(width: w, value: value))
    }

    public func constant(_ bits: BitVector) -> Signal {
        Signal(node: add(.constant(bits), bits.width), width: bits.width, builder: self)
    }

    public func zeros(_ width: Int) -> Signal { const(0, width: width) }
    public func ones(_ width: Int) -> Signal { const(-1, width: width) }
    public var one: Signal { const(1, width: 1) }
    public var zero: Signal { const(0, width: 1) }

    // MARK: - Elaboration

    /// Checks the design and returns the elaborated module, or throws the first design error.
    public func finish() throws -> Module {
        for w in wireDecls where w.driver == nil {
            record(.undriven(module: name, kind: w.isOutput ? "output" : "wire", name: w.name))
        }
        for r in regDecls where r.next == nil {
            record(.undriven(module: name, kind: "register", name: r.name))
        }
        if let first = errors.first { throw first }
        let wires = wireDecls.map {
            Wire(name: $0.name, width: $0.width, node: $0.node, driver: $0.driver!, comment: $0.comment, isOutput: $0.isOutput)
        }
        let regs = regDecls.map { Register(name: $0.name, width: $0.width, node: $0.node, next: $0.next!, comment: $0.comment) }
        let outputs = outputNames.map { Port(name: $0.name, width: wires[$0.wire].width, node: wires[$0.wire].node) }
        let module = Module(name: name, doc: doc, nodes: nodes, inputs: inputs, outputs: outputs, wires: wires,
                            registers: regs, instances: instanceDecls, clock: clockName)
        if let loop = Topology.findLoop(module) {
            throw HDLError.combinationalLoop(module: name, path: loop)
        }
        return module
    }

    // MARK: - Internals used by Signal

    func add(_ op: Op, _ width: Int) -> Int {
        nodes.append(Node(op: op, width: width))
        return nodes.count - 1
    }

    func record(_ error: HDLError) { errors.append(error) }

    func own(_ s: Signal, _ what: String) -> Bool {
        if s.builder === self { return true }
        record(.foreignSignal(module: name, operand: "a signal of module '\(s.builder.name)' used in \(what)"))
        return false
    }

    func checkedWidth(_ w: Int, _ what: String) -> Int {
        if w >= 1 { return w }
        record(.invalidWidth(module: name, what: what, width: w))
        return 1
    }

    /// A recorded error's placeholder result, so building can go on and report the first error.
    func poison(_ width: Int) -> Signal {
        constant(BitVector(width: max(width, 1), value: 0))
    }

    func operand(_ s: Signal) -> String { "\(describe(s.node)) (\(s.width) bits)" }

    /// A short human-readable rendering of a node for error messages.
    func describe(_ node: Int, depth: Int = 0) -> String {
        let n = nodes[node]
        switch n.op {
        case .input(let i): return inputs[i].name
        case .wire(let i): return wireDecls[i].name
        case .register(let i): return regDecls[i].name
        case .instanceOutput: return "instance output"
        case .constant(let bits): return bits.verilogLiteral
        default:
            if depth >= 2 { return "(...)" }
            let ops = n.op.operands.map { describe($0, depth: depth + 1) }
            switch n.op {
            case .binary(let op, _, _): return "(\(ops[0]) \(op.rawValue) \(ops[1]))"
            case .compare(let op, _, _): return "(\(ops[0]) \(op.rawValue) \(ops[1]))"
            case .not: return "~\(ops[0])"
            case .reduce(let op, _): return "\(op.rawValue)\(ops[0])"
            case .slice(_, let hi, let lo): return "\(ops[0])[\(hi):\(lo)]"
            case .concat: return "{\(ops.joined(separator: ", "))}"
            case .mux: return "(\(ops[0]) ? \(ops[1]) : \(ops[2]))"
            case .shiftLeftVar: return "(\(ops[0]) << \(ops[1]))"
            case .shiftRightVar: return "(\(ops[0]) >> \(ops[1]))"
            case .replicate(_, let c): return "{\(c){\(ops[0])}}"
            default: return "expression"
            }
        }
    }

    private func declareWire(_ name: String, _ width: Int, comment: String?, isOutput: Bool) -> Signal {
        claim(name)
        let w = checkedWidth(width, "wire '\(name)'")
        let node = add(.wire(wireDecls.count), w)
        wireDecls.append((name, w, node, nil, comment, isOutput))
        return Signal(node: node, width: w, builder: self)
    }

    private func wireIndex(of s: Signal) -> Int? {
        if case .wire(let i) = nodes[s.node].op { return i }
        return nil
    }

    private func claim(_ name: String) {
        if let reason = ModuleBuilder.nameProblem(name) {
            record(.invalidName(module: self.name, name: name, reason: reason))
        } else if !names.insert(name).inserted {
            record(.duplicateName(module: self.name, name: name))
        }
    }

    /// Why `name` cannot be a Verilog identifier of ours, or nil when it can.
    static func nameProblem(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first else { return "it is empty" }
        let letters = NameCharacters.lettersAndUnderscore
        guard letters.contains(first) else { return "it must start with a letter or '_'" }
        guard name.unicodeScalars.allSatisfy({ letters.contains($0) || ("0"..."9").contains($0) }) else {
            return "use only letters, digits and '_'"
        }
        if VerilogKeywords.all.contains(name) { return "it is a Verilog keyword" }
        if VerilogEmitter.isReservedTemporary(name) { return "names t<digits> and unused_ok are reserved for the emitter" }
        return nil
    }
}

/// The few character classes name checking needs (Foundation-free).
enum NameCharacters {
    case lettersAndUnderscore
    func contains(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_"
    }
}

enum VerilogKeywords {
    static let all: Set<String> = [
        "always", "and", "assign", "automatic", "begin", "buf", "bufif0", "bufif1", "case", "casex", "casez",
        "cell", "cmos", "config", "deassign", "default", "defparam", "design", "disable", "edge", "else", "end",
        "endcase", "endconfig", "endfunction", "endgenerate", "endmodule", "endprimitive", "endspecify",
        "endtable", "endtask", "event", "for", "force", "forever", "fork", "function", "generate", "genvar",
        "highz0", "highz1", "if", "ifnone", "incdir", "include", "initial", "inout", "input", "instance",
        "integer", "join", "large", "liblist", "library", "localparam", "macromodule", "medium", "module",
        "nand", "negedge", "nmos", "nor", "noshowcancelled", "not", "notif0", "notif1", "or", "output",
        "parameter", "pmos", "posedge", "primitive", "pull0", "pull1", "pulldown", "pullup",
        "pulsestyle_onevent", "pulsestyle_ondetect", "rcmos", "real", "realtime", "reg", "release", "repeat",
        "rnmos", "rpmos", "rtran", "rtranif0", "rtranif1", "scalared", "showcancelled", "signed", "small",
        "specify", "specparam", "strong0", "strong1", "supply0", "supply1", "table", "task", "time", "tran",
        "tranif0", "tranif1", "tri", "tri0", "tri1", "triand", "trior", "trireg", "unsigned", "use", "uwire",
        "vectored", "wait", "wand", "weak0", "weak1", "while", "wire", "wor", "xnor", "xor",
        // SystemVerilog words Verilator also reserves
        "bit", "logic", "byte", "int", "shortint", "longint", "type", "struct", "union", "enum", "final",
        "this", "super", "new", "class", "interface", "package", "property", "sequence", "string", "void",
    ]
}

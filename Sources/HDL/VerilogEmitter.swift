/// Writes a `Module` as one Verilog-2005 module.
///
/// The output is meant to lint clean under `verilator --lint-only -Wall`: every operator sees
/// operands of equal width (the DSL guarantees it), constants are sized, multi-use or sliced
/// expressions get a named wire, and any bit that nothing reads is collected into one
/// `unused_ok` wire (Verilator's documented naming rule for intentionally unused signals) rather
/// than hidden behind lint pragmas. The same module always gives the same bytes.
public enum VerilogEmitter {
    public static func emit(_ module: Module) -> String {
        var e = Emission(module)
        return e.run()
    }

    static func isReservedTemporary(_ name: String) -> Bool {
        if name == "unused_ok" { return true }
        guard name.first == "t", name.count > 1 else { return false }
        return name.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }
}

private struct Emission {
    let m: Module
    /// Node -> name for every node rendered by name (ports, wires, registers, temporaries).
    var names: [Int: String] = [:]
    var temps: Set<Int> = []
    var tempNames: [Int: String] = [:]
    /// Bits read, per named node.
    var used: [Int: [Bool]] = [:]
    var body: [String] = []

    let rangeColumn: Int

    init(_ m: Module) {
        self.m = m
        let declared = m.inputs.map(\.width) + m.outputs.map(\.width) + m.wires.map(\.width) + m.registers.map(\.width)
        let widest = ([1] + declared + m.nodes.map(\.width)).max()!
        rangeColumn = widest == 1 ? 0 : "[\(widest - 1):0] ".count
    }

    mutating func run() -> String {
        for p in m.inputs { names[p.node] = p.name }
        for w in m.wires { names[w.node] = w.name }
        for r in m.registers { names[r.node] = r.name }
        chooseTemporaries()

        var out: [String] = []
        for line in m.doc { out.append(line.isEmpty ? "//" : "// \(line)") }
        out.append("module \(m.name) (")
        let ports = m.inputs.map { ("input ", $0) } + m.outputs.map { ("output", $0) }
        for (i, (dir, p)) in ports.enumerated() {
            out.append("    \(dir) wire \(range(p.width, pad: true))\(p.name)\(i == ports.count - 1 ? "" : ",")")
        }
        out.append(");")

        // Registers and instance outputs are declared first: both may be read before the logic
        // that drives them appears.
        if !m.registers.isEmpty {
            for r in m.registers {
                if let c = r.comment { body.append("    // \(c)") }
                body.append("    reg  \(range(r.width, pad: true))\(r.name);")
            }
            body.append("")
        }
        let instanceWires = Set(m.instances.flatMap { $0.outputs.map(\.wire) })
        if !instanceWires.isEmpty {
            for i in instanceWires.sorted() {
                body.append("    wire \(range(m.wires[i].width, pad: true))\(m.wires[i].name);")
            }
            body.append("")
        }

        // Everything else in dependency order, creation order where free.
        var done = Set<String>()
        for index in m.wires.indices where !instanceWires.contains(index) {
            emitItem(.wire(index), &done)
        }
        for i in m.instances.indices { emitItem(.instance(i), &done) }
        // Temporaries that only registers' next states read (a pipeline cut inside an expression).
        for r in m.registers {
            for dep in namedDependencies([r.next]) where temps.contains(dep) { emitItem(.temp(dep), &done) }
        }

        if !m.registers.isEmpty, let clk = m.clock {
            markAll(m.input(named: clk)!.node)
            body.append("")
            body.append("    always @(posedge \(clk)) begin")
            for r in m.registers {
                body.append("        \(r.name) <= \(render(r.next, top: true));")
            }
            body.append("    end")
        }

        let unused = unusedBits()
        if !unused.isEmpty {
            body.append("")
            body.append("    // Bits that no logic reads, gathered for Verilator's UNUSED check (signals named *unused* are exempt).")
            body.append("    wire unused_ok = &{1'b0, \(unused.joined(separator: ", ")), 1'b0};")
        }
        // Drop a leading blank line and collapse doubled blank lines.
        var lines: [String] = []
        for l in body where !(l.isEmpty && (lines.isEmpty || lines.last!.isEmpty)) { lines.append(l) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        out += lines
        out.append("endmodule")
        return out.joined(separator: "\n") + "\n"
    }

    enum Item: Hashable { case wire(Int), temp(Int), instance(Int) }

    /// Emits `item` after every wire and temporary its expression reads.
    mutating func emitItem(_ item: Item, _ done: inout Set<String>) {
        let key = "\(item)"
        guard !done.contains(key) else { return }
        done.insert(key)
        let roots: [Int]
        switch item {
        case .wire(let i): roots = [m.wires[i].driver]
        case .temp(let n): roots = m.nodes[n].op.operands
        case .instance(let i): roots = m.instances[i].inputs.map(\.node)
        }
        for dep in namedDependencies(roots) {
            if case .wire(let wi) = m.nodes[dep].op, !isInstanceWire(wi) { emitItem(.wire(wi), &done) }
            if temps.contains(dep) { emitItem(.temp(dep), &done) }
        }
        switch item {
        case .wire(let i):
            let w = m.wires[i]
            if let c = w.comment { body.append("    // \(c)") }
            if w.isOutput {
                body.append("    assign \(w.name) = \(render(w.driver, top: true));")
            } else {
                body.append("    wire \(range(w.width, pad: true))\(w.name) = \(render(w.driver, top: true));")
            }
        case .temp(let n):
            body.append("    wire \(range(m.nodes[n].width, pad: true))\(tempName(n)) = \(render(n, top: true, expandTemp: true));")
        case .instance(let i):
            let inst = m.instances[i]
            let conns = inst.inputs.map { ".\($0.port)(\(render($0.node, top: true)))" }
                + inst.outputs.map { ".\($0.port)(\(m.wires[$0.wire].name))" }
            body.append("")
            body.append("    \(inst.module.name) \(inst.name) (")
            for (k, c) in conns.enumerated() { body.append("        \(c)\(k == conns.count - 1 ? "" : ",")") }
            body.append("    );")
            body.append("")
        }
    }

    func isInstanceWire(_ wi: Int) -> Bool {
        if case .instanceOutput = m.nodes[m.wires[wi].driver].op { return true }
        return false
    }

    /// The named or temporary nodes an expression reads, walking through inline nodes.
    func namedDependencies(_ roots: [Int]) -> [Int] {
        var out: [Int] = []
        var seen = Set<Int>()
        func walk(_ n: Int) {
            guard seen.insert(n).inserted else { return }
            if names[n] != nil || temps.contains(n) { out.append(n); return }
            for o in m.nodes[n].op.operands { walk(o) }
        }
        roots.forEach(walk)
        return out
    }

    /// Nodes that get a `t<k>` wire: operands of slices that are not already named, and
    /// compound expressions read more than once.
    mutating func chooseTemporaries() {
        var uses = [Int](repeating: 0, count: m.nodes.count)
        var needsName = Set<Int>()
        var seen = Set<Int>()
        var stack = m.wires.map(\.driver) + m.registers.map(\.next) + m.instances.flatMap { $0.inputs.map(\.node) }
        for r in stack { uses[r] += 1 }
        while let n = stack.popLast() {
            guard seen.insert(n).inserted else { continue }
            let op = m.nodes[n].op
            for o in op.operands {
                uses[o] += 1
                stack.append(o)
            }
            if case .slice(let x, _, _) = op { needsName.insert(x) }
        }
        for n in seen.sorted() where names[n] == nil {
            switch m.nodes[n].op {
            case .constant, .input, .wire, .register, .instanceOutput: continue
            default:
                if needsName.contains(n) || uses[n] > 1 { temps.insert(n) }
            }
        }
    }

    mutating func tempName(_ n: Int) -> String {
        if let t = tempNames[n] { return t }
        let t = "t\(tempNames.count)"
        tempNames[n] = t
        return t
    }

    mutating func markAll(_ n: Int) {
        used[n] = [Bool](repeating: true, count: m.nodes[n].width)
    }

    mutating func mark(_ n: Int, _ hi: Int, _ lo: Int) {
        var u = used[n] ?? [Bool](repeating: false, count: m.nodes[n].width)
        for i in lo...hi { u[i] = true }
        used[n] = u
    }

    mutating func render(_ n: Int, top: Bool = false, expandTemp: Bool = false) -> String {
        if let name = names[n] {
            markAll(n)
            return name
        }
        if temps.contains(n) && !expandTemp {
            markAll(n)
            return tempName(n)
        }
        let node = m.nodes[n]
        func wrap(_ s: String) -> String { top ? s : "(\(s))" }
        switch node.op {
        case .constant(let bits):
            return bits.verilogLiteral
        case .input, .wire, .register, .instanceOutput:
            preconditionFailure("named nodes are rendered by name")
        case .not(let a):
            return "~\(unaryOperand(a))"
        case .reduce(let op, let a):
            return "\(op.rawValue)\(unaryOperand(a))"
        case .binary(let op, let a, let b):
            return wrap("\(render(a)) \(op.rawValue) \(render(b))")
        case .compare(let op, let a, let b):
            switch op {
            case .slt: return wrap("$signed(\(render(a, top: true))) < $signed(\(render(b, top: true)))")
            case .sle: return wrap("$signed(\(render(a, top: true))) <= $signed(\(render(b, top: true)))")
            default: return wrap("\(render(a)) \(op.rawValue) \(render(b))")
            }
        case .shiftLeftVar(let a, let b):
            return wrap("\(render(a)) << \(render(b))")
        case .shiftRightVar(let a, let b):
            return wrap("\(render(a)) >> \(render(b))")
        case .concat(let parts):
            return "{" + parts.map { render($0, top: true) }.joined(separator: ", ") + "}"
        case .replicate(let a, let count):
            return "{\(count){\(render(a, top: true))}}"
        case .slice(let a, let hi, let lo):
            let base: String
            if let name = names[a] { base = name } else { base = tempName(a) }
            mark(a, hi, lo)
            return hi == lo ? "\(base)[\(lo)]" : "\(base)[\(hi):\(lo)]"
        case .mux(let s, let t, let f):
            return wrap("\(render(s)) ? \(render(t)) : \(render(f))")
        }
    }

    /// An operand of `~` or a reduction: parenthesised when it is itself unary, since `~~|x`
    /// and `~|x` read differently to different tools.
    mutating func unaryOperand(_ a: Int) -> String {
        let text = render(a)
        if let first = text.first, "~&|^".contains(first) { return "(\(text))" }
        return text
    }

    /// `name[hi:lo]` for every run of bits no logic reads.
    func unusedBits() -> [String] {
        var out: [String] = []
        var named: [(Int, String)] = m.inputs.map { ($0.node, $0.name) } + m.wires.filter { !$0.isOutput }.map { ($0.node, $0.name) }
            + m.registers.map { ($0.node, $0.name) }
        named += tempNames.sorted { Int($0.value.dropFirst())! < Int($1.value.dropFirst())! }.map { ($0.key, $0.value) }
        for (n, name) in named {
            let width = m.nodes[n].width
            let u = used[n] ?? [Bool](repeating: false, count: width)
            if u.allSatisfy({ !$0 }) { out.append(name); continue }
            var i = width - 1
            while i >= 0 {
                if u[i] { i -= 1; continue }
                var j = i
                while j > 0 && !u[j - 1] { j -= 1 }
                out.append(i == j ? "\(name)[\(i)]" : "\(name)[\(i):\(j)]")
                i = j - 1
            }
        }
        return out
    }

    /// `[w-1:0] ` padded to the module's widest declaration, so names line up.
    func range(_ width: Int, pad: Bool) -> String {
        let r = width == 1 ? "" : "[\(width - 1):0] "
        guard pad, rangeColumn > r.count else { return r }
        return r + String(repeating: " ", count: rangeColumn - r.count)
    }
}

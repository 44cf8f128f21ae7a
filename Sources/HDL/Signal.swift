/// A value in a module under construction, with a width. Operators build new nodes; they never
/// extend or truncate silently: binary operands must have equal widths (extend explicitly with
/// `zext(to:)` / `sext(to:)`), and the result of `+`, `-`, `*` has the operands' width (wraps).
public struct Signal {
    let node: Int
    public let width: Int
    let builder: ModuleBuilder

    init(node: Int, width: Int, builder: ModuleBuilder) {
        self.node = node
        self.width = width
        self.builder = builder
    }

    var m: ModuleBuilder { builder }

    /// The value, when this signal is a constant of at most 64 bits.
    public var constantValue: UInt64? {
        if case .constant(let bits) = m.nodes[node].op { return bits.uint64 }
        return nil
    }

    // MARK: - Binary operators (equal widths)

    static func binary(_ op: BinaryOp, _ a: Signal, _ b: Signal) -> Signal {
        let m = a.builder
        guard m.own(b, "'\(op.rawValue)'") else { return m.poison(a.width) }
        guard a.width == b.width else {
            m.record(.widthMismatch(module: m.name, operation: op.rawValue, operands: [m.operand(a), m.operand(b)]))
            return m.poison(max(a.width, b.width))
        }
        if let folded = fold(op, a, b) { return folded }
        return Signal(node: m.add(.binary(op, a.node, b.node), a.width), width: a.width, builder: m)
    }

    public static func & (a: Signal, b: Signal) -> Signal { binary(.and, a, b) }
    public static func | (a: Signal, b: Signal) -> Signal { binary(.or, a, b) }
    public static func ^ (a: Signal, b: Signal) -> Signal { binary(.xor, a, b) }
    public static func + (a: Signal, b: Signal) -> Signal { binary(.add, a, b) }
    public static func - (a: Signal, b: Signal) -> Signal { binary(.sub, a, b) }
    /// Product modulo `2^width`; use `fullProduct` for the exact double-width product.
    public static func * (a: Signal, b: Signal) -> Signal { binary(.mul, a, b) }

    /// `a + k` with `k` a constant of `a`'s width (an error if it does not fit).
    public static func + (a: Signal, k: Int) -> Signal { a + a.m.const(k, width: a.width) }
    public static func - (a: Signal, k: Int) -> Signal { a - a.m.const(k, width: a.width) }
    public static func & (a: Signal, k: Int) -> Signal { a & a.m.const(k, width: a.width) }
    public static func | (a: Signal, k: Int) -> Signal { a | a.m.const(k, width: a.width) }

    public static prefix func ~ (a: Signal) -> Signal {
        if case .constant(let bits) = a.m.nodes[a.node].op {
            return a.m.constant(BitVector(width: bits.width, words: bits.words.map { ~$0 }))
        }
        if case .not(let inner) = a.m.nodes[a.node].op {
            return Signal(node: inner, width: a.width, builder: a.m)
        }
        return Signal(node: a.m.add(.not(a.node), a.width), width: a.width, builder: a.m)
    }

    /// The exact product, `a.width + b.width` bits wide.
    public func fullProduct(_ b: Signal) -> Signal {
        let w = width + b.width
        return zext(to: w) * b.zext(to: w)
    }

    private static func fold(_ op: BinaryOp, _ a: Signal, _ b: Signal) -> Signal? {
        // Only the identities that keep the emitted Verilog readable; logic optimisation is yosys' job.
        let m = a.m
        func constBits(_ s: Signal) -> BitVector? {
            if case .constant(let v) = m.nodes[s.node].op { return v }
            return nil
        }
        switch op {
        case .add, .sub, .or, .xor:
            if let k = constBits(b), k.isZero { return a }
            if op != .sub, let k = constBits(a), k.isZero { return b }
        case .and:
            if let k = constBits(b), k.isAllOnes { return a }
            if let k = constBits(a), k.isAllOnes { return b }
        case .mul:
            break
        }
        return nil
    }

    // MARK: - Comparisons (equal widths, 1-bit result)

    func compare(_ op: CompareOp, _ b: Signal) -> Signal {
        guard m.own(b, "'\(op.rawValue)'") else { return m.poison(1) }
        guard width == b.width else {
            m.record(.widthMismatch(module: m.name, operation: op.rawValue, operands: [m.operand(self), m.operand(b)]))
            return m.poison(1)
        }
        return Signal(node: m.add(.compare(op, node, b.node), 1), width: 1, builder: m)
    }

    public func eq(_ b: Signal) -> Signal { compare(.eq, b) }
    public func ne(_ b: Signal) -> Signal { compare(.ne, b) }
    /// Unsigned comparisons.
    public func ult(_ b: Signal) -> Signal { compare(.ult, b) }
    public func ule(_ b: Signal) -> Signal { compare(.ule, b) }
    public func ugt(_ b: Signal) -> Signal { b.compare(.ult, self) }
    public func uge(_ b: Signal) -> Signal { b.compare(.ule, self) }
    /// Two's-complement comparisons.
    public func slt(_ b: Signal) -> Signal { compare(.slt, b) }
    public func sle(_ b: Signal) -> Signal { compare(.sle, b) }
    public func sgt(_ b: Signal) -> Signal { b.compare(.slt, self) }
    public func sge(_ b: Signal) -> Signal { b.compare(.sle, self) }

    public func eq(_ k: Int) -> Signal { eq(m.const(k, width: width)) }
    public func ne(_ k: Int) -> Signal { ne(m.const(k, width: width)) }
    public func ult(_ k: Int) -> Signal { ult(m.const(k, width: width)) }
    public func ule(_ k: Int) -> Signal { ule(m.const(k, width: width)) }
    public func ugt(_ k: Int) -> Signal { ugt(m.const(k, width: width)) }
    public func uge(_ k: Int) -> Signal { uge(m.const(k, width: width)) }
    public func slt(_ k: Int) -> Signal { slt(m.const(k, width: width)) }
    public func sgt(_ k: Int) -> Signal { sgt(m.const(k, width: width)) }

    // MARK: - Reductions

    public var orReduce: Signal { reduce(.or) }
    public var andReduce: Signal { reduce(.and) }
    public var xorReduce: Signal { reduce(.xor) }
    /// 1 when every bit is 0.
    public var isZero: Signal { width == 1 ? ~self : ~orReduce }
    public var isAllOnes: Signal { andReduce }

    private func reduce(_ op: ReduceOp) -> Signal {
        if width == 1 { return self }
        return Signal(node: m.add(.reduce(op, node), 1), width: 1, builder: m)
    }

    // MARK: - Bits

    /// Bits `hi` down to `lo`, as Verilog `x[hi:lo]`.
    public subscript(_ hi: Int, _ lo: Int) -> Signal {
        guard lo >= 0, hi >= lo, hi < width else {
            m.record(.sliceOutOfRange(module: m.name, operand: m.describe(node), width: width, hi: hi, lo: lo))
            return m.poison(hi >= lo ? hi - lo + 1 : 1)
        }
        if lo == 0 && hi == width - 1 { return self }
        switch m.nodes[node].op {
        case .constant(let bits):
            return m.constant(bits.slice(hi: hi, lo: lo))
        case .slice(let inner, _, let innerLo):
            return Signal(node: inner, width: m.nodes[inner].width, builder: m)[innerLo + hi, innerLo + lo]
        case .concat(let parts):
            // A slice that falls inside one part of a concatenation reads that part directly.
            var pos = width
            for p in parts {
                let pw = m.nodes[p].width
                pos -= pw
                if lo >= pos && hi < pos + pw {
                    return Signal(node: p, width: pw, builder: m)[hi - pos, lo - pos]
                }
            }
        default:
            break
        }
        return Signal(node: m.add(.slice(node, hi: hi, lo: lo), hi - lo + 1), width: hi - lo + 1, builder: m)
    }

    public subscript(_ bit: Int) -> Signal { self[bit, bit] }

    public var msb: Signal { self[width - 1] }
    /// The `n` least significant bits.
    public func low(_ n: Int) -> Signal { self[n - 1, 0] }
    /// The `n` most significant bits.
    public func high(_ n: Int) -> Signal { self[width - 1, width - n] }

    /// Zero-extends to `w` bits (`w >= width`).
    public func zext(to w: Int) -> Signal { extended(to: w, "zext") { m.zeros($0) } }

    /// Sign-extends to `w` bits (`w >= width`).
    public func sext(to w: Int) -> Signal { extended(to: w, "sext") { msb.replicate($0) } }

    /// `fill(w - width)` above this signal; a narrower `w` is a width error.
    private func extended(to w: Int, _ operation: String, fill: (Int) -> Signal) -> Signal {
        if w == width { return self }
        guard w > width else {
            m.record(.widthMismatch(module: m.name, operation: "\(operation)(to: \(w))", operands: [m.operand(self)]))
            return m.poison(w)
        }
        return m.cat(fill(w - width), self)
    }

    /// Keeps the `w` least significant bits, discarding the rest on purpose.
    public func trunc(to w: Int) -> Signal {
        guard w <= width else {
            m.record(.widthMismatch(module: m.name, operation: "trunc(to: \(w))", operands: [m.operand(self)]))
            return m.poison(w)
        }
        return self[w - 1, 0]
    }

    public func replicate(_ count: Int) -> Signal {
        if count == 1 { return self }
        let w = m.checkedWidth(width * count, "replication")
        if case .constant(let bits) = m.nodes[node].op {
            return m.constant(BitVector.concat(Array(repeating: bits, count: count)))
        }
        return Signal(node: m.add(.replicate(node, count: count), w), width: w, builder: m)
    }

    // MARK: - Shifts

    /// Logical shift left by a constant; the width is unchanged.
    public static func << (a: Signal, k: Int) -> Signal {
        if k == 0 { return a }
        if k >= a.width { return a.m.zeros(a.width) }
        return a.m.cat(a[a.width - 1 - k, 0], a.m.zeros(k))
    }

    /// Logical shift right by a constant; the width is unchanged.
    public static func >> (a: Signal, k: Int) -> Signal {
        if k == 0 { return a }
        if k >= a.width { return a.m.zeros(a.width) }
        return a.m.cat(a.m.zeros(k), a[a.width - 1, k])
    }

    /// Logical shift left by a variable amount; the width is unchanged.
    public func shiftLeft(by amount: Signal) -> Signal {
        guard m.own(amount, "shiftLeft") else { return m.poison(width) }
        return Signal(node: m.add(.shiftLeftVar(node, amount.node), width), width: width, builder: m)
    }

    /// Logical shift right by a variable amount; the width is unchanged.
    public func shiftRight(by amount: Signal) -> Signal {
        guard m.own(amount, "shiftRight") else { return m.poison(width) }
        return Signal(node: m.add(.shiftRightVar(node, amount.node), width), width: width, builder: m)
    }
}

extension ModuleBuilder {
    /// Concatenation, most significant part first (Verilog `{a, b, ...}`).
    public func cat(_ parts: Signal...) -> Signal { cat(parts) }

    public func cat(_ parts: [Signal]) -> Signal {
        let owned = parts.filter { own($0, "cat") }
        guard !owned.isEmpty else { return poison(1) }
        if owned.count == 1 { return owned[0] }
        // Flatten nested concatenations and merge adjacent constants so the Verilog stays short.
        var flat: [Signal] = []
        for p in owned {
            if case .concat(let inner) = nodes[p.node].op {
                flat += inner.map { Signal(node: $0, width: nodes[$0].width, builder: self) }
            } else {
                flat.append(p)
            }
        }
        var merged: [Signal] = []
        for p in flat {
            if let last = merged.last, case .constant(let a) = nodes[last.node].op, case .constant(let b) = nodes[p.node].op {
                merged[merged.count - 1] = constant(BitVector.concat([a, b]))
            } else {
                merged.append(p)
            }
        }
        if merged.count == 1 { return merged[0] }
        let w = merged.reduce(0) { $0 + $1.width }
        return Signal(node: add(.concat(merged.map(\.node)), w), width: w, builder: self)
    }

    /// `select ? ifTrue : ifFalse`; `select` is 1 bit, the two values have equal widths.
    public func mux(_ select: Signal, _ ifTrue: Signal, _ ifFalse: Signal) -> Signal {
        guard own(select, "mux"), own(ifTrue, "mux"), own(ifFalse, "mux") else { return poison(ifTrue.width) }
        guard select.width == 1 else {
            record(.widthMismatch(module: name, operation: "mux select", operands: [operand(select), "expected 1 bit"]))
            return poison(ifTrue.width)
        }
        guard ifTrue.width == ifFalse.width else {
            record(.widthMismatch(module: name, operation: "mux", operands: [operand(ifTrue), operand(ifFalse)]))
            return poison(max(ifTrue.width, ifFalse.width))
        }
        if ifTrue.node == ifFalse.node { return ifTrue }
        if case .constant(let s) = nodes[select.node].op { return s.isZero ? ifFalse : ifTrue }
        return Signal(node: add(.mux(select: select.node, ifTrue: ifTrue.node, ifFalse: ifFalse.node), ifTrue.width),
                      width: ifTrue.width, builder: self)
    }

    /// A priority selection: the value of the first case whose condition is 1, else `otherwise`.
    public func select(_ cases: [(Signal, Signal)], otherwise: Signal) -> Signal {
        cases.reversed().reduce(otherwise) { acc, c in mux(c.0, c.1, acc) }
    }
}

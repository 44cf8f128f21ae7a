import FloatArith
import HDL

/// SPEC "MX block formats and the MX dot product": module `mxdot_<unit>_<elem>_k<K>[_p<S>]`, one
/// block dot product `y = 2^(xa-127) * 2^(xb-127) * sum p_i` per cycle, fp32 out.
///
/// Structure: each element pair's product (the unit's MX rule, no range limits) is an unsigned
/// significand shifted into a fixed-point magnitude whose least significant bit weighs
/// `2^(2 - 2*bias - 2*M)` (the smallest product LSB of every rule), then negated by its sign into a
/// two's-complement term; a balanced adder tree of `log2 K` levels, each one bit wider, sums the
/// terms exactly; the sum's magnitude is normalised by a leading-zero count (a left shift bounded
/// by the fp32 exponent, or a right shift with sticky when the scales put the top bit below fp32's
/// normal range), rounded once to nearest even and packed, overflow giving infinity. The specials
/// (NaN scale or element, inf * 0, infinities of both signs, -0 when every product is a negative
/// zero) are flags beside the datapath.
///
/// Register stages (`_p<S>`) sit at simple cut points: stage 1 after the adder tree, stage 2 after
/// the product terms, further stages on the output `y`.
public struct MXDotDesign: Design, Hashable {
    public let kind: UnitKind
    public let block: BlockFormat
    public let stages: Int
    public let rule: MXProductRule

    /// `RegisterStages.range(.mxDot)`: two cut points, then output registers.
    public static var stageRange: ClosedRange<Int> { RegisterStages.range(.mxDot) }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case noMXProduct(UnitKind)
        case stages(Int)
        public var description: String {
            switch self {
            case .noMXProduct(let k):
                return "\(k.rawValue) has no MX product rule (SPEC \"MX block formats\" covers the multipliers); give one of \(UnitKind.mxMultipliers.map(\.rawValue).joined(separator: ", "))"
            case .stages(let s):
                return RegisterStages.outOfRange(spelled: "--stages \(s)", .mxDot)
            }
        }
    }

    public init(_ kind: UnitKind, _ block: BlockFormat, stages: Int = 0) throws(Refusal) {
        guard let rule = kind.mxProduct(block.element) else { throw .noMXProduct(kind) }
        guard MXDotDesign.stageRange.contains(stages) else { throw .stages(stages) }
        self.kind = kind
        self.block = block
        self.stages = stages
        self.rule = rule
    }

    public var element: FloatFormat { block.element }
    public var blockSize: Int { block.blockSize }

    public var moduleName: String { "mxdot_\(kind.rawValue)_\(element.tag)_k\(blockSize)" + (stages == 0 ? "" : "_p\(stages)") }
    public var latency: Int { stages }

    public var signature: Signature {
        let w = blockSize * element.width
        return Signature((stages > 0 ? [.clock] : []) + [
            .input("a", w, .operand), .input("b", w, .operand), .input("xa", 8, .scale), .input("xb", 8, .scale),
            .output("y", 32, .result),
        ])
    }

    public var command: String {
        "rtlgen mxdot --unit \(kind.rawValue) --format \(element.tag) --block \(blockSize)" + (stages == 0 ? "" : " --stages \(stages)")
    }

    public func modules() throws -> [Module] { [try elaborate()] }

    public func verilog() throws -> String { VerilogEmitter.emit(try elaborate()) }

    // MARK: - Golden behaviour

    /// One block pair: `K` elements each and the two scale encodings.
    public struct BlockPair: Hashable, Sendable {
        public var a: [UInt32]
        public var b: [UInt32]
        public var xa: UInt8
        public var xb: UInt8
        public init(a: [UInt32], b: [UInt32], xa: UInt8, xb: UInt8) {
            self.a = a
            self.b = b
            self.xa = xa
            self.xb = xb
        }
    }

    /// The golden result of a block pair (SPEC, `MXDot.dot`).
    public func golden(_ p: BlockPair) -> UInt32 { MXDot.dot(p.a, p.b, xa: p.xa, xb: p.xb, element: element, rule: rule) }

    /// Block pair k in cycle k, its result expected in cycle k + stages; the last `stages` cycles
    /// drive zeros while the pipeline drains.
    public func trace(_ pairs: [BlockPair]) -> CycleTrace {
        var t = CycleTrace(signature, reserve: pairs.count + stages)
        for _ in 0..<(pairs.count + stages) { t.addCycle() }
        let n = element.width
        for (k, p) in pairs.enumerated() {
            precondition(p.a.count == blockSize && p.b.count == blockSize, "a block pair of \(moduleName) holds \(blockSize) elements each")
            for i in 0..<blockSize {
                t.drive("a", UInt64(p.a[i]), cycle: k, at: i * n, width: n)
                t.drive("b", UInt64(p.b[i]), cycle: k, at: i * n, width: n)
            }
            t.drive("xa", UInt64(p.xa), cycle: k)
            t.drive("xb", UInt64(p.xb), cycle: k)
            t.expect("y", UInt64(golden(p)), cycle: k + stages)
        }
        return t
    }

    /// The block pair whose result cycle `c` of `trace(_:)` checks.
    public func pair(checkedIn c: Int, of t: CycleTrace) -> BlockPair {
        let n = element.width, k = c - stages
        return BlockPair(a: (0..<blockSize).map { UInt32(t.driven("a", cycle: k, at: $0 * n, width: n)) },
                         b: (0..<blockSize).map { UInt32(t.driven("b", cycle: k, at: $0 * n, width: n)) },
                         xa: UInt8(t.driven("xa", cycle: k)), xb: UInt8(t.driven("xb", cycle: k)))
    }

    // MARK: - Datapath parameters

    /// log2 of the weight of the product terms' least significant bit: the smallest product LSB of
    /// the rule, `2 - 2*bias - 2*M` for the exact products (M + 1 by M + 1 significand bits),
    /// `2 - 2*bias - M` for the L-Mul forms and Mitchell (M fraction bits, X >= 2).
    public var productLSB: Int {
        switch rule {
        case .exact: return 2 - 2 * element.bias - 2 * element.mantissaBits
        case .bitAdd, .formula: return 2 - 2 * element.bias - element.mantissaBits
        }
    }

    /// Bits of the largest product magnitude (in units of the LSB) over every finite, non-special
    /// element pair: the width of each product term before its sign.
    public var productBits: Int {
        let f = element, lsb = productLSB
        var largest: UInt64 = 0
        var finite: [UInt32] = []
        for x in 0..<UInt32(1 << (f.width - 1)) where f.classify(x) != .nan && f.classify(x) != .infinity { finite.append(x) }
        for a in finite {
            for b in finite {
                guard case .finite(let v) = MXDot.product(a, b, f, rule), v.significand != 0 else { continue }
                largest = max(largest, v.significand << UInt64(v.exponent - lsb))
            }
        }
        return max(1, 64 - largest.leadingZeroBitCount)
    }

    var treeLevels: Int { blockSize.trailingZeroBitCount }

    /// Bits of the two's-complement sum.
    public var sumBits: Int { productBits + 1 + treeLevels }

    /// The header lines: what the module is, its parameters, its structure and its registers.
    var header: [String] {
        let f = element
        var lines = [
            "\(moduleName): MX block dot product of \(blockSize) x \(f.tag) with e8m0 scales, fp32 result; products by \(kind.rawValue) (\(kind.summary))",
            "SPEC.md \"MX block formats and the MX dot product\"; product rule: \(rule)",
            "generated by: \(command)",
            "parameters: unit=\(kind.rawValue) element=\(f.tag) E=\(f.exponentBits) M=\(f.mantissaBits) bias=\(f.bias) K=\(blockSize) stages=\(stages)"
                + " product_lsb=2^\(productLSB) product_bits=\(productBits) sum_bits=\(sumBits)",
            "a, b: element i at bits [i*\(f.width) +: \(f.width)] (sign | exponent[\(f.exponentBits - 1):0] | fraction[\(f.mantissaBits - 1):0]); xa, xb: e8m0 (2^(x-127), 0xFF NaN); y: fp32",
            "structure: \(blockSize) exact product terms in two's-complement fixed point (LSB 2^\(productLSB), \(productBits + 1) bits with sign),"
                + " a balanced adder tree of \(treeLevels) level\(treeLevels == 1 ? "" : "s") (exact, \(sumBits) bits), then one rounding to fp32:",
            "  leading-zero count, left shift bounded by the fp32 exponent (or right shift with sticky below its normal range),"
                + " round to nearest even, overflow to infinity of the sum's sign",
            "specials: NaN scale, NaN element, inf * 0, or infinities of both signs: 0x7FFFFFFF; else an infinite product: infinity of its sign;"
                + " an exact zero sum: +0, -0 when every product is a negative zero",
        ]
        lines.append("timing: " + timingText)
        return lines
    }

    var cutAfterTree: Bool { stages >= 1 }
    var cutAfterProducts: Bool { stages >= 2 }
    var outputRegisters: Int { max(stages - 2, 0) }

    var timingText: String {
        guard stages > 0 else { return "combinational" }
        var where_: [String] = ["stage 1 after the adder tree (the sum, the special flags and xa + xb)"]
        if cutAfterProducts { where_.append("stage 2 after the product terms (every term, the flags and xa + xb), before the tree") }
        if outputRegisters > 0 { where_.append("\(outputRegisters) more on y") }
        return "\(stages) register stage\(stages == 1 ? "" : "s") (SPEC \"Ports\": y for the inputs before edge k is there before edge k + \(stages)): "
            + where_.joined(separator: "; ") + ". Simple cut points, not balanced by delay"
    }

    // MARK: - Elaboration

    public func elaborate() throws -> Module {
        let m = ModuleBuilder(moduleName)
        m.doc = header
        let f = element, n = f.width, k = blockSize
        if stages > 0 { _ = m.clock() }
        let a = m.input("a", k * n), b = m.input("b", k * n)
        let xa = m.input("xa", 8), xb = m.input("xb", 8)

        // Products: one term per element pair, and the special-value flags.
        let wp = productBits
        var terms: [Signal] = []
        var nans: [Signal] = [], posInfs: [Signal] = [], negInfs: [Signal] = [], negZeros: [Signal] = []
        for i in 0..<k {
            let x = m.decode(m.wire("a\(i)", a[i * n + n - 1, i * n]), f, prefix: "a\(i)")
            let z = m.decode(m.wire("b\(i)", b[i * n + n - 1, i * n]), f, prefix: "b\(i)")
            let p = product(m, x, z, i, width: wp)
            terms.append(p.term)
            if let nan = p.nan { nans.append(nan) }
            if let inf = p.inf {
                posInfs.append(inf & ~p.sign)
                negInfs.append(inf & p.sign)
            }
            negZeros.append(p.zero & p.sign)
        }
        let scaleNaN = xa.isAllOnes | xb.isAllOnes
        var anyNaN = m.wire("any_nan", nans.reduce(scaleNaN) { $0 | $1 }, comment: "a NaN scale, a NaN element or inf * 0")
        var posInf = posInfs.isEmpty ? m.zero : m.wire("pos_inf", posInfs.dropFirst().reduce(posInfs[0]) { $0 | $1 }, comment: "some product is +inf")
        var negInf = negInfs.isEmpty ? m.zero : m.wire("neg_inf", negInfs.dropFirst().reduce(negInfs[0]) { $0 | $1 }, comment: "some product is -inf")
        var allNegZero = m.wire("all_neg_zero", negZeros.dropFirst().reduce(negZeros[0]) { $0 & $1 }, comment: "every product is a negative zero")
        var scaleSum = m.wire("scale_sum", xa.zext(to: 9) + xb.zext(to: 9), comment: "xa + xb: the result is scaled by 2^(xa + xb - 254)")

        // Stage 2's registers (after the product terms).
        func cut(_ s: Signal, _ name: String, _ stage: Int) -> Signal {
            let r = m.register(name, s.width, comment: "register stage \(stage)")
            m.next(r, s)
            return r
        }
        if cutAfterProducts {
            terms = terms.enumerated().map { cut($1, "p\($0)_term_r", 2) }
            anyNaN = cut(anyNaN, "any_nan_r1", 2)
            if f.hasInfinity {
                posInf = cut(posInf, "pos_inf_r1", 2)
                negInf = cut(negInf, "neg_inf_r1", 2)
            }
            allNegZero = cut(allNegZero, "all_neg_zero_r1", 2)
            scaleSum = cut(scaleSum, "scale_sum_r1", 2)
        }

        // The exact sum: a balanced adder tree, each level one bit wider.
        var level = terms
        var depth = 0
        while level.count > 1 {
            depth += 1
            let w = level[0].width + 1
            level = stride(from: 0, to: level.count, by: 2).map { j in
                m.wire("sum_l\(depth)_\(j / 2)", level[j].sext(to: w) + level[j + 1].sext(to: w))
            }
        }
        var sum = m.wire("sum", level[0], comment: "the exact sum of the products, two's complement, LSB 2^\(productLSB)")

        if cutAfterTree {
            sum = cut(sum, "sum_r", 1)
            anyNaN = cut(anyNaN, "any_nan_r", 1)
            if f.hasInfinity {
                posInf = cut(posInf, "pos_inf_r", 1)
                negInf = cut(negInf, "neg_inf_r", 1)
            }
            allNegZero = cut(allNegZero, "all_neg_zero_r", 1)
            scaleSum = cut(scaleSum, "scale_sum_r", 1)
        }

        var y = round(m, sum: sum, scaleSum: scaleSum, nan: anyNaN, posInf: posInf, negInf: negInf, allNegZero: allNegZero)
        for s in 0..<outputRegisters {
            let r = m.register("y_stage\(s + 3)", 32, comment: "register stage \(s + 3) (on y)")
            m.next(r, y)
            y = r
        }
        m.output("y", y)
        return try m.finish()
    }

    /// One element pair: its signed fixed-point term and flags.
    struct ProductTerm {
        var term: Signal
        var sign: Signal
        var zero: Signal
        var nan: Signal?
        var inf: Signal?
    }

    func product(_ m: ModuleBuilder, _ x: DecodedOperand, _ z: DecodedOperand, _ i: Int, width wp: Int) -> ProductTerm {
        let f = element, mb = f.mantissaBits, eb = f.exponentBits
        let sign = m.wire("p\(i)_sign", x.sign ^ z.sign)
        let flush = rule.flushesSubnormalInputs
        let xZero = flush ? x.exponentIsZero : x.isZero, zZero = flush ? z.exponentIsZero : z.isZero
        let zero = m.wire("p\(i)_zero", xZero | zZero, comment: flush ? "a zero or subnormal input (read as zero)" : "a zero input")
        var nan: Signal? = nil, inf: Signal? = nil
        if f.hasNaN {
            var n = x.isNaN | z.isNaN
            if f.hasInfinity { n = n | (x.isInf & zZero) | (z.isInf & xZero) }
            nan = m.wire("p\(i)_nan", n, comment: f.hasInfinity ? "a NaN input or inf * 0" : "a NaN input")
        }
        if f.hasInfinity { inf = m.wire("p\(i)_inf", x.isInf | z.isInf) }

        let significand: Signal, shift: Signal
        switch rule {
        case .exact:
            // (hidden | fa) * (hidden | fb) << (max(ea, 1) + max(eb, 1) - 2)
            significand = m.wire("p\(i)_sig", x.significand.fullProduct(z.significand), comment: "the exact product of the significands")
            let sw = bitsFor(2 * ((1 << eb) - 1))
            let ea = x.exponent.zext(to: sw) | x.exponentIsZero.zext(to: sw), ezb = z.exponent.zext(to: sw) | z.exponentIsZero.zext(to: sw)
            shift = m.wire("p\(i)_shift", ea + ezb - 2, comment: "max(ea, 1) + max(eb, 1) - 2")
        case .bitAdd(let off):
            let sw = f.width + 1
            var s = x.magnitude.zext(to: sw) + z.magnitude.zext(to: sw)
            if off != 0 { s = s + off }
            let sum = m.wire("p\(i)_s", s, comment: "S = A + B + off (off = \(off))")
            significand = m.wire("p\(i)_sig", m.cat(m.one, sum[mb - 1, 0]), comment: "2^M + F, F = S mod 2^M")
            let xw = sw - mb + 1
            shift = m.wire("p\(i)_shift", sum[sw - 1, mb].zext(to: xw) - 2, comment: "X - 2, X = S >> M (>= 2 for normal inputs)")
        case .formula(let off):
            let fw = bitsFor(2 * ((1 << mb) - 1) + off)
            let fsum = m.wire("p\(i)_f", x.fraction.zext(to: fw) + z.fraction.zext(to: fw) + off, comment: "F = fa + fb + off (off = \(off))")
            let carry = m.wire("p\(i)_carry", fsum.uge(1 << mb), comment: "F >= 2^M")
            let renormalised = (fsum - (1 << mb)) >> 1
            let frac = m.wire("p\(i)_frac", m.mux(carry, renormalised[mb - 1, 0], fsum[mb - 1, 0]), comment: "F, or (F - 2^M) >> 1 after a carry")
            significand = m.wire("p\(i)_sig", m.cat(m.one, frac), comment: "2^M + F")
            let xw = bitsFor(2 * ((1 << eb) - 1) + 1 + mb)
            shift = m.wire("p\(i)_shift", x.exponent.zext(to: xw) + z.exponent.zext(to: xw) + carry.zext(to: xw) - 2,
                           comment: "X - 2, X = ea + eb (+1 after a carry)")
        }
        let shifted = significand.zext(to: max(wp, significand.width)).shiftLeft(by: shift)
        var magnitude = shifted.width > wp ? shifted[wp - 1, 0] : shifted
        if flush { magnitude = m.mux(zero, m.zeros(wp), magnitude) }
        let mag = m.wire("p\(i)_mag", magnitude, comment: "|p\(i)| in units of 2^\(productLSB)")
        let term = m.wire("p\(i)_term", m.mux(sign, m.zeros(wp + 1) - mag.zext(to: wp + 1), mag.zext(to: wp + 1)), comment: "p\(i), two's complement")
        return ProductTerm(term: term, sign: sign, zero: zero, nan: nan, inf: inf)
    }

    /// The sum times `2^(scale_sum - 254)`, rounded once to fp32, with the specials.
    func round(_ m: ModuleBuilder, sum: Signal, scaleSum: Signal, nan: Signal, posInf: Signal, negInf: Signal, allNegZero: Signal) -> Signal {
        let ws = sum.width, wa = ws - 1
        let negative = m.wire("sum_neg", sum.msb)
        let sumZero = m.wire("sum_zero", sum.isZero)
        let magnitude = m.wire("sum_mag", m.mux(negative, m.zeros(ws) - sum, sum)[wa - 1, 0], comment: "|sum|")
        let wf = max(wa, 26)
        let frame = wf > wa ? m.wire("frame", m.cat(magnitude, m.zeros(wf - wa)), comment: "|sum| with zeros below: room for 24 bits, guard and sticky") : magnitude
        let lz = m.leadingZeros(magnitude, name: "sum_lz")
        // T: the biased fp32 exponent of the frame's top place, (wa - 1) + lsb + scale_sum - 254 + 127
        let c = wa + productLSB - 128
        let tw = signedBitsFor(min(c - 2, -wa - 2)...max(c + 512, wa + 2, 2 - c)) + 1
        let top = m.wire("top_exp", scaleSum.zext(to: tw) + m.const(c, width: tw),
                         comment: "biased fp32 exponent of |sum|'s top place: scale_sum + (\(c))")
        let low = m.wire("below_normal", top.slt(1), comment: "the top place is below fp32's normal range: shift right")
        let limit = m.wire("shift_limit", top - 1, comment: "the largest left shift that keeps the exponent field >= 0")
        let lzw = lz.zext(to: tw)
        let left = m.wire("norm_shift", m.mux(lzw.sgt(limit), limit, lzw), comment: "min(leading zeros, top_exp - 1)")
        let normalised = m.wire("normalised", frame.shiftLeft(by: left))
        let (shiftedRight, lost) = m.shiftRightSticky(frame, by: m.wire("right_shift", m.const(1, width: tw) - top, comment: "1 - top_exp"), name: "denorm")
        let aligned = m.wire("aligned", m.mux(low, shiftedRight, normalised))
        let expPart = m.wire("exp_part", m.mux(low, m.zeros(tw), limit - left), comment: "exponent field - 1 of the top place (0: subnormal)")
        let sig = aligned[wf - 1, wf - 24]
        let guardBit = aligned[wf - 25]
        let sticky = m.wire("sticky", (wf > 25 ? aligned[wf - 26, 0].orReduce : m.zero) | (low & lost))
        let rounded = m.roundNearestEven(sig, guard: guardBit, sticky: sticky, name: "rounded")
        let ew = tw + 24
        let encoded = m.wire("encoded", m.cat(expPart, m.zeros(23)).zext(to: ew) + rounded.zext(to: ew),
                             comment: "(exponent field - 1) * 2^23 + significand: a rounding carry moves into the exponent")
        let overflow = m.wire("overflow", ~sumZero & encoded.ugt(m.const(0x7F7F_FFFF, width: ew)), comment: "beyond fp32's max finite")
        let sign = m.wire("y_sign", m.mux(sumZero, allNegZero, negative), comment: "zero sum: -0 only when every product is a negative zero")
        let hasInf = element.hasInfinity
        let isNaN = m.wire("y_is_nan", hasInf ? nan | (posInf & negInf) : nan, comment: hasInf ? "a NaN flag, or infinities of both signs" : "a NaN flag")
        let isInf = m.wire("y_is_inf", hasInf ? posInf | negInf | overflow : overflow, comment: hasInf ? "an infinite product, or overflow" : "overflow")
        let infSign = hasInf ? m.mux(posInf | negInf, negInf, sign) : sign
        let finiteMag = m.mux(sumZero, m.zeros(31), encoded[30, 0])
        return m.select([(isNaN, m.const(Int(MXDot.nan), width: 32)),
                         (isInf, m.cat(infSign, m.const(0x7F80_0000, width: 31)))],
                        otherwise: m.cat(sign, finiteMag))
    }
}

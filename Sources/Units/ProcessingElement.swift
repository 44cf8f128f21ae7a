import FloatArith
import HDL

/// SPEC "Processing elements and arrays": one registered multiply-accumulate element. The product
/// comes from an instance of the unit's own module (a separate file), and is added exactly into a
/// two's-complement fixed-point accumulator whose LSB weighs `2^(1 - bias - M)`; a NaN or
/// infinite product leaves the sum unchanged and sets the sticky `invalid`.
///
/// Ports: `clk`; `clear` (synchronous: the sum and `invalid` restart from zero, and a product
/// valid in the same cycle is the first term); `valid` (the product of `a` and `b` is added only
/// when it is 1); `a`, `b`; registered outputs `acc` and `invalid`.
///
///     acc     <= (clear ? 0 : acc) + (valid && product finite ? product in LSBs : 0)
///     invalid <= (clear ? 0 : invalid) | (valid && product NaN or infinite)
public struct ProcessingElement: Hashable, Sendable {
    public let unit: ArithmeticUnit
    /// The exact fixed-point accumulator (SPEC's default PE).
    public let accumulator: AccumulatorFormat
    /// With `--acc fp32|bf16|fp16`: the accumulation format (SPEC "Floating-point accumulation");
    /// the PE then sums with an instance of `fpadd` in that format instead.
    public let floatAccumulator: FloatFormat?
    /// L, the register stages of the floating-point accumulation adder (SPEC "Pipelined PEs"):
    /// 1 is the combinational adder and the single accumulator; L >= 2 keeps L partial sums.
    public let accumulatorStages: Int

    /// The most accumulation-adder stages (`--acc-stages`): L partial sums, L * L cycles of latency.
    public static let maxAccumulatorStages = FPAccumulatorModel.maxPartialSums

    public init(_ unit: ArithmeticUnit, accumulatorWidth: Int? = nil, floatAccumulator: FloatFormat? = nil, accumulatorStages: Int = 1) {
        precondition(floatAccumulator == nil || accumulatorWidth == nil, "a float accumulator has no fixed-point width")
        if let acc = floatAccumulator {
            precondition(FPAdd.widens(unit.format, into: acc), "\(unit.format) products do not widen exactly into \(acc)")
        }
        precondition(accumulatorStages == 1 || floatAccumulator != nil, "L partial sums need a floating-point accumulator")
        precondition((1...Self.maxAccumulatorStages).contains(accumulatorStages))
        self.unit = unit
        accumulator = AccumulatorFormat(unit.format, width: accumulatorWidth)
        self.floatAccumulator = floatAccumulator
        self.accumulatorStages = accumulatorStages
    }

    /// Whether this PE keeps L >= 2 partial sums (and so takes `last`).
    public var hasPartialSums: Bool { accumulatorStages >= 2 }

    /// Cycles by which every result and flag trails the combinational PE's (SPEC "Pipelined
    /// PEs"): the multiplier's S, plus L * L with L >= 2 partial sums (L for the last beat's
    /// addition, (L - 1) * L for the combine).
    public var addedLatency: Int { unit.stages + (hasPartialSums ? accumulatorStages * accumulatorStages : 0) }

    public var format: FloatFormat { unit.format }
    public var isDefaultWidth: Bool { floatAccumulator != nil || accumulator.width == AccumulatorFormat.defaultWidth(unit.format) }
    /// Bits of the `acc` output: the fixed-point width, or the accumulation format's width.
    public var outputWidth: Int { floatAccumulator?.width ?? accumulator.width }
    /// Module-name suffix of the accumulator: `_fp32` (float), `_fp32_p<L>` (float with an
    /// L-stage adder, the adder `fpadd_<acc>_p<L>`), `_acc<W>` (a fixed-point width other than
    /// SPEC's default), or nothing.
    public var accumulatorSuffix: String {
        if let acc = floatAccumulator { return "_\(Self.accumulationName(acc))" + (hasPartialSums ? "_p\(accumulatorStages)" : "") }
        return isDefaultWidth ? "" : "_acc\(accumulator.width)"
    }
    /// `pe_<unit module>` with the accumulator suffix.
    public var moduleName: String { "pe_\(unit.moduleName)" + accumulatorSuffix }
    public var fileName: String { "\(moduleName).v" }

    /// fp32, bf16, fp16 (the `--acc` names), else the format tag.
    public static func accumulationName(_ f: FloatFormat) -> String {
        switch f {
        case .fp32: return "fp32"
        case .bf16: return "bf16"
        case .fp16: return "fp16"
        default: return f.tag
        }
    }

    /// The adder unit of a float-accumulating PE.
    public var adder: ArithmeticUnit? { floatAccumulator.map { ArithmeticUnit(.fpadd, $0, stages: hasPartialSums ? accumulatorStages : 0) } }

    /// The golden model: a fresh accumulator of this PE's width.
    public func goldenAccumulator() -> AccumulatorModel { AccumulatorModel(accumulator) }

    /// The golden matmul of this PE's arithmetic (SPEC's order for a float accumulator).
    public func goldenMatmul(_ a: [[UInt32]], _ b: [[UInt32]]) -> [[Matmul.Element]] {
        let golden = unit.golden
        if let acc = floatAccumulator {
            return Matmul.multiply(a, b, element: format, accumulation: acc, partialSums: accumulatorStages,
                                   multiplierStages: unit.stages) { golden($0, $1) }
        }
        return Matmul.multiply(a, b, accumulator: accumulator, multiplierStages: unit.stages) { golden($0, $1) }
    }

    /// The value an `acc` output holds (for messages).
    public func value(ofAccumulator bits: WideInt) -> Double {
        if let acc = floatAccumulator { return acc.doubleValue(UInt32(truncatingIfNeeded: bits.limbs[0])) }
        return bits.double * pow2(accumulator.lsbExponent)
    }

    /// The LSB weight as text: `2^(1 - bias - M)` evaluated.
    public var lsbText: String { "2^\(accumulator.lsbExponent)" }

    /// Shared header lines of the PE and the array files.
    var accumulatorDoc: [String] {
        if let acc = floatAccumulator {
            if hasPartialSums {
                let l = accumulatorStages
                return ["accumulator: \(l) \(Self.accumulationName(acc)) (\(acc.tag)) partial sums (SPEC \"Pipelined PEs\", L=\(l)): the j-th valid beat of a job sets "
                        + "s[j mod \(l)] = round(s[j mod \(l)] + p), each from +0; at the job's end " + Self.combineText(l) + ", round to nearest even; products widened exactly"]
            }
            return ["accumulator: \(Self.accumulationName(acc)) (\(acc.tag)) register; acc = round(acc + p) per valid beat in arrival order, "
                    + "round to nearest even, from +0 (SPEC \"Floating-point accumulation\"); products widened exactly"]
        }
        return [
            "accumulator: \(accumulator.width)-bit two's complement, LSB = \(lsbText) (2^(1-bias-M)), "
                + (isDefaultWidth ? "SPEC default width (2^16 products of max magnitude cannot overflow)"
                                  : "user width: wraps modulo 2^\(accumulator.width)"),
        ]
    }

    /// `result = ((s0 + s1) + s2) + ...` for L partial sums.
    static func combineText(_ l: Int) -> String {
        var text = "s0"
        for q in 1..<l { text = (q > 1 ? "(\(text))" : text) + " + s\(q)" }
        return "result = " + (l > 2 ? text : "s0 + s1")
    }

    /// The header's parameter line tail: `acc_width=.. acc_lsb=..` or `acc=fp32` (and `acc_stages=L`).
    var accumulatorParameters: String {
        if let acc = floatAccumulator {
            return "acc=\(Self.accumulationName(acc)) acc_width=\(acc.width)" + (hasPartialSums ? " acc_stages=\(accumulatorStages)" : "")
        }
        return "acc_width=\(accumulator.width) acc_lsb=\(lsbText)"
    }

    /// The PE's netlist (`ArrayFault.apply(toPE:of:)` plants a mutation-testing bug in it).
    /// A float-accumulating PE also needs the adder's module.
    public func elaborate(unitModule: Module, adderModule: Module? = nil) throws -> Module {
        if let acc = floatAccumulator {
            guard let adderModule else { preconditionFailure("a float-accumulating PE instantiates fpadd_\(acc.tag)") }
            return try elaborateFloat(unitModule: unitModule, adderModule: adderModule, acc: acc)
        }
        let f = format
        let w = accumulator.width
        let m = ModuleBuilder(moduleName)
        m.doc = [
            "\(moduleName): processing element, \(unit.kind.summary) times exact fixed-point accumulation",
            "format: \(f), bias \(f.bias); SPEC.md \"Processing elements and arrays\" (multiplier: \"\(unit.kind.specRule)\")",
            "generated by: \(ArrayDesign.commandPrefix(unit, accumulatorWidth: isDefaultWidth ? nil: w)) --rows R --cols C (every array of this unit writes this file)",
            "parameters: " + unit.parameters.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + " " + accumulatorParameters,
        ] + accumulatorDoc + [
            "multiplier: instance of \(unit.moduleName) (\(unit.fileName)); its output is added exactly as the unit gives it",
        ] + latencyDoc + [
            "clk: rising edge; clear: synchronous, restarts acc and invalid (a product valid in the same cycle is the first term)",
            "valid: the product of a and b is accumulated only when 1",
            "acc <= (clear ? 0 : acc) + (valid & finite product ? product in LSBs : 0)",
            "invalid <= (clear ? 0 : invalid) | (valid & NaN or infinite product); sticky until clear" + invalidNote,
        ]
        let (clear, valid, p) = ports(m, unitModule: unitModule)
        let special = specialProduct(m, p, comment: "NaN or infinite product: not accumulated, sets invalid")
        // value = sig << shift LSBs: sig = {hidden, fraction}, shift = exponent - 1 (0 for subnormals)
        let shift = m.wire("p_shift", m.mux(p.exponentIsZero, m.const(0, width: f.exponentBits), p.exponent - 1))
        let magnitude = m.wire("p_lsbs", p.significand.zext(to: w).shiftLeft(by: shift),
                               comment: "|product| in accumulator LSBs (exact)")
        let term = m.wire("p_term", m.mux(p.sign, m.zeros(w) - magnitude, magnitude),
                          comment: "signed product in LSBs")
        let take = m.wire("take", valid & ~special)
        let acc = m.register("acc_q", w, comment: "the running sum, \(lsbText) per LSB")
        let base = m.wire("acc_base", m.mux(clear, m.zeros(w), acc))
        m.next(acc, base + m.mux(take, term, m.zeros(w)))
        m.output("acc", acc)
        m.output("invalid", invalidFlag(m, clear: clear, valid: valid, special: special))
        return try m.finish()
    }

    /// SPEC "Pipelined PEs": with a pipelined multiplier, where clear and valid wait for its product.
    var latencyDoc: [String] {
        guard unit.stages > 0 else { return [] }
        return ["multiplier latency \(unit.stages) (SPEC \"Pipelined PEs\"): clear and valid pass \(unit.stages) register\(unit.stages == 1 ? "" : "s") (clear_d*, valid_d*) beside it, "
                + "so the products meet their flags and acc, invalid are those of the combinational PE \(unit.stages) cycle\(unit.stages == 1 ? "" : "s") later"]
    }

    /// The header's note on `invalid` for a format with no NaN or infinity (empty otherwise).
    var invalidNote: String { format.hasNaN || format.hasInfinity ? "" : " (\(format.tag) has no NaN or infinity: invalid is always 0)" }

    /// Whether the product is NaN or infinite; the constant 0 (no wire) for a format with neither
    /// (SPEC "Finite formats").
    func specialProduct(_ m: ModuleBuilder, _ p: DecodedOperand, comment: String) -> Signal {
        guard format.hasNaN || format.hasInfinity else { return m.zero }
        return m.wire("p_special", p.isNaN | p.isInf, comment: comment)
    }

    /// The sticky `invalid` register, `(clear ? 0 : invalid) | (valid & special)`; for a format
    /// without NaN or infinity no product sets it, so it is the constant 0 and no register is built.
    func invalidFlag(_ m: ModuleBuilder, clear: Signal, valid: Signal, special: Signal) -> Signal {
        guard format.hasNaN || format.hasInfinity else { return m.zero }
        let invalid = m.register("invalid_q", 1, comment: "sticky: a NaN or infinite product since the last clear")
        m.next(invalid, (~clear & invalid) | (valid & special))
        return invalid
    }

    /// The ports every PE has (clk, clear, valid, a, b; `last` with L >= 2 partial sums) and the
    /// multiplier instance's product, decoded, with the flags that meet it.
    func ports(_ m: ModuleBuilder, unitModule: Module) -> (clear: Signal, valid: Signal, product: DecodedOperand) {
        let p = portsWithLast(m, unitModule: unitModule)
        return (p.clear, p.valid, p.product)
    }

    func portsWithLast(_ m: ModuleBuilder, unitModule: Module) -> (clk: Signal, clear: Signal, valid: Signal, last: Signal?, product: DecodedOperand) {
        let clk = m.clock()
        let clear = m.input("clear", 1)
        let valid = m.input("valid", 1)
        let last = hasPartialSums ? m.input("last", 1) : nil
        let a = m.input("a", format.width)
        let b = m.input("b", format.width)
        let stages = unit.stages
        guard stages > 0 else {
            let product = m.instance(unitModule, "mul", ["a": a, "b": b])["y"]!
            return (clk, clear, valid, last, m.decode(product, format, prefix: "p"))
        }
        // SPEC "Pipelined PEs": clear, valid (and last) travel with the operands through the multiplier's S stages.
        let product = m.instance(unitModule, "mul", ["clk": clk, "a": a, "b": b])["y"]!
        var (c, v, l) = (clear, valid, last)
        for k in 1...stages {
            let cq = m.register("clear_d\(k)", 1, comment: "clear, \(k) of the multiplier's \(stages) stages later")
            let vq = m.register("valid_d\(k)", 1, comment: "valid, \(k) of the multiplier's \(stages) stages later")
            m.next(cq, c)
            m.next(vq, v)
            (c, v) = (cq, vq)
            if let prev = l {
                let lq = m.register("last_d\(k)", 1, comment: "last, \(k) of the multiplier's \(stages) stages later")
                m.next(lq, prev)
                l = lq
            }
        }
        return (clk, c, v, l, m.decode(product, format, prefix: "p"))
    }

    /// SPEC "Floating-point accumulation": the product widened exactly into the accumulation
    /// format and added by an instance of `fpadd` in that format; NaN and infinite products enter
    /// the sum and set the sticky `invalid`.
    ///
    ///     acc     <= valid ? round((clear ? +0 : acc) + widen(product)) : (clear ? +0 : acc)
    ///     invalid <= (clear ? 0 : invalid) | (valid && product NaN or infinite)
    func elaborateFloat(unitModule: Module, adderModule: Module, acc: FloatFormat) throws -> Module {
        if hasPartialSums { return try elaboratePartialSums(unitModule: unitModule, adderModule: adderModule, acc: acc) }
        let f = format
        let m = ModuleBuilder(moduleName)
        let name = Self.accumulationName(acc)
        m.doc = [
            "\(moduleName): processing element, \(unit.kind.summary) times \(name) accumulation",
            "format: \(f), bias \(f.bias); SPEC.md \"Floating-point accumulation\" (multiplier: \"\(unit.kind.specRule)\")",
            "generated by: \(ArrayDesign.commandPrefix(unit, accumulatorWidth: nil, floatAccumulator: acc)) --rows R --cols C (every array of this unit and accumulator writes this file)",
            "parameters: " + (unit.parameters.map { "\($0.0)=\($0.1)" } + [accumulatorParameters]).joined(separator: " "),
        ] + accumulatorDoc + [
            "multiplier: instance of \(unit.moduleName) (\(unit.fileName)); adder: instance of \(adderModule.name) (\(adderModule.name).v)",
        ] + latencyDoc + [
            "clk: rising edge; clear: synchronous, restarts acc at +0 and invalid (a product valid in the same cycle is the first term)",
            "valid: the product of a and b is accumulated only when 1",
            "acc <= valid ? round((clear ? +0 : acc) + widen(product)) : (clear ? +0 : acc)",
            "invalid <= (clear ? 0 : invalid) | (valid & NaN or infinite product); sticky until clear; the product enters the sum too" + invalidNote,
        ]
        let (clear, valid, p) = ports(m, unitModule: unitModule)
        let special = specialProduct(m, p, comment: "NaN or infinite product: sets invalid (and enters the sum)")
        let widened = widen(m, p, into: acc)
        let accReg = m.register("acc_q", acc.width, comment: "the running \(name) sum")
        let base = m.wire("acc_base", m.mux(clear, m.zeros(acc.width), accReg), comment: "+0 on a job's first beat")
        let sum = m.instance(adderModule, "add", ["a": base, "b": widened])["y"]!
        m.next(accReg, m.mux(m.wire("take", valid), sum, base))
        m.output("acc", accReg)
        m.output("invalid", invalidFlag(m, clear: clear, valid: valid, special: special))
        return try m.finish()
    }

    /// The product's encoding in the accumulation format, exactly (SPEC: the generator refuses
    /// pairs where that is not possible): NaN -> canonical NaN, infinity and zero keep their sign,
    /// element subnormals are normalised (or stay subnormal where the accumulation format's
    /// subnormal range reaches them).
    func widen(_ m: ModuleBuilder, _ p: DecodedOperand, into acc: FloatFormat) -> Signal {
        let f = p.format
        let mf = f.mantissaBits, ma = acc.mantissaBits, ea = acc.exponentBits
        let rebias = acc.bias - f.bias
        // normalise element subnormals: frac = 0..01x..x with lz leading zeros -> 1.x..x00 * 2^-(lz+1)
        let lz = m.leadingZeros(p.fraction, name: "p_frac_lz")
        let xw = signedBitsFor(min(rebias - mf, 0)...(Int(f.exponentMask) + rebias + 1))
        let expAcc = m.wire("p_exp_acc", m.mux(p.exponentIsZero,
                                                m.const(rebias, width: xw) - lz.zext(to: xw),
                                                p.exponent.zext(to: xw) + rebias),
                            comment: "biased exponent in \(acc.tag) (element subnormals normalised)")
        let fracNorm = m.wire("p_frac_norm", m.mux(p.exponentIsZero,
                                                   (p.fraction.zext(to: mf + 1).shiftLeft(by: lz + 1))[mf - 1, 0],
                                                   p.fraction), comment: "fraction below the leading one")
        // (an accumulation format with the element's fraction width takes the fraction as it is)
        let fracWide = ma > mf ? m.cat(fracNorm, m.zeros(ma - mf)) : fracNorm
        // Element values below the accumulation format's smallest normal stay subnormal there.
        let smallestElement = 1 - f.bias - mf
        var magnitude: Signal
        if smallestElement < 1 - acc.bias {
            let tiny = m.wire("p_acc_subnormal", expAcc.slt(1), comment: "below \(acc.tag)'s smallest normal")
            let sig = m.cat(m.one, fracWide)
            let rightShift = m.wire("p_acc_shift", m.const(1, width: xw) - expAcc)
            let sub = m.wire("p_acc_sub", sig.shiftRight(by: rightShift)[ma - 1, 0], comment: "exact: SPEC's pair check guarantees no bit is lost")
            magnitude = m.mux(tiny, m.cat(m.zeros(ea), sub), m.cat(expAcc[ea - 1, 0], fracWide))
        } else {
            magnitude = m.cat(expAcc[ea - 1, 0], fracWide)
        }
        magnitude = m.mux(p.isZero, m.zeros(ea + ma), magnitude)
        if f.hasInfinity { magnitude = m.mux(p.isInf, m.const(Int(acc.infinity!), width: ea + ma), magnitude) }
        return m.wire("p_widened", m.mux(p.isNaN, m.const(Int(acc.canonicalNaN), width: acc.width), m.cat(p.sign, magnitude)),
                      comment: "the product in \(acc.tag), exactly")
    }
}

extension ProcessingElement: Design {
    /// clk, clear, valid, a, b in; the registered acc and invalid out.
    public var signature: Signature {
        Signature([.clock, .input("clear", 1, .clear), .input("valid", 1, .valid)] + (hasPartialSums ? [.input("last", 1, .last)] : [])
                  + [.input("a", format.width, .operand),
                   .input("b", format.width, .operand), .output("acc", outputWidth, .result), .output("invalid", 1, .flag)])
    }

    /// acc and invalid show a beat's effect one cycle later (a pipelined PE: `addedLatency` more).
    public var latency: Int { 1 + addedLatency }

    /// The PE is written by every array of its unit and accumulator.
    public var command: String {
        ArrayDesign.commandPrefix(unit, accumulatorWidth: isDefaultWidth ? nil : accumulator.width, floatAccumulator: floatAccumulator,
                                  accumulatorStages: accumulatorStages) + " --rows 1 --cols 1"
    }

    public func modules() throws -> [Module] {
        let u = try unit.elaborate()
        let add = try adder?.elaborate()
        return [u] + (add.map { [$0] } ?? []) + [try elaborate(unitModule: u, adderModule: add)]
    }

    /// One beat of a PE's input.
    public struct Beat: Sendable {
        public var clear: Bool, valid: Bool, a: UInt32, b: UInt32
        /// The job's last beat (a PE with L >= 2 partial sums combines them and shows the result).
        public var last: Bool
        public init(clear: Bool, valid: Bool, a: UInt32, b: UInt32, last: Bool = false) {
            self.clear = clear
            self.valid = valid
            self.a = a
            self.b = b
            self.last = last
        }
    }

    /// The golden behaviour cycle by cycle: beat c in cycle c; from the first clear on, acc and
    /// invalid in cycle c + 1 are the sum and flag after beat c (before it the registers hold
    /// their power-up values). One more cycle shows the last beat's effect.
    public func trace(_ beats: [Beat]) -> CycleTrace {
        if hasPartialSums { return partialSumTrace(beats) }
        let late = unit.stages          // SPEC "Pipelined PEs": everything S cycles later
        var t = CycleTrace(signature, reserve: beats.count + 1 + late)
        for _ in 0...(beats.count + late) { t.addCycle() }
        var fixed = goldenAccumulator()
        var float = floatAccumulator.map { FPAccumulatorModel(element: format, accumulation: $0) }
        var started = false
        let golden = unit.golden
        for (c, beat) in beats.enumerated() {
            t.drive("clear", beat.clear ? 1 : 0, cycle: c)
            t.drive("valid", beat.valid ? 1 : 0, cycle: c)
            t.drive("a", UInt64(beat.a), cycle: c)
            t.drive("b", UInt64(beat.b), cycle: c)
            if beat.clear {
                started = true
                fixed.clear()
                float?.clear()
            }
            if beat.valid {
                let p = golden(beat.a, beat.b)
                fixed.accumulate(product: p)
                float?.accumulate(product: p)
            }
            guard started else { continue }
            let element = float?.result ?? fixed.result
            for (l, limb) in element.sum.limbs.enumerated() where l * 64 < outputWidth {
                t.expect("acc", limb, cycle: c + 1 + late, at: l * 64, width: min(64, outputWidth - l * 64))
            }
            t.expect("invalid", element.invalid ? 1 : 0, cycle: c + 1 + late)
        }
        return t
    }
}

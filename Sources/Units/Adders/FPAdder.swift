import FloatArith
import HDL

/// SPEC "Floating-point accumulation": the IEEE round-to-nearest-even adder of an accumulation
/// format (module `fpadd_e<E>m<M>`), built from the shared format blocks: decode, compare and swap,
/// align with sticky, add or subtract, normalise (bounded by the exponent, so subnormal results
/// come out of the same shift), round, and the shared result packing with overflow to infinity.
/// Its golden model is `FPAdd.add`. A unit like the multipliers (same ports), so the harness checks,
/// mutates and synthesises it alike; the PEs with `--acc fp32|bf16|fp16` instantiate it.
public enum FPAddUnit: UnitDefinition {
    public static let name = "fpadd"
    public static let summary = "IEEE adder, round to nearest even, subnormals, overflow to infinity"
    public static let note = "the floating-point accumulator's adder (SPEC \"Floating-point accumulation\"): acc = round(acc + p), nearest even, gradual underflow."
    public static let specRule = "Floating-point accumulation"
    public static let role = UnitRole.accumulationAdder
    public static let subnormalInputsAreZero = false

    public static func parameters(_ f: FloatFormat) -> [(String, String)] { [("guard_round_sticky", "3")] }

    public static func unsupported(_ f: FloatFormat, _ overflow: OverflowMode) -> String? {
        if !f.hasInfinity { return "fpadd needs an IEEE-style format; \(f.tag) (\(f.isFinite ? "finite" : "E4M3FN")) has no infinity" }
        if overflow != .saturate { return "fpadd has one overflow rule (SPEC: infinity of the sum's sign); drop --overflow" }
        return nil
    }

    public static func overflowText(_ f: FloatFormat) -> String? {
        "infinity of the sum's sign (SPEC \"Floating-point accumulation\"); exact zero of opposite signs: +0; (-0) + (-0): -0"
    }

    @inlinable
    public static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 {
        FPAdd.add(a, b, f)
    }

    public static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal {
        datapath(m, a, b, f)
    }

    public static func explainPair(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> String? {
        let ca = f.classify(a), cb = f.classify(b)
        if ca == .nan || cb == .nan { return "Floating-point accumulation: a NaN operand gives the canonical NaN" }
        if ca == .infinity && cb == .infinity && f.sign(a) != f.sign(b) { return "Floating-point accumulation: inf + (-inf) gives the canonical NaN" }
        if ca == .infinity || cb == .infinity { return "Floating-point accumulation: inf plus anything finite is that inf" }
        if ca == .zero && cb == .zero { return "Floating-point accumulation: (-0) + (-0) is -0, any other sum of zeros +0" }
        let y = FPAdd.add(a, b, f)
        if f.classify(y) == .infinity { return "Floating-point accumulation: overflow gives infinity of the sum's sign" }
        if y == 0 { return "Floating-point accumulation: an exact zero sum of operands of opposite sign is +0" }
        return "Floating-point accumulation: the exact sum rounded to nearest, ties to even, with gradual underflow"
    }

    public static func explain(result y: UInt32, _ f: FloatFormat) -> String {
        "Floating-point accumulation: the exact sum rounded to nearest, ties to even, with gradual underflow"
    }

    static func datapath(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat) -> Signal {
        let mb = f.mantissaBits, eb = f.exponentBits
        let x = m.decode(a, f, prefix: "a"), z = m.decode(b, f, prefix: "b")
        // Order by magnitude: the encodings of finite values sort like their magnitudes.
        let swap = m.wire("swap", z.magnitude.ugt(x.magnitude), comment: "|b| > |a|: b is the larger operand")
        let bigExp = m.wire("big_exp", m.mux(swap, z.exponent | z.exponentIsZero.zext(to: eb), x.exponent | x.exponentIsZero.zext(to: eb)),
                            comment: "max(e, 1) of the larger operand")
        let smallExp = m.wire("small_exp", m.mux(swap, x.exponent | x.exponentIsZero.zext(to: eb), z.exponent | z.exponentIsZero.zext(to: eb)))
        let bigSign = m.wire("big_sign", m.mux(swap, z.sign, x.sign))
        let grs = 3
        let sw = mb + 1 + grs
        let bigSig = m.wire("big_sig", m.cat(m.mux(swap, z.significand, x.significand), m.zeros(grs)),
                            comment: "significand of the larger operand, then guard, round and sticky places")
        let smallSig = m.wire("small_sig", m.cat(m.mux(swap, x.significand, z.significand), m.zeros(grs)))
        let expDiff = m.wire("exp_diff", bigExp - smallExp, comment: ">= 0: the larger operand's exponent is not below")
        let (aligned, lost) = m.shiftRightSticky(smallSig, by: expDiff, name: "align")
        let smallAligned = m.wire("small_aligned", aligned | lost.zext(to: sw), comment: "shifted-out bits fold into the sticky place")
        let subtract = m.wire("subtract", x.sign ^ z.sign, comment: "effective subtraction")
        let w = sw + 1
        let sum = m.wire("sum", m.mux(subtract, bigSig.zext(to: w) - smallAligned.zext(to: w), bigSig.zext(to: w) + smallAligned.zext(to: w)),
                         comment: "|big| +/- |small| >= 0, one carry place on top")
        let sumZero = m.wire("sum_zero", sum.isZero)
        // Normalise: shift the leading one to the top place, but no further than the exponent
        // allows; what stays below the top is a subnormal result.
        let lz = m.leadingZeros(sum, name: "sum_lz")
        let ew = max(eb, lz.width) + 1
        let lzw = lz.zext(to: ew), bigExpW = bigExp.zext(to: ew)
        let shift = m.wire("norm_shift", m.mux(lzw.ugt(bigExpW), bigExpW, lzw), comment: "min(leading zeros, max(e, 1))")
        let normalised = m.wire("normalised", sum.shiftLeft(by: shift))
        let sig = normalised[w - 1, grs + 1]
        let guardBit = normalised[grs]
        let sticky = m.wire("sticky", normalised[grs - 1, 0].orReduce)
        let rounded = m.roundNearestEven(sig, guard: guardBit, sticky: sticky, name: "rounded")
        let encWidth = ew + mb + 1
        let expPart = m.wire("exp_part", bigExpW - shift, comment: "biased exponent - 1 of the top place (0: subnormal)")
        let encoded = m.wire("encoded", m.cat(expPart, m.zeros(mb)).zext(to: encWidth) + rounded.zext(to: encWidth),
                             comment: "(exponent - 1) * 2^M + significand: a rounding carry moves into the exponent")
        let overflow = m.wire("overflow", encoded.ugt(m.const(Int(f.maxFinite), width: encWidth)), comment: "rounded sum beyond max finite")
        let anyInf = x.isInf | z.isInf
        let nan = m.wire("invalid_sum", x.isNaN | z.isNaN | (x.isInf & z.isInf & subtract), comment: "NaN operand or inf + (-inf)")
        let sign = m.wire("sign", m.mux(sumZero & ~anyInf, x.sign & z.sign, bigSign),
                          comment: "zero sum: -0 only for (-0) + (-0); otherwise the larger operand's sign")
        return m.packResult(ResultSelect(
            sign: sign,
            isNaN: nan,
            isInf: anyInf,
            isZero: sumZero & ~anyInf,
            overflow: overflow,
            magnitude: encoded[f.width - 2, 0]), f, .infinity)
    }
}

extension UnitKind {
    public static let fpadd = UnitKind(FPAddUnit.self)
}

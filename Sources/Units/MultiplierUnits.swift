import FloatArith
import HDL

/// The datapaths of the registered units (Multipliers/). Each reads SPEC's rule for its unit and ends in the shared
/// `packResult`, so NaN, infinity, zero and overflow are decided in one place for all of them.
enum Datapaths {
    /// SPEC "L-Mul, bit-add form": `S = A + B - bias*2^M + off` on the magnitude encodings.
    /// `offset` is SPEC's `off` (`LMulOffset.offset(mantissa:)`; 0 gives Mitchell's method).
    /// An offset of 0 or 1 is the carry-in of the fraction add, whose carry is the carry-in of the
    /// exponent add, and the bias is subtracted from the E result bits alone; a larger offset
    /// (M > 3) is folded with the bias into one constant of a single add of the encodings.
    static func lmul(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode, offset: Int) -> Signal {
        let x = m.decode(a, f, prefix: "a"), z = m.decode(b, f, prefix: "b")
        if offset <= 1 {
            let mb = f.mantissaBits
            let fracSum = m.fractionSum(x, z, offset: offset)
            let carry = m.wire("frac_carry", fracSum[mb], comment: "carry into the exponent field")
            let expSum = m.exponentSum(x, z, carry: carry)
            return lmulTail(m, x, z, lmulRange(m, expSum, fracSum[mb - 1, 0], f), f, mode, saturateFirst: true, offset: offset)
        }
        let w = f.width + 1
        let subtrahend = (f.bias << f.mantissaBits) - offset
        let sum = m.wire("sum", x.magnitude.zext(to: w) + z.magnitude.zext(to: w) - subtrahend,
                         comment: "S = A + B - bias*2^M + off = A + B - \(subtrahend), two's complement")
        let range = LMulRange(
            underflow: m.wire("underflow", sum.slt(m.const(Int(f.minNormal), width: w)), comment: "S < 2^M"),
            overflow: m.wire("overflow", sum.sgt(m.const(Int(f.maxFinite), width: w)), comment: "S > max finite"),
            magnitude: sum[f.width - 2, 0])
        return lmulTail(m, x, z, range, f, mode, saturateFirst: false, offset: offset)
    }

    /// SPEC "L-Mul, formula form": `F = fa + fb + off`, `X = ea + eb - bias`; a carry out of F
    /// increments X and F becomes `floor((F - 2^M) / 2)`.
    static func lmulFormula(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
        let x = m.decode(a, f, prefix: "a"), z = m.decode(b, f, prefix: "b")
        let mb = f.mantissaBits
        let fracSum = m.fractionSum(x, z, offset: LMulOffset.offset(mantissa: mb))
        let carry = m.wire("frac_carry", fracSum[fracSum.width - 1, mb].orReduce, comment: "F >= 2^M: renormalise")
        // F - 2^M is {F[M+1], F[M-1:0]} (F[M+1] only when the offset can carry 2); halved, truncated
        let topBit = fracSum.width > mb + 1 ? fracSum[mb + 1] : m.zero
        let frac = m.wire("frac", m.mux(carry, mb >= 2 ? m.cat(topBit, fracSum[mb - 1, 1]) : topBit, fracSum[mb - 1, 0]),
                          comment: "carry ? floor((F - 2^M) / 2) : F")
        let expSum = m.exponentSum(x, z, carry: carry)
        return lmulTail(m, x, z, lmulRange(m, expSum, frac, f), f, mode, saturateFirst: false, offset: LMulOffset.offset(mantissa: mb))
    }

    /// Where an L-Mul result `S` falls: below the normal range, beyond max finite, else its
    /// magnitude encoding.
    private struct LMulRange {
        var underflow: Signal
        var overflow: Signal
        var magnitude: Signal
    }

    /// `S = (exp_sum - bias) * 2^M + frac` with `exp_sum` unbiased: the range tests are on `exp_sum`
    /// against biased constants, and the bias is subtracted from the E result bits only.
    private static func lmulRange(_ m: ModuleBuilder, _ expSum: Signal, _ frac: Signal, _ f: FloatFormat) -> LMulRange {
        let mb = f.mantissaBits, eb = f.exponentBits
        let maxExp = Int(f.maxFinite) >> mb, maxFrac = Int(f.maxFinite) & ((1 << mb) - 1)
        let underflow = m.wire("underflow", expSum.ule(f.bias), comment: "S < 2^M: exp_sum - bias < 1")
        var beyond = expSum.ugt(maxExp + f.bias)
        if maxFrac != (1 << mb) - 1 { beyond = beyond | (expSum.eq(maxExp + f.bias) & frac.ugt(maxFrac)) }
        let overflow = m.wire("overflow", beyond, comment: "S > max finite")
        let expField = m.wire("exp_field", (expSum - f.bias)[eb - 1, 0], comment: "exp_sum - bias")
        return LMulRange(underflow: underflow, overflow: overflow, magnitude: m.cat(expField, frac))
    }

    /// The rule both L-Mul forms share: subnormal or zero operands give signed zero, `S < 2^M`
    /// flushes to zero, `S > max finite` overflows. `saturateFirst` asks for the saturation value
    /// to be selected before zero where that is the same function (it mapped smaller for the
    /// split bit-add form; for the others it mapped larger, so they keep zero first).
    private static func lmulTail(_ m: ModuleBuilder, _ x: DecodedOperand, _ z: DecodedOperand, _ range: LMulRange,
                                 _ f: FloatFormat, _ mode: OverflowMode, saturateFirst: Bool, offset: Int) -> Signal {
        // An operand with exponent field 0 (A < 2^M) keeps S below 2^M + max finite - bias*2^M + off
        // (the formula form's S is at most the bit-add form's), so when off <= (bias-1)*2^M + 1 a
        // zero result and an overflow never coincide.
        let exclusive = saturateFirst && offset <= ((f.bias - 1) << f.mantissaBits) + 1
        let s = m.multiplierSpecials(x, z, f, subnormalIsZero: true)
        return m.packResult(ResultSelect(
            sign: s.sign,
            isNaN: s.nan,
            isInf: s.inf,
            isZero: x.exponentIsZero | z.exponentIsZero | range.underflow,
            overflow: range.overflow,
            magnitude: range.magnitude,
            zeroExcludesOverflow: exclusive), f, mode)
    }

    /// SPEC "Exact baseline multiplier". Subnormal operands are normalised first (their leading
    /// one becomes the hidden bit, the exponent goes below 1), so the significand product is in
    /// [1, 4) and the one normalising shift is a right shift: by the product's top bit, or further
    /// into the subnormal range. Rounding (nearest even) is the carry into the packing add, which
    /// moves a rounding carry into the exponent.
    static func fpmul(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
        let x = m.decode(a, f, prefix: "a"), z = m.decode(b, f, prefix: "b")
        let mb = f.mantissaBits
        // Exponents in one two's-complement width that holds every intermediate.
        let ew = signedBitsFor((-2 * max(mb - 1, 0) - f.bias - 1)...max(2 * ((1 << f.exponentBits) - 1) - f.bias + 1, 2 * mb + f.bias))
        let norm = m.normalisedPair(x, z, expWidth: ew)
        let exp = m.wire("exp", norm.exponentSum - f.bias,
                         comment: "biased exponent of the product for a significand product in [1, 2)")
        let product = m.wire("product", m.cat(m.one, norm.fractionA).fullProduct(m.cat(m.one, norm.fractionB)),
                             comment: "exact product of the normalised significands, in [1, 4)")
        let high = m.wire("product_high", product.msb, comment: "product >= 2")
        let small = m.wire("exp_small", exp.slt(1), comment: "exponent <= 0: the result is shifted into the subnormal range")
        // A right shift of M+3 or more leaves neither significand nor guard bit: the result is 0.
        let flush = m.wire("exp_flush", exp.slt(-(mb + 1)), comment: "exponent <= -(M+2): rounds to zero")
        let tw = bitsFor(mb + 2)
        let shift = m.wire("shift", m.mux(small, (m.const(1, width: ew) - exp)[tw - 1, 0], high.zext(to: tw)),
                           comment: "right shift: 1 - exponent into the subnormal range, else the product's top bit")
        let (sig, guardBit, sticky) = m.alignRight(product, by: shift, significandBits: mb + 1, name: "aligned")
        // The significand's top bit is the hidden bit of a normal result, so the exponent field is
        // exponent + high for a normal result and that top bit (0 or 1) for a subnormal one.
        let fw = bitsFor(2 * ((1 << f.exponentBits) - 1) - f.bias + 1)   // the field is never negative
        let expField = m.wire("exp_field", m.mux(small, sig[mb].zext(to: fw), exp[fw - 1, 0] + high.zext(to: fw)),
                              comment: "exponent field before rounding")
        let encoded = m.roundPack(expField, sig, guard: guardBit, sticky: sticky, name: "encoded")
        let overflow = m.wire("overflow", encoded.ugt(m.const(Int(f.maxFinite), width: encoded.width)),
                              comment: "rounded result beyond max finite")
        let s = m.multiplierSpecials(x, z, f, subnormalIsZero: false)
        return m.packResult(ResultSelect(
            sign: s.sign,
            isNaN: s.nan,
            isInf: s.inf,
            isZero: x.isZero | z.isZero | flush | (norm.bothSubnormal ?? m.zero),
            overflow: overflow,
            magnitude: encoded[f.width - 2, 0]), f, mode)
    }

    /// SPEC "Exact baseline multiplier", fpmul_ftz: subnormal operands read as zero; the product is
    /// rounded to M fraction bits with an unbounded exponent (tininess after rounding), and a
    /// rounded magnitude below the smallest normal is signed zero.
    static func fpmulFTZ(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
        let x = m.decode(a, f, prefix: "a"), z = m.decode(b, f, prefix: "b")
        let mb = f.mantissaBits, eb = f.exponentBits
        let pw = 2 * mb + 2
        let product = m.wire("product", m.cat(m.one, x.fraction).fullProduct(m.cat(m.one, z.fraction)),
                             comment: "exact product of the significands 1.fa * 1.fb, in [1, 4)")
        let high = m.wire("product_high", product.msb, comment: "product >= 2: one more exponent step")
        let sig = m.wire("sig", m.mux(high, product[pw - 1, mb + 1], product[pw - 2, mb]))
        let guardBit = m.wire("guard_bit", m.mux(high, product[mb], product[mb - 1]))
        let stickyHigh = product[mb - 1, 0].orReduce
        let stickyLow = mb >= 2 ? product[mb - 2, 0].orReduce : m.zero
        let sticky = m.wire("sticky", m.mux(high, stickyHigh, stickyLow))
        let rounded = m.roundNearestEven(sig, guard: guardBit, sticky: sticky, name: "rounded")
        let ew = signedBitsFor((-f.bias - 1)...(1 << (eb + 1)))
        let e0m1 = m.wire("exp_m1", x.exponent.zext(to: ew) + z.exponent.zext(to: ew) + high.zext(to: ew) - (f.bias + 1),
                          comment: "biased exponent - 1: ea + eb - bias + high - 1")
        let encWidth = ew + mb
        let encoded = m.wire("encoded", m.cat(e0m1, m.zeros(mb)) + rounded.zext(to: encWidth),
                             comment: "(exponent - 1) * 2^M + significand: a rounding carry moves into the exponent")
        // An operand with exponent field 0 makes the computed exponent at most the other's field
        // - bias + 2, never beyond max finite when bias >= 2: zero and overflow never coincide.
        // Tininess after rounding: the rounded value's biased exponent is (exponent - 1) plus the
        // carry out of the significand, so the result is below the smallest normal exactly when
        // the encoding is below 2^M.
        let tiny = m.wire("tiny", encoded.slt(m.const(Int(f.minNormal), width: encWidth)),
                          comment: "rounded magnitude below the smallest normal: flush to zero")
        let overflow = m.wire("overflow", encoded.sgt(m.const(Int(f.maxFinite), width: encWidth)),
                              comment: "rounded result beyond max finite")
        let s = m.multiplierSpecials(x, z, f, subnormalIsZero: true)
        return m.packResult(ResultSelect(
            sign: s.sign,
            isNaN: s.nan,
            isInf: s.inf,
            isZero: x.exponentIsZero | z.exponentIsZero | tiny,
            overflow: overflow,
            magnitude: encoded[f.width - 2, 0],
            zeroExcludesOverflow: f.bias >= 2), f, mode)
    }
}

extension ModuleBuilder {
    /// SPEC's special-value rules every multiplier shares: the sign `sa ^ sb`; the canonical NaN
    /// for a NaN operand or infinity times zero (a subnormal operand counting as zero where the unit
    /// reads subnormal inputs as zero); infinity for an infinite operand (IEEE-style formats).
    func multiplierSpecials(_ x: DecodedOperand, _ z: DecodedOperand, _ f: FloatFormat,
                            subnormalIsZero: Bool) -> (sign: Signal, nan: Signal, inf: Signal) {
        let sign = wire("sign", x.sign ^ z.sign)
        var nan = x.isNaN | z.isNaN
        if f.hasInfinity {
            nan = nan | (x.isInf & (subnormalIsZero ? z.exponentIsZero : z.isZero)) | (z.isInf & (subnormalIsZero ? x.exponentIsZero : x.isZero))
        }
        return (sign, nan, f.hasInfinity ? x.isInf | z.isInf : zero)
    }
}

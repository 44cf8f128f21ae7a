import FloatArith
import HDL

/// The datapaths of the four units. Each reads SPEC's rule for its unit and ends in the shared
/// `packResult`, so NaN, infinity, zero and overflow are decided in one place for all of them.
enum Datapaths {
    /// SPEC "L-Mul, bit-add form": `S = A + B - bias*2^M + off` on the magnitude encodings.
    static func lmul(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
        let x = m.decode(a, f, prefix: "a"), z = m.decode(b, f, prefix: "b")
        let w = f.width + 1
        let offset = LMulOffset.offset(mantissa: f.mantissaBits)
        let subtrahend = (f.bias << f.mantissaBits) - offset
        let sum = m.wire("sum", x.magnitude.zext(to: w) + z.magnitude.zext(to: w) - subtrahend,
                         comment: "S = A + B - bias*2^M + off = A + B - \(subtrahend), two's complement")
        return lmulTail(m, x, z, sum, f, mode)
    }

    /// SPEC "L-Mul, formula form": `F = fa + fb + off`, `X = ea + eb - bias`; a carry out of F
    /// increments X and F becomes `floor((F - 2^M) / 2)`.
    static func lmulFormula(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
        let x = m.decode(a, f, prefix: "a"), z = m.decode(b, f, prefix: "b")
        let mb = f.mantissaBits, eb = f.exponentBits
        let offset = LMulOffset.offset(mantissa: mb)
        let fw = mb + 2
        let fracSum = m.wire("frac_sum", x.fraction.zext(to: fw) + z.fraction.zext(to: fw) + m.const(offset, width: fw),
                             comment: "F = fa + fb + off (off = 2^-\(LMulOffset.l(mantissa: mb)) in units of 2^-M)")
        let carry = m.wire("frac_carry", fracSum.uge(1 << mb), comment: "F >= 2^M: renormalise")
        let carried = m.wire("frac_carried", fracSum - (1 << mb))
        let frac = m.wire("frac", m.mux(carry, carried[mb, 1], fracSum[mb - 1, 0]),
                          comment: "carry ? floor((F - 2^M) / 2) : F")
        let ew = eb + 2
        let exp = m.wire("exp", x.exponent.zext(to: ew) + z.exponent.zext(to: ew) + carry.zext(to: ew) - f.bias,
                         comment: "X = ea + eb - bias + carry, two's complement")
        let sum = m.wire("sum", m.cat(exp, frac), comment: "S = X * 2^M + F")
        return lmulTail(m, x, z, sum, f, mode)
    }

    /// The rule both L-Mul forms share: subnormal or zero operands give signed zero,
    /// `S < 2^M` flushes to zero, `S > max finite` overflows.
    private static func lmulTail(_ m: ModuleBuilder, _ x: DecodedOperand, _ z: DecodedOperand, _ sum: Signal,
                                 _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
        let w = sum.width
        let underflow = m.wire("underflow", sum.slt(m.const(Int(f.minNormal), width: w)), comment: "S < 2^M")
        let overflow = m.wire("overflow", sum.sgt(m.const(Int(f.maxFinite), width: w)), comment: "S > max finite")
        let sign = m.wire("sign", x.sign ^ z.sign)
        var nan = x.isNaN | z.isNaN
        if f.hasInfinity { nan = nan | (x.isInf & z.exponentIsZero) | (z.isInf & x.exponentIsZero) }
        return m.packResult(ResultSelect(
            sign: sign,
            isNaN: nan,
            isInf: f.hasInfinity ? x.isInf | z.isInf : m.zero,
            isZero: x.exponentIsZero | z.exponentIsZero | underflow,
            overflow: overflow,
            magnitude: sum[f.width - 2, 0]), f, mode)
    }

    /// SPEC "Exact baseline multiplier": exact significand product, normalised (left by the
    /// leading-zero count, or right into the subnormal range with a sticky bit), rounded to
    /// nearest even, and packed with the carry of rounding flowing into the exponent.
    static func fpmul(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
        let x = m.decode(a, f, prefix: "a"), z = m.decode(b, f, prefix: "b")
        let mb = f.mantissaBits, eb = f.exponentBits
        let pw = 2 * mb + 2
        let product = m.wire("product", x.significand.fullProduct(z.significand),
                             comment: "exact product of the significands (hidden bit 0 for subnormals)")
        // Exponent arithmetic in one two's-complement width that holds every intermediate.
        let ew = signedBitsFor((2 - f.bias - pw)...((1 << (eb + 1)) + pw))
        let expA = m.wire("a_exp_eff", x.exponent | x.exponentIsZero.zext(to: eb), comment: "max(ea, 1)")
        let expB = m.wire("b_exp_eff", z.exponent | z.exponentIsZero.zext(to: eb), comment: "max(eb, 1)")
        let e0m1 = m.wire("exp_top", expA.zext(to: ew) + expB.zext(to: ew) - f.bias,
                          comment: "biased exponent - 1 if the product's top bit is set: ea + eb - bias")
        let lz = m.leadingZeros(product, name: "product_lz")
        let lzw = lz.zext(to: ew)
        let tiny = m.wire("tiny", e0m1.slt(lzw), comment: "normalising fully would leave the normal range")
        let below = m.wire("below_range", e0m1.slt(0), comment: "even the top bit is below the normal range: shift right")
        let leftAmount = m.wire("left_amount", m.mux(tiny, m.mux(below, m.zeros(ew), e0m1), lzw))
        let rightAmount = m.wire("right_amount", m.mux(below, m.zeros(ew) - e0m1, m.zeros(ew)))
        let normalised = m.wire("normalised", product.shiftLeft(by: leftAmount))
        let (denormal, lostBits) = m.shiftRightSticky(product, by: rightAmount, name: "denormal")
        let aligned = m.wire("aligned", m.mux(below, denormal, normalised),
                             comment: "significand in [\(pw - 1):\(mb + 1)], guard in [\(mb)]")
        let sticky = m.wire("sticky", (mb >= 1 ? aligned[mb - 1, 0].orReduce : m.zero) | lostBits)
        let rounded = m.roundNearestEven(aligned[pw - 1, mb + 1], guard: aligned[mb], sticky: sticky, name: "rounded")
        let encWidth = ew + mb
        let expPart = m.wire("exp_part", m.mux(tiny, m.zeros(ew), e0m1 - lzw),
                             comment: "biased exponent - 1 (0 for subnormal results)")
        let encoded = m.wire("encoded", m.cat(expPart, m.zeros(mb)) + rounded.zext(to: encWidth),
                             comment: "(exponent - 1) * 2^M + significand: a rounding carry moves into the exponent")
        let overflow = m.wire("overflow", encoded.ugt(m.const(Int(f.maxFinite), width: encWidth)),
                              comment: "rounded result beyond max finite")
        let sign = m.wire("sign", x.sign ^ z.sign)
        var nan = x.isNaN | z.isNaN
        if f.hasInfinity { nan = nan | (x.isInf & z.isZero) | (z.isInf & x.isZero) }
        return m.packResult(ResultSelect(
            sign: sign,
            isNaN: nan,
            isInf: f.hasInfinity ? x.isInf | z.isInf : m.zero,
            isZero: x.isZero | z.isZero,
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
        // Tininess after rounding: the rounded value's biased exponent is (exponent - 1) plus the
        // carry out of the significand, so the result is below the smallest normal exactly when
        // the encoding is below 2^M.
        let tiny = m.wire("tiny", encoded.slt(m.const(Int(f.minNormal), width: encWidth)),
                          comment: "rounded magnitude below the smallest normal: flush to zero")
        let overflow = m.wire("overflow", encoded.sgt(m.const(Int(f.maxFinite), width: encWidth)),
                              comment: "rounded result beyond max finite")
        let sign = m.wire("sign", x.sign ^ z.sign)
        var nan = x.isNaN | z.isNaN
        if f.hasInfinity { nan = nan | (x.isInf & z.exponentIsZero) | (z.isInf & x.exponentIsZero) }
        return m.packResult(ResultSelect(
            sign: sign,
            isNaN: nan,
            isInf: f.hasInfinity ? x.isInf | z.isInf : m.zero,
            isZero: x.exponentIsZero | z.exponentIsZero | tiny,
            overflow: overflow,
            magnitude: encoded[f.width - 2, 0]), f, mode)
    }
}

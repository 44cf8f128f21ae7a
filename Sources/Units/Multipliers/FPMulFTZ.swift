import FloatArith
import HDL

/// SPEC "Exact baseline multiplier", `fpmul_ftz`: the like-for-like baseline for L-Mul, with
/// subnormal inputs read as zero and tiny results flushed.
public enum FPMulFTZUnit: UnitDefinition {
    public static let name = "fpmul_ftz"
    public static let summary = "exact multiplier, round to nearest even, subnormals flushed to zero"
    public static let note = "as fpmul, with subnormal inputs read as zero and results below the smallest normal flushed to zero."
    public static let specRule = "Exact baseline multiplier (fpmul_ftz)"
    public static let role = UnitRole.exactBaseline
    public static let subnormalInputsAreZero = true
    public static let plotColour = "#17becf"

    @inlinable
    public static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 {
        FPMul.multiply(a, b, f, overflow, flushSubnormals: true)
    }

    public static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal {
        datapath(m, a, b, f, overflow)
    }

    public static func explain(result y: UInt32, _ f: FloatFormat) -> String {
        if y & f.magnitudeMask == 0 { return "fpmul_ftz: a rounded result below the smallest normal flushes to signed zero" }
        return "Exact baseline multiplier (fpmul_ftz): exact product rounded to nearest, ties to even"
    }
}

extension UnitKind {
    public static let fpmulFTZ = UnitKind(FPMulFTZUnit.self)
}

extension FPMulFTZUnit {
    /// SPEC "Exact baseline multiplier", fpmul_ftz: subnormal operands read as zero; the product is
    /// rounded to M fraction bits with an unbounded exponent (tininess after rounding), and a
    /// rounded magnitude below the smallest normal is signed zero.
    static func datapath(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
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

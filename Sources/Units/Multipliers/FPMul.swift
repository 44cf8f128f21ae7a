import FloatArith
import HDL

/// SPEC "Exact baseline multiplier": the exact product rounded to nearest even, with subnormal
/// inputs and gradual underflow.
public enum FPMulUnit: UnitDefinition {
    public static let name = "fpmul"
    public static let summary = "exact multiplier, round to nearest even, subnormal inputs and results"
    public static let note = "exact product rounded to nearest, ties to even, gradual underflow: the 0.5-ulp reference."
    public static let specRule = "Exact baseline multiplier"
    public static let role = UnitRole.exactBaseline
    public static let subnormalInputsAreZero = false
    public static let plotColour = "#1f77b4"

    @inlinable
    public static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 {
        FPMul.multiply(a, b, f, overflow, flushSubnormals: false)
    }

    public static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal {
        datapath(m, a, b, f, overflow)
    }

    public static func explain(result y: UInt32, _ f: FloatFormat) -> String {
        if f.classify(y) == .subnormal || y & f.magnitudeMask == 0 {
            return "Exact baseline multiplier: gradual underflow, rounded to nearest even (subnormal or zero result)"
        }
        return "Exact baseline multiplier: exact product rounded to nearest, ties to even"
    }
}

extension UnitKind {
    public static let fpmul = UnitKind(FPMulUnit.self)
}

extension FPMulUnit {
    /// SPEC "Exact baseline multiplier". Subnormal operands are normalised first (their leading
    /// one becomes the hidden bit, the exponent goes below 1), so the significand product is in
    /// [1, 4) and the one normalising shift is a right shift: by the product's top bit, or further
    /// into the subnormal range. Rounding (nearest even) is the carry into the packing add, which
    /// moves a rounding carry into the exponent.
    static func datapath(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
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
}

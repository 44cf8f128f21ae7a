import FloatArith
import HDL

/// An operand split into its fields, with class flags built on first use, so a unit that never
/// asks whether an operand is infinite gets no such wire.
public final class DecodedOperand {
    let m: ModuleBuilder
    let prefix: String
    public let format: FloatFormat
    public let value: Signal

    init(_ m: ModuleBuilder, _ value: Signal, _ format: FloatFormat, prefix: String) {
        self.m = m
        self.value = value
        self.format = format
        self.prefix = prefix
    }

    private var E: Int { format.exponentBits }
    private var M: Int { format.mantissaBits }

    public var sign: Signal { value.msb }
    /// Exponent field (E bits).
    public lazy var exponent: Signal = m.wire("\(prefix)_exp", value[E + M - 1, M])
    /// Fraction field (M bits).
    public lazy var fraction: Signal = m.wire("\(prefix)_frac", value[M - 1, 0])
    /// Magnitude encoding: exponent and fraction fields (E+M bits).
    public lazy var magnitude: Signal = m.wire("\(prefix)_mag", value[E + M - 1, 0])
    /// Exponent field zero: the operand is zero or subnormal.
    public lazy var exponentIsZero: Signal = m.wire("\(prefix)_exp_zero", exponent.isZero)
    /// Exactly zero (exponent and fraction fields zero).
    public lazy var isZero: Signal = m.wire("\(prefix)_is_zero", magnitude.isZero)
    /// The hidden bit: 1 for normal operands.
    public lazy var hiddenBit: Signal = m.wire("\(prefix)_hidden", ~exponentIsZero)
    /// Significand with the hidden bit (M+1 bits).
    public lazy var significand: Signal = m.wire("\(prefix)_sig", m.cat(hiddenBit, fraction))
    /// NaN: exponent and fraction all ones for E4M3FN; exponent all ones and fraction nonzero for
    /// IEEE-style formats; the constant 0 for finite formats, which have none (so no wire is built).
    public lazy var isNaN: Signal = {
        switch format.encoding {
        case .e4m3fn: return m.wire("\(prefix)_is_nan", magnitude.isAllOnes)
        case .ieee: return m.wire("\(prefix)_is_nan", exponentIsMax & ~fraction.isZero)
        case .finite: return m.zero
        }
    }()
    /// Infinity (always 0 for E4M3FN and the finite formats, which have none).
    public lazy var isInf: Signal = format.hasInfinity ? m.wire("\(prefix)_is_inf", exponentIsMax & fraction.isZero) : m.zero
    private lazy var exponentIsMax: Signal = m.wire("\(prefix)_exp_max", exponent.isAllOnes)
}

extension ModuleBuilder {
    public func decode(_ x: Signal, _ f: FloatFormat, prefix: String) -> DecodedOperand {
        DecodedOperand(self, x, f, prefix: prefix)
    }

    /// Number of leading zeros of `x` (all zeros gives `x.width`), `bitsFor(x.width)` bits, as a
    /// balanced tree of half-width tests so depth grows with log2 of the width.
    public func leadingZeros(_ x: Signal, name: String) -> Signal {
        var size = 1
        while size < x.width { size *= 2 }
        if size > x.width {
            // Pad on the right with ones: the padded value is never all zero, and an all-zero x
            // reads as x.width, which fits because x.width > size / 2.
            let (_, count) = lzcTree(cat(x, ones(size - x.width)))
            return wire(name, count)
        }
        let (allZero, count) = lzcTree(x)
        return wire(name, mux(allZero, const(x.width, width: bitsFor(x.width)), count.zext(to: bitsFor(x.width))))
    }

    /// (all zero, leading zero count) for a power-of-two width.
    private func lzcTree(_ x: Signal) -> (Signal, Signal) {
        if x.width == 1 { return (~x, ~x) }
        if x.width == 2 { return (~(x[1] | x[0]), ~x[1] & x[0]) }
        let half = x.width / 2
        let (hiZero, hiCount) = lzcTree(x[x.width - 1, half])
        let (loZero, loCount) = lzcTree(x[half - 1, 0])
        let allZero = hiZero & loZero
        // count = hiZero ? half + loCount : hiCount   (half is a power of two: it is the top bit)
        let count = cat(hiZero, mux(hiZero, loCount, hiCount))
        return (allZero, count)
    }

    /// Round to nearest, ties to even: `significand + 1` when the guard bit is set and either a
    /// sticky bit or the least significant bit is. One bit wider than `significand`.
    public func roundNearestEven(_ significand: Signal, guard g: Signal, sticky: Signal, name: String) -> Signal {
        let up = wire("\(name)_round_up", g & (sticky | significand[0]))
        let w = significand.width + 1
        return wire(name, significand.zext(to: w) + up.zext(to: w))
    }
}

/// A nonzero operand as `1.fraction * 2^(exponent - bias)`: a subnormal one normalised so that
/// its leading one is the hidden bit (fraction shifted left past it, exponent `-lz` where `lz` is
/// the fraction's leading-zero count, `1 - (lz + 1)`). Meaningless for a zero operand.
public struct NormalisedOperand {
    /// The M fraction bits after the hidden one.
    public let fraction: Signal
    /// The biased exponent, two's complement.
    public let exponent: Signal
}

extension ModuleBuilder {
    public func normalisedOperand(_ x: DecodedOperand, expWidth ew: Int) -> NormalisedOperand {
        let f = x.format, mb = f.mantissaBits
        let lz = leadingZeros(x.fraction, name: "\(x.prefix)_frac_lz")
        // Shifted by lz the leading one is the top bit; the bits after it are the new fraction.
        let shifted = x.fraction.shiftLeft(by: lz)
        let subFraction = mb >= 2 ? cat(shifted[mb - 2, 0], zero) : zeros(mb)
        let fraction = wire("\(x.prefix)_norm_frac", mux(x.exponentIsZero, subFraction, x.fraction),
                            comment: "fraction after the leading one (subnormal operands normalised)")
        let exponent = wire("\(x.prefix)_norm_exp", mux(x.exponentIsZero, zeros(ew) - lz.zext(to: ew), x.exponent.zext(to: ew)),
                            comment: "biased exponent: the field, or -(leading zeros of the fraction) for a subnormal")
        return NormalisedOperand(fraction: fraction, exponent: exponent)
    }

    /// Both operands normalised (see `normalisedOperand`), with the sum of their biased exponents
    /// (`expWidth` bits, two's complement). When the format's bias is at least M + 2 the product of
    /// two subnormals is below half the smallest subnormal and rounds to zero, so one shared
    /// normaliser serves whichever operand is subnormal and `bothSubnormal` says when the result
    /// is zero for that reason; otherwise each operand has its own and `bothSubnormal` is nil.
    public func normalisedPair(_ x: DecodedOperand, _ z: DecodedOperand, expWidth ew: Int)
        -> (fractionA: Signal, fractionB: Signal, exponentSum: Signal, bothSubnormal: Signal?) {
        let f = x.format, mb = f.mantissaBits
        guard f.bias >= mb + 2 else {
            let na = normalisedOperand(x, expWidth: ew), nb = normalisedOperand(z, expWidth: ew)
            return (na.fraction, nb.fraction, na.exponent + nb.exponent, nil)
        }
        let both = wire("both_subnormal", x.exponentIsZero & z.exponentIsZero,
                        comment: "a product of two subnormals rounds to zero (bias >= M + 2)")
        let subFraction = wire("sub_frac", mux(x.exponentIsZero, x.fraction, z.fraction),
                               comment: "the fraction of the subnormal operand (if one is)")
        let lz = leadingZeros(subFraction, name: "sub_frac_lz")
        let shifted = subFraction.shiftLeft(by: lz)
        let normFraction = wire("sub_norm_frac", mb >= 2 ? cat(shifted[mb - 2, 0], zero) : zeros(mb),
                                comment: "its bits after the leading one")
        let fa = wire("a_norm_frac", mux(x.exponentIsZero, normFraction, x.fraction))
        let fb = wire("b_norm_frac", mux(z.exponentIsZero, normFraction, z.fraction))
        let anySub = x.exponentIsZero | z.exponentIsZero
        let lzUsed = wire("sub_exp_adjust", mux(anySub, lz, zeros(lz.width)),
                          comment: "a subnormal operand's biased exponent is -(leading zeros of its fraction)")
        let sum = wire("exp_fields", x.exponent.zext(to: ew) + z.exponent.zext(to: ew) - lzUsed.zext(to: ew),
                       comment: "sum of the operands' biased exponents (a subnormal's field is 0)")
        return (fa, fb, sum, both)
    }

    /// `x >> amount` read as a significand of `significandBits` bits, for `x` laid out as [one
    /// spare top bit | significand | guard bit | rest] when `amount` is 0: the significand, the
    /// guard bit below it, and the sticky OR of every bit of `x` that lands below the guard bit
    /// (exact for every amount). Up to 8 bits `x` is shifted with as many zero bits below it,
    /// which catch what moves past the guard bit; wider, the sticky bit is a mask on `x` instead
    /// of a second shifter half (`make synth` measured each form smaller on its side of 8 bits).
    public func alignRight(_ x: Signal, by amount: Signal, significandBits sb: Int, name: String)
        -> (significand: Signal, guard: Signal, sticky: Signal) {
        let w = x.width, guardIndex = w - 2 - sb
        if w <= 8 {
            let shifted = wire("\(name)_shifted", cat(x, zeros(w)).shiftRight(by: amount),
                               comment: "\(w) zero bits below catch every bit shifted out")
            let significand = wire("\(name)_sig", shifted[2 * w - 2, guardIndex + w + 1])
            let guardBit = wire("\(name)_guard", shifted[guardIndex + w])
            let sticky = wire("\(name)_sticky", shifted[guardIndex + w - 1, 0].orReduce)
            return (significand, guardBit, sticky)
        }
        let shifted = wire("\(name)_shifted", x.shiftRight(by: amount))
        let significand = wire("\(name)_sig", shifted[w - 2, guardIndex + 1])
        let guardBit = wire("\(name)_guard", shifted[guardIndex])
        let kept = wire("\(name)_kept_mask", (ones(w) << guardIndex).shiftLeft(by: amount),
                        comment: "bits of the unshifted value that land at or above the guard bit")
        let sticky = wire("\(name)_sticky", (x & ~kept).orReduce)
        return (significand, guardBit, sticky)
    }

    /// Round to nearest even and pack: `{expField, fraction} + round_up`, the fraction being the
    /// significand without its top (hidden) bit, so a rounding carry moves into the exponent field.
    /// Unsigned, `expField`'s width + M bits.
    public func roundPack(_ expField: Signal, _ significand: Signal, guard g: Signal, sticky: Signal, name: String) -> Signal {
        let mb = significand.width - 1
        let up = wire("\(name)_round_up", g & (sticky | significand[0]), comment: "round to nearest, ties to even")
        let w = expField.width + mb
        return wire(name, cat(expField, significand[mb - 1, 0]) + up.zext(to: w),
                    comment: "{exponent field, fraction} + round up: a carry moves into the exponent")
    }
}

extension ModuleBuilder {
    /// `fa + fb + offset`: M+1 bits, or M+2 when the offset can carry 2 into the exponent field
    /// (bits M and up are the carry out of the fraction field).
    public func fractionSum(_ x: DecodedOperand, _ z: DecodedOperand, offset: Int) -> Signal {
        let mb = x.format.mantissaBits
        let w = bitsFor(2 * ((1 << mb) - 1) + offset)
        var sum = x.fraction.zext(to: w) + z.fraction.zext(to: w)
        if offset != 0 { sum = sum + const(offset, width: w) }
        return wire("frac_sum", sum, comment: offset == 0 ? "F = fa + fb" : "F = fa + fb + off (off = \(offset))")
    }

    /// `ea + eb + carry`, unbiased, wide enough for every sum.
    public func exponentSum(_ x: DecodedOperand, _ z: DecodedOperand, carry: Signal) -> Signal {
        let w = bitsFor(2 * ((1 << x.format.exponentBits) - 1) + (1 << carry.width) - 1)
        return wire("exp_sum", x.exponent.zext(to: w) + z.exponent.zext(to: w) + carry.zext(to: w),
                    comment: "ea + eb + carry (the result's biased exponent plus bias)")
    }
}

/// Bits needed to hold the unsigned value `v`.
public func bitsFor(_ v: Int) -> Int {
    var b = 1
    while (1 << b) <= v { b += 1 }
    return b
}

/// Bits needed to hold every value of `range` in two's complement.
public func signedBitsFor(_ range: ClosedRange<Int>) -> Int {
    var b = 1
    while !(range.lowerBound >= -(1 << (b - 1)) && range.upperBound < (1 << (b - 1))) { b += 1 }
    return b
}

/// The special-value and range outcome every unit ends with (SPEC "Formats", "Overflow").
struct ResultSelect {
    var sign: Signal
    /// The result is the canonical NaN (sign 0).
    var isNaN: Signal
    /// The result is infinity (IEEE-style formats only).
    var isInf: Signal
    /// The result is signed zero.
    var isZero: Signal
    /// The finite result is beyond max finite.
    var overflow: Signal
    /// The magnitude encoding when none of the above holds (E+M bits).
    var magnitude: Signal
    /// `isZero` and `overflow` are never both set (non-special operands), so the saturation value
    /// may be selected before the zero test; this maps smaller for the L-Mul units.
    var zeroExcludesOverflow = false
}

extension ModuleBuilder {
    /// `y`: NaN first, then infinity, zero, overflow (saturate, or inf / NaN as `mode` says), else
    /// the magnitude with its sign.
    func packResult(_ r: ResultSelect, _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
        let magWidth = f.exponentBits + f.mantissaBits
        var nan = r.isNaN
        var inf = r.isInf
        var saturate = r.overflow
        switch mode {
        case .saturate: break
        case .infinity:
            // Overflow only counts for a nonzero result; zero operands take the zero rule.
            let overflow = r.overflow & ~r.isZero
            if f.hasInfinity { inf = inf | overflow } else { nan = nan | overflow }
            saturate = zero
        }
        // A finite format has no NaN: no NaN test and no canonical-NaN mux (`nan` is the constant 0).
        precondition(f.hasNaN || isConstantZero(nan), "\(f.tag) has no NaN, yet the datapath can produce one")
        let isNaN = f.hasNaN ? wire("y_is_nan", nan) : nil
        var specials: [(Signal, Signal)] = []
        if f.hasInfinity, !isConstantZero(inf) {
            specials.append((wire("y_is_inf", inf), const(Int(f.infinity!), width: magWidth)))
        }
        var ranged = [(wire("y_is_zero", r.isZero), zeros(magWidth))]
        if !isConstantZero(saturate) {
            let saturateCase = (wire("y_saturate", saturate), const(Int(f.maxFinite), width: magWidth))
            if r.zeroExcludesOverflow { ranged.insert(saturateCase, at: 0) } else { ranged.append(saturateCase) }
        }
        specials += ranged
        let magnitude = wire("y_mag", select(specials, otherwise: r.magnitude))
        guard let isNaN else { return cat(r.sign, magnitude) }
        return mux(isNaN, const(Int(f.canonicalNaN), width: f.width), cat(r.sign, magnitude))
    }

    func isConstantZero(_ s: Signal) -> Bool { s.isConstant(0) }
}

extension Signal {
    /// True when this signal is the constant `v`.
    public func isConstant(_ v: UInt64) -> Bool { constantValue == v }
}

/// Alignment with sticky for the accumulation adder (fpadd).
extension ModuleBuilder {
    /// `x >> amount` and whether any 1 bits were shifted out; amounts of `x.width` or more shift
    /// everything out.
    public func shiftRightSticky(_ x: Signal, by amount: Signal, name: String) -> (shifted: Signal, sticky: Signal) {
        let shifted = wire("\(name)_shifted", x.shiftRight(by: amount))
        let lostMask = wire("\(name)_lost_mask", ~ones(x.width).shiftLeft(by: amount))
        let sticky = wire("\(name)_sticky", (x & lostMask).orReduce)
        return (shifted, sticky)
    }
}

/// The rule both L-Mul forms and Mitchell end with (SPEC "L-Mul, bit-add form"): where `S` falls
/// (below the normal range, beyond max finite) and the shared tail into `packResult`.
enum LMulBlocks {
    /// Where an L-Mul result `S` falls: below the normal range, beyond max finite, else its
    /// magnitude encoding.
    struct LMulRange {
        var underflow: Signal
        var overflow: Signal
        var magnitude: Signal
    }

    /// `S = (exp_sum - bias) * 2^M + frac` with `exp_sum` unbiased: the range tests are on `exp_sum`
    /// against biased constants, and the bias is subtracted from the E result bits only.
    static func lmulRange(_ m: ModuleBuilder, _ expSum: Signal, _ frac: Signal, _ f: FloatFormat) -> LMulRange {
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
    static func lmulTail(_ m: ModuleBuilder, _ x: DecodedOperand, _ z: DecodedOperand, _ range: LMulRange,
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

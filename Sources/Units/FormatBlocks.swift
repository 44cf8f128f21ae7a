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
    /// NaN: exponent and fraction all ones for E4M3FN; exponent all ones and fraction nonzero otherwise.
    public lazy var isNaN: Signal = format.isE4M3FN
        ? m.wire("\(prefix)_is_nan", magnitude.isAllOnes)
        : m.wire("\(prefix)_is_nan", exponentIsMax & ~fraction.isZero)
    /// Infinity (always 0 for E4M3FN, which has none).
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

    /// `x >> amount` and whether any 1 bits were shifted out; amounts of `x.width` or more shift
    /// everything out.
    public func shiftRightSticky(_ x: Signal, by amount: Signal, name: String) -> (shifted: Signal, sticky: Signal) {
        let shifted = wire("\(name)_shifted", x.shiftRight(by: amount))
        let lostMask = wire("\(name)_lost_mask", ~ones(x.width).shiftLeft(by: amount))
        let sticky = wire("\(name)_sticky", (x & lostMask).orReduce)
        return (shifted, sticky)
    }

    /// Round to nearest, ties to even: `significand + 1` when the guard bit is set and either a
    /// sticky bit or the least significant bit is. One bit wider than `significand`.
    public func roundNearestEven(_ significand: Signal, guard g: Signal, sticky: Signal, name: String) -> Signal {
        let up = wire("\(name)_round_up", g & (sticky | significand[0]))
        let w = significand.width + 1
        return wire(name, significand.zext(to: w) + up.zext(to: w))
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
        let isNaN = wire("y_is_nan", nan)
        var specials: [(Signal, Signal)] = []
        if f.hasInfinity, !isConstantZero(inf) {
            specials.append((wire("y_is_inf", inf), const(Int(f.infinity!), width: magWidth)))
        }
        specials.append((wire("y_is_zero", r.isZero), zeros(magWidth)))
        if !isConstantZero(saturate) {
            specials.append((wire("y_saturate", saturate), const(Int(f.maxFinite), width: magWidth)))
        }
        let magnitude = wire("y_mag", select(specials, otherwise: r.magnitude))
        return mux(isNaN, const(Int(f.canonicalNaN), width: f.width), cat(r.sign, magnitude))
    }

    func isConstantZero(_ s: Signal) -> Bool { s.isConstant(0) }
}

extension Signal {
    /// True when this signal is the constant `v`.
    public func isConstant(_ v: UInt64) -> Bool { constantValue == v }
}

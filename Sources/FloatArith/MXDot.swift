/// SPEC "MX block formats and the MX dot product": the golden block dot product, written from
/// SPEC's text (products without the element format's range limits, an exact sum, both scales,
/// one rounding to fp32), never from the generated Verilog.

/// How one element pair's product is formed inside the MX dot (SPEC's first bullet). A closed set:
/// each multiplier declares which rule it is (Units' `MXMultiplier`).
public enum MXProductRule: Hashable, Sendable, CustomStringConvertible {
    /// The exact product of the two element values; `flushSubnormals`: subnormal inputs read as
    /// zero (fpmul_ftz), else kept (fpmul).
    case exact(flushSubnormals: Bool)
    /// The bit-add L-Mul: `S = A + B + off` on the magnitudes, value `(2^M + F) * 2^(X - 2*bias - M)`
    /// with `X = S >> M`, `F = S mod 2^M` (Mitchell: `off = 0`). Subnormal inputs read as zero.
    case bitAdd(offset: Int)
    /// The formula L-Mul: `F = fa + fb + off`, `X = ea + eb`, a carry out of F renormalised by
    /// truncation; value `(2^M + F) * 2^(X - 2*bias - M)`. Subnormal inputs read as zero.
    case formula(offset: Int)

    /// Whether a subnormal input reads as zero.
    public var flushesSubnormalInputs: Bool {
        switch self {
        case .exact(let flush): return flush
        case .bitAdd, .formula: return true
        }
    }

    public var description: String {
        switch self {
        case .exact(let flush): return flush ? "exact product, subnormal inputs read as zero" : "exact product, subnormals kept"
        case .bitAdd(let off): return "bit-add L-Mul product, S = A + B + \(off), value (2^M + F) * 2^(X - 2*bias - M)"
        case .formula(let off): return "formula L-Mul product, F = fa + fb + \(off), X = ea + eb, renormalised by truncation"
        }
    }
}

public enum MXDot {
    /// fp32's canonical NaN, the MX dot's NaN result (SPEC: `0x7FFFFFFF`).
    public static let nan: UInt32 = 0x7FFF_FFFF

    /// One product `p_i`, unrounded.
    public enum Product: Hashable, Sendable {
        case nan
        case infinity(negative: Bool)
        /// Exact; a zero product has significand 0 and keeps its sign `sa ^ sb`.
        case finite(ExactValue)
    }

    /// SPEC's `p_i` for element encodings `a`, `b` of `f` under `rule`.
    public static func product(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ rule: MXProductRule) -> Product {
        let ca = f.classify(a), cb = f.classify(b)
        if ca == .nan || cb == .nan { return .nan }
        let negative = (f.sign(a) ^ f.sign(b)) == 1
        let flush = rule.flushesSubnormalInputs
        func readsAsZero(_ c: FloatClass) -> Bool { c == .zero || (flush && c == .subnormal) }
        if ca == .infinity || cb == .infinity {
            // inf * 0 (a zero or a flushed subnormal) is NaN; otherwise infinity of the product's sign
            return readsAsZero(ca) || readsAsZero(cb) ? .nan : .infinity(negative: negative)
        }
        if readsAsZero(ca) || readsAsZero(cb) { return .finite(ExactValue(negative: negative, significand: 0, exponent: 0)) }
        let m = f.mantissaBits, bias = f.bias
        switch rule {
        case .exact:
            let x = f.exactValue(a)!, y = f.exactValue(b)!
            return .finite(ExactValue(negative: negative, significand: x.significand * y.significand, exponent: x.exponent + y.exponent))
        case .bitAdd(let off):
            let s = Int(a & f.magnitudeMask) + Int(b & f.magnitudeMask) + off
            let x = s >> m, frac = s & ((1 << m) - 1)
            return .finite(ExactValue(negative: negative, significand: UInt64((1 << m) + frac), exponent: x - 2 * bias - m))
        case .formula(let off):
            var frac = Int(f.fraction(a)) + Int(f.fraction(b)) + off
            var x = Int(f.exponentField(a)) + Int(f.exponentField(b))
            if frac >= 1 << m {
                x += 1
                frac = (frac - (1 << m)) >> 1
            }
            return .finite(ExactValue(negative: negative, significand: UInt64((1 << m) + frac), exponent: x - 2 * bias - m))
        }
    }

    /// The block dot `y = 2^(xa-127) * 2^(xb-127) * sum p_i`, fp32 encoding: the exact sum scaled
    /// and rounded once (nearest even, gradual underflow, overflow to infinity of the sum's sign).
    /// An exact zero sum is +0, or -0 when every product is a negative zero. A NaN scale, a NaN
    /// product (NaN element, inf * 0) or infinities of both signs give `0x7FFFFFFF`; otherwise an
    /// infinite product gives infinity of its sign.
    public static func dot(_ a: [UInt32], _ b: [UInt32], xa: UInt8, xb: UInt8, element f: FloatFormat, rule: MXProductRule) -> UInt32 {
        precondition(a.count == b.count && !a.isEmpty, "a block pair has equal, nonzero element counts")
        let scale = ScaleFormat.e8m0
        guard let ea = scale.exponent(xa), let eb = scale.exponent(xb) else { return nan }
        var products: [ExactValue] = []
        products.reserveCapacity(a.count)
        var positiveInfinity = false, negativeInfinity = false
        for i in a.indices {
            switch product(a[i], b[i], f, rule) {
            case .nan: return nan
            case .infinity(let negative): if negative { negativeInfinity = true } else { positiveInfinity = true }
            case .finite(let v): products.append(v)
            }
        }
        if positiveInfinity && negativeInfinity { return nan }
        if positiveInfinity { return 0x7F80_0000 }
        if negativeInfinity { return 0xFF80_0000 }
        guard let (sum, lowest) = exactSum(products) else {
            return products.allSatisfy(\.negative) ? 0x8000_0000 : 0
        }
        if sum == 0 { return 0 }                     // exact cancellation: +0
        var magnitude = sum.magnitude
        var shift = 0
        var sticky: UInt128 = 0
        // Down to 63 bits, the bits shifted out kept as a sticky bit (more than fp32's 24 bits and
        // its guard bit stay above it, so the rounding is the same).
        while magnitude >> 63 != 0 {
            sticky |= magnitude & 1
            magnitude >>= 1
            shift += 1
        }
        let significand = UInt64(magnitude | sticky)
        return Rounding.round(.fp32, sign: sum < 0 ? 1 : 0, significand: significand, exponent: lowest + shift + ea + eb,
                              flushSubnormals: false, overflow: .infinity)
    }

    /// The exact sum of finite products: `sum * 2^lowest` (two's complement), `lowest` the smallest
    /// exponent of a nonzero product; nil when every product is zero. Exact: every product is below
    /// 2^72 (SPEC's formats), aligned to the lowest exponent.
    static func exactSum(_ products: [ExactValue]) -> (sum: Int128, lowest: Int)? {
        let nonzero = products.filter { $0.significand != 0 }
        guard let lowest = nonzero.map(\.exponent).min() else { return nil }
        var sum: Int128 = 0
        for p in nonzero {
            let v = Int128(p.significand) << (p.exponent - lowest)
            sum += p.negative ? -v : v
        }
        return (sum, lowest)
    }

    /// The exact scaled sum `2^(xa-127) * 2^(xb-127) * sum p_i` that `dot` rounds once to fp32, as
    /// `magnitude * 2^exponent` with its sign; nil when the result is a special (NaN scale, NaN or
    /// infinite product) or the sum is exactly zero (no rounding takes place).
    public static func scaledSum(_ a: [UInt32], _ b: [UInt32], xa: UInt8, xb: UInt8, element f: FloatFormat, rule: MXProductRule)
        -> (negative: Bool, magnitude: UInt128, exponent: Int)? {
        let scale = ScaleFormat.e8m0
        guard let ea = scale.exponent(xa), let eb = scale.exponent(xb) else { return nil }
        var products: [ExactValue] = []
        for i in a.indices {
            guard case .finite(let v) = product(a[i], b[i], f, rule) else { return nil }
            products.append(v)
        }
        guard let (sum, lowest) = exactSum(products), sum != 0 else { return nil }
        return (sum < 0, sum.magnitude, lowest + ea + eb)
    }
}

/// The golden models: bit-exact readings of SPEC.md, in exact integer arithmetic. These are written
/// from the specification text, never from the generated Verilog; the RTL is checked against them.

/// SPEC's L-Mul offset `2^(M - l)`: l = M for M <= 3, 3 for M = 4, 4 above.
public enum LMulOffset {
    public static func l(mantissa m: Int) -> Int { m <= 3 ? m : (m == 4 ? 3 : 4) }
    public static func offset(mantissa m: Int) -> Int { 1 << (m - l(mantissa: m)) }
}

/// A unit's arithmetic: its golden model on encodings. The unit types in the Units target conform
/// (through `UnitDefinition`), so every caller reaches a unit's model the same way.
public protocol MultiplierFunction: Sendable {
    /// The SPEC result encoding for operand encodings `a`, `b`.
    static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32

    /// `y[i] = golden(a[i], b[i])`. The default is specialised per conforming type, so a caller
    /// holding only `any MultiplierFunction.Type` pays one dynamic call per batch, not per pair.
    static func evaluate(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>,
                         into y: UnsafeMutableBufferPointer<UInt32>, _ f: FloatFormat, _ overflow: OverflowMode)

    /// `y[i] = golden(a, b[i])`: one row of an exhaustive walk, specialised like `evaluate`.
    static func evaluateRow(_ a: UInt32, _ b: UnsafeBufferPointer<UInt32>,
                            into y: UnsafeMutableBufferPointer<UInt32>, _ f: FloatFormat, _ overflow: OverflowMode)
}

extension MultiplierFunction {
    @inlinable
    public static func evaluate(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>,
                                into y: UnsafeMutableBufferPointer<UInt32>, _ f: FloatFormat, _ overflow: OverflowMode) {
        precondition(a.count == b.count && y.count >= a.count, "evaluate: operand and result buffers of matching length")
        for i in 0..<a.count { y[i] = golden(a[i], b[i], f, overflow) }
    }

    @inlinable
    public static func evaluateRow(_ a: UInt32, _ b: UnsafeBufferPointer<UInt32>,
                                   into y: UnsafeMutableBufferPointer<UInt32>, _ f: FloatFormat, _ overflow: OverflowMode) {
        precondition(y.count >= b.count, "evaluateRow: a result buffer as long as the row")
        for i in 0..<b.count { y[i] = golden(a, b[i], f, overflow) }
    }
}

/// Special-value rules shared by every unit (SPEC "Formats" and the per-unit sections).
public enum Specials {
    /// The result when an operand is NaN or infinite, or zero (or, when `subnormalIsZero`,
    /// subnormal); nil when both operands are finite and nonzero.
    @inlinable
    public static func result(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, subnormalIsZero: Bool) -> UInt32? {
        let ca = f.classify(a), cb = f.classify(b)
        if ca == .nan || cb == .nan { return f.canonicalNaN }
        func isZero(_ c: FloatClass) -> Bool { c == .zero || (subnormalIsZero && c == .subnormal) }
        let sign = (a ^ b) & f.signMask
        if ca == .infinity || cb == .infinity {
            if isZero(ca) || isZero(cb) { return f.canonicalNaN }
            return sign | f.infinity!
        }
        if isZero(ca) || isZero(cb) { return sign }
        return nil
    }
}

public enum Rounding {
    /// SPEC "Overflow": saturate to max finite, or infinity (IEEE-style) / canonical NaN (E4M3FN).
    @inlinable
    public static func overflowResult(_ f: FloatFormat, sign: UInt32, _ mode: OverflowMode) -> UInt32 {
        switch mode {
        case .saturate: return (sign << UInt32(f.width - 1)) | f.maxFinite
        case .infinity:
            guard let inf = f.infinity else { return f.canonicalNaN }
            return (sign << UInt32(f.width - 1)) | inf
        }
    }

    /// Rounds `significand * 2^exponent` (exact) to the format: nearest, ties to even, gradual
    /// underflow; overflow decided on the rounded result. With `flushSubnormals` (SPEC fpmul_ftz,
    /// tininess after rounding) the value is rounded to M fraction bits as though the exponent
    /// range were unbounded, and a rounded magnitude below the smallest normal is signed zero.
    @inlinable
    public static func round(_ f: FloatFormat, sign: UInt32, significand: UInt64, exponent: Int,
                             flushSubnormals: Bool, overflow: OverflowMode) -> UInt32 {
        let signBits = sign << UInt32(f.width - 1)
        if significand == 0 { return signBits }
        let m = f.mantissaBits
        let msb = 63 - significand.leadingZeroBitCount
        let k = msb + exponent                  // value in [2^k, 2^(k+1))
        let emin = 1 - f.bias
        // exponent of the result's last place: the binade's, or the subnormal grid's below emin
        // (never for flushSubnormals, whose exponent range is unbounded until after rounding)
        var q = (flushSubnormals ? k : max(k, emin)) - m
        let shift = q - exponent
        var r: UInt64
        if shift <= 0 {
            r = significand << UInt64(-shift)   // exact; r < 2^(m+1)
        } else if shift > msb + 1 {
            r = 0                               // below half the last place
        } else if shift == msb + 1 {
            // value in [half, one) of the last place: a tie only for a power of two, which rounds to 0 (even)
            r = significand.nonzeroBitCount == 1 ? 0 : 1
        } else {
            r = significand >> UInt64(shift)
            let rem = significand & ((1 << UInt64(shift)) - 1)
            let half: UInt64 = 1 << UInt64(shift - 1)
            if rem > half || (rem == half && r & 1 == 1) { r += 1 }
        }
        if r == 0 { return signBits }
        if r >= 1 << UInt64(m + 1) {            // rounding carried into the next binade
            r >>= 1
            q += 1
        }
        if flushSubnormals && q + m < emin {    // rounded magnitude below the smallest normal
            return signBits
        }
        if r < 1 << UInt64(m) {                 // subnormal result (q == emin - m)
            return signBits | UInt32(r)
        }
        let field = q + m + f.bias
        if field > f.maxFiniteExponentField { return overflowResult(f, sign: sign, overflow) }
        let enc = (UInt32(field) << UInt32(m)) | UInt32(r - (1 << UInt64(m)))
        if enc > f.maxFinite { return overflowResult(f, sign: sign, overflow) }
        return signBits | enc
    }
}

/// SPEC "L-Mul, bit-add form" and "L-Mul, formula form".
public enum LMul {
    /// `S = A + B - bias*2^M + off` on the magnitude encodings; `offset: 0` is plain Mitchell.
    @inlinable
    public static func bitAdd(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode, offset: Int) -> UInt32 {
        if let s = Specials.result(a, b, f, subnormalIsZero: true) { return s }
        let sign = ((a ^ b) & f.signMask) >> UInt32(f.width - 1)
        let s = Int(a & f.magnitudeMask) + Int(b & f.magnitudeMask) - (f.bias << f.mantissaBits) + offset
        return pack(s, sign: sign, f, overflow)
    }

    /// `F = fa + fb + off`, `X = ea + eb - bias`; a carry out of F renormalises by truncation.
    @inlinable
    public static func formula(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 {
        if let s = Specials.result(a, b, f, subnormalIsZero: true) { return s }
        let sign = ((a ^ b) & f.signMask) >> UInt32(f.width - 1)
        let m = f.mantissaBits
        var frac = Int(f.fraction(a)) + Int(f.fraction(b)) + LMulOffset.offset(mantissa: m)
        var x = Int(f.exponentField(a)) + Int(f.exponentField(b)) - f.bias
        if frac >= 1 << m {
            x += 1
            frac = (frac - (1 << m)) >> 1
        }
        return pack(x * (1 << m) + frac, sign: sign, f, overflow)
    }

    /// The shared tail of both forms: `S < 2^M` is signed zero, `S > max finite` overflows.
    @inlinable
    static func pack(_ s: Int, sign: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 {
        let signBits = sign << UInt32(f.width - 1)
        if s < Int(f.minNormal) { return signBits }
        if s > Int(f.maxFinite) { return Rounding.overflowResult(f, sign: sign, overflow) }
        return signBits | UInt32(s)
    }
}

/// SPEC "Exact baseline multiplier": the exact product rounded to nearest even.
public enum FPMul {
    @inlinable
    public static func multiply(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode,
                                flushSubnormals: Bool) -> UInt32 {
        if let s = Specials.result(a, b, f, subnormalIsZero: flushSubnormals) { return s }
        let sign = ((a ^ b) & f.signMask) >> UInt32(f.width - 1)
        let m = UInt32(f.mantissaBits)
        let ea = f.exponentField(a), eb = f.exponentField(b)
        let sa = UInt64(f.fraction(a) | (ea == 0 ? 0 : 1 << m))
        let sb = UInt64(f.fraction(b) | (eb == 0 ? 0 : 1 << m))
        let exponent = Int(max(ea, 1)) + Int(max(eb, 1)) - 2 * f.bias - 2 * Int(m)
        return Rounding.round(f, sign: sign, significand: sa * sb, exponent: exponent,
                              flushSubnormals: flushSubnormals, overflow: overflow)
    }
}

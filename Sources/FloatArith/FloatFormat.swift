/// A floating-point format `e{E}m{M}` as SPEC.md "Formats" defines it: 1 sign bit, E exponent bits,
/// M fraction bits, bias `2^(E-1) - 1`. E4M3 is always OCP E4M3FN (no infinity, NaN only at
/// `S.1111.111`); every other format is IEEE-style (exponent all ones is inf or NaN).
public struct FloatFormat: Hashable, Sendable, CustomStringConvertible {
    public let exponentBits: Int
    public let mantissaBits: Int

    // Derived constants, stored because the golden models run billions of times.
    public let width: Int
    public let bias: Int
    public let isE4M3FN: Bool
    public let signMask: UInt32
    public let magnitudeMask: UInt32
    public let fractionMask: UInt32
    public let exponentMask: UInt32      // the exponent field's all-ones value, unshifted
    public let maxFinite: UInt32          // magnitude encoding of the largest finite value
    public let canonicalNaN: UInt32       // sign 0, exponent and fraction all ones
    public let infinity: UInt32?          // magnitude encoding of infinity (IEEE-style only)
    public let minNormal: UInt32          // magnitude encoding of the smallest normal, 2^M

    public static let exponentRange = 2...8
    public static let mantissaRange = 1...23

    public enum FormatError: Error, Equatable, CustomStringConvertible {
        case exponentOutOfRange(Int)
        case mantissaOutOfRange(Int)
        case noDefaultExponent(mantissa: Int)
        public var description: String {
            switch self {
            case .exponentOutOfRange(let e):
                return "exponent width \(e) is out of range: SPEC allows 2...8 exponent bits"
            case .mantissaOutOfRange(let m):
                return "mantissa width \(m) is out of range: SPEC allows 1...23 fraction bits"
            case .noDefaultExponent(let m):
                return "--mantissa \(m) has no default format; add --exponent E (2...8), e.g. --exponent 5 --mantissa \(m)"
            }
        }
    }

    public init(exponent: Int, mantissa: Int) throws(FormatError) {
        guard FloatFormat.exponentRange.contains(exponent) else { throw .exponentOutOfRange(exponent) }
        guard FloatFormat.mantissaRange.contains(mantissa) else { throw .mantissaOutOfRange(mantissa) }
        self.init(unchecked: exponent, mantissa)
    }

    private init(unchecked e: Int, _ m: Int) {
        exponentBits = e
        mantissaBits = m
        width = 1 + e + m
        bias = (1 << (e - 1)) - 1
        isE4M3FN = e == 4 && m == 3
        signMask = 1 << UInt32(e + m)
        magnitudeMask = signMask - 1
        fractionMask = (1 << UInt32(m)) - 1
        exponentMask = (1 << UInt32(e)) - 1
        canonicalNaN = magnitudeMask
        minNormal = 1 << UInt32(m)
        if isE4M3FN {
            infinity = nil
            maxFinite = magnitudeMask - 1              // S.1111.110
        } else {
            infinity = exponentMask << UInt32(m)
            maxFinite = ((exponentMask - 1) << UInt32(m)) | fractionMask
        }
    }

    public static let e4m3 = FloatFormat(unchecked: 4, 3)
    public static let e5m2 = FloatFormat(unchecked: 5, 2)
    public static let bf16 = FloatFormat(unchecked: 8, 7)
    public static let fp16 = FloatFormat(unchecked: 5, 10)
    public static let fp32 = FloatFormat(unchecked: 8, 23)

    /// The format `--mantissa M` selects without `--exponent` (SPEC's table), if any.
    public static func defaultFormat(mantissa: Int) -> FloatFormat? {
        switch mantissa {
        case 3: return .e4m3
        case 2: return .e5m2
        case 7: return .bf16
        case 10: return .fp16
        case 23: return .fp32
        default: return nil
        }
    }

    /// Resolves `--exponent`/`--mantissa` as the CLI does.
    public static func resolve(exponent: Int?, mantissa: Int) throws(FormatError) -> FloatFormat {
        guard mantissaRange.contains(mantissa) else { throw .mantissaOutOfRange(mantissa) }
        if let e = exponent { return try FloatFormat(exponent: e, mantissa: mantissa) }
        guard let f = defaultFormat(mantissa: mantissa) else { throw .noDefaultExponent(mantissa: mantissa) }
        return f
    }

    public var hasInfinity: Bool { !isE4M3FN }

    /// `e4m3`: the tag used in module names.
    public var tag: String { "e\(exponentBits)m\(mantissaBits)" }

    /// The field widths a tag `e<E>m<M>` names, unchecked against SPEC's ranges; nil when it is not
    /// of that shape.
    public static func fields(ofTag tag: some StringProtocol) -> (exponent: Int, mantissa: Int)? {
        guard tag.hasPrefix("e") else { return nil }
        let parts = tag.dropFirst().split(separator: "m", omittingEmptySubsequences: false)
        guard parts.count == 2, let e = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        return (e, m)
    }

    /// The format a tag names (the inverse of `tag`), or nil.
    public init?(tag: some StringProtocol) {
        guard let (e, m) = FloatFormat.fields(ofTag: tag), let f = try? FloatFormat(exponent: e, mantissa: m) else { return nil }
        self = f
    }

    /// The common name, where the format has one.
    public var commonName: String? {
        switch (exponentBits, mantissaBits) {
        case (4, 3): return "OCP E4M3FN"
        case (5, 2): return "OCP E5M2"
        case (8, 7): return "bf16"
        case (5, 10): return "fp16"
        case (8, 23): return "fp32"
        default: return nil
        }
    }

    public var description: String {
        if let c = commonName { return "\(tag) (\(c))" }
        return "\(tag) (IEEE-style)"
    }

    /// Largest biased exponent field of a finite value.
    public var maxFiniteExponentField: Int { isE4M3FN ? Int(exponentMask) : Int(exponentMask) - 1 }

    /// Number of distinct encodings, `2^width`.
    public var encodingCount: Int { 1 << width }
}

public enum FloatClass: String, Sendable, CaseIterable {
    case zero, subnormal, normal, infinity, nan
}

extension FloatFormat {
    @inlinable public func sign(_ x: UInt32) -> UInt32 { (x & signMask) >> UInt32(width - 1) }
    @inlinable public func exponentField(_ x: UInt32) -> UInt32 { (x >> UInt32(mantissaBits)) & exponentMask }
    @inlinable public func fraction(_ x: UInt32) -> UInt32 { x & fractionMask }

    @inlinable public func classify(_ x: UInt32) -> FloatClass {
        let e = exponentField(x), f = fraction(x)
        if e == 0 { return f == 0 ? .zero : .subnormal }
        if isE4M3FN {
            return (x & magnitudeMask) == canonicalNaN ? .nan : .normal
        }
        if e == exponentMask { return f == 0 ? .infinity : .nan }
        return .normal
    }

    @inlinable public func isNaN(_ x: UInt32) -> Bool { classify(x) == .nan }

    /// The exact value of a finite encoding: `(-1)^negative * significand * 2^exponent`.
    public func exactValue(_ x: UInt32) -> ExactValue? {
        let e = Int(exponentField(x)), f = UInt64(fraction(x))
        switch classify(x) {
        case .nan, .infinity: return nil
        case .zero, .subnormal:
            return ExactValue(negative: sign(x) == 1, significand: f, exponent: 1 - bias - mantissaBits)
        case .normal:
            return ExactValue(negative: sign(x) == 1, significand: (1 << UInt64(mantissaBits)) | f,
                              exponent: e - bias - mantissaBits)
        }
    }

    /// The value as a Double (exact for every format SPEC allows).
    public func doubleValue(_ x: UInt32) -> Double {
        switch classify(x) {
        case .nan: return .nan
        case .infinity: return sign(x) == 1 ? -.infinity : .infinity
        default: return exactValue(x)!.double
        }
    }

    /// Encoding of the value `v`, rounded to nearest, ties to even, with gradual underflow and
    /// the given overflow rule. NaN gives the canonical NaN; infinities follow the overflow rule.
    public func encode(_ v: Double, overflow: OverflowMode = .saturate) -> UInt32 {
        if v.isNaN { return canonicalNaN }
        let s: UInt32 = v.sign == .minus ? 1 : 0
        if v.isInfinite { return Rounding.overflowResult(self, sign: s, overflow) }
        if v == 0 { return s << UInt32(width - 1) }
        let mag = v.magnitude
        let sig = mag.significandBitPattern | (mag.isNormal ? 1 << 52 : 0)
        let exp = (mag.isNormal ? Int(mag.exponent) : -1022) - 52
        return Rounding.round(self, sign: s, significand: sig, exponent: exp, flushSubnormals: false, overflow: overflow)
    }
}

/// `(-1)^negative * significand * 2^exponent`, exactly.
public struct ExactValue: Hashable, Sendable {
    public var negative: Bool
    public var significand: UInt64
    public var exponent: Int
    public init(negative: Bool, significand: UInt64, exponent: Int) {
        self.negative = negative
        self.significand = significand
        self.exponent = exponent
    }
    public var double: Double {
        let d = Double(significand) * pow2(exponent)
        return negative ? -d : d
    }
}

/// `2^k` as a Double, exact over the range the formats need (and beyond, down to subnormal doubles).
@inlinable public func pow2(_ k: Int) -> Double {
    if k >= -1022 && k <= 1023 { return Double(sign: .plus, exponent: k, significand: 1) }
    return k < 0 ? Double(sign: .plus, exponent: -1022, significand: 1) * pow2(k + 1022) : .infinity
}

/// SPEC "Overflow": what a result beyond max finite becomes.
public enum OverflowMode: String, Sendable, CaseIterable {
    /// Magnitude clamps to max finite (the default).
    case saturate = "sat"
    /// Infinity for IEEE-style formats, the canonical NaN for E4M3FN.
    case infinity = "inf"
}

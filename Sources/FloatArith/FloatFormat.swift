/// A floating-point format `e{E}m{M}` as SPEC.md "Formats" defines it: 1 sign bit, E exponent bits,
/// M fraction bits, bias `2^(E-1) - 1`, and an encoding of its special values: IEEE-style (exponent
/// all ones is inf or NaN), OCP E4M3FN (no infinity, NaN only at `S.1111.111`; always the encoding of
/// E = 4, M = 3) or finite (SPEC "Finite formats", the OCP MX element types e2m1fn, e2m3fn, e3m2fn:
/// no NaN, no infinity, the all-ones exponent an ordinary binade).
public struct FloatFormat: Hashable, Sendable, CustomStringConvertible {
    /// How a format spends its top binade on special values.
    public enum Encoding: String, Hashable, Sendable {
        /// Exponent all ones: infinity (fraction 0) or NaN (fraction nonzero).
        case ieee = "IEEE-style"
        /// OCP E4M3FN: no infinity; NaN only with exponent and fraction all ones.
        case e4m3fn = "OCP E4M3FN"
        /// No special values: every encoding is a finite number (SPEC "Finite formats").
        case finite = "finite"
    }

    public let exponentBits: Int
    public let mantissaBits: Int
    public let encoding: Encoding

    // Derived constants, stored because the golden models run billions of times.
    public let width: Int
    public let bias: Int
    /// The format has NaN encodings (IEEE-style and E4M3FN; not the finite formats).
    public let hasNaN: Bool
    public let signMask: UInt32
    public let magnitudeMask: UInt32
    public let fractionMask: UInt32
    public let exponentMask: UInt32      // the exponent field's all-ones value, unshifted
    public let maxFinite: UInt32          // magnitude encoding of the largest finite value
    public let infinity: UInt32?          // magnitude encoding of infinity (IEEE-style only)
    public let minNormal: UInt32          // magnitude encoding of the smallest normal, 2^M
    /// Largest biased exponent field of a finite value.
    public let maxFiniteExponentField: Int

    public static let exponentRange = 2...8
    public static let mantissaRange = 1...23

    public enum FormatError: Error, Equatable, CustomStringConvertible {
        case exponentOutOfRange(Int)
        case mantissaOutOfRange(Int)
        case noDefaultExponent(mantissa: Int)
        /// `e<E>m<M>fn` other than SPEC's three finite formats.
        case notAFiniteFormat(String)
        /// A `--format` name that is no format.
        case unknownName(String)
        /// A name that would be a format written another way (capitals, leading zeros): the
        /// canonical spelling beside it. Every option that takes a format name takes only that.
        case notCanonical(String, canonical: String)
        public var description: String {
            switch self {
            case .exponentOutOfRange(let e):
                return "exponent width \(e) is out of range: SPEC allows 2...8 exponent bits"
            case .mantissaOutOfRange(let m):
                return "mantissa width \(m) is out of range: SPEC allows 1...23 fraction bits"
            case .noDefaultExponent(let m):
                return "--mantissa \(m) has no default format; add --exponent E (2...8), e.g. --exponent 5 --mantissa \(m)"
            case .notAFiniteFormat(let name):
                return "'\(name)' is not a finite format: SPEC's finite (fn) formats are \(FloatFormat.finiteFormats.map(\.tag).joined(separator: ", "))"
                    + (name == "e4m3fn" ? " (OCP E4M3FN, which has a NaN, is e4m3)" : "")
            case .unknownName(let name):
                return (name.isEmpty ? "empty format name" : "unknown format '\(name)'") + "; give " + FloatFormat.validNames
            case .notCanonical(let name, let canonical):
                return "'\(name)' is not a format name as written; write \(canonical) (format names are lowercase, without leading zeros)"
            }
        }
    }

    /// The names `--format` takes, for messages and `--help`.
    public static let validNames = "e4m3, e5m2, bf16, fp16, fp32, e<E>m<M> (E 2...8, M 1...23, IEEE-style), e2m1fn, e2m3fn or e3m2fn"

    /// The IEEE-style format `e{E}m{M}`, or OCP E4M3FN for E = 4, M = 3.
    public init(exponent: Int, mantissa: Int) throws(FormatError) {
        guard FloatFormat.exponentRange.contains(exponent) else { throw .exponentOutOfRange(exponent) }
        guard FloatFormat.mantissaRange.contains(mantissa) else { throw .mantissaOutOfRange(mantissa) }
        self.init(unchecked: exponent, mantissa, exponent == 4 && mantissa == 3 ? .e4m3fn : .ieee)
    }

    /// One of SPEC's finite formats (e2m1fn, e2m3fn, e3m2fn), or `.notAFiniteFormat`.
    public init(finiteExponent exponent: Int, mantissa: Int) throws(FormatError) {
        guard let f = FloatFormat.finiteFormats.first(where: { $0.exponentBits == exponent && $0.mantissaBits == mantissa }) else {
            throw .notAFiniteFormat("e\(exponent)m\(mantissa)fn")
        }
        self = f
    }

    private init(unchecked e: Int, _ m: Int, _ encoding: Encoding) {
        exponentBits = e
        mantissaBits = m
        self.encoding = encoding
        width = 1 + e + m
        bias = (1 << (e - 1)) - 1
        hasNaN = encoding != .finite
        signMask = 1 << UInt32(e + m)
        magnitudeMask = signMask - 1
        fractionMask = (1 << UInt32(m)) - 1
        exponentMask = (1 << UInt32(e)) - 1
        minNormal = 1 << UInt32(m)
        switch encoding {
        case .ieee:
            infinity = exponentMask << UInt32(m)
            maxFinite = ((exponentMask - 1) << UInt32(m)) | fractionMask
            maxFiniteExponentField = Int(exponentMask) - 1
        case .e4m3fn:
            infinity = nil
            maxFinite = magnitudeMask - 1              // S.1111.110
            maxFiniteExponentField = Int(exponentMask)
        case .finite:
            infinity = nil
            maxFinite = magnitudeMask                  // S.11..1.11..1
            maxFiniteExponentField = Int(exponentMask)
        }
    }

    public static let e4m3 = FloatFormat(unchecked: 4, 3, .e4m3fn)
    public static let e5m2 = FloatFormat(unchecked: 5, 2, .ieee)
    public static let bf16 = FloatFormat(unchecked: 8, 7, .ieee)
    public static let fp16 = FloatFormat(unchecked: 5, 10, .ieee)
    public static let fp32 = FloatFormat(unchecked: 8, 23, .ieee)
    /// SPEC "Finite formats": the OCP MX element types FP4 E2M1, FP6 E2M3 and FP6 E3M2.
    public static let e2m1fn = FloatFormat(unchecked: 2, 1, .finite)
    public static let e2m3fn = FloatFormat(unchecked: 2, 3, .finite)
    public static let e3m2fn = FloatFormat(unchecked: 3, 2, .finite)
    public static let finiteFormats = [e2m1fn, e2m3fn, e3m2fn]

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

    /// Resolves a format name, the one parser of every option that takes one (`--format`,
    /// `--formats`, `--mx-formats`, ...): e4m3, e5m2, bf16, fp16, fp32, any `e<E>m<M>` (IEEE-style,
    /// or E4M3FN for e4m3), or one of the finite formats e2m1fn, e2m3fn, e3m2fn. Only the canonical
    /// spelling is taken: `E4M3` or `e04m3` is refused with `notCanonical` naming `e4m3`.
    public static func named(_ name: String) throws(FormatError) -> FloatFormat {
        let lower = name.lowercased()
        let f: FloatFormat
        do {
            f = try spelled(lower)
        } catch {
            switch error {                         // say it with the user's spelling
            case .unknownName: throw .unknownName(name)
            case .notAFiniteFormat: throw .notAFiniteFormat(name)
            default: throw error
            }
        }
        let canonical = aliases.keys.contains(lower) ? lower : f.tag
        guard name == canonical else { throw .notCanonical(name, canonical: canonical) }
        return f
    }

    /// The common names a format name may be instead of its tag.
    static let aliases: [String: FloatFormat] = ["bf16": .bf16, "fp16": .fp16, "fp32": .fp32]

    /// The format `name` spells, leading zeros allowed (`named` refuses them).
    private static func spelled(_ name: String) throws(FormatError) -> FloatFormat {
        if let f = aliases[name] { return f }
        guard let (e, m, finite) = fields(ofName: name) else { throw .unknownName(name) }
        if finite { return try FloatFormat(finiteExponent: e, mantissa: m) }
        return try FloatFormat(exponent: e, mantissa: m)
    }

    /// Whether the format has an infinity (IEEE-style formats only).
    public var hasInfinity: Bool { infinity != nil }

    /// A finite format: no NaN and no infinity (SPEC "Finite formats").
    public var isFinite: Bool { encoding == .finite }

    /// The canonical NaN (sign 0, exponent and fraction all ones). Only formats with a NaN have
    /// one (`hasNaN`); asking a finite format for it is a programming error.
    @inlinable public var canonicalNaN: UInt32 {
        precondition(hasNaN, "\(tag) has no NaN")
        return magnitudeMask
    }

    /// Why `--overflow` `mode` does not exist for this format (nil: it does).
    public func overflowRefusal(_ mode: OverflowMode) -> String? {
        guard mode == .infinity, isFinite else { return nil }
        return "--overflow inf: there is no infinity in \(tag) (SPEC \"Finite formats\": overflow always saturates); drop --overflow"
    }

    /// `e4m3`: the tag used in module names; `e2m1fn` for the finite formats.
    public var tag: String { "e\(exponentBits)m\(mantissaBits)" + (isFinite ? "fn" : "") }

    /// The field widths a tag `e<E>m<M>` names, unchecked against SPEC's ranges; nil when it is not
    /// of that shape (a finite format's `fn` tag included: see `fields(ofName:)`).
    public static func fields(ofTag tag: some StringProtocol) -> (exponent: Int, mantissa: Int)? {
        guard let (e, m, finite) = fields(ofName: tag), !finite else { return nil }
        return (e, m)
    }

    /// The field widths of `e<E>m<M>` or `e<E>m<M>fn` (digits only, unchecked against SPEC's ranges)
    /// and whether the `fn` suffix is there; nil for any other shape.
    public static func fields(ofName name: some StringProtocol) -> (exponent: Int, mantissa: Int, finite: Bool)? {
        guard name.hasPrefix("e") else { return nil }
        var body = Substring(name.dropFirst())
        let finite = body.hasSuffix("fn")
        if finite { body = body.dropLast(2) }
        let parts = body.split(separator: "m", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let e = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        return (e, m, finite)
    }

    /// The format a tag names (the inverse of `tag`), or nil.
    public init?(tag: some StringProtocol) {
        guard let (e, m, finite) = FloatFormat.fields(ofName: tag) else { return nil }
        guard let f = finite ? try? FloatFormat(finiteExponent: e, mantissa: m) : try? FloatFormat(exponent: e, mantissa: m) else { return nil }
        self = f
    }

    /// The command-line options that select this format: `--format e2m1fn` for a finite format,
    /// else `--mantissa M`, preceded by `--exponent E` unless it is SPEC's default for M.
    public var arguments: [String] {
        if isFinite { return ["--format", tag] }
        var parts: [String] = []
        if FloatFormat.defaultFormat(mantissa: mantissaBits) != self { parts += ["--exponent", "\(exponentBits)"] }
        return parts + ["--mantissa", "\(mantissaBits)"]
    }

    /// The common name, where the format has one.
    public var commonName: String? {
        switch (exponentBits, mantissaBits, encoding) {
        case (4, 3, _): return "OCP E4M3FN"
        case (5, 2, _): return "OCP E5M2"
        case (8, 7, _): return "bf16"
        case (5, 10, _): return "fp16"
        case (8, 23, _): return "fp32"
        case (2, 1, .finite): return "OCP MXFP4 E2M1"
        case (2, 3, .finite): return "OCP MXFP6 E2M3"
        case (3, 2, .finite): return "OCP MXFP6 E3M2"
        default: return nil
        }
    }

    public var description: String {
        if let c = commonName { return "\(tag) (\(c)\(isFinite ? ", finite" : ""))" }
        return "\(tag) (IEEE-style)"
    }

    /// Number of distinct encodings, `2^width`.
    public var encodingCount: Int { 1 << width }
}

/// A format is coded as its tag, the name the CLI's `--format` takes and every report and manifest
/// writes (`e4m3`, `e8m7`, `e2m1fn`; bf16 is written `e8m7`). Decoding accepts exactly a tag this
/// format would write: a common name (`bf16`), leading zeros (`e08m7`), `e4m3fn` or a width out of
/// SPEC's ranges is refused with the reason.
extension FloatFormat: Codable {
    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        let refuse = { (why: String) in
            DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(name)' is not a format tag (\(why))"))
        }
        guard let (e, m, finite) = FloatFormat.fields(ofName: name) else { throw refuse("write e<E>m<M>, e.g. e4m3 or e8m7, or e2m1fn, e2m3fn, e3m2fn") }
        let f: FloatFormat
        do { f = finite ? try FloatFormat(finiteExponent: e, mantissa: m) : try FloatFormat(exponent: e, mantissa: m) } catch { throw refuse(error.description) }
        guard f.tag == name else { throw refuse("its tag is \(f.tag)") }
        self = f
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(tag)
    }
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
        switch encoding {
        case .finite: return .normal
        case .e4m3fn: return (x & magnitudeMask) == magnitudeMask ? .nan : .normal
        case .ieee: return e == exponentMask ? (f == 0 ? .infinity : .nan) : .normal
        }
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
/// Coded as its raw value, "sat" or "inf" (the manifest's and the reports' spelling).
public enum OverflowMode: String, Sendable, CaseIterable, Codable {
    /// Magnitude clamps to max finite (the default).
    case saturate = "sat"
    /// Infinity for IEEE-style formats, the canonical NaN for E4M3FN (refused for finite formats).
    case infinity = "inf"
}

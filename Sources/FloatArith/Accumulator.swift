/// SPEC "Processing elements and arrays": exact two's-complement fixed-point accumulation of unit
/// outputs. The least significant bit weighs `2^(1 - bias - M)`, the spacing of the format's
/// smallest binade, so every finite value of the format is an integer number of LSBs.

/// A two's-complement integer of a fixed width (wraps modulo `2^width`), little-endian limbs.
public struct WideInt: Hashable, Sendable, CustomStringConvertible {
    public let width: Int
    public private(set) var limbs: [UInt64]

    public init(width: Int) {
        precondition(width >= 2)
        self.width = width
        limbs = [UInt64](repeating: 0, count: (width + 63) / 64)
    }

    public init(width: Int, limbs: [UInt64]) {
        self.init(width: width)
        for i in 0..<min(limbs.count, self.limbs.count) { self.limbs[i] = limbs[i] }
        mask()
    }

    private mutating func mask() {
        let extra = limbs.count * 64 - width
        if extra > 0 { limbs[limbs.count - 1] &= ~UInt64(0) >> UInt64(extra) }
    }

    public var isNegative: Bool { (limbs[(width - 1) / 64] >> UInt64((width - 1) % 64)) & 1 == 1 }
    public var isZero: Bool { limbs.allSatisfy { $0 == 0 } }

    /// Adds `±(value << shift)` modulo `2^width`.
    public mutating func add(_ value: UInt64, shiftedBy shift: Int, negative: Bool) {
        if value == 0 { return }
        // Build the shifted value as limbs, negate if needed, then add with carry.
        var term = [UInt64](repeating: 0, count: limbs.count)
        let word = shift / 64, bit = UInt64(shift % 64)
        if word < term.count { term[word] = value << bit }
        if bit != 0, word + 1 < term.count { term[word + 1] = value >> (64 - bit) }
        if negative {
            var carry: UInt64 = 1
            for i in 0..<term.count {
                let (s, o) = (~term[i]).addingReportingOverflow(carry)
                term[i] = s
                carry = o ? 1 : 0
            }
        }
        var carry: UInt64 = 0
        for i in 0..<limbs.count {
            let (s1, o1) = limbs[i].addingReportingOverflow(term[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            limbs[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        mask()
    }

    public mutating func add(_ other: WideInt) {
        precondition(other.width == width)
        var carry: UInt64 = 0
        for i in 0..<limbs.count {
            let (s1, o1) = limbs[i].addingReportingOverflow(other.limbs[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            limbs[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        mask()
    }

    /// The value as a Double (rounded when it has more than 53 significant bits).
    public var double: Double {
        var magnitude = self
        if isNegative { magnitude = magnitude.negated }
        var d = 0.0
        for i in stride(from: magnitude.limbs.count - 1, through: 0, by: -1) {
            d = d * 18446744073709551616.0 + Double(magnitude.limbs[i])
        }
        return isNegative ? -d : d
    }

    public var negated: WideInt {
        var r = WideInt(width: width)
        r.limbs = limbs.map { ~$0 }
        r.mask()
        r.add(1, shiftedBy: 0, negative: false)
        return r
    }

    /// Exactly `width` bits as hexadecimal digits (two's complement), most significant first.
    public var hexDigits: String {
        let digits = (width + 3) / 4
        var s = ""
        for d in stride(from: digits - 1, through: 0, by: -1) {
            let bitIndex = d * 4
            let nibble = (limbs[bitIndex / 64] >> UInt64(bitIndex % 64)) & 0xF
            s.append(Character(String(nibble, radix: 16)))
        }
        return s
    }

    public var description: String { "\(width)'h\(hexDigits)" }
}

/// The accumulator of a processing element: width and LSB weight per SPEC.
public struct AccumulatorFormat: Hashable, Sendable {
    public let format: FloatFormat
    public let width: Int

    /// `width: nil` is SPEC's default: enough that `2^16` products of maximal magnitude cannot overflow.
    public init(_ format: FloatFormat, width: Int? = nil) {
        self.format = format
        self.width = width ?? AccumulatorFormat.defaultWidth(format)
    }

    /// Exponent of the LSB weight: `1 - bias - M`.
    public var lsbExponent: Int { 1 - format.bias - format.mantissaBits }

    /// Magnitude of max finite in LSBs: `(2^M + fmax) * 2^(emax - 1)`, as (significand, shift).
    public static func maxMagnitude(_ f: FloatFormat) -> (significand: UInt64, shift: Int) {
        let e = Int(f.exponentField(f.maxFinite))
        return (UInt64(f.minNormal | f.fraction(f.maxFinite)), e - 1)
    }

    /// Bits of the largest product magnitude, plus 16 for 2^16 terms, plus the sign.
    public static func defaultWidth(_ f: FloatFormat) -> Int {
        let (sig, shift) = maxMagnitude(f)
        let bits = (64 - sig.leadingZeroBitCount) + shift
        return bits + 16 + 1
    }

    /// A finite encoding as (magnitude significand, shift in LSBs, negative): value = ±sig << shift LSBs.
    @inlinable
    public func lsbTerm(_ y: UInt32) -> (significand: UInt64, shift: Int, negative: Bool) {
        let e = Int(format.exponentField(y)), f = UInt64(format.fraction(y))
        let negative = format.sign(y) == 1
        if e == 0 { return (f, 0, negative) }
        return (UInt64(format.minNormal) | f, e - 1, negative)
    }
}

/// The golden model of one PE's accumulator: `accumulate` takes a product exactly as the unit
/// gives it; NaN or infinite products leave the sum unchanged and set the sticky `invalid`.
public struct AccumulatorModel: Hashable, Sendable {
    public let spec: AccumulatorFormat
    public private(set) var sum: WideInt
    public private(set) var invalid = false

    public init(_ spec: AccumulatorFormat) {
        self.spec = spec
        sum = WideInt(width: spec.width)
    }

    public mutating func clear() {
        sum = WideInt(width: spec.width)
        invalid = false
    }

    public mutating func accumulate(product y: UInt32) {
        switch spec.format.classify(y) {
        case .nan, .infinity:
            invalid = true
        default:
            let t = spec.lsbTerm(y)
            sum.add(t.significand, shiftedBy: t.shift, negative: t.negative)
        }
    }

    /// The sum as a real value (Double; exact when it has at most 53 significant bits).
    public var value: Double { sum.double * pow2(spec.lsbExponent) }
}

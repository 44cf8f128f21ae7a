/// A constant bit pattern of any width (little-endian 64-bit limbs, bits above `width` are zero).
public struct BitVector: Hashable, Sendable, CustomStringConvertible {
    public let width: Int
    public private(set) var words: [UInt64]

    /// `value` read as a two's-complement integer, sign-extended or truncated to `width` bits.
    public init(width: Int, value: Int) {
        precondition(width >= 1, "BitVector width must be at least 1")
        self.width = width
        let fill: UInt64 = value < 0 ? ~0 : 0
        var w = [UInt64](repeating: fill, count: (width + 63) / 64)
        w[0] = UInt64(bitPattern: Int64(value))
        self.words = w
        mask()
    }

    /// An unsigned value, zero-extended or truncated to `width` bits.
    public init(width: Int, unsigned value: UInt64) {
        precondition(width >= 1, "BitVector width must be at least 1")
        self.width = width
        var w = [UInt64](repeating: 0, count: (width + 63) / 64)
        w[0] = value
        self.words = w
        mask()
    }

    public init(width: Int, words: [UInt64]) {
        precondition(width >= 1, "BitVector width must be at least 1")
        self.width = width
        var w = Array(words.prefix((width + 63) / 64))
        while w.count < (width + 63) / 64 { w.append(0) }
        self.words = w
        mask()
    }

    private mutating func mask() {
        let extra = words.count * 64 - width
        if extra > 0 { words[words.count - 1] &= ~UInt64(0) >> UInt64(extra) }
    }

    public func bit(_ i: Int) -> Bool { (words[i / 64] >> UInt64(i % 64)) & 1 == 1 }

    public var isZero: Bool { words.allSatisfy { $0 == 0 } }
    public var isAllOnes: Bool { (0..<width).allSatisfy(bit) }

    /// The value when it fits in 64 bits.
    public var uint64: UInt64? { words.dropFirst().allSatisfy { $0 == 0 } ? words[0] : nil }

    public func slice(hi: Int, lo: Int) -> BitVector {
        var out = [UInt64](repeating: 0, count: (hi - lo + 1 + 63) / 64)
        for i in lo...hi where bit(i) { out[(i - lo) / 64] |= 1 << UInt64((i - lo) % 64) }
        return BitVector(width: hi - lo + 1, words: out)
    }

    /// Concatenation, most significant part first (as Verilog `{a, b}`).
    public static func concat(_ parts: [BitVector]) -> BitVector {
        let width = parts.reduce(0) { $0 + $1.width }
        var out = [UInt64](repeating: 0, count: (width + 63) / 64)
        var pos = 0
        for part in parts.reversed() {
            for i in 0..<part.width where part.bit(i) { out[(pos + i) / 64] |= 1 << UInt64((pos + i) % 64) }
            pos += part.width
        }
        return BitVector(width: width, words: out)
    }

    /// Lower-case hexadecimal digits without prefix, exactly `ceil(width/4)` of them.
    public var hexDigits: String {
        let digits = (width + 3) / 4
        var s = ""
        for d in stride(from: digits - 1, through: 0, by: -1) {
            var nibble = 0
            for b in 0..<4 where d * 4 + b < width && bit(d * 4 + b) { nibble |= 1 << b }
            s.append(Character(String(nibble, radix: 16)))
        }
        return s
    }

    /// A sized Verilog literal: decimal when it fits 32 bits, hexadecimal otherwise.
    public var verilogLiteral: String {
        if let v = uint64, v <= UInt64(UInt32.max) { return "\(width)'d\(v)" }
        return "\(width)'h\(hexDigits)"
    }

    public var description: String { verilogLiteral }
}

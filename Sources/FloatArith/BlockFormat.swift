/// SPEC "MX block formats" (OCP Microscaling Formats v1.0): a block of `K` elements of one element
/// format sharing one scale. This is the type layer for the MX dot product; no unit reads it yet.

/// The scale type of a block. SPEC names one: e8m0.
public enum ScaleFormat: String, Hashable, Sendable, CaseIterable {
    /// 8 bits, no sign, no fraction: value `2^(x - 127)` for `x` in 0...254; `0xFF` is NaN. No zero,
    /// no infinity.
    case e8m0

    public var width: Int { 8 }
    public var bias: Int { 127 }
    /// The NaN encoding.
    public var nan: UInt8 { 0xFF }
    /// Scale exponents the encodings give: `-127...127`.
    public var exponentRange: ClosedRange<Int> { -127...127 }

    public func isNaN(_ x: UInt8) -> Bool { x == nan }

    /// The scale exponent `x - 127`, or nil for NaN.
    public func exponent(_ x: UInt8) -> Int? { isNaN(x) ? nil : Int(x) - bias }

    /// The value `2^(x - 127)` (exact as a Double), NaN for `0xFF`.
    public func value(_ x: UInt8) -> Double { exponent(x).map { pow2($0) } ?? .nan }

    /// The encoding of `2^exponent`, nil outside `-127...127`.
    public func encoding(exponent: Int) -> UInt8? {
        exponentRange.contains(exponent) ? UInt8(exponent + bias) : nil
    }
}

/// A block format: element format, scale format and block size `K`.
public struct BlockFormat: Hashable, Sendable, CustomStringConvertible {
    public let element: FloatFormat
    public let scale: ScaleFormat
    public let blockSize: Int

    /// SPEC's element formats of a block.
    public static let elementFormats: [FloatFormat] = [.e2m1fn, .e2m3fn, .e3m2fn, .e4m3, .e5m2]
    /// K: a power of two 1...64 (32 in the OCP formats).
    public static let blockSizeRange = 1...64

    public enum BlockFormatError: Error, Equatable, CustomStringConvertible {
        case blockSize(Int)
        case element(FloatFormat)
        public var description: String {
            switch self {
            case .blockSize(let k):
                return "block size \(k) is not a power of two in 1...64 (SPEC \"MX block formats\"); give 1, 2, 4, 8, 16, 32 or 64"
            case .element(let f):
                return "\(f.tag) is not an MX element format; give one of \(BlockFormat.elementFormats.map(\.tag).joined(separator: ", "))"
            }
        }
    }

    public init(element: FloatFormat, scale: ScaleFormat = .e8m0, blockSize: Int) throws(BlockFormatError) {
        guard BlockFormat.elementFormats.contains(element) else { throw .element(element) }
        guard BlockFormat.blockSizeRange.contains(blockSize), blockSize & (blockSize - 1) == 0 else { throw .blockSize(blockSize) }
        self.element = element
        self.scale = scale
        self.blockSize = blockSize
    }

    /// The unbiased exponent of the element format's largest finite value (SPEC's `emax`).
    public var emax: Int { Int(element.exponentField(element.maxFinite)) - element.bias }

    public var description: String { "MX block: \(blockSize) x \(element.tag), \(scale.rawValue) scale" }

    /// SPEC "Converting real values to MX" (golden model and accuracy only): `X = floor(log2(max
    /// |v_i|)) - emax`, clamped to `-127...127` (an all-zero block takes `X = -127`); the scale
    /// encoding is `X + 127`; each element is `v_i / 2^X` rounded to nearest even into the element
    /// format, magnitudes beyond its largest finite value clamped to it. The values must be finite
    /// and there must be `blockSize` of them.
    public func quantize(_ values: [Double]) -> (scale: UInt8, elements: [UInt32]) {
        precondition(values.count == blockSize, "a block holds \(blockSize) values, not \(values.count)")
        precondition(values.allSatisfy(\.isFinite), "MX conversion takes finite values")
        let largest = values.map(\.magnitude).max() ?? 0
        // Double.exponent is floor(log2(x)) exactly, subnormal doubles included
        let x = largest == 0 ? scale.exponentRange.lowerBound
            : min(max(Int(largest.exponent) - emax, scale.exponentRange.lowerBound), scale.exponentRange.upperBound)
        let divisor = pow2(x)
        return (scale.encoding(exponent: x)!, values.map { element.encode($0 / divisor, overflow: .saturate) })
    }

    /// The real value of element `e` of a block with scale encoding `x` (NaN for a NaN scale).
    public func value(element e: UInt32, scale x: UInt8) -> Double {
        scale.value(x) * element.doubleValue(e)
    }
}

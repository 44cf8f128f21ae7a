import FloatArith
import Units
import Foundation
import Toolchain

/// Neumaier's compensated sum: the running sum plus a correction term, so that summing millions of
/// relative errors loses (almost) nothing to rounding. Adding the same values in the same order
/// gives the same bits, which is what makes the report byte-for-byte reproducible.
public struct CompensatedSum: Sendable, Equatable {
    public private(set) var sum = 0.0
    public private(set) var correction = 0.0

    public init() {}

    public mutating func add(_ x: Double) {
        let t = sum + x
        if Swift.abs(sum) >= Swift.abs(x) {
            correction += (sum - t) + x
        } else {
            correction += (x - t) + sum
        }
        sum = t
    }

    /// Adds another compensated sum (both of its parts).
    public mutating func add(_ other: CompensatedSum) {
        add(other.sum)
        add(other.correction)
    }

    public var value: Double { sum + correction }
}

/// Running error statistics of one method over a stream of (approximation, reference) pairs.
/// `relative error` is `(result - reference) / reference`; its magnitude feeds the mean, RMS and
/// max, its sign the bias. The worst case keeps the first pair (in stream order) that reached the
/// maximum, identified by two caller-chosen 64-bit keys (operand encodings or bit patterns).
public struct ErrorAccumulator: Sendable, Equatable {
    public private(set) var count = 0
    public private(set) var sumAbs = CompensatedSum()
    public private(set) var sumSigned = CompensatedSum()
    public private(set) var sumSquares = CompensatedSum()
    public private(set) var maxAbs = -1.0
    public private(set) var worstKeys: (UInt64, UInt64) = (0, 0)
    /// Pairs whose result differs from the correctly rounded product (exhaustive section only).
    public private(set) var mismatches = 0
    /// Pairs whose result is zero although the reference is not.
    public private(set) var zeros = 0

    public init() {}

    public static func == (l: ErrorAccumulator, r: ErrorAccumulator) -> Bool {
        l.count == r.count && l.sumAbs == r.sumAbs && l.sumSigned == r.sumSigned && l.sumSquares == r.sumSquares
            && l.maxAbs == r.maxAbs && l.worstKeys == r.worstKeys && l.mismatches == r.mismatches && l.zeros == r.zeros
    }

    /// Adds one relative error `e`.
    public mutating func add(_ e: Double, keys: (UInt64, UInt64), mismatch: Bool = false, zero: Bool = false) {
        let a = Swift.abs(e)
        count += 1
        sumAbs.add(a)
        sumSigned.add(e)
        sumSquares.add(e * e)
        if a > maxAbs {
            maxAbs = a
            worstKeys = keys
        }
        if mismatch { mismatches += 1 }
        if zero { zeros += 1 }
    }

    /// Adds a block of errors already summed plainly by the caller (a short run, e.g. one row of an
    /// exhaustive table), keeping the block's worst case if it beats ours.
    /// (Merging a block's plain sums as compensated sums with zero correction adds the same bits:
    /// adding the zero correction changes neither part.)
    public mutating func addBlock(_ b: BlockSums) {
        var block = ErrorAccumulator()
        block.count = b.count
        block.sumAbs.add(b.sumAbs)
        block.sumSigned.add(b.sumSigned)
        block.sumSquares.add(b.sumSquares)
        (block.maxAbs, block.worstKeys, block.mismatches, block.zeros) = (b.maxAbs, b.worstKeys, b.mismatches, b.zeros)
        merge(block)
    }

    /// Appends `other`, which covers pairs later in the stream than ours (ties keep our worst case).
    public mutating func merge(_ other: ErrorAccumulator) {
        guard other.count > 0 else { return }
        count += other.count
        sumAbs.add(other.sumAbs)
        sumSigned.add(other.sumSigned)
        sumSquares.add(other.sumSquares)
        if other.maxAbs > maxAbs {
            maxAbs = other.maxAbs
            worstKeys = other.worstKeys
        }
        mismatches += other.mismatches
        zeros += other.zeros
    }

    public var mean: Double { count == 0 ? 0 : sumAbs.value / Double(count) }
    public var rms: Double { count == 0 ? 0 : (sumSquares.value / Double(count)).squareRoot() }
    public var bias: Double { count == 0 ? 0 : sumSigned.value / Double(count) }
    public var max: Double { Swift.max(maxAbs, 0) }
    public var errorRate: Double { count == 0 ? 0 : Double(mismatches) / Double(count) }
}

/// Plain sums over a short block (one row of an exhaustive table: at most 2^16 terms, so plain
/// summation loses at most about 2^16 ulps relative, far below what the report prints); blocks are
/// then combined with compensated sums.
public struct BlockSums: Sendable {
    public var count = 0
    public var sumAbs = 0.0
    public var sumSigned = 0.0
    public var sumSquares = 0.0
    public var maxAbs = -1.0
    public var worstKeys: (UInt64, UInt64) = (0, 0)
    public var mismatches = 0
    public var zeros = 0
    public init() {}
}

/// A histogram of signed relative errors on fixed, binary-exact bins `[low + i*width, low + (i+1)*width)`,
/// with counts below `low` and at or above `high` kept apart.
public struct ErrorHistogram: Sendable, Equatable, Codable {
    public var low: Double
    public var binWidth: Double
    public var counts: [Int]
    public var below: Int
    public var above: Int

    /// `binWidth` must be a power of two and `low` a multiple of it, so that binning is exact.
    public init(low: Double, binWidth: Double, bins: Int) {
        precondition(binWidth > 0 && binWidth.significandBitPattern == 0 && (low / binWidth).rounded() == low / binWidth,
                     "histogram bins must be binary-exact")
        self.low = low
        self.binWidth = binWidth
        counts = [Int](repeating: 0, count: bins)
        below = 0
        above = 0
    }

    public var high: Double { low + binWidth * Double(counts.count) }
    public var total: Int { counts.reduce(below + above, +) }

    /// Counts `e` in its bin. `e / binWidth` is exact (a power of two), so a value on a bin edge
    /// always lands in the bin that starts there.
    public mutating func add(_ e: Double) {
        let k = (e / binWidth).rounded(.down) - low / binWidth
        if k < 0 { below += 1; return }
        if k >= Double(counts.count) { above += 1; return }
        counts[Int(k)] += 1
    }

    public mutating func merge(_ o: ErrorHistogram) {
        for i in counts.indices { counts[i] += o.counts[i] }
        below += o.below
        above += o.above
    }
}

/// Nearest-rank percentile of `values`: the smallest value with at least `numerator/denominator`
/// of the values at or below it (rank `ceil(n * numerator / denominator)`, in integers).
public func nearestRankPercentile(_ values: [Double], _ numerator: Int, of denominator: Int) -> Double {
    precondition(!values.isEmpty && numerator > 0 && numerator <= denominator)
    let sorted = values.sorted()
    let rank = (values.count * numerator + denominator - 1) / denominator
    return sorted[Swift.max(rank, 1) - 1]
}

/// The mean of `values`, summed in order with compensation.
public func compensatedMean(_ values: [Double]) -> Double {
    var s = CompensatedSum()
    for v in values { s.add(v) }
    return values.isEmpty ? 0 : s.value / Double(values.count)
}

import FloatArith
import Units
import Foundation
import Toolchain

/// Section 1: every pair of normal inputs whose exact product lies in the format's normal range,
/// `minNormal <= |a*b| <= maxFinite`, through each method. The reference for a pair is the exact
/// product `a*b` (exact in Double: at most 2 x 24 significant bits); the relative error of a
/// result `y` is `(y - a*b) / (a*b)`, one correctly rounded division (`y - a*b` is exact: both have
/// few significant bits at nearby exponents). A pair is a mismatch when `y` is not the correctly
/// rounded product: `a*b` rounded to nearest, ties to even, at M fraction bits, computed here on the
/// Double's bit pattern (independently of `Rounding`, which the units' golden models use); inside
/// the domain the format's range never binds, so this is the format's correctly rounded product.
public enum ExhaustiveAccuracy {
    /// Rows (values of `a`) per unit of parallel work. Fixed, so the summation order, and with it
    /// every bit of the result, is the same whatever the number of threads.
    public static let rowsPerChunk = 32

    public struct Result: Sendable {
        public let format: FloatFormat
        public let methods: [UnitKind]
        /// Normal encodings, both signs.
        public let normalInputs: Int
        /// Pairs in the domain (both signs, both orders).
        public let pairs: Int
        public let stats: [ErrorAccumulator]
        /// Signed relative error histograms (when asked for), per method.
        public let histograms: [ErrorHistogram]?
    }

    /// Positive normal magnitudes are the contiguous encodings `minNormal ... maxFinite`.
    static func normalMagnitudes(_ f: FloatFormat) -> ClosedRange<UInt32> { f.minNormal...f.maxFinite }

    /// The encoding `a` of row `r`: positive normals ascending, then negative normals ascending.
    static func rowOperand(_ r: Int, _ f: FloatFormat) -> UInt32 {
        let n = Int(f.maxFinite - f.minNormal) + 1
        return r < n ? f.minNormal + UInt32(r) : f.signMask | (f.minNormal + UInt32(r - n))
    }

    /// For `|a|` = `da`, the magnitudes `m` with `minNormal <= da * value(m) <= maxFinite`.
    static func partnerRange(_ da: Double, _ f: FloatFormat, _ values: [Double]) -> ClosedRange<UInt32>? {
        let lowest = values[Int(f.minNormal)], highest = values[Int(f.maxFinite)]
        let mags = normalMagnitudes(f)
        // first m with da*v(m) >= lowest
        var lo = mags.lowerBound, hi = mags.upperBound + 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if da * values[Int(mid)] >= lowest { hi = mid } else { lo = mid + 1 }
        }
        let first = lo
        // first m with da*v(m) > highest
        lo = mags.lowerBound; hi = mags.upperBound + 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if da * values[Int(mid)] > highest { hi = mid } else { lo = mid + 1 }
        }
        guard lo > first else { return nil }
        return first...(lo - 1)
    }

    /// Measures `methods` on format `f`. `histogram`, if given, is the empty histogram to fill per method.
    public static func measure(_ f: FloatFormat, methods: [UnitKind] = UnitKind.allCases,
                               histogram: ErrorHistogram? = nil, jobs: Int = 1,
                               progress: WorkerPool.OnDone? = nil) -> Result {
        let values = (0..<UInt32(f.encodingCount)).map { f.doubleValue($0) }
        let mags = normalMagnitudes(f)
        let normals = 2 * mags.count
        let chunkCount = (normals + rowsPerChunk - 1) / rowsPerChunk
        struct Chunk: Sendable {
            var stats: [ErrorAccumulator]
            var histograms: [ErrorHistogram]
            var pairs: Int
        }
        let chunks = WorkerPool.map(chunkCount, jobs: jobs, progress: progress) { c -> Chunk in
            var out = Chunk(stats: [ErrorAccumulator](repeating: ErrorAccumulator(), count: methods.count),
                            histograms: histogram.map { [ErrorHistogram](repeating: $0, count: methods.count) } ?? [],
                            pairs: 0)
            var bs: [UInt32] = [], ps: [Double] = [], rn: [Double] = []
            bs.reserveCapacity(normals); ps.reserveCapacity(normals); rn.reserveCapacity(normals)
            var ys = [UInt32](repeating: 0, count: normals)
            var unused = ErrorHistogram(low: 0, binWidth: 1, bins: 0)
            for r in (c * rowsPerChunk)..<min((c + 1) * rowsPerChunk, normals) {
                let a = rowOperand(r, f)
                let da = values[Int(a)]
                guard let partners = partnerRange(Swift.abs(da), f, values) else { continue }
                bs.removeAll(keepingCapacity: true); ps.removeAll(keepingCapacity: true); rn.removeAll(keepingCapacity: true)
                for sign in [UInt32(0), f.signMask] {
                    for m in partners {
                        let b = sign | m
                        let p = da * values[Int(b)]
                        bs.append(b); ps.append(p); rn.append(roundToNearestEven(p, fractionBits: f.mantissaBits))
                    }
                }
                out.pairs += bs.count
                let fill = !out.histograms.isEmpty
                for (k, method) in methods.enumerated() {
                    let block = ys.withUnsafeMutableBufferPointer { ys in
                        fill ? row(method, a: a, bs, ps, rn, values, f, ys, histogram: &out.histograms[k], fill: true)
                             : row(method, a: a, bs, ps, rn, values, f, ys, histogram: &unused, fill: false)
                    }
                    out.stats[k].addBlock(block)
                }
            }
            return out
        }
        var stats = [ErrorAccumulator](repeating: ErrorAccumulator(), count: methods.count)
        var hists = histogram.map { [ErrorHistogram](repeating: $0, count: methods.count) }
        var pairs = 0
        for ch in chunks {
            pairs += ch.pairs
            for k in methods.indices {
                stats[k].merge(ch.stats[k])
                if hists != nil { hists![k].merge(ch.histograms[k]) }
            }
        }
        return Result(format: f, methods: methods, normalInputs: normals, pairs: pairs, stats: stats, histograms: hists)
    }

    /// One row (fixed `a`) of one method: the results first (one call into the unit's golden model,
    /// specialised for the unit), then the errors in a tight loop; plain sums over the row, worst
    /// case = first maximum.
    static func row(_ method: UnitKind, a: UInt32, _ bs: [UInt32], _ ps: [Double], _ rn: [Double], _ values: [Double], _ f: FloatFormat,
                                     _ ys: UnsafeMutableBufferPointer<UInt32>, histogram: inout ErrorHistogram, fill: Bool) -> BlockSums {
        let n = bs.count
        bs.withUnsafeBufferPointer { method.type.evaluateRow(a, $0, into: ys, f, .saturate) }
        var s = BlockSums()
        s.count = n
        ps.withUnsafeBufferPointer { ps in
            rn.withUnsafeBufferPointer { rn in
                values.withUnsafeBufferPointer { values in
                    var sumAbs = 0.0, sumSigned = 0.0, sumSquares = 0.0, maxAbs = -1.0
                    var worst = 0, mismatches = 0, zeros = 0
                    for i in 0..<n {
                        let p = ps[i], vy = values[Int(ys[i])]
                        let e = (vy - p) / p
                        let ae = Swift.abs(e)
                        sumAbs += ae
                        sumSigned += e
                        sumSquares += e * e
                        if ae > maxAbs { maxAbs = ae; worst = i }
                        mismatches &+= vy != rn[i] ? 1 : 0
                        zeros &+= vy == 0 ? 1 : 0
                    }
                    if fill { for i in 0..<n { histogram.add((values[Int(ys[i])] - ps[i]) / ps[i]) } }
                    s.sumAbs = sumAbs
                    s.sumSigned = sumSigned
                    s.sumSquares = sumSquares
                    s.maxAbs = maxAbs
                    s.worstKeys = (UInt64(a), n == 0 ? 0 : UInt64(bs[worst]))
                    s.mismatches = mismatches
                    s.zeros = zeros
                }
            }
        }
        return s
    }

    /// `p` (a nonzero normal Double) rounded to nearest, ties to even, to `m` fraction bits:
    /// add just under half of the dropped part (plus the kept last bit, for ties) and cut; a carry
    /// out of the significand moves into the exponent, as it should.
    @inline(__always)
    public static func roundToNearestEven(_ p: Double, fractionBits m: Int) -> Double {
        let drop = UInt64(52 - m)
        let bits = p.bitPattern
        let add = (UInt64(1) << (drop - 1)) - 1 + ((bits >> drop) & 1)
        return Double(bitPattern: ((bits + add) >> drop) << drop)
    }
}

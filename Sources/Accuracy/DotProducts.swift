import FloatArith
import Units
import Foundation
import Toolchain

/// A 128-bit two's-complement integer, just enough for exact sums of products of format values.
public struct Int128Sum: Sendable, Equatable {
    public private(set) var hi: Int64 = 0
    public private(set) var lo: UInt64 = 0
    public init() {}

    /// Adds `±(magnitude << shift)`, `shift` in 0..<64 + (leading zeros of magnitude).
    public mutating func add(_ magnitude: UInt64, shift: Int, negative: Bool) {
        precondition(shift >= 0 && shift < 128)
        let tlo: UInt64 = shift >= 64 ? 0 : magnitude << UInt64(shift)
        let thi: UInt64 = shift == 0 ? 0 : (shift >= 64 ? magnitude << UInt64(shift - 64) : magnitude >> UInt64(64 - shift))
        if negative {
            let (l, borrow) = lo.subtractingReportingOverflow(tlo)
            lo = l
            hi = hi &- Int64(bitPattern: thi) &- (borrow ? 1 : 0)
        } else {
            let (l, carry) = lo.addingReportingOverflow(tlo)
            lo = l
            hi = hi &+ Int64(bitPattern: thi) &+ (carry ? 1 : 0)
        }
    }

    public static func - (l: Int128Sum, r: Int128Sum) -> Int128Sum {
        var out = Int128Sum()
        let (lo, borrow) = l.lo.subtractingReportingOverflow(r.lo)
        out.lo = lo
        out.hi = l.hi &- r.hi &- (borrow ? 1 : 0)
        return out
    }

    public var isZero: Bool { hi == 0 && lo == 0 }

    /// The value as a Double (rounded once when it needs more than 53 bits... or twice above 2^64).
    public var double: Double {
        var h = hi, l = lo
        let negative = h < 0
        if negative {                       // magnitude = ~x + 1
            l = ~l &+ 1
            h = ~h &+ (l == 0 ? 1 : 0)
        }
        let d = Double(UInt64(bitPattern: h)) * 0x1p64 + Double(l)
        return negative ? -d : d
    }
}

/// Section 3: dot products of length n of seeded `N(mu, 1)` vectors, quantised with RNE to the
/// format, multiplied by each method and accumulated exactly as SPEC's PE does (two's-complement
/// fixed point, LSB `2^(1 - bias - M)`: no rounding, no order dependence).
///
/// The reference is the exact dot product of the quantised vectors, `s = sum q(x_i) q(w_i)`, so
/// the error is the multiplier's alone: `|s_hat - s| / |s|`. Also reported: the same error over
/// `sum |q(x_i) q(w_i)|` (which stays finite when the sum cancels), and the error against the dot
/// product of the unquantised reals (quantisation plus multiplier).
public enum DotProducts {
    public static let trialsPerChunk = 50

    public struct Errors: Sendable {
        /// Per trial, in trial order; trials whose exact quantised dot product is 0 have no `relative`.
        public var relative: [Double] = []
        public var normalised: [Double] = []
        public var versusReal: [Double] = []
        public var zeroDots = 0
    }

    public struct Result: Sendable {
        /// Means of the normal distributions (standard deviation 1).
        public let means: [Double]
        public let formats: [FloatFormat]
        public let lengths: [Int]
        public let methods: [UnitKind]
        public let trials: Int
        /// `errors[mean][format][length][method]`.
        public let errors: [[[[Errors]]]]
    }

    /// The PE's accumulation of the method's products, in LSBs (`Int64` holds SPEC's default width
    /// for these lengths: at most 2^16 products of maximal magnitude below 2^63 LSBs).
    static func peSum(_ method: UnitKind, _ qa: [UInt32], _ qb: [UInt32], _ acc: AccumulatorFormat) -> Int64 {
        let f = acc.format
        var ys = [UInt32](repeating: 0, count: qa.count)
        qa.withUnsafeBufferPointer { qa in
            qb.withUnsafeBufferPointer { qb in
                ys.withUnsafeMutableBufferPointer { method.type.evaluate(qa, qb, into: $0, f, .saturate) }
            }
        }
        var s: Int64 = 0
        for y in ys {
            switch f.classify(y) {
            case .nan, .infinity: continue        // SPEC: leaves the accumulator unchanged (never with saturation)
            default:
                let t = acc.lsbTerm(y)
                let v = Int64(t.significand) << Int64(t.shift)
                s = t.negative ? s &- v : s &+ v
            }
        }
        return s
    }

    /// Trial `t`'s vectors `x`, `w` of n = `x.count` draws from `N(mu, 1)`: the one place their seed
    /// is derived, so section 3b (`FloatDotProducts`) sees the same vectors as section 3.
    static func drawVectors(seed: UInt64, mean mu: Double, meanIndex di: Int, trial t: Int, _ x: inout [Double], _ w: inout [Double]) {
        let n = x.count
        var sampler = NormalSampler(seed: derivedSeed(seed, 3, UInt64(di), UInt64(n), UInt64(t)))
        for i in 0..<n { x[i] = mu + sampler.next(); w[i] = mu + sampler.next() }
    }

    /// `x` and `w` rounded to nearest even into `f` (into `qa`, `qb`), and the exact dot product of
    /// the quantised vectors and the exact sum of the products' magnitudes, in units of LSB^2.
    static func quantisedDot(_ f: FloatFormat, _ acc: AccumulatorFormat, _ x: [Double], _ w: [Double],
                             _ qa: inout [UInt32], _ qb: inout [UInt32]) -> (exact: Int128Sum, absolute: Int128Sum) {
        var exact = Int128Sum(), absolute = Int128Sum()
        for i in x.indices {
            qa[i] = f.encode(x[i])
            qb[i] = f.encode(w[i])
            let ta = acc.lsbTerm(qa[i]), tb = acc.lsbTerm(qb[i])
            let mag = ta.significand * tb.significand
            exact.add(mag, shift: ta.shift + tb.shift, negative: ta.negative != tb.negative)
            absolute.add(mag, shift: ta.shift + tb.shift, negative: false)
        }
        return (exact, absolute)
    }

    /// Accurate dot product of Doubles (Ogita, Rump and Oishi's Dot2: about twice double precision).
    public static func dot2(_ x: [Double], _ y: [Double]) -> Double {
        var p = 0.0, s = 0.0
        for i in x.indices {
            let h = x[i] * y[i]
            let r = (-h).addingProduct(x[i], y[i])
            let t = p + h
            let z = t - p
            let q = (p - (t - z)) + (h - z)
            p = t
            s += q + r
        }
        return p + s
    }

    public static func measure(means: [Double], formats: [FloatFormat], lengths: [Int], methods: [UnitKind], trials: Int,
                               seed: UInt64, jobs: Int) -> Result {
        let accs = formats.map { AccumulatorFormat($0) }
        for a in accs { precondition(a.width <= 63, "the Int64 PE sum needs SPEC's default width below 64 bits") }
        let chunksPerLength = (trials + trialsPerChunk - 1) / trialsPerChunk
        typealias Chunk = [[Errors]]     // [format][method]
        var errors = means.map { _ in formats.map { _ in lengths.map { _ in methods.map { _ in Errors() } } } }
        for (di, mu) in means.enumerated() {
            for (li, n) in lengths.enumerated() {
                precondition(n <= 1 << 16, "SPEC's default accumulator width covers 2^16 products")
                let chunks = WorkerPool.map(chunksPerLength, jobs: jobs) { c -> Chunk in
                    var out: Chunk = formats.map { _ in methods.map { _ in Errors() } }
                    var x = [Double](repeating: 0, count: n), w = x
                    var qa = [UInt32](repeating: 0, count: n), qb = qa
                    for t in (c * trialsPerChunk)..<Swift.min((c + 1) * trialsPerChunk, trials) {
                        drawVectors(seed: seed, mean: mu, meanIndex: di, trial: t, &x, &w)
                        let real = dot2(x, w)
                        for (fi, f) in formats.enumerated() {
                            let acc = accs[fi]
                            let (exact, absolute) = quantisedDot(f, acc, x, w, &qa, &qb)
                            // s_hat in LSB^2 units: shift the PE sum (LSB units) by -lsbExponent
                            let lsbShift = -acc.lsbExponent
                            for (mi, m) in methods.enumerated() {
                                let pe = peSum(m, qa, qb, acc)
                                if t == 0 {
                                    // once per (format, length, method): SPEC's golden accumulator agrees
                                    var model = AccumulatorModel(acc)
                                    for i in 0..<n { model.accumulate(product: m.evaluate(qa[i], qb[i], f)) }
                                    precondition(model.value == Double(pe) * pow2(acc.lsbExponent), "PE sum disagrees with AccumulatorModel")
                                }
                                var hat = Int128Sum()
                                hat.add(pe.magnitude, shift: lsbShift, negative: pe < 0)
                                let diff = (hat - exact).double.magnitude
                                if exact.isZero {
                                    out[fi][mi].zeroDots += 1
                                } else {
                                    out[fi][mi].relative.append(diff / exact.double.magnitude)
                                }
                                out[fi][mi].normalised.append(absolute.isZero ? 0 : diff / absolute.double)
                                let value = Double(pe) * pow2(acc.lsbExponent)
                                out[fi][mi].versusReal.append(real == 0 ? 0 : ((value - real) / real).magnitude)
                            }
                        }
                    }
                    return out
                }
                for ch in chunks {
                    for fi in formats.indices {
                        for mi in methods.indices {
                            errors[di][fi][li][mi].relative += ch[fi][mi].relative
                            errors[di][fi][li][mi].normalised += ch[fi][mi].normalised
                            errors[di][fi][li][mi].versusReal += ch[fi][mi].versusReal
                            errors[di][fi][li][mi].zeroDots += ch[fi][mi].zeroDots
                        }
                    }
                }
            }
        }
        return Result(means: means, formats: formats, lengths: lengths, methods: methods, trials: trials, errors: errors)
    }
}

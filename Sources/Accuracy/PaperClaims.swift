import FloatArith
import Units
import Foundation
import Toolchain

/// Section 2: the paper's precision claims, on the same real inputs for every method.
///
/// Operand pairs `(x, y)` are drawn from `N(0, sigma^2)` at each scale; each method quantises both
/// with RNE into its own input format, multiplies its way, and is scored against the exact product
/// `x*y` of the unquantised reals (`ExactProduct`).
/// Only pairs inside the common domain count: `|x|`, `|y|` and `|x*y|` all within
/// `[minNormal, maxFinite]` of every format in the comparison, and in each format the exact product
/// of the two quantised inputs too; so every method sees normal inputs and no exact product needs
/// to underflow or saturate. This compares precision, not range.
public enum PaperClaims {
    /// How a method multiplies the quantised inputs.
    public enum Rule: Sendable, Equatable {
        /// A golden model (or Mitchell), on the encodings.
        case method(UnitKind)
        /// Hypothetical fp multiplier that truncates the exact product (rounds toward zero)
        /// instead of rounding to nearest even: what an fp8 baseline without RNE would give.
        case truncated
    }

    public struct Method: Sendable, Equatable {
        public let id: String
        public let rule: Rule
        public let format: FloatFormat
        public let label: String
    }

    /// L-Mul runs in an 8-bit exponent so its range never binds (e8m2, e8m3, e8m4).
    public static let lmulExponent = 8

    /// The comparison: every approximate unit (L-Mul's two forms, Mitchell) and the reference
    /// multiplier (the paper subject's first baseline, RNE) at M = 2, 3, 4 with an 8-bit exponent,
    /// and the fp8 formats with RNE and truncation.
    public static let methods: [Method] = methods(UnitKind.allCases)

    /// The comparison for the units `kinds`, read by role.
    public static func methods(_ kinds: [UnitKind]) -> [Method] {
        let reference = kinds.paperSubject?.baselines.first { kinds.contains($0) }
        var out: [Method] = []
        for m in 2...4 {
            let f = try! FloatFormat(exponent: lmulExponent, mantissa: m)
            for k in kinds.approximate {
                out.append(Method(id: "\(k.rawValue)_\(f.tag)", rule: .method(k), format: f, label: "\(k.claimLabel), \(m) fraction bits"))
            }
            guard let ref = reference else { continue }
            out.append(Method(id: "\(ref.rawValue)_\(f.tag)", rule: .method(ref), format: f, label: "exact multiply + RNE, \(m) fraction bits"))
            if m == 2 {
                out.append(Method(id: "\(ref.rawValue)_e5m2", rule: .method(ref), format: .e5m2, label: "fp8 e5m2, RNE (\(ref.rawValue))"))
                out.append(Method(id: "truncated_e5m2", rule: .truncated, format: .e5m2, label: "fp8 e5m2, product truncated (no RNE)"))
            }
            if m == 3 {
                out.append(Method(id: "\(ref.rawValue)_e4m3", rule: .method(ref), format: .e4m3, label: "fp8 e4m3, RNE (\(ref.rawValue))"))
                out.append(Method(id: "truncated_e4m3", rule: .truncated, format: .e4m3, label: "fp8 e4m3, product truncated (no RNE)"))
            }
        }
        return out
    }

    /// Samples per unit of parallel work (each chunk has its own derived seed).
    public static let samplesPerChunk = 16_384

    public struct ScaleResult: Sendable {
        public let sigma: Double
        public let drawn: Int
        public let included: Int
        public let stats: [ErrorAccumulator]
    }

    public struct Result: Sendable {
        public let methods: [Method]
        public let scales: [ScaleResult]
        public let pooled: [ErrorAccumulator]
    }

    /// The exact product `v` of two values rounded toward zero into `f` (saturating at max finite).
    public static func truncate(_ v: Double, _ f: FloatFormat) -> Double {
        if v == 0 || !v.isFinite { return v }
        let mag = Swift.abs(v)
        let maxValue = f.doubleValue(f.maxFinite)
        if mag >= maxValue { return v < 0 ? -maxValue : maxValue }
        let k = Swift.max(Int(mag.exponent), 1 - f.bias)      // binade, or the subnormal spacing
        let ulp = pow2(k - f.mantissaBits)
        let r = (mag / ulp).rounded(.towardZero) * ulp          // exact: scaling by powers of two
        return v < 0 ? -r : r
    }

    /// The common domain of `formats`: `[max minNormal, min maxFinite]`.
    public static func domain(_ formats: [FloatFormat]) -> ClosedRange<Double> {
        let lo = formats.map { $0.doubleValue($0.minNormal) }.max()!
        let hi = formats.map { $0.doubleValue($0.maxFinite) }.min()!
        return lo...hi
    }

    public static func measure(scales: [Double], samplesPerScale: Int, seed: UInt64, jobs: Int,
                               methods: [Method] = PaperClaims.methods) -> Result {
        var formats: [FloatFormat] = []
        for m in methods where !formats.contains(m.format) { formats.append(m.format) }
        let formatIndex = methods.map { m in formats.firstIndex(of: m.format)! }
        let range = domain(formats)
        let formatList = formats
        let chunksPerScale = (samplesPerScale + samplesPerChunk - 1) / samplesPerChunk
        struct Chunk: Sendable { var stats: [ErrorAccumulator]; var included: Int }
        let chunks = WorkerPool.map(scales.count * chunksPerScale, jobs: jobs) { c -> Chunk in
            let s = c / chunksPerScale, k = c % chunksPerScale
            let sigma = scales[s]
            var sampler = NormalSampler(seed: derivedSeed(seed, 2, UInt64(s), UInt64(k)))
            var out = Chunk(stats: [ErrorAccumulator](repeating: ErrorAccumulator(), count: methods.count), included: 0)
            var qa = [UInt32](repeating: 0, count: formatList.count), qb = qa
            let count = Swift.min(samplesPerChunk, samplesPerScale - k * samplesPerChunk)
            for _ in 0..<count {
                let x = sigma * sampler.next(), y = sigma * sampler.next()
                let exact = ExactProduct(x, y)
                guard range.contains(Swift.abs(x)), range.contains(Swift.abs(y)), range.contains(Swift.abs(exact.p)) else { continue }
                var inside = true
                for (i, f) in formatList.enumerated() {
                    qa[i] = f.encode(x)
                    qb[i] = f.encode(y)
                    // the product of the quantised inputs must be in the format's normal range too
                    let q = Swift.abs(f.doubleValue(qa[i]) * f.doubleValue(qb[i]))
                    if q < f.doubleValue(f.minNormal) || q > f.doubleValue(f.maxFinite) { inside = false }
                }
                guard inside else { continue }
                out.included += 1
                for (j, m) in methods.enumerated() {
                    let f = m.format, a = qa[formatIndex[j]], b = qb[formatIndex[j]]
                    let r: Double
                    switch m.rule {
                    case .method(let method): r = f.doubleValue(method.evaluate(a, b, f))
                    case .truncated: r = truncate(f.doubleValue(a) * f.doubleValue(b), f)
                    }
                    let e = exact.relativeError(of: r)
                    out.stats[j].add(e, keys: (x.bitPattern, y.bitPattern), zero: r == 0)
                }
            }
            return out
        }
        var scaleResults: [ScaleResult] = []
        var pooled = [ErrorAccumulator](repeating: ErrorAccumulator(), count: methods.count)
        for (s, sigma) in scales.enumerated() {
            var stats = [ErrorAccumulator](repeating: ErrorAccumulator(), count: methods.count)
            var included = 0
            for k in 0..<chunksPerScale {
                let ch = chunks[s * chunksPerScale + k]
                included += ch.included
                for j in methods.indices { stats[j].merge(ch.stats[j]) }
            }
            for j in methods.indices { pooled[j].merge(stats[j]) }
            scaleResults.append(ScaleResult(sigma: sigma, drawn: samplesPerScale, included: included, stats: stats))
        }
        return Result(methods: methods, scales: scaleResults, pooled: pooled)
    }
}

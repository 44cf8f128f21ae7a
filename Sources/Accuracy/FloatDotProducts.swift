import FloatArith
import Foundation
import Units
import Toolchain

/// Section 3b: the same dot products (same seeds, so the same vectors as section 3 at that length)
/// with the products summed in a floating-point accumulator, as SPEC "Floating-point
/// accumulation" defines it and as real accelerators do: each product widened exactly into the
/// accumulation format and added in order i = 0 ... n-1 with round to nearest even. The error of
/// the float sum against the exact dot product of the quantised vectors is the multiplier's error
/// plus the accumulator's rounding; against the unquantised reals, quantisation is added too.
public enum FloatDotProducts {
    public static let trialsPerChunk = 25

    public struct Errors: Sendable {
        /// The exact fixed-point PE's error on the same trials (section 3's accumulator).
        public var exactRelative: [Double] = []
        public var relative: [Double] = []
        public var versusReal: [Double] = []
        public var zeroDots = 0
        /// Trials whose float sum is not finite (NaN or infinity).
        public var nonFinite = 0
    }

    public struct Result: Sendable {
        public let means: [Double]
        public let formats: [FloatFormat]
        public let n: Int
        public let methods: [UnitKind]
        public let accumulations: [FloatFormat]
        public let trials: Int
        /// `errors[mean][format][method][accumulation]`.
        public let errors: [[[[Errors]]]]
    }

    public static func measure(means: [Double], formats: [FloatFormat], n: Int, methods: [UnitKind], accumulations: [FloatFormat],
                               trials: Int, seed: UInt64, jobs: Int) -> Result {
        for f in formats { for acc in accumulations { precondition(FPAdd.widens(f, into: acc), "\(f) into \(acc)") } }
        let chunks = (trials + trialsPerChunk - 1) / trialsPerChunk
        typealias Chunk = [[[Errors]]]      // [format][method][accumulation]
        // the exact widening of every 8-bit element encoding, once
        let widened: [[[UInt32]]] = formats.map { f in accumulations.map { acc in
            (0..<UInt32(f.encodingCount)).map { FPAdd.widen($0, from: f, to: acc) } } }
        var errors = means.map { _ in formats.map { _ in methods.map { _ in accumulations.map { _ in Errors() } } } }
        for (di, mu) in means.enumerated() {
            let parts = WorkerPool.map(chunks, jobs: jobs) { c -> Chunk in
                var out: Chunk = formats.map { _ in methods.map { _ in accumulations.map { _ in Errors() } } }
                var x = [Double](repeating: 0, count: n), w = x
                var qa = [UInt32](repeating: 0, count: n), qb = qa, ys = qa
                for t in (c * trialsPerChunk)..<Swift.min((c + 1) * trialsPerChunk, trials) {
                    DotProducts.drawVectors(seed: seed, mean: mu, meanIndex: di, trial: t, &x, &w)   // section 3's vectors
                    let real = DotProducts.dot2(x, w)
                    for (fi, f) in formats.enumerated() {
                        let fixed = AccumulatorFormat(f)
                        let exact = DotProducts.quantisedDot(f, fixed, x, w, &qa, &qb).exact
                        let exactValue = exact.double * pow2(2 * fixed.lsbExponent)
                        for (mi, m) in methods.enumerated() {
                            qa.withUnsafeBufferPointer { a in
                                qb.withUnsafeBufferPointer { b in
                                    ys.withUnsafeMutableBufferPointer { m.type.evaluate(a, b, into: $0, f, .saturate) }
                                }
                            }
                            if !exact.isZero {
                                let pe = DotProducts.peSum(m, qa, qb, fixed)
                                var hat = Int128Sum()
                                hat.add(pe.magnitude, shift: -fixed.lsbExponent, negative: pe < 0)
                                let e = (hat - exact).double.magnitude / exact.double.magnitude
                                for ai in accumulations.indices { out[fi][mi][ai].exactRelative.append(e) }
                            }
                            for (ai, acc) in accumulations.enumerated() {
                                let table = widened[fi][ai]
                                var sum: UInt32 = 0
                                for y in ys { sum = FPAdd.add(sum, table[Int(y)], acc) }
                                let c = acc.classify(sum)
                                if c == .nan || c == .infinity { out[fi][mi][ai].nonFinite += 1; continue }
                                let value = acc.doubleValue(sum)
                                if exact.isZero {
                                    out[fi][mi][ai].zeroDots += 1
                                } else {
                                    out[fi][mi][ai].relative.append(Swift.abs(value - exactValue) / Swift.abs(exactValue))
                                }
                                out[fi][mi][ai].versusReal.append(real == 0 ? 0 : Swift.abs((value - real) / real))
                            }
                        }
                    }
                }
                return out
            }
            for p in parts {
                for fi in formats.indices {
                    for mi in methods.indices {
                        for ai in accumulations.indices {
                            errors[di][fi][mi][ai].exactRelative += p[fi][mi][ai].exactRelative
                            errors[di][fi][mi][ai].relative += p[fi][mi][ai].relative
                            errors[di][fi][mi][ai].versusReal += p[fi][mi][ai].versusReal
                            errors[di][fi][mi][ai].zeroDots += p[fi][mi][ai].zeroDots
                            errors[di][fi][mi][ai].nonFinite += p[fi][mi][ai].nonFinite
                        }
                    }
                }
            }
        }
        return Result(means: means, formats: formats, n: n, methods: methods, accumulations: accumulations, trials: trials, errors: errors)
    }
}

extension AccuracyReport {
    public struct FloatDotRow: Codable, Equatable, Sendable {
        public var mean: Double
        public var format: String
        public var n: Int
        public var method: String
        public var accumulation: String
        public var trials: Int
        public var zeroDots: Int
        public var nonFinite: Int
        /// The exact (fixed-point) accumulator on the same trials.
        public var exactMeanError: Double
        public var exactP99: Double
        public var meanError: Double
        public var p99: Double
        public var meanVersusReal: Double
        public var p99VersusReal: Double
    }

    public struct FloatDotSection: Codable, Equatable, Sendable {
        public var n: Int
        public var trials: Int
        public var accumulations: [String]
        public var rows: [FloatDotRow]
    }

    public static func floatDotSection(_ r: FloatDotProducts.Result) -> FloatDotSection {
        var rows: [FloatDotRow] = []
        for (di, mu) in r.means.enumerated() {
            for (fi, f) in r.formats.enumerated() {
                for (mi, m) in r.methods.enumerated() {
                    for (ai, acc) in r.accumulations.enumerated() {
                        let e = r.errors[di][fi][mi][ai]
                        rows.append(FloatDotRow(mean: mu, format: f.tag, n: r.n, method: m.rawValue, accumulation: ProcessingElement.accumulationName(acc),
                                                trials: r.trials, zeroDots: e.zeroDots, nonFinite: e.nonFinite,
                                                exactMeanError: compensatedMean(e.exactRelative),
                                                exactP99: e.exactRelative.isEmpty ? 0 : nearestRankPercentile(e.exactRelative, 99, of: 100),
                                                meanError: compensatedMean(e.relative),
                                                p99: e.relative.isEmpty ? 0 : nearestRankPercentile(e.relative, 99, of: 100),
                                                meanVersusReal: compensatedMean(e.versusReal),
                                                p99VersusReal: e.versusReal.isEmpty ? 0 : nearestRankPercentile(e.versusReal, 99, of: 100)))
                    }
                }
            }
        }
        return FloatDotSection(n: r.n, trials: r.trials, accumulations: r.accumulations.map(ProcessingElement.accumulationName), rows: rows)
    }
}

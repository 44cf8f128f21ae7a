import FloatArith
import Foundation
import Toolchain
import Units

/// Section 5 of the accuracy report: MX matmul error (SPEC "MX block formats and the MX dot
/// product"). Each output element is a dot product of length `n` of real vectors drawn from a
/// distribution (N(0, 1) or Student-t(3)); both vectors are cut into blocks of 32 and quantised by
/// OCP's conversion (`BlockFormat.quantize`: a shared e8m0 scale per block, elements rounded to
/// nearest even, saturating); each block pair goes through the golden MX dot of a multiplier (one
/// fp32 rounding per block); the block results are summed in double precision (the accumulation
/// between blocks is not modelled). The error is against the exact dot product of the
/// unquantised reals.
public enum MXAccuracy {
    public static let blockSize = 32

    public struct Row: Codable, Equatable, Sendable {
        public var distribution: String
        public var element: String
        public var method: String
        /// `||C - C_exact||_F / ||C_exact||_F` over every output element.
        public var frobenius: Double
        /// Mean over output elements of `|c - c_exact| / sum_k |a_k b_k|` (bounded by the products' size).
        public var meanScaled: Double
        /// Nearest-rank 99th percentile of the same.
        public var p99Scaled: Double
        /// Output elements that are NaN or infinite (none for finite data; listed to be sure).
        public var nonFinite: Int
    }

    public struct Section: Codable, Equatable, Sendable {
        public var blockSize: Int
        public var length: Int
        public var outputs: Int
        public var rows: [Row]
    }

    /// Every (distribution, element format, multiplier with an MX rule) row.
    public static func measure(length n: Int, outputs: Int, seed: UInt64, jobs: Int) -> Section {
        precondition(n % blockSize == 0 && n > 0 && outputs > 0, "MX matmul: whole blocks and at least one output")
        let kinds = UnitKind.mxMultipliers
        var rows: [Row] = []
        for dist in OperandDistribution.allCases {
            // the same real data for every format and multiplier: `outputs` pairs of length-n vectors
            let reals = ProductError.operands(dist, count: outputs * n, seed: derivedSeed(seed, 25))
            let exact = (0..<outputs).map { o -> (value: Double, magnitude: Double) in
                var s = CompensatedSum(), m = CompensatedSum()
                for k in 0..<n {
                    let (x, y) = reals[o * n + k]
                    let p = ExactProduct(x, y)
                    s.add(p.p)
                    s.add(p.e)
                    m.add(Swift.abs(p.p))
                }
                return (s.value, m.value)
            }
            for f in BlockFormat.elementFormats {
                let block = try! BlockFormat(element: f, blockSize: blockSize)
                // quantise once per format: block j of output o
                let quantised = (0..<outputs).map { o -> [(a: (UInt8, [UInt32]), b: (UInt8, [UInt32]))] in
                    (0..<(n / blockSize)).map { j in
                        let lo = o * n + j * blockSize
                        let xs = (lo..<(lo + blockSize)).map { reals[$0].0 }, ys = (lo..<(lo + blockSize)).map { reals[$0].1 }
                        return (block.quantize(xs), block.quantize(ys))
                    }
                }
                for kind in kinds {
                    let rule = kind.mxProduct(f)!
                    let results = WorkerPool.map(outputs, jobs: jobs) { o -> Double in
                        var s = CompensatedSum()
                        for q in quantised[o] {
                            let y = MXDot.dot(q.a.1, q.b.1, xa: q.a.0, xb: q.b.0, element: f, rule: rule)
                            s.add(Double(Float(bitPattern: y)))
                        }
                        return s.value
                    }
                    var num = CompensatedSum(), den = CompensatedSum()
                    var scaled: [Double] = []
                    var nonFinite = 0
                    for (o, c) in results.enumerated() {
                        guard c.isFinite else { nonFinite += 1; continue }
                        let d = c - exact[o].value
                        num.add(d * d)
                        den.add(exact[o].value * exact[o].value)
                        scaled.append(Swift.abs(d) / exact[o].magnitude)
                    }
                    var mean = CompensatedSum()
                    for e in scaled { mean.add(e) }
                    rows.append(Row(distribution: dist.rawValue, element: f.tag, method: kind.rawValue,
                                    frobenius: (num.value / den.value).squareRoot(), meanScaled: mean.value / Double(max(scaled.count, 1)),
                                    p99Scaled: scaled.isEmpty ? 0 : nearestRankPercentile(scaled, 99, of: 100), nonFinite: nonFinite))
                }
            }
        }
        return Section(blockSize: blockSize, length: n, outputs: outputs, rows: rows)
    }
}

extension MXAccuracy.Section {
    /// The row of a distribution, element format and method.
    public func row(_ dist: OperandDistribution, _ element: String, _ method: String) -> MXAccuracy.Row? {
        rows.first { $0.distribution == dist.rawValue && $0.element == element && $0.method == method }
    }

    /// The paper's "L-Mul with 3 fraction bits beats e5m2", restated inside the MX dot: the paper
    /// subject on e4m3 elements (3 fraction bits) against the correctly rounded multiplier (the
    /// subject's first baseline) on e5m2 elements, per distribution, by Frobenius error.
    public func claims(kinds: [UnitKind]) -> [(distribution: OperandDistribution, lmul: Double, e5m2: Double, holds: Bool)] {
        guard let subject = kinds.paperSubject, let baseline = subject.baselines.first else { return [] }
        return OperandDistribution.allCases.compactMap { d in
            guard let l = row(d, FloatFormat.e4m3.tag, subject.rawValue), let e = row(d, FloatFormat.e5m2.tag, baseline.rawValue) else { return nil }
            return (d, l.frobenius, e.frobenius, l.frobenius < e.frobenius)
        }
    }

    public func markdown(kinds: [UnitKind]) -> String {
        var md = "## 5. MX matmul (OCP Microscaling, K = \(blockSize) blocks with e8m0 scales)\n\n"
        md += "Each of \(groupedCount(outputs)) output elements per distribution is a dot product of length \(length) of real vectors "
        md += "(N(0, 1), or Student's t with 3 degrees of freedom), cut into \(length / blockSize) blocks of \(blockSize) and quantised by OCP's conversion "
        md += "(SPEC \"Converting real values to MX\": a shared e8m0 scale per block, elements rounded to nearest even, saturating). Each block pair goes "
        md += "through SPEC's MX dot with the multiplier's product rule (exact sum, one fp32 rounding per block); the \(length / blockSize) block results "
        md += "are summed in double precision (the accumulation between blocks is not modelled). Errors are against the exact dot product of the "
        md += "unquantised reals: `Frobenius` is `||C - C_exact|| / ||C_exact||`; `scaled` is `|c - c_exact| / sum |a_k b_k|` per element "
        md += "(mean and 99th percentile), which stays bounded where a zero-mean dot product is near zero. `fpmul` rows are the quantisation "
        md += "error alone (its products are exact).\n\n"
        for d in OperandDistribution.allCases {
            md += "### \(d.label)\n\n"
            let formats = BlockFormat.elementFormats.map(\.tag)
            var body: [[String]] = []
            for f in formats {
                for k in kinds {
                    guard let r = row(d, f, k.rawValue) else { continue }
                    body.append([f, "`\(k.rawValue)`", percentText(r.frobenius), percentText(r.meanScaled), percentText(r.p99Scaled)]
                                + (r.nonFinite > 0 ? [" (\(r.nonFinite) non-finite)"] : []))
                }
            }
            md += AccuracyReport.table(["element", "method", "Frobenius", "scaled mean", "scaled p99"], body) + "\n"
        }
        let c = claims(kinds: kinds)
        if !c.isEmpty, let subject = kinds.paperSubject, let baseline = subject.baselines.first {
            md += "The paper's \"L-Mul with 3 fraction bits beats e5m2\", inside the MX dot (`\(subject.rawValue)` on e4m3 elements against "
            md += "`\(baseline.rawValue)` on e5m2 elements, Frobenius error):\n\n"
            for x in c {
                md += "- \(x.distribution.label): \(percentText(x.lmul)) against \(percentText(x.e5m2)): **\(x.holds ? "holds" : "does not hold")**.\n"
            }
            md += "\n"
        }
        return md
    }
}

import FloatArith
import Units
import Foundation
import Toolchain

/// The accuracy report as data: what `docs/accuracy.json` holds, and all that `docs/accuracy.md`
/// and the plots are rendered from (`AccuracyReport.markdown()` is a function of this value only).
public struct AccuracyReport: Codable, Equatable, Sendable {
    public var schema = 1
    /// `default` (docs/accuracy.*) or `bf16` (docs/accuracy-bf16.*).
    public var part: String
    /// The make target and rtlgen command that write this report.
    public var make: String
    public var command: String
    public var settings: Settings
    public var exhaustive: [ExhaustiveFormat]
    public var histogram: HistogramSection?
    public var claims: ClaimsSection?
    public var dotProducts: DotSection?
    public var area: AreaSection?
    /// Section 3b: the dot products with fp32 and bf16 accumulation (SPEC "Floating-point accumulation").
    public var floatDotProducts: FloatDotSection?
    /// Section 5: MX matmul error (SPEC "MX block formats"), `MXAccuracy`.
    public var mx: MXAccuracy.Section? = nil
    /// The units the report reads by role (not written to the JSON): the registry's multipliers,
    /// or a test's own list.
    public var kinds: [UnitKind] = UnitKind.allCases

    enum CodingKeys: String, CodingKey {
        case schema, part, make, command, settings, exhaustive, histogram, claims, dotProducts, area, floatDotProducts, mx
    }

    /// The unit the paper's claims are about, the reference baseline it declares first (the
    /// correctly rounded multiplier) and its second (the flush-to-zero one), where in `kinds`.
    var subject: UnitKind? { kinds.paperSubject }
    var subjectBaselines: [UnitKind] { subject?.baselines.filter { kinds.contains($0) } ?? [] }
    var reference: UnitKind? { subjectBaselines.first }

    public struct Settings: Codable, Equatable, Sendable {
        public var seed: UInt64
        public var overflow: String
        public var exhaustiveFormats: [String]
        public var claimScales: [Double]?
        public var claimSamplesPerScale: Int?
        public var dotFormats: [String]?
        public var dotMeans: [Double]?
        public var dotLengths: [Int]?
        public var dotTrials: Int?
        public var floatDotTrials: Int?
    }

    public struct WorstCase: Codable, Equatable, Sendable {
        public var a: String
        public var b: String
        public var aValue: Double
        public var bValue: Double
        public var exact: Double
        public var result: String
        public var resultValue: Double
        public var relativeError: Double
    }

    public struct ExhaustiveRow: Codable, Equatable, Sendable {
        public var method: String
        public var mean: Double
        public var max: Double
        public var rms: Double
        public var bias: Double
        public var errorRate: Double
        public var mismatches: Int
        public var zeroResults: Int
        public var worst: WorstCase
    }

    public struct ExhaustiveFormat: Codable, Equatable, Sendable {
        public var format: String
        public var name: String
        public var exponent: Int
        public var mantissa: Int
        public var minNormal: Double
        public var maxFinite: Double
        public var normalInputs: Int
        public var pairs: Int
        public var rows: [ExhaustiveRow]
    }

    public struct HistogramRow: Codable, Equatable, Sendable {
        public var method: String
        public var counts: [Int]
        public var below: Int
        public var above: Int
    }

    public struct HistogramSection: Codable, Equatable, Sendable {
        public var format: String
        public var low: Double
        public var binWidth: Double
        public var rows: [HistogramRow]
        public var high: Double { low + binWidth * Double(rows.first?.counts.count ?? 0) }
    }

    public struct ClaimRow: Codable, Equatable, Sendable {
        public var id: String
        public var label: String
        public var rule: String
        public var inputFormat: String
        public var fractionBits: Int
        public var count: Int
        public var mean: Double
        public var max: Double
        public var rms: Double
        public var bias: Double
        public var zeroResults: Int
        public var worstX: Double
        public var worstY: Double
    }

    public struct ScaleRow: Codable, Equatable, Sendable {
        public var sigma: Double
        public var drawn: Int
        public var included: Int
        /// Per method, in the order of `ClaimsSection.rows`.
        public var mean: [Double]
        public var rms: [Double]
        public var max: [Double]
    }

    public struct MetricComparison: Codable, Equatable, Sendable {
        public var metric: String
        public var lmul: Double
        public var baseline: Double
        public var ratio: Double
        public var holds: Bool
    }

    public struct Verdict: Codable, Equatable, Sendable {
        /// The paper's claim in words.
        public var claim: String
        public var lmul: String
        public var baseline: String
        /// `less` (L-Mul's error smaller) or `about` (L-Mul's error at most `tolerance` larger).
        public var relation: String
        public var tolerance: Double
        public var metrics: [MetricComparison]
        /// `holds`, `fails` or `mixed`.
        public var outcome: String
        public var text: String
    }

    public struct ClaimsSection: Codable, Equatable, Sendable {
        public var scales: [Double]
        public var samplesPerScale: Int
        public var domainLow: Double
        public var domainHigh: Double
        public var rows: [ClaimRow]
        public var perScale: [ScaleRow]
        /// The paper's two claims: L-Mul bit-add form against fp8 with RNE.
        public var verdicts: [Verdict]
        /// The same claims under other readings (formula form; an fp8 multiplier that truncates).
        public var otherReadings: [Verdict]
    }

    public struct DotRow: Codable, Equatable, Sendable {
        /// Mean of the normal distribution of the vector entries (standard deviation 1).
        public var mean: Double
        public var format: String
        public var n: Int
        public var method: String
        public var trials: Int
        public var zeroDots: Int
        public var meanError: Double
        public var p99: Double
        public var meanNormalised: Double
        public var p99Normalised: Double
        public var meanVersusReal: Double
        public var p99VersusReal: Double
    }

    public struct DotSection: Codable, Equatable, Sendable {
        public var means: [Double]
        public var formats: [String]
        public var lengths: [Int]
        public var trials: Int
        public var rows: [DotRow]
    }

    public struct AreaPoint: Codable, Equatable, Sendable {
        public var module: String
        public var unit: String
        public var format: String
        public var transistors: Double
        public var gates: Double
        public var depth: Double
        public var meanRelativeError: Double
        public var maxRelativeError: Double
        /// Standard-cell energy per operation (pJ), when the synthesis report has it.
        public var energy: Double? = nil
        /// The same netlist's energy per operation with timed activity (OpenSTA's SDF delays,
        /// glitches counted: the synthesis report's `energy_timed_pj`), when it has one.
        public var energyTimed: Double? = nil
    }

    /// A PE's standard-cell energy per MAC (pJ), split as the synthesis report splits it.
    public struct PEEnergy: Codable, Equatable, Sendable {
        public var module: String
        public var unit: String
        public var multiplier: Double
        public var accumulator: Double
        public var registers: Double
        /// The PE's energy per MAC with timed activity (SDF delays, glitches counted), when the
        /// synthesis report has it.
        public var timed: Double? = nil
    }

    public struct AreaSection: Codable, Equatable, Sendable {
        public var source: String
        public var present: Bool
        public var points: [AreaPoint]
        /// Entries of the synthesis report with no matching row here (other formats or overflow rules).
        public var unmatched: [String]
        public var peEnergy: [PEEnergy]? = nil
    }

    public func encoded() throws -> Data {
        try canonicalJSON(self)
    }

    public static func decode(_ data: Data) throws -> AccuracyReport {
        try JSONDecoder().decode(AccuracyReport.self, from: data)
    }
}

// MARK: - Building the report from measurements

extension AccuracyReport {
    static func hex(_ x: UInt32, _ f: FloatFormat) -> String {
        let digits = (f.width + 3) / 4
        let s = String(x, radix: 16)
        return "0x" + String(repeating: "0", count: Swift.max(0, digits - s.count)) + s
    }

    public static func exhaustiveFormat(_ r: ExhaustiveAccuracy.Result) -> ExhaustiveFormat {
        let f = r.format
        let rows = zip(r.methods, r.stats).map { method, s -> ExhaustiveRow in
            precondition(s.sumAbs.value.isFinite && s.sumSquares.value.isFinite, "non-finite error for \(method.rawValue) on \(f.tag)")
            let a = UInt32(s.worstKeys.0), b = UInt32(s.worstKeys.1)
            let exact = f.doubleValue(a) * f.doubleValue(b)
            let y = method.evaluate(a, b, f)
            let worst = WorstCase(a: hex(a, f), b: hex(b, f), aValue: f.doubleValue(a), bValue: f.doubleValue(b), exact: exact,
                                  result: hex(y, f), resultValue: f.doubleValue(y), relativeError: (f.doubleValue(y) - exact) / exact)
            return ExhaustiveRow(method: method.rawValue, mean: s.mean, max: Swift.abs(worst.relativeError), rms: s.rms, bias: s.bias, errorRate: s.errorRate,
                                 mismatches: s.mismatches, zeroResults: s.zeros, worst: worst)
        }
        return ExhaustiveFormat(format: f.tag, name: f.commonName ?? "IEEE-style", exponent: f.exponentBits, mantissa: f.mantissaBits,
                                minNormal: f.doubleValue(f.minNormal), maxFinite: f.doubleValue(f.maxFinite),
                                normalInputs: r.normalInputs, pairs: r.pairs, rows: rows)
    }

    public static func histogramSection(_ r: ExhaustiveAccuracy.Result) -> HistogramSection? {
        guard let h = r.histograms, let first = h.first else { return nil }
        return HistogramSection(format: r.format.tag, low: first.low, binWidth: first.binWidth,
                                rows: zip(r.methods, h).map { HistogramRow(method: $0.rawValue, counts: $1.counts, below: $1.below, above: $1.above) })
    }

    public static func claimsSection(_ r: PaperClaims.Result, samplesPerScale: Int, kinds: [UnitKind] = UnitKind.allCases) -> ClaimsSection {
        var formats: [FloatFormat] = []
        for m in r.methods where !formats.contains(m.format) { formats.append(m.format) }
        let d = PaperClaims.domain(formats)
        let rows = zip(r.methods, r.pooled).map { m, s -> ClaimRow in
            let rule: String
            switch m.rule {
            case .method(let k): rule = k.rawValue
            case .truncated: rule = "truncated"
            }
            return ClaimRow(id: m.id, label: m.label, rule: rule, inputFormat: m.format.tag, fractionBits: m.format.mantissaBits,
                            count: s.count, mean: s.mean, max: s.max, rms: s.rms, bias: s.bias, zeroResults: s.zeros,
                            worstX: Double(bitPattern: s.worstKeys.0), worstY: Double(bitPattern: s.worstKeys.1))
        }
        let perScale = r.scales.map { sc in
            ScaleRow(sigma: sc.sigma, drawn: sc.drawn, included: sc.included, mean: sc.stats.map(\.mean), rms: sc.stats.map(\.rms), max: sc.stats.map(\.max))
        }
        func row(_ id: String) -> ClaimRow? { rows.first { $0.id == id } }
        let claimA = "L-Mul with 3 fraction bits is more precise than fp8 e5m2"
        let claimB = "L-Mul with 4 fraction bits is about as precise as fp8 e4m3"
        // The paper's subject against the reference multiplier in fp8; the other L-Mul forms and
        // the truncating fp8 multiplier as further readings.
        func pair(_ k: UnitKind, _ baseline: String) -> [Verdict] {
            [("e8m3", "e5m2", claimA, "less"), ("e8m4", "e4m3", claimB, "about")].compactMap { lf, bf, claim, relation in
                guard let l = row("\(k.rawValue)_\(lf)"), let b = row("\(baseline)_\(bf)") else { return nil }
                return verdict(claim, l, b, relation: relation)
            }
        }
        let subject = kinds.paperSubject
        let reference = subject?.baselines.first { kinds.contains($0) }
        let verdicts = subject.flatMap { s in reference.map { pair(s, $0.rawValue) } } ?? []
        let other = (reference.map { ref in kinds.lmulForms.filter { $0 != subject }.flatMap { pair($0, ref.rawValue) } } ?? [])
            + (subject.map { pair($0, "truncated") } ?? [])
        return ClaimsSection(scales: r.scales.map(\.sigma), samplesPerScale: samplesPerScale, domainLow: d.lowerBound, domainHigh: d.upperBound,
                             rows: rows, perScale: perScale, verdicts: verdicts, otherReadings: other)
    }

    /// "About as precise": L-Mul's error at most this much larger than the baseline's (ratio <= 1.1).
    public static let aboutTolerance = 0.10

    /// A claim judged per metric (mean, RMS, max relative error), then as a whole: `holds` when it
    /// holds under every metric, `fails` under none, `mixed` otherwise (naming which).
    public static func verdict(_ claim: String, _ l: ClaimRow, _ b: ClaimRow, relation: String) -> Verdict {
        let tol = relation == "about" ? aboutTolerance : 0
        let metrics = [("mean", l.mean, b.mean), ("RMS", l.rms, b.rms), ("max", l.max, b.max)].map { name, x, y in
            MetricComparison(metric: name, lmul: x, baseline: y, ratio: x / y, holds: relation == "less" ? x < y : x / y <= 1 + tol)
        }
        let held = metrics.filter(\.holds).map(\.metric), failed = metrics.filter { !$0.holds }.map(\.metric)
        let outcome = failed.isEmpty ? "holds" : (held.isEmpty ? "fails" : "mixed")
        func list(_ xs: [String]) -> String {
            xs.count <= 1 ? (xs.first ?? "") : xs.dropLast().joined(separator: ", ") + " and " + xs.last!
        }
        func cmp(_ m: MetricComparison) -> String {
            "\(m.metric) \(percentText(m.lmul)) vs \(percentText(m.baseline))"
        }
        let details = metrics.map(cmp).joined(separator: "; ")
        let lname = "\(l.label) (\(l.inputFormat))", bname = "\(b.label)"
        let text: String
        if relation == "less" {
            switch outcome {
            case "holds": text = "Holds: \(lname) has a lower relative error than \(bname) under every metric (\(details))."
            case "fails": text = "Does not hold: \(lname)'s relative error is not lower than \(bname)'s under any metric (\(details))."
            default: text = "Mixed: \(lname) has the lower \(list(held)) relative error, \(bname) the lower \(list(failed)) (\(details))."
            }
        } else {
            let pctTol = "\(Int((tol * 100).rounded()))%"
            switch outcome {
            case "holds": text = "Holds: \(lname)'s relative error is at most \(pctTol) above \(bname)'s, or below it, under every metric (\(details))."
            case "fails": text = "Does not hold: \(lname)'s relative error is more than \(pctTol) above \(bname)'s under every metric (\(details))."
            default: text = "Mixed: within \(pctTol) (or below) for the \(list(held)) relative error, more than \(pctTol) above for the \(list(failed)) (\(details))."
            }
        }
        return Verdict(claim: claim, lmul: l.id, baseline: b.id, relation: relation, tolerance: tol, metrics: metrics, outcome: outcome, text: text)
    }

    public static func dotSection(_ r: DotProducts.Result) -> DotSection {
        var rows: [DotRow] = []
        for (di, mu) in r.means.enumerated() {
            for (fi, f) in r.formats.enumerated() {
                for (li, n) in r.lengths.enumerated() {
                    for (mi, m) in r.methods.enumerated() {
                        let e = r.errors[di][fi][li][mi]
                        rows.append(DotRow(mean: mu, format: f.tag, n: n, method: m.rawValue, trials: r.trials, zeroDots: e.zeroDots,
                                           meanError: compensatedMean(e.relative),
                                           p99: e.relative.isEmpty ? 0 : nearestRankPercentile(e.relative, 99, of: 100),
                                           meanNormalised: compensatedMean(e.normalised), p99Normalised: nearestRankPercentile(e.normalised, 99, of: 100),
                                           meanVersusReal: compensatedMean(e.versusReal), p99VersusReal: nearestRankPercentile(e.versusReal, 99, of: 100)))
                    }
                }
            }
        }
        return DotSection(means: r.means, formats: r.formats.map(\.tag), lengths: r.lengths, trials: r.trials, rows: rows)
    }
}

/// A relative error as a percentage with four significant digits: `3.125%`.
func percentText(_ x: Double) -> String {
    if x == 0 { return "0%" }
    return String(format: "%.4g%%", x * 100)
}

/// A signed percentage: `+0.5313%`, `-1.2%`.
func signedPercentText(_ x: Double) -> String {
    if x == 0 { return "0%" }
    return (x > 0 ? "+" : "") + percentText(x)
}

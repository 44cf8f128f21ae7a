import FloatArith
import Units
import Foundation
import Toolchain

/// What `rtlgen accuracy` measures and writes. Everything that changes the report's content is
/// here; the output directory and the number of threads are not (they change nothing written).
public struct AccuracyOptions: Sendable, Equatable {
    public var seed: UInt64 = 1
    public var claimScales: [Double] = [0.25, 1, 4]
    public var claimSamplesPerScale = 1_000_000
    public var dotLengths = [16, 256, 4096]
    /// Means of the N(mu, 1) entries of the dot-product vectors: zero-mean, and mean 1 (mostly positive products).
    public var dotMeans: [Double] = [0, 1]
    public var dotTrials = 10_000
    /// Section 3b (floating-point accumulation, n = the longest dot length): trials per mean.
    public var floatDotTrials = 1_000
    /// Section 5 (MX matmul): output elements per distribution and their dot-product length.
    public var mxOutputs = 2_000
    public var mxLength = 256
    public static let floatAccumulations: [FloatFormat] = [.fp32, .bf16]
    /// Where to read `make synth`'s report (`nil`: none; a missing file is skipped, and the area
    /// section says so).
    public var synthPath: String? = AccuracyOptions.defaultSynthPath
    /// How the report names that file, when it differs from `synthPath` (e.g. an absolute path
    /// to the repository's `synth/report.json`, which the report still calls by its relative name).
    public var synthName: String?
    public static let defaultSynthPath = "synth/report.json"
    public var jobs = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    /// Formats of the default exhaustive section: every M in 1...7 with E = 4 and E = 5.
    public static let defaultFormats: [FloatFormat] =
        [4, 5].flatMap { e in (1...7).map { m in try! FloatFormat(exponent: e, mantissa: m) } }
    public static let dotFormats: [FloatFormat] = [.e4m3, .e5m2]
    public static let dotMethods: [UnitKind] = UnitKind.allCases

    /// The histogram of section 1 (e4m3): bins of 2^-7 from -25% to +25%.
    public static let histogramTemplate = ErrorHistogram(low: -32.0 / 128, binWidth: 1.0 / 128, bins: 64)

    /// The options that differ from the defaults, as command-line flags.
    public var contentFlags: [String] {
        let d = AccuracyOptions()
        var flags: [String] = []
        if seed != d.seed { flags += ["--seed", "\(seed)"] }
        if claimSamplesPerScale != d.claimSamplesPerScale { flags += ["--claim-pairs", "\(claimSamplesPerScale)"] }
        if dotTrials != d.dotTrials { flags += ["--dot-trials", "\(dotTrials)"] }
        if floatDotTrials != d.floatDotTrials { flags += ["--float-dot-trials", "\(floatDotTrials)"] }
        if synthPath == nil { flags += ["--synth", "none"] } else if synthLabel != d.synthLabel { flags += ["--synth", synthLabel] }
        return flags
    }

    /// The synthesis report's name as the report writes it.
    public var synthLabel: String { synthName ?? synthPath ?? AccuracyOptions.defaultSynthPath }
}

public enum AccuracyRun {
    public typealias Log = @Sendable (String) -> Void

    static func timed<T>(_ label: String, _ log: Log, _ body: () throws -> T) rethrows -> T {
        let start = Date()
        let r = try body()
        log("\(label): " + String(format: "%.1f s", Date().timeIntervalSince(start)))
        return r
    }

    /// The default report (everything but the bf16 exhaustive part) and the files it renders to.
    public static func defaultReport(_ o: AccuracyOptions, log: @escaping Log = { _ in }) throws -> (AccuracyReport, [(name: String, contents: Data)]) {
        let synth = try o.synthPath.flatMap { try SynthInput.load($0) }
        let results = timed("section 1, exhaustive (\(AccuracyOptions.defaultFormats.count) formats)", log) {
            AccuracyOptions.defaultFormats.map { f in
                ExhaustiveAccuracy.measure(f, histogram: f == .e4m3 ? AccuracyOptions.histogramTemplate : nil, jobs: o.jobs)
            }
        }
        let claims = timed("section 2, paper claims (\(o.claimScales.count) x \(o.claimSamplesPerScale) pairs)", log) {
            PaperClaims.measure(scales: o.claimScales, samplesPerScale: o.claimSamplesPerScale, seed: o.seed, jobs: o.jobs)
        }
        let dots = timed("section 3, dot products (\(o.dotTrials) trials per length)", log) {
            DotProducts.measure(means: o.dotMeans, formats: AccuracyOptions.dotFormats, lengths: o.dotLengths, methods: AccuracyOptions.dotMethods,
                                trials: o.dotTrials, seed: o.seed, jobs: o.jobs)
        }
        let n = o.dotLengths.max() ?? 4096
        let floatDots = timed("section 3b, dot products with float accumulation (n = \(n), \(o.floatDotTrials) trials)", log) {
            FloatDotProducts.measure(means: o.dotMeans, formats: AccuracyOptions.dotFormats, n: n, methods: AccuracyOptions.dotMethods,
                                     accumulations: AccuracyOptions.floatAccumulations, trials: o.floatDotTrials, seed: o.seed, jobs: o.jobs)
        }
        let mx = timed("section 5, MX matmul (\(o.mxOutputs) outputs of length \(o.mxLength) per distribution)", log) {
            MXAccuracy.measure(length: o.mxLength, outputs: o.mxOutputs, seed: o.seed, jobs: o.jobs)
        }
        let exhaustive = results.map(AccuracyReport.exhaustiveFormat)
        let flags = o.contentFlags
        var report = AccuracyReport(
            part: "default",
            make: flags.isEmpty ? "make accuracy" : "rtlgen accuracy " + flags.joined(separator: " "),
            command: (["rtlgen accuracy"] + flags).joined(separator: " "),
            settings: .init(seed: o.seed, overflow: OverflowMode.saturate.rawValue, exhaustiveFormats: AccuracyOptions.defaultFormats.map(\.tag),
                            claimScales: o.claimScales, claimSamplesPerScale: o.claimSamplesPerScale,
                            dotFormats: AccuracyOptions.dotFormats.map(\.tag), dotMeans: o.dotMeans, dotLengths: o.dotLengths, dotTrials: o.dotTrials,
                            floatDotTrials: o.floatDotTrials),
            exhaustive: exhaustive,
            histogram: results.first { $0.format == .e4m3 }.flatMap(AccuracyReport.histogramSection),
            claims: AccuracyReport.claimsSection(claims, samplesPerScale: o.claimSamplesPerScale),
            dotProducts: AccuracyReport.dotSection(dots),
            area: o.synthPath == nil ? nil : SynthInput.areaSection(synth, source: o.synthLabel, exhaustive: exhaustive,
                                                                    peEnergy: o.synthPath.flatMap { SynthInput.peEnergy($0) }),
            floatDotProducts: AccuracyReport.floatDotSection(floatDots))
        report.mx = mx
        report.schema = 1
        return (report, try files(report))
    }

    /// The bf16 exhaustive part: all 2^32 encoding pairs considered, streamed over `jobs` threads.
    public static func bf16Report(_ o: AccuracyOptions, progress: WorkerPool.OnDone? = nil,
                                  log: @escaping Log = { _ in }) throws -> (AccuracyReport, [(name: String, contents: Data)]) {
        let r = timed("bf16 exhaustive", log) { ExhaustiveAccuracy.measure(.bf16, jobs: o.jobs, progress: progress) }
        let report = AccuracyReport(
            part: "bf16", make: "make accuracy-bf16", command: "rtlgen accuracy --bf16 only",
            settings: .init(seed: o.seed, overflow: OverflowMode.saturate.rawValue, exhaustiveFormats: [FloatFormat.bf16.tag]),
            exhaustive: [AccuracyReport.exhaustiveFormat(r)])
        return (report, try files(report))
    }

    /// The files a report renders to, relative to the output directory.
    public static func files(_ r: AccuracyReport) throws -> [(name: String, contents: Data)] {
        let stem = r.part == "bf16" ? "accuracy-bf16" : "accuracy"
        var out: [(name: String, contents: Data)] = [("\(stem).json", try r.encoded()), ("\(stem).md", Data(r.markdown().utf8))]
        if let h = r.histogram { out.append((AccuracyReport.histogramFile, Data(AccuracyPlots.histogram(h, kinds: r.kinds).utf8))) }
        if let a = r.area, let svg = AccuracyPlots.areaScatter(a, kinds: r.kinds) { out.append((AccuracyReport.scatterFile, Data(svg.utf8))) }
        if let a = r.area, let svg = AccuracyPlots.energyScatter(a, kinds: r.kinds) { out.append((AccuracyReport.energyScatterFile, Data(svg.utf8))) }
        if let a = r.area, let svg = AccuracyPlots.peEnergyBars(a) { out.append((AccuracyReport.peEnergyFile, Data(svg.utf8))) }
        return out
    }
}

import FloatArith
import Units
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Accuracy
@testable import Generation
@testable import Synthesis
@testable import Toolchain
@testable import Verification
import Testing

/// `rtlgen accuracy`: the statistics, the exhaustive rows against a brute force written here from
/// SPEC.md alone, independence from the number of threads, the claim verdicts, and that the
/// committed `docs/accuracy.*` is what the code produces now.
@Suite struct AccuracyTests {
    // MARK: Statistics on hand-worked inputs

    @Test func errorAccumulatorOnHandWorkedErrors() {
        var s = ErrorAccumulator()
        s.add(0.5, keys: (1, 2))
        s.add(-0.25, keys: (3, 4), mismatch: true)
        s.add(-1, keys: (5, 6), mismatch: true, zero: true)
        s.add(0.125, keys: (7, 8))
        s.add(1, keys: (9, 10))                       // ties the max: the first one stays the worst case
        #expect(s.count == 5)
        #expect(s.mean == 2.875 / 5)                  // (0.5 + 0.25 + 1 + 0.125 + 1) / 5
        #expect(s.bias == 0.375 / 5)                  // (0.5 - 0.25 - 1 + 0.125 + 1) / 5
        #expect(s.rms == (2.328125 / 5).squareRoot()) // (0.25 + 0.0625 + 1 + 0.015625 + 1) / 5
        #expect(s.max == 1)
        #expect(s.worstKeys == (5, 6))
        #expect(s.mismatches == 2 && s.errorRate == 0.4)
        #expect(s.zeros == 1)

        // the same stream split in two and merged in order: same statistics, same worst case
        var first = ErrorAccumulator(), second = ErrorAccumulator()
        first.add(0.5, keys: (1, 2)); first.add(-0.25, keys: (3, 4), mismatch: true)
        second.add(-1, keys: (5, 6), mismatch: true, zero: true); second.add(0.125, keys: (7, 8)); second.add(1, keys: (9, 10))
        first.merge(second)
        #expect(first.count == 5 && first.mean == s.mean && first.bias == s.bias && first.rms == s.rms)
        #expect(first.worstKeys == (5, 6) && first.mismatches == 2 && first.zeros == 1)

        // a block summed by the caller counts like the same errors added one by one
        var b = BlockSums()
        b.count = 2; b.sumAbs = 0.75; b.sumSigned = 0.25; b.sumSquares = 0.3125; b.maxAbs = 0.5; b.worstKeys = (1, 2); b.mismatches = 1
        var viaBlock = ErrorAccumulator()
        viaBlock.addBlock(b)
        var direct = ErrorAccumulator()
        direct.add(0.5, keys: (1, 2), mismatch: true); direct.add(-0.25, keys: (3, 4))
        #expect(viaBlock.mean == direct.mean && viaBlock.bias == direct.bias && viaBlock.rms == direct.rms)
        #expect(viaBlock.max == 0.5 && viaBlock.worstKeys == (1, 2) && viaBlock.errorRate == 0.5)

        #expect(ErrorAccumulator().mean == 0 && ErrorAccumulator().max == 0)
    }

    @Test func compensatedSumKeepsWhatPlainSummationLoses() {
        var c = CompensatedSum()
        for x in [1e16, 1, -1e16, 1] { c.add(x) }
        #expect(c.value == 2)
        #expect([1e16, 1, -1e16, 1].reduce(0, +) != 2)   // plain summation loses the 1 added to 1e16
        #expect(compensatedMean([0.1, 0.2, 0.3, 0.4]) == 0.25)
    }

    @Test func nearestRankPercentileIsTheSmallestValueCoveringTheShare() {
        let hundred = (1...100).map(Double.init).reversed().map { $0 }
        #expect(nearestRankPercentile(hundred, 99, of: 100) == 99)
        #expect(nearestRankPercentile(hundred, 1, of: 100) == 1)
        #expect(nearestRankPercentile([3, 1, 2], 99, of: 100) == 3)         // rank ceil(2.97) = 3
        #expect(nearestRankPercentile((1...200).map(Double.init), 99, of: 100) == 198)
        #expect(nearestRankPercentile([5], 99, of: 100) == 5)
    }

    @Test func histogramBinsAreExactAtTheEdges() {
        var h = ErrorHistogram(low: -0.25, binWidth: 1.0 / 128, bins: 64)
        h.add(0)                       // the bin [0, 1/128) is number 32
        h.add(-1.0 / 128)              // an edge belongs to the bin it starts: 31
        h.add(-1.0 / 128 + 1e-17)      // just above it: still 31
        h.add(-1.0 / 128 - 1e-17)      // just below it: 30
        h.add(-0.25)                   // the lowest edge: bin 0
        h.add(-0.25 - 1e-12)           // below the range
        h.add(0.25)                    // the top edge is outside
        h.add(0.25 - 1e-12)            // the last bin
        h.add(-1)                      // a flush to zero
        #expect(h.counts[32] == 1 && h.counts[31] == 2 && h.counts[30] == 1 && h.counts[0] == 1 && h.counts[63] == 1)
        #expect(h.below == 2 && h.above == 1 && h.total == 9)
    }

    @Test func roundToNearestEvenOnTheDoubleBits() {
        let r = ExhaustiveAccuracy.roundToNearestEven
        #expect(r(1.0625, 3) == 1)          // tie between 1.000 and 1.001: even
        #expect(r(1.1875, 3) == 1.25)       // tie between 1.001 and 1.010: even
        #expect(r(1.1874, 3) == 1.125)
        #expect(r(1.96875, 3) == 2)         // carries into the exponent
        #expect(r(-2.25, 1) == -2)          // tie between 2 and 3 at one fraction bit: even
        #expect(r(-2.75, 1) == -3)
        #expect(r(448, 3) == 448 && r(0.015625, 3) == 0.015625)
    }

    // MARK: Exhaustive rows against a brute force written from SPEC

    /// SPEC.md, read directly: the value of every encoding of `e{E}m{M}` (nil for NaN and infinity)
    /// and the four units plus Mitchell on normal operands, by arithmetic on values and fields only.
    struct SpecFormat {
        let e: Int, m: Int
        var bias: Int { (1 << (e - 1)) - 1 }
        var fn: Bool { e == 4 && m == 3 }                       // OCP E4M3FN
        var count: Int { 1 << (1 + e + m) }
        func field(_ x: Int) -> Int { (x >> m) & ((1 << e) - 1) }
        func frac(_ x: Int) -> Int { x & ((1 << m) - 1) }
        func negative(_ x: Int) -> Bool { x >> (e + m) == 1 }
        func value(_ x: Int) -> Double? {
            let ex = field(x), f = frac(x)
            if fn && ex == (1 << e) - 1 && f == (1 << m) - 1 { return nil }
            if !fn && ex == (1 << e) - 1 { return nil }
            let v = ex == 0 ? Double(f) * pow(2, Double(1 - bias - m)) : Double((1 << m) + f) * pow(2, Double(ex - bias - m))
            return negative(x) ? -v : v
        }
        func isNormal(_ x: Int) -> Bool { field(x) != 0 && value(x) != nil }
        var maxFiniteMagnitude: Int { (0..<(count / 2)).filter { value($0) != nil }.max()! }
        var maxFinite: Double { value(maxFiniteMagnitude)! }
        var minNormal: Double { pow(2, Double(1 - bias)) }
        var offset: Int { m <= 3 ? 1 : (m == 4 ? 2 : 1 << (m - 4)) }

        /// The shared tail: below `2^M` flushes to zero, above max finite saturates; the value.
        func pack(_ s: Int, negative neg: Bool) -> Double {
            let mag: Double = s < (1 << m) ? 0 : (s > maxFiniteMagnitude ? maxFinite : value(s)!)
            return neg ? -mag : mag
        }
        func lmul(_ a: Int, _ b: Int, offset off: Int) -> Double {
            let mask = (1 << (e + m)) - 1
            return pack((a & mask) + (b & mask) - bias * (1 << m) + off, negative: negative(a) != negative(b))
        }
        func formula(_ a: Int, _ b: Int) -> Double {
            var f = frac(a) + frac(b) + offset, x = field(a) + field(b) - bias
            if f >= 1 << m { x += 1; f = (f - (1 << m)) / 2 }
            return pack(x * (1 << m) + f, negative: negative(a) != negative(b))
        }
        /// Nearest finite value by search over every encoding; a tie goes to the even fraction.
        func roundNearestEven(_ p: Double) -> Double {
            var best = 0, bestDistance = Double.infinity
            for x in 0..<(count / 2) {
                guard let v = value(x) else { continue }
                let d = Swift.abs(v - Swift.abs(p))
                if d < bestDistance || (d == bestDistance && frac(x) % 2 == 0) { best = x; bestDistance = d }
            }
            return p < 0 ? -value(best)! : value(best)!
        }
        func result(_ method: UnitKind, _ a: Int, _ b: Int) -> Double {
            switch method {
            case .lmul: return lmul(a, b, offset: offset)
            case .mitchell: return lmul(a, b, offset: 0)
            case .lmulFormula: return formula(a, b)
            case .fpmul, .fpmulFTZ: return roundNearestEven(value(a)! * value(b)!)
            default:
                // A new unit needs its own brute-force reading of SPEC here.
                Issue.record("no brute-force model for unit \(method)")
                return .nan
            }
        }
    }

    @Test(arguments: [(2, 1), (2, 2), (3, 1), (3, 2), (4, 3)])
    func exhaustiveRowsMatchBruteForceFromSpec(_ em: (Int, Int)) throws {
        let spec = SpecFormat(e: em.0, m: em.1)
        let f = try FloatFormat(exponent: em.0, mantissa: em.1)
        let methods = UnitKind.allCases
        // operands in the order the report walks them: positive normals ascending, then negative
        let positives = (0..<(spec.count / 2)).filter(spec.isNormal)
        let operands = positives + positives.map { $0 | (spec.count / 2) }
        struct Expected { var count = 0, sumAbs = 0.0, sumSigned = 0.0, sumSquares = 0.0, max = -1.0, worst = (0, 0), mismatches = 0, zeros = 0 }
        var expected = [Expected](repeating: Expected(), count: methods.count)
        for a in operands {
            for b in operands {
                let p = spec.value(a)! * spec.value(b)!
                guard Swift.abs(p) >= spec.minNormal && Swift.abs(p) <= spec.maxFinite else { continue }
                let correct = spec.roundNearestEven(p)
                for (k, method) in methods.enumerated() {
                    let y = spec.result(method, a, b)
                    let e = (y - p) / p
                    expected[k].count += 1
                    expected[k].sumAbs += Swift.abs(e); expected[k].sumSigned += e; expected[k].sumSquares += e * e
                    if Swift.abs(e) > expected[k].max { expected[k].max = Swift.abs(e); expected[k].worst = (a, b) }
                    if y != correct { expected[k].mismatches += 1 }
                    if y == 0 { expected[k].zeros += 1 }
                }
            }
        }
        let measured = ExhaustiveAccuracy.measure(f, methods: methods, jobs: 2)
        #expect(measured.normalInputs == operands.count)
        #expect(measured.pairs == expected[0].count && measured.pairs > 0)
        let rows = AccuracyReport.exhaustiveFormat(measured).rows
        func close(_ x: Double, _ y: Double) -> Bool { Swift.abs(x - y) <= 1e-12 * Swift.max(Swift.abs(y), 1e-300) }
        for (k, method) in methods.enumerated() {
            let x = expected[k], s = measured.stats[k], row = rows[k]
            let n = Double(x.count)
            #expect(s.count == x.count, "\(method) on \(f.tag)")
            #expect(close(s.mean, x.sumAbs / n), "\(method) on \(f.tag): mean \(s.mean) vs \(x.sumAbs / n)")
            #expect(close(s.bias, x.sumSigned / n), "\(method) on \(f.tag): bias \(s.bias) vs \(x.sumSigned / n)")
            #expect(close(s.rms, (x.sumSquares / n).squareRoot()), "\(method) on \(f.tag): rms")
            #expect(s.max == x.max && row.max == x.max, "\(method) on \(f.tag): max \(s.max) vs \(x.max)")
            #expect(s.worstKeys.0 == UInt64(x.worst.0) && s.worstKeys.1 == UInt64(x.worst.1), "\(method) on \(f.tag): worst case")
            #expect(s.mismatches == x.mismatches, "\(method) on \(f.tag): mismatches \(s.mismatches) vs \(x.mismatches)")
            #expect(s.zeros == x.zeros && row.zeroResults == x.zeros, "\(method) on \(f.tag): zero results")
            #expect(row.method == method.rawValue && row.worst.relativeError.magnitude == x.max)
        }
        // the correctly rounded multiplier never misses; L-Mul with an offset does somewhere
        #expect(measured.stats[methods.firstIndex(of: .fpmul)!].mismatches == 0)
        #expect(measured.stats[methods.firstIndex(of: .lmul)!].mismatches > 0)
    }

    // MARK: The same bytes for any number of threads

    @Test func resultsDoNotDependOnTheNumberOfThreads() throws {
        let f = try FloatFormat(exponent: 5, mantissa: 3)
        let one = ExhaustiveAccuracy.measure(f, histogram: AccuracyOptions.histogramTemplate, jobs: 1)
        let three = ExhaustiveAccuracy.measure(f, histogram: AccuracyOptions.histogramTemplate, jobs: 3)
        #expect(one.stats == three.stats)
        #expect(one.histograms == three.histograms)
        #expect(AccuracyReport.exhaustiveFormat(one) == AccuracyReport.exhaustiveFormat(three))

        // more than one chunk per scale (16,384 samples each), so the merge order matters
        let c1 = PaperClaims.measure(scales: [0.5, 2], samplesPerScale: 20_000, seed: 7, jobs: 1)
        let c2 = PaperClaims.measure(scales: [0.5, 2], samplesPerScale: 20_000, seed: 7, jobs: 2)
        #expect(c1.pooled == c2.pooled)
        #expect(AccuracyReport.claimsSection(c1, samplesPerScale: 20_000) == AccuracyReport.claimsSection(c2, samplesPerScale: 20_000))
        let c3 = PaperClaims.measure(scales: [0.5, 2], samplesPerScale: 20_000, seed: 8, jobs: 2)
        #expect(c1.pooled != c3.pooled)        // and the seed does matter

        // several chunks of trials (50 each)
        let d1 = DotProducts.measure(means: [0, 1], formats: [.e4m3, .e5m2], lengths: [16, 40], methods: [.lmul, .fpmul], trials: 120, seed: 3, jobs: 1)
        let d4 = DotProducts.measure(means: [0, 1], formats: [.e4m3, .e5m2], lengths: [16, 40], methods: [.lmul, .fpmul], trials: 120, seed: 3, jobs: 4)
        #expect(AccuracyReport.dotSection(d1) == AccuracyReport.dotSection(d4))
    }

    // MARK: The paper's claims: the verdict follows the numbers

    static func claimRow(_ id: String, mean: Double, rms: Double, max: Double) -> AccuracyReport.ClaimRow {
        AccuracyReport.ClaimRow(id: id, label: id, rule: "test", inputFormat: "e8m3", fractionBits: 3, count: 1000,
                                mean: mean, max: max, rms: rms, bias: 0, zeroResults: 0, worstX: 1, worstY: 1)
    }

    /// Section 3b sees section 3's vectors: its exact-accumulator errors are section 3's at that
    /// length, trial for trial; fp32 sums of e4m3 products agree with Swift's Float summation.
    @Test func floatDotProductsUseSectionThreesVectors() {
        let methods = [UnitKind.lmul, .fpmul]
        let fixed = DotProducts.measure(means: [1], formats: [.e4m3], lengths: [256], methods: methods, trials: 6, seed: 9, jobs: 2)
        let float = FloatDotProducts.measure(means: [1], formats: [.e4m3], n: 256, methods: methods, accumulations: [.fp32, .bf16],
                                             trials: 6, seed: 9, jobs: 2)
        for mi in methods.indices {
            #expect(float.errors[0][0][mi][0].exactRelative == fixed.errors[0][0][0][mi].relative)
            #expect(float.errors[0][0][mi][0].relative.count == 6 && float.errors[0][0][mi][1].nonFinite == 0)
        }
        // fp32 holds these sums almost exactly: its error is the exact accumulator's (the product
        // rounding) to within 1e-5; bf16's 8-bit significand adds its own rounding on top
        for mi in methods.indices {
            let exact = float.errors[0][0][mi][0].exactRelative, fp32 = float.errors[0][0][mi][0].relative
            let bf16 = float.errors[0][0][mi][1].relative
            #expect(zip(exact, fp32).allSatisfy { Swift.abs($0 - $1) < 1e-5 }, "\(exact) \(fp32)")
            // (for fpmul, whose products are unbiased; lmul's upward bias partly offsets bf16's lost increments)
            if methods[mi] == .fpmul { #expect(bf16.reduce(0, +) > 2 * fp32.reduce(0, +), "\(bf16) \(fp32)") }
        }
    }

    @Test func verdictFlipsWithTheNumbers() {
        let small = Self.claimRow("l", mean: 0.05, rms: 0.06, max: 0.2)
        let large = Self.claimRow("b", mean: 0.07, rms: 0.08, max: 0.3)
        let claim = "L-Mul is more precise"
        #expect(AccuracyReport.verdict(claim, small, large, relation: "less").outcome == "holds")
        let inverted = AccuracyReport.verdict(claim, large, small, relation: "less")
        #expect(inverted.outcome == "fails" && inverted.text.hasPrefix("Does not hold"))
        let mixedRow = Self.claimRow("m", mean: 0.05, rms: 0.09, max: 0.2)
        let mixed = AccuracyReport.verdict(claim, mixedRow, large, relation: "less")
        #expect(mixed.outcome == "mixed" && mixed.metrics.map(\.holds) == [true, false, true])
        #expect(mixed.text.contains("RMS"))
        // "about as precise": within 10% above, or below
        let about = "L-Mul is about as precise"
        let near = Self.claimRow("n", mean: 0.0735, rms: 0.084, max: 0.32)     // 5%, 5%, 6.7% above
        #expect(AccuracyReport.verdict(about, near, large, relation: "about").outcome == "holds")
        #expect(AccuracyReport.verdict(about, small, large, relation: "about").outcome == "holds")
        let far = Self.claimRow("f", mean: 0.1, rms: 0.12, max: 0.5)
        #expect(AccuracyReport.verdict(about, far, large, relation: "about").outcome == "fails")
        #expect(AccuracyReport.verdict(about, large, far, relation: "about").outcome == "holds")
    }

    /// The claims section judges the paper's pairs of rows (L-Mul e8m3 vs fp8 e5m2, L-Mul e8m4 vs
    /// fp8 e4m3); swapping their measured errors swaps the verdicts.
    @Test func claimsSectionVerdictsFollowMeasuredRows() {
        let methods = PaperClaims.methods
        func result(lmulError: Double, fp8Error: Double) -> PaperClaims.Result {
            let stats = methods.map { m -> ErrorAccumulator in
                var s = ErrorAccumulator()
                let e = (m.id == "fpmul_e5m2" || m.id == "fpmul_e4m3") ? fp8Error : (m.id.hasPrefix("lmul_e8") ? lmulError : 0.5)
                s.add(e, keys: (0, 0)); s.add(-e / 2, keys: (0, 0))
                return s
            }
            return PaperClaims.Result(methods: methods, scales: [], pooled: stats)
        }
        let good = AccuracyReport.claimsSection(result(lmulError: 0.02, fp8Error: 0.04), samplesPerScale: 2)
        #expect(good.verdicts.map(\.outcome) == ["holds", "holds"])
        #expect(good.verdicts[0].lmul == "lmul_e8m3" && good.verdicts[0].baseline == "fpmul_e5m2")
        #expect(good.verdicts[1].lmul == "lmul_e8m4" && good.verdicts[1].baseline == "fpmul_e4m3")
        let bad = AccuracyReport.claimsSection(result(lmulError: 0.04, fp8Error: 0.02), samplesPerScale: 2)
        #expect(bad.verdicts.map(\.outcome) == ["fails", "fails"])
    }

    // MARK: The committed report is current

    static let docs = repoRoot + "/docs"

    /// Fast staleness check (the full report takes about a minute even in a release build): the
    /// committed JSON must hold the default settings; its markdown and histogram must be what the
    /// renderer makes of it; the exhaustive rows of every format up to 9 bits wide, the e4m3
    /// histogram, the n = 16 dot-product rows and the area section must equal a fresh computation.
    @Test func committedReportIsCurrent() throws {
        let jsonData = try Data(contentsOf: URL(fileURLWithPath: Self.docs + "/accuracy.json"))
        let committed = try AccuracyReport.decode(jsonData)
        let stale = "docs/accuracy.* is stale: regenerate with 'make accuracy'"
        var o = AccuracyOptions()
        o.synthPath = repoRoot + "/" + AccuracyOptions.defaultSynthPath
        o.synthName = AccuracyOptions.defaultSynthPath
        #expect(o.contentFlags.isEmpty)
        #expect(committed.part == "default" && committed.make == "make accuracy", "\(stale)")
        #expect(committed.settings.exhaustiveFormats == AccuracyOptions.defaultFormats.map(\.tag), "\(stale)")
        #expect(committed.settings.seed == o.seed && committed.settings.claimSamplesPerScale == o.claimSamplesPerScale
                && committed.settings.claimScales == o.claimScales && committed.settings.dotTrials == o.dotTrials
                && committed.settings.dotLengths == o.dotLengths && committed.settings.dotMeans == o.dotMeans, "\(stale)")

        // rendering: the files are exactly what the code makes of the committed JSON
        #expect(try committed.encoded() == jsonData, "\(stale)")
        let files = try AccuracyRun.files(committed)
        for file in files {
            let onDisk = try? Data(contentsOf: URL(fileURLWithPath: Self.docs + "/" + file.name))
            #expect(onDisk == file.contents, "docs/\(file.name) differs from its rendering of docs/accuracy.json: \(stale)")
        }
        let plots = (try? FileManager.default.contentsOfDirectory(atPath: Self.docs + "/plots")) ?? []
        // (the sweep's plot, sweep-*.svg, is the sweep report's: CommittedSweepTests checks it)
        #expect(Set(plots.filter { !$0.hasPrefix("sweep-") }.map { "plots/" + $0 }) == Set(files.map(\.name).filter { $0.hasPrefix("plots/") }),
                "docs/plots holds other files: \(stale)")

        // computation: the small formats, exhaustively
        for f in AccuracyOptions.defaultFormats where f.width <= 9 {
            let r = ExhaustiveAccuracy.measure(f, histogram: f == .e4m3 ? AccuracyOptions.histogramTemplate : nil, jobs: o.jobs)
            let fresh = AccuracyReport.exhaustiveFormat(r)
            #expect(committed.exhaustive.first { $0.format == f.tag } == fresh, "\(f.tag) rows: \(stale)")
            if f == .e4m3 { #expect(committed.histogram == AccuracyReport.histogramSection(r), "e4m3 histogram: \(stale)") }
        }
        // the dot products of length 16 (their draws do not depend on the other lengths)
        let dots = DotProducts.measure(means: o.dotMeans, formats: AccuracyOptions.dotFormats, lengths: [16], methods: AccuracyOptions.dotMethods,
                                       trials: o.dotTrials, seed: o.seed, jobs: o.jobs)
        let freshDots = AccuracyReport.dotSection(dots).rows
        #expect(committed.dotProducts?.rows.filter { $0.n == 16 } == freshDots, "dot products, n = 16: \(stale)")
        // the verdicts are those of the committed claim rows
        if let c = committed.claims {
            func row(_ id: String) -> AccuracyReport.ClaimRow? { c.rows.first { $0.id == id } }
            for v in c.verdicts + c.otherReadings {
                let recomputed = try #require(row(v.lmul).flatMap { l in row(v.baseline).map { AccuracyReport.verdict(v.claim, l, $0, relation: v.relation) } })
                #expect(recomputed == v, "verdict for \(v.claim): \(stale)")
            }
            #expect(c.verdicts.count == 2 && c.rows.reduce(0) { $0 + ($1.id == "lmul_e8m3" ? $1.count : 0) } >= 1_000_000)
        } else {
            Issue.record("docs/accuracy.json has no claims section: \(stale)")
        }
        // the area section follows the synthesis report as it is now
        let synth = try SynthInput.load(o.synthPath!)
        let freshArea = SynthInput.areaSection(synth, source: o.synthLabel, exhaustive: committed.exhaustive, peEnergy: SynthInput.peEnergy(o.synthPath!))
        #expect(committed.area == freshArea, "section 4 does not match \(AccuracyOptions.defaultSynthPath): \(stale)")
    }

    /// The bf16 part takes minutes, so only its rendering is checked: the markdown must be what
    /// the renderer makes of the committed JSON, which must hold bf16 and every method.
    @Test func committedBF16ReportIsRenderedFromItsJSON() throws {
        let path = Self.docs + "/accuracy-bf16.json"
        guard FileManager.default.fileExists(atPath: path) else { return }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let committed = try AccuracyReport.decode(data)
        let stale = "docs/accuracy-bf16.* is stale: regenerate with 'make accuracy-bf16'"
        #expect(committed.part == "bf16" && committed.exhaustive.map(\.format) == ["e8m7"], "\(stale)")
        #expect(committed.exhaustive.first?.rows.map(\.method) == UnitKind.allCases.map(\.rawValue), "\(stale)")
        #expect(try committed.encoded() == data, "\(stale)")
        for file in try AccuracyRun.files(committed) {
            let onDisk = try? Data(contentsOf: URL(fileURLWithPath: Self.docs + "/" + file.name))
            #expect(onDisk == file.contents, "docs/\(file.name) differs from its rendering of accuracy-bf16.json: \(stale)")
        }
        // the domain size, counted here: ordered pairs of normal bf16 inputs with a product in range
        let f = FloatFormat.bf16
        let values = (f.minNormal...f.maxFinite).map { f.doubleValue($0) }
        let lo = values.first!, hi = values.last!
        var pairs = 0, j = values.count       // for ascending a, the partners' upper end only falls
        var i0 = values.count
        for a in values {
            while j > 0 && a * values[j - 1] > hi { j -= 1 }
            while i0 > 0 && a * values[i0 - 1] >= lo { i0 -= 1 }
            pairs += Swift.max(0, j - i0)
        }
        #expect(committed.exhaustive.first?.pairs == 4 * pairs, "\(stale)")
    }

    // MARK: Area input

    @Test func synthesisReportIsReadAndMatchedToRows() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("acc-synth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/report.json"
        // a report as rtlgen synth writes it (the committed one's rows, figures changed): lmul and
        // fpmul e4m3 with standard cells, lmul e4m3 with the other overflow rule, lmul e8m7
        var report = try SynthesisReport.load(Data(contentsOf: URL(fileURLWithPath: repoRoot + "/synth/report.json")))
        func unit(_ module: String) throws -> SynthesisFlow.Result { try #require(report.units.first { $0.module == module }) }
        var lmul = try unit("lmul_e4m3"), fpmul = try unit("fpmul_e4m3"), wide = try unit("lmul_e8m7")
        (lmul.gates, lmul.transistors, lmul.depth, lmul.liberty!.energy) = (120, 900, 14, 4.5)
        (fpmul.gates, fpmul.transistors, fpmul.depth, fpmul.liberty!.energy) = (400, 3100, 30, 15.5)
        var inf = lmul
        (inf.instance, inf.gates, inf.transistors, inf.depth, inf.liberty) = (ArithmeticUnit(.lmul, .e4m3, overflow: .infinity), 125, 950, 15, nil)
        (wide.gates, wide.transistors, wide.depth) = (300, 2000, 20)
        report.units = [lmul, fpmul, inf, wide]
        var pe = try #require(report.pes.first { $0.module == "pe_lmul_e4m3" })
        (pe.liberty!.energy, pe.liberty!.registerEnergy, pe.multiplierLiberty!.energy) = (37.5, 9, 4.5)
        report.pes = [pe]
        // timed (SDF) energies: lmul_e4m3 and the PE have one, fpmul_e4m3 none
        var timed = try #require(report.timed)
        var tl = try #require(timed.rows.first { $0.module == "lmul_e4m3" }), tp = try #require(timed.rows.first { $0.module == "pe_lmul_e4m3" })
        tl.figures.energy["sdf"] = 6.25
        tp.figures.energy["sdf"] = 50.5
        timed.rows = [tl, tp]
        report.timed = timed
        try report.json().write(to: URL(fileURLWithPath: path))
        let entries = try #require(try SynthInput.load(path))
        #expect(entries.count == 4 && entries[1].transistors == 3100)
        let rows = AccuracyReport.exhaustiveFormat(ExhaustiveAccuracy.measure(.e4m3, jobs: 2))
        let area = SynthInput.areaSection(entries, source: "synth/report.json", exhaustive: [rows])
        #expect(area.present && area.points.map(\.module) == ["fpmul_e4m3", "lmul_e4m3"])
        #expect(area.unmatched == ["lmul_e4m3_ovf_inf", "lmul_e8m7"])
        #expect(area.points[1].meanRelativeError == rows.rows.first { $0.method == "lmul" }!.mean)
        let svg = try #require(AccuracyPlots.areaScatter(area))
        #expect(svg.hasPrefix("<?xml") && svg.contains("lmul_e4m3") && svg.hasSuffix("</svg>\n"))
        #expect(try XMLDocument(xmlString: svg).rootElement()?.name == "svg")
        // standard-cell energy: the scatter plots it, the PE bar splits 37.5 pJ into 4.5 + 24 + 9
        #expect(area.points.map(\.energy) == [15.5, 4.5])
        #expect(area.points.map(\.energyTimed) == [nil, 6.25])
        let energySVG = try #require(AccuracyPlots.energyScatter(area))
        #expect(energySVG.contains("energy per operation (pJ)"))
        // one hollow (timed) marker, for lmul_e4m3 only, right of its filled one on the same row
        let hollow = energySVG.components(separatedBy: "\n").filter { $0.hasPrefix("<circle") && $0.contains("fill=\"#fff\"") }
        let filled = energySVG.components(separatedBy: "\n").filter { $0.hasPrefix("<circle") && !$0.contains("fill=\"#fff\"") }
        #expect(hollow.count == 1 && filled.count == 2)
        func attr(_ line: String, _ name: String) -> Double? {
            guard let r = line.range(of: " \(name)=\"") else { return nil }
            return Double(line[r.upperBound...].prefix { $0 != "\"" })
        }
        // lmul's error is the larger, so its filled dot is the higher one (the smaller cy); the
        // hollow one sits on its row, further right (6.25 pJ against 4.5)
        let lmulDot = try #require(filled.min { (attr($0, "cy") ?? 0) < (attr($1, "cy") ?? 0) })
        let h = try #require(hollow.first)
        #expect(attr(h, "cy") == attr(lmulDot, "cy") && attr(h, "cx")! > attr(lmulDot, "cx")!)
        var untimed = area
        untimed.points = untimed.points.map { var p = $0; p.energyTimed = nil; return p }
        #expect(try #require(AccuracyPlots.energyScatter(untimed)).components(separatedBy: "\n").filter { $0.hasPrefix("<circle") }.count == 2)
        #expect(try XMLDocument(xmlString: energySVG).rootElement()?.name == "svg")
        let pes = try #require(SynthInput.peEnergy(path))
        #expect(pes == [AccuracyReport.PEEnergy(module: "pe_lmul_e4m3", unit: "lmul", multiplier: 4.5, accumulator: 24, registers: 9, timed: 50.5)])
        var withPEs = area
        withPEs.peEnergy = pes
        let bars = try #require(AccuracyPlots.peEnergyBars(withPEs))
        #expect(bars.contains("37.5 pJ") && bars.contains("timed 50.5"))
        #expect(try XMLDocument(xmlString: bars).rootElement()?.name == "svg")
        #expect(AccuracyPlots.peEnergyBars(area) == nil)

        #expect(try SynthInput.load(dir + "/absent.json") == nil)
        try Data("{\"units\": [{\"module\": \"x\"}]}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: HarnessError.self) { try SynthInput.load(path) }
        try Data("[1, 2]".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: HarnessError.self) { try SynthInput.load(path) }
    }

    @Test func histogramPlotIsWellFormedSVG() throws {
        let r = ExhaustiveAccuracy.measure(.e4m3, histogram: AccuracyOptions.histogramTemplate, jobs: 2)
        let h = try #require(AccuracyReport.histogramSection(r))
        #expect(h.rows.count == UnitKind.allCases.count)
        #expect(h.rows.allSatisfy { $0.counts.reduce($0.below + $0.above, +) == r.pairs })
        let svg = AccuracyPlots.histogram(h)
        let doc = try XMLDocument(xmlString: svg)
        #expect(doc.rootElement()?.name == "svg")
        #expect(svg.contains("mitchell; 96 pairs below -25%"))
    }
}

import FloatArith
import Units
import Foundation
import Toolchain

/// Markdown rendering of the report. A pure function of the `AccuracyReport` value, so the
/// committed `docs/accuracy.md` can be checked against the committed `docs/accuracy.json`.
extension AccuracyReport {
    public static let histogramFile = "plots/e4m3-error-histogram.svg"
    public static let scatterFile = "plots/area-vs-error.svg"
    public static let energyScatterFile = "plots/energy-vs-error.svg"
    public static let peEnergyFile = "plots/pe-energy.svg"

    /// A Double as its shortest round-trip decimal, without a trailing `.0`.
    static func val(_ x: Double) -> String {
        var s = "\(x)"
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    static func count(_ n: Int) -> String { groupedCount(n) }

    static func table(_ header: [String], _ rows: [[String]], align: [Bool]? = nil) -> String {
        var s = "| " + header.joined(separator: " | ") + " |\n|"
        for i in header.indices { s += (align?[i] ?? (i > 0)) ? "---:|" : "---|" }
        s += "\n"
        for r in rows { s += "| " + r.joined(separator: " | ") + " |\n" }
        return s
    }

    public func markdown() -> String {
        var md = ""
        if part == "bf16" {
            md += "# L-Mul accuracy: bf16, exhaustive\n\n"
        } else {
            md += "# L-Mul accuracy report\n\n"
        }
        md += "Written by `\(make)`" + (make == command ? "" : " (`\(command)`)") + " together with `\(part == "bf16" ? "accuracy-bf16.json" : "accuracy.json")`, which holds every number below at full precision. "
        md += part == "bf16" ? "Do not edit by hand; regenerate with `make accuracy-bf16`. "
                             : "Do not edit by hand: `make accuracy` regenerates it byte for byte, and the `AccuracyTests` suite fails when it is stale. "
        md += "All numbers come from the golden models in `Sources/FloatArith` (SPEC.md's definitions, which the generated RTL is verified against), "
        md += "with SPEC's default overflow rule (`\(settings.overflow)`: saturate to max finite).\n\n"
        md += "Methods:\n\n"
        for k in kinds { md += "- `\(k.rawValue)`: \(k.note)\n" }
        md += "\n"
        md += "## Reading\n\n" + reading() + "\n"
        md += exhaustiveMarkdown()
        if let h = histogram {
            md += "### Relative-error histogram, \(h.format)\n\n"
            md += "Signed relative error `(y - a*b) / (a*b)` of every pair in the domain above, in bins of \(percentText(h.binWidth)); the share of pairs per bin, one panel per method.\n\n"
            md += "![Relative-error histogram per method, \(h.format)](\(Self.histogramFile))\n\n"
        }
        if let c = claims { md += claimsMarkdown(c) }
        if let d = dotProducts { md += dotMarkdown(d) }
        if let d = floatDotProducts { md += floatDotMarkdown(d) }
        if let a = area { md += areaMarkdown(a) }
        if let x = mx { md += x.markdown(kinds: kinds) }
        md += reproduceMarkdown()
        return md
    }

    // MARK: Reading

    func row(_ format: String, _ method: String) -> ExhaustiveRow? {
        exhaustive.first { $0.format == format }?.rows.first { $0.method == method }
    }

    func reading() -> String {
        var s = ""
        // The paper's subject `lmul` against its reference baseline `fpmul`, then every other approximate unit.
        let lname = subject?.rawValue ?? "", fpname = reference?.rawValue ?? ""
        if let f = exhaustive.first(where: { $0.format == "e4m3" }) ?? exhaustive.first, let fp = row(f.format, fpname), let l = row(f.format, lname) {
            let others = kinds.approximate.filter { $0 != subject }.compactMap { k in row(f.format, k.rawValue).map { (k, $0) } }
            s += "- **\(f.format), every in-range pair (\(Self.count(f.pairs)) pairs).** The correctly rounded multiplier `\(fpname)` has mean relative error \(percentText(fp.mean)) and max \(percentText(fp.max)). "
            s += "`\(lname)` has mean \(percentText(l.mean)) (\(String(format: "%.2f", l.mean / fp.mean))x \(fpname)'s), max \(percentText(l.max)), bias \(signedPercentText(l.bias)), and differs from the correctly rounded product in \(percentText(l.errorRate)) of pairs. "
            s += others.map { k, r in "\(k.readingName): mean \(percentText(r.mean)), max \(percentText(r.max)), bias \(signedPercentText(r.bias))." }.joined(separator: " ") + "\n"
        }
        // the reference's sanity: correctly rounded everywhere, max within half an ulp relative
        let fpRows = exhaustive.compactMap { f in f.rows.first { $0.method == fpname }.map { (f, $0) } }
        if !fpRows.isEmpty {
            let ftzname = subjectBaselines.dropFirst().first?.rawValue ?? ""
            let allExact = fpRows.allSatisfy { $0.1.errorRate == 0 }
            let withinHalfUlp = fpRows.allSatisfy { $0.1.max <= pow2(-($0.0.mantissa + 1)) }
            let ftzSame = exhaustive.allSatisfy { f in
                guard let a = f.rows.first(where: { $0.method == fpname }), let b = f.rows.first(where: { $0.method == ftzname }) else { return true }
                var b2 = b
                b2.method = a.method
                return a == b2
            }
            s += "- **\(fpname) is the 0.5-ulp reference.** \(fpRows.count == 1 ? "In \(fpRows[0].0.format)" : "Over the \(fpRows.count) formats") it \(allExact ? "equals" : "does NOT always equal") the correctly rounded product on every pair, "
            s += "and its max relative error \(withinHalfUlp ? "stays within" : "exceeds") `2^-(M+1)`. "
            s += ftzSame ? "In this domain (normal inputs, product in the normal range) `\(ftzname)` never flushes, and its rows equal \(fpname)'s.\n"
                         : "`\(ftzname)`'s rows differ from \(fpname)'s in some format.\n"
        }
        let ratios = exhaustive.compactMap { f -> Double? in
            guard let l = f.rows.first(where: { $0.method == lname }), let fp = f.rows.first(where: { $0.method == fpname }) else { return nil }
            return l.mean / fp.mean
        }
        if let lo = ratios.min(), let hi = ratios.max(), exhaustive.count > 1 {
            let formats = exhaustive.map(\.format)
            s += "- **Across \(formats.first!) ... \(formats.last!)** (\(formats.count) formats), `\(lname)`'s mean relative error is \(String(format: "%.2f", lo))x to \(String(format: "%.2f", hi))x that of `\(fpname)` in the same format.\n"
        }
        // L-Mul's underflow rule: results flushed to zero although the exact product is normal
        for method in kinds.approximate.map(\.rawValue) {
            let flushed = exhaustive.filter { f in (f.rows.first { $0.method == method }?.zeroResults ?? 0) > 0 }.map(\.format)
            guard !flushed.isEmpty else { continue }
            s += "- **`\(method)` flushes some in-range products to zero** in \(flushed.joined(separator: ", ")): "
            s += "just above the smallest normal its estimate falls below it, and SPEC's underflow rule gives signed zero (relative error -100%), which sets the max column there.\n"
        }
        if let c = claims {
            for v in c.verdicts {
                s += "- **\"\(v.claim)\"** (same real inputs, RNE fp8): \(v.text)\n"
            }
            let trunc = c.otherReadings.filter { $0.baseline.hasPrefix("truncated") }
            if !trunc.isEmpty {
                s += "- **Against an fp8 multiplier that truncates its product** (rounds toward zero instead of to nearest even): "
                s += trunc.map { "\"\($0.claim)\": \($0.outcome == "holds" ? "holds" : $0.outcome == "fails" ? "does not hold" : "mixed") (mean \(percentText($0.metrics[0].lmul)) vs \(percentText($0.metrics[0].baseline)))" }.joined(separator: "; ") + ".\n"
            }
        }
        if let d = dotProducts, let n = d.lengths.max() {
            for mu in d.means {
                let parts = d.formats.compactMap { f -> String? in
                    func r(_ m: String) -> DotRow? { d.rows.first { $0.mean == mu && $0.format == f && $0.n == n && $0.method == m } }
                    guard let l = r(lname), let fp = r(fpname) else { return nil }
                    if mu == 0 {
                        return "\(f): `\(lname)` \(percentText(l.meanNormalised)) (p99 \(percentText(l.p99Normalised))), `\(fpname)` \(percentText(fp.meanNormalised)) (p99 \(percentText(fp.p99Normalised)))"
                    }
                    return "\(f): `\(lname)` \(percentText(l.meanError)) (p99 \(percentText(l.p99))), `\(fpname)` \(percentText(fp.meanError)) (p99 \(percentText(fp.p99)))"
                }
                guard !parts.isEmpty else { continue }
                s += "- **Dot products, n = \(n), \(Self.dist(mu)) entries** (exact PE accumulation, against the exact dot product of the quantised vectors), mean error "
                s += mu == 0 ? "over `sum |p|` (relative to `|s|` the cancelling sums give heavy tails; see section 3): " : "relative to `|s|`: "
                s += parts.joined(separator: "; ") + ".\n"
            }
        }
        return s
    }

    // MARK: Section 1

    func exhaustiveMarkdown() -> String {
        var md = "## 1. Exhaustive error per format\n\n"
        md += "**Domain.** Every ordered pair `(a, b)` of normal encodings (both signs; zero, subnormals, infinities and NaN excluded) whose exact product lies in the format's normal range, `minNormal <= |a*b| <= maxFinite`. "
        md += "**Reference.** The exact product `a*b` of the two format values (exact in Double: at most 2 x 24 significant bits). "
        md += "**Relative error** of a result `y`: `(y - a*b) / (a*b)`. Mean, max and RMS are over its magnitude; bias is its signed mean. "
        md += "A result flushed to zero (L-Mul's underflow rule) counts as relative error -1; a saturated result counts as max finite. "
        md += "**Error rate**: share of pairs whose result is not the correctly rounded product (`a*b` rounded to nearest, ties to even, at M fraction bits; computed on the Double's bits, independently of the golden models' rounding code). "
        md += "Sums are compensated, and the pairs are split into fixed chunks merged in order, so every digit is the same for any number of threads.\n\n"
        if part != "bf16" {
            md += "bf16 (2^32 encoding pairs) is in [accuracy-bf16.md](accuracy-bf16.md), written by `make accuracy-bf16`.\n\n"
        }
        let methods = exhaustive.first?.rows.map(\.method) ?? []
        if exhaustive.count > 1 {
            md += "### Mean relative error\n\n"
            md += Self.table(["format", "pairs"] + methods.map { "`\($0)`" },
                             exhaustive.map { f in ["\(f.format)", Self.count(f.pairs)] + f.rows.map { percentText($0.mean) } }) + "\n"
            md += "### Max relative error\n\n"
            md += Self.table(["format", "pairs"] + methods.map { "`\($0)`" },
                             exhaustive.map { f in ["\(f.format)", Self.count(f.pairs)] + f.rows.map { percentText($0.max) } }) + "\n"
            md += "### Error rate (share of results that are not the correctly rounded product)\n\n"
            md += Self.table(["format", "pairs"] + methods.map { "`\($0)`" },
                             exhaustive.map { f in ["\(f.format)", Self.count(f.pairs)] + f.rows.map { percentText($0.errorRate) } }) + "\n"
        }
        md += "### Per format, with the worst case\n\n"
        md += "Worst case: the first pair (in encoding order) reaching the max, as `a x b = exact -> result`.\n\n"
        for f in exhaustive {
            md += "#### \(f.format) (\(f.name)): \(Self.count(f.normalInputs)) normal inputs, \(Self.count(f.pairs)) pairs in range [\(Self.val(f.minNormal)), \(Self.val(f.maxFinite))]\n\n"
            md += Self.table(["method", "mean", "max", "RMS", "bias", "error rate", "zero results", "worst case"],
                             f.rows.map { r in
                                 let w = r.worst
                                 return ["`\(r.method)`", percentText(r.mean), percentText(r.max), percentText(r.rms), signedPercentText(r.bias), percentText(r.errorRate), Self.count(r.zeroResults),
                                         "`\(w.a)` x `\(w.b)`: \(Self.val(w.aValue)) x \(Self.val(w.bValue)) = \(Self.val(w.exact)) -> \(Self.val(w.resultValue)) (`\(w.result)`)"]
                             }, align: [false, true, true, true, true, true, true, false]) + "\n"
        }
        return md
    }

    // MARK: Section 2

    func claimsMarkdown(_ c: ClaimsSection) -> String {
        var md = "## 2. The paper's precision claims, side by side\n\n"
        md += "The paper (Luo & Sun, arXiv 2410.00907) states that L-Mul with 3 fraction bits is more precise than fp8 e5m2, and with 4 fraction bits about as precise as fp8 e4m3. "
        md += "Those claims compare methods that see the same real inputs, so here every method sees the same draws.\n\n"
        let scales = c.scales.map { Self.val($0) }.joined(separator: ", ")
        md += "**Inputs.** For each scale sigma in {\(scales)}: \(Self.count(c.samplesPerScale)) pairs `(x, y)`, `x` and `y` independent `N(0, sigma^2)` "
        md += "(seed \(settings.seed); standard normals by the polar method on SplitMix64, with a logarithm built from + - * / so the draws are the same bits on any machine).\n\n"
        md += "**Methods.** Each method rounds `x` and `y` to nearest, ties to even, into its own input format, then multiplies: L-Mul, its formula form, Mitchell and the RNE multiplier (`fpmul`) with M = 2, 3, 4 fraction bits and an 8-bit exponent (e8m2, e8m3, e8m4: wide enough never to overflow), "
        md += "and the fp8 formats e5m2 and e4m3 with `fpmul` (RNE). The fp8 rows marked *truncated* are a hypothetical multiplier that rounds the exact product of the quantised inputs toward zero instead of to nearest even (not a unit; it shows what dropping RNE does).\n\n"
        md += "**Reference and domain.** Relative error `(r - x*y) / (x*y)` against the exact product of the unquantised reals (carried as `p + fma(x, y, -p)`). "
        md += "Only pairs with `|x|`, `|y|` and `|x*y|` all in [\(Self.val(c.domainLow)), \(Self.val(c.domainHigh))], the normal range of every format here (e4m3's is the narrowest), and whose quantised inputs have their exact product in that format's normal range, count: every method then sees normal inputs and no exact product needs to underflow or saturate, so this compares precision, not range. "
        let drawn = c.perScale.map(\.drawn).reduce(0, +), included = c.perScale.map(\.included).reduce(0, +)
        md += "Included: \(Self.count(included)) of \(Self.count(drawn)) pairs (per scale below).\n\n"
        md += "### Relative error, all scales pooled\n\n"
        md += Self.table(["method", "input format", "mean", "max", "RMS", "bias"],
                         c.rows.map { ["\($0.label)", $0.inputFormat, percentText($0.mean), percentText($0.max), percentText($0.rms), signedPercentText($0.bias)] },
                         align: [false, false, true, true, true, true]) + "\n"
        md += "### Verdicts\n\n"
        md += "A claim is judged per metric (mean, RMS and max relative error). \"More precise\": L-Mul's error is lower. "
        md += "\"About as precise\": L-Mul's error is at most \(Int((AccuracyReport.aboutTolerance * 100).rounded()))% higher (ratio <= \(String(format: "%.2f", 1 + AccuracyReport.aboutTolerance))); a lower error also satisfies it. "
        md += "The verdict holds only if the claim holds under every metric; otherwise it says which.\n\n"
        func verdictRows(_ vs: [Verdict]) -> [[String]] {
            vs.map { v in
                let l = c.rows.first { $0.id == v.lmul }!, b = c.rows.first { $0.id == v.baseline }!
                return ["\(v.claim)", "\(l.label) (\(l.inputFormat))", "\(b.label)"]
                    + v.metrics.map { "\(percentText($0.lmul)) vs \(percentText($0.baseline)) (x\(String(format: "%.2f", $0.ratio)), \($0.holds ? "holds" : "fails"))" }
                    + ["**\(v.outcome)**"]
            }
        }
        let header = ["claim", "L-Mul", "baseline", "mean", "RMS", "max", "verdict"]
        let align = [false, false, false, true, true, true, false]
        md += Self.table(header, verdictRows(c.verdicts), align: align) + "\n"
        for v in c.verdicts { md += "- **\(v.claim):** \(v.text)\n" }
        md += "\n**Other readings.** The same claims with the formula form of L-Mul, and against an fp8 multiplier that truncates its product instead of rounding to nearest even:\n\n"
        md += Self.table(header, verdictRows(c.otherReadings), align: align) + "\n"
        md += "### Per scale\n\n"
        md += "Mean and max relative error per scale (pairs included / drawn in the header).\n\n"
        md += Self.table(["method", "input format"] + c.perScale.flatMap { ["sigma \(Self.val($0.sigma)) mean", "max"] },
                         [["pairs included", ""] + c.perScale.flatMap { ["\(Self.count($0.included)) / \(Self.count($0.drawn))", ""] }]
                            + c.rows.indices.map { i in [c.rows[i].label, c.rows[i].inputFormat] + c.perScale.flatMap { [percentText($0.mean[i]), percentText($0.max[i])] } },
                         align: [false, false] + c.perScale.flatMap { _ in [true, true] }) + "\n"
        return md
    }

    // MARK: Section 3

    static func dist(_ mu: Double) -> String { "N(\(val(mu)), 1)" }

    func dotMarkdown(_ d: DotSection) -> String {
        var md = "## 3. Dot products\n\n"
        md += "**Inputs.** For each length n in {\(d.lengths.map(String.init).joined(separator: ", "))} and each distribution \(d.means.map { "`\(Self.dist($0))`" }.joined(separator: " and ")): \(Self.count(d.trials)) trials, each two vectors `x`, `w` of n independent draws "
        md += "(seed \(settings.seed), one derived seed per trial), rounded to nearest even into the format (subnormals kept). "
        md += "`N(0, 1)` gives zero-mean products whose sum cancels; `N(1, 1)` gives mostly positive products, where a multiplier's bias adds up instead of averaging out.\n\n"
        md += "**Accumulation.** Each product, exactly as the unit gives it, is added into SPEC's PE accumulator: two's-complement fixed point with LSB `2^(1 - bias - M)` at its default width (no rounding, no overflow for n <= 2^16, order-independent). "
        md += "The first trial of every (distribution, format, n, method) is also run through `AccumulatorModel` and must agree.\n\n"
        md += "**Reference.** `s`, the exact dot product of the quantised vectors, `sum q(x_i) q(w_i)`, so the error is the multiplier's alone. "
        md += "Relative error `|s_hat - s| / |s|`: its mean and 99th percentile (nearest rank) over the trials. "
        md += "For zero-mean vectors `s` is often close to 0, so this ratio has a heavy tail and its mean is dominated by a few nearly cancelling trials; "
        md += "the columns *over sum |p|* give `|s_hat - s| / sum |q(x_i) q(w_i)|`, which stays bounded. "
        md += "The columns *vs reals* give `|s_hat - x.w| / |x.w|` against the dot product of the unquantised vectors (Dot2, about twice double precision): input quantisation plus the multiplier.\n\n"
        let zero = d.rows.map(\.zeroDots).reduce(0, +)
        if zero > 0 { md += "Trials whose exact quantised dot product is exactly 0 are left out of the error relative to `|s|` (\(zero) (trial, method) cases in all; the count per row is in accuracy.json).\n\n" }
        let methods = d.rows.reduce(into: [String]()) { if !$0.contains($1.method) { $0.append($1.method) } }
        if let lname = subject?.rawValue, let fpname = reference?.rawValue, methods.contains(lname) && methods.contains(fpname) {
            md += "### `\(lname)` against `\(fpname)`: relative error `|s_hat - s| / |s|`\n\n"
            var rows: [[String]] = []
            for mu in d.means {
                for f in d.formats {
                    for n in d.lengths {
                        func r(_ m: String) -> DotRow? { d.rows.first { $0.mean == mu && $0.format == f && $0.n == n && $0.method == m } }
                        guard let l = r(lname), let fp = r(fpname) else { continue }
                        rows.append([Self.dist(mu), f, "\(n)", percentText(l.meanError), percentText(l.p99), percentText(fp.meanError), percentText(fp.p99)])
                    }
                }
            }
            md += Self.table(["inputs", "format", "n", "`\(lname)` mean", "`\(lname)` p99", "`\(fpname)` mean", "`\(fpname)` p99"], rows,
                             align: [false, false, true, true, true, true, true]) + "\n"
        }
        md += "### Every method, every measure\n\n"
        md += Self.table(["inputs", "format", "n", "method", "mean", "p99", "mean over sum \\|p\\|", "p99 over sum \\|p\\|", "mean vs reals", "p99 vs reals"],
                         d.rows.map { ["\(Self.dist($0.mean))", "\($0.format)", "\($0.n)", "`\($0.method)`", percentText($0.meanError), percentText($0.p99), percentText($0.meanNormalised),
                                       percentText($0.p99Normalised), percentText($0.meanVersusReal), percentText($0.p99VersusReal)] },
                         align: [false, false, true, false, true, true, true, true, true, true]) + "\n"
        return md
    }

    func floatDotMarkdown(_ d: FloatDotSection) -> String {
        var md = "## 3b. Dot products with floating-point accumulation\n\n"
        md += "**Inputs.** The same vectors as section 3 at n = \(d.n) (the same derived seed per trial), the first \(Self.count(d.trials)) trials of each distribution. "
        md += "**Accumulation.** SPEC \"Floating-point accumulation\", as a PE built with `--acc \(d.accumulations.joined(separator: "|"))` computes it: each product widened exactly into the accumulation format "
        md += "and added in order i = 0 ... n-1, `acc = round(acc + p)`, nearest even, from +0. The error against `s` (the exact dot product of the quantised vectors) is the multiplier's plus the accumulator's rounding; "
        md += "`fpmul`'s row is the accumulator's rounding alone on top of a correctly rounded product. The *exact* columns are SPEC's fixed-point PE accumulator (section 3's) on the same trials.\n\n"
        let nonFinite = d.rows.map(\.nonFinite).reduce(0, +)
        md += nonFinite == 0 ? "No trial's float sum overflowed or became NaN.\n\n"
            : "\(nonFinite) (trial, method, accumulator) sums were not finite and are left out (counts per row in accuracy.json).\n\n"
        var header = ["inputs", "format", "method", "exact mean", "exact p99"]
        for a in d.accumulations { header += ["\(a) mean", "\(a) p99"] }
        header += d.accumulations.map { "\($0) mean vs reals" }
        var rows: [[String]] = []
        for mu in Array(Set(d.rows.map(\.mean))).sorted() {
            for f in d.rows.reduce(into: [String](), { if !$0.contains($1.format) { $0.append($1.format) } }) {
                for m in d.rows.reduce(into: [String](), { if !$0.contains($1.method) { $0.append($1.method) } }) {
                    let cells = d.accumulations.compactMap { a in d.rows.first { $0.mean == mu && $0.format == f && $0.method == m && $0.accumulation == a } }
                    guard cells.count == d.accumulations.count else { continue }
                    var row = [Self.dist(mu), f, "`\(m)`", percentText(cells[0].exactMeanError), percentText(cells[0].exactP99)]
                    for c in cells { row += [percentText(c.meanError), percentText(c.p99)] }
                    row += cells.map { percentText($0.meanVersusReal) }
                    rows.append(row)
                }
            }
        }
        md += Self.table(header, rows, align: [false, false, false] + Array(repeating: true, count: header.count - 3)) + "\n"
        func e4m3(_ method: String?, _ acc: String) -> FloatDotRow? {
            d.rows.first { $0.mean == 1 && $0.format == "e4m3" && $0.method == method && $0.accumulation == acc }
        }
        if let lname = subject?.rawValue, let fpname = reference?.rawValue,
           let l = e4m3(lname, "bf16"), let fp = e4m3(fpname, "bf16"), let l32 = e4m3(lname, "fp32"), let fp32 = e4m3(fpname, "fp32") {
            md += "Reading (e4m3, `N(1, 1)`, n = \(d.n)): with fp32 accumulation `\(lname)` is off by \(percentText(l32.meanError)) on average against \(percentText(fp32.meanError)) for `\(fpname)`, "
            md += "so the multiplier's error is what a user sees; with bf16 accumulation the sum's own rounding gives \(percentText(fp.meanError)) even with the exact multiplier, "
            md += "and `\(lname)` \(percentText(l.meanError)).\n\n"
        }
        return md
    }

    // MARK: Section 4

    func areaMarkdown(_ a: AreaSection) -> String {
        var md = "## 4. Area against error\n\n"
        guard a.present else {
            md += "`\(a.source)` is not present in this tree, so there is no area-vs-error plot. "
            md += "The report depends on the committed `\(a.source)`: once `make synth` has written it, run `make accuracy` again.\n\n"
            return md
        }
        md += "Area from `\(a.source)` (written by `make synth`; this report depends on the committed copy and must be regenerated when it changes), "
        md += "error from section 1 (mean relative error over the exhaustive domain, SPEC's default overflow rule).\n\n"
        if a.points.isEmpty {
            md += "No entry of `\(a.source)` matches a unit and format measured here, so there is no plot.\n\n"
        } else {
            md += Self.table(["module", "transistors", "gates", "depth", "mean rel. error", "max rel. error"],
                             a.points.map { ["`\($0.module)`", Self.val($0.transistors), Self.val($0.gates), Self.val($0.depth), percentText($0.meanRelativeError), percentText($0.maxRelativeError)] },
                             align: [false, true, true, true, true, true]) + "\n"
            md += "![Area against mean relative error](\(Self.scatterFile))\n\n"
            md += energyMarkdown(a)
        }
        if !a.unmatched.isEmpty {
            md += "Not plotted (no exhaustive row here for that unit, format and overflow rule): \(a.unmatched.map { "`\($0)`" }.joined(separator: ", ")).\n\n"
        }
        return md
    }

    func reproduceMarkdown() -> String {
        var md = "## Reproducing\n\n"
        if part == "bf16" {
            md += "`make accuracy-bf16` rewrites `docs/accuracy-bf16.md` and `docs/accuracy-bf16.json` (all 2^32 encoding pairs, streamed over every core; a few minutes). "
            md += "The output does not depend on the number of threads (`--jobs`).\n"
        } else {
            md += "`make accuracy` rewrites `docs/accuracy.md`, `docs/accuracy.json` and `docs/plots/*.svg` byte for byte; the `AccuracyTests` suite regenerates part of it and compares. "
            md += "The output does not depend on the number of threads (`--jobs`). Section 4 depends on `\(area?.source ?? AccuracyOptions.defaultSynthPath)`: regenerate after `make synth`.\n"
        }
        return md
    }
}

@testable import Accuracy
import FloatArith
import Foundation
import HDL
@testable import Synthesis
import Testing
import Units

/// A copy of `lmul` under another name, registered only in these tests: the reports must compare
/// it by its roles (its declared baselines), with no report code naming it.
enum ExtraLMulUnit: UnitDefinition {
    static let name = "lmul_extra"
    static let summary = LMulUnit.summary
    static let specRule = LMulUnit.specRule
    static let role = UnitRole.approximate
    static let subnormalInputsAreZero = true
    static let baselines: [UnitKind] = [.fpmul]
    static let isLMulForm = true
    static let plotColour = "#2ca02c"
    static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 { LMulUnit.golden(a, b, f, overflow) }
    static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal { LMulUnit.build(m, a: a, b: b, f, overflow) }
    static func explain(result y: UInt32, _ f: FloatFormat) -> String { LMulUnit.explain(result: y, f) }
}

/// The same copy, declared the paper's subject, compared with the flush-to-zero baseline first.
enum SubjectLMulUnit: UnitDefinition {
    static let name = "lmul_subject"
    static let summary = LMulUnit.summary
    static let specRule = LMulUnit.specRule
    static let role = UnitRole.approximate
    static let subnormalInputsAreZero = true
    static let baselines: [UnitKind] = [.fpmulFTZ, .fpmul]
    static let isPaperSubject = true
    static let isLMulForm = true
    static let plotColour = "#9467bd"
    static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 { LMulUnit.golden(a, b, f, overflow) }
    static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal { LMulUnit.build(m, a: a, b: b, f, overflow) }
    static func explain(result y: UInt32, _ f: FloatFormat) -> String { LMulUnit.explain(result: y, f) }
}

extension UnitKind {
    static let extraLMul = UnitKind(ExtraLMulUnit.self)
    static let subjectLMul = UnitKind(SubjectLMulUnit.self)
}

/// The synthesis report picks its comparisons from the units' roles: the committed report is what
/// the renderer makes of its JSON (no re-measuring), and a unit that is only in the list handed to
/// the report appears in every ratio its roles call for.
@Suite struct SynthesisReportRoleTests {
    static let synthDir = repoRoot + "/synth"

    func committed() throws -> (report: SynthesisReport, json: Data, markdown: String) {
        let json = try Data(contentsOf: URL(fileURLWithPath: Self.synthDir + "/report.json"))
        let md = try String(contentsOfFile: Self.synthDir + "/report.md", encoding: .utf8)
        return (try SynthesisReport.load(json), json, md)
    }

    /// The rows of `from` given to `to`'s name (units, PEs, arrays), as if `to` had been measured.
    func copied(_ r: SynthesisReport, from: UnitKind, to: UnitKind, kinds: [UnitKind]) -> SynthesisReport {
        func rename(_ module: String) -> String { module.replacingOccurrences(of: from.rawValue + "_", with: to.rawValue + "_") }
        let units = r.units.filter { $0.unit == from }.map { u -> SynthesisFlow.Result in
            var u = u
            u.instance = ArithmeticUnit(to, u.format, overflow: u.overflow, stages: u.instance.stages)
            return u
        }
        var out = SynthesisReport(tool: r.tool, flow: r.flow, activityOperations: r.activity.operations, seed: r.activity.seed,
                                  proofTimeout: r.proofTimeout, units: r.units + units, kinds: kinds)
        out.activity = r.activity
        out.libertySetup = r.libertySetup
        out.pes = r.pes + r.pes.filter { $0.unit == from }.map { var p = $0; p.unit = to; p.module = rename(p.module); return p }
        out.arrays = r.arrays + r.arrays.filter { $0.unit == from }.map { var a = $0; a.unit = to; a.module = rename(a.module); return a }
        return out
    }

    /// Byte for byte, without yosys: the JSON re-encodes to itself, its ratios are what the
    /// registry's roles make of its rows, and report.md is its rendering.
    @Test func committedReportRendersFromItsJSON() throws {
        let (report, json, md) = try committed()
        #expect(try report.json() == json, "synth/report.json does not re-encode to itself: run make synth")
        let again = SynthesisReport(tool: report.tool, flow: report.flow, activityOperations: report.activity.operations, seed: report.activity.seed,
                                    proofTimeout: report.proofTimeout, units: report.units)
        #expect(again.units == report.units)
        #expect(again.ratios == report.ratios, "synth/report.json's ratios are not the roles' comparisons of its rows: run make synth")
        #expect(report.markdown() == md, "synth/report.md does not render synth/report.json: run make synth")
    }

    @Test func anExtraUnitIsComparedWithTheBaselinesItDeclares() throws {
        let (report, _, _) = try committed()
        let kinds = UnitKind.allCases + [.extraLMul]
        let r = copied(report, from: .lmul, to: .extraLMul, kinds: kinds)
        let formats = report.ratios.filter { $0.unit == .lmul && $0.baseline == .fpmul }.map(\.format)
        #expect(formats.count == 4)
        // its ratios: every format, against fpmul only (what it declares), the same numbers as lmul's
        let mine = r.ratios.filter { $0.unit == .extraLMul }
        #expect(mine.map(\.format) == formats && mine.allSatisfy { $0.baseline == .fpmul })
        for x in mine {
            let l = try #require(report.ratios.first { $0.format == x.format && $0.unit == .lmul && $0.baseline == .fpmul })
            #expect(x.transistors == l.transistors && x.gates == l.gates && x.depth == l.depth && x.toggleEnergy == l.toggleEnergy)
        }
        // the registry's own comparisons are untouched
        #expect(r.ratios.filter { $0.unit != .extraLMul } == report.ratios)
        let md = r.markdown()
        #expect(md.contains("| e4m3 | `lmul_extra` | `fpmul` | "))
        #expect(!md.contains("`lmul_extra` | `fpmul_ftz`"))
        // the arrays' comparison lines, one per size and accumulator, against fpmul only
        let big = try #require(report.arrays.last { $0.unit == .lmul })
        #expect(md.contains("| \(big.rows) x \(big.cols) | \(big.accumulation ?? "fixed") | `lmul_extra` | `fpmul` | "))
        // it is no paper subject: the claims stay lmul's
        #expect(md.contains("| e4m3 | `lmul` / `fpmul_ftz` | 0.483 |") && !md.contains("`lmul_extra` / `"))
    }

    @Test func thePaperSubjectIsWhicheverUnitDeclaresIt() throws {
        let (report, _, _) = try committed()
        let r = copied(report, from: .lmul, to: .subjectLMul, kinds: [.subjectLMul] + UnitKind.allCases)
        let md = r.markdown()
        // the claims follow the declared subject and its baselines in its order: fpmul_ftz first
        let ftz = try #require(md.range(of: "| e4m3 | `lmul_subject` / `fpmul_ftz` | 0.483 |"))
        let exact = try #require(md.range(of: "| e4m3 | `lmul_subject` / `fpmul` | 0.483 |"))
        #expect(ftz.lowerBound < exact.lowerBound)
        #expect(!md.contains("| e4m3 | `lmul` / `fpmul` | 0.483 |"))
        #expect(md.contains("### `lmul_subject` over the baseline in standard cells"))
        #expect(md.contains("| energy per multiply, `lmul_subject` / `fpmul_ftz` | 0.05 (95% less) |"))
        #expect(md.contains("of an `lmul_subject` PE's transistors"))
        // and it is first in every table, as in its list
        #expect(r.units.first?.unit == .subjectLMul)
    }
}

/// The accuracy report reads its unit list by role: a unit added to the list (with rows copied from
/// `lmul`'s, as if measured) is in the method list, the reading, the flush notes, the dot products,
/// the claims and every plot, in the colour it declares; the committed report is unchanged by the default list.
@Suite struct AccuracyReportRoleTests {
    func committed() throws -> AccuracyReport {
        try AccuracyReport.decode(Data(contentsOf: URL(fileURLWithPath: repoRoot + "/docs/accuracy.json")))
    }

    /// `r` with `lmul`'s rows copied to `to`, and `kinds` as its unit list.
    func withCopy(_ r: AccuracyReport, to: UnitKind, kinds: [UnitKind]) -> AccuracyReport {
        var r = r
        r.kinds = kinds
        for i in r.exhaustive.indices {
            if var row = r.exhaustive[i].rows.first(where: { $0.method == "lmul" }) { row.method = to.rawValue; r.exhaustive[i].rows.append(row) }
        }
        if var h = r.histogram, var row = h.rows.first(where: { $0.method == "lmul" }) {
            row.method = to.rawValue
            h.rows.append(row)
            r.histogram = h
        }
        if var d = r.dotProducts {
            d.rows += d.rows.filter { $0.method == "lmul" }.map { var x = $0; x.method = to.rawValue; return x }
            r.dotProducts = d
        }
        if var a = r.area {
            a.points += a.points.filter { $0.unit == "lmul" }.map { p in
                var p = p
                p.unit = to.rawValue
                p.module = p.module.replacingOccurrences(of: "lmul_", with: to.rawValue + "_")
                p.transistors += 1   // beside lmul's point, not on it
                return p
            }
            r.area = a
        }
        return r
    }

    func file(_ files: [(name: String, contents: Data)], _ name: String) throws -> String {
        String(decoding: try #require(files.first { $0.name == name }).contents, as: UTF8.self)
    }

    @Test func anExtraUnitIsInTheReadingTheClaimsAndEveryPlot() throws {
        let base = try committed()
        let r = withCopy(base, to: .extraLMul, kinds: UnitKind.allCases + [.extraLMul])
        let md = r.markdown()
        #expect(md.contains("- `lmul_extra`: \(ExtraLMulUnit.summary)\n"))
        // the e4m3 reading: every approximate unit besides the paper's subject, after Mitchell
        let l = try #require(base.exhaustive.first { $0.format == "e4m3" }?.rows.first { $0.method == "lmul" })
        let extraReading = "`lmul_extra`: mean \(percentText(l.mean)), max \(percentText(l.max))"
        #expect(md.contains("Mitchell without the offset: mean"))
        #expect(md.contains(extraReading))
        if l.zeroResults > 0 { #expect(md.contains("- **`lmul_extra` flushes some in-range products to zero**")) }
        // the subject is still lmul: the headline sentences do not move
        let subjectReading = "`lmul` has mean \(percentText(l.mean))"
        #expect(md.contains(subjectReading))
        #expect(!md.contains("`lmul_extra` has mean"))
        #expect(md.contains("| `lmul_extra` | ") && md.contains("### `lmul` against `fpmul`:"))
        // the plots: its colour in the histogram and both scatters
        let files = try AccuracyRun.files(r)
        let colour = "fill=\"\(ExtraLMulUnit.plotColour)\""
        for name in [AccuracyReport.histogramFile, AccuracyReport.scatterFile, AccuracyReport.energyScatterFile] {
            #expect(try file(files, name).contains(colour), "\(name) lacks lmul_extra's colour")
            #expect(try !file(AccuracyRun.files(base), name).contains(colour))
        }
        #expect(try file(files, AccuracyReport.scatterFile).contains(">lmul_extra_e4m3<"))
        // the claims: a method per fraction count, and (an L-Mul form) a further reading against fpmul
        let methods = PaperClaims.methods(UnitKind.allCases + [.extraLMul])
        #expect(Set(methods.map(\.id)).isSuperset(of: ["lmul_extra_e8m2", "lmul_extra_e8m3", "lmul_extra_e8m4"]))
        #expect(methods.filter { $0.id.hasPrefix("lmul_extra") }.allSatisfy { $0.rule == .method(.extraLMul) })
        var stats = ErrorAccumulator()
        stats.add(0.01, keys: (0, 0))
        let claims = AccuracyReport.claimsSection(PaperClaims.Result(methods: methods, scales: [], pooled: methods.map { _ in stats }),
                                                  samplesPerScale: 1, kinds: UnitKind.allCases + [.extraLMul])
        #expect(claims.verdicts.map(\.lmul) == ["lmul_e8m3", "lmul_e8m4"])
        #expect(claims.otherReadings.map(\.lmul) == ["lmul_formula_e8m3", "lmul_formula_e8m4", "lmul_extra_e8m3", "lmul_extra_e8m4", "lmul_e8m3", "lmul_e8m4"])
    }

    @Test func thePaperSubjectAndItsReferenceComeFromTheRoles() throws {
        let r = withCopy(try committed(), to: .subjectLMul, kinds: [.subjectLMul] + UnitKind.allCases)
        let md = r.markdown()
        // lmul_subject declares fpmul_ftz its reference: the headline readings compare with it
        #expect(md.contains("The correctly rounded multiplier `fpmul_ftz` has mean relative error"))
        #expect(md.contains("`lmul_subject` has mean") && md.contains("- **fpmul_ftz is the 0.5-ulp reference.**"))
        #expect(md.contains("### `lmul_subject` against `fpmul_ftz`"))
        let methods = PaperClaims.methods([.subjectLMul] + UnitKind.allCases)
        #expect(methods.contains { $0.id == "fpmul_ftz_e5m2" && $0.label == "fp8 e5m2, RNE (fpmul_ftz)" } && !methods.contains { $0.id == "fpmul_e5m2" })
    }
}

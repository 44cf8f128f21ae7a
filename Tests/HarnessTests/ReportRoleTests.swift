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
        let units = r.units.filter { $0.unit == from.rawValue }.map { u -> SynthesisFlow.Result in
            var u = u
            u.unit = to.rawValue
            u.module = rename(u.module)
            return u
        }
        var out = SynthesisReport(tool: r.tool, flow: r.flow, activityOperations: r.activity.operations, seed: r.activity.seed,
                                  proofTimeout: r.proofTimeout, units: r.units + units, kinds: kinds)
        out.activity = r.activity
        out.libertySetup = r.libertySetup
        out.pes = r.pes + r.pes.filter { $0.unit == from.rawValue }.map { var p = $0; p.unit = to.rawValue; p.module = rename(p.module); return p }
        out.arrays = r.arrays + r.arrays.filter { $0.unit == from.rawValue }.map { var a = $0; a.unit = to.rawValue; a.module = rename(a.module); return a }
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
        let formats = report.ratios.filter { $0.unit == "lmul" && $0.baseline == "fpmul" }.map(\.format)
        #expect(formats.count == 4)
        // its ratios: every format, against fpmul only (what it declares), the same numbers as lmul's
        let mine = r.ratios.filter { $0.unit == "lmul_extra" }
        #expect(mine.map(\.format) == formats && mine.allSatisfy { $0.baseline == "fpmul" })
        for x in mine {
            let l = try #require(report.ratios.first { $0.format == x.format && $0.unit == "lmul" && $0.baseline == "fpmul" })
            #expect(x.transistors == l.transistors && x.gates == l.gates && x.depth == l.depth && x.toggleEnergy == l.toggleEnergy)
        }
        // the registry's own comparisons are untouched
        #expect(r.ratios.filter { $0.unit != "lmul_extra" } == report.ratios)
        let md = r.markdown()
        #expect(md.contains("| e4m3 | `lmul_extra` | `fpmul` | "))
        #expect(!md.contains("`lmul_extra` | `fpmul_ftz`"))
        // the arrays' comparison lines, one per size and accumulator, against fpmul only
        let big = try #require(report.arrays.last { $0.unit == "lmul" })
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
        #expect(r.units.first?.unit == "lmul_subject")
    }
}

import FloatArith
import Foundation
@testable import Accuracy
@testable import Generation
@testable import Synthesis
@testable import Toolchain
@testable import Verification
import Testing
import Units

/// The synthesis flow on real yosys: the committed report is what a fresh run gives, the
/// equivalence proof catches a one-gate change, and the figures hang together.
@Suite(.serialized) struct SynthesisTests {
    static let synthDir = repoRoot + "/synth"

    func scratch(_ tag: String) throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("synthtest-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func flow(work: String) -> SynthesisFlow {
        var f = SynthesisFlow()
        f.flowScript = Self.synthDir + "/flow.ys"
        f.workDirectory = work
        return f
    }

    func committed() throws -> SynthesisReport {
        try SynthesisReport.load(Data(contentsOf: URL(fileURLWithPath: Self.synthDir + "/report.json")))
    }

    /// A fresh run of two e4m3 units gives exactly the committed rows, and the committed markdown
    /// is the committed JSON rendered: regenerate with `make synth` when either fails.
    @Test func committedReportIsCurrent() throws {
        let work = try scratch("current")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let report = try committed()
        var f = flow(work: work)
        // with the standard-cell columns, as make synth runs it
        f.power = PowerAnalysis(liberty: try LibertyFlow(libertyPath: LibertyLibrary.defaultPath))
        for unit in [ArithmeticUnit(.lmul, .e4m3), ArithmeticUnit(.fpmul, .e4m3)] {
            let fresh = try f.run(unit, file: "\(rtlDir)/\(unit.fileName)")
            let row = report.units.first { $0.instance == unit }
            #expect(row == fresh, "synth/report.json is stale for \(unit.moduleName): run make synth")
        }
        let md = try String(contentsOfFile: Self.synthDir + "/report.md", encoding: .utf8)
        #expect(md == report.markdown(), "synth/report.md does not render synth/report.json: run make synth")
        // the standard-cell sections are rendered from the JSON's figures
        #expect(md.contains("## Standard cells: area, timing and energy per operation") && md.contains("### The paper's energy claims in these units (e4m3)"))
        if let l = report.units.first(where: { $0.module == "lmul_e4m3" })?.liberty {
            #expect(md.contains("| `lmul` | \(l.cells) | \(SynthesisReport.area(l.area)) | \(SynthesisReport.fixed(l.delay, 2)) |"))
        }
    }

    /// The committed report covers the default set, every row proven, and its ratios are the
    /// rows' own figures divided (recomputed here, not read back).
    @Test func committedReportCoversTheDefaultSetConsistently() throws {
        let report = try committed()
        let formats = ["e4m3", "e5m2", "e8m7", "e5m10"]
        let kinds = UnitKind.allCases.map(\.rawValue)
        // every multiplier of the registry in the four formats, and the fp32, bf16 and fp16 accumulation adders
        let adders = ["fpadd_e8m23", "fpadd_e8m7", "fpadd_e5m10"]
        #expect(Set(report.units.map(\.module)) == Set(formats.flatMap { f in kinds.map { "\($0)_\(f)" } } + adders))
        for u in report.units {
            #expect(u.gates > 0 && u.transistors > 0 && u.depth > 0 && u.flipFlops == 0, "\(u.module)")
            #expect(u.cellsByType.values.reduce(0, +) == u.gates, "\(u.module): cells by type do not add up to the gate count")
            #expect(u.gateEquivalents == Double(u.transistors) / 4)
            #expect(u.checkedOperations == report.activity.operations)
            // every 8-bit unit must be proven against its RTL; only the fp16 exact multipliers may not be
            if !(u.format == .fp16 && u.unit.rawValue.hasPrefix("fpmul")) { #expect(u.equivalence == .proven, "\(u.module)") }
        }
        let approximate = UnitKind.allCases.filter { $0.role == .approximate }.count
        let baselines = UnitKind.allCases.filter { $0.role == .exactBaseline }.count
        #expect(report.ratios.count == formats.count * approximate * baselines)
        for r in report.ratios {
            let u = try #require(report.units.first { $0.format == r.format && $0.unit == r.unit })
            let b = try #require(report.units.first { $0.format == r.format && $0.unit == r.baseline })
            #expect(abs(r.transistors - Double(u.transistors) / Double(b.transistors)) <= 0.0005)
            #expect(abs(r.gates - Double(u.gates) / Double(b.gates)) <= 0.0005)
            #expect(abs(r.depth - Double(u.depth) / Double(b.depth)) <= 0.0005)
        }
    }

    /// PE and array rows: every default unit's PE, cell and three arrays, proven where flattened,
    /// and each array's figures are its cells' plus its glue (recomputed here).
    @Test func committedPEAndArrayRowsAddUp() throws {
        let report = try committed()
        #expect(Set(report.pes.filter { $0.accumulation == nil }.map(\.unit)) == Set(UnitKind.allCases))
        #expect(Set(report.pes.filter { $0.accumulation == "fp32" }.map(\.unit)) == [.lmul, .fpmul, .fpmulFTZ, .mitchell])
        for p in report.pes {
            #expect(p.equivalence == .proven && p.cellEquivalence == .proven, "\(p.module)")
            #expect(p.multiplierTransistors + p.accumulatorTransistors + p.registerTransistors == p.transistors)
            #expect(p.registerTransistors == 16 * p.flipFlops, "\(p.module): a D flip-flop is 16 transistors in stat -tech cmos")
            #expect(p.flipFlops == p.accumulatorWidth + 1, "\(p.module): the PE registers acc and invalid, nothing else")
            // a float accumulator's adder alone is the fp32 adder's own row
            if p.accumulation == "fp32" { #expect(p.adderTransistors == report.units.first { $0.module == "fpadd_e8m23" }?.transistors) }
            let unit = try #require(report.units.first { $0.unit == p.unit && $0.format == p.format })
            #expect(p.multiplierTransistors == unit.transistors, "\(p.module): the multiplier alone is the unit's row")
            #expect(p.cellTransistors > p.transistors && p.cellFlipFlops > p.flipFlops)
        }
        // three fixed-point sizes per multiplier, one 16 x 16 array per float-accumulating PE
        #expect(report.arrays.count == 3 * UnitKind.allCases.count + 4)
        for a in report.arrays {
            let p = try #require(report.pes.first { $0.unit == a.unit && $0.format == a.format && $0.accumulation == a.accumulation })
            let n = a.rows * a.cols
            #expect(a.transistors == n * p.cellTransistors + a.glueTransistors, "\(a.module)")
            #expect(a.flipFlops == n * p.cellFlipFlops + a.glueFlipFlops, "\(a.module)")
            #expect(abs(a.multiplierShare - Double(n * p.multiplierTransistors) / Double(a.transistors)) <= 0.0005)
            #expect(a.registerShare > 0 && a.registerShare < 1 && a.depth == p.cellDepth)
        }
    }

    /// One gate of a proven netlist changed (one row of a BLIF cover): `cec` finds the difference.
    @Test func theProofCatchesAOneGateChange() throws {
        let work = try scratch("mutant")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let r = try flow(work: work).run(ArithmeticUnit(.lmul, .e4m3), file: "\(rtlDir)/lmul_e4m3.v")
        #expect(r.equivalence == .proven)
        let dir = work + "/lmul_e4m3"
        for netlist in ["gates.blif", "cmos.blif"] {
            let lines = try String(contentsOfFile: "\(dir)/\(netlist)", encoding: .utf8).components(separatedBy: "\n")
            // the first two-input gate's cover row "11 1" (AND-like) or "00 1" etc.: flip its first input literal
            let names = try #require(lines.indices.first { lines[$0].hasPrefix(".names ") && lines[$0].split(separator: " ").count == 4 })
            var mutated = lines
            let row = mutated[names + 1]
            let flipped = (row.first == "1" ? "0" : "1") + row.dropFirst()
            mutated[names + 1] = flipped
            try mutated.joined(separator: "\n").write(toFile: "\(dir)/mutant.blif", atomically: true, encoding: .utf8)
            switch try SynthesisFlow.cec(dir: dir, gold: "pre.blif", gate: "mutant.blif", timeout: 60) {
            case .different: break
            case .equivalent: Issue.record("\(netlist) with '\(row)' -> '\(flipped)' was proven equivalent")
            case .timeout: Issue.record("cec timed out on a mutant of \(netlist)")
            }
            switch try SynthesisFlow.cec(dir: dir, gold: "gold.blif", gate: "mutant.blif", timeout: 60, miter: true) {
            case .different: break
            default: Issue.record("the miter proof did not find the changed gate in \(netlist)")
            }
        }
    }

    @Test func parsesYosysOutputs() throws {
        #expect(SynthesisFlow.longestPath("\nLongest topological path in lmul_e4m3 (length=20):\n") == 20)
        #expect(SynthesisFlow.longestPath("no path here") == nil)
        let stat = try SynthesisFlow.stat(Data(#"{"design": {"num_cells": 7, "num_cells_by_type": {"$_NAND_": 5, "$_NOT_": 2}, "estimated_num_transistors": "26"}}"#.utf8), module: "m")
        #expect(stat.total == 7 && stat.cells["$_NAND_"] == 5 && stat.transistors == 26)
        #expect(throws: SynthesisFlow.Failure.self) { try SynthesisFlow.stat(Data("{}".utf8), module: "m") }
    }

    /// The activity operands are the format's values of N(0, 1) samples: finite, mostly normal,
    /// and the same for the same seed.
    @Test func activityOperandsAreSeededAndRealistic() throws {
        let f = try FloatFormat(exponent: 4, mantissa: 3)
        let (a, b) = SynthesisFlow.activityOperands(f, count: 4096, seed: 1)
        #expect(a == SynthesisFlow.activityOperands(f, count: 4096, seed: 1).a)
        #expect(a != SynthesisFlow.activityOperands(f, count: 4096, seed: 2).a)
        let values = (a + b).map { f.doubleValue($0) }
        #expect(values.allSatisfy { $0.isFinite })
        let within1 = values.filter { abs($0) <= 1 }.count
        #expect(Double(within1) / Double(values.count) > 0.6 && Double(within1) / Double(values.count) < 0.76, "N(0,1): about 68% within one sigma")
    }
}

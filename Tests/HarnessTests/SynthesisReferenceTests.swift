import FloatArith
import Foundation
@testable import Accuracy
@testable import Generation
@testable import Synthesis
@testable import Toolchain
@testable import Verification
import Testing
import Units

/// The report's behavioural-twin and synthesis-effort sections: present for the default set,
/// consistent with the unit rows, and a generated unit larger than its twin is called out.
@Suite struct SynthesisReferenceTests {
    func committed() throws -> SynthesisReport {
        try SynthesisReport.load(Data(contentsOf: URL(fileURLWithPath: repoRoot + "/synth/report.json")))
    }

    @Test func everyExactMultiplierHasAVerifiedTwin() throws {
        let report = try committed()
        let exact = report.units.filter { $0.unit == .fpmul || $0.unit == .fpmulFTZ }
        #expect(exact.count == 8)
        #expect(Set(report.behavioural.map(\.module)) == Set(exact.map(\.module)))
        for t in report.behavioural {
            let f = t.format
            // the activity operations plus the golden vectors (every pair for 8-bit formats)
            let vectors = Vectors.pairs(f, plan: .standard(for: f)).count
            #expect(t.checkedOperations == report.activity.operations + vectors, "\(t.module)")
            if f.width <= 8 { #expect(t.equivalence == .proven && vectors == 65_536, "\(t.module)") }
        }
        #expect(report.twinPairs.count == 8)
        let md = try String(contentsOfFile: repoRoot + "/synth/report.md", encoding: .utf8)
        #expect(md.contains("## The exact multipliers against a plain behavioural description"))
        for p in report.twinPairs where p.generatedIsLarger {
            #expect(md.contains("`\(p.unit.module)`") && md.contains("**Larger than the behavioural description:**"))
        }
    }

    @Test func effortRowsStartFromTheFlowRatios() throws {
        let report = try committed()
        #expect(report.effort.count == report.ratios.count)
        for r in report.effort {
            let flow = try #require(report.ratios.first { $0.format == r.format && $0.unit == r.unit && $0.baseline == r.baseline })
            #expect(r.transistors.count == SynthesisEffort.scripts.count + 1 && r.gates.count == r.transistors.count)
            #expect(r.transistors[0] == flow.transistors && r.gates[0] == flow.gates)
        }
        let flowText = try String(contentsOfFile: repoRoot + "/synth/flow.ys", encoding: .utf8)
        #expect(flowText.contains("abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX -script +"))
        #expect(flowText.contains("abc -g cmos2 -script +"))
    }

    /// Rendering: a generated unit with more transistors than its twin is named, one with fewer is not.
    @Test func aLargerUnitIsCalledOut() {
        func row(gates: Int, transistors: Int) -> SynthesisFlow.Result {
            SynthesisFlow.Result(ArithmeticUnit(.fpmul, .e4m3), gates: gates, cellsByType: [:],
                                 depth: 10, flipFlops: 0, transistors: transistors, gateEquivalents: Double(transistors) / 4,
                                 cmosCells: 0, togglesPerOperation: 0, weightedTogglesPerOperation: 1,
                                 equivalence: .proven, checkedOperations: 1)
        }
        var report = SynthesisReport(tool: "yosys", flow: "flow.ys", activityOperations: 1, seed: 1, proofTimeout: 1,
                                     units: [row(gates: 200, transistors: 1500)])
        report.behavioural = [row(gates: 210, transistors: 1400)]
        #expect(report.largerThanTwinLines().count == 1)
        #expect(report.largerThanTwinLines()[0].contains("fpmul_e4m3") && report.largerThanTwinLines()[0].contains("larger"))
        #expect(report.markdown().contains("**Larger than the behavioural description:** `fpmul_e4m3`."))
        report.behavioural = [row(gates: 210, transistors: 1600)]
        #expect(report.largerThanTwinLines().isEmpty)
        #expect(report.markdown().contains("No generated exact multiplier is larger than its behavioural twin"))
    }
}

import Foundation
import Toolchain
import Units
import HDL
import FloatArith

/// The table `make sim` prints, one row per unit x format x simulator, then the decoded
/// failures and a closing `N passed, N failed` line.
public enum SimulationReport {
    public static func render(_ outcomes: [SimulationOutcome], decode: Int = 3) -> String {
        var table = TextTable(header: ["unit", "format", "simulator", "vectors", "mismatches", "seconds", "vectors/s", "result"],
                              rightAligned: [3, 4, 5, 6])
        for o in outcomes {
            let rate = o.seconds > 0 ? compactCount(Double(o.vectors) / o.seconds) : "-"
            table.rows.append([o.unit.kind.rawValue + (o.unit.overflow == .saturate ? "" : " (ovf inf)"), o.unit.format.tag, o.simulator.rawValue,
                               "\(o.vectors)", "\(o.mismatches)", String(format: "%.2f", o.seconds), rate, verdict(o.passed, o.failure)])
        }
        return checks(table, outcomes, passed: \.passed, error: { o in o.failure.map { "\(o.module) on \(o.simulator.rawValue): \($0)" } }) { o in
            var out = "FAIL \(o.module) on \(o.simulator.rawValue): \(o.mismatches) of \(o.vectors) vectors differ from the golden model (\(o.unit.kind.specRule)); first \(min(decode, o.firstMismatches.count)):\n"
            for m in o.firstMismatches.prefix(decode) { out += m.describe(o.unit) + "\n" }
            if let vcd = o.vcd { out += "  waveform of a short failing sequence: \(vcd) (open with gtkwave)\n" }
            return out
        }
    }

    /// A check's result cell: pass, FAIL (it ran and disagreed) or ERROR (it could not run).
    static func verdict(_ passed: Bool, _ failure: String?) -> String { passed ? "pass" : (failure != nil ? "ERROR" : "FAIL") }

    /// The shape of both simulation reports (units and arrays): the table, then for each check that
    /// did not pass a blank line and either `ERROR <what>` (it could not run) or its FAIL details,
    /// then the closing `N passed, N failed` line.
    static func checks<O>(_ table: TextTable, _ outcomes: [O], passed: (O) -> Bool, error: (O) -> String?, fail: (O) -> String) -> String {
        var out = table.render() + "\n"
        for o in outcomes where !passed(o) {
            out += "\n" + (error(o).map { "ERROR \($0)\n" } ?? fail(o))
        }
        let n = outcomes.filter(passed).count
        out += "\n\(n) passed, \(outcomes.count - n) failed\n"
        return out
    }
}

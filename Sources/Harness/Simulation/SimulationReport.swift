import Foundation

/// The table `make sim` prints, one row per unit x format x simulator, then the decoded
/// failures and a closing `N passed, N failed` line.
public enum SimulationReport {
    public static func render(_ outcomes: [SimulationOutcome], decode: Int = 3) -> String {
        var table = TextTable(header: ["unit", "format", "simulator", "vectors", "mismatches", "seconds", "vectors/s", "result"],
                              rightAligned: [3, 4, 5, 6])
        for o in outcomes {
            let rate = o.seconds > 0 ? compactCount(Double(o.vectors) / o.seconds) : "-"
            table.rows.append([o.unit.kind.rawValue + (o.unit.overflow == .saturate ? "" : " (ovf inf)"), o.unit.format.tag, o.simulator.rawValue,
                               "\(o.vectors)", "\(o.mismatches)", String(format: "%.2f", o.seconds), rate,
                               o.passed ? "pass" : (o.failure != nil ? "ERROR" : "FAIL")])
        }
        var out = table.render() + "\n"
        for o in outcomes where !o.passed {
            out += "\n"
            if let f = o.failure {
                out += "ERROR \(o.module) on \(o.simulator.rawValue): \(f)\n"
                continue
            }
            out += "FAIL \(o.module) on \(o.simulator.rawValue): \(o.mismatches) of \(o.vectors) vectors differ from the golden model (\(o.unit.kind.specRule)); first \(min(decode, o.firstMismatches.count)):\n"
            for m in o.firstMismatches.prefix(decode) { out += m.describe(o.unit) + "\n" }
            if let vcd = o.vcd { out += "  waveform of a short failing sequence: \(vcd) (open with gtkwave)\n" }
        }
        let passed = outcomes.filter(\.passed).count
        out += "\n\(passed) passed, \(outcomes.count - passed) failed\n"
        return out
    }
}

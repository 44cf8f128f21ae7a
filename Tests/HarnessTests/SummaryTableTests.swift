import Foundation
import Testing
@testable import Synthesis

/// `rtlgen synth`'s terminal table (issue 27 row 24): every unit the committed report maps to the
/// liberty shows its area, delay and energy there, as report.json holds them (read here with
/// JSONSerialization, not through the report's own types), and the table says what they are.
@Suite struct SummaryTableTests {
    @Test func terminalTableHasAreaDelayAndEnergy() throws {
        let path = SynthesisReportRoleTests.synthDir + "/report.json"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let table = try SynthesisReport.load(data).summaryTable()
        let lines = table.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        #expect(header.contains("FFs area um^2 delay ns energy pJ/op toggles/op"), "\(lines[0])")
        #expect(lines.last?.hasPrefix("area: sum of") == true && lines.last?.contains("no glitches") == true, "\(lines.last ?? "")")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let units = try #require(json["units"] as? [[String: Any]])
        var checked = 0
        for u in units {
            let module = try #require(u["module"] as? String)
            let row = try #require(lines.first { $0.hasPrefix(module + " ") }, "no row for \(module)")
            let cells = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            // module gates transistors GE depth FFs area delay energy ...
            guard let lib = u["liberty"] as? [String: Any] else {
                #expect(cells[6] == "-" && cells[7] == "-" && cells[8] == "-", "\(row)")
                continue
            }
            let area = try #require(lib["area"] as? Double), delay = try #require(lib["delay"] as? Double), energy = try #require(lib["energy"] as? Double)
            let grouped = NumberFormatter()
            grouped.numberStyle = .decimal
            grouped.usesGroupingSeparator = true
            grouped.groupingSeparator = ","
            grouped.maximumFractionDigits = 0
            #expect(cells[6] == grouped.string(from: NSNumber(value: area.rounded())), "\(module) area: \(row)")
            #expect(cells[7] == String(format: "%.2f", delay), "\(module) delay: \(row)")
            #expect(cells[8] == String(format: energy < 1 ? "%.3f" : "%.2f", energy), "\(module) energy: \(row)")
            checked += 1
        }
        #expect(checked >= 16, "only \(checked) units with standard-cell figures")
    }
}

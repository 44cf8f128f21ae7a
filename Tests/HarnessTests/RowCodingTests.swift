import FloatArith
import Foundation
@testable import Synthesis
import Testing
import Toolchain
import Units

/// A synthesis row is built from a unit instance and writes the fields it had when module, format
/// and overflow were strings: the module name is derived from the unit, and read back it must be
/// that unit's name.
@Suite struct RowCodingTests {
    static func row(_ unit: ArithmeticUnit) -> SynthesisFlow.Result {
        SynthesisFlow.Result(unit, gates: 86, cellsByType: ["$_AND_": 80, "$_MUX_": 6], depth: 15, flipFlops: 0, transistors: 604,
                             gateEquivalents: 151, cmosCells: 200, togglesPerOperation: 40.5, weightedTogglesPerOperation: 180.25,
                             equivalence: .proven, checkedOperations: 65536)
    }

    @Test func aRowFromAUnitWritesTodaysBytes() throws {
        let json = String(decoding: try canonicalJSON(Self.row(ArithmeticUnit(.lmul, .e4m3))), as: UTF8.self)
        #expect(json == """
        {
          "cells_by_type" : {
            "$_AND_" : 80,
            "$_MUX_" : 6
          },
          "checked_operations" : 65536,
          "cmos_cells" : 200,
          "depth" : 15,
          "equivalence" : "proven",
          "flip_flops" : 0,
          "format" : "e4m3",
          "gate_equivalents" : 151,
          "gates" : 86,
          "module" : "lmul_e4m3",
          "overflow" : "sat",
          "toggle_energy" : 180.25,
          "toggles_per_op" : 40.5,
          "transistors" : 604,
          "unit" : "lmul"
        }

        """)
        // the other overflow rule, bf16 written as its tag, and register stages (written only when there are some)
        let inf = String(decoding: try canonicalJSON(Self.row(ArithmeticUnit(.fpmul, .bf16, overflow: .infinity, stages: 2))), as: UTF8.self)
        #expect(inf.contains("\"module\" : \"fpmul_e8m7_ovf_inf_p2\"") && inf.contains("\"format\" : \"e8m7\"")
                && inf.contains("\"overflow\" : \"inf\"") && inf.contains("\"stages\" : 2"))
        #expect(!json.contains("stages"))
    }

    @Test func everyCommittedRowIsItsUnitsRow() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/synth/report.json"))
        let report = try SynthesisReport.load(data)
        let raw = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["units", "behavioural"] {
            let rows = try #require(raw[key] as? [[String: Any]])
            let typed = key == "units" ? report.units : report.behavioural
            #expect(rows.count == typed.count && !rows.isEmpty)
            for (r, t) in zip(rows, typed) {
                // the unit's fields as the file holds them are the ones the typed unit writes
                #expect(r["module"] as? String == t.instance.moduleName && r["unit"] as? String == t.unit.rawValue
                        && r["format"] as? String == t.format.tag && r["overflow"] as? String == t.overflow.rawValue && r["stages"] == nil)
                let again = try #require(try JSONSerialization.jsonObject(with: try canonicalJSON(t)) as? NSDictionary)
                #expect(again == (r as NSDictionary), "\(t.module)")
            }
        }
    }

    @Test func aRowWhoseModuleIsNotItsUnitIsRefused() throws {
        let good = try canonicalJSON(Self.row(ArithmeticUnit(.lmul, .e4m3)))
        func decode(_ edit: (String) -> String) throws -> SynthesisFlow.Result {
            try JSONDecoder().decode(SynthesisFlow.Result.self, from: Data(edit(String(decoding: good, as: UTF8.self)).utf8))
        }
        #expect(try decode { $0 } == Self.row(ArithmeticUnit(.lmul, .e4m3)))
        for edit in [{ (s: String) in s.replacingOccurrences(of: "\"lmul_e4m3\"", with: "\"lmul_e5m2\"") },
                     { $0.replacingOccurrences(of: "\"overflow\" : \"sat\"", with: "\"overflow\" : \"inf\"") },
                     { $0.replacingOccurrences(of: "\"format\" : \"e4m3\"", with: "\"format\" : \"bf16\"") },
                     { $0.replacingOccurrences(of: "\"unit\" : \"lmul\"", with: "\"unit\" : \"fpmul\"") },
                     { $0.replacingOccurrences(of: "\"depth\"", with: "\"stages\" : 1, \"depth\"") }] {
            #expect(throws: DecodingError.self) { try decode(edit) }
        }
    }
}

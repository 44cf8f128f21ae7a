import FloatArith
import Foundation
import HDL
import Testing
import Toolchain
import Units
import Verification

/// Issue 23 item 2: mutants of a pipelined unit that drop, add or misplace one register are
/// killed by the harness (every pair back to back on Icarus, each result checked S cycles later).
@Suite(.serialized) struct RegisterMutationTests {
    @Test func droppedAddedAndMovedRegistersAreKilled() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("regmut-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let unit = ArithmeticUnit(.fpmul, .e4m3, stages: 2)
        let mutants = try RegisterMutation.mutants(unit, limit: 4)
        #expect(Set(mutants.map(\.kind)) == Set(RegisterMutation.Kind.allCases) && mutants.count == 12)
        let original = try unit.verilog()
        // each mutant changes the text; an added register is one more register; a move is onto another signal
        let count = { (t: String) in t.components(separatedBy: " <= ").count - 1 }
        for m in mutants {
            #expect(m.verilog != original)
            if m.kind == .add { #expect(count(m.verilog) == count(original) + 1, "\(m.description)") }
            if m.kind == .misplace { #expect(m.verilog.contains("_moved <= "), "\(m.description)") }
        }
        let outcomes = try RegisterMutation.run(unit, mutants: mutants, directory: dir, testbench: repoRoot + "/testbench", jobs: 2)
        for o in outcomes { #expect(!o.survived && o.failure == nil, "\(o.mutant.description): \(o.failure ?? "survived")") }
    }
}

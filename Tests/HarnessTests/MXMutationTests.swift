import FloatArith
import Foundation
import Testing
import Units
import Verification

/// Mutation of the MX dot check: one operator or sized constant changed at a time in the generated
/// module, each mutant simulated on Icarus with every element pair, the corners and random blocks.
@Suite(.serialized) struct MXMutationTests {
    /// lmul on e2m1fn, K = 2: every mutant is killed except those argued equivalent here, for this
    /// design: `top_exp < 1` against `<= 1` or `< 2` (at top_exp = 1 both paths give the same bits),
    /// `min(lz, limit)` with `<=` (equal operands), the sticky of the bits shifted off the frame in
    /// the subnormal path (the 8-bit sum sits in a 26-bit frame, so with the guard bit set no bit
    /// leaves it), and the overflow compare against 0x7F7FFFFF (+1: the value 0x7F800000 is
    /// infinity either way; `<=`: a sum of two 2-bit significands never rounds to fp32's max finite),
    /// and the leading-zero count of an all-zero sum (the zero sum takes its own path to +-0).
    @Test func lmulE2m1fnMutantsAreKilled() throws {
        let d = try MXDotDesign(.lmul, try BlockFormat(element: .e2m1fn, blockSize: 2))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mxmut-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var m = MXMutation(design: d)
        m.random = 300
        m.buildDirectory = dir
        m.testbenchDirectory = repoRoot + "/testbench"
        let mutants = try m.run()
        #expect(mutants.count >= 100)
        let killed = mutants.filter { if case .killed = $0.result { return true } else { return false } }
        #expect(Double(killed.count) >= 0.9 * Double(mutants.count), "\(MXMutation.render(d, mutants))")
        #expect(killed.allSatisfy { $0.result == .killed(decoded: true) })
        let equivalent = ["below_normal =", "norm_shift =", "denorm_sticky =", "overflow ="]
        for s in mutants where s.result == .survived {
            let zeroCount = s.description.contains("sum_lz =") && s.description.hasPrefix("constant 4'd8 ->")
            #expect(zeroCount || equivalent.contains { s.description.contains($0) }, "an unexplained survivor: line \(s.line): \(s.description)")
        }
        #expect(!mutants.contains { if case .stillborn = $0.result { return true } else { return false } })
    }
}

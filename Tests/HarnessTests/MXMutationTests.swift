import FloatArith
import Foundation
import Testing
import Units
import Verification

/// Mutation of the MX dot check: one operator or sized constant changed at a time in the generated
/// module, each mutant simulated on Icarus with every element pair, the corners and random blocks.
@Suite(.serialized) struct MXMutationTests {
    /// lmul on e2m1fn, K = 2: every mutant is killed or proven equivalent by yosys (issue 38 item 3:
    /// a miter of mutant and design, sat for every input). The survivors are those argued
    /// equivalent before the proofs, for this design: `top_exp < 1` against `<= 1` or `< 2` (at
    /// top_exp = 1 both paths give the same bits), `min(lz, limit)` with `<=` (equal operands), the
    /// sticky of the bits shifted off the frame in the subnormal path (the 8-bit sum sits in a
    /// 26-bit frame, so with the guard bit set no bit leaves it), the overflow compare against
    /// 0x7F7FFFFF (+1: the value 0x7F800000 is infinity either way; `<=`: a sum of two 2-bit
    /// significands never rounds to fp32's max finite), and the leading-zero count of an all-zero
    /// sum (the zero sum takes its own path to +-0).
    @Test func lmulE2m1fnMutantsAreKilledOrProvenEquivalent() throws {
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
        #expect(MXMutation.unexplained(mutants).isEmpty, "\(MXMutation.render(d, mutants))")
        let equivalent = ["below_normal =", "norm_shift =", "denorm_sticky =", "denorm_lost_mask =", "overflow ="]
        for s in mutants where s.result == .survived {
            #expect(s.provenEquivalent)
            let zeroCount = s.description.contains("sum_lz =") || s.description.contains("wire        t")
            #expect(zeroCount || equivalent.contains { s.description.contains($0) }, "an unexplained survivor: line \(s.line): \(s.description)")
        }
        #expect(!mutants.contains { if case .stillborn = $0.result { return true } else { return false } })
        #expect(MXMutation.render(d, mutants).contains("proven equivalent (yosys sat miter)"))
    }

    /// The prover is not vacuous: a survivor that is not equivalent gets a counterexample. The
    /// overflow compare `<` made `<=` on lmul e4m3 K = 2 is caught by the trace; proven here
    /// against the design it differs, on fp32's largest finite value.
    @Test func aNonEquivalentMutantGetsACounterexample() throws {
        let d = try MXDotDesign(.lmul, try BlockFormat(element: .e4m3, blockSize: 2))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mxeq-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = try d.verilog()
        try good.write(toFile: "\(dir)/orig.v", atomically: true, encoding: .utf8)
        let bad = good.replacingOccurrences(of: "(35'd2139095039 < encoded)", with: "(35'd2139095039 <= encoded)")
        #expect(bad != good)
        try bad.write(toFile: "\(dir)/mut.v", atomically: true, encoding: .utf8)
        let r = MXMutation.equivalence(d, original: "\(dir)/orig.v", mutant: "\(dir)/mut.v", directory: dir, timeLimit: 300)
        guard case .counterexample(let c) = r else { Issue.record("expected a counterexample, got \(r)"); return }
        #expect(c.contains("golden 7f7fffff") || c.contains("golden ff7fffff"), "\(c)")
        // and the design against itself is proven
        #expect(MXMutation.equivalence(d, original: "\(dir)/orig.v", mutant: "\(dir)/orig.v", directory: dir, timeLimit: 300) == .proven)
    }

    /// Gate-level mutants too: each killed by the trace or proven equivalent (16 one-gate changes
    /// of lmul e2m1fn K = 2's netlist; one of them, flipping a cancelled sum's sign to -0 when b
    /// carries the negation, survived until the zero sums ran at every scale).
    @Test func gateMutantsAreKilledOrProvenEquivalent() throws {
        let d = try MXDotDesign(.lmul, try BlockFormat(element: .e2m1fn, blockSize: 2))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mxgate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var g = MXGateMutation(design: d)
        g.count = 16
        g.random = 300
        g.buildDirectory = dir
        g.testbenchDirectory = repoRoot + "/testbench"
        let mutants = try g.run()
        #expect(mutants.count == 16)
        #expect(mutants.allSatisfy { $0.killed || $0.equivalence == .proven }, "\(MXGateMutation.render(d, mutants))")
    }
}

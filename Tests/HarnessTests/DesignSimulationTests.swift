import FloatArith
import Foundation
import HDL
import Testing
import Toolchain
import Units
import Verification

/// Any design through the one cycle testbench: a PE on its own (not inside an array), driven from
/// its own golden trace on both simulators, passes; the same PE with one deliberate bug fails on both.
@Suite(.serialized) struct DesignSimulationTests {
    static func beats(_ f: FloatFormat, count: Int, seed: UInt64) -> [ProcessingElement.Beat] {
        var rng = SplitMix64(seed: seed)
        var out: [ProcessingElement.Beat] = []
        for k in 0..<count {
            let r = rng.next()
            // a clear every 16 beats (the first among them), bubbles, and random operand bits (NaN and inf included)
            out.append(ProcessingElement.Beat(clear: k % 16 == 3, valid: r & 7 != 0, a: UInt32((r >> 8) & UInt64(f.magnitudeMask | f.signMask)),
                                              b: UInt32((r >> 24) & UInt64(f.magnitudeMask | f.signMask))))
        }
        return out
    }

    func write(_ modules: [Module], to dir: String) throws {
        for m in modules { try VerilogEmitter.emit(m).write(toFile: "\(dir)/\(m.name).v", atomically: true, encoding: .utf8) }
    }

    @Test(arguments: [nil, FloatFormat.fp32])
    func aPEAloneIsCheckedCycleByCycle(_ acc: FloatFormat?) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pe = ProcessingElement(ArithmeticUnit(.lmul, .e5m2), floatAccumulator: acc)
        let trace = pe.trace(Self.beats(.e5m2, count: 2000, seed: 11))
        #expect(trace.checkedCycles == 2000 - 3)
        try write(try pe.modules(), to: dir)
        let good = try CycleTestbench.check(pe, trace: trace, rtlDirectory: dir, simulators: [.verilator, .icarus],
                                            buildDirectory: dir + "/build", testbench: repoRoot + "/testbench")
        #expect(good.count == 2 && good.allSatisfy { $0.1.passed && $0.1.checked == 2000 - 3 }, "\(good.map { "\($0.0): \($0.1.failure ?? "") \($0.1.mismatchCount ?? -1)" })")
        // the clear dropped: the sums run on across jobs
        let u = try pe.unit.elaborate(), add = try pe.adder?.elaborate()
        try write([try ArrayFault.peClearDropped.apply(toPE: try pe.elaborate(unitModule: u, adderModule: add), of: pe)], to: dir)
        let bad = try CycleTestbench.check(pe, trace: trace, rtlDirectory: dir, simulators: [.verilator, .icarus],
                                           buildDirectory: dir + "/build", testbench: repoRoot + "/testbench")
        #expect(bad.count == 2 && bad.allSatisfy { $0.1.failure == nil && ($0.1.mismatchCount ?? 0) > 100 })
        #expect(bad[0].1.mismatchCount == bad[1].1.mismatchCount)
    }

    /// The in-process stream speaks the same packed words: every pair of a pipelined unit checked
    /// with its results lined up S cycles later, and a one-operator change caught.
    @Test func theExhaustiveStreamChecksPipelinedUnits() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for stages in [2] {          // (stage count 0 streams in every sweep job)
            let unit = ArithmeticUnit(.lmul, .e5m2, stages: stages)
            let file = "\(dir)/\(unit.fileName)"
            let text = try unit.verilog()
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            var stream = ExhaustiveStream(unit: unit, file: file)
            stream.buildDirectory = dir + "/build"
            stream.testbenchDirectory = repoRoot + "/testbench"
            stream.quiet = true
            stream.threads = 1
            stream.lanes = 16              // a smaller model than the default: quicker to build
            let good = try stream.run(log: { _ in })
            #expect(good.vectors == 65536 && good.mismatches == 0)
            // the exponent sum's carry-in dropped (the fraction sum's carry bit, registered at cut 1)
            #expect(text.contains("+ {5'd0, frac_sum_s1[2]}"))
            try text.replacingOccurrences(of: "+ {5'd0, frac_sum_s1[2]}", with: "+ 6'd0").write(toFile: file, atomically: true, encoding: .utf8)
            let bad = try stream.run(log: { _ in })
            #expect(bad.mismatches > 1000 && bad.firstMismatches.allSatisfy { unit.emulate($0.a, $0.b) == $0.expected && $0.got != $0.expected })
        }
    }
}

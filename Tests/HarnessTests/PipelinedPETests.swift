import FloatArith
import Foundation
import HDL
import Testing
import Toolchain
import Units
import Verification

/// SPEC "Pipelined PEs": a PE whose multiplier has S register stages passes clear and valid
/// through S registers beside it, so acc and invalid are the combinational PE's, S cycles later.
@Suite(.serialized) struct PipelinedPETests {
    @Test(arguments: [nil, FloatFormat.fp32])
    func aPEWithAPipelinedMultiplierIsTheCombinationalPESCyclesLater(_ acc: FloatFormat?) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-pe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let beats = DesignSimulationTests.beats(.e5m2, count: 2000, seed: 23)
        let pe = ProcessingElement(ArithmeticUnit(.lmul, .e5m2, stages: 2), floatAccumulator: acc)
        let flat = ProcessingElement(ArithmeticUnit(.lmul, .e5m2), floatAccumulator: acc)
        let trace = pe.trace(beats), flatTrace = flat.trace(beats)
        // the same checks, every one two cycles later
        #expect(trace.cycles == flatTrace.cycles + 2 && trace.checkedCycles == flatTrace.checkedCycles)
        #expect((0..<flatTrace.cycles).allSatisfy { flatTrace.checks(cycle: $0) == trace.checks(cycle: $0 + 2) })
        let modules = try pe.modules()
        let top = try #require(modules.last)
        #expect(top.registers.map(\.name).filter { $0.hasPrefix("clear_d") || $0.hasPrefix("valid_d") }.sorted()
                == ["clear_d1", "clear_d2", "valid_d1", "valid_d2"])
        #expect(VerilogEmitter.emit(top).contains("multiplier latency 2 (SPEC \"Pipelined PEs\")"))
        for m in modules { try VerilogEmitter.emit(m).write(toFile: "\(dir)/\(m.name).v", atomically: true, encoding: .utf8) }
        for m in modules {
            for finding in try Lint.check("\(dir)/\(m.name).v", top: m.name, directory: dir) { Issue.record("\(finding.tool) on \(m.name): \(finding.output)") }
        }
        let good = try CycleTestbench.check(pe, trace: trace, rtlDirectory: dir, simulators: [.verilator, .icarus],
                                            buildDirectory: dir + "/build", testbench: repoRoot + "/testbench")
        #expect(good.count == 2 && good.allSatisfy { $0.1.passed && $0.1.checked == trace.checkedCycles },
                "\(good.map { "\($0.0): \($0.1.failure ?? "") \($0.1.mismatchCount ?? -1)" })")
        // valid one stage short: products meet the flags of the beat after theirs
        let short = try top.edited { e in try e.substitute(in: .next("valid_d2"), ["valid_d1": try e["valid"]]) }
        try VerilogEmitter.emit(short).write(toFile: "\(dir)/\(top.name).v", atomically: true, encoding: .utf8)
        let bad = try CycleTestbench.check(pe, trace: trace, rtlDirectory: dir, simulators: [.verilator, .icarus],
                                           buildDirectory: dir + "/build", testbench: repoRoot + "/testbench")
        #expect(bad.count == 2 && bad.allSatisfy { $0.1.failure == nil && ($0.1.mismatchCount ?? 0) > 100 },
                "\(bad.map { "\($0.0): \($0.1.failure ?? "") \($0.1.mismatchCount ?? -1)" })")
    }
}

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

    /// Jobs of 1 to 9 beats back to back (clear on the first, last on the last), bubbles, random
    /// e4m3 operand bits (NaN included), and a few beats of a job continued past its last beat.
    static func jobBeats(count: Int, seed: UInt64) -> [ProcessingElement.Beat] {
        var rng = SplitMix64(seed: seed)
        var out: [ProcessingElement.Beat] = []
        while out.count < count {
            let k = 1 + Int(rng.next() % 9)
            for j in 0..<k {
                let r = rng.next()
                out.append(ProcessingElement.Beat(clear: j == 0, valid: r & 7 != 0, a: UInt32((r >> 8) & 0xFF), b: UInt32((r >> 24) & 0xFF), last: j == k - 1))
            }
        }
        return out
    }

    /// SPEC "Pipelined PEs", L >= 2: the PE with an L-stage adder keeps L partial sums; every
    /// job's result (its golden value with L partial sums) and sticky invalid are on acc and
    /// invalid from S + L*L + 1 cycles after its last beat, on both simulators. bf16 accumulation
    /// of e4m3 products rounds often, so the golden results with L and with one accumulator differ
    /// in many jobs; a PE reading a partial sum from its register while its newest result is still
    /// leaving the adder fails.
    @Test(arguments: [(0, 2), (1, 3)])
    func aPEWithLPartialSumsShowsEachJobsResultSPlusLSquaredLater(_ s: Int, _ l: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("psum-pe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let beats = Self.jobBeats(count: 1500, seed: UInt64(40 + l))
        let pe = ProcessingElement(ArithmeticUnit(.fpmul, .e4m3, stages: s), floatAccumulator: .bf16, accumulatorStages: l)
        #expect(pe.moduleName == "pe_fpmul_e4m3\(s > 0 ? "_p\(s)" : "")_bf16_p\(l)" && pe.adder?.moduleName == "fpadd_e8m7_p\(l)")
        #expect(pe.addedLatency == s + l * l && pe.latency == 1 + s + l * l)
        // an independent job-by-job golden: L partial sums vs one accumulator; they must differ somewhere
        var differs = 0, jobs = 0
        var withL = FPAccumulatorModel(element: .e4m3, accumulation: .bf16, partialSums: l)
        var single = FPAccumulatorModel(element: .e4m3, accumulation: .bf16)
        let mul = ArithmeticUnit(.fpmul, .e4m3)
        for beat in beats {
            if beat.clear { withL.clear(); single.clear() }
            if beat.valid { withL.accumulate(product: mul(beat.a, beat.b)); single.accumulate(product: mul(beat.a, beat.b)) }
            if beat.last {
                jobs += 1
                if withL.value != single.value { differs += 1 }
            }
        }
        #expect(differs > 5, "\(differs) of \(jobs) jobs depend on L")
        let trace = pe.trace(beats)
        #expect(trace.cycles == beats.count + 1 + s + l * l)
        let modules = try pe.modules()
        let top = try #require(modules.last)
        let header = VerilogEmitter.emit(top)
        #expect(header.contains("acc_stages=\(l)") && header.contains("from \(s + l * l + 1) cycles after its last beat"))
        #expect(top.registers.map(\.name).filter { $0.hasPrefix("psum_") }.sorted() == (0..<l).map { "psum_\($0)" })
        for m in modules { try VerilogEmitter.emit(m).write(toFile: "\(dir)/\(m.name).v", atomically: true, encoding: .utf8) }
        for finding in try Lint.check("\(dir)/\(top.name).v", top: top.name, directory: dir) { Issue.record("\(finding.tool) on \(top.name): \(finding.output)") }
        let good = try CycleTestbench.check(pe, trace: trace, rtlDirectory: dir, simulators: [.verilator, .icarus],
                                            buildDirectory: dir + "/build", testbench: repoRoot + "/testbench")
        #expect(good.count == 2 && good.allSatisfy { $0.1.passed && $0.1.checked == trace.checkedCycles },
                "\(good.map { "\($0.0): \($0.1.failure ?? "") \($0.1.mismatchCount ?? -1)" })")
        let bypassless = try ArrayFault.psumBypassDropped.apply(toPE: top, of: pe)
        try VerilogEmitter.emit(bypassless).write(toFile: "\(dir)/\(top.name).v", atomically: true, encoding: .utf8)
        let bad = try CycleTestbench.check(pe, trace: trace, rtlDirectory: dir, simulators: [.icarus],
                                           buildDirectory: dir + "/build", testbench: repoRoot + "/testbench")
        #expect(bad.count == 1 && bad.allSatisfy { $0.1.failure == nil && ($0.1.mismatchCount ?? 0) > 10 },
                "\(bad.map { "\($0.0): \($0.1.failure ?? "") \($0.1.mismatchCount ?? -1)" })")
    }
}

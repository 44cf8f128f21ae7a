import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Testing
import Units

/// The simulation harness on real simulators: a correct unit passes, a unit with one operator
/// changed fails with decoded mismatches, and the pieces the harness reads are parsed right.
@Suite(.serialized) struct SimulationHarnessTests {
    func scratch(_ tag: String) throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("simtest-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// A copy of a committed unit with one line changed.
    func mutatedCopy(_ module: String, in dir: String, _ from: String, _ to: String) throws {
        let text = try String(contentsOfFile: "\(rtlDir)/\(module).v", encoding: .utf8)
        #expect(text.contains(from), "\(module).v no longer contains \(from)")
        try text.replacingOccurrences(of: from, with: to).write(toFile: "\(dir)/\(module).v", atomically: true, encoding: .utf8)
    }

    func simulate(_ dir: String, _ modules: [String], _ sims: [SimulatorKind], build: String) throws -> [SimulationOutcome] {
        var c = SimulationConfig(rtlDirectory: dir, units: modules.map { ArithmeticUnit(moduleName: $0)! }, simulators: sims)
        c.buildDirectory = build
        c.testbenchDirectory = repoRoot + "/testbench"
        return try UnitSimulation(c, log: { _ in }).run()
    }

    @Test func oneChangedOperatorFailsOnBothSimulatorsWithADecodedMismatch() throws {
        let dir = try scratch("mut")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // the carry of the rounding increment: '+' becomes '-'
        try mutatedCopy("fpmul_e5m2", in: dir, "{exp_field, aligned_sig[1:0]} + {7'd0, encoded_round_up}", "{exp_field, aligned_sig[1:0]} - {7'd0, encoded_round_up}")
        try FileManager.default.copyItem(atPath: "\(rtlDir)/lmul_e5m2.v", toPath: "\(dir)/lmul_e5m2.v")
        let outcomes = try simulate(dir, ["fpmul_e5m2", "lmul_e5m2"], [.verilator, .icarus], build: dir + "/build")
        #expect(outcomes.count == 4)
        let failed = outcomes.filter { $0.module == "fpmul_e5m2" }
        #expect(failed.count == 2)
        for o in failed { #expect(!o.passed && o.failure == nil && o.mismatches > 0 && o.vectors == 65536) }
        // both simulators see the same mismatches
        #expect(failed[0].mismatches == failed[1].mismatches)
        #expect(failed[0].firstMismatches == failed[1].firstMismatches)
        // the decoded mismatch agrees with the golden model and names a SPEC rule
        let unit = ArithmeticUnit(.fpmul, .e5m2)
        for m in failed[0].firstMismatches {
            #expect(unit.emulate(m.a, m.b) == m.expected && m.got != m.expected)
        }
        let report = SimulationReport.render(outcomes)
        #expect(report.contains("FAIL fpmul_e5m2 on verilator") && report.contains("FAIL fpmul_e5m2 on icarus"))
        #expect(report.contains("SPEC rule: ") && report.contains("expected 0x"))
        #expect(report.contains("2 passed, 2 failed"))
        // and a waveform GTKWave can open
        for o in failed {
            let vcd = try String(contentsOfFile: o.vcd ?? "", encoding: .utf8)
            #expect(vcd.contains("$enddefinitions") && vcd.contains("encoded_round_up"))
        }
        let others = outcomes.filter { $0.module == "lmul_e5m2" }
        #expect(others.count == 2 && others.allSatisfy { $0.passed })
    }

    /// The one cycle testbench at a latency: a unit with register stages passes on both simulators
    /// with every pair checked exactly S cycles later, and the same file checked as though it had
    /// one stage fewer or more (a register dropped or added) fails on both.
    @Test func pipelinedUnitsAreCheckedAtTheirLatency() throws {
        let dir = try scratch("piped")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let unit = ArithmeticUnit(.fpmul, .e4m3, stages: 2)
        let file = "\(dir)/\(unit.fileName)"
        try unit.verilog().write(toFile: file, atomically: true, encoding: .utf8)
        // lint-clean like every generated file (verilator -Wall, iverilog, yosys), every unit
        for k in UnitKind.allCases {
            let u = ArithmeticUnit(k, .e5m2, stages: 3)
            try u.verilog().write(toFile: "\(dir)/\(u.fileName)", atomically: true, encoding: .utf8)
            for finding in try Lint.check("\(dir)/\(u.fileName)", top: u.moduleName, directory: dir) {
                Issue.record("\(finding.tool) on \(u.moduleName): \(finding.output)")
            }
        }
        var c = SimulationConfig(rtlDirectory: dir, units: [], simulators: [.verilator, .icarus])
        c.buildDirectory = dir + "/build"
        c.testbenchDirectory = repoRoot + "/testbench"
        let good = try UnitSimulation(c, log: { _ in }).run([(unit, file)])
        #expect(good.count == 2 && good.allSatisfy { $0.passed && $0.vectors == 65536 })
        for wrong in [1, 3] {
            // the file's module renamed to the stage count the trace assumes
            let other = unit.withStages(wrong)
            let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "module \(unit.moduleName) (", with: "module \(other.moduleName) (")
            let otherFile = "\(dir)/\(other.fileName)"
            try text.write(toFile: otherFile, atomically: true, encoding: .utf8)
            let bad = try UnitSimulation(c, log: { _ in }).run([(other, otherFile)])
            #expect(bad.count == 2 && bad.allSatisfy { !$0.passed && $0.failure == nil && $0.mismatches > 30000 },
                    "\(bad.map { "\($0.simulator): \($0.mismatches) mismatches, \($0.failure ?? "")" })")
        }
    }

    @Test func brokenFileIsAnErrorRowNotACrash() throws {
        let dir = try scratch("broken")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try mutatedCopy("lmul_e4m3", in: dir, "endmodule", "endmodul")
        let outcomes = try simulate(dir, ["lmul_e4m3"], [.icarus], build: dir + "/build")
        #expect(outcomes.count == 1 && outcomes[0].failure != nil && !outcomes[0].passed)
        #expect(SimulationReport.render(outcomes).contains("0 passed, 1 failed"))
    }

    @Test func missingFilesAndNamesAreOneLineErrors() throws {
        let dir = try scratch("missing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: HarnessError.self) { try simulate(dir, ["lmul_e4m3"], [.icarus], build: dir + "/b") }
        do {
            _ = try Tools.find("surely-not-installed-tool")
            Issue.record("expected a missing-tool error")
        } catch let e as HarnessError {
            #expect(e.message.contains("apt-get install") && !e.message.contains("\n"))
        }
    }
}

@Suite struct HarnessPieceTests {
    @Test func moduleNamesRoundTrip() throws {
        for f in [FloatFormat.e4m3, .e5m2, .bf16, try FloatFormat(exponent: 2, mantissa: 23)] {
            for k in UnitKind.allCases {
                for o in OverflowMode.allCases {
                    let u = ArithmeticUnit(k, f, overflow: o)
                    #expect(ArithmeticUnit(moduleName: u.moduleName) == u)
                }
            }
        }
        #expect(ArithmeticUnit(moduleName: "lmul_e9m3") == nil)
        #expect(ArithmeticUnit(moduleName: "mul_e4m3") == nil)
        #expect(ArithmeticUnit(moduleName: "lmul_e4m3_x") == nil)
    }

    @Test func specRulesNameTheDecidingRule() {
        let lmul = ArithmeticUnit(.lmul, .e5m2), fp = ArithmeticUnit(.fpmul, .e5m2)
        #expect(SpecRule.explain(lmul, 0x7D, 0x3C).contains("NaN"))
        #expect(SpecRule.explain(fp, 0x7C, 0x00).contains("inf * 0"))
        #expect(SpecRule.explain(fp, 0x7C, 0x01).contains("inf * finite nonzero"))
        #expect(SpecRule.explain(lmul, 0x7C, 0x01).contains("subnormal"))
        #expect(SpecRule.explain(fp, 0x7B, 0x7B).contains("Overflow"))
        #expect(SpecRule.explain(lmul, 0x04, 0x04).contains("flushes to signed zero"))
        #expect(SpecRule.explain(fp, 0x3C, 0x3D).contains("ties to even"))
    }

    @Test func testbenchOutputParsing() {
        let p = CycleTestbench.parse("MISMATCH 5 45 44 ff\nMISMATCH 9 45 xx ff\nSUMMARY cycles=65536 checked=65530 mismatches=2\nSIMTIME 0.5\nVCD out.vcd\n",
                                     resultWidth: 8)
        #expect(p.cycles == 65536 && p.checked == 65530 && p.mismatchCount == 2 && p.vcd == "out.vcd" && p.simSeconds == 0.5)
        let sig = ArithmeticUnit(.lmul, .e4m3).signature
        #expect(p.mismatches.first?.cycle == 5)
        #expect(p.mismatches.first.flatMap { $0.differs(sig, "y") }.map { [$0.expected, $0.got ?? 0] } == [0x45, 0x44])
        // x or z digits: a mismatch whose value is unknown
        #expect(p.mismatches.count == 2 && p.mismatches[1].differs(sig, "y")?.got == nil && p.mismatches[1].differs(sig, "y")?.expected == 0x45)
        #expect(CycleTestbench.parse("garbage", resultWidth: 8).cycles == nil)
    }

    @Test func sourceMutationsChangeOneThingEach() throws {
        for m in ["lmul_e4m3", "fpmul_e4m3"] {
            let text = try String(contentsOfFile: "\(rtlDir)/\(m).v", encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let mutations = MutationRun.sourceMutations(text)
            #expect(mutations.count >= 20, "\(m): \(mutations.count) source mutations")
            for mu in mutations {
                #expect(mu.text != lines[mu.line - 1])
                #expect(!lines[mu.line - 1].contains("unused_ok"))
            }
            #expect(Set(mutations.map { "\($0.line):\($0.text)" }).count == mutations.count)
        }
    }
}

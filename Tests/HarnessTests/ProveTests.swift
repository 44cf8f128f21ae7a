import FloatArith
import Foundation
import HDL
import Toolchain
import Verification
import Testing
import Units

/// `rtlgen prove` (issue 26), its fast part: the behavioural descriptions equal the golden model
/// (simulated, every pair of the 8-bit formats), the e4m3 units, the fp32 L-Mul forms and Mitchell
/// and a pipelined unit are proven equal to them by yosys, and the prover fails, with a decoded
/// counterexample, on a one-gate mutant, on a description of a different rule and on a wrong
/// latency. The wide and slow proofs are `make prove`.
@Suite(.serialized) struct ProveTests {
    static func scratch(_ tag: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prove-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The generator's Verilog of `u` (pipelined or not) into `dir`.
    static func write(_ u: ArithmeticUnit, _ dir: String) throws {
        let text = try u.modules().map { VerilogEmitter.emit($0) }.joined(separator: "\n")
        try text.write(toFile: "\(dir)/\(u.moduleName).v", atomically: true, encoding: .utf8)
    }

    static func prover(_ dir: String) -> Prover { Prover(directory: dir, work: dir + "/work", timeLimit: 120, fallback: .none) }

    /// The descriptions are only worth proving against if they are SPEC: each one, simulated on
    /// every operand pair of 8-bit formats (IEEE-style, E4M3FN and finite), equals the golden model.
    @Test func descriptionsEqualTheGoldenModel() throws {
        let dir = try Self.scratch("desc")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var units: [ArithmeticUnit] = []
        for f in [FloatFormat.e4m3, .e5m2, .e3m2fn, .e2m3fn] {
            for k in [UnitKind.lmul, .lmulFormula, .mitchell] { units.append(ArithmeticUnit(k, f)) }
        }
        units += [ArithmeticUnit(.lmul, .e5m2, overflow: .infinity), ArithmeticUnit(.lmulFormula, .e4m3, overflow: .infinity),
                  ArithmeticUnit(.fpadd, .e5m2), ArithmeticUnit(.fpadd, try FloatFormat(exponent: 3, mantissa: 4))]
        for u in units {
            let text = try #require(BehaviouralSpec.verilog(u), "\(u.moduleName) has no description")
            #expect(text.contains("behavioural description") && !text.contains("/work") && !text.contains("/tmp"))
            try text.write(toFile: "\(dir)/\(u.moduleName).v", atomically: true, encoding: .utf8)
        }
        var c = SimulationConfig(rtlDirectory: dir, units: units, simulators: [.icarus])
        c.buildDirectory = dir + "/build"
        c.testbenchDirectory = repoRoot + "/testbench"
        let outcomes = try UnitSimulation(c, log: { _ in }).run()
        #expect(outcomes.count == units.count)
        for o in outcomes {
            #expect(o.passed, "\(o.module): \(o.mismatches) mismatches, first \(o.firstMismatches.first.map { "a=\($0.a) b=\($0.b) got \($0.got) expected \($0.expected)" } ?? o.failure ?? "")")
            let width = try #require(units.first { $0.moduleName == o.module }).format.width
            #expect(o.vectors == 1 << (2 * width), "\(o.module): \(o.vectors) vectors, not every pair")
        }
    }

    /// The fast part of `make prove`: every e4m3 multiplier, the fp32 bit-add and formula L-Mul and
    /// Mitchell, and a two-stage pipelined L-Mul at its latency, proven by sat.
    @Test func fastProofs() throws {
        let dir = try Self.scratch("fast")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var units = UnitKind.allCases.map { ArithmeticUnit($0, .e4m3) }
        units += [UnitKind.lmul, .lmulFormula, .mitchell].map { ArithmeticUnit($0, .fp32) }
        units += [ArithmeticUnit(.lmul, .e4m3, stages: 2), ArithmeticUnit(.mitchell, .fp32, stages: 1)]
        let p = Self.prover(dir)
        for u in units {
            try Self.write(u, dir)
            let s = try #require(ProofCatalogue.subject(module: u.moduleName))
            #expect(s.latency == u.stages)
            let r = try p.prove(s)
            guard case .proven(let m) = r.outcome else {
                Issue.record("\(u.moduleName) not proven: \(r.outcome)")
                continue
            }
            #expect(m == (u.stages == 0 ? .sat : .satSequential), "\(u.moduleName): \(m)")
        }
    }

    /// A one-gate change of the fp32 L-Mul fails the proof, and the counterexample is real: the
    /// description's output is the golden model's, the mutant's differs.
    @Test func gateMutantFailsWithADecodedCounterexample() throws {
        let dir = try Self.scratch("mutant")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for u in [ArithmeticUnit(.lmul, .fp32), ArithmeticUnit(.lmulFormula, .e4m3)] {
            try Self.write(u, dir)
            let m = try ProofMutant.write(module: u.moduleName, file: "\(dir)/\(u.moduleName).v", index: 1, seed: 1, into: "\(dir)/mutant-\(u.moduleName)")
            let r = try Prover(directory: m.directory, work: dir + "/work-m", timeLimit: 120, fallback: .none)
                .prove(try #require(ProofCatalogue.subject(module: u.moduleName)))
            guard case .failed(_, let c) = r.outcome else {
                Issue.record("\(u.moduleName) gate mutant (\(m.description)) not caught: \(r.outcome)")
                continue
            }
            let a = UInt32(try #require(c.operands["a"])), b = UInt32(try #require(c.operands["b"]))
            #expect(c.expected["y"] == UInt64(u(a, b)), "\(u.moduleName): expected is not the golden model's result")
            #expect(c.got["y"] != c.expected["y"])
            #expect(c.report.contains("SPEC rule:") && c.report.contains("expected") && c.report.contains("got"), "\(c.report)")
        }
    }

    /// The prover compares with the description it is given: the e4m3 L-Mul against Mitchell's
    /// description fails, and the decoded outputs are the two golden models' results.
    @Test func aDifferentRuleIsACounterexample() throws {
        let dir = try Self.scratch("rule")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let u = ArithmeticUnit(.lmul, .e4m3), mitchell = ArithmeticUnit(.mitchell, .e4m3)
        try Self.write(u, dir)
        let good = try #require(ProofCatalogue.subject(module: u.moduleName))
        let wrong = try #require(BehaviouralSpec.verilog(mitchell)).replacingOccurrences(of: "module \(mitchell.moduleName) (", with: "module \(u.moduleName) (")
        let s = ProofSubject(module: good.module, unit: good.unit, format: good.format, latency: 0, operands: good.operands, results: good.results,
                             reference: wrong, referenceModule: u.moduleName, referenceMethod: "Mitchell's rule", exhaustiveUnit: nil, decode: good.decode)
        let r = try Self.prover(dir).prove(s)
        guard case .failed(let method, let c) = r.outcome else {
            Issue.record("lmul proven equal to Mitchell: \(r.outcome)")
            return
        }
        #expect(method == .sat)
        let a = UInt32(try #require(c.operands["a"])), b = UInt32(try #require(c.operands["b"]))
        #expect(c.expected["y"] == UInt64(mitchell(a, b)) && c.got["y"] == UInt64(u(a, b)))
        #expect(mitchell(a, b) != u(a, b))
    }

    /// A pipelined unit is proven at its own latency only: claimed one cycle early or late, the
    /// proof fails.
    @Test func aWrongLatencyFails() throws {
        let dir = try Self.scratch("latency")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let u = ArithmeticUnit(.lmul, .e4m3, stages: 2)
        try Self.write(u, dir)
        let good = try #require(ProofCatalogue.subject(module: u.moduleName))
        for latency in [1, 3] {
            let s = ProofSubject(module: good.module, unit: good.unit, format: good.format, latency: latency, operands: good.operands,
                                 results: good.results, reference: good.reference, referenceModule: good.referenceModule,
                                 referenceMethod: good.referenceMethod, exhaustiveUnit: nil, decode: good.decode)
            let r = try Self.prover(dir).prove(s)
            #expect(r.failed, "latency \(latency) of a 2-stage unit: \(r.outcome)")
        }
    }
}

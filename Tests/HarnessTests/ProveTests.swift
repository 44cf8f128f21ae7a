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
            for k in [UnitKind.lmul, .lmulFormula, .mitchell, .fpmul] { units.append(ArithmeticUnit(k, f)) }
        }
        units += [ArithmeticUnit(.lmul, .e5m2, overflow: .infinity), ArithmeticUnit(.lmulFormula, .e4m3, overflow: .infinity),
                  ArithmeticUnit(.fpadd, .e5m2), ArithmeticUnit(.fpadd, try FloatFormat(exponent: 3, mantissa: 4))]
        for u in units {
            let text = try #require(BehaviouralSpec.verilog(u), "\(u.moduleName) has no description")
            #expect(text.contains("behavioural description") && !text.contains("/work") && !text.contains("/tmp"))
            try text.write(toFile: "\(dir)/\(u.moduleName).v", atomically: true, encoding: .utf8)
        }
        // the adder's second description (guard, round and sticky alignment), in a directory of its own
        let alt = dir + "/aligned"
        try FileManager.default.createDirectory(atPath: alt, withIntermediateDirectories: true)
        let adders = [ArithmeticUnit(.fpadd, .e5m2), ArithmeticUnit(.fpadd, try FloatFormat(exponent: 3, mantissa: 4))]
        for u in adders {
            try #require(BehaviouralSpec.alignedAdder(u)).write(toFile: "\(alt)/\(u.moduleName).v", atomically: true, encoding: .utf8)
        }
        var outcomes: [SimulationOutcome] = []
        for (d, us) in [(dir, units), (alt, adders)] {
            var c = SimulationConfig(rtlDirectory: d, units: us, simulators: [.icarus])
            c.buildDirectory = d + "/build"
            c.testbenchDirectory = repoRoot + "/testbench"
            outcomes += try UnitSimulation(c, log: { _ in }).run()
        }
        units += adders
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

    /// The cut-point proof (the fallback of the wide exact multipliers), run directly: fp16
    /// `fpmul` is proven with its two significand products cut, and one-gate mutants, proven the
    /// same way, fail with real counterexamples (re-checked on the uncut unit: expected is the
    /// golden model's result, got differs).
    @Test func cutPointProvesAndCatchesMutants() throws {
        let dir = try Self.scratch("cut")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let u = ArithmeticUnit(.fpmul, .fp16)
        try Self.write(u, dir)
        let s = try #require(ProofCatalogue.subject(module: u.moduleName))
        var p = Prover(directory: dir, work: dir + "/work", timeLimit: 120, fallback: .cut)
        p.skipFullProof = true
        let r = try p.prove(s)
        guard case .proven(let m) = r.outcome else {
            Issue.record("\(u.moduleName) not proven by the cut point: \(r.outcome), \(r.notes)")
            return
        }
        #expect(m == .cutPoint)
        #expect(r.notes.contains { $0.contains("each side's significand product") }, "\(r.notes)")
        // every mutant is not proven; one whose cut model is a real difference fails with it (a
        // model that needs a product no multiplier gives leaves the mutant not proven instead)
        var failed = 0
        for k in 1...3 {
            let mutant = try ProofMutant.write(module: u.moduleName, file: "\(dir)/\(u.moduleName).v", index: k, seed: 1, into: "\(dir)/mutant\(k)")
            var q = Prover(directory: mutant.directory, work: dir + "/work-m\(k)", timeLimit: 120, fallback: .cut)
            q.skipFullProof = true
            let rm = try q.prove(s)
            #expect(!rm.proven, "gate mutant \(k) (\(mutant.description)) proven by the cut point")
            guard case .failed(let method, let c) = rm.outcome else { continue }
            failed += 1
            #expect(method == .cutPoint)
            let a = UInt32(try #require(c.operands["a"])), b = UInt32(try #require(c.operands["b"]))
            #expect(c.expected["y"] == UInt64(u(a, b)), "mutant \(k): expected is not the golden model's result")
            #expect(c.got["y"] != c.expected["y"])
        }
        #expect(failed >= 2, "only \(failed) of 3 gate mutants failed with a real counterexample")
    }

    /// The cut is sound only if the free products are tied to the multipliers' operands: with an
    /// implementation whose product has one operand bit inverted (nothing else changed), the
    /// cut-point proof must not prove it (the free products may then differ).
    @Test func cutPointNeedsEqualOperands() throws {
        let dir = try Self.scratch("cutops")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let u = ArithmeticUnit(.fpmul, .e4m3)
        try Self.write(u, dir)
        let file = "\(dir)/\(u.moduleName).v"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let i = try #require(lines.firstIndex { $0.contains(" * ") && $0.contains("b_norm_frac}") }, "no product of b_norm_frac in the generated fpmul")
        // the product's second operand with its lowest fraction bit inverted; nothing else changes
        var changed = lines
        changed[i] = lines[i].replacingOccurrences(of: "b_norm_frac}", with: "b_norm_frac ^ 3'd1}")
        try changed.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let s = try #require(ProofCatalogue.subject(module: u.moduleName))
        var p = Prover(directory: dir, work: dir + "/work", timeLimit: 120, fallback: .cut)
        p.skipFullProof = true
        let r = try p.prove(s)
        #expect(!r.proven, "a product of changed operands proven by the cut point: \(r.notes)")
    }

    /// The adder's second description: proven equal to the exact-sum description by sat on small
    /// formats (so it is the same SPEC rule), the generated adder proven against it directly, and
    /// a one-gate mutant of the adder fails against it with a decoded counterexample.
    @Test func alignedAdderDescription() throws {
        let dir = try Self.scratch("aligned")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for u in [ArithmeticUnit(.fpadd, .e5m2), ArithmeticUnit(.fpadd, try FloatFormat(exponent: 3, mantissa: 4))] {
            let good = try #require(ProofCatalogue.subject(module: u.moduleName))
            // description against description: the aligned form as the "unit", the exact sum as reference
            let d = dir + "/\(u.moduleName)-descriptions"
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            try #require(BehaviouralSpec.alignedAdder(u)).write(toFile: "\(d)/\(u.moduleName).v", atomically: true, encoding: .utf8)
            let r0 = try Prover(directory: d, work: d + "/work", timeLimit: 300, fallback: .none).prove(good)
            #expect(r0.proven, "\(u.moduleName): the two descriptions differ: \(r0.outcome)")
            // the generated adder against the aligned description
            try Self.write(u, dir)
            var p = Prover(directory: dir, work: dir + "/work", timeLimit: 120, fallback: .cut)
            p.skipFullProof = true
            let r = try p.prove(good)
            guard case .proven(let m) = r.outcome else {
                Issue.record("\(u.moduleName) not proven against the aligned description: \(r.outcome)")
                continue
            }
            #expect(m == .satAlternate)
        }
        let u = ArithmeticUnit(.fpadd, .e5m2)
        let mutant = try ProofMutant.write(module: u.moduleName, file: "\(dir)/\(u.moduleName).v", index: 1, seed: 1, into: "\(dir)/mutant")
        var q = Prover(directory: mutant.directory, work: dir + "/work-m", timeLimit: 120, fallback: .cut)
        q.skipFullProof = true
        let rm = try q.prove(try #require(ProofCatalogue.subject(module: u.moduleName)))
        guard case .failed(let method, let c) = rm.outcome else {
            Issue.record("gate mutant (\(mutant.description)) of \(u.moduleName) not caught: \(rm.outcome)")
            return
        }
        #expect(method == .satAlternate)
        let a = UInt32(try #require(c.operands["a"])), b = UInt32(try #require(c.operands["b"]))
        #expect(c.expected["y"] == UInt64(u(a, b)) && c.got["y"] != c.expected["y"])
    }

    /// A PE with the exact fixed-point accumulator is proven against its clocked description by
    /// temporal induction, and a one-gate mutant of it fails with a counterexample.
    @Test func processingElementByInduction() throws {
        let dir = try Self.scratch("pe")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pe = ProcessingElement(ArithmeticUnit(.lmul, .e4m3))
        let text = try pe.modules().map { VerilogEmitter.emit($0) }.joined(separator: "\n")
        try text.write(toFile: "\(dir)/\(pe.moduleName).v", atomically: true, encoding: .utf8)
        let s = try #require(ProofCatalogue.subject(module: pe.moduleName))
        #expect(s.clocked && s.results.map(\.width) == [pe.accumulator.width, 1])
        let r = try Self.prover(dir).prove(s)
        guard case .proven(let m) = r.outcome else {
            Issue.record("\(pe.moduleName) not proven: \(r.outcome)")
            return
        }
        #expect(m == .induction)
        let mutant = try ProofMutant.write(module: pe.moduleName, file: "\(dir)/\(pe.moduleName).v", index: 1, seed: 1, into: "\(dir)/mutant")
        let rm = try Prover(directory: mutant.directory, work: dir + "/work-m", timeLimit: 120, fallback: .none).prove(s)
        guard case .failed(let method, let c) = rm.outcome else {
            Issue.record("gate mutant (\(mutant.description)) of \(pe.moduleName) not caught: \(rm.outcome)")
            return
        }
        #expect(method == .induction)
        #expect(c.expected != c.got, "\(c.report)")
    }
}

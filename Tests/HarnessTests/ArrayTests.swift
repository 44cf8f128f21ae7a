import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import HDL
import Testing
import Units

/// SPEC "Processing elements and arrays" from outside the code under test: the golden matmul
/// against a plain decode-and-sum of the SPEC formulas, the generated array files against the
/// three Verilog readers, the simulation harness on a real array, and mutants it must kill.
@Suite(.serialized) struct ArrayTests {
    func scratch(_ tag: String) throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("arraytest-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// SPEC "Formats", written out again: the real value of an encoding, nil for NaN and infinity.
    static func specValue(_ x: UInt32, exponentBits eb: Int, mantissaBits mb: Int) -> Double? {
        let bias = (1 << (eb - 1)) - 1
        let s = (x >> UInt32(eb + mb)) & 1
        let e = Int((x >> UInt32(mb)) & UInt32((1 << eb) - 1))
        let f = Int(x & UInt32((1 << mb) - 1))
        let allOnes = (1 << eb) - 1
        if eb == 4 && mb == 3 {
            if e == allOnes && f == (1 << mb) - 1 { return nil }   // E4M3FN: NaN only S.1111.111
        } else if e == allOnes {
            return nil                                             // IEEE-style inf and NaN
        }
        let magnitude = e == 0 ? Double(f) * pow(2.0, Double(1 - bias - mb))
                               : Double((1 << mb) + f) * pow(2.0, Double(e - bias - mb))
        return s == 1 ? -magnitude : magnitude
    }

    /// A plain matmul: every product decoded by SPEC's formula and summed in Double (exact here:
    /// e4m3 and e5m2 products span fewer than 53 bits and K is small), then written as the
    /// accumulator's two's-complement bits with LSB 2^(1-bias-M), modulo 2^width.
    static func plainMatmul(_ a: [[UInt32]], _ b: [[UInt32]], unit: ArithmeticUnit, width: Int) -> [[(bits: UInt64, invalid: Bool)]] {
        let f = unit.format
        let lsb = pow(2.0, Double(1 - ((1 << (f.exponentBits - 1)) - 1) - f.mantissaBits))
        return a.map { row in
            (0..<b[0].count).map { j in
                var sum = 0.0, invalid = false
                for k in 0..<b.count {
                    if let v = specValue(unit.emulate(row[k], b[k][j]), exponentBits: f.exponentBits, mantissaBits: f.mantissaBits) {
                        sum += v
                    } else {
                        invalid = true
                    }
                }
                let lsbs = sum / lsb
                #expect(lsbs == lsbs.rounded(), "a sum is not a whole number of LSBs: \(sum)")
                let mask: UInt64 = width >= 64 ? ~0 : (1 << UInt64(width)) - 1
                return (UInt64(bitPattern: Int64(lsbs)) & mask, invalid)
            }
        }
    }

    static func randomMatrix(_ r: Int, _ c: Int, bits: Int, _ rng: inout SplitMix64) -> [[UInt32]] {
        (0..<r).map { _ in (0..<c).map { _ in UInt32(rng.next() & ((1 << UInt64(bits)) - 1)) } }
    }

    @Test(arguments: [(UnitKind.lmul, FloatFormat.e4m3, nil as Int?), (.fpmul, .e4m3, nil), (.lmulFormula, .e5m2, nil),
                      (.fpmulFTZ, .e5m2, nil), (.fpmul, .e4m3, 12), (.lmul, .e5m2, 9)])
    func goldenMatmulEqualsAPlainSumOfSpecValues(kind: UnitKind, format: FloatFormat, width: Int?) {
        let unit = ArithmeticUnit(kind, format)
        var rng = SplitMix64(seed: 42)
        for (r, k, c) in [(1, 1, 1), (3, 7, 2), (4, 33, 5)] {
            // every bit pattern, NaN and infinity included
            let a = Self.randomMatrix(r, k, bits: format.width, &rng), b = Self.randomMatrix(k, c, bits: format.width, &rng)
            let golden = Matmul.multiply(a, b, unit: unit.golden, accumulatorWidth: width)
            let w = width ?? AccumulatorFormat.defaultWidth(format)
            let plain = Self.plainMatmul(a, b, unit: unit, width: w)
            for i in 0..<r {
                for j in 0..<c {
                    #expect(golden[i][j].sum.width == w)
                    #expect(golden[i][j].sum.limbs[0] == plain[i][j].bits, "\(unit.moduleName) \(r)x\(k)x\(c) element (\(i),\(j))")
                    #expect(golden[i][j].invalid == plain[i][j].invalid)
                }
            }
        }
    }

    @Test func defaultAccumulatorHoldsTwoToTheSixteenMaxProducts() {
        // SPEC: 2^16 products of maximal magnitude cannot overflow the default width
        for f in [FloatFormat.e4m3, .e5m2, .bf16] {
            let maxValue = Self.specValue(f.maxFinite, exponentBits: f.exponentBits, mantissaBits: f.mantissaBits)!
            let lsbExponent = 1 - ((1 << (f.exponentBits - 1)) - 1) - f.mantissaBits
            // |sum| <= 2^16 * max = 2^(16 + log2(max)) in LSBs needs this many magnitude bits, plus a sign
            let needed = 16 + Int((log2(maxValue) - Double(lsbExponent)).rounded(.up)) + 1
            #expect(AccumulatorFormat.defaultWidth(f) >= needed, "\(f)")
            var acc = AccumulatorModel(AccumulatorFormat(f))
            for _ in 0..<(1 << 16) { acc.accumulate(product: f.maxFinite | f.signMask) }
            #expect(acc.sum.isNegative && acc.value == -maxValue * 65536)
        }
    }

    @Test func productsAddInAnyOrder() {
        let unit = ArithmeticUnit(.lmul, .e4m3)
        var rng = SplitMix64(seed: 9)
        let a = Self.randomMatrix(2, 40, bits: 8, &rng), b = Self.randomMatrix(40, 3, bits: 8, &rng)
        let perm = Array((0..<40).reversed())
        let a2 = a.map { row in perm.map { row[$0] } }, b2 = perm.map { b[$0] }
        #expect(Matmul.multiply(a, b, unit: unit.golden) == Matmul.multiply(a2, b2, unit: unit.golden))
    }

    // MARK: - Generated Verilog

    @Test(arguments: [(UnitKind.lmul, FloatFormat.e4m3, 2, 3, nil as Int?), (.fpmul, .e5m2, 3, 1, nil), (.lmul, .bf16, 1, 2, nil),
                      (.fpmulFTZ, .e4m3, 2, 2, 20)])
    func arrayFilesAreLintClean(kind: UnitKind, format: FloatFormat, rows: Int, cols: Int, width: Int?) throws {
        let dir = try scratch("lint")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ArrayDesign(ArithmeticUnit(kind, format), rows: rows, cols: cols, accumulatorWidth: width)
        for (name, text) in try d.files() { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
        for m in try d.elaborate().modules {
            let findings = try Lint.check("\(dir)/\(m.name).v", top: m.name, directory: dir)
            #expect(findings.isEmpty, "\(m.name): \(findings.map { "\($0.tool): \($0.output)" }.joined(separator: "\n"))")
        }
    }

    @Test func generationIsDeterministicAndSharedFilesDoNotDependOnSize() throws {
        let unit = ArithmeticUnit(.fpmul, .e4m3)
        let a = try ArrayDesign(unit, rows: 3, cols: 5).files(), b = try ArrayDesign(unit, rows: 3, cols: 5).files()
        #expect(a.map(\.name) == b.map(\.name) && a.map(\.text) == b.map(\.text))
        // the unit, PE and cell files are written by every array of the unit: they must not differ
        let c = try ArrayDesign(unit, rows: 7, cols: 2).files()
        #expect(Array(a.prefix(3).map(\.text)) == Array(c.prefix(3).map(\.text)))
        #expect(a[3].name == "array_fpmul_e4m3_3x5.v" && c[3].name == "array_fpmul_e4m3_7x2.v")
        // the header states the accumulator and the drain timing the harness checks
        let header = a[3].text
        #expect(header.contains("LSB = 2^-9") && header.contains("35-bit"))
        #expect(header.contains("in_valid") && header.contains("out_valid"))
    }

    // MARK: - Simulation and mutants

    @Test func smallArrayPassesOnVerilatorAndIcarus() throws {
        let dir = try scratch("sim")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ArrayDesign(ArithmeticUnit(.lmul, .e4m3), rows: 2, cols: 3)
        for (name, text) in try d.files() { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
        var s = ArraySimulation(rtlDirectory: dir, designs: [d])
        s.buildDirectory = dir + "/build"
        s.testbenchDirectory = repoRoot + "/testbench"
        s.quiet = true
        let outcomes = try s.run(log: { _ in })
        #expect(outcomes.count == 2)
        let stimulus = ArrayStimulus(design: d, jobs: ArrayTestPlan.standard(d), seed: 1)
        for o in outcomes {
            #expect(o.passed, "\(o.simulator): \(o.failure ?? "") \(o.firstMismatches)")
            // every drained accumulator was compared: R*C per job with a last beat
            #expect(o.results == stimulus.results && o.results == 2 * 3 * ArrayTestPlan.standard(d).filter(\.last).count)
        }
    }

    @Test func stimulusFollowsTheDocumentedDrainTiming() {
        // fpmul: these products are exact in e4m3
        let d = ArrayDesign(ArithmeticUnit(.fpmul, .e4m3), rows: 3, cols: 4)
        let job = ArrayJob("one", a: [[0x38], [0x40], [0x44]], b: [[0x38, 0x40, 0x44, 0x48]])   // 1, 2, 3 times 1, 2, 3, 4
        let s = ArrayStimulus(design: d, jobs: [job])
        let t = 1   // beat 0 is the reset
        #expect(s.beats[t].valid && s.beats[t].clear && s.beats[t].last)
        // docs/array.md: row i shows PE(i,j) in cycle t + i + 2C + 1 - j
        for i in 0..<3 {
            for j in 0..<4 {
                let o = s.expected[t + i + 2 * 4 + 1 - j][i]
                #expect(o?.row == i && o?.col == j)
                let value = Double(i + 1) * Double(j + 1)
                #expect(o.map { $0.element.sum.double * pow(2.0, -9) } == value)
            }
        }
        #expect(s.expected.flatMap { $0 }.compactMap { $0 }.count == 12)
    }

    /// The diagram in every array header and docs/array.md is the stimulus the simulators check
    /// (shifted by the reset beat the stimulus starts with).
    @Test func headerTimingDiagramMatchesTheCheckedSchedule() throws {
        let d = ArrayDesign(ArithmeticUnit(.fpmul, .e4m3), rows: 2, cols: 2)
        let job = ArrayJob("diagram", a: [[0x38, 0x40, 0x44], [0x40, 0x44, 0x48]], b: [[0x38, 0x40], [0x40, 0x44], [0x44, 0x48]])
        let s = ArrayStimulus(design: d, jobs: [job])
        let rows = Dictionary(uniqueKeysWithValues: ArrayDesign.timingDiagram.dropFirst().map { line -> (String, [String]) in
            let name = String(line.prefix(15)).trimmingCharacters(in: .whitespaces)
            return (name, line.dropFirst(15).split(separator: " ").map(String.init))
        })
        for (flag, get) in [("in_valid", { (b: ArrayStimulus.Beat) in b.valid }), ("in_clear", { $0.clear }), ("in_last", { $0.last })] {
            let bits = rows[flag]!
            for (c, bit) in bits.enumerated() { #expect((bit == "1") == get(s.beats[c + 1]), "\(flag) cycle \(c)") }
        }
        for i in 0..<2 {
            let valid = rows["out_valid[\(i)]"]!.prefix(9)
            for (c, bit) in valid.enumerated() { #expect((bit == "1") == (s.expected[c + 1][i] != nil), "out_valid[\(i)] cycle \(c)") }
            // the names in the out_acc row, in order, are the PEs the schedule puts there
            let names = rows["out_acc row \(i)"]!.filter { $0.hasPrefix("C") }
            let scheduled = (0..<s.expected.count).compactMap { s.expected[$0][i] }.map { "C\($0.row)\($0.col)" }
            #expect(names == scheduled)
        }
        // the header carries the diagram
        let header = try d.files().last!.text
        #expect(ArrayDesign.timingDiagram.allSatisfy { header.contains($0) })
    }

    @Test func mutantsAreKilledAndAnEquivalentGateMutantIsProven() throws {
        let dir = try scratch("mutate")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = ArrayMutationRun(design: ArrayDesign(ArithmeticUnit(.lmul, .e4m3), rows: 3, cols: 3))
        r.buildDirectory = dir
        r.testbenchDirectory = repoRoot + "/testbench"
        r.gateMutants = 4
        r.quiet = true
        r.only = ["skew-a-swap", "pe-valid-ignored", "invalid-not-sticky", "acc-carry-cut", "drain-skips-stage"]
        let mutants = try r.run(log: { _ in })
        #expect(mutants.filter { $0.kind == .fault }.count == 5)
        #expect(mutants.filter { $0.kind == .gate }.count == 4)
        for m in mutants {
            switch m.outcome {
            case .killed(let how): #expect(how.contains("expected"), "\(m.name): \(how)")
            case .equivalent: #expect(m.kind == .gate)
            default: Issue.record("\(m.name) \(m.description): \(m.outcome)")
            }
        }
        // an unused high bit of |product| tied to 0 changes nothing: the proof must say so
        let d = r.design
        let pe = try d.files().first { $0.name == d.pe.fileName }!.text
        let w = d.accumulatorWidth
        let tied = pe.replacingOccurrences(of: "p_term = mul_y[7] ? (\(w)'d0 - p_lsbs) : p_lsbs;",
                                           with: "p_term = mul_y[7] ? (\(w)'d0 - {1'b0, p_lsbs[\(w - 2):0]}) : p_lsbs;")
        #expect(tied != pe)
        let originals = Dictionary(uniqueKeysWithValues: try d.files().map { (String($0.name.dropLast(2)), $0.text) })
        try FileManager.default.createDirectory(atPath: dir + "/proof", withIntermediateDirectories: true)
        #expect(r.provenEquivalent(original: originals, mutant: tied, dir: dir + "/proof"))
        let broken = pe.replacingOccurrences(of: "take = valid & ~p_special;", with: "take = ~p_special;")
        #expect(!r.provenEquivalent(original: originals, mutant: broken, dir: dir + "/proof"))
    }

    /// The netlist as data (nodes, wires, registers, instance connections), not as Verilog text:
    /// what a mutant must change for a formatting-only change to the emitter to leave it intact.
    static func netlist(_ m: Module) -> String {
        let instances = m.instances.map { i in
            "\(i.name):\(i.module.name):\(i.inputs.map { "\($0.port)=\($0.node)" }):\(i.outputs.map { "\($0.port)=\($0.wire)" })"
        }
        return "\(m.nodes)|\(m.inputs)|\(m.outputs)|\(m.wires)|\(m.registers)|\(instances)"
    }

    @Test func everyStandardMutantIsANetlistEditOfItsOwnModule() throws {
        for kind in [UnitKind.lmul, .fpmul] {
            let d = ArrayDesign(ArithmeticUnit(kind, .e5m2), rows: 3, cols: 4)
            let clean = try d.elaborate().modules
            let mutants = ArrayMutation.standard(d)
            #expect(Set(mutants.map(\.name)).count == mutants.count)
            #expect(mutants.count == (kind == .fpmul ? 28 : 27))
            for m in mutants {
                let faulty = try d.elaborate(fault: m.fault).modules
                #expect(faulty.map(\.name) == clean.map(\.name))
                for (a, b) in zip(clean, faulty) {
                    // the fault's own module differs as a netlist; every other module is untouched
                    #expect((Self.netlist(a) != Self.netlist(b)) == (a.name == m.module), "\(m.name): \(a.name)")
                }
                guard case .success(let files) = try m.files(d) else {
                    Issue.record("\(m.name) leaves \(m.module) unchanged")
                    continue
                }
                #expect(files.count == clean.count)
            }
        }
    }

    /// Every fault that applies to a 3 x 3 array of each accumulator is a real change: its
    /// module's Verilog differs from the real one and every other file is byte for byte the real
    /// design (a PE fault's cell and array instantiate the PE by name). Between the two units every
    /// fault of the accumulator is exercised. A pipelined array (S = 2, L = 3 partial sums, SPEC
    /// "Pipelined PEs") takes the partial-sum faults instead of the single accumulator's clear and
    /// the live-invalid fault (its PE holds invalid with the result).
    @Test(arguments: [(nil, 0, 1), (FloatFormat.fp32, 0, 1), (FloatFormat.fp32, 2, 3)] as [(FloatFormat?, Int, Int)])
    func everyApplicableFaultChangesItsModulesVerilog(_ acc: FloatFormat?, _ stages: Int, _ accStages: Int) throws {
        var exercised = Set<ArrayFault>()
        for kind in [UnitKind.lmul, .fpmul] {
            let d = ArrayDesign(ArithmeticUnit(kind, .e4m3, stages: stages), rows: 3, cols: 3, floatAccumulator: acc, accumulatorStages: accStages)
            let real = try d.files()
            for fault in ArrayFault.allCases where fault.applies(to: d) {
                exercised.insert(fault)
                let faulty = try d.files(fault: fault)
                #expect(faulty.map(\.name) == real.map(\.name))
                for (r, f) in zip(real, faulty) {
                    #expect((r.text != f.text) == (r.name == "\(fault.module(in: d)).v"), "\(fault.rawValue): \(r.name)")
                }
            }
        }
        let floatFaults: Set<ArrayFault> = [.widenSignDropped, .widenExponentOffByOne, .widenSubnormalAsNormal, .fpClearToOne, .fpSpecialSkipped]
        let fixedFaults: Set<ArrayFault> = [.accCarryCut, .accNoCarries, .accBitStuck, .productSignIgnored, .productShiftOffByOne, .subnormalProductMisplaced]
        let partialSumFaults: Set<ArrayFault> = [.psumIndexCountsBubbles, .psumIndexStuck, .psumNotRestarted, .psumBypassDropped, .combineTakesStale, .combineOrderSwapped]
        var expected = Set(ArrayFault.allCases).subtracting(acc == nil ? floatFaults : fixedFaults)
        expected = accStages >= 2 ? expected.subtracting([.peClearDropped, .resInvalidLive]) : expected.subtracting(partialSumFaults)
        #expect(exercised == expected)
    }

    /// A finite format (SPEC "Finite formats") has no NaN or infinity, so its PE has no sticky
    /// invalid logic: the faults that break that logic do not apply, and every other fault still
    /// changes its module and nothing else.
    @Test(arguments: [nil, FloatFormat.fp32] as [FloatFormat?])
    func finiteFormatFaultsApplyOnlyWhereThereIsLogicToBreak(_ acc: FloatFormat?) throws {
        for kind in [UnitKind.lmul, .fpmul] {
            let d = ArrayDesign(ArithmeticUnit(kind, .e3m2fn), rows: 3, cols: 3, floatAccumulator: acc)
            let sticky: [ArrayFault] = [.invalidIgnoresValid, .invalidNotSticky, .invalidNotCleared, .resInvalidLive, .fpSpecialSkipped]
            #expect(sticky.allSatisfy { !$0.applies(to: d) })
            let real = try d.files()
            for fault in ArrayFault.allCases where fault.applies(to: d) {
                let faulty = try d.files(fault: fault)
                for (r, f) in zip(real, faulty) {
                    #expect((r.text != f.text) == (r.name == "\(fault.module(in: d)).v"), "\(kind) \(fault.rawValue): \(r.name)")
                }
            }
        }
    }

    /// A faulty module is a module like any other: its Verilog lints clean on all three readers
    /// (the two exact-multiplier designs between them carry every fault).
    @Test(arguments: [nil, FloatFormat.fp32] as [FloatFormat?])
    func faultyModulesAreLintClean(_ acc: FloatFormat?) throws {
        let d = ArrayDesign(ArithmeticUnit(.fpmul, .e4m3), rows: 3, cols: 3, floatAccumulator: acc)
        for fault in ArrayFault.allCases where fault.applies(to: d) {
            let dir = try scratch("lint-\(fault.rawValue)")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            for (name, text) in try d.files(fault: fault) { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
            let top = fault.module(in: d)
            let findings = try Lint.check("\(dir)/\(top).v", top: top, directory: dir)
            #expect(findings.isEmpty, "\(fault.rawValue): \(findings.map { "\($0.tool): \($0.output)" }.joined(separator: "\n"))")
        }
    }
}

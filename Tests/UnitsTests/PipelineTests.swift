import FloatArith
import HDL
import Testing
import Units

/// Pipelined units `_p<S>` (SPEC "Ports"): the result for the pair before rising edge k appears
/// just before edge k + S, a new pair every cycle; the registers sit at balanced cut points.
@Suite struct PipelineTests {
    /// Drives `pairs` back to back into the netlist simulator of `u`'s module and returns the
    /// first pair whose result, read S cycles later, differs from the golden model (SPEC).
    static func firstMismatch(_ u: ArithmeticUnit, _ pairs: [(UInt32, UInt32)]) throws -> String? {
        let sim = try Simulator(try u.elaborate())
        let (sa, sb, sy) = (sim.slot(ofInput: "a"), sim.slot(ofInput: "b"), sim.slot(of: "y"))
        for j in 0..<(pairs.count + u.stages) {
            let (a, b) = j < pairs.count ? pairs[j] : (0, 0)
            sim.set(slot: sa, UInt64(a))
            sim.set(slot: sb, UInt64(b))
            sim.eval()
            if j >= u.stages {
                let (pa, pb) = pairs[j - u.stages]
                let want = UInt64(u(pa, pb))
                if sim.get(slot: sy) != want { return "\(u.moduleName): pair \(j - u.stages) (\(pa), \(pb)) gave \(sim.get(slot: sy)), golden \(want)" }
            }
            sim.tick()
        }
        return nil
    }

    static func allPairs(_ f: FloatFormat, stride: Int = 1) -> [(UInt32, UInt32)] {
        let n = 1 << f.width
        return Swift.stride(from: 0, to: n * n, by: stride).map { (UInt32($0 / n), UInt32($0 % n)) }
    }

    /// Every e4m3 pair back to back through every multiplier at S = 2, and a spread of pairs at
    /// S = 1, 3 and 6, each checked against the golden model exactly S cycles later.
    @Test func everyPairAppearsExactlySCyclesLater() throws {
        for k in UnitKind.allCases {
            if let bad = try Self.firstMismatch(ArithmeticUnit(k, .e4m3, stages: 2), Self.allPairs(.e4m3)) { Issue.record("\(bad)") }
            for s in [1, 3, 6] {
                if let bad = try Self.firstMismatch(ArithmeticUnit(k, .e5m2, stages: s), Self.allPairs(.e5m2, stride: 13)) { Issue.record("\(bad)") }
            }
        }
        // the accumulation adder on fp16: a seeded spread of pairs
        var rng = SplitMix(seed: 5)
        let pairs = (0..<3000).map { _ in (UInt32(rng.next() & 0xFFFF), UInt32(rng.next() & 0xFFFF)) }
        for s in [1, 4] {
            if let bad = try Self.firstMismatch(ArithmeticUnit(.fpadd, .fp16, stages: s), pairs) { Issue.record("\(bad)") }
        }
    }

    /// Registers along each path from a node back to the inputs; nil for a constant. Fails the
    /// test when two paths into one node cross different numbers of registers.
    static func registerDepths(_ m: Module) -> [Int: Int?] {
        var memo: [Int: Int?] = [:]
        func depth(_ n: Int) -> Int? {
            if let d = memo[n] { return d }
            let d: Int?
            switch m.nodes[n].op {
            case .input: d = 0
            case .constant: d = nil
            case .register(let i): d = depth(m.registers[i].next).map { $0 + 1 }
            case .wire(let i): d = depth(m.wires[i].driver)
            default:
                let ds = Set(m.nodes[n].op.operands.compactMap { depth($0) })
                #expect(ds.count <= 1, "\(m.name): node \(n) reads operands of register depths \(ds.sorted())")
                d = ds.first
            }
            memo[n] = d
            return d
        }
        for n in m.nodes.indices { _ = depth(n) }
        return memo
    }

    /// Every input-to-output path crosses exactly S registers, the stages' estimated delays are
    /// within one operation of an even share of the combinational delay, and more stages never
    /// make the slowest stage slower.
    @Test func cutsBalanceTheStagesAndEveryPathHasSRegisters() throws {
        for (k, f) in [(UnitKind.fpmul, FloatFormat.bf16), (.lmul, .fp16), (.fpmulFTZ, .e4m3), (.fpadd, .fp16)] {
            var previous = Double.infinity
            for s in 1...6 {
                let u = ArithmeticUnit(k, f, stages: s)
                let (m, plan) = try u.elaboratePlanned()
                let p = try #require(plan)
                let depths = Self.registerDepths(m)
                let y = try #require(m.output(named: "y"))
                #expect(depths[y.node] == .some(s), "\(u.moduleName): y is \(String(describing: depths[y.node])) registers from the inputs")
                let cutRegisters = p.cuts.reduce(0) { $0 + $1.count }
                #expect(m.registers.count == cutRegisters && p.cuts.count == s && p.stageDelays.count == s + 1)
                let biggestOp = m.nodes.map { n in OperationDelay.levels(n.op, width: n.width) { m.nodes[$0].width } }.max() ?? 0
                let slowest = p.stageDelays.max()!
                #expect(slowest <= p.combinationalDelay / Double(s + 1) + biggestOp, "\(u.moduleName): slowest stage \(slowest) of \(p.combinationalDelay)")
                #expect(slowest <= previous, "\(u.moduleName): \(slowest) is slower than with one stage fewer (\(previous))")
                #expect(slowest < p.combinationalDelay, "\(u.moduleName): a stage is as slow as the whole unit")
                previous = slowest
            }
        }
    }

    /// The header says where each register stage sits and its estimated delay; every register it
    /// names exists with that width; the same unit gives the same bytes.
    @Test func headerListsEveryCutAndStageDelay() throws {
        let u = ArithmeticUnit(.fpmul, .e5m2, stages: 3)
        let (m, plan) = try u.elaboratePlanned()
        let text = try u.verilog()
        #expect(text == (try u.verilog()))
        #expect(text.contains("module fpmul_e5m2_p3 (") && text.contains("generated by: rtlgen --mantissa 2 --units fpmul --stages 3"))
        for k in 0...3 { #expect(text.contains("//   stage \(k): \(k == 0 ? "inputs" : "cut \(k)") -> \(k == 3 ? "outputs" : "cut \(k + 1)"), estimated delay ")) }
        let cuts: [[(name: String, width: Int)]] = try #require(plan).cuts
        for cut in cuts {
            for r in cut {
                #expect(m.registers.contains { $0.name == r.name && $0.width == r.width }, "\(r.name)")
                #expect(text.contains(" \(r.name)[\(r.width)]"))
            }
        }
        #expect(!text.contains("always @(posedge clk) begin\n        y"), "no register sits on y alone")
    }

    /// Only a flat combinational module is pipelined; a module with registers is refused.
    @Test func onlyCombinationalModulesArePipelined() throws {
        let piped = try ArithmeticUnit(.lmul, .e4m3, stages: 1).elaborate()
        #expect(throws: HDLError.self) { _ = try piped.pipelined(1, name: "again", doc: []) }
        let flat = try ArithmeticUnit(.lmul, .e4m3).elaborate()
        #expect(throws: HDLError.self) { _ = try flat.pipelined(0, name: "none", doc: []) }
    }

    /// Placing S registers is a loop, not a recursion as deep as S (issue 38 item 2: S = 30,000 ended
    /// in SIGSEGV, about 25,000 frames of `Module.pipelined`): the builder, called directly, makes
    /// S = 100,000 (far beyond the range any command takes), and a long chain still delays by exactly S.
    @Test func aVeryDeepPipelineIsBuiltWithoutRecursion() throws {
        let s = 100_000
        let flat = try ArithmeticUnit(.lmul, .e4m3).elaborate()
        let (piped, plan) = try flat.pipelined(s, name: "lmul_e4m3_p\(s)", doc: [])
        #expect(plan.cuts.count == s && plan.cuts.allSatisfy { !$0.isEmpty })
        #expect(piped.registers.count >= s)
        #expect(plan.stageDelays.count == s + 1)
        // the chains the loop builds are registers in order: at S = 300 every e5m2 pair of a spread
        // comes out exactly S cycles after it went in
        if let bad = try Self.firstMismatch(ArithmeticUnit(.lmul, .e5m2, stages: 300), Self.allPairs(.e5m2, stride: 97)) { Issue.record("\(bad)") }
    }

    /// `_p<S>` module names read back (SPEC "Ports"), and nothing else does.
    @Test func pipelinedNamesReadBack() {
        #expect(ArithmeticUnit(moduleName: "fpmul_e4m3_p2") == ArithmeticUnit(.fpmul, .e4m3, stages: 2))
        #expect(ArithmeticUnit(moduleName: "lmul_e5m2_ovf_inf_p3") == ArithmeticUnit(.lmul, .e5m2, overflow: .infinity, stages: 3))
        for bad in ["fpmul_e4m3_p0", "fpmul_e4m3_p02", "fpmul_e4m3_p", "fpmul_e4m3_p-1", "fpmul_e4m3_p99", "fpmul_e4m3_p2_ovf_inf"] {
            #expect(ArithmeticUnit(moduleName: bad) == nil, "\(bad)")
        }
    }
}

/// A tiny seeded generator for test operands.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

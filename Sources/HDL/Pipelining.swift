/// Balanced pipelining of a combinational module: `S` register stages placed at cut points chosen
/// from an estimate of each net's arrival time, so that the slowest stage is as short as the
/// estimate allows.
///
/// The estimate is a per-operation delay model over the DSL netlist (`OperationDelay`, in gate
/// levels; not a timing analysis: the standard-cell flow measures the real paths). Placement is
/// greedy as-soon-as-possible under a period `P`: in dependency order every operation joins the
/// latest stage among its operands, and starts the next stage (its operands registered) when its
/// in-stage arrival would exceed `P`. The least `P` for which the outputs land within stage `S` is
/// found by bisection; the outputs are then registered up to stage `S` (every input-to-output path
/// crosses exactly `S` registers, so the module has latency `S` and takes a new input every cycle,
/// with no reset). Constants belong to every stage and are never registered.

/// Gate-level delay of each DSL operation, the model that places the cuts.
public enum OperationDelay {
    /// `ceil(log2(w))`, 0 for `w <= 1`.
    static func lg(_ w: Int) -> Double {
        var k = 0
        while (1 << k) < w { k += 1 }
        return Double(k)
    }

    /// Estimated levels through `op` producing `width` bits (operand widths from `widths`).
    public static func levels(_ op: Op, width: Int, operandWidth: (Int) -> Int) -> Double {
        switch op {
        case .input, .constant, .wire, .register, .instanceOutput, .slice, .concat, .replicate, .not:
            return 0                                  // wiring (an inverter folds into the next gate)
        case .binary(let b, let x, _):
            let w = operandWidth(x)
            switch b {
            case .and, .or, .xor: return 1
            case .add, .sub: return 2 + 2 * lg(w)      // a parallel-prefix carry (yosys maps $alu so)
            case .mul: return 4 + 3 * lg(w) + 2 * lg(2 * w)   // partial products, a reduction tree, a final adder
            }
        case .compare(let c, let x, _):
            let w = operandWidth(x)
            switch c {
            case .eq, .ne: return 1 + lg(w)
            case .ult, .ule, .slt, .sle: return 2 + 2 * lg(w)
            }
        case .reduce(_, let x): return lg(operandWidth(x))
        case .shiftLeftVar(_, let k), .shiftRightVar(_, let k): return Double(operandWidth(k))   // one mux level per amount bit
        case .mux: return 1
        }
    }
}

/// Where the registers of a pipelined module sit: the estimated delay of each stage and the
/// register bits at each cut.
public struct PipelinePlan: Sendable, Equatable {
    /// Estimated delay (gate levels, `OperationDelay`) of stage 0...S: from the inputs or the previous cut to the next cut or the outputs.
    public let stageDelays: [Double]
    /// For cut 1...S (index 0 is cut 1): the registers it holds, as (name, width).
    public let cuts: [[(name: String, width: Int)]]
    /// Estimated delay of the combinational module (the longest input-to-output path).
    public let combinationalDelay: Double

    public static func == (l: PipelinePlan, r: PipelinePlan) -> Bool {
        l.stageDelays == r.stageDelays && l.combinationalDelay == r.combinationalDelay
            && l.cuts.map { $0.map(\.name) } == r.cuts.map { $0.map(\.name) } && l.cuts.map { $0.map(\.width) } == r.cuts.map { $0.map(\.width) }
    }

    /// Header lines: one per stage and cut.
    public var headerLines: [String] {
        func fmt(_ d: Double) -> String { d == d.rounded() ? "\(Int(d))" : "\(d)" }
        var lines = ["pipelining: \(cuts.count) register stage\(cuts.count == 1 ? "" : "s") at cut points balanced by estimated delay "
                     + "(gate levels of the generator's per-operation model; the combinational module estimates \(fmt(combinationalDelay)))"]
        for (k, d) in stageDelays.enumerated() {
            let from = k == 0 ? "inputs" : "cut \(k)"
            let to = k == cuts.count ? "outputs" : "cut \(k + 1)"
            lines.append("  stage \(k): \(from) -> \(to), estimated delay \(fmt(d))")
            if k < cuts.count {
                let regs = cuts[k]
                let bits = regs.reduce(0) { $0 + $1.width }
                lines.append("  cut \(k + 1): \(bits) register bit\(bits == 1 ? "" : "s"): " + regs.map { "\($0.name)[\($0.width)]" }.joined(separator: " "))
            }
        }
        return lines
    }
}

extension Module {
    /// This combinational module with `stages` register stages at balanced cut points, named
    /// `name`, with a clock input `clock` first; `doc` becomes the header (the plan's lines follow it).
    public func pipelined(_ stages: Int, name: String, clock: String = "clk", doc: [String]) throws -> (Module, PipelinePlan) {
        guard stages >= 1 else { throw HDLError.invalidEdit(module: self.name, detail: "pipelining needs at least 1 register stage, not \(stages)") }
        guard registers.isEmpty, instances.isEmpty, self.clock == nil else {
            throw HDLError.invalidEdit(module: self.name, detail: "only a flat combinational module (no registers or instances) can be pipelined")
        }
        guard let order = Topology.order(self) else { throw HDLError.combinationalLoop(module: self.name, path: Topology.findLoop(self) ?? []) }

        // The operands a node reads in this pass: a wire reads its driver.
        func reads(_ n: Int) -> [Int] {
            if case .wire(let i) = nodes[n].op { return [wires[i].driver] }
            return nodes[n].op.operands
        }
        func isConstant(_ n: Int) -> Bool { if case .constant = nodes[n].op { return true }; return false }
        let delay = nodes.map { OperationDelay.levels($0.op, width: $0.width) { self.nodes[$0].width } }
        let outputNodes = outputs.map(\.node)

        /// Greedy placement under period `p`: (stage, in-stage arrival) per node; constants at stage -1.
        func place(_ p: Double) -> (stage: [Int], local: [Double]) {
            var stage = [Int](repeating: 0, count: nodes.count)
            var local = [Double](repeating: 0, count: nodes.count)
            for n in order {
                if isConstant(n) { stage[n] = -1; continue }
                let ops = reads(n).filter { !isConstant($0) }
                let k = ops.map { stage[$0] }.max() ?? 0
                let t = ops.filter { stage[$0] == k }.map { local[$0] }.max() ?? 0
                if t + delay[n] > p && t > 0 {
                    stage[n] = k + 1
                    local[n] = delay[n]
                } else {
                    stage[n] = k
                    local[n] = t + delay[n]
                }
            }
            return (stage, local)
        }
        let full = place(.infinity)
        let total = outputNodes.map { full.local[$0] }.max() ?? 0
        var lo = delay.max() ?? 0, hi = max(total, lo)
        func fits(_ p: Double) -> Bool { let s = place(p).stage; return outputNodes.allSatisfy { s[$0] <= stages } }
        if fits(lo) { hi = lo }
        for _ in 0..<60 where hi - lo > 1e-9 {
            let mid = (lo + hi) / 2
            if fits(mid) { hi = mid } else { lo = mid }
        }
        let (stage, local) = place(hi)

        // Names for registered copies: a named signal's own name (an operation driving a named
        // wire takes the wire's); other expressions the name of the wire that reads them.
        var base = [String?](repeating: nil, count: nodes.count)
        for p in inputs { base[p.node] = p.name }
        for w in wires where base[w.driver] == nil {
            switch nodes[w.driver].op {
            case .input, .wire, .constant: break
            default: base[w.driver] = w.name
            }
        }
        for w in wires {
            base[w.node] = w.name
            var stack = nodes[w.driver].op.operands
            var part = 0
            while let n = stack.popLast() {
                guard base[n] == nil else { continue }
                switch nodes[n].op {
                case .input, .wire, .constant: continue
                default:
                    base[n] = "\(w.name)_part\(part)"
                    part += 1
                    stack += nodes[n].op.operands
                }
            }
        }

        // Registers hold bits, not nodes: a value crossing a cut is traced through slices,
        // concatenations and wires to the bits of the operations (and inputs) that make it, and
        // only those bits are registered, once per cut, never a constant bit or an unread one.
        enum Bit: Hashable { case constant(Bool), of(Int, Int) }
        var bitMemo: [Int: [Bit]] = [:]
        func bits(_ n: Int) -> [Bit] {          // least significant first
            if let b = bitMemo[n] { return b }
            let r: [Bit]
            switch nodes[n].op {
            case .constant(let v): r = (0..<v.width).map { .constant(v.bit($0)) }
            case .wire(let i): r = bits(wires[i].driver)
            case .slice(let x, let h, let l): r = Array(bits(x)[l...h])
            case .concat(let parts): r = parts.reversed().flatMap { bits($0) }
            case .replicate(let x, let c): r = Array([[Bit]](repeating: bits(x), count: c).joined())
            default: r = (0..<nodes[n].width).map { .of(n, $0) }
            }
            bitMemo[n] = r
            return r
        }
        // Pass 1: the latest stage each source bit is read in.
        var need: [Int: [Int: Int]] = [:]       // source node -> bit -> latest stage
        func request(_ o: Int, at t: Int) {
            for case .of(let src, let i) in bits(o) where stage[src] < t {
                need[src, default: [:]][i] = max(need[src]?[i] ?? 0, t)
            }
        }
        func operandsRead(_ n: Int) -> [Int] { reads(n).filter { !isConstant($0) } }
        for n in order where !isConstant(n) {
            for o in operandsRead(n) where stage[o] < stage[n] { request(o, at: stage[n]) }
        }
        for o in outputNodes { request(o, at: stages) }

        let m = ModuleBuilder(name)
        m.doc = doc
        _ = m.clock(clock)
        var copy = [Int?](repeating: nil, count: nodes.count)     // the node's value in its own stage
        for p in inputs { copy[p.node] = m.input(p.name, p.width).node }
        var cuts = [[(name: String, width: Int)]](repeating: [], count: stages)
        func fresh(_ s: String) -> String {
            var name = s, k = 1
            while m.names.contains(name) || ModuleBuilder.nameProblem(name) != nil { name = "\(s)_\(k)"; k += 1 }
            return name
        }
        func sig(_ n: Int) -> Signal { Signal(node: n, width: m.nodes[n].width, builder: m) }
        /// `x`'s bits at `positions` (ascending), packed: contiguous runs as slices, concatenated.
        func pack(_ x: Int, _ positions: [Int]) -> Int {
            var runs: [(lo: Int, hi: Int)] = []
            for p in positions {
                if let last = runs.last, last.hi + 1 == p { runs[runs.count - 1].hi = p } else { runs.append((p, p)) }
            }
            let parts = runs.map { sig(x)[$0.hi, $0.lo] }
            return parts.count == 1 ? parts[0].node : m.cat(parts.reversed()).node
        }
        // Registers: for source `src` and cut t, the bits read at stage t or later, ascending.
        var registers: [Int: [Int: (node: Int, bits: [Int])]] = [:]
        /// `src`'s register at cut t, made with every missing one below it, lowest cut first. A loop,
        /// not a recursion on t - 1: the chain is as long as S, and S = 30,000 overflowed the stack.
        func register(_ src: Int, _ t: Int) -> (node: Int, bits: [Int]) {
            if let r = registers[src]?[t] { return r }
            var first = t                        // the lowest cut still missing
            while first - 1 > stage[src] && registers[src]?[first - 1] == nil { first -= 1 }
            for u in first...t {
                let held = need[src]!.filter { $0.value >= u }.map(\.key).sorted()
                let input: Int
                if u - 1 == stage[src] {
                    input = pack(copy[src]!, held)
                } else {
                    let prev = registers[src]![u - 1]!
                    input = pack(prev.node, held.map { prev.bits.firstIndex(of: $0)! })
                }
                let width = held.count
                let regName = fresh("\(base[src] ?? "n\(src)")_s\(u)")
                let whole = width == nodes[src].width
                let r = m.register(regName, width, comment: "cut \(u): \(whole ? "" : "\(width) of the \(nodes[src].width) bits of ")\(base[src] ?? "an expression") from stage \(u - 1)")
                m.next(r, sig(input))
                cuts[u - 1].append((regName, width))
                registers[src, default: [:]][u] = (r.node, held)
            }
            return registers[src]![t]!
        }
        /// Old node `o`'s value in stage `t`, later than its own: its bits from the cut-t registers.
        func crossing(_ o: Int, at t: Int) -> Int {
            var parts: [Int] = []                // one node per run, least significant first
            var run: (reg: Int, lo: Int, hi: Int)?
            var constantRun: [Bool] = []
            func flushRun() { if let r = run { parts.append(sig(r.reg)[r.hi, r.lo].node); run = nil } }
            func flushConstant() {
                guard !constantRun.isEmpty else { return }
                var words = [UInt64](repeating: 0, count: (constantRun.count + 63) / 64)
                for (i, b) in constantRun.enumerated() where b { words[i / 64] |= 1 << UInt64(i % 64) }
                parts.append(m.constant(BitVector(width: constantRun.count, words: words)).node)
                constantRun = []
            }
            for b in bits(o) {
                switch b {
                case .constant(let v):
                    flushRun()
                    constantRun.append(v)
                case .of(let src, let i):
                    flushConstant()
                    if stage[src] == t {
                        flushRun()
                        parts.append(sig(copy[src]!)[i, i].node)
                        continue
                    }
                    let r = register(src, t)
                    let p = r.bits.firstIndex(of: i)!
                    if let cur = run, cur.reg == r.node, cur.hi + 1 == p { run!.hi = p } else { flushRun(); run = (r.node, p, p) }
                }
            }
            flushRun()
            flushConstant()
            return parts.count == 1 ? parts[0] : m.cat(parts.reversed().map(sig)).node
        }
        for n in order where copy[n] == nil {
            let node = nodes[n]
            let s = stage[n]
            func arg(_ o: Int) -> Int { isConstant(o) || stage[o] == s ? copy[o]! : crossing(o, at: s) }
            switch node.op {
            case .constant(let bits): copy[n] = m.constant(bits).node
            case .input: break
            case .wire(let i):
                let w = wires[i]
                if w.isOutput {
                    copy[n] = arg(w.driver)             // the output is driven after the last cut, below
                } else {
                    let s = m.wire(w.name, sig(arg(w.driver)), comment: w.comment)
                    copy[n] = s.node
                }
            case .register, .instanceOutput: preconditionFailure("checked above: the module is flat and combinational")
            case .not(let a): copy[n] = m.add(.not(arg(a)), node.width)
            case .reduce(let r, let a): copy[n] = m.add(.reduce(r, arg(a)), node.width)
            case .binary(let b, let x, let y): copy[n] = m.add(.binary(b, arg(x), arg(y)), node.width)
            case .compare(let c, let x, let y): copy[n] = m.add(.compare(c, arg(x), arg(y)), node.width)
            case .shiftLeftVar(let x, let k): copy[n] = m.add(.shiftLeftVar(arg(x), arg(k)), node.width)
            case .shiftRightVar(let x, let k): copy[n] = m.add(.shiftRightVar(arg(x), arg(k)), node.width)
            case .concat(let parts): copy[n] = m.add(.concat(parts.map(arg)), node.width)
            case .slice(let x, let h, let l): copy[n] = m.add(.slice(arg(x), hi: h, lo: l), node.width)
            case .replicate(let x, let c): copy[n] = m.add(.replicate(arg(x), count: c), node.width)
            case .mux(let c, let t, let f): copy[n] = m.add(.mux(select: arg(c), ifTrue: arg(t), ifFalse: arg(f)), node.width)
            }
        }
        for o in outputs {
            guard let w = wires.first(where: { $0.node == o.node }) else { continue }
            let v = stage[o.node] == stages || isConstant(w.driver) ? copy[o.node]! : crossing(o.node, at: stages)
            m.output(o.name, sig(v), comment: w.comment)
        }
        var stageDelays = [Double](repeating: 0, count: stages + 1)
        for n in order where stage[n] >= 0 { stageDelays[stage[n]] = max(stageDelays[stage[n]], local[n]) }
        let plan = PipelinePlan(stageDelays: stageDelays, cuts: cuts, combinationalDelay: total)
        m.doc = doc + plan.headerLines
        return (try m.finish(), plan)
    }
}

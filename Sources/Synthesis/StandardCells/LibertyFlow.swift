import Foundation
import Toolchain
import Generation
import Units
import FloatArith

/// Maps a design to a liberty standard-cell library with yosys (`dfflibmap`, `abc -liberty`),
/// proves the mapped netlist equal to the flow's pre-mapping netlist (itself proven equal to the
/// RTL), and returns it with its area. Runs in the design's scratch directory after `SynthesisFlow`.
public struct LibertyFlow: Sendable {
    public var libertyPath: String
    public var library: LibertyLibrary

    public init(libertyPath: String) throws {
        self.libertyPath = libertyPath
        library = try LibertyLibrary(path: libertyPath)
        guard library.leakageToNanowatts != nil else {
            throw SynthesisFlow.Failure(description: "\(libertyPath): leakage_power_unit is '\(library.leakageUnit)'; give a liberty stating 1pW, 1nW, 1uW or 1mW")
        }
    }

    /// The one-line error `make synth` gives when a tool or the library is missing.
    public static func checkTools(liberty: String) throws {
        guard FileManager.default.fileExists(atPath: liberty) else {
            throw SynthesisFlow.Failure(description: "liberty file \(liberty) not found: run 'bash scripts/install-tools.sh' (or give LIBERTY=/path/to/osu018_stdcells.lib)")
        }
        do { _ = try Tools.find("sta") } catch {
            throw SynthesisFlow.Failure(description: "OpenSTA ('sta') is not on PATH: run 'bash scripts/install-tools.sh'")
        }
    }

    /// The yosys script: the same technology-independent synthesis as synth/flow.ys `map:`, then
    /// the library mapping. Written in full into the scratch directory.
    func script(prelude: String, blackBoxes: Bool) -> String {
        let lib = libertyPath
        var s = prelude + """
        synth -flatten -noabc
        dfflegalize -cell $_DFF_P_ x
        opt_clean
        dfflibmap -liberty \(lib)
        abc -liberty \(lib)
        opt_clean
        rename -enumerate
        design -save mapped
        opt_clean -purge
        write_verilog -noattr -noexpr liberty.v
        write_json liberty.json

        """
        if !blackBoxes {
            // The proof netlist: each cell replaced by its liberty function (flip-flops by plain
            // $_DFF_P_ so that they keep the register names pre.blif has).
            s += """
            design -load mapped
            techmap -map dffmap.v
            read_liberty -ignore_miss_func \(lib)
            flatten
            techmap
            opt_clean
            write_blif liberty.blif

            """
        }
        return s
    }

    /// The proof netlist's model of a flip-flop cell as a plain `$_DFF_P_`: a cell with inputs CLK and
    /// D whose next state is D (osu018's), or any cell whose next state and positive clock are single
    /// input pins, its other inputs (resets, which the flow ties inactive: every register is a plain
    /// `$_DFF_P_` after `dfflegalize`) left open and each output its function of the state.
    static func plainFlipFlopModel(_ cell: LibertyLibrary.Cell) -> String? {
        guard let ff = cell.flipFlop else { return nil }
        if cell.inputs.count == 2 && ff.next == .variable("D") {
            return "module \(cell.name) (input CLK, input D, output Q);\n  \\$_DFF_P_ _TECHMAP_REPLACE_ (.C(CLK), .D(D), .Q(Q));\nendmodule\n"
        }
        guard case .variable(let d) = ff.next, case .variable(let clk) = BoolExpr.parseOrNil(ff.clock) ?? .constant(false),
              cell.inputs.contains(d), cell.inputs.contains(clk) else { return nil }
        var outputs: [String] = []
        for (pin, f) in cell.outputs {
            switch f {
            case .variable(ff.state): outputs.append("  assign \(pin) = \(ff.state);\n")
            case .variable(ff.stateInverted), .not(.variable(ff.state)): outputs.append("  assign \(pin) = ~\(ff.state);\n")
            default: return nil
            }
        }
        let ports = cell.inputs.map { "input \($0)" } + cell.outputs.map { "output \($0.pin)" }
        return "module \(cell.name) (\(ports.joined(separator: ", ")));\n  wire \(ff.state);\n"
            + "  \\$_DFF_P_ _TECHMAP_REPLACE_ (.C(\(clk)), .D(\(d)), .Q(\(ff.state)));\n" + outputs.joined() + "endmodule\n"
    }

    public struct Mapped: Sendable {
        public var netlist: CellNetlist
        public var directory: String
        public var area: Double
        public var cells: Int
        /// Cell count and area per cell type (black boxes excluded).
        public var cellsByType: [String: Int]
        public var areaByType: [String: Double]
        public var flipFlops: Int
        public var proven: Bool
    }

    /// Maps `top` (already through `SynthesisFlow.synthesize` in `dir`) and proves it.
    public func map(sources: [String], top: String, dir: String, blackBoxes: [String] = [], proofTimeout: Int) throws -> Mapped {
        let fm = FileManager.default
        let absolute = { (p: String) in p.hasPrefix("/") ? p : (fm.currentDirectoryPath as NSString).appendingPathComponent(p) }
        var prelude = blackBoxes.map { "read_verilog -lib -noautowire \(absolute($0))\n" }.joined()
        prelude += "read_verilog -noautowire \(sources.map(absolute).joined(separator: " "))\nhierarchy -check -top \(top)\nproc; flatten; opt_clean\n"
        let dffMap = library.cells.keys.sorted().compactMap { Self.plainFlipFlopModel(library.cells[$0]!) }.joined()
        try dffMap.write(toFile: (dir as NSString).appendingPathComponent("dffmap.v"), atomically: true, encoding: .utf8)
        try script(prelude: prelude, blackBoxes: !blackBoxes.isEmpty)
            .write(toFile: (dir as NSString).appendingPathComponent("liberty.ys"), atomically: true, encoding: .utf8)
        let y = try Tools.run("yosys", ["-q", "liberty.ys"], in: dir, limit: ToolBudget.synthesis(sources: sources + blackBoxes))
        if let stopped = y.timeLimitMessage(on: "\(top) (liberty.ys)") { throw SynthesisFlow.Failure(description: stopped) }
        guard y.status == 0 else {
            let line = y.output.split(separator: "\n").first { $0.contains("ERROR") } ?? Substring(y.output.split(separator: "\n").last ?? "")
            throw SynthesisFlow.Failure(description: "\(top): yosys liberty mapping failed: \(line) (script \(dir)/liberty.ys)")
        }
        let json: Data
        do { json = try Data(contentsOf: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("liberty.json"))) } catch {
            throw SynthesisFlow.Failure(description: "\(top): yosys did not write liberty.json in \(dir)")
        }
        let boxes = Set(blackBoxes.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension })
        let netlist = try CellNetlist(json: json, module: top, library: library, blackBoxes: boxes)
        var byType: [String: Int] = [:]
        for i in netlist.instances { byType[i.type, default: 0] += 1 }
        var areaByType: [String: Double] = [:]
        for (t, n) in byType { areaByType[t] = Double(n) * (library.cells[t]?.area ?? 0) }
        let area = areaByType.values.reduce(0, +)
        var proven = false
        if blackBoxes.isEmpty {
            let sequential = netlist.instances.contains { library.cells[$0.type]?.isSequential == true }
            switch try SynthesisFlow.cec(dir: dir, gold: "pre.blif", gate: "liberty.blif", timeout: proofTimeout, miter: !sequential) {
            case .equivalent: proven = true
            case .different(let detail):
                throw SynthesisFlow.Failure(description: "\(top): the liberty netlist is NOT equivalent to pre.blif (\(detail)); files in \(dir)")
            case .timeout:
                throw SynthesisFlow.Failure(description: "\(top): yosys-abc cec did not prove the liberty netlist equal to pre.blif within \(proofTimeout) s (files in \(dir))")
            }
        }
        return Mapped(netlist: netlist, directory: dir, area: area, cells: netlist.instances.count, cellsByType: byType,
                      areaByType: areaByType, flipFlops: netlist.instances.filter { library.cells[$0.type]?.isSequential == true }.count,
                      proven: proven)
    }
}

/// A netlist of liberty cells read from yosys `write_json`, simulated cycle by cycle with 64
/// independent lanes per word (lane i is its own operand stream): per-instance output toggles for
/// the power analysis, and port values for checks against the golden model.
public struct CellNetlist: Sendable {
    public struct Instance: Sendable {
        public var name: String
        public var type: String
        /// Net of each input pin of the cell (library order), and of each output pin.
        public var inputs: [Int]
        public var outputs: [Int]
    }
    public var module: String
    public var inputs: [String: [Int]]
    public var outputs: [String: [Int]]
    public var instances: [Instance]
    public var netCount: Int
    /// Combinational instances in evaluation order, and flip-flops.
    var order: [Int]
    var flops: [Int]
    let library: LibertyLibrary

    public init(json data: Data, module: String, library: LibertyLibrary, blackBoxes: Set<String> = []) throws {
        func fail(_ why: String) -> SynthesisFlow.Failure { .init(description: "\(module): liberty netlist: \(why)") }
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let modules = root["modules"] as? [String: Any], let m = modules[module] as? [String: Any] else { throw fail("no module in liberty.json") }
        self.module = module
        self.library = library
        var index: [Int: Int] = [:]
        var next = 2
        func net(_ bit: Any) throws -> Int {
            if let s = bit as? String { if s == "0" { return 0 }; if s == "1" { return 1 }; return 0 }   // x: read as 0
            guard let n = (bit as? NSNumber)?.intValue else { throw fail("bad bit") }
            if let i = index[n] { return i }
            index[n] = next; next += 1
            return next - 1
        }
        var ins: [String: [Int]] = [:], outs: [String: [Int]] = [:]
        for (name, p) in (m["ports"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let port = p as? [String: Any], let dir = port["direction"] as? String, let bits = port["bits"] as? [Any] else { throw fail("bad port \(name)") }
            if dir == "input" { ins[name] = try bits.map(net) } else { outs[name] = try bits.map(net) }
        }
        var instances: [Instance] = []
        for (name, c) in (m["cells"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let cell = c as? [String: Any], let type = cell["type"] as? String, let conn = cell["connections"] as? [String: [Any]] else { throw fail("bad cell \(name)") }
            if blackBoxes.contains(type) { continue }
            guard let lc = library.cells[type] else { throw fail("cell \(name) has type \(type), which \(library.name) does not define") }
            let pin = { (p: String) throws -> Int in
                guard let b = conn[p], b.count == 1 else { throw fail("cell \(name) (\(type)) lacks pin \(p)") }
                return try net(b[0])
            }
            instances.append(Instance(name: name, type: type, inputs: try lc.inputs.map(pin), outputs: try lc.outputs.map { try pin($0.pin) }))
        }
        self.inputs = ins
        self.outputs = outs
        self.instances = instances
        netCount = next
        flops = instances.indices.filter { library.cells[instances[$0].type]!.isSequential }
        // Topological order of the combinational instances (flip-flop outputs and inputs are sources).
        var driver = [Int](repeating: -1, count: next)
        for (i, inst) in instances.enumerated() where !library.cells[inst.type]!.isSequential { for o in inst.outputs { driver[o] = i } }
        var state = [UInt8](repeating: 0, count: instances.count)
        var order: [Int] = []
        for r in instances.indices where state[r] == 0 && !library.cells[instances[r].type]!.isSequential {
            var stack: [(Int, Int)] = [(r, 0)]
            state[r] = 1
            while let (cell, pin) = stack.last {
                if pin < instances[cell].inputs.count {
                    stack[stack.count - 1].1 += 1
                    let d = driver[instances[cell].inputs[pin]]
                    if d < 0 { continue }
                    if state[d] == 1 { throw fail("combinational loop") }
                    if state[d] == 0 { state[d] = 1; stack.append((d, 0)) }
                } else {
                    state[cell] = 2; order.append(cell); stack.removeLast()
                }
            }
        }
        self.order = order
    }

    /// Toggles of each instance's outputs (summed over its output pins) and the count of
    /// transitions they were counted over (lanes x (cycles - 1)).
    public struct Activity: Sendable {
        public var toggles: [Int]
        public var transitions: Int
        public func perCycle(_ i: Int) -> Double { Double(toggles[i]) / Double(max(transitions, 1)) }
        public var total: Double { Double(toggles.reduce(0, +)) / Double(max(transitions, 1)) }
    }

    /// Runs `cycles` clock cycles on 64 lanes. Before each cycle's evaluation, `drive` sets the
    /// input port nets (words, bit i = lane i) and may read the current register outputs;
    /// `observe` sees the settled nets. Flip-flops start at 0 and take their next state at the end
    /// of each cycle.
    public func simulate(cycles: Int, drive: (_ cycle: Int, _ nets: inout [UInt64]) -> Void,
                         observe: (_ cycle: Int, _ nets: [UInt64]) throws -> Void = { _, _ in }) rethrows -> Activity {
        var nets = [UInt64](repeating: 0, count: netCount)
        var previous = [UInt64](repeating: 0, count: netCount)
        var state = [UInt64](repeating: 0, count: instances.count)
        var toggles = [Int](repeating: 0, count: instances.count)
        // Each cell type's functions compiled once, over pin positions.
        var compiled: [String: (outputs: [Compiled], next: Compiled?)] = [:]
        for t in Set(instances.map(\.type)) {
            let c = library.cells[t]!
            compiled[t] = (c.outputs.map { Compiled($0.function, cell: c) }, c.flipFlop.map { Compiled($0.next, cell: c) })
        }
        let functions = instances.map { compiled[$0.type]! }
        for cycle in 0..<cycles {
            nets[0] = 0; nets[1] = ~0
            for f in flops {
                for (k, o) in functions[f].outputs.enumerated() { nets[instances[f].outputs[k]] = o.evaluate(instances[f].inputs, nets, state[f]) }
            }
            drive(cycle, &nets)
            for i in order {
                let inst = instances[i]
                for (k, o) in functions[i].outputs.enumerated() { nets[inst.outputs[k]] = o.evaluate(inst.inputs, nets, 0) }
            }
            try observe(cycle, nets)
            if cycle > 0 {
                for (i, inst) in instances.enumerated() {
                    for o in inst.outputs { toggles[i] += (nets[o] ^ previous[o]).nonzeroBitCount }
                }
            }
            for inst in instances { for o in inst.outputs { previous[o] = nets[o] } }
            for f in flops { state[f] = functions[f].next!.evaluate(instances[f].inputs, nets, state[f]) }
        }
        return Activity(toggles: toggles, transitions: 64 * max(cycles - 1, 0))
    }

    /// A cell function over the positions of the cell's input pins (and its flip-flop state).
    indirect enum Compiled {
        case input(Int), state, stateInverted, constant(UInt64)
        case not(Compiled), and(Compiled, Compiled), or(Compiled, Compiled), xor(Compiled, Compiled)

        init(_ e: BoolExpr, cell: LibertyLibrary.Cell) {
            switch e {
            case .variable(let v):
                if let i = cell.inputs.firstIndex(of: v) { self = .input(i) }
                else if v == cell.flipFlop?.state { self = .state }
                else if v == cell.flipFlop?.stateInverted { self = .stateInverted }
                else { self = .constant(0) }
            case .constant(let c): self = .constant(c ? ~0 : 0)
            case .not(let a): self = .not(Compiled(a, cell: cell))
            case .and(let a, let b): self = .and(Compiled(a, cell: cell), Compiled(b, cell: cell))
            case .or(let a, let b): self = .or(Compiled(a, cell: cell), Compiled(b, cell: cell))
            case .xor(let a, let b): self = .xor(Compiled(a, cell: cell), Compiled(b, cell: cell))
            }
        }

        func evaluate(_ pins: [Int], _ nets: [UInt64], _ state: UInt64) -> UInt64 {
            switch self {
            case .input(let i): return nets[pins[i]]
            case .state: return state
            case .stateInverted: return ~state
            case .constant(let c): return c
            case .not(let a): return ~a.evaluate(pins, nets, state)
            case .and(let a, let b): return a.evaluate(pins, nets, state) & b.evaluate(pins, nets, state)
            case .or(let a, let b): return a.evaluate(pins, nets, state) | b.evaluate(pins, nets, state)
            case .xor(let a, let b): return a.evaluate(pins, nets, state) ^ b.evaluate(pins, nets, state)
            }
        }
    }

    /// The word of port bits of one lane: reads `nets` for port `name`.
    public func value(_ name: String, lane: Int, _ nets: [UInt64]) -> UInt64 {
        var v: UInt64 = 0
        for (bit, n) in (outputs[name] ?? inputs[name] ?? []).enumerated() where (nets[n] >> UInt64(lane)) & 1 == 1 { v |= 1 << UInt64(bit) }
        return v
    }

    /// Sets input port `name` of every lane: `values[lane]`.
    public func set(_ name: String, _ values: [UInt64], _ nets: inout [UInt64]) {
        guard let bits = inputs[name] else { return }
        for (bit, n) in bits.enumerated() {
            var w: UInt64 = 0
            for lane in 0..<min(64, values.count) where (values[lane] >> UInt64(bit)) & 1 == 1 { w |= 1 << UInt64(lane) }
            nets[n] = w
        }
    }
}

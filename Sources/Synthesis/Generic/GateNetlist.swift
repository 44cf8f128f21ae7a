import Foundation
import Toolchain
import Generation
import Units
import FloatArith

/// A flat, combinational gate-level netlist read from yosys `write_json`, evaluated 64 operations
/// at a time (one operation per bit of a word). Used for the switching-activity energy proxy and
/// as a functional cross-check of the mapped netlist against the golden model.
public struct GateNetlist: Sendable {
    public enum CellType: String, Sendable, CaseIterable {
        case not = "$_NOT_", buf = "$_BUF_", and = "$_AND_", nand = "$_NAND_", or = "$_OR_", nor = "$_NOR_"
        case xor = "$_XOR_", xnor = "$_XNOR_", andnot = "$_ANDNOT_", ornot = "$_ORNOT_", mux = "$_MUX_"

        /// Transistors of a static CMOS implementation, as yosys `stat -tech cmos` counts them for
        /// the cells `abc -g cmos2` produces (NOT 2, NAND2 4, NOR2 4); nil for cells it has no
        /// figure for here.
        public var cmosTransistors: Int? {
            switch self {
            case .not: return 2
            case .nand, .nor: return 4
            default: return nil
            }
        }
    }

    public struct Cell: Sendable {
        public let type: CellType
        public let inputs: [Int]   // net indices: A, B, S as the type needs
        public let output: Int
    }

    public let module: String
    /// Net indices of each input port bit (LSB first) and output port bit.
    public let inputs: [String: [Int]]
    public let outputs: [String: [Int]]
    /// Cells in topological order.
    public let cells: [Cell]
    public let netCount: Int

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses the only (or the named) module of a yosys JSON netlist.
    public init(json data: Data, module wanted: String? = nil) throws {
        func fail(_ why: String) -> ParseError { ParseError(description: "gate netlist: \(why)") }
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let modules = root["modules"] as? [String: Any] else { throw fail("not a yosys JSON netlist") }
        let name: String
        if let wanted { name = wanted } else {
            guard modules.count == 1, let only = modules.keys.first else { throw fail("expected one module, found \(modules.count)") }
            name = only
        }
        guard let m = modules[name] as? [String: Any] else { throw fail("no module \(name)") }
        module = name
        // Net 0 and 1 are the constants; yosys bit numbers are remapped densely after them.
        var index: [Int: Int] = [:]
        var next = 2
        func net(_ bit: Any) throws -> Int {
            if let s = bit as? String {
                switch s {
                case "0": return 0
                case "1": return 1
                default: throw fail("undefined constant bit '\(s)'")
                }
            }
            guard let n = (bit as? NSNumber)?.intValue else { throw fail("bad bit \(bit)") }
            if let i = index[n] { return i }
            index[n] = next
            next += 1
            return next - 1
        }
        var ins: [String: [Int]] = [:], outs: [String: [Int]] = [:]
        for (portName, p) in (m["ports"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let port = p as? [String: Any], let dir = port["direction"] as? String, let bits = port["bits"] as? [Any] else {
                throw fail("bad port \(portName)")
            }
            let nets = try bits.map(net)
            if dir == "input" { ins[portName] = nets } else if dir == "output" { outs[portName] = nets } else {
                throw fail("port \(portName) is \(dir); only input and output are supported")
            }
        }
        var unordered: [Cell] = []
        for (cellName, c) in (m["cells"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let cell = c as? [String: Any], let typeName = cell["type"] as? String,
                  let conn = cell["connections"] as? [String: [Any]] else { throw fail("bad cell \(cellName)") }
            guard let type = CellType(rawValue: typeName) else {
                throw fail("cell type \(typeName) is not a combinational gate this evaluator knows (sequential netlists are counted, not simulated)")
            }
            let pins: [String]
            switch type {
            case .not, .buf: pins = ["A"]
            case .mux: pins = ["A", "B", "S"]
            default: pins = ["A", "B"]
            }
            let inputs = try pins.map { pin -> Int in
                guard let b = conn[pin], b.count == 1 else { throw fail("cell \(cellName) lacks pin \(pin)") }
                return try net(b[0])
            }
            guard let y = conn["Y"], y.count == 1 else { throw fail("cell \(cellName) lacks pin Y") }
            unordered.append(Cell(type: type, inputs: inputs, output: try net(y[0])))
        }
        netCount = next
        inputs = ins
        outputs = outs
        cells = try GateNetlist.topologicalOrder(unordered, netCount: next, primary: Set(ins.values.joined()).union([0, 1]), fail: fail)
    }

    private static func topologicalOrder(_ cells: [Cell], netCount: Int, primary: Set<Int>, fail: (String) -> ParseError) throws -> [Cell] {
        var driver = [Int](repeating: -1, count: netCount)
        for (i, c) in cells.enumerated() {
            guard driver[c.output] == -1, !primary.contains(c.output) else { throw fail("net driven twice") }
            driver[c.output] = i
        }
        var state = [UInt8](repeating: 0, count: cells.count) // 0 new, 1 on stack, 2 done
        var order: [Cell] = []
        order.reserveCapacity(cells.count)
        for root in cells.indices where state[root] == 0 {
            var stack: [(cell: Int, pin: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                let c = cells[top.cell]
                if top.pin < c.inputs.count {
                    stack[stack.count - 1].pin += 1
                    let d = driver[c.inputs[top.pin]]
                    if d < 0 {
                        guard primary.contains(c.inputs[top.pin]) else { throw fail("undriven net feeds a cell") }
                        continue
                    }
                    if state[d] == 1 { throw fail("combinational loop") }
                    if state[d] == 0 { state[d] = 1; stack.append((d, 0)) }
                } else {
                    state[top.cell] = 2
                    order.append(c)
                    stack.removeLast()
                }
            }
        }
        return order
    }

    /// Transistors of the netlist under `cmosTransistors`, or nil when a cell has no figure.
    public var cmosTransistors: Int? {
        var total = 0
        for c in cells {
            guard let t = c.type.cmosTransistors else { return nil }
            total += t
        }
        return total
    }

    /// Evaluates 64 operations: `assign` sets the input nets' words (bit i = operation i).
    @inline(__always)
    func evaluate(_ nets: inout [UInt64]) {
        nets[0] = 0
        nets[1] = ~0
        for c in cells {
            let a = nets[c.inputs[0]]
            let v: UInt64
            switch c.type {
            case .not: v = ~a
            case .buf: v = a
            case .and: v = a & nets[c.inputs[1]]
            case .nand: v = ~(a & nets[c.inputs[1]])
            case .or: v = a | nets[c.inputs[1]]
            case .nor: v = ~(a | nets[c.inputs[1]])
            case .xor: v = a ^ nets[c.inputs[1]]
            case .xnor: v = ~(a ^ nets[c.inputs[1]])
            case .andnot: v = a & ~nets[c.inputs[1]]
            case .ornot: v = a | ~nets[c.inputs[1]]
            case .mux:
                let s = nets[c.inputs[2]]
                v = (a & ~s) | (nets[c.inputs[1]] & s)
            }
            nets[c.output] = v
        }
    }

    public struct Activity: Sendable, Equatable {
        public var operations: Int
        /// Output transitions of all cells between consecutive operations (zero-delay model).
        public var toggles: Int
        /// The same, each weighted by its cell's transistor count.
        public var weightedToggles: Int
        public var togglesPerOperation: Double { Double(toggles) / Double(max(operations - 1, 1)) }
        public var weightedTogglesPerOperation: Double { Double(weightedToggles) / Double(max(operations - 1, 1)) }
    }

    /// Applies the operand sequence `a[i], b[i]` in order (ports `a`, `b`, output `y`), counts
    /// cell output toggles between consecutive operations, and returns the outputs.
    public func simulate(a: [UInt32], b: [UInt32]) throws -> (outputs: [UInt32], activity: Activity) {
        guard let pa = inputs["a"], let pb = inputs["b"], let py = outputs["y"], inputs.count == 2, outputs.count == 1 else {
            throw ParseError(description: "gate netlist \(module): expected ports a, b, y")
        }
        precondition(a.count == b.count)
        let weights = cells.map { $0.type.cmosTransistors ?? 0 }
        var nets = [UInt64](repeating: 0, count: netCount)
        var previous = [UInt64](repeating: 0, count: cells.count) // last word of each cell output
        var outputs = [UInt32](repeating: 0, count: a.count)
        var toggles = 0, weighted = 0
        var start = 0
        while start < a.count {
            let lanes = min(64, a.count - start)
            for (bit, n) in pa.enumerated() { nets[n] = word(a, start, lanes, bit) }
            for (bit, n) in pb.enumerated() { nets[n] = word(b, start, lanes, bit) }
            evaluate(&nets)
            let live: UInt64 = lanes == 64 ? ~0 : (1 << UInt64(lanes)) - 1
            // Bit i compares operation start+i with the one before it; the very first has none.
            let counted = start == 0 ? live & ~1 : live
            for (i, c) in cells.enumerated() {
                let w = nets[c.output]
                let shifted = (w << 1) | (previous[i] >> 63)
                let t = ((w ^ shifted) & counted).nonzeroBitCount
                toggles += t
                weighted += t * weights[i]
                previous[i] = lanes == 64 ? w : (w << UInt64(64 - lanes))
            }
            for lane in 0..<lanes {
                var y: UInt32 = 0
                for (bit, n) in py.enumerated() where (nets[n] >> UInt64(lane)) & 1 == 1 { y |= 1 << UInt32(bit) }
                outputs[start + lane] = y
            }
            start += lanes
        }
        return (outputs, Activity(operations: a.count, toggles: toggles, weightedToggles: weighted))
    }

    @inline(__always)
    private func word(_ xs: [UInt32], _ start: Int, _ lanes: Int, _ bit: Int) -> UInt64 {
        var w: UInt64 = 0
        for lane in 0..<lanes where (xs[start + lane] >> UInt32(bit)) & 1 == 1 { w |= 1 << UInt64(lane) }
        return w
    }
}

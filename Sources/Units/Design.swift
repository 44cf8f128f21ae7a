import FloatArith
import HDL

/// The ports of a design, declared once: what elaboration must produce (checked when it does),
/// what the cycle testbench packs into its stimulus and expected words, and what the reports name.
public struct Signature: Hashable, Sendable, CustomStringConvertible {
    /// What a port carries, for testbenches and reports.
    public enum Role: String, Hashable, Sendable {
        case clock, reset, operand, scale, result, valid, clear, last, flag
    }

    public struct Port: Hashable, Sendable {
        public enum Direction: String, Hashable, Sendable { case input, output }
        public let name: String
        public let width: Int
        public let role: Role
        public let direction: Direction

        public static func input(_ name: String, _ width: Int, _ role: Role) -> Port {
            Port(name: name, width: width, role: role, direction: .input)
        }
        public static func output(_ name: String, _ width: Int, _ role: Role) -> Port {
            Port(name: name, width: width, role: role, direction: .output)
        }
        public static let clock = Port(name: "clk", width: 1, role: .clock, direction: .input)
    }

    /// In the module's declaration order.
    public let ports: [Port]

    public init(_ ports: [Port]) {
        precondition(Set(ports.map(\.name)).count == ports.count, "port names of a signature are distinct")
        precondition(ports.allSatisfy { $0.width >= 1 }, "ports are at least one bit wide")
        self.ports = ports
        driven = ports.filter { $0.direction == .input && $0.role != .clock }
        outputs = ports.filter { $0.direction == .output }
        stimulusWidth = driven.reduce(0) { $0 + $1.width }
        resultWidth = outputs.reduce(0) { $0 + $1.width }
        var offsets: [String: Int] = [:]
        var lo = stimulusWidth
        for p in driven { lo -= p.width; offsets[p.name] = lo }
        lo = resultWidth
        for p in outputs { lo -= p.width; offsets[p.name] = lo }
        self.offsets = offsets
    }

    /// The inputs a testbench drives each cycle: every input but the clock, in order.
    public let driven: [Port]
    public let outputs: [Port]
    /// Bits of the packed stimulus word (the driven inputs concatenated, the first one on top, as
    /// Verilog's `{p0, p1, ...}`) and of the packed result word (the outputs likewise).
    public let stimulusWidth: Int
    public let resultWidth: Int
    /// Each driven input's and output's least significant bit in its packed word.
    private let offsets: [String: Int]

    public var isClocked: Bool { ports.contains { $0.role == .clock } }
    public func port(_ name: String) -> Port? { ports.first { $0.name == name } }
    /// The port's least significant bit in the packed stimulus (inputs) or result (outputs) word.
    public func offset(of name: String) -> Int {
        guard let o = offsets[name] else { preconditionFailure("no driven input or output '\(name)' in \(self)") }
        return o
    }

    public var description: String {
        ports.map { "\($0.direction == .input ? "in" : "out") \($0.name)[\($0.width)] \($0.role.rawValue)" }.joined(separator: ", ")
    }

    /// Why an elaborated module's ports are not this signature (nil: they are).
    public func mismatch(_ m: Module) -> String? {
        let declared = ports.map { "\($0.direction == .input ? "in" : "out") \($0.name)[\($0.width)]" }
        var actual = m.inputs.map { "in \($0.name)[\($0.width)]" } + m.outputs.map { "out \($0.name)[\($0.width)]" }
        // the elaborated module lists inputs before outputs; compare as sets of the same size
        actual.sort()
        let sorted = declared.sorted()
        return sorted == actual ? nil : "\(m.name) has ports \(actual.joined(separator: ", ")), its signature declares \(sorted.joined(separator: ", "))"
    }
}

/// Anything the generator emits and the harness checks: a unit (any stage count), a PE, an
/// array, (next) an MX block dot. A design is a value: its identity, its ports, its latency, its
/// modules and its golden behaviour cycle by cycle.
public protocol Design: Sendable {
    /// The top module's name; file names follow from it.
    var moduleName: String { get }
    var signature: Signature { get }
    /// Cycles from the inputs of one operation to its outputs (0: combinational).
    var latency: Int { get }
    /// The generator command that writes the design (no output path).
    var command: String { get }
    /// Every module of the design, dependencies first, the top module last.
    func modules() throws -> [Module]
}

extension Design {
    public var fileName: String { "\(moduleName).v" }
}

/// A stimulus stream and the outputs a design must show, cycle by cycle, packed per the design's
/// signature: the one protocol of every testbench (`testbench/tb_cycle.*`). In cycle `c` the
/// inputs are applied, the outputs compared (before the rising edge) wherever the expected mask
/// has a one, then the clock rises. A combinational design is the latency-0 case.
public struct CycleTrace: Sendable {
    public let signature: Signature
    public private(set) var cycles = 0
    private let stimulusLimbs: Int
    private let resultLimbs: Int
    private var stimulus: [UInt64] = []
    private var value: [UInt64] = []
    private var mask: [UInt64] = []

    public init(_ signature: Signature, reserve: Int = 0) {
        self.signature = signature
        stimulusLimbs = max(1, (signature.stimulusWidth + 63) / 64)
        resultLimbs = max(1, (signature.resultWidth + 63) / 64)
        stimulus.reserveCapacity(reserve * stimulusLimbs)
        value.reserveCapacity(reserve * resultLimbs)
        mask.reserveCapacity(reserve * resultLimbs)
    }

    /// Appends a cycle with every input 0 and nothing expected; returns its index.
    @discardableResult
    public mutating func addCycle() -> Int {
        stimulus.append(contentsOf: repeatElement(0, count: stimulusLimbs))
        value.append(contentsOf: repeatElement(0, count: resultLimbs))
        mask.append(contentsOf: repeatElement(0, count: resultLimbs))
        cycles += 1
        return cycles - 1
    }

    /// Drives `bits` (at most 64) into input `port` at bit `at` of the port, in cycle `c`.
    public mutating func drive(_ port: String, _ bits: UInt64, cycle c: Int, at lo: Int = 0, width: Int? = nil) {
        let w = width ?? signature.port(port)!.width
        Self.put(&stimulus, base: c * stimulusLimbs, bits, at: signature.offset(of: port) + lo, width: min(w, 64))
    }

    /// Expects `bits` (at most 64) on output `port` at bit `at` of the port, in cycle `c`.
    public mutating func expect(_ port: String, _ bits: UInt64, cycle c: Int, at lo: Int = 0, width: Int? = nil) {
        let w = min(width ?? signature.port(port)!.width, 64)
        let o = signature.offset(of: port) + lo
        Self.put(&value, base: c * resultLimbs, bits, at: o, width: w)
        Self.put(&mask, base: c * resultLimbs, ~0, at: o, width: w)
    }

    /// The value driven into `port` in cycle `c` (ports up to 64 bits, or the 64 bits from `at`).
    public func driven(_ port: String, cycle c: Int, at lo: Int = 0, width: Int? = nil) -> UInt64 {
        let w = min(width ?? signature.port(port)!.width, 64)
        return Self.get(stimulus, base: c * stimulusLimbs, at: signature.offset(of: port) + lo, width: w)
    }

    /// Whether cycle `c` checks any output bit.
    public func checks(cycle c: Int) -> Bool { mask[(c * resultLimbs)..<((c + 1) * resultLimbs)].contains { $0 != 0 } }

    /// The number of cycles that check at least one output bit.
    public var checkedCycles: Int { (0..<cycles).reduce(0) { $0 + (checks(cycle: $1) ? 1 : 0) } }

    /// `$readmemh` text: one stimulus word per cycle.
    public func stimulusHex(comment: String) -> String {
        Self.hexLines(comment: comment, cycles: cycles, width: signature.stimulusWidth) { c, out in
            Self.appendHex(&out, stimulus, base: c * stimulusLimbs, width: signature.stimulusWidth)
        }
    }

    /// `$readmemh` text: one word per cycle, `{mask, value}` of the packed outputs.
    public func expectedHex(comment: String) -> String {
        let w = signature.resultWidth
        return Self.hexLines(comment: comment, cycles: cycles, width: 2 * w) { c, out in
            // the mask on top: its width is a whole number of digits only when w is; pack both into one word
            var both = [UInt64](repeating: 0, count: (2 * w + 63) / 64)
            for k in 0..<resultLimbs {
                let lo = k * 64, n = min(64, w - lo)
                guard n > 0 else { break }
                Self.put(&both, base: 0, value[c * resultLimbs + k], at: lo, width: n)
                Self.put(&both, base: 0, mask[c * resultLimbs + k], at: w + lo, width: n)
            }
            Self.appendHex(&out, both, base: 0, width: 2 * w)
        }
    }

    private static func hexLines(comment: String, cycles: Int, width: Int, _ line: (Int, inout String) -> Void) -> String {
        var out = "// " + comment + "\n"
        out.reserveCapacity(out.utf8.count + cycles * ((width + 3) / 4 + 1))
        for c in 0..<cycles {
            line(c, &out)
            out += "\n"
        }
        return out
    }

    /// Sets bits `lo ..< lo + w` (w <= 64) of the little-endian limbs from `base`.
    public static func put(_ limbs: inout [UInt64], base: Int, _ bits: UInt64, at lo: Int, width w: Int) {
        guard w > 0 else { return }
        let field: UInt64 = w >= 64 ? ~0 : (1 << UInt64(w)) - 1
        let v = bits & field
        let word = base + lo / 64, bit = UInt64(lo % 64)
        limbs[word] = (limbs[word] & ~(field << bit)) | (v << bit)
        if bit != 0 && Int(bit) + w > 64 {
            let high = field >> (64 - bit)
            limbs[word + 1] = (limbs[word + 1] & ~high) | (v >> (64 - bit))
        }
    }

    /// Bits `lo ..< lo + w` (w <= 64) of the little-endian limbs from `base`.
    public static func get(_ limbs: [UInt64], base: Int, at lo: Int, width w: Int) -> UInt64 {
        let word = base + lo / 64, bit = lo % 64
        var v = limbs[word] >> UInt64(bit)
        if bit != 0 && bit + w > 64 { v |= limbs[word + 1] << UInt64(64 - bit) }
        return w >= 64 ? v : v & ((1 << UInt64(w)) - 1)
    }

    static let digits = Array("0123456789abcdef".utf8)

    /// Appends `width` bits of the limbs from `base` as hex digits, most significant first.
    public static func appendHex(_ out: inout String, _ limbs: [UInt64], base: Int, width: Int) {
        let n = max(1, (width + 3) / 4)
        var bytes = [UInt8](repeating: 0, count: n)
        for d in 0..<n {
            let b = d * 4
            bytes[n - 1 - d] = digits[Int((limbs[base + b / 64] >> UInt64(b % 64)) & 0xF)]
        }
        out += String(decoding: bytes, as: UTF8.self)
    }
}

extension Design {
    /// The cycle testbenches' view of the design: module `tb_wrap (clk, stim, out)` with the
    /// driven inputs packed into `stim` and the outputs into `out` per the signature (the clock,
    /// if any, on `clk`). Every testbench (RTL on both simulators, the exhaustive stream, timed
    /// gate-level runs) instantiates this one wrapper.
    public var cycleWrapper: String {
        let s = signature
        var lines = [
            "// generated by rtlgen: the cycle testbench's view of \(moduleName) (stim and out packed per its signature)",
            "// signature: \(s)",
            "module tb_wrap (",
            "    input  wire clk,",
            "    input  wire [\(s.stimulusWidth - 1):0] stim,",
            "    output wire [\(s.resultWidth - 1):0] out",
            ");",
        ]
        var connections: [String] = []
        for p in s.ports {
            switch (p.direction, p.role) {
            case (.input, .clock): connections.append(".\(p.name)(clk)")
            case (.input, _):
                let lo = s.offset(of: p.name)
                connections.append(".\(p.name)(stim[\(lo + p.width - 1):\(lo)])")
            case (.output, _):
                let lo = s.offset(of: p.name)
                connections.append(".\(p.name)(out[\(lo + p.width - 1):\(lo)])")
            }
        }
        if !s.isClocked { lines.append("    wire unused_clk = clk;") }
        lines.append("    \(moduleName) dut (")
        lines += connections.enumerated().map { "        \($1)\($0 == connections.count - 1 ? "" : ",")" }
        lines += ["    );", "endmodule", ""]
        return lines.joined(separator: "\n")
    }
}

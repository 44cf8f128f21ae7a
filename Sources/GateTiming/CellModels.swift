import Foundation

/// How a timed simulation of a mapped netlist delays each cell's outputs. Every model but the
/// first simulates the cells' Verilog models (`osu018_stdcells.v`) in Icarus Verilog; they differ
/// in where the delays come from and in what happens to a pulse shorter than a cell's delay.
public enum DelayModel: String, CaseIterable, Sendable, Codable {
    /// No delays: every net takes its settled value once per cycle (the activity the zero-delay
    /// energy figures use).
    case zeroDelay = "zero_delay"
    /// The cell models' own `specify` path delays (`iverilog -gspecify`): per input pin and output
    /// edge, fixed (independent of the load). Icarus swallows a pulse shorter than the path delay.
    case specify
    /// OpenSTA's `write_sdf` of the netlist (cell delays at the actual loads and slews), annotated
    /// with `$sdf_annotate` (`-gspecify -Tmax`: OpenSTA writes `(min::max)` triples with no typical
    /// value). Icarus ignores the SDF's INTERCONNECT entries; without parasitics OpenSTA writes them
    /// as 0 anyway.
    case sdf
    /// Each output driven through `assign #(rise, fall)` with the cell's worst path delays (no
    /// specify blocks): Verilog's inertial delay, which rejects every pulse shorter than it.
    case inertial
    /// Each output delayed by the larger of the cell's worst rise and fall delays as a transport
    /// delay (`out <= #d in`): every pulse passes, however short. An upper bound on glitching: real
    /// gates swallow pulses much shorter than their delay.
    case transport

    /// What a report says of this model.
    public var summary: String {
        switch self {
        case .zeroDelay: "zero delay: each net changes at most once per cycle"
        case .specify: "cell models' specify path delays (per pin, no load), Icarus' pulse rejection"
        case .sdf: "OpenSTA write_sdf cell delays at the actual loads, annotated in Icarus (IOPATH only)"
        case .inertial: "each cell's worst path delay as an inertial delay (pulses shorter than it swallowed)"
        case .transport: "each cell's worst path delay as a transport delay (every pulse passed)"
        }
    }
}

/// The cells of a library's Verilog models: their output pins, and the text the simulator
/// compiles for a delay model.
public struct CellModels: Sendable {
    public struct Failure: Error, CustomStringConvertible { public let description: String }

    /// The models as shipped (specify blocks included).
    public let text: String
    /// Output pins of each cell, in declaration order.
    public let outputs: [String: [String]]
    /// Per cell and output pin: the worst rise and fall delay over its paths (ns, typical).
    public let worstDelays: [String: [String: (rise: Double, fall: Double)]]

    private let modules: [(name: String, header: String, body: String)]
    private let primitives: String

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "cannot read the cell models \(path); run scripts/install-tools.sh, which unpacks osu018_stdcells.v beside the liberty file")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), origin: path)
    }

    public init(text: String, origin: String = "cell models") throws {
        self.text = text
        var modules: [(String, String, String)] = []
        var outputs: [String: [String]] = [:]
        var worst: [String: [String: (rise: Double, fall: Double)]] = [:]
        var rest = Substring(text)
        let moduleStart = try Regex(#"(?m)^module\s+(\w+)\s*\(([^)]*)\)\s*;"#)
        let outputDecl = try Regex(#"output\s+(\w+)\s*;"#)
        let specparam = try Regex(#"(\w+\$\w+\$\w+)\s*=\s*(-?[\d.]+):(-?[\d.]+):(-?[\d.]+)"#)
        let path = try Regex(#"\(\s*(?:posedge\s+|negedge\s+)?(\w+)\s*\*?=?>\s*(\w+)\s*\)\s*=\s*\(([^)]*)\)"#)
        while let m = rest.firstMatch(of: moduleStart) {
            let name = String(m.output[1].substring ?? "")
            guard let end = rest[m.range.upperBound...].range(of: "endmodule") else {
                throw Failure(description: "\(origin): module \(name) has no endmodule")
            }
            let header = String(rest[m.range])
            let body = String(rest[m.range.upperBound..<end.lowerBound])
            let outs = body.matches(of: outputDecl).map { String($0.output[1].substring ?? "") }
            var params: [String: Double] = [:]
            for p in body.matches(of: specparam) {
                params[String(p.output[1].substring ?? "")] = Double(String(p.output[3].substring ?? ""))
            }
            var delays: [String: (rise: Double, fall: Double)] = [:]
            for p in body.matches(of: path) {
                let out = String(p.output[2].substring ?? "")
                let items = (p.output[3].substring ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard items.count >= 2 else { continue }
                let value = { (s: String) -> Double in params[s] ?? Double(s) ?? 0 }
                let old = delays[out] ?? (0, 0)
                delays[out] = (max(old.rise, value(items[0])), max(old.fall, value(items[1])))
            }
            modules.append((name, header, body))
            outputs[name] = outs
            worst[name] = delays
            rest = rest[end.upperBound...]
        }
        guard !modules.isEmpty else { throw Failure(description: "\(origin): no cell modules found") }
        let primitive = try Regex(#"(?s)primitive\s.*?endprimitive"#)
        self.modules = modules
        self.outputs = outputs
        self.worstDelays = worst
        primitives = text.matches(of: primitive).map { String(text[$0.range]) }.joined(separator: "\n\n")
    }

    static let gatePrimitives = ["and", "or", "nand", "nor", "xor", "xnor", "not", "buf", "bufif0", "bufif1", "notif0", "notif1"]

    /// The Verilog the simulator compiles for `model`: the shipped models for the zero-delay,
    /// specify and SDF models (the simulator's flags decide), rewritten ones for inertial and
    /// transport delays.
    public func verilog(for model: DelayModel) throws -> String {
        switch model {
        case .zeroDelay, .specify, .sdf: return text
        case .inertial, .transport: break
        }
        let specify = try Regex(#"(?s)\bspecify\b.*?\bendspecify\b"#)
        var out = "// Cell models rewritten by rtlgen for \(model.rawValue) delays: each output is driven through\n// its worst path delay from the shipped path-delay blocks, which are removed.\n"
        for (name, header, body) in modules {
            var b = body.replacing(specify, with: "")
            for pin in outputs[name] ?? [] {
                // the primitive whose first terminal is the output now drives <pin>_i
                let driver = try Regex(#"\b((?:"# + Self.gatePrimitives.joined(separator: "|") + #"|udp_\w+)\s*\(\s*)"# + pin + #"\b"#)
                var replaced = false
                b = b.replacing(driver) { m in
                    replaced = true
                    return String(m.output[1].substring ?? "") + pin + "_i"
                }
                guard replaced else { throw Failure(description: "cell \(name): no primitive drives output \(pin)") }
                let delay = worstDelays[name]?[pin] ?? (0, 0)
                let r = Self.ns(delay.rise), f = Self.ns(delay.fall)
                let drive: String
                switch model {
                case .inertial: drive = "   wire \(pin)_i;\n   assign #(\(r), \(f)) \(pin) = \(pin)_i;\n"
                default:
                    // one delay for both edges: with two, a later event of the shorter delay could
                    // overtake an earlier one and leave the output at a wrong final value
                    drive = "   wire \(pin)_i;\n   reg \(pin);\n   always @(\(pin)_i) \(pin) <= #\(Self.ns(max(delay.rise, delay.fall))) \(pin)_i;\n"
                }
                // declared right after the output itself, before anything uses them
                let decl = try Regex(#"output\s+"# + pin + #"\s*;"#)
                guard let d = b.firstMatch(of: decl) else { throw Failure(description: "cell \(name): no declaration of output \(pin)") }
                b.replaceSubrange(d.range, with: String(b[d.range]) + "\n" + drive)
            }
            out += "`timescale 1ns/10ps\n`celldefine\n\(header)\n\(b)endmodule\n`endcelldefine\n\n"
        }
        return out + primitives + "\n"
    }

    static func ns(_ x: Double) -> String { String(format: "%.3f", x) }
}

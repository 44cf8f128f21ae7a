import Foundation
import Toolchain
import Generation
import Units
import FloatArith

/// The parts of a liberty (.lib) standard-cell library the flow needs: each cell's area, leakage,
/// pins with their direction and Boolean function, and its flip-flop (`ff`) group. Read from the
/// file itself, so the simulated cell functions are the library's, not hand-written copies.
public struct LibertyLibrary: Sendable {
    public var name: String
    public var voltage: Double
    /// `leakage_power_unit`, e.g. "1nW".
    public var leakageUnit: String
    /// What one leakage unit is in nW (`cell_leakage_power` x this = nW), or nil for a unit not known.
    public var leakageToNanowatts: Double? {
        ["1pw": 1e-3, "1nw": 1, "1uw": 1e3, "1mw": 1e6][leakageUnit.filter { !" \"".contains($0) }.lowercased()]
    }
    public var cells: [String: Cell]

    public struct Cell: Sendable {
        public var name: String
        public var area: Double
        /// `cell_leakage_power`, in the library's leakage unit.
        public var leakage: Double
        public var inputs: [String]
        /// Output pins and their functions (over input pins and, for flip-flops, the state names).
        public var outputs: [(pin: String, function: BoolExpr)]
        /// `ff (IQ, IQN) { next_state; clocked_on }`.
        public var flipFlop: (state: String, stateInverted: String, next: BoolExpr, clock: String)?
        public var isSequential: Bool { flipFlop != nil }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Where `make synth` looks for the library (scripts/install-tools.sh puts it there).
    public static let defaultPath = "/usr/local/share/osu018/osu018_stdcells.lib"

    public init(path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ParseError(description: "cannot read liberty file \(path); run 'bash scripts/install-tools.sh' (or pass --liberty FILE)")
        }
        try self.init(text: text, origin: path)
    }

    public init(text: String, origin: String = "liberty") throws {
        let root = try Group.parse(text, origin: origin)
        guard let lib = root.groups.first(where: { $0.kind == "library" }) else { throw ParseError(description: "\(origin): no library group") }
        name = lib.args.first ?? ""
        voltage = Double(lib.attributes["nom_voltage"] ?? "") ?? 0
        leakageUnit = lib.attributes["leakage_power_unit"] ?? ""
        var cells: [String: Cell] = [:]
        for c in lib.groups where c.kind == "cell" {
            guard let cname = c.args.first else { continue }
            var cell = Cell(name: cname, area: Double(c.attributes["area"] ?? "") ?? 0,
                            leakage: Double(c.attributes["cell_leakage_power"] ?? "") ?? 0, inputs: [], outputs: [], flipFlop: nil)
            for p in c.groups where p.kind == "pin" {
                for pin in p.args {
                    switch p.attributes["direction"] {
                    case "input": cell.inputs.append(pin)
                    case "output":
                        if let f = p.attributes["function"] {
                            cell.outputs.append((pin, try BoolExpr.parse(f, origin: "\(origin): \(cname)/\(pin)")))
                        }
                    default: break
                    }
                }
            }
            if let ff = c.groups.first(where: { $0.kind == "ff" }), ff.args.count == 2,
               let next = ff.attributes["next_state"], let clock = ff.attributes["clocked_on"] {
                cell.flipFlop = (ff.args[0], ff.args[1], try BoolExpr.parse(next, origin: "\(origin): \(cname) next_state"), clock)
            }
            cells[cname] = cell
        }
        guard !cells.isEmpty else { throw ParseError(description: "\(origin): no cells") }
        self.cells = cells
    }

    /// A liberty group: `kind (args) { attributes; groups }`.
    struct Group {
        var kind: String
        var args: [String]
        var attributes: [String: String] = [:]
        var groups: [Group] = []

        static func parse(_ text: String, origin: String) throws -> Group {
            var tokens: [String] = []
            let chars = Array(text.unicodeScalars)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                    i += 2
                    while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                    i += 2
                } else if c == "\"" {
                    var s = "\""
                    i += 1
                    while i < chars.count && chars[i] != "\"" { s.unicodeScalars.append(chars[i]); i += 1 }
                    i += 1
                    tokens.append(s)
                } else if "(){};:,".unicodeScalars.contains(c) {
                    tokens.append(String(c)); i += 1
                } else if c == "\\" || CharacterSet.whitespacesAndNewlines.contains(c) {
                    i += 1
                } else {
                    var s = ""
                    while i < chars.count, !"(){};:,\"\\".unicodeScalars.contains(chars[i]), !CharacterSet.whitespacesAndNewlines.contains(chars[i]) {
                        s.unicodeScalars.append(chars[i]); i += 1
                    }
                    tokens.append(s)
                }
            }
            var p = 0
            func unquote(_ s: String) -> String { s.hasPrefix("\"") ? String(s.dropFirst()) : s }
            func body(into g: inout Group) throws {
                while p < tokens.count && tokens[p] != "}" {
                    let name = tokens[p]; p += 1
                    guard p < tokens.count else { break }
                    if tokens[p] == ":" {
                        p += 1
                        var value: [String] = []
                        // up to `;`, or to the next statement where the semicolon is missing (ASAP7
                        // writes `area : 0.2` and a newline): a token followed by `(` or `:` starts one
                        while p < tokens.count && tokens[p] != ";" && tokens[p] != "}" && tokens[p] != "{" {
                            if !value.isEmpty && p + 1 < tokens.count && (tokens[p + 1] == "(" || tokens[p + 1] == ":") { break }
                            value.append(unquote(tokens[p])); p += 1
                        }
                        if p < tokens.count && tokens[p] == ";" { p += 1 }
                        g.attributes[name] = value.joined(separator: " ")
                    } else if tokens[p] == "(" {
                        p += 1
                        var args: [String] = []
                        while p < tokens.count && tokens[p] != ")" { if tokens[p] != "," { args.append(unquote(tokens[p])) }; p += 1 }
                        p += 1
                        if p < tokens.count && tokens[p] == "{" {
                            p += 1
                            var sub = Group(kind: name, args: args)
                            try body(into: &sub)
                            guard p < tokens.count && tokens[p] == "}" else { throw ParseError(description: "\(origin): unbalanced braces in group \(name)") }
                            p += 1
                            g.groups.append(sub)
                        } else if p < tokens.count && tokens[p] == ";" {
                            p += 1   // complex attribute, e.g. capacitive_load_unit (1,pf);
                        }
                    } else if tokens[p] == ";" {
                        p += 1
                    }
                }
            }
            var root = Group(kind: "", args: [])
            try body(into: &root)
            return root
        }
    }
}

/// A liberty function: `!`, postfix `'`, `&`, `*` or juxtaposition for AND, `|` or `+` for OR,
/// `^` for XOR, parentheses, 0 and 1.
public indirect enum BoolExpr: Sendable, Equatable {
    case variable(String)
    case constant(Bool)
    case not(BoolExpr)
    case and(BoolExpr, BoolExpr)
    case or(BoolExpr, BoolExpr)
    case xor(BoolExpr, BoolExpr)

    public var variables: [String] {
        switch self {
        case .variable(let v): return [v]
        case .constant: return []
        case .not(let a): return a.variables
        case .and(let a, let b), .or(let a, let b), .xor(let a, let b): return a.variables + b.variables
        }
    }

    /// Evaluates 64 lanes at once; `value` gives each variable's word.
    public func evaluate(_ value: (String) -> UInt64) -> UInt64 {
        switch self {
        case .variable(let v): return value(v)
        case .constant(let c): return c ? ~0 : 0
        case .not(let a): return ~a.evaluate(value)
        case .and(let a, let b): return a.evaluate(value) & b.evaluate(value)
        case .or(let a, let b): return a.evaluate(value) | b.evaluate(value)
        case .xor(let a, let b): return a.evaluate(value) ^ b.evaluate(value)
        }
    }

    /// `parse`, or nil where the text is not a function.
    public static func parseOrNil(_ text: String) -> BoolExpr? { try? parse(text) }

    public static func parse(_ text: String, origin: String = "function") throws -> BoolExpr {
        var tokens: [String] = []
        var name = ""
        for ch in text {
            if ch.isLetter || ch.isNumber || ch == "_" || ch == "[" || ch == "]" || ch == "." { name.append(ch); continue }
            if !name.isEmpty { tokens.append(name); name = "" }
            if !ch.isWhitespace { tokens.append(String(ch)) }
        }
        if !name.isEmpty { tokens.append(name) }
        var p = 0
        func fail() -> LibertyLibrary.ParseError { .init(description: "\(origin): cannot parse function \"\(text)\"") }
        func primary() throws -> BoolExpr {
            guard p < tokens.count else { throw fail() }
            let t = tokens[p]; p += 1
            var e: BoolExpr
            switch t {
            case "!": e = .not(try primary())
            case "(":
                e = try orExpr()
                guard p < tokens.count, tokens[p] == ")" else { throw fail() }
                p += 1
            case "0": e = .constant(false)
            case "1": e = .constant(true)
            default:
                guard t.first.map({ $0.isLetter || $0 == "_" }) == true else { throw fail() }
                e = .variable(t)
            }
            while p < tokens.count && tokens[p] == "'" { p += 1; e = .not(e) }
            return e
        }
        func xorExpr() throws -> BoolExpr {
            var e = try primary()
            while p < tokens.count && tokens[p] == "^" { p += 1; e = .xor(e, try primary()) }
            return e
        }
        func andExpr() throws -> BoolExpr {
            var e = try xorExpr()
            while p < tokens.count {
                if tokens[p] == "&" || tokens[p] == "*" { p += 1; e = .and(e, try xorExpr()); continue }
                if tokens[p] == "(" || tokens[p] == "!" || tokens[p].first.map({ $0.isLetter || $0 == "_" || $0.isNumber }) == true {
                    e = .and(e, try xorExpr()); continue
                }
                break
            }
            return e
        }
        func orExpr() throws -> BoolExpr {
            var e = try andExpr()
            while p < tokens.count && (tokens[p] == "|" || tokens[p] == "+") { p += 1; e = .or(e, try andExpr()) }
            return e
        }
        let e = try orExpr()
        guard p == tokens.count else { throw fail() }
        return e
    }
}

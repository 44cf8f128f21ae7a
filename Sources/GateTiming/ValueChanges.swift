import Foundation

/// Value changes per net bit in a VCD file, counted after the dump is switched on: every bit of
/// every variable whose value differs from its previous value in the file counts once (a change to
/// or from x or z included). Values written by `$dumpvars`, `$dumpon` and `$dumpoff` blocks set the
/// previous value without counting. A VCD holds at most one value per variable per time step, so a
/// pulse of zero width (two changes in one step) is not seen: a zero-delay simulation shows each
/// net's settled value once per cycle, a timed one every pulse its delays let through.
public struct ValueChanges: Sendable {
    public struct Failure: Error, CustomStringConvertible { public let description: String }

    /// Changes of each net bit: scalars by name, vector bits as `name[i]`.
    public private(set) var counts: [String: Int] = [:]
    public var total: Int { counts.values.reduce(0, +) }

    public init(vcd path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "cannot read \(path)") }
        try self.init(vcd: data, origin: path)
    }

    public init(vcd data: Data, origin: String = "VCD") throws {
        struct Var { var names: [String]; var lsb: Int; var width: Int; var msbFirst: Bool }
        var vars: [String: Var] = [:]
        var previous: [String: [UInt8]] = [:]
        var perCode: [String: [Int]] = [:]
        let bytes = [UInt8](data)
        var i = 0
        let n = bytes.count
        func token() -> Substring? {
            while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
            guard i < n else { return nil }
            let start = i
            while i < n, !(bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D) { i += 1 }
            return Substring(decoding: bytes[start..<i], as: UTF8.self)
        }
        // header: declarations up to $enddefinitions
        var defined = false
        while let t = token() {
            if t == "$enddefinitions" { _ = token(); defined = true; break }
            if t == "$var" {
                var parts: [Substring] = []
                while let p = token(), p != "$end" { parts.append(p) }
                // $var type width code name [range]
                guard parts.count >= 4, let width = Int(parts[1]) else { throw Failure(description: "\(origin): bad $var declaration") }
                let code = String(parts[2]), name = String(parts[3])
                var lsb = 0, msbFirst = true
                if parts.count >= 5 {
                    let r = parts[4].dropFirst().dropLast().split(separator: ":")
                    if r.count == 2, let hi = Int(r[0]), let lo = Int(r[1]) { lsb = min(hi, lo); msbFirst = hi >= lo }
                    else if r.count == 1, let b = Int(r[0]) { lsb = b }
                }
                if vars[code] != nil { vars[code]!.names.append(name) } else { vars[code] = Var(names: [name], lsb: lsb, width: width, msbFirst: msbFirst) }
            }
        }
        guard defined else { throw Failure(description: "\(origin): no $enddefinitions; not a VCD file or cut short") }
        var silent = false   // inside a $dumpvars / $dumpon / $dumpoff block
        func change(_ code: String, _ value: Substring) {
            guard let v = vars[code] else { return }
            // left-extend a vector value to its width (VCD drops leading zeros; x or z extends as itself)
            var bits = [UInt8](value.utf8)
            if bits.count < v.width {
                let pad: UInt8 = (bits.first == UInt8(ascii: "x") || bits.first == UInt8(ascii: "z")) ? bits.first! : UInt8(ascii: "0")
                bits = [UInt8](repeating: pad, count: v.width - bits.count) + bits
            }
            if let old = previous[code], !silent {
                var c = perCode[code] ?? [Int](repeating: 0, count: v.width)
                for k in 0..<min(v.width, bits.count, old.count) where bits[k] != old[k] { c[k] += 1 }
                perCode[code] = c
            }
            previous[code] = bits
        }
        while let t = token() {
            guard let first = t.utf8.first else { continue }
            switch first {
            case UInt8(ascii: "#"): continue
            case UInt8(ascii: "$"):
                if t == "$end" { silent = false } else if t == "$dumpvars" || t == "$dumpon" || t == "$dumpoff" || t == "$dumpall" { silent = true }
                else if t == "$comment" { while let c = token(), c != "$end" {} }
            case UInt8(ascii: "b"), UInt8(ascii: "B"):
                guard let code = token() else { throw Failure(description: "\(origin): vector value without a variable") }
                change(String(code), t.dropFirst())
            case UInt8(ascii: "r"), UInt8(ascii: "R"):
                _ = token()   // real variables: none in a gate netlist
            default:
                change(String(t.dropFirst()), t.prefix(1))
            }
        }
        // every dumped variable, those that never changed with 0
        for (code, v) in vars {
            let c = perCode[code] ?? [Int](repeating: 0, count: v.width)
            for name in v.names {
                if v.width == 1 && v.lsb == 0 && !name.hasSuffix("]") {
                    counts[name, default: 0] += c[0]
                } else {
                    for k in 0..<v.width {
                        // the value's first character is the msb when declared [hi:lo]
                        let bit = v.msbFirst ? v.lsb + v.width - 1 - k : v.lsb + k
                        counts["\(name)[\(bit)]", default: 0] += c[k]
                    }
                }
            }
        }
    }
}

/// The cell instances of a netlist yosys wrote with `write_verilog -noattr -noexpr`: each
/// instance's name, cell type and the net (as written, `_012_` or `y[3]`) on each pin.
public struct CellInstances: Sendable {
    public struct Instance: Sendable, Equatable {
        public var name: String
        public var type: String
        public var pins: [String: String]
    }
    public let module: String
    public let instances: [Instance]

    public init(verilog text: String) throws {
        let header = try Regex(#"(?m)^\s*module\s+(\\?\S+?)\s*\("#)
        guard let m = text.firstMatch(of: header) else { throw CellModels.Failure(description: "netlist: no module") }
        module = String(m.output[1].substring ?? "")
        let instance = try Regex(#"(?s)\b(\w+)\s+(\\\S+|\w+)\s*\(\s*(\.\w+\s*\([^()]*\)(?:\s*,\s*\.\w+\s*\([^()]*\))*)\s*\)\s*;"#)
        let pin = try Regex(#"\.(\w+)\s*\(\s*([^()]*?)\s*\)"#)
        var found: [Instance] = []
        for i in text.matches(of: instance) {
            let type = String(i.output[1].substring ?? "")
            if type == "module" { continue }
            var pins: [String: String] = [:]
            for p in (i.output[3].substring ?? "").matches(of: pin) {
                pins[String(p.output[1].substring ?? "")] = String(p.output[2].substring ?? "")
            }
            found.append(Instance(name: String(i.output[2].substring ?? ""), type: type, pins: pins))
        }
        instances = found
    }
}

import Foundation
import Generation
import Toolchain

/// A standard-cell technology as data, as an OpenROAD-flow-scripts platform's `config.mk` is: which
/// liberty files (several are merged into one for ABC, gzipped ones are read), the units they state,
/// the flip-flop cell and its pins, cells not to use, groups yosys cannot read, the cell models of a
/// timed simulation, the SRAM macros where the library has them, the wire-load assumption.
///
/// osu018 from Debian (`scripts/install-tools.sh`) is the built-in default. Another library is a
/// committed file `technologies/<name>.json` naming its files relative to a PDK root the user gives
/// (`--pdk-root DIR`, or `PDK_ROOT`), each with its SHA-256, so that results measured with it render
/// on a machine without the PDK, and a re-measure first checks that the files are the described ones.
public struct Technology: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        /// Relative to the PDK root (absolute for the built-in osu018).
        public var path: String
        /// nil: not pinned (osu018, whose file Debian's package fixes; `--liberty FILE`).
        public var sha256: String?
        public init(path: String, sha256: String?) {
            self.path = path
            self.sha256 = sha256
        }
    }

    /// The units the liberty files state (`time_unit`, `capacitive_load_unit`, `leakage_power_unit`),
    /// written as the file writes them, e.g. "1ns", "1pf", "1nW".
    public struct Units: Codable, Sendable, Equatable {
        public var time: String
        public var capacitance: String
        public var leakagePower: String
        enum CodingKeys: String, CodingKey { case time, capacitance, leakagePower = "leakage_power" }
    }

    public struct FlipFlop: Codable, Sendable, Equatable {
        public var cell: String
        public var clock: String
        public var d: String
        public var q: String
        /// Pins held inactive at 1 when the cell stands for a plain D flip-flop (an active-low reset).
        public var tieHigh: [String]
        enum CodingKeys: String, CodingKey { case cell, clock, d, q, tieHigh = "tie_high" }
    }

    public struct SRAM: Codable, Sendable, Equatable {
        public var macro: String
        public var words: Int
        public var bits: Int
        public var liberty: File
    }

    public var name: String
    /// For people: the library, its corner and supply.
    public var library: String
    public var nodeNm: Int
    public var supplyV: Double
    public var liberty: [File]
    public var units: Units
    public var flipFlop: FlipFlop
    /// Cell-name patterns (`*` wildcards) marked `dont_use : true` in the copy ABC reads.
    public var dontUse: [String]
    /// Liberty group kinds removed from that copy (syntax yosys 0.23 rejects, e.g. gf180mcu's `test_cell`).
    public var dropGroups: [String]
    /// "generated" (Verilog models written from the liberty's functions) or a file path.
    public var cellModels: String
    public var wireLoad: String
    public var sram: [SRAM]

    enum CodingKeys: String, CodingKey {
        case name, library, liberty, units, sram
        case nodeNm = "node_nm", supplyV = "supply_v", flipFlop = "flip_flop", dontUse = "dont_use", dropGroups = "drop_groups"
        case cellModels = "cell_models", wireLoad = "wire_load"
    }

    /// A technology file or name that cannot be used: bad input (one line, exit 64, nothing written).
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        public init(_ d: String) { description = d }
    }

    /// The default: OSU 0.18 um from Debian's qflow-tech-osu018, where scripts/install-tools.sh unpacks it.
    public static let osu018 = Technology(
        name: "osu018", library: "OSU 0.18 um osu018_stdcells (Debian qflow-tech-osu018), typical corner, 1.8 V, 25 C",
        nodeNm: 180, supplyV: 1.8, liberty: [File(path: LibertyLibrary.defaultPath, sha256: nil)],
        units: Units(time: "1ns", capacitance: "1pf", leakagePower: "1nW"),
        flipFlop: FlipFlop(cell: "DFFPOSX1", clock: "CLK", d: "D", q: "Q", tieHigh: []), dontUse: [], dropGroups: [],
        cellModels: (LibertyLibrary.defaultPath as NSString).deletingPathExtension + ".v",
        wireLoad: "none (the library defines none)", sram: [])

    /// The names `--technology` takes without a path: osu018 and each committed `technologies/<name>.json`.
    public static var known: [String] {
        let dir = Resources.locate("technologies", marker: "asap7.json")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return ["osu018"] + files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// `spec`: a known name, or the path of a technology file (it contains a `/` or ends in `.json`).
    public static func load(_ spec: String) throws -> Technology {
        if spec == "osu018" { return osu018 }
        let isPath = spec.contains("/") || spec.hasSuffix(".json")
        guard isPath || known.contains(spec) else {
            throw Failure("--technology: \(shortQuote(spec, limit: 200)) is not a known technology; give one of \(known.joined(separator: ", ")), or the path of a technology file")
        }
        let path = isPath ? spec : Resources.locate("technologies/\(spec).json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure("--technology: cannot read the technology file \(shortQuote(path, limit: 200)); give an existing file or one of \(known.joined(separator: ", "))")
        }
        do {
            let t = try JSONDecoder().decode(Technology.self, from: data)
            guard !t.liberty.isEmpty, !t.name.isEmpty else { throw Failure("it names no liberty file") }
            return t
        } catch let f as Failure {
            throw Failure("--technology: \(shortQuote(path, limit: 200)) is not a technology file: \(f.description)")
        } catch {
            throw Failure("--technology: \(shortQuote(path, limit: 200)) is not a technology file (\(shortQuote(String(describing: error), limit: 120)))")
        }
    }

    /// True for a technology whose files live under a PDK root (not the built-in osu018).
    public var needsRoot: Bool { liberty.contains { !$0.path.hasPrefix("/") } }

    /// The PDK root: `--pdk-root`, else `PDK_ROOT`; checked to be a directory.
    public static func pdkRoot(_ option: String?) throws -> String? {
        guard let root = option ?? ProcessInfo.processInfo.environment["PDK_ROOT"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            throw Failure("--pdk-root: \(shortQuote(root, limit: 200)) is not a directory; give the root of a PDK checkout holding the technology's files (CI: --pdk-root ../shared/pdk)")
        }
        return root
    }

    /// Absolute paths of the liberty files, each checked present and, where pinned, the described one.
    public func libertyPaths(root: String?) throws -> [String] {
        try liberty.map { try resolve($0, root: root) }
    }

    func resolve(_ f: File, root: String?) throws -> String {
        let path: String
        if f.path.hasPrefix("/") {
            path = f.path
        } else {
            guard let root else {
                throw Failure("technology \(name) needs its PDK files: give --pdk-root DIR (or set PDK_ROOT) naming the PDK checkout that holds \(shortQuote(f.path, limit: 200))")
            }
            // absolute: the tools run in each design's scratch directory
            let base = root.hasPrefix("/") ? root : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(root)
            path = URL(fileURLWithPath: (base as NSString).appendingPathComponent(f.path)).standardizedFileURL.path
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure("technology \(name): \(shortQuote(path, limit: 200)) is missing; give the --pdk-root that holds it" + (root == nil ? " (run 'bash scripts/install-tools.sh' for osu018)" : ""))
        }
        if let want = f.sha256, SHA256.hex(data) != want {
            throw Failure("technology \(name): \(shortQuote(path, limit: 200)) is not the described file (SHA-256 differs from technologies/\(name).json); point --pdk-root at the PDK snapshot the file names")
        }
        return path
    }
}

/// Liberty text as the flow's tools need it: uncompressed, one file, the technology's dont_use marks
/// set and the groups yosys cannot parse removed.
public enum LibertyPreparation {
    /// The liberty the flow hands every tool. osu018 (one uncompressed file, nothing to mark) is its
    /// own file, so its jobs keep their keys; anything else is written once under `directory`, named
    /// by the hash of its content, and checked: the units it states are the technology's, and its
    /// flip-flop cell has the named pins.
    public static func prepare(_ t: Technology, root: String?, directory: String = "build/technologies") throws -> String {
        let paths = try t.libertyPaths(root: root)
        let plain = paths.count == 1 && !paths[0].hasSuffix(".gz") && t.dontUse.isEmpty && t.dropGroups.isEmpty
        let text: String
        if plain {
            guard let s = try? String(contentsOfFile: paths[0], encoding: .utf8) else {
                throw Technology.Failure("technology \(t.name): \(shortQuote(paths[0], limit: 200)) is not a readable liberty text file")
            }
            text = s
        } else {
            var texts: [String] = []
            for p in paths { texts.append(try read(p, technology: t.name)) }
            text = mark(drop(merge(texts), kinds: t.dropGroups), dontUse: t.dontUse)
        }
        try check(text, t)
        if plain { return paths[0] }
        let data = Data(text.utf8)
        // absolute: the tools run in each design's scratch directory
        let dir = directory.hasPrefix("/") ? directory : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
        let file = (dir as NSString).appendingPathComponent("\(t.name)-\(SHA256.hex(data).prefix(16)).lib")
        if FileManager.default.contents(atPath: file) != data {
            try OutputWriter.writeFile(data, to: file)
        }
        return file
    }

    /// A liberty file's text, gunzipped when it is gzip (by its magic bytes).
    static func read(_ path: String, technology: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Technology.Failure("technology \(technology): cannot read \(shortQuote(path, limit: 200))")
        }
        if data.starts(with: [0x1f, 0x8b]) {
            let r = try Tools.run("gzip", ["-dc", path], limit: ToolBudget.build(bytes: data.count))
            guard r.status == 0 else { throw Technology.Failure("technology \(technology): \(shortQuote(path, limit: 200)) is not a readable gzip file") }
            return r.stdout
        }
        guard let s = String(data: data, encoding: .utf8) else {
            throw Technology.Failure("technology \(technology): \(shortQuote(path, limit: 200)) is not liberty text")
        }
        return s
    }

    /// The byte ranges of the top-level groups inside the `library (...) { }` group of `text`:
    /// (kind, name, range), with the range covering the whole group, braces included.
    static func groups(_ text: [UInt8]) -> (bodyStart: Int, bodyEnd: Int, groups: [(kind: String, name: String, range: Range<Int>)])? {
        guard let open = text.firstIndex(of: UInt8(ascii: "{")) else { return nil }
        var depth = 0, i = open, result: [(String, String, Range<Int>)] = []
        var statementStart = open + 1
        var end = text.count
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "/"), i + 1 < text.count, text[i + 1] == UInt8(ascii: "*") {
                i += 2
                while i + 1 < text.count, !(text[i] == UInt8(ascii: "*") && text[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i += 2
                continue
            }
            if c == UInt8(ascii: "\"") {
                i += 1
                while i < text.count, text[i] != UInt8(ascii: "\"") { i += 1 }
            } else if c == UInt8(ascii: "{") {
                depth += 1
                if depth == 2 { statementStart = lineStart(text, statementStart, i) }
            } else if c == UInt8(ascii: "}") {
                depth -= 1
                if depth == 1 {
                    let header = String(decoding: text[statementStart..<i], as: UTF8.self)
                    let kind = header.prefix { $0 != "(" && $0 != "{" }.trimmingCharacters(in: .whitespacesAndNewlines)
                    var name = ""
                    if let l = header.firstIndex(of: "("), let r = header.firstIndex(of: ")"), l < r {
                        name = header[header.index(after: l)..<r].trimmingCharacters(in: CharacterSet(charactersIn: "\" \t"))
                    }
                    result.append((kind, name, statementStart..<(i + 1)))
                    statementStart = i + 1
                } else if depth == 0 {
                    end = i
                    break
                }
            } else if c == UInt8(ascii: ";"), depth == 1 {
                statementStart = i + 1
            }
            i += 1
        }
        return (open + 1, end, result)
    }

    /// Where the statement holding position `brace` begins: after the last `;`, `}` or `{` before it.
    static func lineStart(_ text: [UInt8], _ from: Int, _ brace: Int) -> Int {
        var j = brace - 1
        while j >= from {
            let c = text[j]
            if c == UInt8(ascii: ";") || c == UInt8(ascii: "}") || c == UInt8(ascii: "{") { return j + 1 }
            j -= 1
        }
        return from
    }

    /// One library: the first file's header and cells, then the other files' groups the first lacks
    /// (their templates) and their cells.
    static func merge(_ texts: [String]) -> String {
        guard texts.count > 1 else { return texts.first ?? "" }
        let first = Array(texts[0].utf8)
        guard let g0 = groups(first) else { return texts[0] }
        var seen = Set(g0.groups.map { "\($0.kind) \($0.name)" })
        var extra = ""
        for t in texts.dropFirst() {
            let bytes = Array(t.utf8)
            guard let g = groups(bytes) else { continue }
            for group in g.groups where !seen.contains("\(group.kind) \(group.name)") {
                seen.insert("\(group.kind) \(group.name)")
                extra += "\n" + String(decoding: bytes[group.range], as: UTF8.self)
            }
        }
        return String(decoding: first[..<g0.bodyEnd], as: UTF8.self) + extra + "\n}\n"
    }

    /// The text without the top-level groups of `kinds`, and without such groups inside cells.
    static func drop(_ text: String, kinds: [String]) -> String {
        guard !kinds.isEmpty else { return text }
        var out = text
        for kind in kinds {
            // groups of this kind at any depth: `kind (` or `kind(` followed by a balanced { }
            var bytes = Array(out.utf8)
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            let pattern = Array(kind.utf8)
            var i = 0
            while i < bytes.count {
                if bytes[i] == pattern[0], i + pattern.count < bytes.count, Array(bytes[i..<(i + pattern.count)]) == pattern,
                   i == 0 || !isName(bytes[i - 1]), let open = groupOpen(bytes, i + pattern.count) {
                    var depth = 0, j = open
                    while j < bytes.count {
                        if bytes[j] == UInt8(ascii: "{") { depth += 1 }
                        if bytes[j] == UInt8(ascii: "}") { depth -= 1; if depth == 0 { break } }
                        j += 1
                    }
                    i = j + 1
                    continue
                }
                result.append(bytes[i])
                i += 1
            }
            bytes = result
            out = String(decoding: bytes, as: UTF8.self)
        }
        return out
    }

    static func isName(_ c: UInt8) -> Bool { c == UInt8(ascii: "_") || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    /// After a group keyword at `i`: `(args)` then `{`; the position of the `{`, or nil.
    static func groupOpen(_ b: [UInt8], _ start: Int) -> Int? {
        var i = start
        while i < b.count, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") { i += 1 }
        guard i < b.count, b[i] == UInt8(ascii: "(") else { return nil }
        while i < b.count, b[i] != UInt8(ascii: ")") { i += 1 }
        i += 1
        while i < b.count, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") || b[i] == UInt8(ascii: "\n") || b[i] == UInt8(ascii: "\r") { i += 1 }
        return i < b.count && b[i] == UInt8(ascii: "{") ? i : nil
    }

    /// `dont_use : true ;` as the first attribute of every cell whose name matches a pattern.
    static func mark(_ text: String, dontUse: [String]) -> String {
        guard !dontUse.isEmpty else { return text }
        let bytes = Array(text.utf8)
        guard let g = groups(bytes) else { return text }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 64 * g.groups.count)
        var last = 0
        for group in g.groups where group.kind == "cell" && dontUse.contains(where: { glob($0, group.name) }) {
            guard let brace = bytes[group.range].firstIndex(of: UInt8(ascii: "{")) else { continue }
            out += bytes[last...brace]
            out += Array("\n    dont_use : true ;".utf8)
            last = brace + 1
        }
        out += bytes[last...]
        return String(decoding: out, as: UTF8.self)
    }

    /// `*` matches any run of characters; everything else matches itself.
    static func glob(_ pattern: String, _ name: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == name }
        var rest = Substring(name)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for (k, part) in parts.enumerated().dropFirst() {
            if k == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard let r = rest.range(of: part) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }

    /// The header attribute `name` (simple `name : value ;` or complex `name (a, b) ;`), normalised:
    /// lower case, quotes, spaces and commas removed ("1,pf" -> "1pf").
    static func unit(_ header: String, _ name: String) -> String? {
        guard let r = header.range(of: name) else { return nil }
        let tail = header[r.upperBound...]
        guard let semi = tail.firstIndex(of: ";") else { return nil }
        let raw = tail[..<semi].filter { !" \t\"():,\n\r".contains($0) }
        return raw.lowercased()
    }

    /// "1.0000000000pf", "1,pf", "\"1ns\"" -> (1, "pf"), (1, "ns"): the number and the unit, lower case.
    static func normal(_ s: String) -> (Double, String)? {
        let t = s.filter { !" \t\",".contains($0) }.lowercased()
        let digits = t.prefix { $0.isNumber || $0 == "." }
        guard let v = Double(digits), digits.count < t.count else { return nil }
        return (v, String(t.dropFirst(digits.count)))
    }

    /// The stated units are the technology's, and the flip-flop cell is there with its pins.
    static func check(_ text: String, _ t: Technology) throws {
        let bytes = Array(text.utf8)
        let firstCell = groups(bytes)?.groups.first { $0.kind == "cell" }?.range.lowerBound ?? bytes.count
        let header = String(decoding: bytes[..<firstCell], as: UTF8.self)
        for (attribute, want, key) in [("time_unit", t.units.time, "time"), ("capacitive_load_unit", t.units.capacitance, "capacitance"),
                                       ("leakage_power_unit", t.units.leakagePower, "leakage_power")] {
            let stated = unit(header, attribute)
            guard let a = stated.flatMap(normal), let b = normal(want), a == b else {
                throw Technology.Failure("technology \(t.name): the liberty states \(attribute) \(stated.map { shortQuote($0) } ?? "nothing"), the technology file says \(key) \(shortQuote(want, limit: 200)); correct the technology file's units")
            }
        }
        let ff = t.flipFlop
        let cellPattern = ["cell (\(ff.cell))", "cell(\(ff.cell))", "cell (\"\(ff.cell)\")", "cell(\"\(ff.cell)\")"]
        guard let at = cellPattern.compactMap({ text.range(of: $0) }).first else {
            throw Technology.Failure("technology \(t.name): the liberty has no flip-flop cell \(shortQuote(ff.cell, limit: 200)); name one of its D flip-flops in flip_flop.cell")
        }
        let body = text[at.upperBound...].prefix(20_000)
        for pin in [ff.clock, ff.d, ff.q] + ff.tieHigh {
            guard ["pin (\(pin))", "pin(\(pin))", "pin (\"\(pin)\")", "pin(\"\(pin)\")"].contains(where: { body.contains($0) }) else {
                throw Technology.Failure("technology \(t.name): the flip-flop cell \(ff.cell) has no pin \(shortQuote(pin, limit: 200)); correct flip_flop in the technology file")
            }
        }
    }
}

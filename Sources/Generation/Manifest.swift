import FloatArith
import Foundation
import Units
import Toolchain

/// `manifest.json`: one entry per generated module, for tools (the simulation and synthesis
/// harnesses read it to know what a directory holds).
public struct Manifest: Codable, Equatable {
    public struct FormatInfo: Codable, Equatable {
        public var name: String
        public var exponent: Int
        public var mantissa: Int
        public var width: Int
        public var bias: Int
        public var encoding: String

        public init(_ f: FloatFormat) {
            name = f.tag
            exponent = f.exponentBits
            mantissa = f.mantissaBits
            width = f.width
            bias = f.bias
            encoding = f.encoding.rawValue
        }

        public var format: FloatFormat? {
            guard let f = FloatFormat(tag: name), f.exponentBits == exponent, f.mantissaBits == mantissa else { return nil }
            return f
        }
    }

    public struct Entry: Codable, Equatable {
        public var module: String
        public var file: String
        /// `lmul`, `lmul_formula`, `fpmul`, `fpmul_ftz`, `pe` or `array`.
        public var unit: String
        public var format: FormatInfo
        public var parameters: [String: String]
        public var spec: String
        public var command: String
        /// Modules this one instantiates (files in the same directory).
        public var submodules: [String]?
        /// SHA-256 of the file as written (`sha256sum` prints the same), so a reader can tell a
        /// complete set from a torn or hand-edited one. Set by `OutputWriter.write`.
        public var sha256: String?
    }

    public static let fileName = "manifest.json"


    public var generator: String
    public var modules: [Entry]

    public init(modules: [Entry] = []) {
        generator = "rtlgen (lmul-rtl); see README.md"
        self.modules = modules
    }

    public static func entry(for u: ArithmeticUnit) -> Entry {
        Entry(module: u.moduleName, file: u.fileName, unit: u.kind.rawValue, format: FormatInfo(u.format),
              parameters: Dictionary(uniqueKeysWithValues: u.parameters), spec: u.kind.specRule, command: u.command,
              submodules: nil, sha256: nil)
    }

    /// This manifest with `entries` added, replacing entries of the same module; sorted by module.
    public func merging(_ entries: [Entry]) -> Manifest {
        var byModule = Dictionary(modules.map { ($0.module, $0) }, uniquingKeysWith: { _, b in b })
        for e in entries { byModule[e.module] = e }
        return Manifest(modules: byModule.values.sorted { $0.module < $1.module })
    }

    public func encoded() throws -> Data {
        try canonicalJSON(self)
    }

    /// The manifest in `directory`, or an empty one when there is none.
    public static func load(from directory: String) throws -> Manifest {
        let path = (directory as NSString).appendingPathComponent("manifest.json")
        guard FileManager.default.fileExists(atPath: path) else { return Manifest() }
        do {
            return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw HarnessError("\(path) is not a manifest this rtlgen can read (\(StandardStreams.plainWords(error))); remove it or choose another --out")
        }
    }

    /// Files of `directory` that do not match this manifest: missing, or with another SHA-256 than
    /// the one recorded (hand-edited, or written by a run that was interrupted before it renamed
    /// the manifest into place). Entries without a hash (older manifests) are not checked.
    public func staleFiles(in directory: String, only files: Set<String>? = nil) -> [(file: String, problem: String)] {
        modules.compactMap { e in
            guard let want = e.sha256, files?.contains(e.file) ?? true else { return nil }
            let path = (directory as NSString).appendingPathComponent(e.file)
            guard let data = FileManager.default.contents(atPath: path) else { return (path, "is missing") }
            return SHA256.hex(data) == want ? nil : (path, "differs from its manifest.json entry (edited by hand, or an interrupted write)")
        }
    }

    /// Units (the four multiplier kinds) described by the manifest.
    public var arithmeticUnits: [(Entry, ArithmeticUnit)] {
        modules.compactMap { e in
            guard let kind = UnitKind(rawValue: e.unit), let f = e.format.format else { return nil }
            let ovf = OverflowMode(rawValue: e.parameters["overflow"] ?? "sat") ?? .saturate
            return (e, ArithmeticUnit(kind, f, overflow: ovf))
        }
    }
}

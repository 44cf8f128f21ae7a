import FloatArith
import Units
import Foundation
import Toolchain

/// Reads `make synth`'s `synth/report.json` (top-level `units`: objects with `module`, `unit`,
/// `format`, `transistors`, `gates`, `depth`) and pairs each unit with its exhaustive error row.
public enum SynthInput {
    public struct Entry: Equatable, Sendable {
        public var module: String
        public var unit: String
        public var format: String
        public var transistors: Double
        public var gates: Double
        public var depth: Double
        /// `liberty.energy`, pJ per operation, when the report has standard-cell figures.
        public var energy: Double? = nil
    }

    /// The PEs' standard-cell energy per MAC split (top-level `pes`), when present.
    public static func peEnergy(_ path: String) -> [AccuracyReport.PEEnergy]? {
        guard let data = FileManager.default.contents(atPath: path),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let pes = root["pes"] as? [[String: Any]] else { return nil }
        let rows = pes.compactMap { p -> AccuracyReport.PEEnergy? in
            guard let module = p["module"] as? String, let unit = p["unit"] as? String,
                  let l = p["liberty"] as? [String: Any], let m = p["multiplier_liberty"] as? [String: Any],
                  let total = (l["energy"] as? NSNumber)?.doubleValue, let regs = (l["register_pj"] as? NSNumber)?.doubleValue,
                  let mul = (m["energy"] as? NSNumber)?.doubleValue else { return nil }
            // float-accumulating PEs are labelled with their accumulator ("lmul fp32")
            let label = (p["accumulation"] as? String).map { "\(unit) \($0)" } ?? unit
            return AccuracyReport.PEEnergy(module: module, unit: label, multiplier: mul, accumulator: total - mul - regs, registers: regs)
        }
        return rows.isEmpty ? nil : rows
    }

    /// The entries of the report at `path`, or nil when there is no file there. Throws a one-line
    /// `HarnessError` when the file exists but is not a synthesis report this code can read.
    public static func load(_ path: String) throws -> [Entry]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let bad = { (why: String) in HarnessError("\(path) is not a synthesis report rtlgen can read (\(why)); regenerate it with 'make synth' or pass --synth none") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw bad(error.localizedDescription) }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw bad("not a JSON object") }
        guard let units = root["units"] as? [[String: Any]] else { throw bad("no top-level \"units\" array") }
        return try units.map { u in
            guard let module = u["module"] as? String else { throw bad("a unit without \"module\"") }
            func number(_ key: String) throws -> Double {
                guard let n = u[key] as? NSNumber else { throw bad("\(module) has no numeric \"\(key)\"") }
                return n.doubleValue
            }
            let format: String
            if let s = u["format"] as? String {
                format = s
            } else if let o = u["format"] as? [String: Any], let name = (o["name"] ?? o["tag"]) as? String {
                format = name
            } else if let o = u["format"] as? [String: Any], let e = (o["exponent"] as? NSNumber)?.intValue, let m = (o["mantissa"] as? NSNumber)?.intValue {
                format = "e\(e)m\(m)"
            } else {
                throw bad("\(module) has no \"format\"")
            }
            return Entry(module: module, unit: (u["unit"] as? String) ?? "", format: format,
                         transistors: try number("transistors"), gates: try number("gates"), depth: try number("depth"),
                         energy: ((u["liberty"] as? [String: Any])?["energy"] as? NSNumber)?.doubleValue)
        }
    }

    /// Pairs entries named exactly `<unit>_<format>` (SPEC's default overflow rule, which the
    /// exhaustive rows use) with the exhaustive row of that unit and format.
    public static func areaSection(_ entries: [Entry]?, source: String, exhaustive: [AccuracyReport.ExhaustiveFormat],
                                   peEnergy: [AccuracyReport.PEEnergy]? = nil) -> AccuracyReport.AreaSection {
        guard let entries else { return AccuracyReport.AreaSection(source: source, present: false, points: [], unmatched: []) }
        var points: [AccuracyReport.AreaPoint] = [], unmatched: [String] = []
        for e in entries {
            if e.module == "\(e.unit)_\(e.format)",
               let fmt = exhaustive.first(where: { $0.format == e.format }),
               let row = fmt.rows.first(where: { $0.method == e.unit }) {
                points.append(AccuracyReport.AreaPoint(module: e.module, unit: e.unit, format: e.format, transistors: e.transistors, gates: e.gates,
                                                       depth: e.depth, meanRelativeError: row.mean, maxRelativeError: row.max, energy: e.energy))
            } else {
                unmatched.append(e.module)
            }
        }
        return AccuracyReport.AreaSection(source: source, present: true, points: points.sorted { $0.module < $1.module }, unmatched: unmatched.sorted(),
                                          peEnergy: peEnergy)
    }
}

import FloatArith
import Units
import Foundation
import Synthesis
import Toolchain

/// Reads `make synth`'s `synth/report.json` through the synthesis report's own Codable types (one
/// shape: what `rtlgen synth` writes) and pairs each unit with its exhaustive error row.
public enum SynthInput {
    public struct Entry: Equatable, Sendable {
        /// The unit the row measured; its module name, kind and format are read from it.
        public var instance: ArithmeticUnit
        public var module: String { instance.moduleName }
        public var unit: UnitKind { instance.kind }
        public var format: FloatFormat { instance.format }
        public var transistors: Double
        public var gates: Double
        public var depth: Double
        /// `liberty.energy`, pJ per operation, when the report has standard-cell figures.
        public var energy: Double? = nil
        /// `energy_timed_pj` of the report's timed section (SDF delays), when it has the unit.
        public var energyTimed: Double? = nil
    }

    /// The report at `path`, or nil when there is no file there. Throws a one-line `HarnessError`
    /// when the file exists but is not a synthesis report this code can read.
    public static func report(_ path: String) throws -> SynthesisReport? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let bad = { (why: String) in HarnessError("\(path) is not a synthesis report rtlgen can read (\(why)); regenerate it with 'make synth' or pass --synth none") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw bad(error.localizedDescription) }
        do { return try SynthesisReport.load(data) } catch let e as DecodingError { throw bad(Self.reason(e)) } catch { throw bad("\(error)") }
    }

    /// A decoding error in one line: what is missing or wrong, and where.
    static func reason(_ e: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch e {
        case .keyNotFound(let k, let c): return "no \"\(k.stringValue)\" at \(path(c).isEmpty ? "the top level" : path(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(c.debugDescription.split(separator: "\n").first.map(String.init) ?? "bad value")" + (path(c).isEmpty ? "" : " at \(path(c))")
        @unknown default: return "\(e)"
        }
    }

    /// The PEs' standard-cell energy per MAC split, when the report has it.
    public static func peEnergy(_ report: SynthesisReport?) -> [AccuracyReport.PEEnergy]? {
        let rows = (report?.pes ?? []).compactMap { p -> AccuracyReport.PEEnergy? in
            guard let l = p.liberty, let m = p.multiplierLiberty else { return nil }
            // float-accumulating PEs are labelled with their accumulator ("lmul fp32")
            let label = p.accumulation.map { "\(p.unit) \($0)" } ?? p.unit.rawValue
            return AccuracyReport.PEEnergy(module: p.module, unit: label, multiplier: m.energy, accumulator: l.energy - m.energy - l.registerEnergy,
                                           registers: l.registerEnergy, timed: timedEnergy(report, p.module))
        }
        return rows.isEmpty ? nil : rows
    }

    /// The timed (SDF) energy of `module` in the report's timed section, if it is there.
    static func timedEnergy(_ report: SynthesisReport?, _ module: String) -> Double? {
        report?.timed?.rows.first { $0.module == module }?.figures.timed
    }

    /// The entries of the report at `path` (nil: no file there; see `report`).
    public static func load(_ path: String) throws -> [Entry]? { entries(try report(path)) }

    /// The PE energy split of the report at `path`, when it is there and has one.
    public static func peEnergy(_ path: String) -> [AccuracyReport.PEEnergy]? { peEnergy((try? report(path)) ?? nil) }

    /// The units' entries of a report.
    public static func entries(_ report: SynthesisReport?) -> [Entry]? {
        report?.units.map { u in
            Entry(instance: u.instance, transistors: Double(u.transistors), gates: Double(u.gates),
                  depth: Double(u.depth), energy: u.liberty?.energy, energyTimed: timedEnergy(report, u.instance.moduleName))
        }
    }

    /// Pairs the entries of combinational units with SPEC's default overflow rule (which the
    /// exhaustive rows use) with the exhaustive row of that unit and format.
    public static func areaSection(_ entries: [Entry]?, source: String, exhaustive: [AccuracyReport.ExhaustiveFormat],
                                   peEnergy: [AccuracyReport.PEEnergy]? = nil) -> AccuracyReport.AreaSection {
        guard let entries else { return AccuracyReport.AreaSection(source: source, present: false, points: [], unmatched: []) }
        var points: [AccuracyReport.AreaPoint] = [], unmatched: [String] = []
        for e in entries {
            if e.instance == ArithmeticUnit(e.unit, e.format),
               let fmt = exhaustive.first(where: { $0.format == e.format.tag }),
               let row = fmt.rows.first(where: { $0.method == e.unit.rawValue }) {
                points.append(AccuracyReport.AreaPoint(module: e.module, unit: e.unit.rawValue, format: e.format.tag, transistors: e.transistors, gates: e.gates,
                                                       depth: e.depth, meanRelativeError: row.mean, maxRelativeError: row.max, energy: e.energy,
                                                       energyTimed: e.energyTimed))
            } else {
                unmatched.append(e.module)
            }
        }
        return AccuracyReport.AreaSection(source: source, present: true, points: points.sorted { $0.module < $1.module }, unmatched: unmatched.sorted(),
                                          peEnergy: peEnergy)
    }
}

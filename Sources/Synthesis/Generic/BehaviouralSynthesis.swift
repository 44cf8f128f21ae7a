import Foundation
import Units
import Toolchain
import Generation
import FloatArith

/// The behavioural twins of the exact multipliers (`BehaviouralReference`) through the same flow as
/// the units, so the report can show each generated exact multiplier beside what yosys and ABC make
/// of a plain description of the same SPEC function.
public enum BehaviouralSynthesis {
    /// Seconds a twin's proofs may take (at most the units' limit).
    public static let twinProofTimeout = 20

    /// Writes the twin of every exact multiplier among `units` into `directory` (module and file
    /// named as the unit) and synthesises the twins with `flow` (scratch files under
    /// `<work>/behavioural`): each netlist proven equal to the twin's RTL, and simulated against
    /// the golden model on the format's golden vectors (every pair up to 8 bits).
    public static func run(_ units: [ArithmeticUnit], directory: String, flow: SynthesisFlow, jobs: Int,
                           progress: @escaping @Sendable (String) -> Void) throws -> [SynthesisFlow.Result] {
        var twins: [(unit: ArithmeticUnit, name: String, contents: Data)] = []
        for unit in units {
            guard let text = BehaviouralReference.verilog(unit) else { continue }
            twins.append((unit, unit.fileName, Data(text.utf8)))
        }
        guard !twins.isEmpty else { return [] }
        try OutputWriter.write(twins.map { ($0.name, $0.contents) }, into: directory)
        var twinFlow = flow
        twinFlow.workDirectory = (flow.workDirectory as NSString).appendingPathComponent("behavioural")
        twinFlow.checkGoldenVectors = true
        // The twins are checked against the golden model on the golden vectors; a proof of the last
        // step (RTL against yosys' word-level netlist) that takes longer than this is not waited for.
        twinFlow.proofTimeout = min(flow.proofTimeout, twinProofTimeout)
        return try SynthesisRun.run(twins.map { (unit: $0.unit, file: (directory as NSString).appendingPathComponent($0.name)) },
                                    flow: twinFlow, jobs: jobs, progress: progress)
    }
}

extension SynthesisReport {
    /// A generated exact multiplier with its behavioural twin.
    public struct TwinPair: Sendable {
        public var unit: SynthesisFlow.Result
        public var twin: SynthesisFlow.Result
        /// The generated unit has more gates or more transistors than its twin.
        public var generatedIsLarger: Bool { unit.gates > twin.gates || unit.transistors > twin.transistors }
    }

    /// Each unit that has a behavioural twin in the report, paired with it.
    public var twinPairs: [TwinPair] {
        units.compactMap { u in
            behavioural.first { $0.module == u.module }.map { TwinPair(unit: u, twin: $0) }
        }
    }

    /// One line per generated unit larger than its twin, for make synth's output.
    public func largerThanTwinLines() -> [String] {
        twinPairs.filter(\.generatedIsLarger).map { p in
            "note: generated \(p.unit.module) (\(p.unit.gates) gates, \(p.unit.transistors) transistors) is larger than its behavioural twin (\(p.twin.gates) gates, \(p.twin.transistors) transistors)"
        }
    }

    /// The report section setting each exact multiplier beside its behavioural twin.
    func behaviouralSection() -> String {
        let pairs = twinPairs
        guard !pairs.isEmpty else { return "" }
        var s = """
        ## The exact multipliers against a plain behavioural description

        For each exact multiplier, `make synth` also writes a plain behavioural description of the same SPEC function
        (`*` for the significand product, a leading-zero loop, one normalising shift, round to nearest even, subnormals
        and special values; `rtlgen`'s `BehaviouralReference`, written to `build/behavioural/`, not a shipped unit) and
        puts it through the same flow: its netlists are proven equal to its RTL as the units' are (the last step, RTL
        against yosys' word-level netlist, within \(BehaviouralSynthesis.twinProofTimeout) s; † where it took longer), and
        simulated against the golden model on every operand pair of the 8-bit formats and on corner and random pairs
        of the others. A ratio below 1 means the generated unit is smaller than what the tools make of the plain
        description; *larger* marks a generated unit with more gates or transistors than its twin.

        | format | unit | gates | transistors | depth | behavioural gates | behavioural transistors | behavioural depth | transistors, generated / behavioural | behavioural equivalence |
        |---|---|---:|---:|---:|---:|---:|---:|---:|---|

        """
        for p in pairs {
            let ratio = Self.fixed(Double(p.unit.transistors) / Double(p.twin.transistors), 3)
            s += "| \(p.unit.format.tag) | `\(p.unit.unit)`\(p.unit.overflow == .saturate ? "" : " (\(p.unit.overflow.rawValue))") | \(Self.grouped(p.unit.gates)) | \(Self.grouped(p.unit.transistors)) | \(p.unit.depth) | "
                + "\(Self.grouped(p.twin.gates)) | \(Self.grouped(p.twin.transistors)) | \(p.twin.depth) | \(ratio)\(p.generatedIsLarger ? " (larger)" : "") | \(p.twin.equivalence.label) |\n"
        }
        let larger = pairs.filter(\.generatedIsLarger)
        s += "\n" + (larger.isEmpty
            ? "No generated exact multiplier is larger than its behavioural twin, in gates or in transistors.\n\n"
            : "**Larger than the behavioural description:** " + larger.map { "`\($0.unit.module)`" }.joined(separator: ", ") + ".\n\n")
        return s
    }
}

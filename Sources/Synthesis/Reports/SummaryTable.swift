import Foundation
import Toolchain

extension SynthesisReport {
    /// The terminal table `rtlgen synth` (and `make synth`) prints: per module the generic-gate
    /// figures and, where the unit was mapped to the liberty, its standard-cell area, delay and
    /// energy per operation, then one line saying what those columns are and are not.
    public func summaryTable() -> String {
        var t = TextTable(header: ["module", "gates", "transistors", "GE", "depth", "FFs", "area um^2", "delay ns", "energy pJ/op",
                                   "toggles/op", "toggle energy", "equivalence"],
                          rightAligned: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        for u in units {
            let l = u.liberty
            t.rows.append([u.module, String(u.gates), String(u.transistors), Self.fixed(u.gateEquivalents, 1), String(u.depth),
                           String(u.flipFlops), l.map { Self.area($0.area) } ?? "-", l.map { Self.fixed($0.delay, 2) } ?? "-",
                           l.map { Self.pj($0.energy) } ?? "-",
                           Self.fixed(u.togglesPerOperation, 1), Self.fixed(u.weightedTogglesPerOperation, 1), proofText(u)])
        }
        var s = t.render()
        if units.contains(where: { $0.liberty != nil }) {
            let library = libertySetup.map { "\($0.library), \(Self.fixed($0.voltage, 1)) V" } ?? "the liberty's cells"
            let period = libertySetup.map { ", one operation per \(Self.fixed($0.periodNs, 0)) ns clock" } ?? ""
            s += "\narea: sum of \(library) cell areas, no wiring; delay: OpenSTA worst input-to-output path; "
                + "energy: dynamic + leakage per operation from zero-delay activity of N(0, 1) operands\(period) (no glitches; see docs/glitch.md)"
        }
        return s
    }
}

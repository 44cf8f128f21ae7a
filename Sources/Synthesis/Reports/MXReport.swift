import FloatArith
import Foundation
import Units

/// The "MX block dot products" part of the synthesis report: each `mxdot_<unit>_<elem>_k<K>`'s
/// ASIC figures (`MXDotSynthesis`), its iCE40 result (`MXDotICE40`), and the approximate
/// multipliers' ratios against the exact ones inside the MX dot, per element format.
public struct MXDotSection: Codable, Sendable, Equatable {
    /// Block pairs of the activity run and how they were drawn.
    public var blocks: Int
    public var activity: String
    public var rows: [MXDotSynthesis.Row]
    public var ice40: [MXDotICE40.Row]
    public var ratios: [Ratio]

    public struct Ratio: Codable, Sendable, Equatable {
        public var element: String
        public var blockSize: Int
        public var unit: UnitKind
        public var baseline: UnitKind
        public var transistors: Double
        /// Standard-cell area, OpenSTA delay and energy per block dot (= per MAC: both divide by K).
        public var area: Double?
        public var delay: Double?
        public var energy: Double?

        enum CodingKeys: String, CodingKey {
            case element, unit, baseline, transistors, area, delay, energy
            case blockSize = "block_size"
        }
    }

    public init(blocks: Int, seed: UInt64, rows: [MXDotSynthesis.Row], ice40: [MXDotICE40.Row], kinds: [UnitKind] = UnitKind.allCases) {
        self.blocks = blocks
        activity = "\(blocks) block pairs: a and b each K reals drawn from N(0, 1) (seed \(seed)) and quantised by OCP's conversion (BlockFormat.quantize: shared e8m0 scale, elements RNE, saturating); zero-delay toggles of every liberty cell, 64 lanes of consecutive block pairs"
        self.rows = rows
        self.ice40 = ice40
        var ratios: [Ratio] = []
        var seen: [String] = []
        for r in rows where !seen.contains("\(r.element)/\(r.blockSize)") { seen.append("\(r.element)/\(r.blockSize)") }
        for key in seen {
            let here = rows.filter { "\($0.element)/\($0.blockSize)" == key }
            for (u, b) in kinds.comparisons {
                guard let x = here.first(where: { $0.unit == u }), let y = here.first(where: { $0.unit == b }) else { continue }
                let q = { (p: Double?, q: Double?) -> Double? in
                    guard let p, let q, q > 0 else { return nil }
                    return SynthesisReport.r3(p / q)
                }
                ratios.append(Ratio(element: x.element, blockSize: x.blockSize, unit: u, baseline: b,
                                    transistors: SynthesisReport.r3(Double(x.transistors) / Double(y.transistors)),
                                    area: q(x.liberty?.area, y.liberty?.area), delay: q(x.liberty?.delay, y.liberty?.delay),
                                    energy: q(x.liberty?.energy, y.liberty?.energy)))
            }
        }
        self.ratios = ratios
    }

    public static func proofText(_ r: MXDotSynthesis.Row) -> String {
        switch r.proof {
        case .proven: return "proven = RTL"
        case .fromWordLevel: return "proven = word-level netlist (gold == coarse not proven within \(r.proofTimeout) s)"
        case .notProven: return "not proven within \(r.proofTimeout) s (\(r.unprovenSteps.joined(separator: ", ")))"
        }
    }
}

extension SynthesisReport {
    func mxSection() -> String {
        guard let section = mx, !section.rows.isEmpty || !section.ice40.isEmpty else { return "" }
        var s = """
        ## MX block dot products

        Each `mxdot_<unit>_<elem>_k<K>` (SPEC "MX block formats and the MX dot product", `rtlgen mxdot`): K element
        pairs with two e8m0 scales in, one fp32 result out; K exact fixed-point product terms (each the unit's MX
        product rule), an adder tree and one rounding. *Per block* is one block dot (K MACs); *per MAC* divides by K.
        Combinational, no registers: the delay is OpenSTA's worst input-to-output path (osu018, the standard-cell
        section's clock and load), the energy per block dot is OpenSTA's per-instance power at the measured activity
        over one \(libertySetup.map { Self.fixed($0.periodNs, 1) } ?? "10") ns period (dynamic plus leakage), from
        \(section.activity). Every block pair's output of the liberty netlist was checked against the golden MX dot.
        Transistors and depth are the generic flow's (`flow.ys`); its toggle proxy is not measured for MX dots.
        *Proof*: the same chain as the units' (gold == coarse == pre == gates, pre == cmos, liberty == pre, yosys-abc
        `cec`, each step limited to the proof timeout); a step that ran past the limit is named, and the row's figures
        are then of a netlist not proven equal to the RTL (a difference found at any step stops `make synth`). Not
        counted: the accumulation across blocks, operand delivery, registers.


        """
        s += "| module | unit | elem | K | transistors | depth | cells | area (um2) | area/MAC | delay (ns) | energy/block (pJ) | energy/MAC (pJ) | proof |\n"
        s += "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
        for r in section.rows {
            let k = Double(r.blockSize)
            let l = r.liberty
            s += "| `\(r.module)` | `\(r.unit)` | \(r.element) | \(r.blockSize) | \(Self.grouped(r.transistors)) | \(r.depth) | "
            s += "\(l.map { Self.grouped($0.cells) } ?? "—") | \(l.map { Self.area($0.area) } ?? "—") | \(l.map { Self.area($0.area / k) } ?? "—") | "
            s += "\(l.map { Self.fixed($0.delay, 3) } ?? "—") | \(l.map { Self.fixed($0.energy, 3) } ?? "—") | \(l.map { Self.fixed($0.energy / k, 4) } ?? "—") | "
            s += MXDotSection.proofText(r) + " |\n"
        }
        if !section.ratios.isEmpty {
            s += """

            ### Approximate multipliers against the exact ones inside the MX dot

            Each figure is the MX dot of the approximate multiplier divided by the MX dot of the baseline in the same
            element format and K (per block and per MAC alike): generic transistors, standard-cell area, OpenSTA delay,
            energy on the activity blocks above. The adder tree, normalisation and rounding are in both.

            | elem | K | unit | baseline | transistors | area | delay | energy |
            |---|---:|---|---|---:|---:|---:|---:|

            """
            for r in section.ratios {
                s += "| \(r.element) | \(r.blockSize) | `\(r.unit)` | `\(r.baseline)` | \(Self.fixed(r.transistors, 3)) | \(r.area.map { Self.fixed($0, 3) } ?? "—") | \(r.delay.map { Self.fixed($0, 3) } ?? "—") | \(r.energy.map { Self.fixed($0, 3) } ?? "—") |\n"
            }
        }
        if !section.ice40.isEmpty {
            s += """

            ### MX dots on the iCE40 UP5K

            The FPGA section's backend and wrapper (seed, target, no DSP blocks): the wrapper adds one flip-flop per input
            bit (2 K N + 16) and per output bit. A design larger than the device's \(Self.grouped(MXDotICE40.deviceCells)) logic cells is
            refused by nextpnr: the row says "does not fit" with the cells its packer asked for, and the largest smaller K
            that fits follows as a row of its own.

            | module | unit | elem | K | logic cells | carry | fmax (MHz) |
            |---|---|---|---:|---:|---:|---:|

            """
            for r in section.ice40 {
                if r.fits {
                    s += "| `\(r.module)` | `\(r.unit)` | \(r.element) | \(r.blockSize) | \(r.metrics["lc"].map { Self.grouped(Int($0)) } ?? "—") | \(r.metrics["carry"].map { Self.grouped(Int($0)) } ?? "—") | \(r.metrics["fmax"].map { Self.fixed($0, 1) } ?? "—") |\n"
                } else {
                    s += "| `\(r.module)` | `\(r.unit)` | \(r.element) | \(r.blockSize) | does not fit (\(r.cellsNeeded.map(Self.grouped) ?? "?") needed) | — | — |\n"
                }
            }
        }
        s += "\n"
        return s
    }
}

import Foundation
import Toolchain
import Generation
import Units
import FloatArith

/// How the standard-cell columns were measured (stored in report.json, rendered in report.md).
public struct LibertySetup: Codable, Sendable, Equatable {
    public var library: String
    public var voltage: Double
    public var tool: String
    public var constraints: String
    public var periodNs: Double
    public var jobLength: Int

    enum CodingKeys: String, CodingKey {
        case library, voltage, tool, constraints, periodNs = "period_ns", jobLength = "job_length"
    }

    public init(_ p: PowerAnalysis) {
        library = p.liberty.library.name
        voltage = p.liberty.library.voltage
        tool = "OpenSTA 2.0.17 (Debian opensta)"
        constraints = p.timing.constraints
        periodNs = p.timing.period
        jobLength = p.jobLength
    }
}

extension SynthesisReport {
    static func area(_ x: Double) -> String { grouped(Int(x.rounded())) }
    static func pj(_ x: Double) -> String { fixed(x, x < 1 ? 3 : 2) }

    /// The standard-cell sections: units, ratios, PEs, arrays, the paper's claims in energy.
    func libertySections() -> String {
        guard let setup = libertySetup, units.contains(where: { $0.liberty != nil }) else { return "" }
        var s = """
        ## Standard cells: area, timing and energy per operation

        Each design is also mapped to the `\(setup.library)` library (OSU 0.18 um, \(Self.fixed(setup.voltage, 1)) V,
        Debian `qflow-tech-osu018`): yosys `dfflibmap` and `abc -liberty` after the same technology-independent
        synthesis, and the mapped netlist (each cell read back as its liberty function) is proven equal to the
        pre-mapping netlist with yosys-abc `cec`, so it equals the RTL as the generic netlists do. *Area* is the sum
        of the cells' liberty `area` in square microns (the library declares no unit; liberty convention), no
        wiring or placement utilisation. *Delay*: \(setup.tool), \(setup.constraints); for units the worst
        input-to-output path. *Energy*: OpenSTA's power model fed with the switching activity our simulation of the
        mapped netlist measures on the activity operands (the same N(0, 1) streams as the toggle columns, as 64
        streams of \(Self.grouped(activity.operations / 64)) consecutive operations), one operation per
        \(Self.fixed(setup.periodNs, 0)) ns clock: dynamic (internal and switching) energy per operation plus the
        leakage over one period. The simulation is zero-delay, so glitches are not counted. This OpenSTA has no VCD or
        SAIF reader and ignores per-pin activities, so each instance's power is taken from OpenSTA at activity 0 and
        1 and interpolated linearly at its measured output activity, which is OpenSTA's own model for this library;
        the flow checks that the interpolation reproduces OpenSTA's total at a global activity of 0.2.


        """
        for f in Self.formats(units) {
            let rows = units.filter { $0.format == f && $0.liberty != nil }
            guard !rows.isEmpty else { continue }
            s += "### \(Self.formatName(f))\n\n| unit | cells | area (um^2) | delay (ns) | dynamic (pJ/op) | leakage (pJ/op) | energy (pJ/op) | cell toggles/op | toggle energy (proxy) | equivalence |\n"
            s += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
            for u in rows {
                let l = u.liberty!
                s += "| `\(u.unit)` | \(l.cells) | \(Self.area(l.area)) | \(Self.fixed(l.delay, 2)) | \(Self.pj(l.dynamicEnergy)) | \(Self.fixed(l.leakageEnergy, 6)) | \(Self.pj(l.energy)) | \(Self.fixed(l.togglesPerOperation, 1)) | \(Self.fixed(u.weightedTogglesPerOperation, 1)) | \(l.proven ? "proven = RTL" : "not proven") |\n"
            }
            s += "\n"
        }
        s += libertyRatios()
        s += libertyPETables()
        s += libertyCellTypes()
        s += libertyPaperClaims()
        return s
    }

    struct LibertyRatio { var format: FloatFormat; var baseline: String; var area: Double; var delay: Double; var energy: Double; var proxy: Double; var transistors: Double }

    func libertyRatioRows() -> [LibertyRatio] {
        var out: [LibertyRatio] = []
        guard let (lmul, baselines) = paperComparison else { return [] }
        for f in Self.formats(units) {
            for base in baselines {
                guard let u = unit(lmul, f), let ul = u.liberty, let b = unit(base, f), let bl = b.liberty else { continue }
                out.append(LibertyRatio(format: f, baseline: base.rawValue, area: ul.area / bl.area, delay: ul.delay / bl.delay, energy: ul.energy / bl.energy,
                                        proxy: u.weightedTogglesPerOperation / b.weightedTogglesPerOperation,
                                        transistors: Double(u.transistors) / Double(b.transistors)))
            }
        }
        return out
    }

    func libertyRatios() -> String {
        let rows = libertyRatioRows()
        guard !rows.isEmpty, let lmul = paperComparison?.unit else { return "" }
        var s = """
        ### `\(lmul)` over the baseline in standard cells, and the cross-check with the proxies

        | format | baseline | area | delay | energy per op | toggle-energy proxy | transistors (proxy) | energy / proxy |
        |---|---|---:|---:|---:|---:|---:|---:|

        """
        for r in rows {
            s += "| \(r.format.tag) | `\(r.baseline)` | \(Self.fixed(r.area, 3)) | \(Self.fixed(r.delay, 3)) | \(Self.fixed(r.energy, 3)) | \(Self.fixed(r.proxy, 3)) | \(Self.fixed(r.transistors, 3)) | \(Self.fixed(r.energy / r.proxy, 2)) |\n"
        }
        // Rankings: does every format order lmul < fpmul_ftz < fpmul in both measures?
        var disagreements: [String] = []
        for f in Self.formats(units) {
            let rows = units.filter { $0.format == f && $0.liberty != nil && $0.overflow == .saturate }
            let byEnergy = rows.sorted { $0.liberty!.energy < $1.liberty!.energy }.map(\.unit.rawValue)
            let byProxy = rows.sorted { $0.weightedTogglesPerOperation < $1.weightedTogglesPerOperation }.map(\.unit.rawValue)
            if byEnergy != byProxy { disagreements.append("\(f.tag) (energy: \(byEnergy.joined(separator: " < ")); proxy: \(byProxy.joined(separator: " < ")))") }
        }
        let spread = rows.map { $0.energy / $0.proxy }
        let far = rows.max { abs(log($0.energy / $0.proxy)) < abs(log($1.energy / $1.proxy)) }!
        s += "\n*Energy / proxy* is the standard-cell energy ratio divided by the toggle-energy ratio: 1 where the two agree. "
        s += "Across these rows it runs from \(Self.fixed(spread.min()!, 2)) to \(Self.fixed(spread.max()!, 2)); the widest gap is \(far.format.tag) "
        s += "`\(lmul)` / `\(far.baseline)`, \(Self.fixed(far.energy, 3)) in energy against \(Self.fixed(far.proxy, 3)) in the proxy. "
        s += disagreements.isEmpty ? "Within every format the four units rank the same by both measures, so the proxy's ranking holds; its ratios are off by up to the spread above. "
            : "The rankings differ in " + disagreements.joined(separator: "; ") + ". "
        s += """
        The two differ for reasons the proxy leaves out: it weights a toggle by the transistors of a NAND2/NOR2/NOT
        cell, while a library cell's energy per transition depends on its type (an XOR or AOI costs more than a
        NAND2), its output load (fan-out) and its input slew; and ABC maps the two ways differently (complex
        AOI/OAI/XOR cells against two-input gates), so the two netlists' activities differ too. Leakage is
        negligible at this clock (the leakage column).


        """
        return s
    }

    func libertyPETables() -> String {
        let rows = pes.filter { $0.liberty != nil && $0.cellLiberty != nil && $0.multiplierLiberty != nil }
        guard !rows.isEmpty, let setup = libertySetup else { return "" }
        var s = """
        ### Processing elements, cells and arrays in standard cells

        Per MAC: one multiply-accumulate per \(Self.fixed(setup.periodNs, 0)) ns cycle, operands from the activity
        streams, a job (clear on its first beat) every \(setup.jobLength) beats. *Multiplier* is the unit synthesised
        alone on the same operands, *registers* the flip-flops (clock pins included), *accumulator* the rest: as for
        the transistor split, flattening lets ABC optimise across the boundary, so the split is approximate.
        *Reg-to-reg* is the worst register-to-register path; *min period* the shortest clock that every path into a
        register meets (inputs arrive at the clock edge, as from a neighbouring cell's register; setup included).

        | unit | PE | accumulator | cells | area (um^2) | reg-to-reg (ns) | min period (ns) | fmax (MHz) | energy/MAC (pJ) | multiplier | accumulator | registers | equivalence |
        |---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|

        """
        for p in rows {
            let l = p.liberty!, m = p.multiplierLiberty!
            let acc = l.energy - m.energy - l.registerEnergy
            s += "| `\(p.unit)` | `\(p.module)` | \(p.accumulation ?? "fixed") | \(l.cells) | \(Self.area(l.area)) | \(Self.fixed(l.regToReg ?? 0, 2)) | \(Self.fixed(l.minPeriod ?? 0, 2)) | \(Self.fixed(l.fmaxMHz ?? 0, 0)) | \(Self.pj(l.energy)) | "
                + "\(Self.pj(m.energy)) (\(Self.percent(m.energy / l.energy))) | \(Self.pj(acc)) (\(Self.percent(acc / l.energy))) | \(Self.pj(l.registerEnergy)) (\(Self.percent(l.registerEnergy / l.energy))) | \(l.proven ? "proven = RTL" : "not proven") |\n"
        }
        s += "\n| cell | cells | area (um^2) | flip-flops | reg-to-reg (ns) | min period (ns) | energy/cycle (pJ) | registers | equivalence |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
        for p in rows {
            let c = p.cellLiberty!
            s += "| `\(p.cellModule)` | \(c.cells) | \(Self.area(c.area)) | \(c.flipFlops) | \(Self.fixed(c.regToReg ?? 0, 2)) | \(Self.fixed(c.minPeriod ?? 0, 2)) | \(Self.pj(c.energy)) | \(Self.percent(c.registerEnergy / c.energy)) | \(c.proven ? "proven = RTL" : "not proven") |\n"
        }
        if let ff = rows.first?.liberty?.flipFlopClockEnergy {
            s += "\nA flip-flop whose D does not change still costs \(Self.fixed(ff, 3)) pJ per cycle here (the library's clock-pin internal power, as OpenSTA applies it, and leakage): in these PEs the registers' clock energy alone is a large share of the energy per MAC, and L-Mul does not change it.\n"
        }
        let arrayRows = arrays.filter { $0.liberty != nil }
        if !arrayRows.isEmpty {
            s += """

            Arrays, counted by instance as above: `R*C` cells plus the glue mapped with the cell as a black box
            (not proven, as for the generic glue). *Energy/MAC* at full utilisation: `R*C` cells' energy per cycle
            plus the glue flip-flops' clock and leakage energy (their data toggles are not simulated), over `R*C`.
            The cell's drain input is fed from a neighbouring simulation lane's drain output, so the drain stages shift
            every cycle as in a row.

            | unit | array | accumulator | cells | area (mm^2) | glue cells | energy/MAC (pJ) |
            |---|---|---|---:|---:|---:|---:|

            """
            for a in arrayRows {
                let l = a.liberty!
                s += "| `\(a.unit)` | `\(a.module)` | \(a.accumulation ?? "fixed") | \(Self.grouped(l.cells)) | \(Self.fixed(l.area / 1e6, 3)) | \(Self.grouped(l.glueCells)) | \(Self.pj(l.energyPerMAC)) |\n"
            }
        }
        return s + "\n"
    }

    func libertyCellTypes() -> String {
        let designs: [(String, LibertyFigures)] = units.compactMap { u in u.liberty.map { (u.module, $0) } }
            + pes.flatMap { p in [p.liberty.map { (p.module, $0) }, p.cellLiberty.map { (p.cellModule, $0) }].compactMap { $0 } }
        let types = Set(designs.flatMap { $0.1.areaByType.keys }).sorted()
        guard !types.isEmpty else { return "" }
        var s = "### Standard-cell area by cell type (um^2)\n\n| design | " + types.joined(separator: " | ") + " |\n|---|" + String(repeating: "---:|", count: types.count) + "\n"
        for (name, l) in designs {
            s += "| `\(name)` | " + types.map { l.areaByType[$0].map { Self.area($0) } ?? "" }.joined(separator: " | ") + " |\n"
        }
        return s + "\n"
    }

    /// "ratio | saving" of the timed (SDF) e4m3 energies of `unit` over `baseline` (a PE's accumulator, or
    /// nil for units), or "not timed" when either was not measured.
    func timedClaim(_ unit: UnitKind, _ baseline: UnitKind, _ pe: String?) -> String {
        guard let q = timedRatios().first(where: { $0.format == .e4m3 && $0.unit == unit && $0.baseline == baseline && $0.pe == pe }) else { return "not timed | " }
        return "\(Self.fixed(q.timed, 3)) | \(Self.percent(1 - q.timed))"
    }

    /// The paper's claims next to the standard-cell figures (e4m3).
    func libertyPaperClaims() -> String {
        guard let setup = libertySetup, let (lmul, baselines) = paperComparison, baselines.count >= 2,
              let l = unit(lmul, .e4m3)?.liberty, let f = unit(baselines[0], .e4m3)?.liberty, let z = unit(baselines[1], .e4m3)?.liberty else { return "" }
        let (fpmul, ftz) = (baselines[0], baselines[1])
        var s = """
        ### The paper's energy claims in these units (e4m3)

        Measured here with zero-delay activity and, where the design was timed (section "Energy with glitches"),
        with timed activity (OpenSTA's SDF delays in Icarus, glitches counted).

        | claim | paper | measured here, zero delay | saving here | timed | saving, timed |
        |---|---:|---:|---:|---:|---:|
        | energy per multiply, `\(lmul)` / `\(fpmul)` | 0.05 (95% less) | \(Self.fixed(l.energy / f.energy, 3)) | \(Self.percent(1 - l.energy / f.energy)) | \(timedClaim(lmul, fpmul, nil)) |
        | energy per multiply, `\(lmul)` / `\(ftz)` | 0.05 (95% less) | \(Self.fixed(l.energy / z.energy, 3)) | \(Self.percent(1 - l.energy / z.energy)) | \(timedClaim(lmul, ftz, nil)) |
        | delay, `\(lmul)` / `\(fpmul)` | (not claimed) | \(Self.fixed(l.delay / f.delay, 3)) | | | |
        | delay, `\(lmul)` / `\(ftz)` | (not claimed) | \(Self.fixed(l.delay / z.delay, 3)) | | | |

        """
        for acc in pes.reduce(into: [String?](), { if !$0.contains($1.accumulation) { $0.append($1.accumulation) } }) {
            let name = acc ?? "fixed-point"
            if let lp = pes.first(where: { $0.unit == lmul && $0.accumulation == acc })?.liberty, let fp = pes.first(where: { $0.unit == fpmul && $0.accumulation == acc })?.liberty {
                s += "| energy per MAC, `\(lmul)` PE / `\(fpmul)` PE, \(name) accumulator | 0.20 (80% less, dot products) | \(Self.fixed(lp.energy / fp.energy, 3)) | \(Self.percent(1 - lp.energy / fp.energy)) | \(timedClaim(lmul, fpmul, acc ?? "fixed")) |\n"
                if let zp = pes.first(where: { $0.unit == ftz && $0.accumulation == acc })?.liberty {
                    s += "| energy per MAC, `\(lmul)` PE / `\(ftz)` PE, \(name) accumulator | 0.20 | \(Self.fixed(lp.energy / zp.energy, 3)) | \(Self.percent(1 - lp.energy / zp.energy)) | \(timedClaim(lmul, ftz, acc ?? "fixed")) |\n"
                }
            }
            if let big = arrays.last(where: { $0.unit == lmul && $0.accumulation == acc }), let la = big.liberty,
               let fullArray = arrays.first(where: { $0.unit == fpmul && $0.accumulation == acc && $0.rows == big.rows && $0.cols == big.cols }), let fa = fullArray.liberty {
                s += "| energy per MAC, \(big.rows) x \(big.cols) `\(lmul)` array / `\(fpmul)` array, \(name) accumulator | 0.20 | \(Self.fixed(la.energyPerMAC / fa.energyPerMAC, 3)) | \(Self.percent(1 - la.energyPerMAC / fa.energyPerMAC)) | \(timedArrayClaim(big, fullArray)) |\n"
                if let zArray = arrays.first(where: { $0.unit == ftz && $0.accumulation == acc && $0.rows == big.rows && $0.cols == big.cols }), let za = zArray.liberty {
                    s += "| energy per MAC, \(big.rows) x \(big.cols) `\(lmul)` array / `\(ftz)` array, \(name) accumulator | 0.20 | \(Self.fixed(la.energyPerMAC / za.energyPerMAC, 3)) | \(Self.percent(1 - la.energyPerMAC / za.energyPerMAC)) | \(timedArrayClaim(big, zArray)) |\n"
                }
            }
        }
        s += """

        The paper's figures are its own, not measured here: it prices operations with a 45 nm energy table (an fp32
        multiply 3.7 pJ, an int32 add 0.1 pJ) and counts operations; it builds no hardware. What differs here: a
        0.18 um library at \(Self.fixed(setup.voltage, 1)) V (larger capacitances and a higher supply than a 45 nm
        node: absolute energies here are not comparable with the paper's table, ratios are), 8-bit e4m3 operands
        rather than fp32, a baseline that rounds to nearest even and handles subnormals
        (`\(fpmul)`) or flushes them (`\(ftz)`), and, for PEs and arrays, the exact accumulator and the registers with
        their clock energy, which L-Mul does not shrink. None of these figures includes operand delivery from memory.


        """
        return s
    }
}

import FloatArith
import Foundation
import GateTiming
import Units

/// The timed-activity part of the synthesis report: how it was measured and one row per design.
public struct TimedSection: Codable, Sendable, Equatable {
    public var simulator: String
    public var cellModels: String
    public var models: [String]
    public var rows: [TimedRow]
    /// The iso-throughput choices inside their registers (`rtlgen synth --timed` with `--clocks`); nil without clocks.
    public var clocked: [TimedClockedRow]?
    /// The MX block dots of `--mx-timed-formats`; nil without them.
    public var mx: [TimedMXRow]?

    enum CodingKeys: String, CodingKey { case simulator, rows, models, clocked, mx, cellModels = "cell_models" }

    public init(simulator: String, cellModels: String, models: [String], rows: [TimedRow]) {
        self.simulator = simulator
        self.cellModels = cellModels
        self.models = models
        self.rows = rows
    }

    public init(backend: TimedActivityBackend, rows: [TimedRow]) {
        // "Icarus Verilog version 11.0 (stable) ()": the name and version only
        let version = (try? backend.inputs().first { $0.0 == "iverilog" }?.1) ?? "Icarus Verilog"
        simulator = version.replacingOccurrences(of: " ()", with: "")
        cellModels = (backend.cellModels as NSString).lastPathComponent
        models = TimedActivityBackend.models.map(\.rawValue)
        self.rows = rows
    }

    public func row(_ kind: String, _ unit: UnitKind, _ format: FloatFormat, accumulation: String? = nil) -> TimedRow? {
        rows.first { $0.kind == kind && $0.unit == unit && $0.format == format && $0.accumulation == accumulation }
    }

    /// The timed registered unit the iso-throughput table chose for `unit` in `format` at `mhz`.
    public func clockedRow(_ unit: UnitKind, _ format: FloatFormat, atMHz mhz: Double) -> TimedClockedRow? {
        clocked?.first { $0.unit == unit && $0.format == format && $0.clocksMHz.contains(mhz) }
    }
}

extension SynthesisReport {
    /// `energy_zero_delay_pj` (the standard-cell column, 65,536 operations or the PE sample) and
    /// `energy_timed_pj` (SDF delays) of one timed row, with the zero-delay figure of its design.
    func zeroDelayEnergy(_ r: TimedRow) -> Double? {
        switch r.kind {
        case "unit": return units.first { $0.module == r.module }?.liberty?.energy
        case "pe": return pes.first { $0.module == r.module }?.liberty?.energy
        default: return nil
        }
    }

    func timedSection() -> String {
        guard let t = timed, !t.rows.isEmpty else { return "" }
        let ops = Set(t.rows.map(\.figures.operations)).sorted().map { Self.grouped($0) }.joined(separator: ", ")
        var s = """
        ## Energy with glitches: timed activity

        Zero-delay activity lets every net change at most once per operation; real gates glitch. Each design
        below is mapped to the standard cells exactly as above (proven equal to its RTL), and its netlist is
        simulated in \(t.simulator) on \(ops) operations of the same N(0, 1) sample (PEs: one MAC per cycle, a new job
        every 32 beats), one per cycle, every output checked against the golden model, under four delay models.
        Every value change of every cell output counts, glitches included, and turns into energy by the same
        per-instance linear model as the zero-delay column (OpenSTA's power at activity 0 and 1, leakage over the
        10 ns period). Columns: `energy_zero_delay_pj` (the standard-cell figure above), the same sample without
        delays, `energy_timed_pj` with OpenSTA's SDF delays at the actual loads (`-gspecify -Tmax`), the glitch
        factor (timed over zero delay, same sample), and the spread over the delay models: `inertial` (each
        cell's worst delay, shorter pulses swallowed) and `transport` (every pulse passed: an upper bound).
        Icarus applies no SDF INTERCONNECT delays (there are no parasitics here, so OpenSTA writes them as 0) and
        filters pulses its own way (iverilog issues 746 and 753); `rtlgen glitch` (docs/glitch.md) adds the cell
        models' own specify delays. Not counted: wires, clock tree, input drivers.

        | design | kind | cells | energy_zero_delay_pj | zero delay, sample | energy_timed_pj | glitch factor | inertial | transport |
        |---|---|---:|---:|---:|---:|---:|---:|---:|

        """
        for r in t.rows {
            let f = r.figures
            let kind = r.kind == "pe" ? "PE, \(r.accumulation ?? "fixed")" : r.kind
            s += "| `\(r.module)` | \(kind) | \(Self.grouped(f.cells)) | \(zeroDelayEnergy(r).map { Self.pj($0) } ?? "") | \(f.zeroDelay.map { Self.pj($0) } ?? "") | \(f.timed.map { Self.pj($0) } ?? "") | \(f.glitchFactor.map { "x" + Self.fixed($0, 2) } ?? "") | \(f.energy(.inertial).map { Self.pj($0) } ?? "") | \(f.energy(.transport).map { Self.pj($0) } ?? "") |\n"
        }
        s += "\n" + timedArraySection() + timedMXSection()
        let ratios = timedRatios()
        if !ratios.isEmpty {
            s += """

            ### L-Mul over the baselines, zero delay and timed

            Energy per multiply (units) and per MAC (PEs). `zero delay` is the standard-cell column; `timed` the SDF
            column; `range` the lowest and highest ratio over the sdf, inertial and transport models.

            | format | design | over | zero delay | timed | range |
            |---|---|---|---:|---:|---|

            """
            for q in ratios {
                s += "| \(q.format.tag) | `\(q.unit)`\(q.pe.map { " PE, \($0)" } ?? "") | `\(q.baseline)` | \(q.zeroDelay.map { Self.fixed($0, 3) } ?? "") | \(Self.fixed(q.timed, 3)) | \(Self.fixed(q.low, 3)) to \(Self.fixed(q.high, 3)) |\n"
            }
        }
        return s + "\n"
    }

    /// The paper subject over each declared baseline, per format for units and per accumulator for PEs.
    public func timedRatios() -> [(format: FloatFormat, unit: UnitKind, baseline: UnitKind, pe: String?, zeroDelay: Double?, timed: Double, low: Double, high: Double)] {
        guard let t = timed, let l = kinds.paperSubject else { return [] }
        var out: [(FloatFormat, UnitKind, UnitKind, String?, Double?, Double, Double, Double)] = []
        var keys: [(String, FloatFormat, String?)] = []
        for r in t.rows where r.unit == l && !keys.contains(where: { $0.0 == r.kind && $0.1 == r.format && $0.2 == r.accumulation }) {
            keys.append((r.kind, r.format, r.accumulation))
        }
        for (kind, f, acc) in keys {
            guard let u = t.row(kind, l, f, accumulation: acc), let ut = u.figures.timed else { continue }
            for b in l.baselines.filter(kinds.contains) {
                guard let base = t.row(kind, b, f, accumulation: acc), let bt = base.figures.timed, bt > 0 else { continue }
                var spread: [Double] = []
                for m in [DelayModel.sdf, .inertial, .transport] {
                    if let x = u.figures.energy(m), let y = base.figures.energy(m), y > 0 { spread.append(x / y) }
                }
                let zero = zeroDelayEnergy(u).flatMap { a in zeroDelayEnergy(base).map { a / $0 } }
                out.append((f, l, b, kind == "pe" ? (acc ?? "fixed") : nil, zero.map(Self.r3), Self.r3(ut / bt),
                            Self.r3(spread.min() ?? ut / bt), Self.r3(spread.max() ?? ut / bt)))
            }
        }
        return out
    }
}

extension SynthesisReport {
    /// L-Mul over each baseline at every clock both meet, from the timed registered units: the
    /// zero-delay ratio of the iso-throughput table (65,536 pairs), the timed (SDF) one and the
    /// range over the sdf, inertial and transport models, all at the clock.
    public func timedClockedRatios() -> [(clockMHz: Double, format: FloatFormat, unit: UnitKind, baseline: UnitKind, zeroDelay: Double?, timed: Double, low: Double, high: Double)] {
        guard let t = timed, t.clocked != nil, let c = clocked else { return [] }
        var out: [(Double, FloatFormat, UnitKind, UnitKind, Double?, Double, Double, Double)] = []
        let formats = c.units.reduce(into: [FloatFormat]()) { if !$0.contains($1.format) { $0.append($1.format) } }
        for f in formats {
            for mhz in c.clocksMHz {
                for (lm, base) in kinds.comparisons {
                    guard let u = t.clockedRow(lm, f, atMHz: mhz), let b = t.clockedRow(base, f, atMHz: mhz),
                          let ut = u.figures.energy(.sdf, atMHz: mhz), let bt = b.figures.energy(.sdf, atMHz: mhz), bt > 0 else { continue }
                    var spread: [Double] = []
                    for m in [DelayModel.sdf, .inertial, .transport] {
                        if let x = u.figures.energy(m, atMHz: mhz), let y = b.figures.energy(m, atMHz: mhz), y > 0 { spread.append(x / y) }
                    }
                    let ue = c.units.first { $0.unit == lm && $0.format == f && $0.clockMHz == mhz }?.energy
                    let be = c.units.first { $0.unit == base && $0.format == f && $0.clockMHz == mhz }?.energy
                    let zero = ue.flatMap { x in be.flatMap { $0 > 0 ? x / $0 : nil } }
                    out.append((mhz, f, lm, base, zero.map(Self.r3), Self.r3(ut / bt), Self.r3(spread.min() ?? ut / bt), Self.r3(spread.max() ?? ut / bt)))
                }
            }
        }
        return out
    }

    /// The timed registered units under the iso-throughput tables.
    func timedClockedSection() -> String {
        guard let t = timed, let rows = t.clocked, !rows.isEmpty, let c = clocked else { return "" }
        let ops = Set(rows.map(\.figures.operations)).sorted().map { Self.grouped($0) }.joined(separator: ", ")
        var s = """
        ### Timed activity at the clock

        Each unit the tables above chose, between its input and output registers, mapped and proven exactly as
        there, simulated in \(t.simulator) on \(ops) pairs of the same N(0, 1) sample (one per cycle, every result
        checked against the golden model S + 2 cycles later; the S + 2 cycles filling the registers from power-up
        are not counted) under the timed section's delay models, every change of every cell output counted,
        flip-flops included, and turned into energy by the same per-instance model. Energies are pJ per
        operation at the clock (dynamic energy per transition, leakage over the clock's period; the clock pins'
        energy is in every column). `energy_zero_delay_pj` is the table's figure (65,536 pairs, zero delay);
        `zero delay, sample` the same sample as the timed columns without delays; the glitch factor is timed over
        zero delay on that sample; † marks netlists proven against the pre-mapping netlist, as in the tables above.
        Not counted: wires, clock tree, input drivers.

        | clock | format | unit | S | cells | energy_zero_delay_pj | zero delay, sample | energy_timed_pj | glitch factor | inertial | transport |
        |---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|

        """
        for mhz in c.clocksMHz {
            for e in c.units where e.clockMHz == mhz {
                guard let r = t.clockedRow(e.unit, e.format, atMHz: mhz) else { continue }
                let f = r.figures
                let z = f.energy(.zeroDelay, atMHz: mhz), sdf = f.energy(.sdf, atMHz: mhz)
                let g = z.flatMap { z in sdf.map { z > 0 ? $0 / z : 0 } }
                let cellText = "\(Self.grouped(f.cells))\(f.proof.map { $0 == ClockedCost.proofMethod ? "" : " †" } ?? "")"
                s += "| \(Self.fixed(mhz, 0)) MHz | \(e.format.tag) | `\(e.unit)` | \(r.stages) | \(cellText) | \(e.energy.map { Self.pj($0) } ?? "") | \(z.map { Self.pj($0) } ?? "") | \(sdf.map { Self.pj($0) } ?? "") | \(g.map { "x" + Self.fixed($0, 2) } ?? "") | \(f.energy(.inertial, atMHz: mhz).map { Self.pj($0) } ?? "") | \(f.energy(.transport, atMHz: mhz).map { Self.pj($0) } ?? "") |\n"
            }
        }
        let ratios = timedClockedRatios()
        if !ratios.isEmpty {
            s += """

            L-Mul over the baselines at each clock both meet, per operation: `zero delay` from the tables above,
            `timed` with SDF delays, `range` over the sdf, inertial and transport models.

            | clock | format | unit | over | zero delay | timed | range |
            |---:|---|---|---|---:|---:|---|

            """
            for q in ratios {
                s += "| \(Self.fixed(q.clockMHz, 0)) MHz | \(q.format.tag) | `\(q.unit)` | `\(q.baseline)` | \(q.zeroDelay.map { Self.fixed($0, 3) } ?? "") | \(Self.fixed(q.timed, 3)) | \(Self.fixed(q.low, 3)) to \(Self.fixed(q.high, 3)) |\n"
            }
        }
        return s + "\n"
    }
}

extension SynthesisReport {
    /// An array's energy per MAC with its PEs' glitches, counted by instance as the array's
    /// zero-delay figure is: that figure plus the energy its PE's timed run adds per MAC under
    /// `model` over the same sample without delays. The array cell's own registers and the glue
    /// stay at zero delay (they are flip-flops, whose outputs change once per clock edge, and the
    /// drain multiplexers they feed). Nil when the PE was not timed.
    public func timedArrayEnergy(_ a: ArraySynthesis.ArrayRow, _ model: DelayModel = .sdf) -> Double? {
        guard let t = timed, let z = a.liberty?.energyPerMAC, let pe = t.row("pe", a.unit, a.format, accumulation: a.accumulation),
              let e = pe.figures.energy(model), let e0 = pe.figures.zeroDelay else { return nil }
        return Self.r4(z + e - e0)
    }

    static func r4(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }

    /// The arrays' timed figures, by instance.
    func timedArraySection() -> String {
        let rows = arrays.filter { timedArrayEnergy($0) != nil }
        guard !rows.isEmpty else { return "" }
        var s = """
        ### Arrays, by instance

        Each array's energy per MAC as the array table counts it (R x C array cells plus the glue), with each PE's
        glitches added: its timed energy per MAC minus its zero-delay energy on the same sample (the PE rows above).
        The array cell's operand, flag and drain registers and the glue stay at zero delay: they are flip-flops,
        which change once per clock edge; the drain multiplexers after them are not timed. No array is simulated
        whole.

        | array | accumulator | energy_zero_delay_pj per MAC | PE glitch energy | energy_timed_pj per MAC | inertial | transport |
        |---|---|---:|---:|---:|---:|---:|

        """
        for a in rows {
            guard let z = a.liberty?.energyPerMAC, let t = timedArrayEnergy(a) else { continue }
            s += "| `\(a.module)` | \(a.accumulation ?? "fixed") | \(Self.pj(z)) | \(Self.pj(t - z)) | \(Self.pj(t)) | \(timedArrayEnergy(a, .inertial).map { Self.pj($0) } ?? "") | \(timedArrayEnergy(a, .transport).map { Self.pj($0) } ?? "") |\n"
        }
        return s + "\n"
    }

    /// "ratio | saving" of the largest arrays' timed energies per MAC (by instance), or "not timed".
    func timedArrayClaim(_ a: ArraySynthesis.ArrayRow, _ b: ArraySynthesis.ArrayRow) -> String {
        guard let x = timedArrayEnergy(a), let y = timedArrayEnergy(b), y > 0 else { return "not timed | " }
        return "\(Self.fixed(x / y, 3)) (by instance) | \(Self.percent(1 - x / y))"
    }
}

extension SynthesisReport {
    /// L-Mul and Mitchell over the exact multipliers inside the timed MX dots, per element format:
    /// energy per block dot (= per MAC), zero delay (the MX table's figure) and timed.
    public func timedMXRatios() -> [(element: String, blockSize: Int, unit: UnitKind, baseline: UnitKind, zeroDelay: Double?, timed: Double, low: Double, high: Double)] {
        guard let rows = timed?.mx else { return [] }
        var out: [(String, Int, UnitKind, UnitKind, Double?, Double, Double, Double)] = []
        let keys = rows.reduce(into: [(String, Int)]()) { k, r in if !k.contains(where: { $0 == (r.element, r.blockSize) }) { k.append((r.element, r.blockSize)) } }
        for (e, k) in keys {
            func row(_ u: UnitKind) -> TimedMXRow? { rows.first { $0.unit == u && $0.element == e && $0.blockSize == k } }
            for (lm, base) in kinds.comparisons {
                guard let u = row(lm), let b = row(base), let ut = u.figures.timed, let bt = b.figures.timed, bt > 0 else { continue }
                var spread: [Double] = []
                for m in [DelayModel.sdf, .inertial, .transport] {
                    if let x = u.figures.energy(m), let y = b.figures.energy(m), y > 0 { spread.append(x / y) }
                }
                let z = mxEnergy(u.module).flatMap { x in mxEnergy(b.module).flatMap { $0 > 0 ? x / $0 : nil } }
                out.append((e, k, lm, base, z.map(Self.r3), Self.r3(ut / bt), Self.r3(spread.min() ?? ut / bt), Self.r3(spread.max() ?? ut / bt)))
            }
        }
        return out
    }

    /// The MX table's zero-delay energy per block dot of `module`.
    func mxEnergy(_ module: String) -> Double? { mx?.rows.first { $0.module == module }?.liberty?.energy }

    func timedMXSection() -> String {
        guard let rows = timed?.mx, !rows.isEmpty else { return "" }
        let ops = Set(rows.map(\.figures.operations)).sorted().map { Self.grouped($0) }.joined(separator: ", ")
        var s = """
        ### MX block dots

        Each MX dot below mapped as the MX table maps it, simulated on \(ops) block pairs of its activity sample
        (N(0, 1) data quantised by OCP's conversion, one block dot per cycle, every result checked against the
        golden MX dot). Energies are pJ per block dot (per MAC: divide by K); ‡ marks a liberty netlist whose proof
        did not finish within the limit (as in the MX table).

        | MX dot | cells | energy_zero_delay_pj | zero delay, sample | energy_timed_pj | glitch factor | inertial | transport |
        |---|---:|---:|---:|---:|---:|---:|---:|

        """
        for r in rows {
            let f = r.figures
            s += "| `\(r.module)`\(r.libertyProven ? "" : " ‡") | \(Self.grouped(f.cells)) | \(mxEnergy(r.module).map { Self.pj($0) } ?? "") | \(f.zeroDelay.map { Self.pj($0) } ?? "") | \(f.timed.map { Self.pj($0) } ?? "") | \(f.glitchFactor.map { "x" + Self.fixed($0, 2) } ?? "") | \(f.energy(.inertial).map { Self.pj($0) } ?? "") | \(f.energy(.transport).map { Self.pj($0) } ?? "") |\n"
        }
        let q = timedMXRatios()
        if !q.isEmpty {
            s += "\n| element | K | unit | over | zero delay | timed | range |\n|---|---:|---|---|---:|---:|---|\n"
            for x in q {
                s += "| \(x.element) | \(x.blockSize) | `\(x.unit)` | `\(x.baseline)` | \(x.zeroDelay.map { Self.fixed($0, 3) } ?? "") | \(Self.fixed(x.timed, 3)) | \(Self.fixed(x.low, 3)) to \(Self.fixed(x.high, 3)) |\n"
            }
        }
        return s + "\n"
    }
}

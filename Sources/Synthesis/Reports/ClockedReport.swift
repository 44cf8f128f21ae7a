import FloatArith
import Foundation
import Units

/// The "Cost at a clock" section of synth/report.md: the iso-throughput tables (issue 23 item 4).
extension SynthesisReport {
    func clockedSection() -> String {
        guard let c = clocked, !(c.units.isEmpty && c.pes.isEmpty) else { return "" }
        var s = """
        ## Cost at a clock: the iso-throughput tables

        For each clock, each design's least number of multiplier register stages S (`_p<S>`, cut points the
        generator balances) whose standard-cell netlist meets the clock, measured (S searched upward from the
        generator's estimate, then downward while a smaller S still meets it, up to S = \(c.maxStages)); its area with
        every flip-flop and its energy per operation at that clock. Each figure is a cost job (`rtlgen synth --clocks`).
        Conditions: \(c.conditions). Each mapped netlist is proven equal to its RTL: \(ClockedCost.proofMethod); † marks designs whose proof against the RTL did not finish in time and that are proven equal to yosys' netlist before the library mapping instead (their word-level synthesis is trusted, as for the combinational report's † units).
        *fmax* is the chosen design's own (at least the clock); *energy* is pJ per operation (units) or per MAC
        (PEs) at the clock, one new pair every cycle: data + clock + leakage.


        """
        let fmt = { (x: Double, d: Int) in Self.fixed(x, d) }
        func cell(_ e: IsoThroughput.Entry) -> String {
            guard let st = e.stages, let f = e.figures, let en = e.energy else {
                return "not reached up to S = \(e.searchedUpTo) (best \(fmt(1000 / e.bestPeriod, 0)) MHz) | | |"
            }
            return "\(st)\(f.proof == ClockedCost.proofMethod ? "" : " †") | \(fmt(f.area, 0)) (\(f.flipFlops) FFs) | \(fmt(en, 3)) (clock \(fmt(f.clockEnergy, 3))) |"
        }
        let formats = c.units.reduce(into: [FloatFormat]()) { if !$0.contains($1.format) { $0.append($1.format) } }
        for f in formats {
            s += "### Units, \(Self.formatName(f))\n\n"
            s += "| clock | unit | S | area um2 (flip-flops) | energy pJ/op (of it clock) |\n|---:|---|---:|---:|---:|\n"
            for mhz in c.clocksMHz {
                for e in c.units where e.format == f && e.clockMHz == mhz {
                    s += "| \(fmt(mhz, 0)) MHz | `\(e.unit)` | \(cell(e))\n"
                }
            }
            s += "\n"
            s += ratioLines(c.units.filter { $0.format == f }, clocks: c.clocksMHz, per: "op")
        }
        if !c.pes.isEmpty {
            let accs = c.pes.reduce(into: [String]()) { if let a = $1.accumulation, !$0.contains(a) { $0.append(a) } }
            for acc in accs {
                let rows = c.pes.filter { $0.accumulation == acc }
                s += "### PEs (\(rows.first.map { Self.formatName($0.format) } ?? ""), \(acc == "fixed" ? "SPEC's exact fixed-point accumulator" : "\(acc) accumulation adder, combinational"))\n\n"
                s += "S counts the multiplier's stages (valid and clear delayed beside it); the accumulator is not pipelined, so where it is the longest path more S cannot help and the row says so.\n\n"
                s += "| clock | unit | S | area um2 (flip-flops) | energy pJ/MAC (of it clock) |\n|---:|---|---:|---:|---:|\n"
                for mhz in c.clocksMHz {
                    for e in rows where e.clockMHz == mhz { s += "| \(fmt(mhz, 0)) MHz | `\(e.unit)` | \(cell(e))\n" }
                }
                s += "\n"
                s += ratioLines(rows, clocks: c.clocksMHz, per: "MAC")
                s += arrayLines(rows, clocks: c.clocksMHz)
            }
        }
        return s
    }

    /// L-Mul over each baseline at every clock both meet.
    func ratioLines(_ rows: [IsoThroughput.Entry], clocks: [Double], per: String) -> String {
        var s = ""
        for (lm, base) in kinds.comparisons {
            var parts: [String] = []
            for mhz in clocks {
                guard let u = rows.first(where: { $0.unit == lm && $0.clockMHz == mhz }), let b = rows.first(where: { $0.unit == base && $0.clockMHz == mhz }),
                      let ua = u.figures?.area, let ba = b.figures?.area, let ue = u.energy, let be = b.energy else { continue }
                parts.append("\(Self.fixed(mhz, 0)) MHz: area \(Self.fixed(ua / ba, 3)), energy/\(per) \(Self.fixed(ue / be, 3))")
            }
            if !parts.isEmpty { s += "- `\(lm)` / `\(base)`: " + parts.joined(separator: "; ") + "\n" }
        }
        return s.isEmpty ? "" : s + "\n"
    }

    /// The 16 x 16 arrays at the clocks their PEs reach, counted by instance as the combinational
    /// arrays are: the clocked PE's energy per MAC plus, per PE, what the combinational array adds to
    /// its PE (each cell's systolic registers and drain stage, the glue), from this report's
    /// combinational rows (10 ns period; that part's leakage is not re-scaled to the clock).
    func arrayLines(_ rows: [IsoThroughput.Entry], clocks: [Double]) -> String {
        var s = ""
        for (lm, base) in kinds.comparisons {
            var parts: [String] = []
            for mhz in clocks {
                func perMAC(_ k: UnitKind) -> (Double, String)? {
                    guard let e = rows.first(where: { $0.unit == k && $0.clockMHz == mhz }), let en = e.energy,
                          let pe = pes.first(where: { $0.unit == k && $0.format == e.format && ($0.accumulation ?? "fixed") == e.accumulation }),
                          let peE = pe.liberty?.energy,
                          let array = arrays.filter({ $0.unit == k && $0.format == e.format && ($0.accumulation ?? "fixed") == e.accumulation })
                            .max(by: { $0.rows * $0.cols < $1.rows * $1.cols }), let aE = array.liberty?.energyPerMAC else { return nil }
                    return (en + (aE - peE), "\(array.rows)x\(array.cols)")
                }
                guard let (u, size) = perMAC(lm), let (b, _) = perMAC(base) else { continue }
                parts.append("\(Self.fixed(mhz, 0)) MHz: \(size) \(Self.fixed(u, 3)) / \(Self.fixed(b, 3)) pJ/MAC = \(Self.fixed(u / b, 3))")
            }
            if !parts.isEmpty { s += "- arrays, `\(lm)` / `\(base)` (PE at the clock + the combinational array's per-PE plumbing and glue, counted by instance): " + parts.joined(separator: "; ") + "\n" }
        }
        return s.isEmpty ? "" : s + "\n"
    }
}

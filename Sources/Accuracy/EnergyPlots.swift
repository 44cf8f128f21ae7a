import Foundation
import Toolchain
import Units
import FloatArith

extension AccuracyReport {
    /// The energy part of section 4: a table and the two energy plots, when the synthesis report
    /// has standard-cell figures.
    func energyMarkdown(_ a: AreaSection) -> String {
        let points = a.points.filter { $0.energy != nil }
        guard !points.isEmpty else { return "" }
        let timed = points.contains { $0.energyTimed != nil }
        var md = "Energy per operation from the same report (standard cells, `osu018_stdcells`, OpenSTA with the activity our simulation measures; see `synth/report.md`)"
        md += timed ? ": `zero delay` from zero-delay activity (every net changes at most once per operation), `timed` from the report's timed simulation with OpenSTA's SDF delays, every glitch counted (its section \"Energy with glitches\": 500 operations, Icarus Verilog; `energy_timed_pj`):\n\n" : ":\n\n"
        md += Self.table(timed ? ["module", "zero delay (pJ/op)", "timed (pJ/op)", "mean rel. error"] : ["module", "energy (pJ/op)", "mean rel. error"],
                         points.map { p in
                             var row = ["`\(p.module)`", String(format: "%.3f", p.energy!)]
                             if timed { row.append(p.energyTimed.map { String(format: "%.3f", $0) } ?? "—") }
                             return row + [percentText(p.meanRelativeError)]
                         },
                         align: timed ? [false, true, true, true] : [false, true, true]) + "\n"
        md += "![Energy per operation against mean relative error](\(Self.energyScatterFile))\n\n"
        if timed { md += "Filled markers: zero-delay energy; hollow markers joined to them: the same unit's timed energy.\n\n" }
        if let pes = a.peEnergy, !pes.isEmpty {
            md += "PE energy per MAC, split into the multiplier (synthesised alone on the same operands), the accumulator logic and the registers"
            md += pes.contains { $0.timed != nil } ? "; the hollow marker over each bar is the PE's timed energy per MAC (SDF delays, glitches counted, on the timed section's 500-beat sample):\n\n" : ":\n\n"
            md += "![PE energy per MAC by part](\(Self.peEnergyFile))\n\n"
        }
        return md
    }
}

extension AccuracyPlots {
    /// Energy per operation (x) against mean relative error (y), one point per unit.
    public static func energyScatter(_ area: AccuracyReport.AreaSection, kinds: [UnitKind] = UnitKind.allCases) -> String? {
        guard area.present else { return nil }
        let pts = area.points.compactMap { p in p.energy.map { e -> AccuracyReport.AreaPoint in var q = p; q.transistors = e; return q } }
        guard !pts.isEmpty else { return nil }
        var section = area
        section.points = pts
        var timed: [String: Double] = [:]
        for p in pts { if let t = p.energyTimed { timed[p.module] = t } }
        return areaScatter(section, title: "Energy per operation against mean relative error, one point per unit",
                           subtitle: "energy: \(area.source) (standard cells, OpenSTA, measured activity)" + (timed.isEmpty ? "" : "; filled: zero-delay activity, hollow: timed (SDF delays, glitches counted)")
                               + "; error: exhaustive, every in-range pair of normal inputs",
                           xLabel: "energy per operation (pJ)", kinds: kinds, hollow: timed)
    }

    /// A stacked bar per PE: multiplier, accumulator and register energy per MAC.
    public static func peEnergyBars(_ area: AccuracyReport.AreaSection) -> String? {
        guard let pes = area.peEnergy, !pes.isEmpty else { return nil }
        let left = 80.0, right = 180.0, top = 50.0, bottom = 60.0, plotHeight = 320.0, barWidth = 70.0, gap = 40.0
        let plotWidth = Double(pes.count) * (barWidth + gap) + gap
        var svg = SVGDocument(width: left + plotWidth + right, height: top + plotHeight + bottom)
        svg.text("PE energy per MAC by part (standard cells, e4m3)", x: left, y: 20, size: 14, bold: true)
        svg.text("source: \(area.source); the multiplier is the unit synthesised alone on the same operands", x: left, y: 36, size: 10, fill: "#444")
        let totals = pes.map { $0.multiplier + $0.accumulator + $0.registers }
        let yMax = ((totals + pes.compactMap(\.timed)).max() ?? 1) * 1.1
        let ticks = niceTicks(0, yMax)
        let yTop = ticks.last! < yMax ? ticks.last! + (ticks.count > 1 ? ticks[1] - ticks[0] : yMax) : ticks.last!
        func py(_ y: Double) -> Double { top + plotHeight - y / yTop * plotHeight }
        svg.rect(x: left, y: top, width: plotWidth, height: plotHeight, fill: "#fafafa", stroke: "#ccc")
        for t in niceTicks(0, yTop) {
            svg.line(left, py(t), left + plotWidth, py(t), stroke: "#e0e0e0", width: 0.5)
            svg.text(tickLabel(t), x: left - 6, y: py(t) + 4, size: 10, anchor: .end)
        }
        let parts: [(String, String, (AccuracyReport.PEEnergy) -> Double)] = [
            ("multiplier", "#d62728", { $0.multiplier }), ("accumulator logic", "#1f77b4", { $0.accumulator }), ("registers (clock included)", "#7f7f7f", { $0.registers })]
        for (i, p) in pes.enumerated() {
            let x = left + gap + Double(i) * (barWidth + gap)
            var base = 0.0
            for (_, color, value) in parts {
                let v = max(0, value(p))
                svg.rect(x: x, y: py(base + v), width: barWidth, height: py(base) - py(base + v), fill: color, stroke: "#000")
                base += v
            }
            if let t = p.timed {
                // the timed energy per MAC: a hollow marker on a dashed line across the bar
                svg.line(x - 6, py(t), x + barWidth + 6, py(t), stroke: "#000", width: 1, dash: "4,3")
                svg.circle(cx: x + barWidth / 2, cy: py(t), r: 5, fill: "#fff", stroke: "#000")
                svg.text(String(format: "timed %.1f", t), x: x + barWidth / 2, y: py(t) - 8, size: 10, anchor: .middle)
            }
            svg.text(String(format: "%.1f pJ", totals[i]), x: x + barWidth / 2, y: py(base) - 5, size: 10, anchor: .middle)
            svg.text(p.unit, x: x + barWidth / 2, y: top + plotHeight + 16, size: 11, anchor: .middle)
        }
        for (k, (name, color, _)) in parts.enumerated() {
            let y = top + 10 + Double(k) * 20
            svg.rect(x: left + plotWidth + 15, y: y, width: 12, height: 12, fill: color, stroke: "#000")
            svg.text(name, x: left + plotWidth + 32, y: y + 10, size: 11)
        }
        if pes.contains(where: { $0.timed != nil }) {
            let y = top + 10 + Double(parts.count) * 20
            svg.circle(cx: left + plotWidth + 21, cy: y + 6, r: 5, fill: "#fff", stroke: "#000")
            svg.text("timed (SDF, glitches)", x: left + plotWidth + 32, y: y + 10, size: 11)
        }
        svg.text("PE (multiplier unit)", x: left + plotWidth / 2, y: top + plotHeight + 40, size: 11, anchor: .middle)
        svg.text("energy per MAC (pJ)", x: 20, y: top + plotHeight / 2, size: 11, anchor: .middle, rotate: -90)
        return svg.render()
    }
}

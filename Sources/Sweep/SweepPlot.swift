import Accuracy
import Foundation
import Toolchain
import Units

/// The drawing both sweep reports share (`docs/plots/sweep-pareto.svg` and the MX families'
/// `docs/plots/sweep-mx-pareto.svg`): a legend of units, and one log-log panel of cost against
/// error with its frontier as a staircase, L-Mul points ringed, frontier members labelled where
/// their labels fit.
enum SweepPlot {
    struct Point {
        var id: String
        var unit: UnitKind
        var cost: Double
        var error: Double
    }

    /// One coloured dot and name per unit, left to right from `left` at height `y`.
    static func legend(_ svg: inout SVGDocument, units: [UnitKind], kinds: [UnitKind], left: Double, y: Double) {
        var lx = left
        for u in units.map(\.rawValue) {
            let colour = AccuracyPlots.colour(u, in: kinds)
            svg.circle(cx: lx + 5, cy: y, r: 5, fill: colour)
            svg.text(u, x: lx + 14, y: y + 4, size: 12)
            lx += 14 + Double(u.count) * 7.5 + 24
        }
    }

    /// Powers of ten and their 2x and 5x multiples within [lo, hi].
    static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        var out: [Double] = []
        var p = pow(10, (log10(lo)).rounded(.down))
        while p <= hi {
            for m in [1.0, 2, 3, 5] where m * p >= lo && m * p <= hi { out.append(m * p) }
            p *= 10
        }
        return out
    }

    static func tick(_ x: Double, percent: Bool) -> String {
        if percent { return String(format: "%g%%", 100 * x) }
        return x >= 1000 ? groupedCount(Int(x)) : String(format: "%g", x)
    }

    /// The panel of `points` (those with a positive, finite error and a positive cost are drawn),
    /// the frontier `members` (by increasing cost) joined as a staircase.
    static func panel(_ svg: inout SVGDocument, points all: [Point], members frontier: [String], kinds: [UnitKind],
                      costLabel: String, errorLabel: String, title: String, x0: Double, y0: Double, w: Double, h: Double) {
        let pts = all.filter { $0.error > 0 && $0.error.isFinite && $0.cost > 0 && $0.cost.isFinite }
        guard let minC = pts.map(\.cost).min(), let maxC = pts.map(\.cost).max(),
              let minE = pts.map(\.error).min(), let maxE = pts.map(\.error).max() else { return }
        let (cl, ch) = (log10(minC) - 0.05, log10(maxC) + 0.05)
        let (el, eh) = (log10(minE) - 0.1, log10(maxE) + 0.1)
        func px(_ v: Double) -> Double { x0 + (log10(v) - cl) / (ch - cl) * w }
        func py(_ v: Double) -> Double { y0 + h - (log10(v) - el) / (eh - el) * h }
        func point(_ id: String) -> Point { pts.first { $0.id == id }! }
        svg.rect(x: x0, y: y0, width: w, height: h, fill: "#fafafa", stroke: "#ccc")
        for t in logTicks(pow(10, cl), pow(10, ch)) {
            svg.line(px(t), y0, px(t), y0 + h, stroke: "#e6e6e6", width: 0.5)
            svg.text(tick(t, percent: false), x: px(t), y: y0 + h + 14, size: 10, anchor: .middle)
        }
        for t in logTicks(pow(10, el), pow(10, eh)) {
            svg.line(x0, py(t), x0 + w, py(t), stroke: "#e6e6e6", width: 0.5)
            svg.text(tick(t, percent: true), x: x0 - 5, y: py(t) + 3, size: 10, anchor: .end)
        }
        svg.text("\(costLabel), log scale", x: x0 + w / 2, y: y0 + h + 32, size: 12, anchor: .middle)
        svg.text("\(errorLabel), log scale", x: x0 - 52, y: y0 + h / 2, size: 12, anchor: .middle, rotate: -90)
        svg.text(title, x: x0, y: y0 - 8, size: 13, bold: true)
        // The frontier as a staircase: from each member across to the next one's cost, then down.
        let members = frontier.filter { id in pts.contains { $0.id == id } }
        var path: [String] = []
        for (k, id) in members.enumerated() {
            let v = point(id)
            path.append("\(SVGDocument.number(px(v.cost))),\(SVGDocument.number(py(v.error)))")
            if k + 1 < members.count {
                let next = point(members[k + 1])
                path.append("\(SVGDocument.number(px(next.cost))),\(SVGDocument.number(py(v.error)))")
            }
        }
        svg.element("polyline", [("points", path.joined(separator: " ")), ("fill", "none"), ("stroke", "#000"), ("stroke-width", "1.2")])
        for v in pts {
            let lmul = kinds.lmulForms.contains(v.unit)
            svg.circle(cx: px(v.cost), cy: py(v.error), r: lmul ? 4.5 : 3.5, fill: AccuracyPlots.colour(v.unit.rawValue, in: kinds), stroke: lmul ? "#000" : nil)
        }
        // Frontier labels where they fit: beside the point (right above, right below, left above,
        // left below), never over another label or outside the panel; a crowded member stays unlabelled.
        var placed: [(x0: Double, y0: Double, x1: Double, y1: Double)] = []
        for id in members {
            let v = point(id)
            let (x, y) = (px(v.cost), py(v.error))
            let width = Double(id.count) * 5.1, height = 9.0
            for (dx, dy, anchor) in [(6.0, -5.0, SVGDocument.Anchor.start), (6, 12, .start), (-6, -5, .end), (-6, 12, .end)] {
                let start = anchor == .start ? x + dx : x + dx - width
                let box = (x0: start, y0: y + dy - height, x1: start + width, y1: y + dy + 2)
                guard box.x0 >= x0, box.x1 <= x0 + w, box.y0 >= y0, box.y1 <= y0 + h else { continue }
                if placed.contains(where: { $0.x0 < box.x1 && box.x0 < $0.x1 && $0.y0 < box.y1 && box.y0 < $0.y1 }) { continue }
                placed.append(box)
                svg.text(id, x: x + dx, y: y + dy, size: 9, anchor: anchor, fill: "#333")
                break
            }
        }
    }
}

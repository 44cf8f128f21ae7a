import Foundation
import Toolchain
import Units
import FloatArith

/// A small SVG writer: elements appended in order, numbers printed with two decimals, text
/// escaped. The output is a standalone SVG 1.1 document (well-formed XML).
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    private var elements: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// `x` with two decimals, without a trailing `.00` and never `-0`.
    public static func number(_ x: Double) -> String {
        precondition(x.isFinite, "SVG coordinate is not finite")
        var s = String(format: "%.2f", x)
        if s.hasSuffix(".00") { s.removeLast(3) } else if s.hasSuffix("0") && s.contains(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    private static func attributes(_ attrs: [(String, String)]) -> String {
        attrs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    public mutating func element(_ name: String, _ attrs: [(String, String)], text: String? = nil) {
        if let text {
            elements.append("<\(name)\(Self.attributes(attrs))>\(Self.escape(text))</\(name)>")
        } else {
            elements.append("<\(name)\(Self.attributes(attrs))/>")
        }
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil) {
        var a = [("x", Self.number(x)), ("y", Self.number(y)), ("width", Self.number(width)), ("height", Self.number(height)), ("fill", fill)]
        if let stroke { a.append(("stroke", stroke)) }
        element("rect", a)
    }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#000", width: Double = 1, dash: String? = nil) {
        var a = [("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)), ("y2", Self.number(y2)),
                 ("stroke", stroke), ("stroke-width", Self.number(width))]
        if let dash { a.append(("stroke-dasharray", dash)) }
        element("line", a)
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil) {
        var a = [("cx", Self.number(cx)), ("cy", Self.number(cy)), ("r", Self.number(r)), ("fill", fill)]
        if let stroke { a.append(("stroke", stroke)) }
        element("circle", a)
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 11, anchor: Anchor = .start,
                              rotate: Double? = nil, bold: Bool = false, fill: String = "#000") {
        var a = [("x", Self.number(x)), ("y", Self.number(y)), ("font-size", Self.number(size)), ("text-anchor", anchor.rawValue), ("fill", fill)]
        if bold { a.append(("font-weight", "bold")) }
        if let rotate { a.append(("transform", "rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))")) }
        element("text", a, text: s)
    }

    public func render() -> String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
        s += " viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"#fff\"/>\n"
        for e in elements { s += e + "\n" }
        return s + "</svg>\n"
    }
}

/// Axis ticks at 1, 2 or 5 times a power of ten.
func niceTicks(_ low: Double, _ high: Double, target: Int = 5) -> [Double] {
    precondition(high > low)
    let raw = (high - low) / Double(target)
    let mag = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
    var ticks: [Double] = []
    var k = (low / step).rounded(.up)
    while k * step <= high + step * 1e-9 {
        ticks.append(k * step)
        k += 1
    }
    return ticks
}

/// Tick label: the shortest of `%g`-style renderings.
func tickLabel(_ x: Double) -> String {
    let s = String(format: "%.6g", x)
    return s == "-0" ? "0" : s
}

public enum AccuracyPlots {
    /// A unit's plot colour (its role), by the name a row carries; grey for a name not in `kinds`.
    public static func colour(_ unit: String, in kinds: [UnitKind] = UnitKind.allCases) -> String {
        kinds.named(unit)?.plotColour ?? "#333"
    }

    /// One panel per method: the share of pairs in each signed-relative-error bin.
    public static func histogram(_ h: AccuracyReport.HistogramSection, kinds: [UnitKind] = UnitKind.allCases) -> String {
        let left = 70.0, right = 20.0, top = 40.0, panelHeight = 110.0, gap = 30.0, bottom = 50.0
        let plotWidth = 640.0
        let n = Double(h.rows.count)
        var svg = SVGDocument(width: left + plotWidth + right, height: top + n * panelHeight + (n - 1) * gap + bottom)
        svg.text("Signed relative error of every in-range pair of normal \(h.format) inputs, per method", x: left, y: 22, size: 14, bold: true)
        let lowPct = h.low * 100, highPct = h.high * 100
        func xOf(_ pctValue: Double) -> Double { left + (pctValue - lowPct) / (highPct - lowPct) * plotWidth }
        let ticks = niceTicks(lowPct, highPct, target: 8)
        for (i, row) in h.rows.enumerated() {
            let y0 = top + Double(i) * (panelHeight + gap)
            let total = row.counts.reduce(row.below + row.above, +)
            let shares = row.counts.map { total == 0 ? 0 : Double($0) / Double(total) * 100 }
            let maxShare = shares.max() ?? 0
            let yTop = maxShare > 0 ? (niceTicks(0, maxShare, target: 3).last.map { $0 < maxShare ? $0 * 2 : $0 } ?? maxShare) : 1
            let yTicks = niceTicks(0, yTop, target: 3)
            let color = colour(row.method, in: kinds)
            svg.rect(x: left, y: y0, width: plotWidth, height: panelHeight, fill: "#fafafa", stroke: "#ccc")
            for t in yTicks {
                let y = y0 + panelHeight - t / yTop * panelHeight
                svg.line(left, y, left + plotWidth, y, stroke: "#e0e0e0", width: 0.5)
                svg.text(tickLabel(t) + "%", x: left - 5, y: y + 4, size: 9, anchor: .end)
            }
            let binW = plotWidth / Double(row.counts.count)
            for (k, s) in shares.enumerated() where s > 0 {
                let hgt = s / yTop * panelHeight
                svg.rect(x: left + Double(k) * binW, y: y0 + panelHeight - hgt, width: binW, height: hgt, fill: color)
            }
            svg.line(xOf(0), y0, xOf(0), y0 + panelHeight, stroke: "#000", width: 0.8, dash: "3,3")
            var title = row.method
            if row.below > 0 { title += "; \(row.below) pairs below \(tickLabel(lowPct))%" }
            if row.above > 0 { title += "; \(row.above) pairs at or above \(tickLabel(highPct))%" }
            svg.text(title, x: left + 6, y: y0 + 14, size: 11, bold: true, fill: "#222")
            for t in ticks {
                svg.line(xOf(t), y0 + panelHeight, xOf(t), y0 + panelHeight + 4)
                if i == h.rows.count - 1 { svg.text(tickLabel(t) + "%", x: xOf(t), y: y0 + panelHeight + 16, size: 10, anchor: .middle) }
            }
        }
        let yAxisMid = top + (n * panelHeight + (n - 1) * gap) / 2
        svg.text("share of pairs per bin of width \(tickLabel(h.binWidth * 100))%", x: 18, y: yAxisMid, size: 11, anchor: .middle, rotate: -90)
        svg.text("relative error (result - exact) / exact", x: left + plotWidth / 2, y: svg.height - 12, size: 11, anchor: .middle)
        return svg.render()
    }

    /// Transistors (x) against mean relative error over the exhaustive domain (y), one point per unit.
    public static func areaScatter(_ area: AccuracyReport.AreaSection, title: String = "Area against mean relative error, one point per unit",
                                   subtitle: String? = nil, xLabel: String = "transistors", kinds: [UnitKind] = UnitKind.allCases,
                                   hollow: [String: Double] = [:]) -> String? {
        guard area.present, !area.points.isEmpty else { return nil }
        let left = 80.0, right = 30.0, top = 40.0, bottom = 60.0, plotWidth = 600.0, plotHeight = 380.0
        var svg = SVGDocument(width: left + plotWidth + right, height: top + plotHeight + bottom)
        svg.text(title, x: left, y: 20, size: 14, bold: true)
        svg.text(subtitle ?? "area: \(area.source); error: exhaustive, every in-range pair of normal inputs", x: left, y: 34, size: 10, fill: "#444")
        // hollow: a second x per module (the timed energy), drawn as a hollow marker joined to the point
        let xs = area.points.map(\.transistors) + area.points.compactMap { hollow[$0.module] }, ys = area.points.map { $0.meanRelativeError * 100 }
        let xMax = Swift.max(xs.max()! * 1.1, 1), yMax = Swift.max(ys.max()! * 1.15, 1e-9)
        let xTicks = niceTicks(0, xMax), yTicks = niceTicks(0, yMax)
        let xTop = xTicks.last! < xMax ? xTicks.last! + (xTicks.count > 1 ? xTicks[1] - xTicks[0] : xMax) : xTicks.last!
        let yTop = yTicks.last! < yMax ? yTicks.last! + (yTicks.count > 1 ? yTicks[1] - yTicks[0] : yMax) : yTicks.last!
        func px(_ x: Double) -> Double { left + x / xTop * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - y / yTop * plotHeight }
        svg.rect(x: left, y: top, width: plotWidth, height: plotHeight, fill: "#fafafa", stroke: "#ccc")
        for t in niceTicks(0, xTop) {
            svg.line(px(t), top, px(t), top + plotHeight, stroke: "#e0e0e0", width: 0.5)
            svg.text(tickLabel(t), x: px(t), y: top + plotHeight + 16, size: 10, anchor: .middle)
        }
        for t in niceTicks(0, yTop) {
            svg.line(left, py(t), left + plotWidth, py(t), stroke: "#e0e0e0", width: 0.5)
            svg.text(tickLabel(t) + "%", x: left - 6, y: py(t) + 4, size: 10, anchor: .end)
        }
        // Labels: the first of a few positions around the point that overlaps no other label or point.
        struct Box { var x0, y0, x1, y1: Double
            func overlaps(_ o: Box) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
        }
        var taken = area.points.map { p in Box(x0: px(p.transistors) - 5, y0: py(p.meanRelativeError * 100) - 5, x1: px(p.transistors) + 5, y1: py(p.meanRelativeError * 100) + 5) }
        for p in area.points {
            guard let h = hollow[p.module] else { continue }
            let cy = py(p.meanRelativeError * 100)
            svg.line(px(p.transistors), cy, px(h), cy, stroke: colour(p.unit, in: kinds), width: 1)
            svg.circle(cx: px(h), cy: cy, r: 5, fill: "#fff", stroke: colour(p.unit, in: kinds))
            taken.append(Box(x0: px(h) - 5, y0: cy - 5, x1: px(h) + 5, y1: cy + 5))
        }
        for p in area.points {
            let cx = px(p.transistors), cy = py(p.meanRelativeError * 100)
            svg.circle(cx: cx, cy: cy, r: 5, fill: colour(p.unit, in: kinds), stroke: "#000")
            let w = Double(p.module.count) * 5.6, h = 11.0
            let candidates: [(dx: Double, dy: Double, anchor: SVGDocument.Anchor)] =
                [(8, 4, .start), (-8, 4, .end), (8, 16, .start), (-8, 16, .end), (8, -8, .start), (-8, -8, .end), (0, -10, .middle), (0, 20, .middle), (8, 28, .start), (-8, 28, .end)]
            func box(_ c: (dx: Double, dy: Double, anchor: SVGDocument.Anchor)) -> Box {
                let x0 = c.anchor == .start ? cx + c.dx : (c.anchor == .end ? cx + c.dx - w : cx - w / 2)
                return Box(x0: x0, y0: cy + c.dy - h + 2, x1: x0 + w, y1: cy + c.dy + 2)
            }
            let choice = candidates.first { c in
                let b = box(c)
                return b.x0 >= left && b.x1 <= left + plotWidth && b.y0 >= top && b.y1 <= top + plotHeight && !taken.contains { $0.overlaps(b) }
            } ?? candidates[0]
            taken.append(box(choice))
            svg.text(p.module, x: cx + choice.dx, y: cy + choice.dy, size: 10, anchor: choice.anchor)
        }
        svg.text(xLabel, x: left + plotWidth / 2, y: top + plotHeight + 40, size: 11, anchor: .middle)
        svg.text("mean relative error", x: 20, y: top + plotHeight / 2, size: 11, anchor: .middle, rotate: -90)
        return svg.render()
    }
}

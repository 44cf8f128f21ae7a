import Foundation

/// A fixed-width text table with right-aligned numbers.
public struct TextTable {
    public var header: [String]
    public var rows: [[String]] = []
    public var rightAligned: Set<Int>

    public init(header: [String], rightAligned: Set<Int>) {
        self.header = header
        self.rightAligned = rightAligned
    }

    public func widths() -> [Int] {
        header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max()! }
    }

    public func line(_ cells: [String], widths: [Int]) -> String {
        cells.enumerated().map { i, c in
            let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
            return rightAligned.contains(i) ? pad + c : c + pad
        }.joined(separator: "  ").trimmingTrailingSpaces()
    }

    public func render() -> String {
        let w = widths()
        return ([line(header, widths: w)] + rows.map { line($0, widths: w) }).joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// "1,234,567": an integer with its thousands grouped, as the reports print counts.
public func groupedCount(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + String(out.reversed())
}

/// "3.21M", "850k", "42": a compact rate.
public func compactCount(_ x: Double) -> String {
    if x >= 1e9 { return String(format: "%.2fG", x / 1e9) }
    if x >= 1e6 { return String(format: "%.2fM", x / 1e6) }
    if x >= 1e3 { return String(format: "%.1fk", x / 1e3) }
    return String(format: "%.0f", x)
}

/// The one JSON layout of every file the project writes (manifests, reports, sweep plans and
/// results): pretty-printed, keys sorted, slashes unescaped, a final newline. The same value is the
/// same bytes on every machine.
public func canonicalJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value) + Data("\n".utf8)
}

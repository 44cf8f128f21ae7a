import Foundation

/// FNV-1a, 64 bit: a stable content hash for build caches (not for security).
public struct ContentHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public init() {}
    public mutating func add(_ data: Data) {
        for byte in data {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
    }
    public mutating func add(_ string: String) { add(Data(string.utf8)); add(Data([0])) }
    public mutating func add(file path: String) throws { add(try Data(contentsOf: URL(fileURLWithPath: path))) }
    public var hex: String { String(value, radix: 16) }
}

/// Progress for long runs: a self-overwriting line on a terminal, occasional plain lines otherwise.
public final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let isTTY = isatty(2) != 0
    private var lastPrinted = Date.distantPast
    private var lastFraction = -1.0
    private let label: String
    private let quiet: Bool

    public init(_ label: String, quiet: Bool = false) {
        self.label = label
        self.quiet = quiet
    }

    /// Reports `done` of `total`; prints at most every half second (tty) or every 10% (log).
    public func update(done: Double, total: Double, detail: String = "") {
        if quiet { return }
        lock.lock()
        defer { lock.unlock() }
        let fraction = total > 0 ? done / total : 1
        let now = Date()
        if isTTY {
            guard now.timeIntervalSince(lastPrinted) >= 0.5 || fraction >= 1 else { return }
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(fraction * 100))% \(detail)\u{1B}[K".utf8))
        } else {
            guard fraction - lastFraction >= 0.1 || (fraction >= 1 && lastFraction < 1) else { return }
            lastFraction = fraction
            FileHandle.standardError.write(Data("\(label) \(Int(fraction * 100))% \(detail)\n".utf8))
        }
        lastPrinted = now
    }

    public func finish() {
        if quiet { return }
        lock.lock()
        defer { lock.unlock() }
        if isTTY { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

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

/// "3.21M", "850k", "42": a compact rate.
public func compactCount(_ x: Double) -> String {
    if x >= 1e9 { return String(format: "%.2fG", x / 1e9) }
    if x >= 1e6 { return String(format: "%.2fM", x / 1e6) }
    if x >= 1e3 { return String(format: "%.1fk", x / 1e3) }
    return String(format: "%.0f", x)
}

public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// A value shared between threads, guarded by a lock.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    public init(_ value: Value) { self.value = value }
    @discardableResult
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

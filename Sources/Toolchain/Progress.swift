import Foundation

/// The one progress reporter for long runs, on standard error (never in a report): a line
/// redrawn in place on a terminal (at most every half second), otherwise a plain line every 10%.
/// Shows the fraction done, the caller's detail, the time elapsed and an estimate of the time left.
public final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let isTTY = isatty(2) != 0
    private let start = monotonicSeconds()
    private var lastPrinted = -Double.infinity
    private var lastTenth = -1
    private var finished = false
    private let label: String
    private let quiet: Bool

    public init(_ label: String, quiet: Bool = false) {
        self.label = label
        self.quiet = quiet
    }

    /// Reports `done` of `total`.
    public func update(done: Double, total: Double, detail: String = "") {
        if quiet { return }
        lock.lock()
        defer { lock.unlock() }
        let fraction = total > 0 ? min(1, done / total) : 1
        let now = monotonicSeconds()
        if isTTY {
            guard now - lastPrinted >= 0.5 || fraction >= 1 else { return }
        } else {
            let tenth = Int(fraction * 10)
            guard tenth > lastTenth else { return }
            lastTenth = tenth
        }
        lastPrinted = now
        let elapsed = now - start
        let left = done > 0 ? elapsed * (total - done) / done : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = "\(label) [\(bar)] \(Int(fraction * 100))%" + (detail.isEmpty ? "" : " \(detail)")
            + String(format: ", %.0f s elapsed, ~%.0f s left", elapsed, left)
        StandardStreams.writeError(Data((isTTY ? "\r\(line)\u{1B}[K" : "\(line)\n").utf8))
    }

    public func update(done: Int, total: Int, detail: String = "") {
        update(done: Double(done), total: Double(total), detail: detail)
    }

    /// Ends the redrawn line (once; harmless when nothing was drawn or not a terminal).
    public func finish() {
        if quiet { return }
        lock.lock()
        defer { lock.unlock() }
        if isTTY && !finished && lastPrinted > -Double.infinity { StandardStreams.writeError(Data("\n".utf8)) }
        finished = true
    }
}

import Foundation

/// Runs `count` independent chunks of work on `jobs` threads and returns their results in chunk
/// order. Which thread runs which chunk depends on timing, but a chunk's result does not, and the
/// caller merges results in chunk order: the output is the same bytes for any `jobs`.
public enum DeterministicParallel {
    /// Reports progress as chunks finish: (chunks done, chunks in all).
    public typealias Progress = @Sendable (Int, Int) -> Void

    public static func map<T: Sendable>(chunks count: Int, jobs: Int, progress: Progress? = nil,
                                        _ body: @Sendable (Int) -> T) -> [T] {
        let box = ResultBox<T>(count: count)
        let workers = Swift.max(1, Swift.min(jobs, count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = box.claim() {
                let r = body(i)
                let done = box.store(r, at: i)
                progress?(done, count)
            }
        }
        return box.results()
    }

    /// Results written by index from several threads; every access is under the lock.
    private final class ResultBox<T>: @unchecked Sendable {
        private var slots: [T?]
        private var next = 0
        private var done = 0
        private let lock = NSLock()

        init(count: Int) { slots = [T?](repeating: nil, count: count) }

        func claim() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }

        func store(_ r: T, at i: Int) -> Int {
            lock.lock(); defer { lock.unlock() }
            slots[i] = r
            done += 1
            return done
        }

        func results() -> [T] {
            lock.lock(); defer { lock.unlock() }
            return slots.map { $0! }
        }
    }
}

/// A one-line progress bar on standard error, redrawn in place on a terminal and printed every
/// 10% otherwise. Never written into the report.
public final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private let start = Date()
    private let isTTY = isatty(2) != 0
    private var lastShown = -1

    public init(_ label: String) { self.label = label }

    public func update(_ done: Int, _ total: Int) {
        lock.lock(); defer { lock.unlock() }
        let permille = total == 0 ? 1000 : done * 1000 / total
        let step = isTTY ? permille : permille / 100 * 100
        guard step != lastShown else { return }
        lastShown = step
        let elapsed = Date().timeIntervalSince(start)
        let eta = done == 0 ? 0 : elapsed * Double(total - done) / Double(done)
        let width = 30
        let filled = permille * width / 1000
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "\(label) [\(bar)] " + String(format: "%5.1f%%  %.0f s elapsed, ~%.0f s left", Double(permille) / 10, elapsed, eta)
        FileHandle.standardError.write(Data((isTTY ? "\r\(line)" : "\(line)\n").utf8))
        if isTTY && done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

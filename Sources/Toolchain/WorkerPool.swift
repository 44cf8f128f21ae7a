import Foundation

/// The one worker pool: `jobs` threads, each taking the next index until none is left, results
/// returned in index order. Which thread runs which index depends on timing, but a result does
/// not, and callers merge results in index order: the output is the same bytes for any `jobs`.
/// Used for model builds, mutants, synthesis runs, exhaustive streaming and the accuracy chunks.
public enum WorkerPool {
    /// Called as work items finish: (items done, items in all).
    public typealias OnDone = @Sendable (_ done: Int, _ total: Int) -> Void

    public static func map<T: Sendable>(_ count: Int, jobs: Int, progress: OnDone? = nil,
                                        _ body: @escaping @Sendable (Int) -> T) -> [T] {
        map(count, jobs: jobs, progress: progress, worker: {}, body: { _, i in body(i) })
    }

    /// With per-worker state: `worker` makes it on the worker's thread before its first item
    /// (a simulator model, scratch buffers), every item of that worker gets it, and `finish`
    /// releases it after the last.
    public static func map<State, T: Sendable>(_ count: Int, jobs: Int, progress: OnDone? = nil,
                                               worker: @escaping @Sendable () -> State,
                                               finish: @escaping @Sendable (inout State) -> Void = { _ in },
                                               body: @escaping @Sendable (inout State, Int) -> T) -> [T] {
        let box = ResultBox<T>(count: count)
        let group = DispatchGroup()
        for _ in 0..<Swift.max(1, Swift.min(jobs, count)) {
            group.enter()
            Thread.detachNewThread {
                var state = worker()
                while let i = box.claim() {
                    let done = box.store(body(&state, i), at: i)
                    progress?(done, count)
                }
                finish(&state)
                group.leave()
            }
        }
        group.wait()
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

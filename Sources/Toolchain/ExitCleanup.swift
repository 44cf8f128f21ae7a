import Foundation

/// Scratch paths a run must not leave behind when it is stopped by a signal (a lock file, an
/// uncommitted staging directory, a temporary file): registered while they exist, removed by the
/// signal handler after the child processes are stopped and before rtlgen exits. A normal run
/// removes its own and unregisters them; SIGKILL cannot be caught, and the next run into the same
/// directory removes what a killed run left.
public enum ExitCleanup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: [Int: String] = [:]
    nonisolated(unsafe) private static var next = 0

    /// Registers `path` for removal at a signal exit; returns the token that unregisters it.
    public static func add(_ path: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        paths[next] = path
        return next
    }

    public static func remove(_ token: Int) {
        lock.lock()
        paths[token] = nil
        lock.unlock()
    }

    /// Removes every registered path (files and directory trees), newest first.
    public static func runAll() {
        lock.lock()
        let all = paths.sorted { $0.key > $1.key }.map(\.value)
        paths = [:]
        lock.unlock()
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}

import Foundation

/// An exclusive `flock` on a lock file, held until `release()` (or until the process dies, when
/// the kernel drops it): the one lock of the code base. The file is removed on release, and by
/// ExitCleanup when a signal stops the run; a waiter that then holds a lock on the removed file
/// notices (its inode is no longer the path's) and retries. Users: `rtlgen sweep run` holds one
/// per job on the job's build files in `work/` (two runs of one share, a Slurm requeue, never
/// build into the same directory at once); the cost cache one per job it measures
/// (`<cache>/.locks/<key>.lock`); the output writer one per directory whose manifest it merges
/// (`.manifest.json.lock`); the Verilator runtime build one beside the runtime.
///
/// SIGKILL cannot be caught, so a killed run leaves its lock file behind, unheld. Such a file is
/// harmless (the next run that locks it holds it at once and removes it on release), and
/// `removeStale(in:)` clears every one in a directory of lock files: it takes each file's lock
/// without waiting and, when it gets it, removes the file while holding it, exactly as `release`
/// does, so a run holding a lock is never disturbed and a waiter on a removed file retries.
public final class FileLock {
    public let path: String
    private var fd: Int32 = -1
    private var cleanup: Int?

    /// Blocks until the lock on `path` is held; creates the file (not its directory). A failure
    /// to create or lock it is one line: "cannot lock <path>: <why>; <advice>".
    public init(_ path: String, advice: String = "check that its directory is writable") throws {
        self.path = path
        while true {
            let f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard f >= 0 else { throw HarnessError("cannot lock \(path): \(StandardStreams.plainError(errno)); \(advice)") }
            while flock(f, LOCK_EX) != 0 {
                if errno != EINTR {
                    let e = errno
                    close(f)
                    throw HarnessError("cannot lock \(path): \(StandardStreams.plainError(e))")
                }
            }
            if Self.stillNamed(path, f) {
                fd = f
                cleanup = ExitCleanup.add(path)
                return
            }
            close(f)
        }
    }

    /// Whether the file open on `fd` is still the one `path` names.
    static func stillNamed(_ path: String, _ fd: Int32) -> Bool {
        var held = stat(), current = stat()
        return fstat(fd, &held) == 0 && stat(path, &current) == 0 && held.st_ino == current.st_ino && held.st_dev == current.st_dev
    }

    public func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
        if let cleanup { ExitCleanup.remove(cleanup) }
        cleanup = nil
    }

    deinit { release() }

    /// Removes the lock files (`*.lock`) in `directory` that no process holds (left by a killed
    /// run); returns how many. Never waits: a held lock is skipped.
    @discardableResult
    public static func removeStale(in directory: String) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var removed = 0
        for name in names where name.hasSuffix(".lock") {
            let path = (directory as NSString).appendingPathComponent(name)
            let f = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
            guard f >= 0 else { continue }
            if flock(f, LOCK_EX | LOCK_NB) == 0, stillNamed(path, f) {
                unlink(path)
                removed += 1
            }
            close(f)
        }
        return removed
    }
}

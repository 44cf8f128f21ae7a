import Foundation

/// An exclusive `flock` on a lock file, held until `release()` (or until the process dies, when
/// the kernel drops it). The file is removed on release, and by ExitCleanup when a signal stops
/// the run; a waiter that then holds a lock on the removed file notices (its inode is no longer
/// the path's) and retries. `rtlgen sweep run` holds one per job on the job's build files in
/// `work/`, so two runs of one share (a Slurm requeue) never build into the same directory at once.
public final class FileLock {
    public let path: String
    private var fd: Int32 = -1
    private var cleanup: Int?

    /// Blocks until the lock on `path` is held; creates the file (not its directory).
    public init(_ path: String) throws {
        self.path = path
        while true {
            let f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard f >= 0 else { throw HarnessError("cannot lock \(path): \(StandardStreams.plainError(errno)); check that its directory is writable") }
            while flock(f, LOCK_EX) != 0 {
                if errno != EINTR {
                    let e = errno
                    close(f)
                    throw HarnessError("cannot lock \(path): \(StandardStreams.plainError(e))")
                }
            }
            var held = stat(), current = stat()
            if fstat(f, &held) == 0 && stat(path, &current) == 0 && held.st_ino == current.st_ino && held.st_dev == current.st_dev {
                fd = f
                cleanup = ExitCleanup.add(path)
                return
            }
            close(f)
        }
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
}

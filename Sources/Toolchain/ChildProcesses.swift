import Foundation

/// Every tool rtlgen has started and not yet reaped, by process group. `installSignalHandlers`
/// (called once by the executable) makes SIGINT, SIGTERM and SIGHUP stop them all before rtlgen
/// exits, so no simulator, build or synthesis run outlives the command that started it.
public enum ChildProcesses {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var groups = Set<pid_t>()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var stopping: Int32?

    /// The signal rtlgen is stopping for, if it is: the command's own outcome no longer counts
    /// (its tools were stopped under it), the handler exits with 128 + the signal.
    public static var stopSignal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    static func register(_ pgid: pid_t) {
        lock.lock()
        groups.insert(pgid)
        lock.unlock()
    }

    static func unregister(_ pgid: pid_t) {
        lock.lock()
        groups.remove(pgid)
        lock.unlock()
    }

    /// The process groups running now.
    public static var running: [pid_t] {
        lock.lock()
        defer { lock.unlock() }
        return Array(groups)
    }

    /// SIGTERM to every group, then SIGKILL to any still there a moment later.
    public static func stopAll() {
        let all = running
        for g in all { kill(-g, SIGTERM) }
        let deadline = monotonicSeconds() + 1.0
        while monotonicSeconds() < deadline, all.contains(where: { kill(-$0, 0) == 0 }) { usleep(10_000) }
        for g in all where kill(-g, 0) == 0 { kill(-g, SIGKILL) }
    }

    /// On SIGINT, SIGTERM or SIGHUP: stop every child group, then exit with 128 + the signal.
    public static func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                lock.lock()
                stopping = sig
                lock.unlock()
                stopAll()
                ExitCleanup.runAll()
                exit(128 + sig)
            }
            source.resume()
            lock.lock()
            sources.append(source)
            lock.unlock()
        }
    }
}

/// A child started with posix_spawn in a process group of its own, its output read as it runs.
final class SpawnedProcess: @unchecked Sendable {
    let pid: pid_t
    private var stdinFD: Int32 = -1
    private let done = DispatchSemaphore(value: 0)
    private let readers = DispatchGroup()
    private var status: Int32 = -1
    private var out = Data(), err = Data()

    init(_ exe: String, _ arguments: [String], directory: String?, environment: [String: String], stdin: Bool) throws {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0], inPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0, !stdin || pipe(&inPipe) == 0 else {
            throw HarnessError("cannot start \(exe): no pipes left (\(String(cString: strerror(errno))))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if stdin {
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
            posix_spawn_file_actions_addclose(&actions, inPipe[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in [outPipe[0], outPipe[1], errPipe[0], errPipe[1]] + (stdin ? [inPipe[0]] : []) {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        if let directory {
            // glibc's posix_spawn_file_actions_addchdir_np (2.29+), which the Swift overlay does not import
            guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
                throw HarnessError("cannot start \(exe) in \(directory): this C library has no posix_spawn_file_actions_addchdir_np")
            }
            typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
            _ = unsafeBitCast(sym, to: AddChdir.self)(&actions, directory)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // its own process group (pgid = its pid), default signal handling (rtlgen ignores some)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, exe, &actions, &attributes, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        if stdin { close(inPipe[0]) }
        guard rc == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            if stdin { close(inPipe[1]) }
            throw HarnessError("cannot start \(exe): \(String(cString: strerror(rc)))")
        }
        pid = child
        stdinFD = stdin ? inPipe[1] : -1
        ChildProcesses.register(child)
        read(outPipe[0]) { self.out = $0 }
        read(errPipe[0]) { self.err = $0 }
        Thread.detachNewThread { [self] in
            var st: Int32 = 0
            while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS, WTERMSIG by hand (the macros are not imported)
            status = (st & 0x7F) == 0 ? (st >> 8) & 0xFF : 128 + (st & 0x7F)
            done.signal()
        }
    }

    private func read(_ fd: Int32, _ store: @escaping @Sendable (Data) -> Void) {
        readers.enter()
        Thread.detachNewThread { [readers] in
            let data = FileHandle(fileDescriptor: fd, closeOnDealloc: true).readDataToEndOfFile()
            store(data)
            readers.leave()
        }
    }

    func write(_ data: Data) {
        guard stdinFD >= 0 else { return }
        data.withUnsafeBytes { buf in
            guard let base = buf.baseAddress else { return }
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(stdinFD, base + offset, buf.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                offset += n
            }
        }
        close(stdinFD)
        stdinFD = -1
    }

    /// Whether the child exited within `seconds` (the exit stays signalled for `finish`).
    func wait(seconds: Double) -> Bool {
        guard done.wait(timeout: .now() + seconds) == .success else { return false }
        done.signal()
        return true
    }

    /// Terminates the child's group, then kills it if it lingers.
    func stop() {
        kill(-pid, SIGTERM)
        if done.wait(timeout: .now() + 2) == .timedOut { kill(-pid, SIGKILL) } else { done.signal() }
        // the group's other members (a build's compilers) go too
        kill(-pid, SIGKILL)
    }

    /// Waits for the exit and the output; the group is no longer tracked.
    func finish() -> (Int32, Data, Data) {
        done.wait()
        done.signal()
        // grandchildren that kept the pipes open are gone with the group
        if readers.wait(timeout: .now() + 5) == .timedOut { kill(-pid, SIGKILL) }
        readers.wait()
        ChildProcesses.unregister(pid)
        return (status, out, err)
    }
}

import Foundation
import Toolchain
import Units
import FloatArith
#if canImport(Glibc)
import Glibc
#endif

/// A user-facing failure: one line saying what is wrong and what to do.

/// Writes output files so that a reader never sees a truncated file under its final name, never
/// replaces anything but a regular file, and never loses another run's work:
///
/// - a single file goes to a temporary name in the target's own directory (a symlink is followed,
///   so its target is replaced) and is renamed over it; `-` means standard output;
/// - a set of files goes to a staging directory inside the output directory, under an advisory
///   lock (`flock` on `.manifest.json.lock` beside the manifest), with `manifest.json` (merged with
///   the manifest already there, each entry carrying its file's SHA-256) renamed into place last.
///   Before renaming, the staging directory gets a `COMMIT` list; a run killed while renaming
///   leaves it behind, and the next run into the directory finishes those renames (so the set is
///   the new one) before it starts its own. A staging directory without `COMMIT` whose owner is gone
///   is removed (the set stays the old one). Probe directories (`.rtlgen-probe-<pid>-<n>`, made by
///   the writability checks) and temporary files (`.<name>.tmp-<pid>-<n>`) of killed runs are
///   removed by the next check or write in the same directory.
public enum OutputWriter {
    static let stagingPrefix = ".rtlgen-staging-"
    static let lockName = ".manifest.json.lock"

    /// What a path names, following symlinks.
    enum Node: Equatable {
        case missing, regular, directory
        case other(String)
    }

    static func node(_ path: String) -> Node {
        var s = stat()
        guard stat(path, &s) == 0 else { return .missing }
        switch s.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFCHR: return .other("a character device")
        case S_IFBLK: return .other("a block device")
        case S_IFIFO: return .other("a FIFO")
        case S_IFSOCK: return .other("a socket")
        default: return .other("not a regular file")
        }
    }

    /// What the last component of a path leads to when its symlinks are followed.
    enum Resolution: Equatable {
        case path(String)
        /// a chain of links that never ends (more than 40, as the kernel counts)
        case loop
        /// a link whose target does not exist
        case dangling(String)
    }

    /// `path` with every symlink of its last component resolved. A loop, or a link whose target is
    /// missing, is reported: writing "through" either would replace the link with a regular file.
    static func resolution(_ path: String) -> Resolution {
        var p = URL(fileURLWithPath: path).standardizedFileURL.path
        var followed = false
        for _ in 0..<40 {
            var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(p, &buf, buf.count - 1)
            guard n > 0 else {
                if followed && node(p) == .missing { return .dangling(p) }
                return .path(p)
            }
            followed = true
            let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            p = target.hasPrefix("/") ? target : (p as NSString).deletingLastPathComponent + "/" + target
            p = URL(fileURLWithPath: p).standardizedFileURL.path
        }
        return .loop
    }

    /// `path` with its symlinks resolved (a loop or a dangling link: the path itself; `checkFile`
    /// refuses both before anything is written).
    static func resolved(_ path: String) -> String {
        if case .path(let p) = resolution(path) { return p }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Why the kernel would refuse `path` as too long (PATH_MAX in all, NAME_MAX a component), or nil.
    static func lengthProblem(_ path: String) -> String? {
        let full = URL(fileURLWithPath: path).standardizedFileURL.path
        if full.utf8.count >= Int(PATH_MAX) { return "is a \(full.utf8.count)-byte path, longer than this system's \(PATH_MAX - 1)" }
        if let long = full.split(separator: "/").first(where: { $0.utf8.count > Int(NAME_MAX) }) {
            return "has a \(long.utf8.count)-byte name in it, longer than this system's \(NAME_MAX) (\(shortName(long)))"
        }
        return nil
    }

    static func shortName(_ s: some StringProtocol) -> String { s.count > 24 ? "'\(s.prefix(24))...'" : "'\(s)'" }

    /// Whether a new entry can be made in the existing directory `dir`: tried for real (a probe
    /// directory made and removed), because access() says yes to root even under /proc and /sys.
    static func canCreate(in dir: String) -> String? {
        removeStale(prefix: ".rtlgen-probe-", in: dir)
        let probe = (dir as NSString).appendingPathComponent(".rtlgen-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        if mkdir(probe, 0o700) != 0 { return errnoText() }
        rmdir(probe)
        return nil
    }

    /// Checks that `path` can be an output directory (a writable directory, or one that can be
    /// created under a writable ancestor). Throws a one-line `HarnessError` otherwise.
    public static func checkDirectory(_ path: String, flag: String = "--out") throws {
        guard !path.isEmpty else { throw HarnessError("\(flag) is an empty path; give a directory, e.g. \(flag) build/out") }
        if let why = lengthProblem(path) { throw HarnessError("\(flag) \(why); choose a shorter path") }
        if path == "-" && flag == "--out" {
            throw HarnessError("\(flag) - (standard output) takes one file, and this command writes several; give a directory")
        }
        switch node(path) {
        case .directory:
            if let why = canCreate(in: path) { throw HarnessError("\(flag) \(path) is not writable (\(why)); choose a directory you can write to") }
        case .regular:
            throw HarnessError("\(flag) \(path) is an existing file, not a directory; give a directory path")
        case .other(let what):
            throw HarnessError("\(flag) \(path) is \(what), not a directory; give a directory path")
        case .missing:
            let ancestor = nearestExistingAncestor(path)
            guard node(ancestor) == .directory else {
                throw HarnessError("\(flag) \(path): \(ancestor) is a file, so the directory cannot be created; choose another path")
            }
            if let why = canCreate(in: ancestor) {
                throw HarnessError("\(flag) \(path) cannot be created: \(ancestor) is not writable (\(why)); choose a directory you can write to")
            }
        }
    }

    /// Whether `path` spells this process's standard output (/dev/stdout, /dev/fd/1, /proc/self/fd/1):
    /// written as `-` is, straight to the stream, whether it is a terminal, a pipe or a file (renaming
    /// a temporary file over it would fail for a pipe and bypass the stream for a file).
    public static func namesStandardOutput(_ path: String) -> Bool {
        ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"].contains(URL(fileURLWithPath: path).standardizedFileURL.path)
    }

    /// Checks that a single output file can be written at `path` (`-`: standard output).
    public static func checkFile(_ path: String, flag: String = "--out") throws {
        guard !path.isEmpty else { throw HarnessError("\(flag) is an empty path; give a file path, or - for standard output") }
        if path == "-" || namesStandardOutput(path) { return }
        if let why = lengthProblem(path) { throw HarnessError("\(flag) \(why); choose a shorter path") }
        if path.hasSuffix("/") {
            throw HarnessError("\(flag) \(path) ends in '/', which names a directory; this command writes one file: give a file path, e.g. \(flag) \(path)out.txt")
        }
        let target: String
        switch resolution(path) {
        case .path(let p): target = p
        case .loop: throw HarnessError("\(flag) \(path) is a symlink loop; remove the link or give another path")
        case .dangling(let to):
            // /dev/stderr, /proc/self/fd/N: a descriptor open on a pipe or socket, not a file to replace
            if ["pipe:[", "socket:[", "anon_inode:"].contains(where: { (to as NSString).lastPathComponent.hasPrefix($0) }) {
                throw HarnessError("\(flag) \(path) is an open pipe or socket, not a file; give a file path, or \(flag) - for standard output")
            }
            throw HarnessError("\(flag) \(path) is a symlink to \(to), which does not exist; remove the link or give another path")
        }
        let shown = target == URL(fileURLWithPath: path).standardizedFileURL.path ? path : "\(path) (-> \(target))"
        switch node(target) {
        case .regular, .missing: break
        case .directory: throw HarnessError("\(flag) \(shown) is a directory; give a file path")
        case .other(let what):
            throw HarnessError("\(flag) \(shown) is \(what); rtlgen writes only regular files: give a file path, or - for standard output")
        }
        let parent = (target as NSString).deletingLastPathComponent
        let ancestor = nearestExistingAncestor(parent.isEmpty ? "." : parent)
        if node(ancestor) != .directory {
            throw HarnessError("\(flag) \(path) cannot be created: \(ancestor) is a file, not a directory; choose another path")
        }
        try checkDirectory(parent.isEmpty ? "." : parent, flag: flag)
    }

    /// Writes one file atomically: a temporary file in the target's directory, renamed over it.
    /// `-` writes to standard output.
    public static func writeFile(_ contents: Data, to path: String) throws {
        let file = try StreamedFile(path)
        try file.write(contents)
        try file.commit()
    }

    /// Creates `path` exclusively and writes `contents` to it.
    static func writeNew(_ contents: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HarnessError("cannot write \(path): \(errnoText())") }
        defer { close(fd) }
        try contents.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, base + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw HarnessError("cannot write \(path): \(errnoText())")
                }
                done += n
            }
        }
    }

    /// `mkdir -p` that tolerates another process creating the same directories at the same time.
    /// Returns the directories it created, outermost first; on failure it removes them again, so a
    /// failed run leaves no empty directories behind.
    @discardableResult
    static func makeDirectories(_ path: String) throws -> [String] {
        let full = URL(fileURLWithPath: path).standardizedFileURL.path
        var p = ""
        var created: [String] = []
        for component in full.split(separator: "/") {
            p += "/" + component
            if mkdir(p, 0o755) == 0 {
                created.append(p)
            } else if errno != EEXIST {
                let why = errnoText()
                removeEmpty(created)
                throw HarnessError("cannot create \(p.count > 200 ? "a directory of \(path.count > 200 ? "a \(path.utf8.count)-byte path" : path)" : p): \(why)")
            }
        }
        guard node(full) == .directory else {
            removeEmpty(created)
            throw HarnessError("cannot create \(path): a file is in the way")
        }
        return created
    }

    /// Removes the directories `makeDirectories` created (innermost first), each only if empty.
    static func removeEmpty(_ created: [String]) {
        for d in created.reversed() { rmdir(d) }
    }

    /// Writes `files` (names relative to `directory`) as a set. With `manifest`, the entries are
    /// merged into `directory/manifest.json` (read and rewritten under the lock, each entry with its
    /// file's SHA-256), which is renamed into place after every other file.
    public static func write(_ files: [(name: String, contents: Data)], into directory: String, manifest entries: [Manifest.Entry]? = nil) throws {
        try checkDirectory(directory)
        let created = try makeDirectories(directory)
        let lock: FileLock
        do {
            // a run stopped by a signal leaves no lock file (FileLock registers it with ExitCleanup)
            lock = try FileLock((directory as NSString).appendingPathComponent(lockName), advice: "choose a directory you can write to")
        } catch {
            removeEmpty(created)
            throw error
        }
        defer { lock.release() }
        do {
            try recover(directory)
            var all = files.filter { $0.name != Manifest.fileName }
            if let entries {
                let byName = Dictionary(all.map { ($0.name, $0.contents) }, uniquingKeysWith: { _, b in b })
                let hashed = entries.map { e -> Manifest.Entry in
                    var e = e
                    e.sha256 = byName[e.file].map(SHA256.hex)
                    return e
                }
                all.append((Manifest.fileName, try Manifest.load(from: directory).merging(hashed).encoded()))
            }
            try commit(all, into: directory)
        } catch {
            lock.release()
            removeEmpty(created)   // only when empty: nothing of ours was renamed into them
            throw error
        }
    }

    /// Stages `files`, writes the COMMIT list, and renames them into place in order.
    static func commit(_ files: [(name: String, contents: Data)], into directory: String) throws {
        let staging = (directory as NSString).appendingPathComponent("\(stagingPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard mkdir(staging, 0o755) == 0 else { throw HarnessError("cannot write into \(directory): \(errnoText()); choose a directory you can write to") }
        var committed = false
        let cleanup = ExitCleanup.add(staging)
        defer {
            ExitCleanup.remove(cleanup)
            if !committed { removeTree(staging) }
        }
        for f in files {
            guard isPlainName(f.name) else { throw HarnessError("internal: \(f.name) is not a plain file name inside \(directory)") }
            let path = (staging as NSString).appendingPathComponent(f.name)
            try makeDirectories((path as NSString).deletingLastPathComponent)
            try writeNew(f.contents, to: path)
        }
        testPause()
        try writeNew(Data(files.map(\.name).joined(separator: "\n").utf8 + [10]), to: (staging as NSString).appendingPathComponent("COMMIT"))
        committed = true
        ExitCleanup.remove(cleanup)   // committed: the next run finishes it if this one is stopped
        try finish(staging, into: directory)
    }

    /// A name a staging directory may hold: relative, inside it (no `..`, `.` or empty component),
    /// at most 255 bytes a component, no control characters.
    static func isPlainName(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("/"), name.utf8.count <= 4096, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { c in !c.isEmpty && c != "." && c != ".." && c.utf8.count <= 255 }
    }

    /// The COMMIT list of a staging directory, if it can be trusted: every name plain and inside
    /// the directory, every staged entry a regular file (not a link), and a staged manifest.json
    /// one this rtlgen can read. A crafted or corrupt list is nil: nothing of it is moved.
    static func commitList(_ staging: String) -> [String]? {
        guard let data = FileManager.default.contents(atPath: (staging as NSString).appendingPathComponent("COMMIT")),
              let text = String(data: data, encoding: .utf8), text.hasSuffix("\n") else { return nil }
        let names = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !names.isEmpty, Set(names).count == names.count, names.allSatisfy(isPlainName) else { return nil }
        for name in names {
            var s = stat()
            let p = (staging as NSString).appendingPathComponent(name)
            if lstat(p, &s) == 0 && s.st_mode & S_IFMT != S_IFREG { return nil }
        }
        if names.contains(Manifest.fileName), node((staging as NSString).appendingPathComponent(Manifest.fileName)) == .regular,
           (try? Manifest.load(from: staging)) == nil {
            return nil
        }
        return names
    }

    /// Renames what is left in a committed staging directory into place, in COMMIT order, then
    /// removes it. A COMMIT list that cannot be trusted moves nothing: the directory is removed
    /// and the set stays the old one.
    static func finish(_ staging: String, into directory: String) throws {
        guard let list = commitList(staging) else {
            removeTree(staging)
            return
        }
        for name in list {
            let from = (staging as NSString).appendingPathComponent(name)
            var s = stat()
            guard lstat(from, &s) == 0, s.st_mode & S_IFMT == S_IFREG else { continue }   // renamed before an interruption
            let to = (directory as NSString).appendingPathComponent(name)
            try makeDirectories((to as NSString).deletingLastPathComponent)
            if rename(from, to) != 0 {
                throw HarnessError("cannot move \(name) into \(directory): \(errnoText()); remove what is in the way and run again")
            }
            testPause()
        }
        removeTree(staging)
    }

    /// Finishes or removes staging directories left by runs that are gone.
    static func recover(_ directory: String) throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(stagingPrefix) {
            if !ownerGone(name, prefix: stagingPrefix) { continue }   // owner still running
            let staging = (directory as NSString).appendingPathComponent(name)
            var s = stat()
            guard lstat(staging, &s) == 0, s.st_mode & S_IFMT == S_IFDIR else {
                unlink(staging)   // a link or file under our prefix is not a staging directory of ours
                continue
            }
            if node((staging as NSString).appendingPathComponent("COMMIT")) == .regular {
                try finish(staging, into: directory)
            } else {
                removeTree(staging)
            }
        }
    }

    static func removeTree(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// Whether the process that named a scratch entry `<prefix><pid>-...` is gone.
    static func ownerGone(_ name: String, prefix: String) -> Bool {
        let pid = Int32(name.dropFirst(prefix.count).split(separator: "-").first ?? "") ?? 0
        return !(pid > 0 && pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM))
    }

    /// Removes probe directories and temporary files (`prefix<pid>-...`) that a killed run left in
    /// `dir`; those of live processes are theirs.
    static func removeStale(prefix: String, in dir: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(prefix) && ownerGone(name, prefix: prefix) {
            removeTree((dir as NSString).appendingPathComponent(name))
        }
    }

    /// Tests interrupt writes at random points; `RTLGEN_TEST_PAUSE_MS` widens the windows between
    /// staging and each rename so a kill lands inside them. Unset in normal use.
    static let pauseMicroseconds: UInt32 = UInt32(ProcessInfo.processInfo.environment["RTLGEN_TEST_PAUSE_MS"].flatMap { UInt32($0) }.map { min($0, 1000) * 1000 } ?? 0)
    static func testPause() { if pauseMicroseconds > 0 { usleep(pauseMicroseconds) } }

    static func nearestExistingAncestor(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while node(url.path) == .missing && url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url.path
    }
}

/// One output file written as it is produced (a stream of lines of any length, in bounded memory):
/// to a temporary file beside its target, renamed into place by `commit()`; dropped without a
/// commit (a failure, a bad input line), the temporary file and any directories made for it are
/// removed, so a failed run writes nothing. `-` is standard output, written as it comes.
public final class StreamedFile {
    let path: String
    private var fd: Int32 = -1
    private var target = "", tmp = ""
    private var created: [String] = []
    private var cleanup: Int?
    private var done = false

    public init(_ path: String) throws {
        let path = OutputWriter.namesStandardOutput(path) ? "-" : path
        self.path = path
        try OutputWriter.checkFile(path)
        if path == "-" { return }
        target = OutputWriter.resolved(path)
        let dir = (target as NSString).deletingLastPathComponent
        created = try OutputWriter.makeDirectories(dir)
        let tmpPrefix = ".\((target as NSString).lastPathComponent).tmp-"
        OutputWriter.removeStale(prefix: tmpPrefix, in: dir)
        tmp = (dir as NSString).appendingPathComponent("\(tmpPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        cleanup = ExitCleanup.add(tmp)
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let why = OutputWriter.errnoText()
            abandon()
            throw HarnessError("cannot write \(path): \(why)")
        }
    }

    public func write(_ data: Data) throws {
        if path == "-" { return try StandardStreams.writeOutput(data) }
        do {
            try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                guard let base = raw.baseAddress else { return }
                var n = 0
                while n < raw.count {
                    let w = Glibc.write(fd, base + n, raw.count - n)
                    if w < 0 {
                        if errno == EINTR { continue }
                        throw HarnessError("cannot write \(path): \(OutputWriter.errnoText())")
                    }
                    n += w
                }
            }
        } catch {
            abandon()
            throw error
        }
    }

    /// Closes the temporary file and renames it over the target.
    public func commit() throws {
        if path == "-" { done = true; return }
        guard !done else { return }
        let closed = close(fd) == 0
        fd = -1
        guard closed, rename(tmp, target) == 0 else {
            let why = OutputWriter.errnoText()
            abandon()
            throw HarnessError("cannot write \(path): \(why)")
        }
        done = true
        if let cleanup { ExitCleanup.remove(cleanup) }
    }

    /// Removes the temporary file and the directories made for it.
    func abandon() {
        guard !done, path != "-" else { return }
        done = true
        if fd >= 0 { close(fd); fd = -1 }
        unlink(tmp)
        OutputWriter.removeEmpty(created)
        if let cleanup { ExitCleanup.remove(cleanup) }
    }

    deinit { abandon() }
}

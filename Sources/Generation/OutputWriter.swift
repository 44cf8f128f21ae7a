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

    /// `path` with every symlink along it resolved, also when the last link dangles (its target is
    /// what gets written). Gives up after 40 links, as the kernel does.
    static func resolved(_ path: String) -> String {
        var p = URL(fileURLWithPath: path).standardizedFileURL.path
        for _ in 0..<40 {
            var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(p, &buf, buf.count - 1)
            guard n > 0 else { break }
            let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            p = target.hasPrefix("/") ? target : (p as NSString).deletingLastPathComponent + "/" + target
            p = URL(fileURLWithPath: p).standardizedFileURL.path
        }
        return p
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

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

    /// Checks that a single output file can be written at `path` (`-`: standard output).
    public static func checkFile(_ path: String, flag: String = "--out") throws {
        guard !path.isEmpty else { throw HarnessError("\(flag) is an empty path; give a file path, or - for standard output") }
        if path == "-" { return }
        let target = resolved(path)
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
        try checkFile(path)
        if path == "-" {
            FileHandle.standardOutput.write(contents)
            return
        }
        let target = resolved(path)
        let dir = (target as NSString).deletingLastPathComponent
        try makeDirectories(dir)
        let tmpPrefix = ".\((target as NSString).lastPathComponent).tmp-"
        removeStale(prefix: tmpPrefix, in: dir)
        let tmp = (dir as NSString).appendingPathComponent("\(tmpPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try writeNew(contents, to: tmp)
        } catch {
            unlink(tmp)
            throw error
        }
        if rename(tmp, target) != 0 {
            let why = errnoText()
            unlink(tmp)
            throw HarnessError("cannot write \(path): \(why)")
        }
    }

    /// Creates `path` exclusively and writes `contents` to it.
    static func writeNew(_ contents: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HarnessError("cannot write \(path): \(errnoText())") }
        defer { close(fd) }
        try contents.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw HarnessError("cannot write \(path): \(errnoText())")
                }
                done += n
            }
        }
    }

    /// `mkdir -p` that tolerates another process creating the same directories at the same time.
    static func makeDirectories(_ path: String) throws {
        let full = URL(fileURLWithPath: path).standardizedFileURL.path
        var p = ""
        for component in full.split(separator: "/") {
            p += "/" + component
            if mkdir(p, 0o755) != 0 && errno != EEXIST {
                throw HarnessError("cannot create \(p): \(errnoText())")
            }
        }
        guard node(full) == .directory else { throw HarnessError("cannot create \(path): a file is in the way") }
    }

    /// Writes `files` (names relative to `directory`) as a set. With `manifest`, the entries are
    /// merged into `directory/manifest.json` (read and rewritten under the lock, each entry with its
    /// file's SHA-256), which is renamed into place after every other file.
    public static func write(_ files: [(name: String, contents: Data)], into directory: String, manifest entries: [Manifest.Entry]? = nil) throws {
        try checkDirectory(directory)
        let existed = node(directory) == .directory
        try makeDirectories(directory)
        let lock = try DirectoryLock(directory)
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
            if !existed { rmdir(directory) }   // only when empty: nothing of ours was renamed into it
            throw error
        }
    }

    /// Stages `files`, writes the COMMIT list, and renames them into place in order.
    static func commit(_ files: [(name: String, contents: Data)], into directory: String) throws {
        let staging = (directory as NSString).appendingPathComponent("\(stagingPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard mkdir(staging, 0o755) == 0 else { throw HarnessError("cannot write into \(directory): \(errnoText()); choose a directory you can write to") }
        var committed = false
        defer { if !committed { removeTree(staging) } }
        for f in files {
            let path = (staging as NSString).appendingPathComponent(f.name)
            try makeDirectories((path as NSString).deletingLastPathComponent)
            try writeNew(f.contents, to: path)
        }
        testPause()
        try writeNew(Data(files.map(\.name).joined(separator: "\n").utf8 + [10]), to: (staging as NSString).appendingPathComponent("COMMIT"))
        committed = true
        try finish(staging, into: directory)
    }

    /// Renames what is left in a committed staging directory into place, in COMMIT order, then
    /// removes it.
    static func finish(_ staging: String, into directory: String) throws {
        let list = (try? String(contentsOfFile: (staging as NSString).appendingPathComponent("COMMIT"), encoding: .utf8)) ?? ""
        for name in list.split(separator: "\n").map(String.init) {
            let from = (staging as NSString).appendingPathComponent(name)
            guard node(from) == .regular else { continue }   // renamed before an interruption
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

/// An exclusive `flock` on `<directory>/.manifest.json.lock`, held until `release()` (or until the
/// process dies, when the kernel drops it). The lock file is removed on release; a waiter that
/// then holds a lock on the removed file notices (its inode is no longer the path's) and retries.
final class DirectoryLock {
    let path: String
    private var fd: Int32

    init(_ directory: String) throws {
        path = (directory as NSString).appendingPathComponent(OutputWriter.lockName)
        while true {
            let f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard f >= 0 else { throw HarnessError("cannot lock \(path): \(OutputWriter.errnoText()); choose a directory you can write to") }
            while flock(f, LOCK_EX) != 0 {
                if errno != EINTR {
                    close(f)
                    throw HarnessError("cannot lock \(path): \(OutputWriter.errnoText())")
                }
            }
            var held = stat(), current = stat()
            if fstat(f, &held) == 0 && stat(path, &current) == 0 && held.st_ino == current.st_ino && held.st_dev == current.st_dev {
                fd = f
                return
            }
            close(f)
        }
    }

    func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
    }

    deinit { release() }
}

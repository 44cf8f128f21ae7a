import Foundation
import Generation
import Toolchain

/// A costing job: "measure design D with backend(s) B". Its key is the SHA-256 of every input
/// that decides its figures, one `name=value` line each, sorted: the design's RTL (a hash per
/// file), the backend's inputs (script and liberty hashes, tool versions), each backend's version
/// (raised by hand when its post-processing changes) and the job's parameters; no Swift source. Two jobs with the same key give the same figures, so
/// a result stored under the key is reused instead of re-measured.
public struct CostJob: Sendable {
    /// What is measured, for people: "unit lmul_e4m3", "pe pe_lmul_e4m3_fp32".
    public var label: String
    /// name -> value; the key hashes them all.
    public private(set) var inputs: [String: String] = [:]

    public init(_ label: String) { self.label = label }

    public mutating func add(_ name: String, _ value: String) { inputs[name] = value }
    /// A file's content, by its hash (a missing file is an error: the job cannot be keyed).
    public mutating func addFile(_ name: String, path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SynthesisFlow.Failure(description: "\(path) does not exist; generate it with rtlgen or make rtl")
        }
        inputs[name] = SHA256.hex(data)
    }
    public mutating func addData(_ name: String, _ data: Data) { inputs[name] = SHA256.hex(data) }
    public mutating func add(backend: CostBackend) throws {
        for (k, v) in try backend.inputs() { inputs["\(backend.name).\(k)"] = v }
        inputs["\(backend.name).version"] = String(backend.version)
    }

    /// The inputs as the sorted `name=value` lines the key hashes.
    public var lines: [String] { inputs.keys.sorted().map { "\($0)=\(inputs[$0]!)" } }
    public var key: String { SHA256.hex(Data((["lmul-rtl cost job 1", label] + lines).joined(separator: "\n").utf8)) }
}

/// Cost results on disk, one small file per job: `<directory>/<key>.json`. `make synth` keeps its
/// in `synth/results/` (committed, so a fresh clone with the same tools re-measures nothing) and
/// `rtlgen sweep` reads and writes the same directory. A file is written under a temporary name and
/// renamed into place; a job is measured under an exclusive `flock` on `<key>.lock`, so two runs
/// sharing the directory measure it once (the second waits and reads the first's result); a
/// killed run leaves no result for the job it was measuring, and the next run measures it. A file
/// that does not parse, names another key or fails its checksum is refused in one line.
public struct CostCache: Sendable {
    public let directory: String
    /// Counts of this process' lookups, for the closing line.
    let counters = Locked((hits: 0, measured: 0))

    public static let schema = "lmul-rtl cost result 1"

    public init(directory: String) { self.directory = directory }

    public var hits: Int { counters.withLock { $0.hits } }
    public var measured: Int { counters.withLock { $0.measured } }

    /// The stored file: what was measured, from what, the figures and their checksum.
    struct Stored<R: Codable>: Codable {
        var schema: String
        var key: String
        var job: String
        var inputs: [String]
        var result: R
        var sha256: String
    }

    public func path(_ job: CostJob) -> String { (directory as NSString).appendingPathComponent("\(job.key).json") }

    /// The stored result of `job`, or `measure()`'s, stored first.
    public func result<R: Codable & Sendable>(_ job: CostJob, _ measure: () throws -> R) throws -> R {
        let file = path(job)
        if let r: R = try load(file, job: job) {
            counters.withLock { $0.hits += 1 }
            return r
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let lock = try JobLock((directory as NSString).appendingPathComponent("\(job.key).lock"))
        defer { lock.release() }
        // another run may have measured it while this one waited for the lock
        if let r: R = try load(file, job: job) {
            counters.withLock { $0.hits += 1 }
            return r
        }
        let r = try measure()
        let body = try canonicalJSON(r)
        let stored = Stored(schema: Self.schema, key: job.key, job: job.label, inputs: job.lines, result: r, sha256: SHA256.hex(body))
        var data = try canonicalJSON(stored)
        data.append(0x0a)
        let temporary = (directory as NSString).appendingPathComponent(".\(job.key).json.tmp-\(getpid())-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw SynthesisFlow.Failure(description: "cannot write \(temporary); choose a --cache directory you can write to")
        }
        guard rename(temporary, file) == 0 else {
            unlink(temporary)
            throw SynthesisFlow.Failure(description: "cannot rename \(temporary) to \(file): \(String(cString: strerror(errno)))")
        }
        counters.withLock { $0.measured += 1 }
        return r
    }

    /// nil when there is no file; throws when there is one this job cannot use.
    func load<R: Codable>(_ file: String, job: CostJob) throws -> R? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        let refuse = { (why: String) in
            SynthesisFlow.Failure(description: "\(file) is not a cost result of this job (\(why)); delete it and run again to re-measure")
        }
        guard let stored = try? JSONDecoder().decode(Stored<R>.self, from: data) else { throw refuse("unreadable or of another schema") }
        guard stored.schema == Self.schema else { throw refuse("schema '\(stored.schema)'") }
        guard stored.key == job.key, stored.inputs == job.lines else { throw refuse("it was measured for other inputs") }
        guard (try? SHA256.hex(canonicalJSON(stored.result))) == stored.sha256 else { throw refuse("its checksum does not match: edited or torn") }
        return stored.result
    }
}

/// An exclusive `flock` on a per-job lock file, held until `release()` or until the process dies
/// (the kernel drops it). The file is removed on release; a waiter whose locked file is no longer
/// the path's retries.
final class JobLock {
    let path: String
    private var fd: Int32

    init(_ path: String) throws {
        self.path = path
        while true {
            let f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard f >= 0 else {
                throw SynthesisFlow.Failure(description: "cannot lock \(path): \(String(cString: strerror(errno))); choose a --cache directory you can write to")
            }
            while flock(f, LOCK_EX) != 0 {
                if errno != EINTR {
                    close(f)
                    throw SynthesisFlow.Failure(description: "cannot lock \(path): \(String(cString: strerror(errno)))")
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

import FloatArith
import Foundation
import Units

/// Checks every one of the `2^(2N)` operand pairs of a unit (N <= 16: 4.3 billion pairs for bf16
/// and fp16) by streaming the Swift golden model through the verilated unit in-process: the unit,
/// replicated side by side in `testbench/lanes.v`, is built into a shared library with a small C
/// interface (`testbench/stream_abi.cpp`), loaded with dlopen, and driven in batches by one
/// thread per core, each with its own model. Nothing is written to disk but the library.
public struct ExhaustiveStream {
    public let unit: ArithmeticUnit
    public let file: String
    public var buildDirectory = "build/sim"
    public var testbenchDirectory = "testbench"
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var lanes = 32
    /// Check only the first `limitA` values of `a` (all of them when nil): for benchmarks.
    public var limitA: Int?
    /// Check the whole space this many times: for benchmarks of small formats.
    public var passes = 1
    /// No progress output (benchmarks).
    public var quiet = false

    public init(unit: ArithmeticUnit, file: String) {
        self.unit = unit
        self.file = file
    }

    public struct Outcome: Sendable {
        public let vectors: UInt64
        public let mismatches: UInt64
        public let firstMismatches: [Mismatch]
        public let seconds: Double
        public let buildSeconds: Double
        public var rate: Double { seconds > 0 ? Double(vectors) / seconds : 0 }
    }

    /// Builds (or reuses) the shared library for this unit file.
    public func buildLibrary(log: (String) -> Void) throws -> String {
        _ = try Tools.find("verilator")
        _ = try Tools.find("make")
        _ = try Tools.find("g++")
        let w = unit.format.width
        guard w <= 16 else {
            throw UsageError("\(unit.moduleName) has \(w)-bit operands: 2^\(2 * w) pairs cannot be checked exhaustively; use rtlgen sim (corner and random vectors)")
        }
        let dir = URL(fileURLWithPath: "\(buildDirectory)/stream/\(unit.moduleName)").standardizedFileURL.path
        let lib = "\(dir)/obj/libstream.so"
        let tb = URL(fileURLWithPath: testbenchDirectory).standardizedFileURL.path
        let source = URL(fileURLWithPath: file).standardizedFileURL.path
        let args = ["--cc", "--exe", "--build", "-O3", "-Wno-fatal", "-j", "2", "--prefix", "Vlanes", "--top-module", "lanes",
                    "-GW=\(w)", "-GLANES=\(lanes)", "-DDUT=\(unit.moduleName)",
                    "-CFLAGS", "-fPIC -O2 -DSTREAM_W=\(w) -DSTREAM_LANES=\(lanes)", "-LDFLAGS", "-shared",
                    "-Mdir", "\(dir)/obj", "-o", "libstream.so", "\(tb)/lanes.v", source, "\(tb)/stream_abi.cpp"]
        var h = ContentHash()
        try h.add(file: source)
        try h.add(file: "\(tb)/lanes.v")
        try h.add(file: "\(tb)/stream_abi.cpp")
        h.add(VerilatorBuild.version())
        args.forEach { h.add($0) }
        let stamp = "\(dir)/stamp"
        if (try? String(contentsOfFile: stamp, encoding: .utf8)) == h.hex, FileManager.default.fileExists(atPath: lib) { return lib }
        log("exhaustive: building the streaming library for \(unit.moduleName) (\(lanes) lanes)")
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let r = try Tools.run("verilator", args)
        guard r.status == 0, FileManager.default.fileExists(atPath: lib) else {
            let first = r.output.split(separator: "\n").first { $0.contains("%Error") || $0.contains("error:") }
            throw UsageError("building the streaming library for \(unit.moduleName) failed: \(first.map(String.init) ?? "see \(dir)")")
        }
        try h.hex.write(toFile: stamp, atomically: true, encoding: .utf8)
        return lib
    }

    public func run(log: @escaping @Sendable (String) -> Void) throws -> Outcome {
        let buildStart = monotonicSeconds()
        let lib = try buildLibrary(log: log)
        let buildSeconds = monotonicSeconds() - buildStart
        let api = try StreamLibrary(path: lib)
        guard api.width() == Int32(unit.format.width) else {
            throw UsageError("the streaming library for \(unit.moduleName) has width \(api.width()), expected \(unit.format.width)")
        }
        let n = 1 << unit.format.width
        let aCount = min(limitA ?? n, n)
        let chunk = 16                                   // values of a per work item
        let itemsPerPass = (aCount + chunk - 1) / chunk
        let items = itemsPerPass * max(1, passes)
        let next = Locked(0)
        let totals = Locked((vectors: UInt64(0), mismatches: UInt64(0), first: [Mismatch]()))
        let progress = ProgressLine("exhaustive \(unit.moduleName):", quiet: quiet)
        let golden = unit.golden
        let started = monotonicSeconds()
        let total = Double(aCount) * Double(n) * Double(max(1, passes))
        let workers = max(1, threads)
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            Thread.detachNewThread {
                let handle = api.create()
                let a = UnsafeMutablePointer<UInt32>.allocate(capacity: n)
                let b = UnsafeMutablePointer<UInt32>.allocate(capacity: n)
                let y = UnsafeMutablePointer<UInt32>.allocate(capacity: n)
                defer {
                    a.deallocate()
                    b.deallocate()
                    y.deallocate()
                }
                for i in 0..<n { b[i] = UInt32(i) }
                while true {
                    let item = next.withLock { v -> Int in defer { v += 1 }; return v }
                    if item >= items { break }
                    var localMismatches: UInt64 = 0
                    var localFirst: [Mismatch] = []
                    let lo = (item % itemsPerPass) * chunk, hi = min(lo + chunk, aCount)
                    for av in lo..<hi {
                        let aValue = UInt32(av)
                        a.update(repeating: aValue, count: n)
                        api.eval(handle, a, b, y, UInt64(n))
                        for i in 0..<n {
                            let expected = golden(aValue, UInt32(truncatingIfNeeded: i))
                            if y[i] != expected {
                                localMismatches += 1
                                if localFirst.count < 10 {
                                    localFirst.append(Mismatch(index: av * n + i, a: aValue, b: UInt32(i), expected: expected, got: y[i]))
                                }
                            }
                        }
                    }
                    let done = totals.withLock { t -> UInt64 in
                        t.vectors += UInt64((hi - lo) * n)
                        t.mismatches += localMismatches
                        t.first += localFirst
                        return t.vectors
                    }
                    let elapsed = monotonicSeconds() - started
                    let rate = Double(done) / max(elapsed, 1e-9)
                    progress.update(done: Double(done), total: total,
                                    detail: "\(compactCount(Double(done)))/\(compactCount(total)) pairs, \(compactCount(rate))/s, ETA \(Int((total - Double(done)) / max(rate, 1)))s")
                }
                api.destroy(handle)
                group.leave()
            }
        }
        group.wait()
        progress.finish()
        let seconds = monotonicSeconds() - started
        let t = totals.withLock { $0 }
        return Outcome(vectors: t.vectors, mismatches: t.mismatches,
                       firstMismatches: Array(t.first.sorted { $0.index < $1.index }.prefix(10)),
                       seconds: seconds, buildSeconds: buildSeconds)
    }
}

/// The C functions of stream_abi.cpp, resolved with dlsym.
final class StreamLibrary: @unchecked Sendable {
    typealias Create = @convention(c) () -> UnsafeMutableRawPointer?
    typealias Destroy = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias Query = @convention(c) () -> Int32
    typealias Eval = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt32>, UnsafePointer<UInt32>, UnsafeMutablePointer<UInt32>, UInt64) -> Void

    let create: Create
    let destroy: Destroy
    let lanes: Query
    let width: Query
    let eval: Eval

    init(path: String) throws {
        guard let h = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw UsageError("cannot load \(path): \(String(cString: dlerror()))")
        }
        func sym<T>(_ name: String, _: T.Type) throws -> T {
            guard let p = dlsym(h, name) else { throw UsageError("\(path) lacks \(name); rebuild it (delete its directory)") }
            return unsafeBitCast(p, to: T.self)
        }
        create = try sym("stream_create", Create.self)
        destroy = try sym("stream_destroy", Destroy.self)
        lanes = try sym("stream_lanes", Query.self)
        width = try sym("stream_width", Query.self)
        eval = try sym("stream_eval", Eval.self)
    }
}

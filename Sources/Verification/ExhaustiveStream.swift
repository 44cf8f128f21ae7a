import FloatArith
import Foundation
import Units
import Toolchain
import HDL

/// Checks every one of the `2^(2N)` operand pairs of a unit (N <= 16: 4.3 billion pairs for bf16
/// and fp16) by streaming the Swift golden model through the verilated unit in-process: the unit,
/// wrapped by the cycle testbench's generated `tb_wrap` (its inputs packed into one stimulus word,
/// its output into one result word) and replicated side by side in `testbench/lanes.v`, is built into a shared library with a small C
/// interface (`testbench/stream_abi.cpp`), loaded with dlopen, and driven in batches by one
/// thread per core, each with its own model. Nothing is written to disk but the library.
///
/// Why `rtlgen sim` keeps its vector-file testbench instead of this in-process path: `make bench-sim`
/// (2026-11-30, 2 shared cores) printed lmul_e4m3 "verilator, vector file 65536 0.06 s 1.02M/s"
/// against "in-process 58.66M/s", and fpmul_e8m7 "vector file 328400 0.39 s 849.0k/s" against
/// "in-process 31.07M/s". At `make sim`'s 65,536 or 328,400 vectors the file path costs under half a
/// second per unit, and it gives Icarus the very same vectors and a VCD of a failure (tb_cycle.cpp
/// --vcd); the in-process path's 30-60x is what makes 2^32 pairs feasible (about 2.3 min at 31M/s
/// instead of 70 min at 1M/s), so it is used where the vector count needs it.
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
        try Tools.require([.verilator])
        let w = unit.format.width
        guard w <= 16 else {
            throw HarnessError("\(unit.moduleName) has \(w)-bit operands: 2^\(2 * w) pairs cannot be checked exhaustively; use rtlgen sim (corner and random vectors)")
        }
        let tb = testbenchDirectory
        let dir = "\(buildDirectory)/stream/\(unit.moduleName)"
        // beside the model's directory, which a rebuild deletes
        let wrap = "\(dir).tb_wrap.v"
        try FileManager.default.createDirectory(atPath: "\(buildDirectory)/stream", withIntermediateDirectories: true)
        try writeIfChanged(Data(CycleTestbench.wrapper(unit).utf8), to: wrap)
        let s = unit.signature
        var model = VerilatorModel(top: "lanes", sources: ["\(tb)/lanes.v", wrap, file, "\(tb)/stream_abi.cpp"], directory: dir)
        model.prefix = "Vlanes"
        model.output = "libstream.so"
        model.options = ["-j", "2", "-GSW=\(s.stimulusWidth)", "-GRW=\(s.resultWidth)", "-GLANES=\(lanes)",
                         "-CFLAGS", "-fPIC -O2 -DSTREAM_SW=\(s.stimulusWidth) -DSTREAM_RW=\(s.resultWidth) -DSTREAM_LANES=\(lanes) -DSTREAM_LATENCY=\(unit.latency)",
                         "-LDFLAGS", "-shared"]
        let built = model.build { log("exhaustive: building the streaming library for \(unit.moduleName) (\(lanes) lanes)") }
        switch built {
        case .success(let lib): return lib
        case .failure(let f): throw HarnessError("building the streaming library for \(unit.moduleName) failed: \(f.message)")
        }
    }

    /// The stimulus words handed to `stream_eval` for one row of `values` words: the least whole
    /// number of groups of `lanes` that holds them. `stream_eval` evaluates `count / lanes` whole
    /// groups and leaves the rest of its output untouched, so a row that is not a multiple of the
    /// lane count would read stale words for its last `values mod lanes` results (every lane count
    /// that does not divide 2^N did, until this rounded up).
    public static func rowLength(values: Int, lanes: Int) -> Int {
        precondition(values >= 1 && lanes >= 1)
        return (values + lanes - 1) / lanes * lanes
    }

    /// The fewest lanes the streaming library takes for `unit`: lanes.v's ports (lanes x the
    /// stimulus width and lanes x the result width) must both be wider than 64 bits, since
    /// stream_abi.cpp packs them as Verilator's wide words.
    public static func minimumLanes(_ unit: ArithmeticUnit) -> Int {
        let s = unit.signature
        return 64 / min(s.stimulusWidth, s.resultWidth) + 1
    }

    /// What one work item (`chunk` values of `a`, every `b`) found.
    struct Tally: Sendable {
        var vectors: UInt64 = 0
        var mismatches: UInt64 = 0
        var first: [Mismatch] = []
    }

    /// One worker's model instance and its stimulus and result words.
    struct Lane {
        let handle: UnsafeMutableRawPointer?
        let stim, y: UnsafeMutablePointer<UInt32>
    }

    public func run(log: @escaping @Sendable (String) -> Void) throws -> Outcome {
        let buildStart = monotonicSeconds()
        let lib = try buildLibrary(log: log)
        let buildSeconds = monotonicSeconds() - buildStart
        let api = try StreamLibrary(path: lib)
        let sig = unit.signature
        guard api.sw() == Int32(sig.stimulusWidth), api.rw() == Int32(sig.resultWidth), api.latency() == Int32(unit.latency) else {
            throw HarnessError("the streaming library for \(unit.moduleName) packs \(api.sw())/\(api.rw()) bits at latency \(api.latency()), expected \(sig.stimulusWidth)/\(sig.resultWidth) at \(unit.latency)")
        }
        // the stimulus word is {a, b} (a on top), the result word y: the cycle trace's packing
        let aShift = UInt32(sig.offset(of: "a"))
        let n = 1 << unit.format.width
        // stream_eval evaluates whole groups of lanes only, so each row of n values of b is padded
        // up to a whole number of groups (b repeating) and its first n results read
        let row = Self.rowLength(values: n, lanes: lanes)
        guard api.lanes() == Int32(lanes) else {
            throw HarnessError("the streaming library for \(unit.moduleName) has \(api.lanes()) lanes, expected \(lanes)")
        }
        let aCount = min(limitA ?? n, n)
        let chunk = 16                                   // values of a per work item
        let itemsPerPass = (aCount + chunk - 1) / chunk
        let items = itemsPerPass * max(1, passes)
        let progress = ProgressReporter("exhaustive \(unit.moduleName):", quiet: quiet)
        let golden = unit.golden
        let started = monotonicSeconds()
        let total = Double(aCount) * Double(n) * Double(max(1, passes))
        let pairsPerItem = Double(total) / Double(items)
        let report: WorkerPool.OnDone = { done, _ in
            let pairs = Double(done) * pairsPerItem
            progress.update(done: pairs, total: total,
                            detail: "\(compactCount(pairs))/\(compactCount(total)) pairs, \(compactCount(pairs / max(monotonicSeconds() - started, 1e-9)))/s")
        }
        let tallies = WorkerPool.map(items, jobs: threads, progress: quiet ? nil : report, worker: { () -> Lane in
            Lane(handle: api.create(), stim: .allocate(capacity: row), y: .allocate(capacity: row))
        }, finish: { lane in
            api.destroy(lane.handle)
            lane.stim.deallocate()
            lane.y.deallocate()
        }, body: { lane, item -> Tally in
            var t = Tally()
            let (handle, stim, y) = (lane.handle, lane.stim, lane.y)
            let lo = (item % itemsPerPass) * chunk, hi = min(lo + chunk, aCount)
            for av in lo..<hi {
                let aValue = UInt32(av)
                let high = aValue << aShift
                for i in 0..<row { stim[i] = high | UInt32(truncatingIfNeeded: i % n) }
                api.eval(handle, stim, y, UInt64(row))
                for i in 0..<n {
                    let expected = golden(aValue, UInt32(truncatingIfNeeded: i))
                    if y[i] != expected {
                        t.mismatches += 1
                        if t.first.count < 10 {
                            t.first.append(Mismatch(index: av * n + i, a: aValue, b: UInt32(i), expected: expected, got: y[i]))
                        }
                    }
                }
            }
            t.vectors = UInt64((hi - lo) * n)
            return t
        })
        progress.finish()
        let seconds = monotonicSeconds() - started
        return Outcome(vectors: tallies.reduce(0) { $0 + $1.vectors }, mismatches: tallies.reduce(0) { $0 + $1.mismatches },
                       firstMismatches: Array(tallies.flatMap(\.first).sorted { $0.index < $1.index }.prefix(10)),
                       seconds: seconds, buildSeconds: buildSeconds)
    }
}

/// The C functions of stream_abi.cpp, resolved with dlsym.
final class StreamLibrary: @unchecked Sendable {
    typealias Create = @convention(c) () -> UnsafeMutableRawPointer?
    typealias Destroy = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias Query = @convention(c) () -> Int32
    typealias Eval = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt32>, UnsafeMutablePointer<UInt32>, UInt64) -> Void

    let create: Create
    let destroy: Destroy
    let lanes: Query
    let sw: Query
    let rw: Query
    let latency: Query
    let eval: Eval
    let handle: UnsafeMutableRawPointer

    init(path: String) throws {
        // Loaded from a copy of its own name (removed once loaded), so a library rebuilt at the
        // same path (an edited unit file) is never found already loaded in this process: dlclose
        // does not unload a C++ library with unique symbols.
        let copy = "\(path).\(UUID().uuidString)"
        try? FileManager.default.removeItem(atPath: copy)
        do { try FileManager.default.copyItem(atPath: path, toPath: copy) } catch {
            throw HarnessError("cannot copy \(path) to load it: \(StandardStreams.plainWords(error))")
        }
        defer { try? FileManager.default.removeItem(atPath: copy) }
        guard let h = dlopen(copy, RTLD_NOW | RTLD_LOCAL) else {
            throw HarnessError("cannot load \(path): \(String(cString: dlerror()))")
        }
        handle = h
        func sym<T>(_ name: String, _: T.Type) throws -> T {
            guard let p = dlsym(h, name) else { throw HarnessError("\(path) lacks \(name); rebuild it (delete its directory)") }
            return unsafeBitCast(p, to: T.self)
        }
        create = try sym("stream_create", Create.self)
        destroy = try sym("stream_destroy", Destroy.self)
        lanes = try sym("stream_lanes", Query.self)
        sw = try sym("stream_sw", Query.self)
        rw = try sym("stream_rw", Query.self)
        latency = try sym("stream_latency", Query.self)
        eval = try sym("stream_eval", Eval.self)
    }

    deinit { dlclose(handle) }
}

import FloatArith
import Foundation
import Units
import Toolchain
import Generation
import HDL

/// Checks every one of the `2^(2N)` operand pairs of a unit (N <= 16: 4.3 billion pairs for bf16
/// and fp16) by streaming the Swift golden model through the verilated unit in-process: the unit,
/// replicated side by side in `testbench/lanes.v`, is built into a shared library with a small C
/// interface (`testbench/stream_abi.cpp`), loaded with dlopen, and driven in batches by one
/// thread per core, each with its own model. Nothing is written to disk but the library.
///
/// Why `rtlgen sim` keeps its vector-file testbench instead of this in-process path: `make bench-sim`
/// (2026-11-30, 2 shared cores) printed lmul_e4m3 "verilator, vector file 65536 0.06 s 1.02M/s"
/// against "in-process 58.66M/s", and fpmul_e8m7 "vector file 328400 0.39 s 849.0k/s" against
/// "in-process 31.07M/s". At `make sim`'s 65,536 or 328,400 vectors the file path costs under half a
/// second per unit, and it gives Icarus the very same vectors and a VCD of a failure (tb_unit.cpp
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
        var model = VerilatorModel(top: "lanes", sources: ["\(tb)/lanes.v", file, "\(tb)/stream_abi.cpp"],
                                   directory: "\(buildDirectory)/stream/\(unit.moduleName)")
        model.prefix = "Vlanes"
        model.output = "libstream.so"
        model.options = ["-j", "2", "-GW=\(w)", "-GLANES=\(lanes)", "-DDUT=\(unit.moduleName)",
                         "-CFLAGS", "-fPIC -O2 -DSTREAM_W=\(w) -DSTREAM_LANES=\(lanes)", "-LDFLAGS", "-shared"]
        let built = model.build { log("exhaustive: building the streaming library for \(unit.moduleName) (\(lanes) lanes)") }
        switch built {
        case .success(let lib): return lib
        case .failure(let f): throw HarnessError("building the streaming library for \(unit.moduleName) failed: \(f.message)")
        }
    }

    /// What one work item (`chunk` values of `a`, every `b`) found.
    struct Tally: Sendable {
        var vectors: UInt64 = 0
        var mismatches: UInt64 = 0
        var first: [Mismatch] = []
    }

    /// One worker's model instance and operand buffers.
    struct Lane {
        let handle: UnsafeMutableRawPointer?
        let a, b, y: UnsafeMutablePointer<UInt32>
    }

    public func run(log: @escaping @Sendable (String) -> Void) throws -> Outcome {
        let buildStart = monotonicSeconds()
        let lib = try buildLibrary(log: log)
        let buildSeconds = monotonicSeconds() - buildStart
        let api = try StreamLibrary(path: lib)
        guard api.width() == Int32(unit.format.width) else {
            throw HarnessError("the streaming library for \(unit.moduleName) has width \(api.width()), expected \(unit.format.width)")
        }
        let n = 1 << unit.format.width
        // stream_eval evaluates whole groups of lanes: a row shorter than one group (4-bit formats
        // have 16 values of b) is evaluated as one group, b repeating, and its first n results read
        let row = max(n, lanes)
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
            let lane = Lane(handle: api.create(), a: .allocate(capacity: row), b: .allocate(capacity: row), y: .allocate(capacity: row))
            for i in 0..<row { lane.b[i] = UInt32(i % n) }
            return lane
        }, finish: { lane in
            api.destroy(lane.handle)
            lane.a.deallocate()
            lane.b.deallocate()
            lane.y.deallocate()
        }, body: { lane, item -> Tally in
            var t = Tally()
            let (handle, a, b, y) = (lane.handle, lane.a, lane.b, lane.y)
            let lo = (item % itemsPerPass) * chunk, hi = min(lo + chunk, aCount)
            for av in lo..<hi {
                let aValue = UInt32(av)
                a.update(repeating: aValue, count: row)
                api.eval(handle, a, b, y, UInt64(row))
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
    typealias Eval = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt32>, UnsafePointer<UInt32>, UnsafeMutablePointer<UInt32>, UInt64) -> Void

    let create: Create
    let destroy: Destroy
    let lanes: Query
    let width: Query
    let eval: Eval

    init(path: String) throws {
        guard let h = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw HarnessError("cannot load \(path): \(String(cString: dlerror()))")
        }
        func sym<T>(_ name: String, _: T.Type) throws -> T {
            guard let p = dlsym(h, name) else { throw HarnessError("\(path) lacks \(name); rebuild it (delete its directory)") }
            return unsafeBitCast(p, to: T.self)
        }
        create = try sym("stream_create", Create.self)
        destroy = try sym("stream_destroy", Destroy.self)
        lanes = try sym("stream_lanes", Query.self)
        width = try sym("stream_width", Query.self)
        eval = try sym("stream_eval", Eval.self)
    }
}

import FloatArith
import Foundation
import Units
import Toolchain
import HDL

/// End-to-end checking throughput: golden model, simulation and comparison together, per way of
/// simulating. Model builds are done first and not timed. Prints figures; asserts nothing.
public struct SimulationBenchmark {
    public struct Row: Sendable {
        public let module: String
        public let method: String
        public let vectors: UInt64
        public let seconds: Double
        public var rate: Double { seconds > 0 ? Double(vectors) / seconds : 0 }
    }

    /// (unit, file) pairs to measure.
    public var units: [(ArithmeticUnit, String)]
    public var buildDirectory = "build/bench"
    public var testbenchDirectory = "testbench"
    /// Random pairs after the corners for the file-based runs of formats wider than 8 bits.
    public var random = 250_000
    /// In-process streaming: passes over all pairs for 8-bit formats, values of `a` for 16-bit.
    public var streamPasses = 2000
    public var streamValuesOfA = 2048

    public init(units: [(ArithmeticUnit, String)]) { self.units = units }

    public func run(log: @escaping @Sendable (String) -> Void) throws -> [Row] {
        try Tools.require(SimulatorKind.allCases)
        let runtime = try Verilator.runtime(buildDirectory: "build/sim", testbench: "\(testbenchDirectory)/\(CycleTestbench.verilatorFile)", log: log)
        var rows: [Row] = []
        for (unit, file) in units {
            let module = unit.moduleName
            guard FileManager.default.fileExists(atPath: file) else { throw HarnessError("\(file) not found; run make units") }
            let dir = "\(buildDirectory)/\(module)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let plan = VectorPlan.standard(for: unit.format, random: random, seed: 7)
            let count = Vectors.pairs(unit.format, plan: plan).count
            log("bench-sim: \(module): building models")
            guard case .success(let vexe) = CycleTestbench.verilator(unit, files: [file], directory: "\(dir)/verilator", testbench: testbenchDirectory,
                                                                     runtime: runtime) else {
                throw HarnessError("verilator could not build \(file)")
            }
            guard case .success(let vvp) = CycleTestbench.icarus(unit, files: [file], cycles: count + unit.stages, report: 3,
                                                                 directory: "\(dir)/icarus", testbench: testbenchDirectory) else {
                throw HarnessError("iverilog could not compile \(file)")
            }
            for (method, sim, exe) in [("verilator, cycle testbench", SimulatorKind.verilator, vexe), ("icarus, cycle testbench", .icarus, vvp)] {
                log("bench-sim: \(module): \(method)")
                // timed: the golden trace, its files, the simulation and the comparison
                let start = monotonicSeconds()
                let trace = unit.trace(Vectors.pairs(unit.format, plan: plan))
                let files = try CycleTestbench.write(trace, name: "trace", directory: dir)
                let r = CycleTestbench.run(sim, unit, executable: exe, trace: trace, files: files, report: 3)
                let seconds = monotonicSeconds() - start
                guard r.passed, r.checked == count else { throw HarnessError("\(module) failed its trace on \(method); run make sim") }
                rows.append(Row(module: module, method: method, vectors: UInt64(count), seconds: seconds))
            }
            var stream = ExhaustiveStream(unit: unit, file: file)
            stream.buildDirectory = "build/sim"
            stream.testbenchDirectory = testbenchDirectory
            stream.quiet = true
            if unit.format.width <= 8 { stream.passes = streamPasses } else { stream.limitA = streamValuesOfA }
            log("bench-sim: \(module): verilator in-process")
            _ = try stream.buildLibrary(log: log)
            let o = try stream.run(log: log)
            guard o.mismatches == 0 else { throw HarnessError("\(module) failed in-process streaming; run make sim-exhaustive") }
            rows.append(Row(module: module, method: "verilator, in-process (\(stream.threads) threads)", vectors: o.vectors, seconds: o.seconds))
        }
        return rows
    }

    public static func render(_ rows: [Row]) -> String {
        var t = TextTable(header: ["unit", "checked by", "vectors", "seconds", "vectors/s"], rightAligned: [2, 3, 4])
        for r in rows { t.rows.append([r.module, r.method, "\(r.vectors)", String(format: "%.2f", r.seconds), compactCount(r.rate)]) }
        return t.render() + "\n"
    }
}

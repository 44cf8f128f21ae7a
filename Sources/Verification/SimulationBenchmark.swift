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

    /// (module, file) pairs to measure.
    public var units: [(String, String)]
    public var buildDirectory = "build/bench"
    public var testbenchDirectory = "testbench"
    /// Random pairs after the corners for the file-based runs of formats wider than 8 bits.
    public var random = 250_000
    /// In-process streaming: passes over all pairs for 8-bit formats, values of `a` for 16-bit.
    public var streamPasses = 2000
    public var streamValuesOfA = 2048

    public init(units: [(String, String)]) { self.units = units }

    public func run(log: @escaping @Sendable (String) -> Void) throws -> [Row] {
        try Tools.require(SimulatorKind.allCases)
        let runtime = try Verilator.runtime(buildDirectory: "build/sim", testbench: "\(testbenchDirectory)/tb_unit.cpp", log: log)
        var rows: [Row] = []
        for (module, file) in units {
            guard let unit = ArithmeticUnit(moduleName: module) else { throw HarnessError("'\(module)' is not a unit module name") }
            guard FileManager.default.fileExists(atPath: file) else { throw HarnessError("\(file) not found; run make units") }
            let dir = "\(buildDirectory)/\(module)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let plan = VectorPlan.standard(for: unit.format, random: random, seed: 7)
            let count = Vectors.pairs(unit.format, plan: plan).count
            log("bench-sim: \(module): building models")
            guard case .success(let vexe) = UnitTestbench.verilator(module: module, file: file, buildDirectory: dir, testbench: testbenchDirectory, runtime: runtime) else {
                throw HarnessError("verilator could not build \(file)")
            }
            guard case .success(let vvp) = UnitTestbench.icarus(module: module, file: file, width: unit.format.width, count: count, report: 3,
                                                                buildDirectory: dir, testbench: testbenchDirectory) else {
                throw HarnessError("iverilog could not compile \(file)")
            }
            for (method, command) in [("verilator, vector file", { (v: String) in try Tools.run(vexe, [v]) }),
                                      ("icarus, vector file", { (v: String) in try Tools.run("vvp", ["-n", vvp, "+vectors=\(v)"]) })] {
                log("bench-sim: \(module): \(method)")
                let start = monotonicSeconds()
                let (text, n) = VectorFile.text(for: unit, plan: plan)
                let path = "\(dir)/vectors.hex"
                try text.write(toFile: path, atomically: false, encoding: .utf8)
                let r = try command(path)
                let seconds = monotonicSeconds() - start
                let parsed = TestbenchOutput.parse(r.stdout)
                guard parsed.vectors == n, parsed.mismatchCount == 0 else { throw HarnessError("\(module) failed its vectors on \(method); run make sim") }
                rows.append(Row(module: module, method: method, vectors: UInt64(n), seconds: seconds))
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

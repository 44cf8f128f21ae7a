import FloatArith
import Foundation
import Units
import Toolchain
import HDL

/// What `rtlgen sim` checks: modules in an RTL directory, against golden vectors, on simulators.
public struct SimulationConfig: Sendable {
    public var rtlDirectory: String
    public var modules: [String]
    public var simulators: [SimulatorKind]
    public var buildDirectory = "build/sim"
    public var testbenchDirectory = "testbench"
    /// Mismatches each testbench prints (and this report decodes).
    public var report = 10
    public var jobs = 2
    /// Random pairs after the corner cases, for formats wider than 8 bits.
    public var random = 100_000
    public var seed: UInt64 = 1

    public init(rtlDirectory: String, modules: [String], simulators: [SimulatorKind]) {
        self.rtlDirectory = rtlDirectory
        self.modules = modules
        self.simulators = simulators
    }
}

public struct SimulationOutcome: Sendable {
    public let module: String
    public let unit: ArithmeticUnit
    public let simulator: SimulatorKind
    public let vectors: Int
    public let mismatches: Int
    public let seconds: Double
    /// Set when the model could not be built or run.
    public let failure: String?
    public let firstMismatches: [Mismatch]
    public let vcd: String?
    public var passed: Bool { failure == nil && mismatches == 0 && vectors > 0 }
}

/// Checks each unit against its golden vectors on Verilator (C++ testbench, `--build -O3`) and
/// Icarus (`$readmemh` testbench). Files are simulated as they are in the RTL directory.
public final class UnitSimulation: @unchecked Sendable {
    public let config: SimulationConfig
    let log: @Sendable (String) -> Void

    public init(_ config: SimulationConfig, log: @escaping @Sendable (String) -> Void) {
        self.config = config
        self.log = log
    }

    struct Job {
        let module: String
        let unit: ArithmeticUnit
        let file: String
        let vectors: String
        let count: Int
    }

    /// Checks the configuration before anything runs: tools present, files present, module names known.
    public func preflight() throws -> [(String, ArithmeticUnit, String)] {
        try Tools.require(config.simulators)
        let tbFiles = (config.simulators.contains(.verilator) ? ["tb_unit.cpp"] : []) + (config.simulators.contains(.icarus) ? ["tb_unit.v"] : [])
        for tb in tbFiles where !FileManager.default.fileExists(atPath: "\(config.testbenchDirectory)/\(tb)") {
            throw HarnessError("testbench \(config.testbenchDirectory)/\(tb) not found; run from the repository root or pass --testbench DIR")
        }
        var out: [(String, ArithmeticUnit, String)] = []
        for m in config.modules {
            guard let unit = ArithmeticUnit(moduleName: m) else {
                throw HarnessError("'\(m)' is not a unit module name (<unit>_e<E>m<M>, e.g. lmul_e4m3)")
            }
            let file = "\(config.rtlDirectory)/\(m).v"
            guard FileManager.default.fileExists(atPath: file) else {
                throw HarnessError("\(file) not found; generate it with: rtlgen --exponent \(unit.format.exponentBits) --mantissa \(unit.format.mantissaBits) --units \(unit.kind.rawValue) --out \(config.rtlDirectory)")
            }
            out.append((m, unit, file))
        }
        return out
    }

    public func run() throws -> [SimulationOutcome] {
        let units = try preflight()
        let fm = FileManager.default
        let vectorDir = "\(config.buildDirectory)/vectors"
        try fm.createDirectory(atPath: vectorDir, withIntermediateDirectories: true)

        // Golden vectors, written only when their content changes.
        var jobs: [Job] = []
        for (m, unit, file) in units {
            let plan = VectorPlan.standard(for: unit.format, random: config.random, seed: config.seed)
            let (text, count) = VectorFile.text(for: unit, plan: plan)
            let path = "\(vectorDir)/\(m).hex"
            try writeIfChanged(Data(text.utf8), to: path)
            jobs.append(Job(module: m, unit: unit, file: file, vectors: path, count: count))
        }

        // Build every model, `jobs` at a time.
        let verilatorRuntime: [String] = config.simulators.contains(.verilator)
            ? try Verilator.runtime(buildDirectory: config.buildDirectory, testbench: "\(config.testbenchDirectory)/tb_unit.cpp", log: log)
            : []
        let cfg = self.config
        let built = ModelBuilds.build(jobs.flatMap { j in config.simulators.map { (j, $0) } }, module: \.module, jobs: config.jobs,
                                      command: "sim", log: log) { job, sim in
            switch sim {
            case .verilator:
                return UnitTestbench.verilator(module: job.module, file: job.file, buildDirectory: cfg.buildDirectory,
                                               testbench: cfg.testbenchDirectory, runtime: verilatorRuntime)
            case .icarus:
                return UnitTestbench.icarus(module: job.module, file: job.file, width: job.unit.format.width, count: job.count,
                                            report: cfg.report, buildDirectory: cfg.buildDirectory, testbench: cfg.testbenchDirectory)
            }
        }

        // Run them one after another (each is short; timings stay clean).
        var outcomes: [SimulationOutcome] = []
        for job in jobs {
            for sim in config.simulators {
                let key = "\(sim.rawValue)/\(job.module)"
                switch built[key]! {
                case .failure(let f):
                    outcomes.append(SimulationOutcome(module: job.module, unit: job.unit, simulator: sim, vectors: 0, mismatches: 0,
                                                      seconds: 0, failure: f.message, firstMismatches: [], vcd: nil))
                case .success(let exe):
                    outcomes.append(runOne(job, sim, exe))
                }
            }
        }
        return outcomes
    }

    private func runOne(_ job: Job, _ sim: SimulatorKind, _ exe: String) -> SimulationOutcome {
        let dir = "\(config.buildDirectory)/\(sim.rawValue)/\(job.module)"
        let vcd = "\(dir)/failure.vcd"
        try? FileManager.default.removeItem(atPath: vcd)
        let start = monotonicSeconds()
        let result: Tools.Result
        do {
            switch sim {
            case .verilator:
                result = try Tools.run(exe, [job.vectors, "--report", "\(config.report)", "--vcd", vcd])
            case .icarus:
                result = try Tools.run("vvp", ["-n", exe, "+vectors=\(job.vectors)", "+vcd=\(vcd)"])
            }
        } catch {
            return SimulationOutcome(module: job.module, unit: job.unit, simulator: sim, vectors: 0, mismatches: 0, seconds: 0,
                                     failure: "\(error)", firstMismatches: [], vcd: nil)
        }
        let seconds = monotonicSeconds() - start
        let parsed = TestbenchOutput.parse(result.stdout)
        var failure: String?
        if parsed.vectors == nil {
            failure = "the testbench did not finish: " + (result.output.split(separator: "\n").prefix(3).joined(separator: " | "))
        } else if parsed.vectors != job.count {
            failure = "the testbench applied \(parsed.vectors!) vectors, expected \(job.count)"
        }
        return SimulationOutcome(module: job.module, unit: job.unit, simulator: sim, vectors: parsed.vectors ?? 0,
                                 mismatches: parsed.mismatchCount ?? 0, seconds: seconds, failure: failure,
                                 firstMismatches: parsed.mismatches, vcd: parsed.vcd)
    }
}

/// The MISMATCH / SUMMARY / VCD lines both testbenches print.
public enum TestbenchOutput {
    public struct Parsed {
        public var mismatches: [Mismatch] = []
        public var vectors: Int?
        public var mismatchCount: Int?
        public var vcd: String?
    }

    public static func parse(_ text: String) -> Parsed {
        var p = Parsed()
        for line in text.split(separator: "\n") {
            let w = line.split(separator: " ")
            guard let tag = w.first else { continue }
            switch tag {
            case "MISMATCH" where w.count == 6:
                if let i = Int(w[1]), let a = UInt32(w[2], radix: 16), let b = UInt32(w[3], radix: 16),
                   let e = UInt32(w[4], radix: 16), let g = UInt32(w[5], radix: 16) {
                    p.mismatches.append(Mismatch(index: i, a: a, b: b, expected: e, got: g))
                } else {
                    // Icarus prints x or z digits for undriven outputs: keep the count honest.
                    p.mismatches.append(Mismatch(index: Int(w[1]) ?? -1, a: UInt32(w[2], radix: 16) ?? 0, b: UInt32(w[3], radix: 16) ?? 0,
                                                 expected: UInt32(w[4], radix: 16) ?? 0, got: UInt32.max))
                }
            case "SUMMARY":
                for kv in w.dropFirst() {
                    let parts = kv.split(separator: "=")
                    guard parts.count == 2 else { continue }
                    if parts[0] == "vectors" { p.vectors = Int(parts[1]) }
                    if parts[0] == "mismatches" { p.mismatchCount = Int(parts[1]) }
                }
            case "VCD" where w.count == 2:
                p.vcd = String(w[1])
            default:
                break
            }
        }
        return p
    }
}

/// The unit testbenches' models: tb_unit.cpp on Verilator (linked against the shared runtime,
/// with waveform tracing) and tb_unit.v on Icarus, around one unit file.
enum UnitTestbench {
    static func verilator(module: String, file: String, buildDirectory: String, testbench: String, runtime: [String]) -> Result<String, BuildFailure> {
        var model = VerilatorModel(top: module, sources: [file, "\(testbench)/tb_unit.cpp"], directory: "\(buildDirectory)/verilator/\(module)")
        model.options = ["--trace"]
        model.runtime = runtime
        return model.build()
    }

    static func icarus(module: String, file: String, width: Int, count: Int, report: Int, buildDirectory: String, testbench: String) -> Result<String, BuildFailure> {
        var model = IcarusModel(top: module, testbench: "\(testbench)/tb_unit.v", sources: [file], directory: "\(buildDirectory)/icarus/\(module)")
        model.parameters = [("W", "\(width)"), ("COUNT", "\(count)"), ("REPORT", "\(report)")]
        return model.build()
    }
}

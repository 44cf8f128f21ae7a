import FloatArith
import Foundation
import Units
import Toolchain
import HDL

/// What `rtlgen sim` checks: units (their files `<module>.v` in an RTL directory), against their
/// golden traces, on simulators.
public struct SimulationConfig: Sendable {
    public var rtlDirectory: String
    public var units: [ArithmeticUnit]
    public var simulators: [SimulatorKind]
    public var buildDirectory = "build/sim"
    public var testbenchDirectory = "testbench"
    /// Mismatches each testbench prints (and this report decodes).
    public var report = 10
    public var jobs = 2
    /// Random pairs after the corner cases, for formats wider than 8 bits.
    public var random = 100_000
    public var seed: UInt64 = 1
    /// Seconds one simulation run may take (a FAIL row past it); nil: `ToolBudget.simulation`'s
    /// limit for the unit and its trace.
    public var timeLimit: Double? = nil

    public init(rtlDirectory: String, units: [ArithmeticUnit], simulators: [SimulatorKind]) {
        self.rtlDirectory = rtlDirectory
        self.units = units
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

/// Checks each unit against its golden trace on Verilator and Icarus through the one cycle
/// testbench (`CycleTestbench`). Files are simulated as they are in the RTL directory.
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
        let trace: CycleTrace
        let files: (stimulus: String, expected: String)
    }

    /// Checks the configuration before anything runs: tools present, testbench and unit files present.
    public func preflight() throws -> [(ArithmeticUnit, String)] {
        try Tools.require(config.simulators)
        for tb in CycleTestbench.files(for: config.simulators) where !FileManager.default.fileExists(atPath: "\(config.testbenchDirectory)/\(tb)") {
            throw HarnessError("testbench \(config.testbenchDirectory)/\(tb) not found; run from the repository root or pass --testbench DIR")
        }
        return try config.units.map { unit in
            let file = "\(config.rtlDirectory)/\(unit.fileName)"
            guard FileManager.default.fileExists(atPath: file) else {
                throw HarnessError("\(file) not found; generate it with: \(unit.command) --out \(config.rtlDirectory)")
            }
            return (unit, file)
        }
    }

    public func run() throws -> [SimulationOutcome] {
        try run(try preflight())
    }

    /// The operand pairs `rtlgen sim` drives a unit with: exhaustive for formats of up to 8 bits,
    /// else the corner operands crossed and `random` seeded pairs, then the rounding-decision pairs.
    public static func pairs(_ unit: ArithmeticUnit, _ config: SimulationConfig) -> [(UInt32, UInt32)] {
        let plan = VectorPlan.standard(for: unit.format, random: config.random, seed: config.seed)
        return Vectors.pairs(unit.format, plan: plan) + (plan == .exhaustive ? [] : unit.roundingPairs())
    }

    /// One line per unit that rounds: the rounding decisions its pairs exercise (the MX dots'
    /// list, `RoundingCoverage`), and a warning naming any reachable class they miss.
    public static func decisions(_ config: SimulationConfig) -> String {
        var out = ""
        var seen = Set<String>()
        for unit in config.units where unit.rounds && seen.insert(unit.withStages(0).moduleName).inserted {
            guard let c = unit.roundingCoverage(pairs(unit, config)) else { continue }
            let exhaustive = VectorPlan.standard(for: unit.format, random: config.random, seed: config.seed) == .exhaustive
            let req = unit.roundingRequirements(c, exhaustive: exhaustive)
            out += "\(unit.withStages(0).moduleName): rounding decisions exercised (\(req.filter(\.reached).count) of \(req.count) reachable classes"
                + "\(exhaustive ? ", every input: the classes missed are unreachable" : "")): \(c.summary())\n"
            let missing = req.filter { !$0.reached }.map(\.name)
            if !missing.isEmpty { out += "WARNING \(unit.withStages(0).moduleName): rounding decisions not exercised: \(missing.joined(separator: "; "))\n" }
        }
        return out
    }

    /// Checks each design (a unit of any stage count) in its file against its golden trace.
    public func run(_ units: [(ArithmeticUnit, String)]) throws -> [SimulationOutcome] {
        let traceDir = "\(config.buildDirectory)/vectors"
        // Golden traces, written only when their content changes.
        var jobs: [Job] = []
        for (unit, file) in units {
            let trace = unit.trace(Self.pairs(unit, config))
            let files = try CycleTestbench.write(trace, name: unit.moduleName, directory: traceDir)
            jobs.append(Job(module: unit.moduleName, unit: unit, file: file, trace: trace, files: files))
        }

        // Build every model, `jobs` at a time.
        let verilatorRuntime: [String] = config.simulators.contains(.verilator)
            ? try Verilator.runtime(buildDirectory: config.buildDirectory, testbench: "\(config.testbenchDirectory)/\(CycleTestbench.verilatorFile)", log: log)
            : []
        let cfg = self.config
        let built = ModelBuilds.build(jobs.flatMap { j in config.simulators.map { (j, $0) } }, module: \.module, jobs: config.jobs,
                                      command: "sim", log: log) { job, sim in
            let dir = "\(cfg.buildDirectory)/\(sim.rawValue)/\(job.module)"
            switch sim {
            case .verilator:
                return CycleTestbench.verilator(job.unit, files: [job.file], directory: dir, testbench: cfg.testbenchDirectory, runtime: verilatorRuntime)
            case .icarus:
                return CycleTestbench.icarus(job.unit, files: [job.file], cycles: job.trace.cycles, report: cfg.report, directory: dir,
                                             testbench: cfg.testbenchDirectory)
            }
        }

        // Run them one after another (each is short; timings stay clean).
        var outcomes: [SimulationOutcome] = []
        for job in jobs {
            for sim in config.simulators {
                switch built["\(sim.rawValue)/\(job.module)"]! {
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
        let vcd = "\(config.buildDirectory)/\(sim.rawValue)/\(job.module)/failure.vcd"
        try? FileManager.default.removeItem(atPath: vcd)
        let start = monotonicSeconds()
        let r = CycleTestbench.run(sim, job.unit, executable: exe, trace: job.trace, files: job.files, report: config.report, vcd: vcd,
                                   timeLimit: config.timeLimit)
        let seconds = monotonicSeconds() - start
        let signature = job.trace.signature
        let mismatches = r.mismatches.compactMap { m -> Mismatch? in
            guard let (e, g) = m.differs(signature, "y") else { return nil }
            let (a, b) = job.unit.operands(checkedIn: m.cycle, of: job.trace)
            // Icarus prints x or z digits for undriven outputs: keep the count honest
            return Mismatch(index: m.cycle - job.unit.stages, a: a, b: b, expected: UInt32(e), got: g.map { UInt32($0) } ?? UInt32.max)
        }
        return SimulationOutcome(module: job.module, unit: job.unit, simulator: sim, vectors: r.checked ?? 0,
                                 mismatches: r.mismatchCount ?? 0, seconds: seconds, failure: r.failure,
                                 firstMismatches: mismatches, vcd: r.vcd)
    }
}

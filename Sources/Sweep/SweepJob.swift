import Accuracy
import FloatArith
import Foundation
import Generation
import Synthesis
import Toolchain
import Units
import Verification

/// What one job measured: the report's row for one configuration.
public struct SweepRow: Codable, Sendable, Equatable {
    public struct Check: Codable, Sendable, Equatable {
        /// "exhaustive" (every operand pair) or "corners+random".
        public var method: String
        public var pairs: Int
        public var simulator: String
    }

    public struct Errors: Codable, Sendable, Equatable {
        public var distribution: OperandDistribution
        public var stats: ProductErrorStats
    }

    public var id: String
    public var unit: UnitKind
    public var role: String
    /// Written as its tag.
    public var format: FloatFormat
    public var width: Int
    public var verification: Check
    /// Generic gates, CMOS transistors and logic depth (yosys), and how the netlist was proven.
    public var gates: Int
    public var transistors: Int
    public var depth: Int
    public var equivalence: String
    /// Standard cells: area (um^2), worst input-to-output delay (ns), energy per operation (pJ,
    /// dynamic + leakage, from the simulated activity of N(0, 1) operands).
    public var cells: Int
    public var area: Double
    public var delay: Double
    public var energy: Double
    public var errors: [Errors]
    /// With the plan's clock: the least S meeting it (nil: none up to the search's limit) and the
    /// figures `area` and `energy` then hold (at that S and clock); nil without a clock.
    public var clock: ClockedCost? = nil

    public struct ClockedCost: Codable, Sendable, Equatable {
        public var clockMHz: Double
        public var stages: Int?
        public var minPeriod: Double
        public var flipFlops: Int
        enum CodingKeys: String, CodingKey {
            case stages, clockMHz = "clock_mhz", minPeriod = "min_period_ns", flipFlops = "flip_flops"
        }
    }

    public func errors(_ d: OperandDistribution) -> ProductErrorStats? { errors.first { $0.distribution == d }?.stats }

    enum CodingKeys: String, CodingKey {
        case id, unit, role, format, width, verification, gates, transistors, depth, equivalence, cells, errors, clock
        case area = "area_um2", delay = "delay_ns", energy = "energy_pj"
    }
}

/// A job's result file, `results/<id>.json`: the row, the plan it belongs to (the plan file's
/// SHA-256), the SHA-256 of the RTL it measured, and a checksum over all of that, so an edited
/// file is refused.
public struct SweepResult: Codable, Sendable, Equatable {
    public var plan: String
    public var job: String
    public var rtlSHA256: String
    /// `SweepCode.fingerprint` of the code that measured it ("" in a file written before results named it).
    public var code: String
    /// Wall seconds the job took (not in the report: it differs run to run).
    public var seconds: Double
    public var row: SweepRow
    public var checksum: String = ""

    enum CodingKeys: String, CodingKey {
        case plan, job, seconds, row, checksum, code, rtlSHA256 = "rtl_sha256"
    }

    public init(plan: String, job: String, rtlSHA256: String, code: String, seconds: Double, row: SweepRow) {
        self.plan = plan
        self.job = job
        self.rtlSHA256 = rtlSHA256
        self.code = code
        self.seconds = seconds
        self.row = row
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        plan = try c.decode(String.self, forKey: .plan)
        job = try c.decode(String.self, forKey: .job)
        rtlSHA256 = try c.decode(String.self, forKey: .rtlSHA256)
        code = try c.decodeIfPresent(String.self, forKey: .code) ?? ""
        seconds = try c.decode(Double.self, forKey: .seconds)
        row = try c.decode(SweepRow.self, forKey: .row)
        checksum = try c.decode(String.self, forKey: .checksum)
    }

    /// The SHA-256 of the result's encoding with an empty checksum (without the final newline).
    public func computedChecksum() throws -> String {
        var copy = self
        copy.checksum = ""
        return SHA256.hex(try canonicalJSON(copy).dropLast())
    }

    public func sealed() throws -> SweepResult {
        var copy = self
        copy.checksum = try computedChecksum()
        return copy
    }

    public func encoded() throws -> Data { try canonicalJSON(self) }
}

/// The code that decides a sweep row, as the result files name it: the sweep's own version (the
/// golden model, the harness and the error measurement as the sweep uses them; raised by hand when
/// they change what a row says) and the version of every cost backend a row reads. Where the Swift
/// code lives decides nothing: moving or refactoring it leaves every result current.
public enum SweepCode {
    /// Raise when a sweep row's verification or error measurement changes what it reports.
    public static let version = 1

    /// The line result files name: `sweep=1 generic=1 stdcell=1 clocked=1`.
    public static var fingerprint: String {
        let backends: [any CostBackend] = [GenericGatesBackend(flowScript: ""), StandardCellBackend(liberty: ""), ClockedBackend(liberty: "")]
        return (["sweep=\(version)"] + backends.map { "\($0.name)=\($0.version)" }).joined(separator: " ")
    }
}

/// Runs one job: generate the unit, check it against the golden model on Verilator (exhaustively
/// up to `plan.exhaustiveWidth`-bit operands), synthesise it (generic gates, CMOS transistors,
/// standard cells, OpenSTA timing and energy; every netlist proven equal to the RTL and simulated
/// against the golden model), and measure its error on the plan's operand distributions.
public final class SweepJobRunner: @unchecked Sendable {
    public let plan: SweepPlan
    public let digest: String
    public let directory: String
    /// `SweepCode.fingerprint`: results made by other measuring code are stale.
    public let code: String
    /// Threads of one job's exhaustive walk.
    public var threads = 1
    public var testbenchDirectory = "testbench"
    /// Where synthesis results are kept by job key (shared with `make synth`); nil: always synthesise.
    public var cache: CostCache?
    let power: PowerAnalysis
    private let lock = NSLock()
    private var operandCache: [OperandDistribution: [(Double, Double)]] = [:]

    public init(plan: SweepPlan, digest: String, directory: String) throws {
        self.plan = plan
        self.digest = digest
        self.directory = directory
        code = SweepCode.fingerprint
        guard let data = FileManager.default.contents(atPath: plan.liberty.path) else {
            throw HarnessError("the plan's liberty file \(plan.liberty.path) is missing; install it (bash scripts/install-tools.sh) or plan again with --liberty FILE")
        }
        guard SHA256.hex(data) == plan.liberty.sha256 else {
            throw HarnessError("\(plan.liberty.path) has changed since the plan was written; plan again: rtlgen sweep plan --dir \(directory)")
        }
        guard let flow = FileManager.default.contents(atPath: plan.flow.path), SHA256.hex(flow) == plan.flow.sha256 else {
            throw HarnessError("the flow script \(plan.flow.path) is missing or has changed since the plan was written; plan again: rtlgen sweep plan --dir \(directory)")
        }
        power = PowerAnalysis(liberty: try LibertyFlow(libertyPath: plan.liberty.path))
    }

    /// `<dir>/results`, and the result file of job `id` in it.
    public static func resultsDirectory(_ dir: String) -> String { (dir as NSString).appendingPathComponent("results") }
    public static func resultPath(_ dir: String, _ id: String) -> String { (resultsDirectory(dir) as NSString).appendingPathComponent("\(id).json") }
    var workDirectory: String { (directory as NSString).appendingPathComponent("work") }

    /// The RTL the generator writes for a job's unit today, and its SHA-256 (what a result names).
    public struct JobRTL: Sendable {
        public let unit: ArithmeticUnit
        public let text: String
        public let sha256: String
    }

    public static func rtl(_ job: SweepPlan.Job) throws -> JobRTL {
        let unit = job.design
        let text = try unit.verilog()
        return JobRTL(unit: unit, text: text, sha256: SHA256.hex(Data(text.utf8)))
    }

    /// What is stored for a job: a current result, nothing, or a file that cannot be used and why.
    public enum Stored: Sendable {
        case current(SweepResult)
        case missing
        case unusable(String)
    }

    /// Reads the result file of `job` in `dir` and judges it for the plan with `digest`, the
    /// RTL with `rtlSHA256` and the measuring code `code`, as `run` and `merge` do.
    public static func stored(_ dir: String, job: SweepPlan.Job, digest: String, rtlSHA256: String, code: String) -> Stored {
        guard let data = FileManager.default.contents(atPath: resultPath(dir, job.id)) else { return .missing }
        guard let r = try? JSONDecoder().decode(SweepResult.self, from: data) else { return .unusable("not a sweep result (unreadable)") }
        guard (try? r.computedChecksum()) == r.checksum else { return .unusable("edited: its checksum does not match its contents") }
        guard r.plan == digest else { return .unusable("from a different plan (stale)") }
        guard r.job == job.id, r.row.id == job.id else { return .unusable("the result of another job (\(r.job))") }
        guard r.rtlSHA256 == rtlSHA256 else { return .unusable("made from RTL the generator no longer writes (stale)") }
        guard r.code == code else { return .unusable("made by measuring code that has changed since (stale)") }
        return .current(r)
    }

    func operands(_ d: OperandDistribution) -> [(Double, Double)] {
        lock.lock()
        defer { lock.unlock() }
        if let cached = operandCache[d] { return cached }
        let pairs = ProductError.operands(d, count: plan.samples, seed: plan.seed)
        operandCache[d] = pairs
        return pairs
    }

    /// `<dir>/work/locks/<id>.lock`: held while a job builds into `work/`.
    func lockPath(_ id: String) -> String { ((workDirectory as NSString).appendingPathComponent("locks") as NSString).appendingPathComponent("\(id).lock") }

    /// Runs `job` on `rtl` (`rtl(job)`) and writes its result file atomically. The job holds an
    /// exclusive lock on `work/locks/<id>.lock` while it runs: another `sweep run` of the same
    /// share (a requeued Slurm task) that reaches the job waits, then finds its result current and
    /// takes it (`reused`) instead of building into the same `work/` directories at once.
    public func run(_ job: SweepPlan.Job, rtl: JobRTL) throws -> (result: SweepResult, reused: Bool) {
        try FileManager.default.createDirectory(atPath: (workDirectory as NSString).appendingPathComponent("locks"), withIntermediateDirectories: true)
        let lock = try FileLock(lockPath(job.id))
        defer { lock.release() }
        if case .current(let done) = Self.stored(directory, job: job, digest: digest, rtlSHA256: rtl.sha256, code: code) { return (done, true) }
        return (try measure(job, rtl: rtl), false)
    }

    private func measure(_ job: SweepPlan.Job, rtl: JobRTL) throws -> SweepResult {
        let start = monotonicSeconds()
        let (unit, text) = (rtl.unit, rtl.text)
        let rtlDir = (workDirectory as NSString).appendingPathComponent("rtl")
        try OutputWriter.write([(unit.fileName, Data(text.utf8))], into: rtlDir)
        let file = (rtlDir as NSString).appendingPathComponent(unit.fileName)
        let simDir = (workDirectory as NSString).appendingPathComponent("sim")

        // 1. The RTL against the golden model.
        let check: SweepRow.Check
        if unit.format.width <= plan.exhaustiveWidth {
            var stream = ExhaustiveStream(unit: unit, file: file)
            stream.buildDirectory = simDir
            stream.testbenchDirectory = testbenchDirectory
            stream.threads = threads
            stream.quiet = true
            let outcome = try stream.run(log: { _ in })
            if let m = outcome.firstMismatches.first {
                throw HarnessError("\(job.id): the RTL differs from the golden model on \(outcome.mismatches) of \(outcome.vectors) pairs, first \(m.describe(unit))")
            }
            check = SweepRow.Check(method: "exhaustive", pairs: Int(outcome.vectors), simulator: "verilator")
        } else {
            var config = SimulationConfig(rtlDirectory: rtlDir, units: [unit], simulators: [.verilator])
            config.buildDirectory = simDir
            config.testbenchDirectory = testbenchDirectory
            config.random = plan.randomVectors
            config.seed = plan.seed
            config.jobs = 1
            let outcomes = try UnitSimulation(config, log: { _ in }).run()
            guard let o = outcomes.first, o.passed else {
                let o = outcomes.first
                throw HarnessError("\(job.id): the RTL differs from the golden model" + (o?.failure.map { ": \($0)" } ?? o?.firstMismatches.first.map { ", first \($0.describe(unit))" } ?? ""))
            }
            check = SweepRow.Check(method: "corners+random", pairs: o.vectors, simulator: "verilator")
        }

        // 2. Synthesis, every netlist proven equal to the RTL and simulated against the golden model.
        var flow = SynthesisFlow()
        flow.flowScript = plan.flow.path
        flow.workDirectory = (workDirectory as NSString).appendingPathComponent("synth")
        flow.proofTimeout = plan.proofTimeout
        flow.power = power
        flow.cache = cache
        let s: SynthesisFlow.Result
        do { s = try flow.run(unit, file: file) } catch let f as SynthesisFlow.Failure { throw HarnessError(f.description) }
        guard let lib = s.liberty else { throw HarnessError("\(job.id): no standard-cell figures") }

        // 3. Error on the plan's real operands.
        let errors = plan.distributions.map { d in
            SweepRow.Errors(distribution: d, stats: ProductError.measure(unit.kind, unit.format, pairs: operands(d)))
        }

        var row = SweepRow(id: job.id, unit: unit.kind, role: unit.kind.role.rawValue, format: unit.format, width: unit.format.width,
                           verification: check, gates: s.gates, transistors: s.transistors, depth: s.depth, equivalence: s.equivalence.rawValue,
                           cells: lib.cells, area: lib.area, delay: lib.delay, energy: lib.energy, errors: errors)

        // 4. At the plan's clock: the cost of the least S meeting it (a point that reaches it at no S
        // up to 8 keeps its combinational figures, and the report's frontiers leave it out).
        if let mhz = plan.clockMHz {
            let lib = plan.liberty.path
            let iso = IsoThroughput(cost: ClockedCost(liberty: try LibertyFlow(libertyPath: lib)), backend: ClockedBackend(liberty: lib), cache: cache,
                                    work: (workDirectory as NSString).appendingPathComponent("clocked"))
            let e: IsoThroughput.Entry
            do {
                e = try iso.search(clocks: [mhz], kind: "unit", unit: unit, accumulation: nil, module: unit.moduleName, design: { s in
                    let u = unit.withStages(s)
                    return ClockedDesign(kind: .unit(u), module: u.moduleName, files: [(u.fileName, try u.verilog())])
                }, estimate: { s in
                    s == 0 ? (try unit.withStages(1).elaboratePlanned().plan?.combinationalDelay ?? 1) : (try unit.withStages(s).elaboratePlanned().plan?.stageDelays.max() ?? 1)
                }, progress: { _ in })[0]
            } catch let f as SynthesisFlow.Failure { throw HarnessError(f.description) }
            row.clock = SweepRow.ClockedCost(clockMHz: mhz, stages: e.stages, minPeriod: e.figures?.minPeriod ?? e.bestPeriod, flipFlops: e.figures?.flipFlops ?? 0)
            if let f = e.figures, let en = e.energy {
                row.area = f.area
                row.energy = en
            }
        }
        let result = try SweepResult(plan: digest, job: job.id, rtlSHA256: rtl.sha256, code: code,
                                     seconds: ((monotonicSeconds() - start) * 10).rounded() / 10, row: row).sealed()
        try OutputWriter.writeFile(try result.encoded(), to: Self.resultPath(directory, job.id))
        return result
    }
}

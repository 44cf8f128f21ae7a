import FloatArith
import Foundation
import GateTiming
import Generation
import Toolchain
import Units

/// Timed activity (issue 24): a design mapped to the standard cells exactly as the `stdcell`
/// backend maps it, simulated in Icarus Verilog on its own cycle trace under several delay
/// models, every value change of every cell output counted (glitches included) and turned into
/// energy with the same per-instance power model (`InstanceEnergy`) as the zero-delay figures.
public struct TimedActivityBackend: CostBackend {
    public var liberty: String
    /// The cells' Verilog models with specify delays (osu018_stdcells.v beside the liberty file).
    public var cellModels: String
    public init(liberty: String, cellModels: String? = nil) {
        self.liberty = liberty
        self.cellModels = cellModels ?? ((liberty as NSString).deletingPathExtension + ".v")
    }
    public var name: String { "timed" }
    public var tools: [String] { ["yosys", "sta", "iverilog", "vvp"] }
    public func inputs() throws -> [(String, String)] {
        guard let models = FileManager.default.contents(atPath: cellModels) else {
            throw SynthesisFlow.Failure(description: "cell models \(cellModels) not found: run 'bash scripts/install-tools.sh' (it unpacks osu018_stdcells.v beside the liberty file)")
        }
        return [("cell_models", SHA256.hex(models)), ("iverilog", try ToolVersions.version("iverilog", ["-V"]))]
    }
    public var version: Int { 1 }

    /// The delay models every timed job runs: zero delay (the same sample without delays, the
    /// glitch factor's denominator), SDF (the reported timed figure) and the two bounds.
    public static let models: [DelayModel] = [.zeroDelay, .sdf, .inertial, .transport]
}

/// One design's timed figures (pJ per operation: per multiply for units, per MAC for PEs).
public struct TimedFigures: Codable, Sendable, Equatable {
    /// Operations simulated and counted (operand pairs or PE beats, one per cycle).
    public var operations: Int
    /// ns per simulated cycle (long enough for the slowest path to settle) and the period the
    /// energy is reckoned over (the standard-cell figures' clock: leakage over it, dynamic energy
    /// from changes per cycle).
    public var simulationPeriod: Double
    public var energyPeriod: Double
    public var cells: Int
    /// pJ per operation and cell output changes per operation, by delay model (`DelayModel` raw values).
    public var energy: [String: Double]
    public var changes: [String: Double]
    /// pJ of leakage over the energy period, in every model's energy (nil in results from before it was kept).
    public var leakage: Double?
    /// Registered designs (`TimedSynthesis.measureClocked`): how their mapped netlist was proven equal to the RTL.
    public var proof: String?

    enum CodingKeys: String, CodingKey {
        case operations, cells, energy, changes, leakage, proof
        case simulationPeriod = "simulation_period_ns", energyPeriod = "energy_period_ns"
    }

    public init(operations: Int, simulationPeriod: Double, energyPeriod: Double, cells: Int, energy: [String: Double], changes: [String: Double],
                leakage: Double? = nil, proof: String? = nil) {
        self.operations = operations
        self.simulationPeriod = simulationPeriod
        self.energyPeriod = energyPeriod
        self.cells = cells
        self.energy = energy
        self.changes = changes
        self.leakage = leakage
        self.proof = proof
    }

    /// pJ per operation under `m` at a clock of `mhz`: the dynamic part is per transition (the same
    /// at any clock), leakage scales with the period.
    public func energy(_ m: DelayModel, atMHz mhz: Double) -> Double? {
        guard let e = energy(m), let l = leakage else { return nil }
        return e - l + l * (1000 / mhz) / energyPeriod
    }

    public func energy(_ m: DelayModel) -> Double? { energy[m.rawValue] }
    /// The same sample without delays.
    public var zeroDelay: Double? { energy(.zeroDelay) }
    /// The reported timed energy: OpenSTA's SDF delays.
    public var timed: Double? { energy(.sdf) }
    /// Timed energy over zero-delay energy, same sample.
    public var glitchFactor: Double? {
        guard let z = zeroDelay, let t = timed, z > 0 else { return nil }
        return t / z
    }
    /// The span of the delay models that bracket real gates (sdf, inertial) and the transport upper bound.
    public var range: (low: Double, high: Double)? {
        let vs = [DelayModel.sdf, .inertial, .transport].compactMap { energy($0) }
        guard let lo = vs.min(), let hi = vs.max() else { return nil }
        return (lo, hi)
    }
}

/// A design the timed backend measures: units and PEs, each with the trace it is simulated on.
public struct TimedDesign: Sendable {
    public var kind: String
    public var design: any Design
    public var unit: ArithmeticUnit
    public var accumulation: String?
    public init(kind: String, design: any Design, unit: ArithmeticUnit, accumulation: String? = nil) {
        self.kind = kind
        self.design = design
        self.unit = unit
        self.accumulation = accumulation
    }
}

/// One row of the report's timed section.
public struct TimedRow: Codable, Sendable, Equatable {
    public var kind: String
    public var module: String
    public var unit: UnitKind
    public var format: FloatFormat
    public var accumulation: String?
    public var figures: TimedFigures
}

public struct TimedSynthesis: Sendable {
    public var flow: SynthesisFlow
    public var backend: TimedActivityBackend
    /// Operations per design (pairs for units, beats for PEs).
    public var operations = 1000
    /// PE jobs: `clear` every this many beats, as the zero-delay PE figures.
    public var jobLength = 32

    public init(flow: SynthesisFlow, backend: TimedActivityBackend) {
        self.flow = flow
        self.backend = backend
    }

    /// The trace a design is simulated on: N(0, 1) operands rounded to the format (the zero-delay
    /// figures' sampler and seed), one per cycle; PEs get valid beats with a new job every `jobLength`.
    func trace(_ d: TimedDesign) throws -> CycleTrace {
        let (a, b) = SynthesisFlow.activityOperands(d.unit.format, count: operations + 1, seed: flow.seed)
        if let u = d.design as? ArithmeticUnit { return u.trace(Array(zip(a, b))) }
        if let pe = d.design as? ProcessingElement {
            return pe.trace((0..<(operations + 1)).map { ProcessingElement.Beat(clear: $0 % jobLength == 0, valid: true, a: a[$0], b: b[$0]) })
        }
        throw SynthesisFlow.Failure(description: "\(d.design.moduleName): the timed backend measures units and PEs only")
    }

    public func job(_ d: TimedDesign, sources: [String]) throws -> CostJob {
        var job = try flow.job("timed", top: d.design.moduleName, sources: sources)
        try job.add(backend: backend)
        job.add("timed.operations", String(operations))
        job.add("timed.job_length", String(jobLength))
        job.add("timed.models", TimedActivityBackend.models.map(\.rawValue).joined(separator: ","))
        return job
    }

    /// Every design on `jobs` threads, results in the given order; cached by job key.
    public func run(_ designs: [TimedDesign], work: String, jobs: Int, progress: @escaping @Sendable (String) -> Void) throws -> [TimedRow] {
        let outcomes = WorkerPool.map(designs.count, jobs: jobs) { i -> Result<TimedRow, SynthesisFlow.Failure> in
            let d = designs[i]
            do {
                let t0 = monotonicSeconds()
                let dir = (work as NSString).appendingPathComponent("timed/\(d.design.moduleName)")
                let measured = try MeasuredDesign(d.design, directory: (dir as NSString).appendingPathComponent("rtl"))
                let job = try self.job(d, sources: measured.sources)
                let measure = { try self.measure(d, sources: measured.sources, dir: dir) }
                let f = try flow.cache.map { try $0.result(job, measure) } ?? measure()
                progress(String(format: "timed %-28@ %6.3f pJ zero delay, %6.3f pJ sdf (x%.2f)  %.1f s", d.design.moduleName as NSString,
                                f.zeroDelay ?? 0, f.timed ?? 0, f.glitchFactor ?? 0, monotonicSeconds() - t0))
                return .success(TimedRow(kind: d.kind, module: d.design.moduleName, unit: d.unit.kind, format: d.unit.format,
                                         accumulation: d.accumulation, figures: f))
            } catch {
                return .failure(error as? SynthesisFlow.Failure ?? SynthesisFlow.Failure(description: "\(error)"))
            }
        }
        return try outcomes.map { try $0.get() }
    }

    /// Synthesis and mapping as the standard-cell backend does them (both proven equal to the RTL),
    /// OpenSTA's per-instance power, then one Icarus run per delay model.
    func measure(_ d: TimedDesign, sources: [String], dir: String) throws -> TimedFigures {
        guard let power = flow.power else { throw SynthesisFlow.Failure(description: "the timed backend needs the standard-cell flow (a liberty file)") }
        let top = d.design.moduleName
        var synth = flow
        synth.workDirectory = dir
        let mapped = try synth.synthesize(sources: sources, top: top, scratchName: "gates")
        let m = try power.liberty.map(sources: sources, top: top, dir: mapped.directory, proofTimeout: flow.proofTimeout)
        let t = try power.timing.run(netlist: "liberty.v", top: top, sequential: d.design.signature.isClocked, liberty: backend.liberty, dir: m.directory)
        let runs = try simulate(d.design, netlist: (m.directory as NSString).appendingPathComponent("liberty.v"),
                                instances: m.netlist.instances.map(\.name), sta: t, trace: try self.trace(d), warmup: 1, in: m.directory)
        return TimedFigures(operations: operations, simulationPeriod: runs.simulationPeriod, energyPeriod: power.timing.period, cells: m.cells,
                            energy: runs.energy, changes: runs.changes, leakage: runs.leakage)
    }

    /// One Icarus run per delay model of a mapped, timed netlist on `trace` (`warmup` cycles not
    /// counted), each cell output's changes turned into energy by the per-instance model (`InstanceEnergy`).
    func simulate(_ design: any Design, netlist: String, instances names: [String], sta t: StaticTiming.Result, trace: CycleTrace,
                  warmup: Int, in directory: String) throws -> (energy: [String: Double], changes: [String: Double], leakage: Double, simulationPeriod: Double) {
        guard let power = flow.power else { throw SynthesisFlow.Failure(description: "the timed backend needs the standard-cell flow (a liberty file)") }
        let timing = power.timing
        var instances: [String: InstancePower] = [:]
        for name in names {
            guard let p0 = t.power0[name], let p1 = t.power1[name] else {
                throw SynthesisFlow.Failure(description: "\(design.moduleName): OpenSTA reported no power for instance \(name)")
            }
            instances[name] = InstancePower(dynamic0: p0.internal_ + p0.switching, dynamic1: p1.internal_ + p1.switching, leakage: p0.leakage)
        }
        // a cycle long enough for the slowest path (with a margin), never shorter than the energy clock
        let slowest = max(t.worstDelay, t.minPeriod ?? 0)
        let simPeriod = max(timing.period, (slowest * 1.25).rounded(.up))
        let cells = try CellModels(path: backend.cellModels)
        var sim = TimedActivity(netlist: netlist, design: design, cellModels: cells)
        sim.liberty = backend.liberty
        sim.outputLoad = timing.outputLoad
        sim.period = simPeriod
        sim.warmup = warmup
        sim.timeLimit = 1800
        var energy: [String: Double] = [:], changes: [String: Double] = [:], leakage = 0.0
        for model in TimedActivityBackend.models {
            let r: TimedActivity.Result
            do {
                r = try sim.run(trace, model: model, in: (directory as NSString).appendingPathComponent("timed-\(model.rawValue)"))
            } catch let e as TimedActivity.Failure {
                throw SynthesisFlow.Failure(description: e.description)
            }
            let activity = Dictionary(uniqueKeysWithValues: instances.keys.map { ($0, r.perCycle($0)) })
            let e = try InstanceEnergy.perCycle(power: instances, activity: activity, period: timing.period)
            energy[model.rawValue] = Self.r(e.dynamic + e.leakage, 4)
            changes[model.rawValue] = Self.r(Double(r.total) / Double(max(r.cycles, 1)), 2)
            leakage = Self.r(e.leakage, 4)
        }
        return (energy, changes, leakage, simPeriod)
    }

    static func r(_ x: Double, _ digits: Int) -> Double {
        let p = pow(10, Double(digits)); return (x * p).rounded() / p
    }
}

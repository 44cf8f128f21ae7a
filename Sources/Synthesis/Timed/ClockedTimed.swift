import FloatArith
import Foundation
import GateTiming
import HDL
import Generation
import Toolchain
import Units

/// A unit between input and output registers, as the iso-throughput table measures it
/// (`ClockedDesign.allFiles`: `clocked_<module>` with a, b and y registered), seen as a design so
/// that the timed simulation can drive its mapped netlist: a pair in cycle k, its result on `y`
/// in cycle k + S + 2 (one cycle into the input registers, S in the unit, one into the output register).
public struct RegisteredUnit: Design {
    public var unit: ArithmeticUnit
    public init(_ unit: ArithmeticUnit) { self.unit = unit }

    public var moduleName: String { "clocked_\(unit.moduleName)" }
    public var signature: Signature {
        let n = unit.format.width
        return Signature([.clock, .input("a", n, .operand), .input("b", n, .operand), .output("y", n, .result)])
    }
    public var latency: Int { unit.stages + 2 }
    public var command: String { "rtlgen synth --clocks (the register wrapper of \(unit.command))" }

    /// The wrapper is Verilog text written by `ClockedDesign`, not an elaborated module; the
    /// netlist this design names is always the mapped one.
    public struct NotElaborated: Error, CustomStringConvertible {
        public let description: String
    }
    public func modules() throws -> [Module] {
        throw NotElaborated(description: "\(moduleName) is the costing wrapper of \(unit.moduleName) (ClockedDesign); generate \(unit.moduleName) with \(unit.command)")
    }

    /// Pair k in cycle k, its golden result expected in cycle k + latency; the last `latency`
    /// cycles drive zeros while the registers drain.
    public func trace(_ pairs: [(UInt32, UInt32)]) -> CycleTrace {
        var t = CycleTrace(signature, reserve: pairs.count + latency)
        for _ in 0..<(pairs.count + latency) { t.addCycle() }
        for (k, (a, b)) in pairs.enumerated() {
            t.drive("a", UInt64(a), cycle: k)
            t.drive("b", UInt64(b), cycle: k)
            t.expect("y", UInt64(unit(a, b)), cycle: k + latency)
        }
        return t
    }
}

/// One iso-throughput choice timed: the unit with the S stages chosen at `clocksMHz`, inside its registers.
public struct TimedClockedRow: Codable, Sendable, Equatable {
    /// The unit (`fpmul_e4m3_p2`) and the simulated top (`clocked_fpmul_e4m3_p2`).
    public var module: String
    public var top: String
    public var unit: UnitKind
    public var format: FloatFormat
    public var stages: Int
    /// The clocks of the iso-throughput table that chose this S.
    public var clocksMHz: [Double]
    public var figures: TimedFigures

    enum CodingKeys: String, CodingKey {
        case module, top, unit, format, stages, figures
        case clocksMHz = "clocks_mhz"
    }
}

extension TimedSynthesis {
    /// The job of one registered unit: its Verilog, both backends (the clocked mapping and proof,
    /// the timed simulation), the clocked measurement's parameters and the sample.
    public func clockedJob(_ u: ArithmeticUnit, cost: ClockedCost, clockedBackend: ClockedBackend) throws -> CostJob {
        let r = RegisteredUnit(u)
        var job = CostJob("timed \(r.moduleName)")
        job.addData("rtl.0.\(u.fileName)", Data(try u.verilog().utf8))
        try job.add(backend: backend)
        try job.add(backend: clockedBackend)
        job.add("timed.operations", String(operations))
        job.add("timed.models", TimedActivityBackend.models.map(\.rawValue).joined(separator: ","))
        job.add("timed.top", r.moduleName)
        job.add("timed.seed", String(flow.seed))
        job.add("clocked.proof_timeout", String(cost.proofTimeout))
        if let p = flow.power { job.add("timed.energy_period_ns", String(p.timing.period)); job.add("timed.output_load_pf", String(p.timing.outputLoad)) }
        return job
    }

    /// The registered unit mapped and proven exactly as the iso-throughput table's measurement
    /// (`ClockedCost.measure`: flip-flops mapped, never retimed; yosys-abc `dsec`), timed by
    /// OpenSTA with a clock on `clk`, then simulated under every delay model on `operations` pairs
    /// of the usual N(0, 1) sample, one per cycle; the first S + 2 cycles (the registers filling
    /// from power-up X) are not counted.
    public func measureClocked(_ u: ArithmeticUnit, cost: ClockedCost, dir: String) throws -> TimedFigures {
        guard let power = flow.power else { throw SynthesisFlow.Failure(description: "the timed backend needs the standard-cell flow (a liberty file)") }
        let r = RegisteredUnit(u)
        let design = ClockedDesign(kind: .unit(u), module: u.moduleName, files: [(u.fileName, try u.verilog())])
        var mapping = cost
        // its mapping and proof only: one cycle of its own activity run (not used here)
        mapping.operations = 64
        let mapped = try mapping.measure(design, work: dir)
        let mdir = (dir as NSString).appendingPathComponent(design.top)
        let json = try Data(contentsOf: URL(fileURLWithPath: (mdir as NSString).appendingPathComponent("liberty.json")))
        let netlist = try CellNetlist(json: json, module: design.top, library: cost.liberty.library)
        let t = try power.timing.run(netlist: "liberty.v", top: design.top, sequential: true, liberty: backend.liberty, dir: mdir)
        let (a, b) = SynthesisFlow.activityOperands(u.format, count: operations, seed: flow.seed)
        let runs = try simulate(r, netlist: (mdir as NSString).appendingPathComponent("liberty.v"), instances: netlist.instances.map(\.name),
                                sta: t, trace: r.trace(Array(zip(a, b))), warmup: r.latency, in: mdir)
        return TimedFigures(operations: operations, simulationPeriod: runs.simulationPeriod, energyPeriod: power.timing.period,
                            cells: netlist.instances.count, energy: runs.energy, changes: runs.changes, leakage: runs.leakage, proof: mapped.proof)
    }

    /// Every (unit, S) the iso-throughput table chose, on `jobs` threads, cached by job key, in the order given.
    public func runClocked(_ choices: [(unit: ArithmeticUnit, clocks: [Double])], cost: ClockedCost, clockedBackend: ClockedBackend, work: String,
                           jobs: Int, progress: @escaping @Sendable (String) -> Void) throws -> [TimedClockedRow] {
        let outcomes = WorkerPool.map(choices.count, jobs: jobs) { i -> Result<TimedClockedRow, SynthesisFlow.Failure> in
            let (u, clocks) = choices[i]
            do {
                let t0 = monotonicSeconds()
                let dir = (work as NSString).appendingPathComponent("timed-clocked/\(u.moduleName)")
                let job = try self.clockedJob(u, cost: cost, clockedBackend: clockedBackend)
                let measure = { try self.measureClocked(u, cost: cost, dir: dir) }
                let f = try flow.cache.map { try $0.result(job, measure) } ?? measure()
                progress(String(format: "timed %-28@ %6.3f pJ zero delay, %6.3f pJ sdf (x%.2f)  %.1f s", RegisteredUnit(u).moduleName as NSString,
                                f.zeroDelay ?? 0, f.timed ?? 0, f.glitchFactor ?? 0, monotonicSeconds() - t0))
                return .success(TimedClockedRow(module: u.moduleName, top: RegisteredUnit(u).moduleName, unit: u.kind, format: u.format,
                                                stages: u.stages, clocksMHz: clocks, figures: f))
            } catch {
                return .failure(error as? SynthesisFlow.Failure ?? SynthesisFlow.Failure(description: "\(error)"))
            }
        }
        return try outcomes.map { try $0.get() }
    }
}

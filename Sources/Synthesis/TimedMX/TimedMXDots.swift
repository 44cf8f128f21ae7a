import FloatArith
import Foundation
import GateTiming
import Toolchain
import Units

/// Timed activity of the MX block dots (issues 24 and 25): each `mxdot_<unit>_<elem>_k<K>` mapped to
/// the standard cells exactly as the MX cost job maps it (`MXDotSynthesis`: the generic flow, then
/// the liberty mapping, each step proven where the prover finishes), timed by OpenSTA, then
/// simulated in Icarus on seeded random block pairs (N(0, 1) data quantised by OCP's conversion,
/// the MX cost job's sampler and seed), one block dot per cycle, every result checked against the
/// golden MX dot, under every delay model of the timed backend. Its own backend, so that adding it
/// re-keys neither the MX jobs nor the other timed jobs.
public struct TimedMXBackend: CostBackend {
    public var timed: TimedActivityBackend
    public init(timed: TimedActivityBackend) { self.timed = timed }
    public var name: String { "timed_mx" }
    public var tools: [String] { timed.tools + ["yosys-abc", "timeout"] }
    public func inputs() throws -> [(String, String)] { try timed.inputs() }
    public var version: Int { 1 }
}

/// One MX dot's timed figures: per block dot (one result of K products); per MAC is these / K.
public struct TimedMXRow: Codable, Sendable, Equatable {
    public var module: String
    public var unit: UnitKind
    public var element: String
    public var blockSize: Int
    /// The liberty netlist proven equal to the pre-mapping netlist within the proof limit.
    public var libertyProven: Bool
    public var figures: TimedFigures

    enum CodingKeys: String, CodingKey {
        case module, unit, element, figures
        case blockSize = "block_size", libertyProven = "liberty_proven"
    }
}

extension TimedSynthesis {
    public func mxJob(_ d: MXDotDesign, file: String, backend mxBackend: TimedMXBackend) throws -> CostJob {
        var job = try flow.job("timed_mx", top: d.moduleName, sources: [file])
        try job.add(backend: mxBackend)
        job.add("timed_mx.blocks", String(operations))
        job.add("timed_mx.models", TimedActivityBackend.models.map(\.rawValue).joined(separator: ","))
        job.add("timed_mx.activity", "N(0,1) quantised by BlockFormat.quantize, seed \(flow.seed)")
        return job
    }

    /// `operations` block pairs of `d` (Verilog in `file`), mapped in `dir`.
    public func measureMX(_ d: MXDotDesign, file: String, dir: String) throws -> (figures: TimedFigures, proven: Bool) {
        guard let power = flow.power else { throw SynthesisFlow.Failure(description: "the timed backend needs the standard-cell flow (a liberty file)") }
        var f = flow
        f.workDirectory = dir
        let mx = MXDotSynthesis(flow: f)
        let top = d.moduleName
        let (generic, _) = try mx.synthesize(sources: [file], top: top)
        let mapped = try mx.map(power.liberty, sources: [file], top: top, dir: generic.directory)
        let t = try power.timing.run(netlist: "liberty.v", top: top, sequential: false, liberty: backend.liberty, dir: generic.directory)
        let blocks = MXDotSynthesis.activityBlocks(d, count: operations + 1, seed: flow.seed)
        let runs = try simulate(d, netlist: (generic.directory as NSString).appendingPathComponent("liberty.v"),
                                instances: mapped.netlist.instances.map(\.name), sta: t, trace: d.trace(blocks), warmup: 1, in: generic.directory)
        return (TimedFigures(operations: operations, simulationPeriod: runs.simulationPeriod, energyPeriod: power.timing.period, cells: mapped.cells,
                             energy: runs.energy, changes: runs.changes, leakage: runs.leakage), mapped.proven)
    }

    /// Every MX dot (Verilog files in `rtl`), on `jobs` threads, cached by job key, in the order given.
    public func runMX(_ designs: [MXDotDesign], rtl: String, work: String, jobs: Int, progress: @escaping @Sendable (String) -> Void) throws -> [TimedMXRow] {
        let mxBackend = TimedMXBackend(timed: backend)
        let outcomes = WorkerPool.map(designs.count, jobs: jobs) { i -> Result<TimedMXRow, SynthesisFlow.Failure> in
            let d = designs[i]
            do {
                let t0 = monotonicSeconds()
                let file = (rtl as NSString).appendingPathComponent(d.fileName)
                let dir = (work as NSString).appendingPathComponent("timed-mx/\(d.moduleName)")
                let job = try self.mxJob(d, file: file, backend: mxBackend)
                let measure = { () throws -> TimedMXRow in
                    let (f, proven) = try self.measureMX(d, file: file, dir: dir)
                    return TimedMXRow(module: d.moduleName, unit: d.kind, element: d.element.tag, blockSize: d.blockSize, libertyProven: proven, figures: f)
                }
                let row = try flow.cache.map { try $0.result(job, measure) } ?? measure()
                progress(String(format: "timed %-28@ %8.3f pJ zero delay, %8.3f pJ sdf (x%.2f) per block  %.1f s", d.moduleName as NSString,
                                row.figures.zeroDelay ?? 0, row.figures.timed ?? 0, row.figures.glitchFactor ?? 0, monotonicSeconds() - t0))
                return .success(row)
            } catch {
                return .failure(error as? SynthesisFlow.Failure ?? SynthesisFlow.Failure(description: "\(error)"))
            }
        }
        return try outcomes.map { try $0.get() }
    }
}

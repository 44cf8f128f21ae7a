import ArgumentParser
import Foundation
import FloatArith
import GateTiming
import Generation
import Synthesis
import Toolchain
import Units

/// `rtlgen glitch`: each unit of a format mapped to the standard cells as `make synth` maps it, its
/// energy per operation from zero-delay activity and from timed activity under every delay model.
struct GlitchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glitch",
        abstract: "Measure: energy per operation with glitches, from timed gate-level simulations of the mapped units.",
        discussion: """
        Each unit is synthesised and mapped to the --liberty cells exactly as 'rtlgen synth' does (synth/flow.ys, abc -liberty, proven equal to its RTL), timed by OpenSTA for its per-instance power at activity 0 and 1, and simulated in Icarus Verilog on --count N(0,1) operand pairs rounded to the format (one pair per 10 ns cycle, every output checked against the golden model) under each delay model: zero_delay (each net at most once per cycle), specify (the cell models' path delays), sdf (OpenSTA's write_sdf at the actual loads), inertial (each cell's worst delay, shorter pulses swallowed), transport (the same delay, every pulse passed: an upper bound). Every value change of every cell output counts; energy = sum over instances of d0 + (d1 - d0) x changes per cycle, plus leakage, over the 10 ns period. The glitch factor is a model's energy over zero_delay's. The ratio table sets each approximate unit against each of its declared exact baselines, per model. Needs yosys, sta, iverilog and the cell models (scripts/install-tools.sh unpacks osu018_stdcells.v beside the liberty file).

        Example:
          rtlgen glitch --format e4m3
          rtlgen glitch --format bf16 --units lmul,fpmul --count 500
        """
    )

    @OptionGroup var format: FormatOptions

    @Option(help: ArgumentHelp("Units to measure (default: every multiplier).", valueName: "list"), transform: UnitList.multipliers)
    var units: UnitList = .all

    @Option(parsing: .unconditional, help: ArgumentHelp("Operand pairs simulated per unit and model, \(Limits.timedPairs.lowerBound)...\(Limits.timedPairs.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var count: Int = 2000

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the operand samples, 0...2^64-1.", valueName: "n"), transform: seedNumber)
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Liberty file (scripts/install-tools.sh installs it here).", valueName: "file"))
    var liberty: String = LibertyLibrary.defaultPath

    @Option(name: .customLong("cell-models"), help: ArgumentHelp("Verilog models of the liberty's cells, with specify delays (default: osu018_stdcells.v beside --liberty).", valueName: "file"))
    var cellModels: String?

    @Option(help: ArgumentHelp("The yosys flow script.", valueName: "file"))
    var flow: String = Resources.flow

    @Option(help: ArgumentHelp("Scratch directory.", valueName: "dir"))
    var work: String = "build/glitch"

    mutating func validate() throws {
        try check("--count", count, in: Limits.timedPairs)
        _ = try format.format()
        for (flag, path) in [("--liberty", liberty), ("--cell-models", modelsPath)] {
            try checkInputFile(path, flag: flag, hint: "run 'bash scripts/install-tools.sh' or give the path of one")
        }
        try checkLiberty(liberty)
        try checkFlowScript(flow)
        try OutputWriter.checkDirectory(work, flag: "--work")
        try checkTools(["yosys", "yosys-abc", "sta", "iverilog", "vvp"])
    }

    var modelsPath: String { cellModels ?? ((liberty as NSString).deletingPathExtension + ".v") }

    func run() throws {
        let f = try format.format()
        var m = GlitchMeasurement(liberty: liberty, cellModels: modelsPath, flow: flow, work: work)
        m.pairs = count
        m.seed = seed
        let rows = try m.run(units.kinds.map { ArithmeticUnit($0, f, overflow: format.overflow) }) {
            StandardStreams.writeError(Data(($0 + "\n").utf8))
        }
        print(GlitchMeasurement.render(rows, format: f, pairs: count), terminator: "")
    }
}

/// The measurement behind `rtlgen glitch` (domain code; the costing engine will run it as a job).
struct GlitchMeasurement {
    var liberty: String
    var cellModels: String
    var flow: String
    var work: String
    var pairs = 2000
    var seed: UInt64 = 1
    var models = DelayModel.allCases

    struct Row {
        var unit: ArithmeticUnit
        var cells: Int
        /// pJ per operation (dynamic + leakage) per delay model.
        var energy: [DelayModel: Double]
        /// Cell output changes per operation per delay model.
        var changes: [DelayModel: Double]
    }

    func run(_ units: [ArithmeticUnit], progress: (String) -> Void) throws -> [Row] {
        let fm = FileManager.default
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        let lib = try LibertyFlow(libertyPath: liberty)
        let cells = try CellModels(path: cellModels)
        var synth = SynthesisFlow()
        synth.flowScript = flow
        synth.workDirectory = work
        let timing = StaticTiming()
        var rows: [Row] = []
        for unit in units {
            let start = monotonicSeconds()
            let file = (work as NSString).appendingPathComponent(unit.fileName)
            try Data(try unit.verilog().utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
            let mapped = try synth.synthesize(sources: [file], top: unit.moduleName)
            let m = try lib.map(sources: [file], top: unit.moduleName, dir: mapped.directory, proofTimeout: 120)
            let t = try timing.run(netlist: "liberty.v", top: unit.moduleName, sequential: false, liberty: liberty, dir: m.directory)
            var power: [String: InstancePower] = [:]
            for inst in m.netlist.instances {
                guard let p0 = t.power0[inst.name], let p1 = t.power1[inst.name] else {
                    throw SynthesisFlow.Failure(description: "\(unit.moduleName): OpenSTA reported no power for instance \(inst.name)")
                }
                power[inst.name] = InstancePower(dynamic0: p0.internal_ + p0.switching, dynamic1: p1.internal_ + p1.switching, leakage: p0.leakage)
            }
            let (a, b) = SynthesisFlow.activityOperands(unit.format, count: pairs + 1, seed: seed)
            let trace = unit.trace(Array(zip(a, b)))
            var sim = TimedActivity(netlist: (m.directory as NSString).appendingPathComponent("liberty.v"), design: unit, cellModels: cells)
            sim.liberty = liberty
            sim.outputLoad = timing.outputLoad
            sim.period = timing.period
            var row = Row(unit: unit, cells: m.cells, energy: [:], changes: [:])
            for model in models {
                let r = try sim.run(trace, model: model, in: (m.directory as NSString).appendingPathComponent("timed-\(model.rawValue)"))
                let activity = Dictionary(uniqueKeysWithValues: power.keys.map { ($0, r.perCycle($0)) })
                let e = try InstanceEnergy.perCycle(power: power, activity: activity, period: timing.period)
                row.energy[model] = e.dynamic + e.leakage
                row.changes[model] = Double(r.total) / Double(r.cycles)
            }
            progress("glitch: \(unit.moduleName): \(models.count) delay models in \(String(format: "%.1f", monotonicSeconds() - start)) s")
            rows.append(row)
        }
        return rows
    }

    static func render(_ rows: [Row], format: FloatFormat, pairs: Int) -> String {
        let models = DelayModel.allCases
        var out = "Energy per operation (pJ) by delay model, \(format): \(pairs) N(0,1) operand pairs, one per 10 ns cycle,\nosu018 typical corner, OpenSTA per-instance power, Icarus Verilog activity; x = glitch factor (energy over zero_delay).\nNot counted: wires (no parasitics), input drivers, clock.\n\n"
        var t = TextTable(header: ["unit", "cells"] + models.map { $0.rawValue } + ["changes/op zero", "changes/op sdf"], rightAligned: Set(1..<(models.count + 4)))
        for r in rows {
            let zero = r.energy[.zeroDelay] ?? 0
            t.rows.append([r.unit.moduleName, String(r.cells)] + models.map { m in
                let e = r.energy[m] ?? 0
                return m == .zeroDelay ? String(format: "%.3f", e) : String(format: "%.3f x%.2f", e, zero > 0 ? e / zero : 0)
            } + [String(format: "%.0f", r.changes[.zeroDelay] ?? 0), String(format: "%.0f", r.changes[.sdf] ?? 0)])
        }
        out += t.render() + "\n"
        var ratios = TextTable(header: ["unit / baseline"] + models.map { $0.rawValue }, rightAligned: Set(1...models.count))
        for r in rows {
            for base in r.unit.kind.baselines {
                guard let b = rows.first(where: { $0.unit.kind == base && $0.unit.format == r.unit.format }) else { continue }
                ratios.rows.append(["\(r.unit.kind.rawValue) / \(base.rawValue)"] + models.map { m in
                    String(format: "%.3f", (r.energy[m] ?? 0) / max(b.energy[m] ?? 0, 1e-12))
                })
            }
        }
        if !ratios.rows.isEmpty { out += "\nEnergy ratios per operation:\n" + ratios.render() + "\n" }
        return out
    }
}

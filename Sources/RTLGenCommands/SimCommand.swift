import ArgumentParser
import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Units

struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Check units against the golden model on Verilator and Icarus Verilog.",
        discussion: """
        Each unit file is simulated as it is in --dir (hand edits included) with golden vectors from the Swift model: all pairs for formats of at most 8 bits, otherwise corner pairs plus --count seeded random pairs. Both simulators run the one cycle testbench (testbench/tb_cycle.cpp built with Verilator --build -O3, testbench/tb_cycle.v on Icarus) around a wrapper generated from the unit's ports, reading the same trace with $readmemh. A run longer than --time-limit is stopped and is a FAIL row. Prints one row per unit x simulator, decodes the first mismatches, writes a VCD of a short failing sequence, and exits non-zero on any mismatch.

        Examples:
          rtlgen sim --dir rtl --modules lmul_e4m3,fpmul_e4m3
          rtlgen sim --dir build/rtl --modules fpmul_e8m7 --sim verilator --count 1000000
          rtlgen sim --dir rtl --modules lmul_e4m3 --sim icarus --time-limit 60
          rtlgen sim --dir build/rtl --modules lmul_e4m3,fpmul_e4m3 --stages 2    lmul_e4m3_p2, fpmul_e4m3_p2: each result S cycles after its pair
        """
    )

    @Option(help: ArgumentHelp("Directory holding the unit files.", valueName: "dir"))
    var dir: String = "rtl"

    @Option(help: ArgumentHelp("Modules to check, comma- or space-separated (e.g. lmul_e4m3,fpmul_e5m2).", valueName: "list"), transform: ModuleList.parse)
    var modules: ModuleList

    @OptionGroup var sampling: SamplingOptions
    var count: Int { sampling.count }
    var seed: UInt64 { sampling.seed }

    @Option(help: ArgumentHelp("Build directory for vectors, models and waveforms.", valueName: "dir"))
    var build: String = "build/sim"

    // before `simulation`: groups are validated in this order, so an --stages out of range is
    // refused before the simulators are looked for
    @OptionGroup var pipeline: StagesOption

    @OptionGroup var simulation: SimulationOptions

    /// The units checked: the named modules, or with --stages S their `_p<S>` variants.
    var units: [ArithmeticUnit] { pipeline.stages.map { s in modules.units.map { $0.withStages(s) } } ?? modules.units }

    mutating func validate() throws {
        try checkInputDirectory(dir, flag: "--dir")
        if pipeline.stages != nil, let named = modules.units.first(where: { $0.stages > 0 }) {
            throw UsageError("--modules \(named.moduleName) names its stages already; drop --stages or name the combinational module")
        }
        for u in units {
            try checkInputFile("\(dir)/\(u.moduleName).v", flag: "--modules",
                               hint: generateHint(u, dir))
        }
        try OutputWriter.checkDirectory(build, flag: "--build")
    }

    func run() throws {
        // A file that is not what manifest.json says (hand-edited, or left by an interrupted
        // write) is simulated as it is, with a note naming it.
        if let manifest = try? Manifest.load(from: dir) {
            for (file, problem) in manifest.staleFiles(in: dir, only: Set(units.map(\.fileName))) {
                StandardStreams.writeError(Data("sim: note: \(file) \(problem); simulating it as it is\n".utf8))
            }
        }
        var config = SimulationConfig(rtlDirectory: dir, units: units, simulators: simulation.simulators)
        config.buildDirectory = build
        config.testbenchDirectory = simulation.testbench
        config.timeLimit = simulation.timeLimit.map(Double.init)
        config.random = count
        config.seed = seed
        config.jobs = simulation.jobs
        let sim = UnitSimulation(config) { StandardStreams.writeError(Data(($0 + "\n").utf8)) }
        let outcomes = try sim.run()
        print(SimulationReport.render(outcomes), terminator: "")
        print(UnitSimulation.decisions(sim.config), terminator: "")
        if outcomes.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}

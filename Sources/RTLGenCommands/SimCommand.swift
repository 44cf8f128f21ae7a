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
        Each unit file is simulated as it is in --dir (hand edits included) with golden vectors from the Swift model: all pairs for formats of at most 8 bits, otherwise corner pairs plus --count seeded random pairs. Verilator runs a C++ testbench built with --build -O3; Icarus runs a Verilog testbench reading the same vectors with $readmemh. Prints one row per unit x simulator, decodes the first mismatches, writes a VCD of a short failing sequence, and exits non-zero on any mismatch.

        Examples:
          rtlgen sim --dir rtl --modules lmul_e4m3,fpmul_e4m3
          rtlgen sim --dir build/rtl --modules fpmul_e8m7 --sim verilator --count 1000000
        """
    )

    @Option(help: ArgumentHelp("Directory holding the unit files.", valueName: "dir"))
    var dir: String = "rtl"

    @Option(help: ArgumentHelp("Modules to check, comma- or space-separated (e.g. lmul_e4m3,fpmul_e5m2).", valueName: "list"), transform: ModuleList.parse)
    var modules: ModuleList

    @Option(help: ArgumentHelp("Simulators: verilator, icarus, or both.", valueName: "list"), transform: SimulatorList.parse)
    var sim: SimulatorList = .both

    @Option(parsing: .unconditional, help: ArgumentHelp("Random pairs after the corner cases, for formats wider than 8 bits, \(Limits.count.lowerBound)...\(Limits.count.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var count: Int = 100_000

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the random pairs, 0...2^64-1.", valueName: "n"), transform: seedNumber)
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Build directory for vectors, models and waveforms.", valueName: "dir"))
    var build: String = "build/sim"

    @Option(help: ArgumentHelp("Directory of tb_unit.cpp and tb_unit.v.", valueName: "dir"))
    var testbench: String = "testbench"

    @Option(parsing: .unconditional, help: ArgumentHelp("Models built at once, \(Limits.jobs.lowerBound)...\(Limits.jobs.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var jobs: Int = 2

    mutating func validate() throws {
        try check("--count", count, in: Limits.count)
        try check("--jobs", jobs, in: Limits.jobs)
        try checkInputDirectory(dir, flag: "--dir")
        for u in modules.units {
            try checkInputFile("\(dir)/\(u.moduleName).v", flag: "--modules",
                               hint: generateHint(u, dir))
        }
        try checkTestbench(testbench, (sim.simulators.contains(.verilator) ? ["tb_unit.cpp"] : []) + (sim.simulators.contains(.icarus) ? ["tb_unit.v"] : []))
        try OutputWriter.checkDirectory(build, flag: "--build")
        try checkTools(simulatorTools(sim.simulators))
    }

    func run() throws {
        // A file that is not what manifest.json says (hand-edited, or left by an interrupted
        // write) is simulated as it is, with a note naming it.
        if let manifest = try? Manifest.load(from: dir) {
            for (file, problem) in manifest.staleFiles(in: dir, only: Set(modules.units.map(\.fileName))) {
                FileHandle.standardError.write(Data("sim: note: \(file) \(problem); simulating it as it is\n".utf8))
            }
        }
        var config = SimulationConfig(rtlDirectory: dir, modules: modules.names, simulators: sim.simulators)
        config.buildDirectory = build
        config.testbenchDirectory = testbench
        config.random = count
        config.seed = seed
        config.jobs = jobs
        let sim = UnitSimulation(config) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let outcomes = try sim.run()
        print(SimulationReport.render(outcomes), terminator: "")
        if outcomes.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}

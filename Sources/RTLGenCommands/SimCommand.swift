import ArgumentParser
import FloatArith
import Foundation
import Harness
import Units

/// Splits "a,b c" lists as given on the command line or by make.
func listArgument(_ s: String) -> [String] {
    s.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
}

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

    @Option(help: ArgumentHelp("Modules to check, comma- or space-separated (e.g. lmul_e4m3,fpmul_e5m2).", valueName: "list"))
    var modules: String

    @Option(help: ArgumentHelp("Simulators: verilator, icarus, or both.", valueName: "list"))
    var sim: String = "verilator,icarus"

    @Option(help: ArgumentHelp("Random pairs after the corner cases, for formats wider than 8 bits.", valueName: "n"))
    var count: Int = 100_000

    @Option(help: ArgumentHelp("Seed of the random pairs.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Build directory for vectors, models and waveforms.", valueName: "dir"))
    var build: String = "build/sim"

    @Option(help: ArgumentHelp("Directory of tb_unit.cpp and tb_unit.v.", valueName: "dir"))
    var testbench: String = "testbench"

    @Option(help: ArgumentHelp("Models built at once.", valueName: "n"))
    var jobs: Int = 2

    func simulators() throws -> [SimulatorKind] {
        let names = listArgument(sim)
        guard !names.isEmpty else { throw ValidationError("--sim is empty; give verilator, icarus or both") }
        return try names.map { n in
            guard let s = SimulatorKind(rawValue: n) else { throw ValidationError("unknown simulator '\(n)'; valid simulators are verilator, icarus") }
            return s
        }
    }

    mutating func validate() throws {
        _ = try simulators()
        guard !listArgument(modules).isEmpty else { throw ValidationError("--modules is empty; give module names such as lmul_e4m3") }
        guard count >= 0 else { throw ValidationError("--count must be 0 or more") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        do { try OutputWriter.checkDirectory(build, flag: "--build") } catch let e as UsageError { throw ValidationError(e.message) }
    }

    func run() throws {
        var config = SimulationConfig(rtlDirectory: dir, modules: listArgument(modules), simulators: try simulators())
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

import ArgumentParser
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Units

struct MutateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mutate",
        abstract: "Mutation-test the verification: one-gate and one-operator changes must be caught.",
        discussion: """
        For each unit: yosys 'mutate -list' picks --gate-mutants gate mutations (a cell input inverted, tied to 0 or 1, or tied to another bit), compiled into one Verilator model behind a mutsel input; then every operator and sized constant in the unit's assignments is changed one at a time and simulated with the Icarus testbench of 'rtlgen sim'. For 8-bit formats all 65,536 pairs are applied, so a surviving mutant is proven equivalent. Gate mutants are also run on the corner-case vectors alone and with 1,000 random pairs, which measures the vector set wider formats rely on.

        Example:
          rtlgen mutate --dir rtl --modules lmul_e4m3,fpmul_e4m3
        """
    )

    @Option(help: ArgumentHelp("Directory holding the unit files.", valueName: "dir"))
    var dir: String = "rtl"

    @Option(help: ArgumentHelp("Modules to mutate, comma- or space-separated.", valueName: "list"), transform: ModuleList.parse)
    var modules: ModuleList

    @Option(parsing: .unconditional, help: ArgumentHelp("Gate mutants per unit, 1...255 (mutsel is 8 bits).", valueName: "n"), transform: wholeNumber)
    var gateMutants: Int = 64

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of yosys' mutation sampling, \(Limits.yosysSeed.lowerBound)...\(Limits.yosysSeed.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var seed: Int = 1

    @Flag(help: "Skip the source-level operator and constant mutants.")
    var noSource = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Parallel simulations, \(Limits.jobs.lowerBound)...\(Limits.jobs.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var jobs: Int = 2

    @Option(help: ArgumentHelp("Directory of the testbenches (tb_cycle.cpp, tb_cycle.v, tb_mutants.cpp); default: testbench/ here, else the one beside the rtlgen executable's checkout.", valueName: "dir"))
    var testbench: String = Resources.testbench

    mutating func validate() throws {
        try check("--gate-mutants", gateMutants, in: 1...255, "mutsel is 8 bits")
        try check("--seed", seed, in: Limits.yosysSeed)
        try check("--jobs", jobs, in: Limits.jobs)
        try checkInputDirectory(dir, flag: "--dir")
        for u in modules.units {
            try checkInputFile("\(dir)/\(u.moduleName).v", flag: "--modules",
                               hint: generateHint(u, dir))
        }
        try checkTestbench(testbench, CycleTestbench.files(for: SimulatorKind.allCases) + ["tb_mutants.cpp"])
        try OutputWriter.checkDirectory("build/mutate", flag: "build directory")
        try checkTools(["yosys", "verilator", "make", "g++", "iverilog", "vvp"])
    }

    func run() throws {
        var run = MutationRun(rtlDirectory: dir, units: modules.units)
        run.gateMutants = gateMutants
        run.seed = seed
        run.jobs = jobs
        run.sourceMutants = !noSource
        run.testbenchDirectory = testbench
        let start = Date()
        let results = try run.run { StandardStreams.writeError(Data(($0 + "\n").utf8)) }
        print(MutationReport.render(results), terminator: "")
        StandardStreams.writeError(Data(String(format: "mutate: %.0f s\n", Date().timeIntervalSince(start)).utf8))
        let missed = results.contains { r in !r.exhaustive && (r.gate.contains { !$0.killedExhaustive } || r.sourceSurvived > 0) }
        if missed { throw ExitCode(1) }
    }
}

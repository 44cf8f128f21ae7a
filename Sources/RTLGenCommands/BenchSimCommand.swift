import ArgumentParser
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Units

struct BenchSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sim",
        abstract: "Benchmark: checked vectors per second, golden model + simulation + compare.",
        discussion: """
        For each unit: the vector-file path of 'rtlgen sim' (golden vectors generated and written, then the Verilator or Icarus testbench run), and in-process streaming on Verilator (the path of 'rtlgen exhaustive'). Model builds are not timed. Formats of at most 8 bits use all pairs; wider formats use corner pairs plus --count random pairs for the file paths and the first --values-of-a rows of the full space for streaming.

        Example:
          rtlgen bench-sim --files rtl/lmul_e4m3.v,rtl/fpmul_e4m3.v,build/rtl/fpmul_e8m7.v
        """
    )

    @Option(help: ArgumentHelp("Unit files to measure, comma- or space-separated (module name = file name).", valueName: "files"), transform: FileList.parse)
    var files: FileList

    @Option(parsing: .unconditional, help: ArgumentHelp("Random pairs for the vector-file runs of formats wider than 8 bits, \(Limits.count.lowerBound)...\(Limits.count.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var count: Int = 250_000

    @Option(parsing: .unconditional, help: ArgumentHelp("Streaming: values of a (each with every b) for 16-bit formats, \(Limits.valuesOfA.lowerBound)...\(Limits.valuesOfA.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var valuesOfA: Int = 2048

    @Option(parsing: .unconditional, help: ArgumentHelp("Streaming: passes over all pairs for 8-bit formats, \(Limits.passes.lowerBound)...\(Limits.passes.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var passes: Int = 2000

    @Option(help: ArgumentHelp("Directory of the testbenches (tb_cycle.cpp, tb_cycle.v, lanes.v, stream_abi.cpp); default: testbench/ here, else the one beside the rtlgen executable's checkout.", valueName: "dir"))
    var testbench: String = Resources.testbench

    mutating func validate() throws {
        try check("--count", count, in: Limits.count)
        try check("--values-of-a", valuesOfA, in: Limits.valuesOfA)
        try check("--passes", passes, in: Limits.passes)
        for (unit, file) in try files.checkUnits() {
            let width = unit.format.width
            guard width <= 16 else { throw UsageError("--files: \(file) has \(width)-bit operands; bench-sim streams formats of at most 16 bits") }
        }
        try checkTestbench(testbench, CycleTestbench.files(for: SimulatorKind.allCases) + ["lanes.v", "stream_abi.cpp"])
        try OutputWriter.checkDirectory("build/bench", flag: "build directory")
        try checkTools(["verilator", "iverilog", "vvp", "make", "g++"])
    }

    func run() throws {
        var b = SimulationBenchmark(units: try files.checkUnits())
        b.random = count
        b.streamValuesOfA = valuesOfA
        b.streamPasses = passes
        b.testbenchDirectory = testbench
        let rows = try b.run { StandardStreams.writeError(Data(($0 + "\n").utf8)) }
        print(SimulationBenchmark.render(rows), terminator: "")
    }
}

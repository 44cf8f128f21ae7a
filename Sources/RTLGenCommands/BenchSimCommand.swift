import ArgumentParser
import Foundation
import Harness
import Units

struct BenchSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sim",
        abstract: "Benchmark: checked vectors per second, golden model + simulation + compare.",
        discussion: """
        For each unit: the vector-file path of 'rtlgen sim' (golden vectors generated and written, then the Verilator or Icarus testbench run), and in-process streaming on Verilator (the path of 'rtlgen exhaustive'). Model builds are not timed. Formats of at most 8 bits use all pairs; wider formats use corner pairs plus --count random pairs for the file paths and the first --values-of-a rows of the full space for streaming.

        Example:
          rtlgen bench-sim --units rtl/lmul_e4m3.v,rtl/fpmul_e4m3.v,build/rtl/fpmul_e8m7.v
        """
    )

    @Option(help: ArgumentHelp("Unit files to measure, comma- or space-separated.", valueName: "files"))
    var units: String

    @Option(help: ArgumentHelp("Random pairs for the vector-file runs of formats wider than 8 bits.", valueName: "n"))
    var count: Int = 250_000

    @Option(help: ArgumentHelp("Streaming: values of a (each with every b) for 16-bit formats.", valueName: "n"))
    var valuesOfA: Int = 2048

    @Option(help: ArgumentHelp("Streaming: passes over all pairs for 8-bit formats.", valueName: "n"))
    var passes: Int = 2000

    mutating func validate() throws {
        guard count >= 0, valuesOfA >= 1, passes >= 1 else { throw ValidationError("--count, --values-of-a and --passes must be positive") }
        for f in listArgument(units) {
            let name = ((f as NSString).lastPathComponent as NSString).deletingPathExtension
            guard ArithmeticUnit(moduleName: name) != nil else { throw ValidationError("\(f) is not a unit file (<unit>_e<E>m<M>.v)") }
        }
    }

    func run() throws {
        var b = SimulationBenchmark(units: listArgument(units).map { (((($0 as NSString).lastPathComponent) as NSString).deletingPathExtension, $0) })
        b.random = count
        b.streamValuesOfA = valuesOfA
        b.streamPasses = passes
        let rows = try b.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        print(SimulationBenchmark.render(rows), terminator: "")
    }
}

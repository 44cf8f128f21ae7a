import ArgumentParser
import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Units

struct ExhaustiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exhaustive",
        abstract: "Check all 2^(2N) operand pairs of 16-bit units (bf16, fp16) against the golden model.",
        discussion: """
        4.3 billion pairs per 16-bit unit do not fit in a file, so the Swift golden model streams them into the verilated unit in-process: testbench/lanes.v places copies of the unit side by side, Verilator builds it into a shared library with the C interface of testbench/stream_abi.cpp, and one thread per core drives its own model in batches. The unit file is used as it is in --dir.

        Examples:
          rtlgen exhaustive --dir build/rtl --modules lmul_e8m7,fpmul_e8m7
          rtlgen exhaustive --dir build/rtl --modules fpmul_e5m10 --threads 2
        """
    )

    @Option(help: ArgumentHelp("Directory holding the unit files.", valueName: "dir"))
    var dir: String = "build/rtl"

    @Option(help: ArgumentHelp("Modules to check (operands of at most 16 bits), comma- or space-separated.", valueName: "list"), transform: ModuleList.parse)
    var modules: ModuleList

    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads, one model each, \(Limits.jobs.lowerBound)...\(Limits.jobs.upperBound) (default: the number of cores).", valueName: "n"),
            transform: wholeNumber)
    var threads: Int = min(ProcessInfo.processInfo.activeProcessorCount, Limits.jobs.upperBound)

    @Option(parsing: .unconditional, help: ArgumentHelp("Copies of the unit evaluated per model step, \(laneRange.lowerBound)...\(laneRange.upperBound) (at least 64 / the result width + 1: 9 for 8-bit units, 5 for 16-bit ones).", valueName: "n"), transform: wholeNumber)
    var lanes: Int = 32

    /// `--lanes`: any count in it gives the same verdict (ExhaustiveStream.rowLength pads each row to whole groups).
    static let laneRange = 8...256

    @Option(help: ArgumentHelp("Build directory.", valueName: "dir"))
    var build: String = "build/sim"

    @Option(help: ArgumentHelp("Directory of lanes.v and stream_abi.cpp.", valueName: "dir"))
    var testbench: String = Resources.testbench

    mutating func validate() throws {
        try check("--threads", threads, in: Limits.jobs)
        try check("--lanes", lanes, in: Self.laneRange)
        try checkInputDirectory(dir, flag: "--dir")
        for u in modules.units {
            let n = u.moduleName
            guard u.format.width <= 16 else { throw UsageError("\(n) has \(u.format.width)-bit operands; exhaustive checking takes formats of at most 16 bits") }
            // lanes.v's ports must be wider than 64 bits (stream_abi.cpp packs them as Verilator's wide words)
            let least = ExhaustiveStream.minimumLanes(u)
            guard lanes >= least else {
                let w = u.signature.resultWidth
                throw UsageError("--lanes \(lanes) is too few for \(n): its \(w)-bit results need lanes x \(w) > 64 bits; give --lanes \(least)...\(Self.laneRange.upperBound) (default 32)")
            }
            try checkInputFile("\(dir)/\(n).v", flag: "--modules",
                               hint: generateHint(u, dir))
        }
        try checkTestbench(testbench, ["lanes.v", "stream_abi.cpp"])
        try OutputWriter.checkDirectory(build, flag: "--build")
        try checkTools(["verilator", "make", "g++"])
    }

    func run() throws {
        var table = TextTable(header: ["unit", "format", "pairs", "mismatches", "seconds", "pairs/s", "result"], rightAligned: [2, 3, 4, 5])
        var failures = ""
        for unit in modules.units {
            let name = unit.moduleName
            var s = ExhaustiveStream(unit: unit, file: "\(dir)/\(name).v")
            s.buildDirectory = build
            s.testbenchDirectory = testbench
            s.threads = threads
            s.lanes = lanes
            let o = try s.run { StandardStreams.writeError(Data(($0 + "\n").utf8)) }
            let pass = o.mismatches == 0 && o.vectors == UInt64(1) << (2 * unit.format.width)
            StandardStreams.writeError(Data(String(format: "exhaustive: %@ checked %llu pairs in %.1f s (%@ pairs/s)\n",
                                                       name, o.vectors, o.seconds, compactCount(o.rate)).utf8))
            table.rows.append([unit.kind.rawValue, unit.format.tag, "\(o.vectors)", "\(o.mismatches)", String(format: "%.1f", o.seconds),
                               compactCount(o.rate), pass ? "pass" : "FAIL"])
            if !pass {
                failures += "\nFAIL \(name): \(o.mismatches) of \(o.vectors) pairs differ from the golden model; first \(min(3, o.firstMismatches.count)):\n"
                for m in o.firstMismatches.prefix(3) { failures += m.describe(unit) + "\n" }
            }
        }
        print(table.render())
        print(failures, terminator: "")
        let failed = table.rows.filter { $0.last != "pass" }.count
        print("\n\(table.rows.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}

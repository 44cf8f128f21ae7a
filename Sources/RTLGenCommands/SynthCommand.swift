import ArgumentParser
import Foundation
import FloatArith
import Harness
import Units

/// `rtlgen synth`: gate, transistor, depth and switching-activity figures per unit, each netlist
/// proven equal to its RTL, written as synth/report.md and synth/report.json.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Synthesise units with yosys, prove each netlist equal to its RTL, and write the area/depth/activity report.",
        discussion: """
        For each unit file, runs synth/flow.ys (generic gates with abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX; static CMOS with abc -g cmos2 and stat -tech cmos; ltp -noff for depth), proves both netlists equal to the RTL with yosys-abc cec, and simulates the CMOS netlist on N(0,1) operands rounded to the format to count transistor-weighted toggles. Stops at the first unit that fails. Scratch files go to --work.

        Examples:
          rtlgen synth --files "rtl/lmul_e4m3.v rtl/fpmul_e4m3.v" --out synth      what 'make synth' runs, for two units
          rtlgen synth --files rtl/lmul_e4m3.v --out /tmp/report --proof-timeout 120 --pe-units none
          rtlgen synth --rerender --out synth
        """
    )

    @Option(help: ArgumentHelp("Unit files to synthesise, separated by spaces or commas (module name = file name).", valueName: "files"),
            transform: FileList.parse)
    var files: FileList?

    @Flag(help: "Only rewrite <out>/report.md from <out>/report.json (after a change to the rendering).")
    var rerender = false

    @Option(help: ArgumentHelp("Directory for report.md and report.json.", valueName: "dir"))
    var out: String = "synth"

    @Option(help: ArgumentHelp("The yosys flow script.", valueName: "file"))
    var flow: String = "synth/flow.ys"

    @Option(help: ArgumentHelp("Scratch directory for yosys' files.", valueName: "dir"))
    var work: String = "build/synth/work"

    @Option(name: .customLong("proof-timeout"), parsing: .unconditional, help: ArgumentHelp("Seconds yosys-abc cec may spend on one proof, 1...3600.", valueName: "s"),
            transform: wholeNumber)
    var proofTimeout: Int = 60

    @Option(parsing: .unconditional, help: ArgumentHelp("Units synthesised at once, \(Limits.jobs.lowerBound)...\(Limits.jobs.upperBound) (default: all cores).", valueName: "n"),
            transform: wholeNumber)
    var jobs: Int = min(ProcessInfo.processInfo.activeProcessorCount, Limits.jobs.upperBound)

    @Option(name: .customLong("pe-units"), help: ArgumentHelp("Units whose PE, array cell and arrays are measured too, or 'none'.", valueName: "list"),
            transform: { $0 == "none" ? UnitList(kinds: []) : try UnitList.multipliers($0) })
    var peUnits: UnitList = .all

    @Option(name: .customLong("pe-format"), help: ArgumentHelp("Format of the PEs and arrays, eEmM.", valueName: "format"),
            transform: peFloatFormat)
    var peFormat: FloatFormat = .e4m3

    @Option(name: .customLong("array-sizes"), help: ArgumentHelp("Array sizes RxC, counted by instance, or 'none'.", valueName: "list"),
            transform: { $0 == "none" ? SizeList(sizes: []) : try SizeList.parse($0) })
    var arraySizes: SizeList = try! SizeList.parse("4x4,8x8,16x16")

    static func peFloatFormat(_ tag: String) throws -> FloatFormat {
        guard let (e, m) = FloatFormat.fields(ofTag: tag) else { throw UsageError("not a format; give eEmM, e.g. e4m3") }
        do { return try FloatFormat(exponent: e, mantissa: m) } catch { throw UsageError("\(error)") }
    }

    var reportJSON: String { (out as NSString).appendingPathComponent("report.json") }

    func loadReport() throws -> SynthesisReport {
        do {
            return try SynthesisReport.load(Data(contentsOf: URL(fileURLWithPath: reportJSON)))
        } catch {
            throw UsageError("\(reportJSON) is not a synthesis report this rtlgen can read; regenerate it with make synth")
        }
    }

    mutating func validate() throws {
        if rerender {
            guard files == nil else { throw UsageError("--rerender rewrites report.md from report.json and synthesises nothing; drop --files") }
            try checkInputFile(reportJSON, flag: "--rerender", hint: "run rtlgen synth (make synth) first, or pass the --out that holds it")
            _ = try loadReport()
            try OutputWriter.checkDirectory(out)
            return
        }
        guard let files else { throw UsageError("--files is missing; give the unit files to synthesise, e.g. --files rtl/lmul_e4m3.v") }
        _ = try files.checkUnits()
        try checkInputFile(flow, flag: "--flow", hint: "run from the repository root or pass --flow synth/flow.ys")
        try check("--proof-timeout", proofTimeout, in: 1...3600)
        try check("--jobs", jobs, in: Limits.jobs)
        try OutputWriter.checkDirectory(out)
        try OutputWriter.checkDirectory(work, flag: "--work")
        try checkTools(["yosys", "yosys-abc", "timeout"])
    }

    func run() throws {
        if rerender {
            let report = try loadReport()
            try OutputWriter.write([("report.md", Data(report.markdown().utf8))], into: out)
            print("rewrote \(out)/report.md from \(reportJSON)")
            return
        }
        let files = self.files!.paths
        var flowConfig = SynthesisFlow()
        flowConfig.flowScript = flow
        flowConfig.workDirectory = work
        flowConfig.proofTimeout = proofTimeout
        let start = monotonicSeconds()
        print("synth: \(files.count) unit\(files.count == 1 ? "" : "s") on \(jobs) thread\(jobs == 1 ? "" : "s") (flow \(flow))")
        let results = try SynthesisRun.run(files: files, flow: flowConfig, jobs: jobs) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        var pes: [ArraySynthesis.PERow] = []
        var arrays: [ArraySynthesis.ArrayRow] = []
        let kinds = peUnits.kinds
        if !kinds.isEmpty {
            var a = ArraySynthesis(flow: flowConfig)
            a.sizes = arraySizes.sizes
            let f = peFormat
            for k in kinds {
                let r = try a.run(ArithmeticUnit(k, f)) { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
                pes.append(r.pe)
                arrays += r.arrays
            }
        }
        let version = try Tools.run("yosys", ["-V"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var report = SynthesisReport(tool: version, flow: flow, activityOperations: flowConfig.activityOperations,
                                     seed: flowConfig.seed, proofTimeout: proofTimeout, units: results)
        report.pes = pes
        report.arrays = arrays
        try OutputWriter.write([("report.json", try report.json()), ("report.md", Data(report.markdown().utf8))], into: out)
        print(report.summaryTable())
        print(String(format: "wrote %@/report.md and %@/report.json in %.1f s", out, out, monotonicSeconds() - start))
    }
}

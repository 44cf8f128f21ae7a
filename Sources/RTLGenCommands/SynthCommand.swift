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
        For each unit file, runs synth/flow.ys (generic gates with abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX; static CMOS with abc -g cmos2 and stat -tech cmos; ltp -noff for depth; the ABC script is spelt out in flow.ys), proves both netlists equal to the RTL with yosys-abc cec, and simulates the CMOS netlist on N(0,1) operands rounded to the format to count transistor-weighted toggles. The exact multipliers' behavioural twins (--behavioural) go through the same flow and are checked against the golden model; a generated unit larger than its twin is named in the output and the report. --effort re-maps the units with stronger ABC scripts for the report's effort table. Each unit, PE, array cell and array glue is also mapped to the --liberty standard cells (dfflibmap, abc -liberty; proven equal with cec), timed with OpenSTA (sta) and, from the activity a simulation of the mapped netlist measures, given an energy per operation; a missing liberty file or sta is an error (bash scripts/install-tools.sh installs both). Stops at the first unit that fails. Scratch files go to --work.

        Examples:
          rtlgen synth --units "rtl/lmul_e4m3.v rtl/fpmul_e4m3.v" --out synth      what 'make synth' runs, for two units
          rtlgen synth --units rtl/lmul_e4m3.v --out /tmp/report --proof-timeout 120
        """
    )

    @Option(help: ArgumentHelp("Unit files to synthesise, separated by spaces or commas (module name = file name).", valueName: "files"))
    var units: String = ""

    @Flag(help: "Only rewrite <out>/report.md from <out>/report.json (after a change to the rendering).")
    var rerender = false

    @Option(help: ArgumentHelp("Directory for report.md and report.json.", valueName: "dir"))
    var out: String = "synth"

    @Option(help: ArgumentHelp("The yosys flow script.", valueName: "file"))
    var flow: String = "synth/flow.ys"

    @Option(help: ArgumentHelp("Scratch directory for yosys' files.", valueName: "dir"))
    var work: String = "build/synth/work"

    @Option(name: .customLong("proof-timeout"), help: ArgumentHelp("Seconds yosys-abc cec may spend on one proof.", valueName: "s"))
    var proofTimeout: Int = 60

    @Option(help: ArgumentHelp("Units synthesised at once (default: all cores).", valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("pe-units"), help: ArgumentHelp("Units whose PE, array cell and arrays are measured too ('' for none).", valueName: "list"))
    var peUnits: String = UnitKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(name: .customLong("pe-format"), help: ArgumentHelp("Format of the PEs and arrays, eEmM.", valueName: "format"))
    var peFormat: String = "e4m3"

    @Option(help: ArgumentHelp("Liberty file for the standard-cell area, OpenSTA timing and energy columns (scripts/install-tools.sh installs it here).", valueName: "file"))
    var liberty: String = LibertyLibrary.defaultPath

    @Option(help: ArgumentHelp("Directory for the behavioural twins of the exact multipliers, synthesised beside them ('' for none).", valueName: "dir"))
    var behavioural: String = "build/behavioural"

    @Flag(inversion: .prefixedNo, help: "Re-map the units with stronger ABC scripts for the report's effort table.")
    var effort = true

    @Option(name: .customLong("array-sizes"), help: ArgumentHelp("Array sizes RxC, counted by instance ('' for none).", valueName: "list"))
    var arraySizes: String = "4x4,8x8,16x16"

    @Option(name: .customLong("pe-acc"), help: ArgumentHelp("Accumulators of the PEs: fixed (SPEC's exact fixed point, with --array-sizes) and/or fp32, bf16, fp16 (fpadd in the PE, with --float-array-sizes).", valueName: "list"))
    var peAcc: String = "fixed,fp32"

    @Option(name: .customLong("float-pe-units"), help: ArgumentHelp("Units whose float-accumulating PEs (--pe-acc fp32 ...) are measured (default: those of --pe-units).", valueName: "list"))
    var floatPEUnits: String?

    @Option(name: .customLong("float-array-sizes"), help: ArgumentHelp("Array sizes of the float-accumulating PEs ('' for none).", valueName: "list"))
    var floatArraySizes: String = "16x16"

    /// The --pe-acc list, typed.
    func peAccumulations() throws -> [Accumulation] {
        var out: [Accumulation] = []
        for item in listArgument(peAcc) {
            guard let a = Accumulation(rawValue: item) else {
                throw ValidationError("--pe-acc: '\(item)' is not an accumulator; give fixed, fp32, bf16 or fp16")
            }
            if !out.contains(a) { out.append(a) }
        }
        return out
    }

    var files: [String] { units.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) }

    mutating func validate() throws {
        if rerender {
            guard FileManager.default.fileExists(atPath: out + "/report.json") else {
                throw ValidationError("--rerender needs \(out)/report.json; run rtlgen synth (make synth) first")
            }
            return
        }
        if rerender {
            guard FileManager.default.fileExists(atPath: out + "/report.json") else {
                throw ValidationError("--rerender needs \(out)/report.json; run rtlgen synth (make synth) first")
            }
            return
        }
        guard !files.isEmpty else { throw ValidationError("--units is empty; give unit files, e.g. --units rtl/lmul_e4m3.v") }
        for f in files where !FileManager.default.fileExists(atPath: f) {
            throw ValidationError("unit file \(f) does not exist; generate it first (make rtl, or rtlgen --mantissa M --out DIR)")
        }
        guard FileManager.default.fileExists(atPath: flow) else {
            throw ValidationError("flow script \(flow) not found; run from the repository root or pass --flow synth/flow.ys")
        }
        guard (1...3600).contains(proofTimeout) else { throw ValidationError("--proof-timeout must be 1...3600 seconds") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1...64") }
        do { try OutputWriter.checkDirectory(out) } catch let e as UsageError { throw ValidationError(e.message) }
        if !listArgument(peUnits).isEmpty { _ = try parseUnits(listArgument(peUnits).joined(separator: ","), multipliers: true) }
        _ = try peFloatFormat()
        if !listArgument(arraySizes).isEmpty { _ = try parseSizes(arraySizes) }
        if !listArgument(floatArraySizes).isEmpty { _ = try parseSizes(floatArraySizes) }
        if let u = floatPEUnits, !listArgument(u).isEmpty { _ = try parseUnits(listArgument(u).joined(separator: ","), multipliers: true) }
        for acc in try peAccumulations() { try acc.check(element: try peFloatFormat()) }
    }

    func peFloatFormat() throws -> FloatFormat {
        guard let (e, m) = FloatFormat.fields(ofTag: peFormat) else {
            throw ValidationError("--pe-format '\(peFormat)' is not a format; give eEmM, e.g. e4m3")
        }
        do { return try FloatFormat(exponent: e, mantissa: m) } catch { throw ValidationError("--pe-format \(peFormat): \(error)") }
    }

    func run() throws {
        if rerender {
            let report = try SynthesisReport.load(Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
            try OutputWriter.write([("report.md", Data(report.markdown().utf8))], into: out)
            print("rewrote \(out)/report.md from \(out)/report.json")
            return
        }
        for tool in ["yosys", "yosys-abc", "timeout"] { _ = try Tools.find(tool) }
        try LibertyFlow.checkTools(liberty: liberty)
        var flowConfig = SynthesisFlow()
        flowConfig.power = PowerAnalysis(liberty: try LibertyFlow(libertyPath: liberty))
        flowConfig.flowScript = flow
        flowConfig.workDirectory = work
        flowConfig.proofTimeout = proofTimeout
        let start = monotonicSeconds()
        print("synth: \(files.count) unit\(files.count == 1 ? "" : "s") on \(jobs) thread\(jobs == 1 ? "" : "s") (flow \(flow))")
        let results = try SynthesisRun.run(files: files, flow: flowConfig, jobs: jobs) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        let say: @Sendable (String) -> Void = { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        let twins = behavioural.isEmpty ? [] : try BehaviouralSynthesis.run(files: files, directory: behavioural, flow: flowConfig,
                                                                              jobs: jobs, progress: { say("behavioural " + $0) })
        let effortRows = effort ? try SynthesisEffort.run(files: files, units: results, flow: flowConfig, jobs: jobs, progress: say) : []
        var pes: [ArraySynthesis.PERow] = []
        var arrays: [ArraySynthesis.ArrayRow] = []
        let kinds = listArgument(peUnits).isEmpty ? [] : try parseUnits(listArgument(peUnits).joined(separator: ","), multipliers: true)
        if !kinds.isEmpty {
            var a = ArraySynthesis(flow: flowConfig)
            a.sizes = listArgument(arraySizes).isEmpty ? [] : try parseSizes(arraySizes).map { (rows: $0.0, cols: $0.1) }
            a.floatSizes = listArgument(floatArraySizes).isEmpty ? [] : try parseSizes(floatArraySizes).map { (rows: $0.0, cols: $0.1) }
            let f = try peFloatFormat()
            // (unit, accumulator) pairs: every unit with the fixed-point accumulator, then with each float one
            let floatKinds = try floatPEUnits.map { listArgument($0).isEmpty ? [] : try parseUnits(listArgument($0).joined(separator: ","), multipliers: true) } ?? kinds
            let tasks = try peAccumulations().flatMap { acc in (acc == .fixed ? kinds : floatKinds).map { (kind: $0, acc: acc.format) } }
            // The PEs on `jobs` threads (each in its own scratch directories), results in `tasks` order.
            let design = a
            let outcomes = WorkerPool.map(tasks.count, jobs: jobs) { i -> Result<(pe: ArraySynthesis.PERow, arrays: [ArraySynthesis.ArrayRow]), SynthesisFlow.Failure> in
                do {
                    return .success(try design.run(ArithmeticUnit(tasks[i].kind, f), floatAccumulator: tasks[i].acc) {
                        FileHandle.standardOutput.write(Data(($0 + "\n").utf8))
                    })
                } catch {
                    return .failure(error as? SynthesisFlow.Failure ?? SynthesisFlow.Failure(description: "\(error)"))
                }
            }
            for outcome in outcomes {
                let r = try outcome.get()
                pes.append(r.pe)
                arrays += r.arrays
            }
        }
        let version = try Tools.run("yosys", ["-V"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var report = SynthesisReport(tool: version, flow: flow, activityOperations: flowConfig.activityOperations,
                                     seed: flowConfig.seed, proofTimeout: proofTimeout, units: results)
        report.pes = pes
        report.arrays = arrays
        report.libertySetup = LibertySetup(flowConfig.power!)
        report.behavioural = twins
        report.effort = effortRows
        try OutputWriter.write([("report.json", try report.json()), ("report.md", Data(report.markdown().utf8))], into: out)
        print(report.summaryTable())
        for line in report.largerThanTwinLines() { print(line) }
        print(String(format: "wrote %@/report.md and %@/report.json in %.1f s", out, out, monotonicSeconds() - start))
    }
}

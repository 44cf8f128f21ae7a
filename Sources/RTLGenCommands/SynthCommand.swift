import ArgumentParser
import Foundation
import FloatArith
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Units

/// `rtlgen synth`: gate, transistor, depth and switching-activity figures per unit, each netlist
/// proven equal to its RTL, standard-cell area, timing and energy, written as synth/report.md and
/// synth/report.json.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Synthesise units with yosys, prove each netlist equal to its RTL, and write the area/depth/activity/energy report.",
        discussion: """
        For each unit file, runs synth/flow.ys (generic gates with abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX; static CMOS with abc -g cmos2 and stat -tech cmos; ltp -noff for depth; the ABC script is spelt out in flow.ys), proves both netlists equal to the RTL with yosys-abc cec, and simulates the CMOS netlist on N(0,1) operands rounded to the format to count transistor-weighted toggles. The exact multipliers' behavioural twins (--behavioural) go through the same flow and are checked against the golden model; a generated unit larger than its twin is named in the output and the report. --effort re-maps the units with stronger ABC scripts for the report's effort table. Each unit, PE, array cell and array glue is also mapped to the --liberty standard cells (dfflibmap, abc -liberty; proven equal with cec), timed with OpenSTA (sta) and, from the activity a simulation of the mapped netlist measures, given an energy per operation; a missing liberty file or sta is an error (bash scripts/install-tools.sh installs both). It costs what it is given: the units of --files (with their behavioural twins and effort re-maps), and only when asked the PEs and arrays of --pe-units, the MX dots of --mx-units/--mx-formats, the iCE40 rows of --ice40-formats and the iso-throughput tables of --clocks (each 'none' by default). PEs are measured with each --pe-acc accumulator: fixed (SPEC's exact fixed point) and fp32/bf16/fp16 (fpadd in the PE). The units of --ice40-formats, every PE (with --ice40-formats) and the fixed-point PEs' arrays of --ice40-array-sizes are also placed and routed on an iCE40 UP5K (yosys synth_ice40, nextpnr-ice40 --up5k --package sg48, seed 1) between input and output registers: logic cells, carry cells, RAM and DSP blocks and the post-route fmax. With --timed (default), every unit's and PE's standard-cell netlist is also simulated in Icarus Verilog on --timed-operations operations under four delay models (zero delay, OpenSTA's SDF, inertial and transport worst-cell delays) and every cell output change, glitches included, priced by the same per-instance power model: the report's energy_zero_delay_pj beside energy_timed_pj and the glitch factor. Every measurement is a job whose result is kept in --cache (default synth/results, committed) under the SHA-256 of everything that decides it: the RTL, flow.ys, the liberty, the tool versions, the version of each backend that measures it (raised by hand when the code reading its tools' output changes; no Swift source is part of any key) and the flow's parameters; a job whose key is unchanged is read, not re-run, so a killed run resumes and an edit of flow.ys or the liberty re-measures the jobs it decides. Stops at the first unit that fails. Scratch files go to --work.

        Examples:
          rtlgen synth --files "rtl/lmul_e4m3.v rtl/fpmul_e4m3.v" --out synth      what 'make synth' runs, for two units
          rtlgen synth --files rtl/lmul_e4m3.v --out /tmp/report --proof-timeout 120     the one unit, nothing else
          rtlgen synth --files rtl/lmul_e4m3.v --out /tmp/report --pe-units lmul --ice40-formats e4m3 --mx-formats e2m1fn
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
    var flow: String = Resources.flow

    @Option(help: ArgumentHelp("Scratch directory for yosys' files.", valueName: "dir"))
    var work: String = "build/synth/work"

    @OptionGroup var cacheOptions: CostCacheOptions

    @OptionGroup var technologyOptions: TechnologyOptions

    @OptionGroup var clockedOptions: ClockedOptions

    @Option(name: .customLong("ice40-formats"), help: ArgumentHelp("Formats whose units of --files (and, with --pe-units, the PEs) are also placed and routed on an iCE40 UP5K (yosys synth_ice40, nextpnr-ice40), or 'none' (default; make synth gives e4m3,e5m2).", valueName: "list"),
            transform: { $0 == "none" ? [] : try formatList($0, flag: "--ice40-formats", example: "e4m3,e5m2") })
    var ice40Formats: [FloatFormat] = []

    @Option(name: .customLong("ice40-array-sizes"), help: ArgumentHelp("Array sizes RxC of the fixed-point PEs of --pe-units placed on the iCE40, or 'none' (default; make synth gives 2x2).", valueName: "list"),
            transform: { $0 == "none" ? SizeList(sizes: []) : try SizeList.parse($0) })
    var ice40ArraySizes: SizeList = SizeList(sizes: [])

    @Flag(inversion: .prefixedNo, help: "Also simulate every unit's and PE's standard-cell netlist with cell delays (Icarus Verilog, OpenSTA's SDF; cell models beside --liberty) for its energy with glitches.")
    var timed = true

    @Option(name: .customLong("timed-operations"), parsing: .unconditional,
            help: ArgumentHelp("Operations (operand pairs, PE beats) each timed simulation runs, \(Limits.timedPairs.lowerBound)...\(Limits.timedPairs.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var timedOperations: Int = 500

    @Option(name: .customLong("proof-timeout"), parsing: .unconditional, help: ArgumentHelp("Seconds yosys-abc cec may spend on one proof, 1...3600.", valueName: "s"),
            transform: wholeNumber)
    var proofTimeout: Int = 60

    @Option(parsing: .unconditional, help: ArgumentHelp("Units synthesised at once, \(Limits.jobs.lowerBound)...\(Limits.jobs.upperBound) (default: all cores).", valueName: "n"),
            transform: wholeNumber)
    var jobs: Int = min(ProcessInfo.processInfo.activeProcessorCount, Limits.jobs.upperBound)

    @Option(help: ArgumentHelp("Liberty file for the standard-cell area, OpenSTA timing and energy columns (scripts/install-tools.sh installs it here).", valueName: "file"))
    var liberty: String = LibertyLibrary.defaultPath

    @Option(help: ArgumentHelp("Directory for the behavioural twins of the exact multipliers, synthesised beside them, or 'none'.", valueName: "dir"))
    var behavioural: String = "build/behavioural"

    @Flag(inversion: .prefixedNo, help: "Re-map the units with stronger ABC scripts for the report's effort table.")
    var effort = true

    @Option(name: .customLong("pe-units"), help: ArgumentHelp("Units whose PE, array cell and arrays are measured too, or 'none' (default: none; make synth gives every multiplier).", valueName: "list"),
            transform: { $0 == "none" ? UnitList(kinds: []) : try UnitList.multipliers($0) })
    var peUnits: UnitList = UnitList(kinds: [])

    @Option(name: .customLong("pe-format"), help: ArgumentHelp("Format of the PEs and arrays, a --format name (eEmM, e.g. e4m3, or e2m1fn).", valueName: "format"),
            transform: peFloatFormat)
    var peFormat: FloatFormat = .e4m3

    @Option(name: .customLong("array-sizes"), help: ArgumentHelp("Array sizes RxC of the fixed-point PEs, counted by instance, or 'none'.", valueName: "list"),
            transform: { $0 == "none" ? SizeList(sizes: []) : try SizeList.parse($0) })
    var arraySizes: SizeList = try! SizeList.parse("4x4,8x8,16x16")

    @Option(name: .customLong("pe-acc"), help: ArgumentHelp("Accumulators of the PEs: fixed (SPEC's exact fixed point, with --array-sizes) and/or fp32, bf16, fp16 (fpadd in the PE, with --float-array-sizes).", valueName: "list"),
            transform: { s in try listItems(s, what: "--pe-acc", example: "fixed,fp32").map { item in
                guard let a = Accumulation(rawValue: item) else { throw UsageError("--pe-acc: \(shortQuote(item, limit: 200)) is not an accumulator; give fixed, fp32, bf16 or fp16") }
                return a
            } })
    var peAcc: [Accumulation] = [.fixed, .fp32]

    @Option(name: .customLong("float-pe-units"), help: ArgumentHelp("Units whose float-accumulating PEs are measured, or 'none' (default: those of --pe-units).", valueName: "list"),
            transform: { $0 == "none" ? UnitList(kinds: []) : try UnitList.multipliers($0) })
    var floatPEUnits: UnitList?

    @Option(name: .customLong("float-array-sizes"), help: ArgumentHelp("Array sizes RxC of the float-accumulating PEs, or 'none'.", valueName: "list"),
            transform: { $0 == "none" ? SizeList(sizes: []) : try SizeList.parse($0) })
    var floatArraySizes: SizeList = try! SizeList.parse("16x16")

    @Option(name: .customLong("mx-units"), help: ArgumentHelp("Multipliers whose MX block dot products (rtlgen mxdot) are costed through every backend, or 'none' (default: none; with --mx-formats, every multiplier with an MX product rule).", valueName: "list"),
            transform: { $0 == "none" ? UnitList(kinds: []) : try UnitList.multipliers($0) })
    var mxUnitsGiven: UnitList?

    @Option(name: .customLong("mx-formats"), help: ArgumentHelp("Element formats of the MX dots: \(BlockFormat.elementFormats.map(\.tag).joined(separator: ", ")), or 'none' (default: none; with --mx-units, all of them).", valueName: "list"))
    var mxFormatsGiven: String?

    /// The MX dots are costed only when asked: either option alone takes the other's full set.
    var mxUnits: UnitList {
        mxUnitsGiven ?? (mxFormatsGiven == nil ? UnitList(kinds: []) : UnitList(kinds: UnitKind.mxMultipliers))
    }
    var mxFormats: String {
        mxFormatsGiven ?? (mxUnitsGiven == nil ? "none" : BlockFormat.elementFormats.map(\.tag).joined(separator: ","))
    }

    @Option(name: .customLong("mx-timed-formats"), help: ArgumentHelp("Element formats (of --mx-formats) whose MX dots are also timed (glitches counted; with --timed), or 'none'.", valueName: "list"))
    var mxTimedFormats: String = "none"

    @Option(name: .customLong("mx-block"), parsing: .unconditional, help: ArgumentHelp("Elements per block K of the MX dots, a power of two 1...64 (OCP: 32).", valueName: "K"), transform: wholeNumber)
    var mxBlock: Int = 32

    @Option(name: .customLong("mx-blocks"), parsing: .unconditional, help: ArgumentHelp("Block pairs of the MX dots' activity run (N(0,1) data quantised by OCP's conversion), a multiple of 64 in 128...65536.", valueName: "n"), transform: wholeNumber)
    var mxBlocks: Int = 8192

    @Flag(name: .customLong("mx-ice40"), inversion: .prefixedNo, help: "Also place and route the MX dots on the iCE40 UP5K (a K that does not fit is followed by the largest smaller K that does).")
    var mxICE40 = true

    /// The MX dots of --mx-timed-formats (each also in --mx-formats).
    func mxTimedDesigns(_ all: [MXDotDesign]) throws -> [MXDotDesign] {
        guard mxTimedFormats != "none" else { return [] }
        let formats = try formatList(mxTimedFormats, flag: "--mx-timed-formats", example: "e2m1fn")
        return try formats.flatMap { f -> [MXDotDesign] in
            let ds = all.filter { $0.element == f }
            guard !ds.isEmpty else {
                throw UsageError("--mx-timed-formats: \(f.tag) is not one of --mx-formats (\(mxFormats.prefix(60))); time only formats whose MX dots are costed")
            }
            return ds
        }
    }

    /// The MX dots of --mx-units x --mx-formats at --mx-block (empty for 'none').
    func mxDesigns() throws -> [MXDotDesign] {
        guard mxFormats != "none" else { return [] }
        let formats = try formatList(mxFormats, flag: "--mx-formats", example: "e4m3,e2m1fn")
        return try formats.flatMap { f -> [MXDotDesign] in
            guard BlockFormat.elementFormats.contains(f) else {
                throw UsageError("--mx-formats: \(f.tag) is not an MX element format; give one of \(BlockFormat.elementFormats.map(\.tag).joined(separator: ", ")) or none")
            }
            let b: BlockFormat
            do { b = try BlockFormat(element: f, blockSize: mxBlock) } catch { throw UsageError("--mx-block \(mxBlock): \(error)") }
            return try mxUnits.kinds.map { k in
                do { return try MXDotDesign(k, b) } catch { throw UsageError("--mx-units: \(error)") }
            }
        }
    }

    /// The MX section: every design of `mxDesigns()` through the generic and standard-cell flow, then on the iCE40.
    func mxSection(flow: SynthesisFlow, say: @escaping @Sendable (String) -> Void) throws -> MXDotSection? {
        let designs = try mxDesigns()
        guard !designs.isEmpty else { return nil }
        var mx = MXDotSynthesis(flow: flow)
        mx.blocks = mxBlocks
        let rtl = (work as NSString).appendingPathComponent("mx-rtl")
        try OutputWriter.write(try designs.map { ($0.fileName, Data(try $0.verilog().utf8)) }, into: rtl)
        let engine = mx
        let outcomes = WorkerPool.map(designs.count, jobs: jobs) { i -> Result<MXDotSynthesis.Row, SynthesisFlow.Failure> in
            do {
                let t0 = monotonicSeconds()
                let r = try engine.run(designs[i], file: (rtl as NSString).appendingPathComponent(designs[i].fileName))
                say(String(format: "mx %-28@ %8d transistors %9.0f um2 %7.3f ns %9.3f pJ/block  %@  %.1f s", r.module as NSString, r.transistors,
                           r.liberty?.area ?? 0, r.liberty?.delay ?? 0, r.liberty?.energy ?? 0, MXDotSection.proofText(r) as NSString, monotonicSeconds() - t0))
                return .success(r)
            } catch {
                return .failure(error as? SynthesisFlow.Failure ?? SynthesisFlow.Failure(description: "\(error)"))
            }
        }
        let rows = try outcomes.map { try $0.get() }
        let fm = FileManager.default
        let absoluteWork = work.hasPrefix("/") ? work : (fm.currentDirectoryPath as NSString).appendingPathComponent(work)
        let ice40 = mxICE40 ? try MXDotICE40.run(designs, backend: Self.ice40Backend, work: absoluteWork, cache: flow.cache, jobs: jobs, progress: say) : []
        return MXDotSection(blocks: mxBlocks, seed: flow.seed, rows: rows, ice40: ice40)
    }

    static func peFloatFormat(_ tag: String) throws -> FloatFormat {
        do { return try FloatFormat.named(tag) } catch { throw UsageError("\(error)") }
    }

    /// The iCE40 jobs: the units of `ice40Formats`, every PE of `tasks` and its fixed-point arrays of `ice40ArraySizes`.
    func ice40Rows(units: [(unit: ArithmeticUnit, file: String)], tasks: [(kind: UnitKind, acc: FloatFormat?)], work: String,
                   cache: CostCache?, say: @escaping @Sendable (String) -> Void) throws -> [ICE40Row] {
        var designs: [(kind: String, design: Design, unit: ArithmeticUnit, accumulation: String?)] = []
        for u in units where ice40Formats.contains(u.unit.format) && u.unit.kind.role.isMultiplier {
            designs.append(("unit", u.unit, u.unit, nil))
        }
        if !ice40Formats.isEmpty {
            for t in tasks {
                let unit = ArithmeticUnit(t.kind, peFormat)
                let d = ArrayDesign(unit, rows: 1, cols: 1, floatAccumulator: t.acc)
                designs.append(("pe", d.pe, unit, t.acc.map(ProcessingElement.accumulationName)))
            }
        }
        for t in tasks where t.acc == nil {
            for size in ice40ArraySizes.sizes {
                let unit = ArithmeticUnit(t.kind, peFormat)
                designs.append(("array", ArrayDesign(unit, rows: size.rows, cols: size.cols), unit, nil))
            }
        }
        guard !designs.isEmpty else { return [] }
        return try ICE40Synthesis.run(designs, backend: Self.ice40Backend, work: work, cache: cache, jobs: jobs, progress: say)
    }

    /// nextpnr-ice40 exits non-zero when the target frequency is missed, and the exact multipliers' PEs
    /// run below 12 MHz: a 1 MHz target every design meets, so fmax is reported for all of them.
    static var ice40Backend: ICE40Backend {
        var b = ICE40Backend()
        b.targetMHz = 1
        return b
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
        if let (t, prepared) = try technologyOptions.resolve(), t.name != "osu018" {
            guard liberty == LibertyLibrary.defaultPath else { throw UsageError("--technology \(t.name) and --liberty both name a cell library; give one of them") }
            guard !timed || t.cellModels != "generated" else {
                throw UsageError("--technology \(t.name): its timed simulation needs cell models generated from the liberty, which rtlgen does not write yet; pass --no-timed")
            }
            liberty = prepared
        }
        _ = try files.checkUnits()
        try checkFlowScript(flow)
        try check("--proof-timeout", proofTimeout, in: 1...3600)
        try check("--jobs", jobs, in: Limits.jobs)
        // checked whatever --timed says: a value out of range is a mistake either way
        try check("--timed-operations", timedOperations, in: Limits.timedPairs)
        for acc in peAcc { try acc.check(element: peFormat) }
        // the PE rows are measured inside their arrays' job (the PE module comes from the first size)
        if !peUnits.kinds.isEmpty && peAcc.contains(.fixed) && arraySizes.sizes.isEmpty {
            throw UsageError("--array-sizes none: the fixed-point PEs are measured with their arrays; give at least one size (e.g. 1x1), or --pe-acc without fixed, or --pe-units none")
        }
        if !(floatPEUnits?.kinds ?? peUnits.kinds).isEmpty && peAcc.contains(where: { $0 != .fixed }) && floatArraySizes.sizes.isEmpty {
            throw UsageError("--float-array-sizes none: the float-accumulating PEs are measured with their arrays; give at least one size (e.g. 1x1), or --pe-acc fixed, or --float-pe-units none")
        }
        try clockedOptions.check(peFormat: peFormat)
        try OutputWriter.checkDirectory(out)
        try OutputWriter.checkDirectory(work, flag: "--work")
        try cacheOptions.check()
        try check("--mx-blocks", mxBlocks, in: 128...65536)
        if mxBlocks % 64 != 0 { throw UsageError("--mx-blocks \(mxBlocks) is not a multiple of 64 (the activity run drives 64 lanes); give e.g. 8192") }
        // --mx-block is checked whether or not MX dots are costed
        do { _ = try BlockFormat(element: .e4m3, blockSize: mxBlock) } catch { throw UsageError("--mx-block \(mxBlock): \(error)") }
        let mx = try mxDesigns()
        if try !mxTimedDesigns(mx).isEmpty && !timed { throw UsageError("--mx-timed-formats needs the timed simulations; drop --no-timed, or give --mx-timed-formats none") }
        let ice40Arrays = !peUnits.kinds.isEmpty && peAcc.contains(.fixed) && !ice40ArraySizes.sizes.isEmpty
        if !ice40Formats.isEmpty || ice40Arrays || (mxICE40 && !mx.isEmpty) { try checkTools(ICE40Backend().tools) }
        if behavioural != "none" { try OutputWriter.checkDirectory(behavioural, flag: "--behavioural") }
        try checkTools(["yosys", "yosys-abc", "timeout"])
        try LibertyFlow.checkTools(liberty: liberty)
        try checkLiberty(liberty)
        if timed {
            try checkTools(TimedActivityBackend(liberty: liberty).tools)
            let models = TimedActivityBackend(liberty: liberty).cellModels
            guard FileManager.default.isReadableFile(atPath: models) else {
                throw UsageError("the timed simulations need the cell models \(models.prefix(200)) beside --liberty: run 'bash scripts/install-tools.sh', or pass --no-timed")
            }
        }
    }

    /// Timed activity of every unit the iso-throughput tables chose (each (unit, S) once, with the clocks that chose it).
    func timedClocked(_ c: ClockedSection, flow: SynthesisFlow, backend: TimedActivityBackend, say: @escaping @Sendable (String) -> Void) throws -> [TimedClockedRow] {
        var choices: [(unit: ArithmeticUnit, clocks: [Double])] = []
        for e in c.units {
            guard let st = e.stages else { continue }
            let u = ArithmeticUnit(e.unit, e.format, stages: st)
            if let i = choices.firstIndex(where: { $0.unit == u }) { choices[i].clocks.append(e.clockMHz) } else { choices.append((u, [e.clockMHz])) }
        }
        var cost = ClockedCost(liberty: try LibertyFlow(libertyPath: liberty))
        cost.seed = flow.seed
        var engine = TimedSynthesis(flow: flow, backend: backend)
        engine.operations = timedOperations
        let fm = FileManager.default
        let absoluteWork = work.hasPrefix("/") ? work : (fm.currentDirectoryPath as NSString).appendingPathComponent(work)
        return try engine.runClocked(choices, cost: cost, clockedBackend: ClockedBackend(liberty: liberty), work: absoluteWork, jobs: jobs, progress: say)
    }

    func run() throws {
        if rerender {
            let report = try loadReport()
            try OutputWriter.write([("report.md", Data(report.markdown().utf8))], into: out)
            print("rewrote \(out)/report.md from \(reportJSON)")
            return
        }
        // the one place the file names are read as units (checked in validate)
        let units = try self.files!.checkUnits()
        var flowConfig = SynthesisFlow()
        flowConfig.power = PowerAnalysis(liberty: try LibertyFlow(libertyPath: liberty))
        flowConfig.flowScript = flow
        flowConfig.workDirectory = work
        flowConfig.proofTimeout = proofTimeout
        flowConfig.cache = try cacheOptions.store()
        let start = monotonicSeconds()
        print("synth: \(units.count) unit\(units.count == 1 ? "" : "s") on \(jobs) thread\(jobs == 1 ? "" : "s") (flow \(flow))")
        let results = try SynthesisRun.run(units, flow: flowConfig, jobs: jobs) { line in
            StandardStreams.writeOutputLater(Data((line + "\n").utf8))
        }
        let say: @Sendable (String) -> Void = { line in StandardStreams.writeOutputLater(Data((line + "\n").utf8)) }
        let twins = behavioural == "none" ? [] : try BehaviouralSynthesis.run(units.map(\.unit), directory: behavioural, flow: flowConfig,
                                                                                 jobs: jobs, progress: { say("behavioural " + $0) })
        let effortRows = effort ? try SynthesisEffort.run(units, units: results, flow: flowConfig, jobs: jobs, progress: say) : []
        var pes: [ArraySynthesis.PERow] = []
        var arrays: [ArraySynthesis.ArrayRow] = []
        let kinds = peUnits.kinds, floatKinds = floatPEUnits?.kinds ?? kinds
        // (unit, accumulator) pairs: every unit with the fixed-point accumulator, then with each float one
        let tasks = peAcc.flatMap { acc in (acc == .fixed ? kinds : floatKinds).map { (kind: $0, acc: acc.format) } }
        if !tasks.isEmpty {
            var a = ArraySynthesis(flow: flowConfig)
            a.sizes = arraySizes.sizes
            a.floatSizes = floatArraySizes.sizes
            let f = peFormat
            let design = a
            // The PEs on `jobs` threads (each in its own scratch directories), results in `tasks` order.
            let outcomes = WorkerPool.map(tasks.count, jobs: jobs) { i -> Result<(pe: ArraySynthesis.PERow, arrays: [ArraySynthesis.ArrayRow]), SynthesisFlow.Failure> in
                do {
                    return .success(try design.run(ArithmeticUnit(tasks[i].kind, f), floatAccumulator: tasks[i].acc) { say($0) })
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
        let ice40 = try ice40Rows(units: units, tasks: tasks, work: work, cache: flowConfig.cache, say: say)
        var timedRows: [TimedRow] = []
        let timedBackend = TimedActivityBackend(liberty: liberty)
        if timed {
            var designs = units.map { TimedDesign(kind: "unit", design: $0.unit, unit: $0.unit) }
            for t in tasks {
                let unit = ArithmeticUnit(t.kind, peFormat)
                designs.append(TimedDesign(kind: "pe", design: ArrayDesign(unit, rows: 1, cols: 1, floatAccumulator: t.acc).pe, unit: unit,
                                           accumulation: t.acc.map(ProcessingElement.accumulationName)))
            }
            var engine = TimedSynthesis(flow: flowConfig, backend: timedBackend)
            engine.operations = timedOperations
            timedRows = try engine.run(designs, work: work, jobs: jobs, progress: say)
        }
        let mx = try mxSection(flow: flowConfig, say: say)
        let version = try Tools.run("yosys", ["-V"], limit: ToolBudget.query()).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var report = SynthesisReport(tool: version, flow: flow, activityOperations: flowConfig.activityOperations,
                                     seed: flowConfig.seed, proofTimeout: proofTimeout, units: results)
        report.pes = pes
        report.arrays = arrays
        report.libertySetup = LibertySetup(flowConfig.power!)
        report.behavioural = twins
        report.effort = effortRows
        if !ice40.isEmpty { report.ice40 = ICE40Section(backend: Self.ice40Backend, rows: ice40) }
        if !timedRows.isEmpty { report.timed = TimedSection(backend: timedBackend, rows: timedRows) }
        let measuredBefore = flowConfig.cache?.measured ?? 0
        report.clocked = try clockedOptions.run(peFormat: peFormat, liberty: liberty, work: work, cache: flowConfig.cache, seed: flowConfig.seed, say: say)
        if let c = report.clocked {
            print(String(format: "iso-throughput: %d unit and %d PE entries at %@ MHz, %d jobs measured, in %.1f s", c.units.count, c.pes.count,
                         c.clocksMHz.map { String(format: "%.0f", $0) }.joined(separator: ", "), (flowConfig.cache?.measured ?? 0) - measuredBefore, c.seconds))
        }
        if timed, let c = report.clocked, report.timed != nil {
            report.timed?.clocked = try timedClocked(c, flow: flowConfig, backend: timedBackend, say: say)
        }
        let timedMX = try mxTimedDesigns(try mxDesigns())
        if timed, !timedMX.isEmpty, report.timed != nil {
            var engine = TimedSynthesis(flow: flowConfig, backend: timedBackend)
            engine.operations = timedOperations
            let fm = FileManager.default
            let absoluteWork = work.hasPrefix("/") ? work : (fm.currentDirectoryPath as NSString).appendingPathComponent(work)
            report.timed?.mx = try engine.runMX(timedMX, rtl: (absoluteWork as NSString).appendingPathComponent("mx-rtl"), work: absoluteWork, jobs: jobs, progress: say)
        }
        report.mx = mx
        try OutputWriter.write([("report.json", try report.json()), ("report.md", Data(report.markdown().utf8))], into: out)
        print(report.summaryTable())
        for line in report.largerThanTwinLines() { print(line) }
        if let cache = flowConfig.cache {
            print("cost results: \(cache.hits) reused, \(cache.measured) measured, in \(cache.directory)")
        }
        print(String(format: "wrote %@/report.md and %@/report.json in %.1f s", out, out, monotonicSeconds() - start))
    }
}

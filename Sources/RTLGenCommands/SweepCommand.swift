import Accuracy
import ArgumentParser
import FloatArith
import Foundation
import Generation
import Sweep
import Synthesis
import Toolchain
import Units

/// `rtlgen sweep`: the design-space sweep, as independent jobs whose results are files.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweep every multiplier over many formats: cost against error, and the Pareto frontier.",
        discussion: """
        One job per unit and format: generate it, check it against the golden model on Verilator (every operand pair up to 16-bit formats), synthesise it (generic gates, CMOS transistors, standard cells, OpenSTA delay and energy), and measure its error on the same real operands as every other job. 'plan' writes the job list, 'run' runs a share of it (results are files; a killed run resumes), 'merge' writes the report with the frontiers.

        Examples:
          rtlgen sweep plan --dir build/sweep             E = 4, 5, 8 x M = 1...7
          rtlgen sweep plan --dir build/sweep --quick     e4m3 e5m2 e8m3 e8m4
          rtlgen sweep run --dir build/sweep              every job, on this machine
          rtlgen sweep run --dir build/sweep --shard 3/8  one share of 8 (a Slurm task)
          rtlgen sweep merge --dir build/sweep --out docs the report, into docs/
          rtlgen sweep mx --out docs                      the MX families: docs/sweep-mx.*
        """,
        subcommands: [Plan.self, Run.self, Merge.self, MX.self]
    )

    static let defaultDirectory = "build/sweep"

    /// The end of a --compare run (merge and mx alike): the first of `diffs` refused, or all rows said equal.
    static func compared(_ diffs: [String], rows: Int, file: String, command: String, rerun: String, docs: String) throws {
        if !diffs.isEmpty {
            throw UsageError("\(diffs.count) of \(counted(rows, "row")) differ from \(file) (first: \(diffs[0])); if the generator or flow changed on purpose, rerun \(rerun) and commit \(docs)")
        }
        print("\(command): all \(counted(rows, "row")) equal their rows in \(file)")
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Write the sweep's job list, <dir>/plan.json, and print the job count and an estimate.",
            discussion: "A plan that differs from the one a result was made for makes that result stale: 'run' redoes it and 'merge' refuses it."
        )

        @Option(help: ArgumentHelp("Sweep directory: plan.json, results/, work/.", valueName: "dir"))
        var dir: String = SweepCommand.defaultDirectory

        @Flag(help: "The quick subset: every unit on e4m3, e5m2, e8m3 and e8m4 (a few minutes).")
        var quick = false

        @Option(help: ArgumentHelp("Multipliers to sweep, comma-separated (default: every multiplier of the registry).", valueName: "list"),
                transform: { try UnitList.multipliers($0) })
        var units: UnitList = .all

        @Option(help: ArgumentHelp("Formats: eEmM or eEmA-B (M = A...B), or the finite e2m1fn, e2m3fn, e3m2fn, comma-separated (default: e4m1-7,e5m1-7,e8m1-7).", valueName: "list"))
        var formats: String?

        @Option(parsing: .unconditional, help: ArgumentHelp("Operand pairs per distribution, 1000...100000000.", valueName: "n"), transform: wholeNumber)
        var samples: Int = 1_000_000

        @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the operands and random vectors, 0...2^64-1.", valueName: "n"), transform: seedNumber)
        var seed: UInt64 = 1

        @Option(parsing: .unconditional, help: ArgumentHelp("Random vector pairs for formats wider than 16 bits, 0...10000000.", valueName: "n"),
                transform: wholeNumber)
        var count: Int = 100_000

        @Option(name: .customLong("proof-timeout"), parsing: .unconditional, help: ArgumentHelp("Seconds yosys-abc cec may spend on one proof, 1...3600.", valueName: "s"),
                transform: wholeNumber)
        var proofTimeout: Int = 60

        @Option(help: ArgumentHelp("Liberty file of the standard cells (scripts/install-tools.sh installs it here).", valueName: "file"))
        var liberty: String = "/usr/local/share/osu018/osu018_stdcells.lib"

        @Option(help: ArgumentHelp("The yosys flow script.", valueName: "file"))
        var flow: String = Resources.flow

        var formatList: [FloatFormat] {
            get throws {
                guard let formats else { return quick ? SweepPlan.quickFormats : SweepPlan.defaultFormats }
                // the one list helper and the one format-name parser, as every option taking formats
                let items = try listItems(formats, what: "--formats", example: "e4m1-7,e5m2")
                do { return try FloatFormat.parseList(items) } catch let e as HarnessError {
                    throw UsageError("--formats: \(e.message)")
                }
            }
        }

        @Option(name: .customLong("clock"), parsing: .unconditional, help: ArgumentHelp(
            "A clock in MHz, \(Int(SweepPlan.Ranges.clockMHz.lowerBound))...\(Int(SweepPlan.Ranges.clockMHz.upperBound)): each point's area and energy are those of its least pipeline stages S meeting it (measured, osu018 + OpenSTA, the unit between input and output registers), so the frontiers are drawn at that throughput (default: combinational).",
            valueName: "MHz"), transform: { s in
                guard let v = try ClockedOptions.parseClocks(s, flag: "--clock").first, !s.contains(",") else { throw UsageError("--clock takes one frequency in MHz, e.g. 400") }
                return v
            })
        var clock: Double?

        mutating func validate() throws {
            if quick && formats != nil { throw UsageError("--quick is a set of formats; give --quick or --formats, not both") }
            guard try !formatList.isEmpty else { throw UsageError("--formats is empty: the sweep would have no jobs; give formats, e.g. --formats e4m1-7,e5m2") }
            try check("--samples", samples, in: SweepPlan.Ranges.samples)
            try check("--count", count, in: SweepPlan.Ranges.randomVectors)
            try check("--proof-timeout", proofTimeout, in: SweepPlan.Ranges.proofTimeout)
            try checkFlowScript(flow)
            try checkInputFile(liberty, flag: "--liberty", hint: "install it with bash scripts/install-tools.sh or pass --liberty FILE")
            try OutputWriter.checkDirectory(dir, flag: "--dir")
            try checkTools(["yosys", "yosys-abc", "verilator", "timeout"])
            try LibertyFlow.checkTools(liberty: liberty)
            try checkLiberty(liberty)
        }

        func run() throws {
            func input(_ path: String) throws -> SweepPlan.Input {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                return SweepPlan.Input(path: path, name: (path as NSString).lastPathComponent, sha256: SHA256.hex(data))
            }
            let libraryName = try LibertyFlow(libertyPath: liberty).library.name
            var lib = try input(liberty)
            lib.name = "\(libraryName) (\(lib.name))"
            let tools = [try Tools.run("yosys", ["-V"], limit: ToolBudget.query()).stdout,
                         try Tools.run("verilator", ["--version"], limit: ToolBudget.query()).stdout,
                         "OpenSTA " + (try Tools.run("sta", ["-version"], limit: ToolBudget.query()).stdout)]
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            var plan: SweepPlan
            do {
                plan = try SweepPlan.make(kinds: units.kinds, formats: try formatList, samples: samples, seed: seed, randomVectors: count,
                                          proofTimeout: proofTimeout, flow: try input(flow), liberty: lib, tools: tools)
                plan.clockMHz = clock
            } catch let e as HarnessError { throw UsageError(e.message) }
            let path = (dir as NSString).appendingPathComponent(SweepPlan.fileName)
            try OutputWriter.writeFile(try plan.encoded(), to: path)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let total = plan.jobs.reduce(0) { $0 + $1.estimate }
            print("sweep plan: \(counted(plan.jobs.count, "job")) (\(plan.units.count) unit\(plan.units.count == 1 ? "" : "s") x \(plan.formats.count) format\(plan.formats.count == 1 ? "" : "s")) in \(path); "
                  + "estimate ~\(SweepRun.duration(total / Double(cores))) on this machine's \(cores) core\(cores == 1 ? "" : "s")")
            print("next: rtlgen sweep run --dir \(dir)   (or one share per machine: --shard I/N), then rtlgen sweep merge --dir \(dir)")
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run the plan's jobs (or one share of them); each result is written atomically and jobs already done are skipped.",
            discussion: "Shares are dealt from the plan by estimated cost, longest first, so every job is in exactly one of N shares and the shares take about the same time. A job that fails (a mismatch, a tool error) is reported; the others go on, and the run exits non-zero."
        )

        @Option(help: ArgumentHelp("Sweep directory holding plan.json.", valueName: "dir"))
        var dir: String = SweepCommand.defaultDirectory

        @Option(parsing: .unconditional, help: ArgumentHelp("The share to run, I/N with 1 <= I <= N (1/1: every job).", valueName: "I/N"))
        var shard: String = "1/1"

        @Option(parsing: .unconditional, help: ArgumentHelp("Jobs run at once, 1...64 (default: the number of cores).", valueName: "n"), transform: wholeNumber)
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: ArgumentHelp("Directory of the streaming testbench (lanes.v, stream_abi.cpp) and the cycle testbench (tb_cycle.cpp).", valueName: "dir"))
        var testbench: String = Resources.testbench

        @OptionGroup var cacheOptions: CostCacheOptions

        static func parseShard(_ s: String) throws -> (index: Int, count: Int) {
            let p = s.split(separator: "/", omittingEmptySubsequences: false)
            guard p.count == 2, let i = try? wholeNumber(String(p[0])), let n = try? wholeNumber(String(p[1])) else {
                throw UsageError("--shard \(shortQuote(s)) is not a share; give I/N, e.g. --shard 2/4")
            }
            guard n >= 1, n <= 100_000 else { throw UsageError("--shard \(s): N must be 1...100000") }
            guard (1...n).contains(i) else { throw UsageError("--shard \(s) does not exist; give I/N with 1 <= I <= N, e.g. --shard 1/\(max(n, 1))") }
            return (i, n)
        }

        mutating func validate() throws {
            _ = try Self.parseShard(shard)
            try check("--jobs", jobs, in: Limits.jobs)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw UsageError("--dir \(dir) does not exist; write a plan first: rtlgen sweep plan --dir \(dir)")
            }
            // a missing or unreadable plan is bad input, found before any job starts
            _ = try SweepPlan.load(directory: dir)
            try checkTools(["yosys", "yosys-abc", "verilator", "make", "g++", "timeout"])
            try cacheOptions.check()
            try checkTestbench(testbench, ["lanes.v", "stream_abi.cpp", "tb_cycle.cpp"])
        }

        func run() throws {
            let s = try Self.parseShard(shard)
            let summary = try SweepRun.run(directory: dir, shard: s, workers: jobs, testbench: testbench, cache: try cacheOptions.store()) { line in
                StandardStreams.writeOutputLater(Data((line + "\n").utf8))
            }
            if !summary.failures.isEmpty {
                StandardStreams.writeError(Data("rtlgen: error: \(summary.failures.count) of \(counted(summary.jobs, "job")) of share \(shard) failed (first: \(summary.failures[0])); the other results are kept, so rerunning redoes only those\n".utf8))
                throw ExitCode.failure
            }
            print("sweep: share \(shard) done: \(counted(summary.ran, "job")) run, \(summary.skipped) already done"
                  + (summary.reused > 0 ? ", \(summary.reused) measured by another run meanwhile" : "") + ", in \(SweepRun.duration(summary.seconds))")
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Merge every job's result into sweep.md, sweep.json and plots/sweep-pareto.svg.",
            discussion: "Refuses, and writes nothing, when a job has no result or its result is from another plan (stale or edited). The files are the same bytes whatever the shard count or order. --compare checks the merged rows against another report's rows of the same configurations (the quick sweep against the committed full one)."
        )

        @Option(help: ArgumentHelp("Sweep directory holding plan.json and results/.", valueName: "dir"))
        var dir: String = SweepCommand.defaultDirectory

        @Option(help: ArgumentHelp("Output directory for sweep.md, sweep.json and plots/sweep-pareto.svg.", valueName: "dir"))
        var out: String = "docs"

        @Option(help: ArgumentHelp("A sweep.json whose rows of the same configurations must equal these (exit non-zero otherwise).", valueName: "file"))
        var compare: String?

        mutating func validate() throws {
            try OutputWriter.checkDirectory(out)
            if let compare { _ = try Self.report(compare) }
            _ = try SweepPlan.load(directory: dir)
        }

        /// The report --compare names, or one line saying it is not one (bad input, exit 64).
        static func report(_ compare: String) throws -> SweepReport {
            try checkInputFile(compare, flag: "--compare", hint: "give the sweep.json of an earlier merge, e.g. docs/sweep.json")
            guard let data = FileManager.default.contents(atPath: compare), let other = try? SweepReport.load(data) else {
                throw UsageError("--compare \(compare) is not a sweep report; give a sweep.json written by rtlgen sweep merge")
            }
            return other
        }

        func run() throws {
            let against = try compare.map(Self.report)
            // a job without a result, or with one that is unusable (another plan's, edited, corrupt), is
            // bad input found before anything is written: one line, exit 64
            let merged: SweepReport.Merged
            do { merged = try SweepReport.merge(directory: dir) } catch let e as HarnessError { throw BadInput(e.message) }
            let report = merged.report
            if !merged.ignored.isEmpty {
                print("sweep merge: left out \(merged.ignored.count) result file\(merged.ignored.count == 1 ? "" : "s") of jobs not in the plan (\(merged.ignored.prefix(3).joined(separator: ", "))\(merged.ignored.count > 3 ? ", ..." : ""))")
            }
            try OutputWriter.write([("sweep.json", try report.json()), ("sweep.md", Data(report.markdown().utf8)),
                                    ("plots/sweep-pareto.svg", Data(report.svg().utf8))], into: out)
            print("sweep merge: \(counted(report.rows.count, "configuration")); wrote \(out)/sweep.md, \(out)/sweep.json, \(out)/plots/sweep-pareto.svg")
            print(report.answer() + ".")
            if let against {
                try SweepCommand.compared(report.differences(from: against), rows: report.rows.count, file: compare!, command: "sweep merge", rerun: "make sweep", docs: "docs/sweep.*")
            }
        }
    }

    struct MX: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mx",
            abstract: "The MX families: every multiplier inside a K = 32 MX block dot per element format, cost per MAC against MX matmul error.",
            discussion: """
            Writes sweep-mx.md, sweep-mx.json and plots/sweep-mx-pareto.svg into --out. Each configuration is the MX dot rtlgen mxdot writes (K = 32, OCP's block size; the error measurement's blocks are 32 long): its cost is the cost job of rtlgen synth's MX section (same key, so a design make synth costed is read from --cache, not measured again; an uncached K = 32 MX dot takes minutes, e5m2 hours), divided by K; its error is MX matmul on N(0, 1) and Student-t(3) data quantised by OCP's conversion (docs/accuracy.md section 5, the same code and seed). --cached-only refuses, before measuring anything, when a design is not in the cache. --compare checks the rows against another sweep-mx.json.

            Examples:
              rtlgen sweep mx --out docs
              rtlgen sweep mx --formats e2m1fn,e4m3 --units lmul,fpmul --out build/sweep-mx-report
            """
        )

        @Option(help: ArgumentHelp("Multipliers, comma-separated: \(UnitKind.mxMultipliers.map(\.rawValue).joined(separator: ", ")) (default: all).", valueName: "list"),
                transform: { try UnitList.multipliers($0) })
        var units: UnitList = UnitList(kinds: UnitKind.mxMultipliers)

        @Option(help: ArgumentHelp("Element formats, comma-separated: \(BlockFormat.elementFormats.map(\.tag).joined(separator: ", ")) (default: \(MX.defaultFormats)).", valueName: "list"))
        var formats: String = MX.defaultFormats

        /// The element formats make synth costs by default (an e5m2 K = 32 MX dot takes hours to map).
        static let defaultFormats = "e4m3,e3m2fn,e2m3fn,e2m1fn"

        @Option(help: ArgumentHelp("Output directory for sweep-mx.md, sweep-mx.json and plots/sweep-mx-pareto.svg.", valueName: "dir"))
        var out: String = "docs"

        @Option(help: ArgumentHelp("Scratch directory (the MX dots' RTL, yosys files).", valueName: "dir"))
        var work: String = "build/sweep-mx"

        @Option(parsing: .unconditional, help: ArgumentHelp("Jobs run at once, 1...64 (default: the number of cores).", valueName: "n"), transform: wholeNumber)
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: ArgumentHelp("Liberty file of the standard cells (scripts/install-tools.sh installs it here).", valueName: "file"))
        var liberty: String = LibertyLibrary.defaultPath

        @OptionGroup var cacheOptions: CostCacheOptions

        @Flag(name: .customLong("cached-only"), help: "Refuse when a design's cost is not in --cache, instead of measuring it.")
        var cachedOnly = false

        @Option(help: ArgumentHelp("A sweep-mx.json whose rows of the same configurations must equal these (exit non-zero otherwise).", valueName: "file"))
        var compare: String?

        func designs() throws -> [MXDotDesign] {
            return try formatList(formats, flag: "--formats", example: "e4m3,e2m1fn").flatMap { f -> [MXDotDesign] in
                let b = try MXDesignOptions.blockFormat(f, MXAccuracy.blockSize, flag: "--formats")
                return try units.kinds.map { k in
                    do { return try MXDotDesign(k, b) } catch { throw UsageError("--units: \(error)") }
                }
            }
        }

        /// The report --compare names, or one line saying it is not one (bad input, exit 64).
        static func report(_ compare: String) throws -> MXSweepReport {
            try checkInputFile(compare, flag: "--compare", hint: "give the sweep-mx.json of an earlier run, e.g. docs/sweep-mx.json")
            guard let data = FileManager.default.contents(atPath: compare), let other = try? MXSweepReport.load(data) else {
                throw UsageError("--compare \(compare) is not an MX sweep report; give a sweep-mx.json written by rtlgen sweep mx")
            }
            return other
        }

        mutating func validate() throws {
            _ = try designs()
            try check("--jobs", jobs, in: Limits.jobs)
            try OutputWriter.checkDirectory(out)
            try OutputWriter.checkDirectory(work, flag: "--work")
            if let compare { _ = try Self.report(compare) }
            if cachedOnly && cacheOptions.cache == "none" { throw UsageError("--cached-only with --cache none reads nothing; give a --cache directory, e.g. synth/results") }
            try cacheOptions.check()
            try LibertyFlow.checkTools(liberty: liberty)
            try checkLiberty(liberty)
        }

        func run() throws {
            let against = try compare.map(Self.report)
            var flow = SynthesisFlow()
            flow.power = PowerAnalysis(liberty: try LibertyFlow(libertyPath: liberty))
            flow.workDirectory = (work as NSString).appendingPathComponent("synth")
            flow.cache = try cacheOptions.store()
            var sweep = MXSweep(designs: try designs(), flow: flow)
            sweep.jobs = jobs
            sweep.cachedOnly = cachedOnly
            let report = try sweep.run(rtlDirectory: (work as NSString).appendingPathComponent("rtl")) { line in
                StandardStreams.writeOutputLater(Data((line + "\n").utf8))
            }
            try OutputWriter.write([("sweep-mx.json", try report.json()), ("sweep-mx.md", Data(report.markdown().utf8)),
                                    ("plots/sweep-mx-pareto.svg", Data(report.svg().utf8))], into: out)
            let cache = flow.cache.map { ", \($0.hits) cost results reused, \($0.measured) measured" } ?? ""
            print("sweep mx: \(counted(report.rows.count, "configuration"))\(cache); wrote \(out)/sweep-mx.md, \(out)/sweep-mx.json, \(out)/plots/sweep-mx-pareto.svg")
            print(report.answer() + ".")
            if let against {
                try SweepCommand.compared(report.differences(from: against), rows: report.rows.count, file: compare!, command: "sweep mx", rerun: "make sweep-mx", docs: "docs/sweep-mx.*")
            }
        }
    }
}

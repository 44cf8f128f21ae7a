import ArgumentParser
import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification

/// `rtlgen accuracy`: the accuracy report of every unit, measured on its golden model.
struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Measure the error of every unit from its golden model and write the accuracy report.",
        discussion: """
        Writes accuracy.md, accuracy.json and plots/*.svg into --out: (1) exhaustive error over every pair of normal inputs whose exact product is in the normal range, for E = 4 and 5 with M = 1...7; (2) the paper's precision claims on shared random inputs, with a verdict for each; (3) dot products accumulated exactly as SPEC's PE does; (4) area against error from synth/report.json when it exists. With --bf16 include (or only), also accuracy-bf16.md and accuracy-bf16.json: all 2^32 bf16 encoding pairs, a few minutes on two cores, with a progress bar on stderr. The files are the same bytes for any --jobs. Wall time per section goes to the terminal, never into the files.

        Examples:
          rtlgen accuracy --out docs                        what 'make accuracy' runs
          rtlgen accuracy --bf16 only --out docs            what 'make accuracy-bf16' runs
          rtlgen accuracy --claim-pairs 100000 --dot-trials 1000 --out /tmp/quick
        """
    )

    enum BF16Mode: String, ExpressibleByArgument, CaseIterable {
        case exclude, include, only
    }

    @Option(help: ArgumentHelp("Output directory (created if missing).", valueName: "dir"))
    var out: String = "docs"

    @Option(help: ArgumentHelp("The bf16 exhaustive part (2^32 pairs): exclude (default), include, or only (skip the default report).",
                               valueName: "exclude|include|only"))
    var bf16: BF16Mode = .exclude

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the random inputs of sections 2 and 3, 0...2^64-1.", valueName: "n"), transform: seedNumber)
    var seed: UInt64 = 1

    @Option(name: .customLong("claim-pairs"), parsing: .unconditional, help: ArgumentHelp("Operand pairs per scale in section 2 (three scales), 1...100000000.", valueName: "n"),
            transform: wholeNumber)
    var claimPairs: Int = AccuracyOptions().claimSamplesPerScale

    @Option(name: .customLong("dot-trials"), parsing: .unconditional, help: ArgumentHelp("Trials per vector length in section 3, 1...10000000.", valueName: "n"),
            transform: wholeNumber)
    var dotTrials: Int = AccuracyOptions().dotTrials

    @Option(name: .customLong("float-dot-trials"), parsing: .unconditional,
            help: ArgumentHelp("Trials per mean in section 3b (fp32 and bf16 accumulation, the longest length), 1...1000000.", valueName: "n"),
            transform: wholeNumber)
    var floatDotTrials: Int = AccuracyOptions().floatDotTrials

    @Option(help: ArgumentHelp("Synthesis report for the area-vs-error plot, or 'none'.", valueName: "file"))
    var synth: String = "synth/report.json"

    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads, \(Limits.jobs.lowerBound)...\(Limits.jobs.upperBound) (default: all cores). The output does not depend on it.", valueName: "n"),
            transform: wholeNumber)
    var jobs: Int = min(ProcessInfo.processInfo.activeProcessorCount, Limits.jobs.upperBound)

    mutating func validate() throws {
        try check("--claim-pairs", claimPairs, in: 1...100_000_000, "the report uses 1000000")
        try check("--dot-trials", dotTrials, in: 1...10_000_000, "the report uses 10000")
        try check("--float-dot-trials", floatDotTrials, in: 1...1_000_000, "the report uses 1000")
        try check("--jobs", jobs, in: Limits.jobs)
        if synth != "none" {
            var isDir: ObjCBool = false
            guard !synth.isEmpty else { throw UsageError("--synth is an empty path; give the report file (synth/report.json) or 'none'") }
            if FileManager.default.fileExists(atPath: synth, isDirectory: &isDir), isDir.boolValue {
                throw UsageError("--synth \(synth) is a directory; give the report file (synth/report.json) or 'none'")
            }
            _ = try SynthInput.load(synth)   // a file that is there must be a report, checked before the long work
        }
        try OutputWriter.checkDirectory(out)
    }

    func run() throws {
        var o = AccuracyOptions()
        o.seed = seed
        o.claimSamplesPerScale = claimPairs
        o.dotTrials = dotTrials
        o.floatDotTrials = floatDotTrials
        o.synthPath = synth == "none" ? nil : synth
        o.jobs = jobs
        let log: AccuracyRun.Log = { print("  " + $0) }
        let start = Date()
        var files: [(name: String, contents: Data)] = []
        var writesScatter = false
        if bf16 != .only {
            print("accuracy: default report (\(jobs) thread\(jobs == 1 ? "" : "s"))")
            fflush(nil)   // before the progress bar on stderr
            let (report, f) = try AccuracyRun.defaultReport(o, log: log)
            files += f
            writesScatter = report.area.map { AccuracyPlots.areaScatter($0) != nil } ?? false
        }
        if bf16 != .exclude {
            print("accuracy: bf16 exhaustive (\(jobs) thread\(jobs == 1 ? "" : "s"))")
            fflush(nil)   // before the progress bar on stderr
            let bar = ProgressReporter("  bf16")
            let (_, f) = try AccuracyRun.bf16Report(o, progress: { bar.update(done: $0, total: $1) }, log: log)
            bar.finish()
            files += f
        }
        try OutputWriter.write(files, into: out)
        // A scatter plot left from an earlier run with a synthesis report would no longer match.
        let stale = (out as NSString).appendingPathComponent(AccuracyReport.scatterFile)
        if bf16 != .only && !writesScatter && FileManager.default.fileExists(atPath: stale) {
            try FileManager.default.removeItem(atPath: stale)
            print("removed \(stale): no synthesis report to plot")
        }
        print("wrote \(files.map(\.name).joined(separator: ", ")) to \(out) in " + String(format: "%.1f s", Date().timeIntervalSince(start)))
    }
}

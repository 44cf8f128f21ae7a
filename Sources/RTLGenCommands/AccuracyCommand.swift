import ArgumentParser
import FloatArith
import Foundation
import Harness

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

    @Option(help: ArgumentHelp("Seed of the random inputs of sections 2 and 3.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: .customLong("claim-pairs"), help: ArgumentHelp("Operand pairs per scale in section 2 (three scales).", valueName: "n"))
    var claimPairs: Int = AccuracyOptions().claimSamplesPerScale

    @Option(name: .customLong("dot-trials"), help: ArgumentHelp("Trials per vector length in section 3.", valueName: "n"))
    var dotTrials: Int = AccuracyOptions().dotTrials

    @Option(name: .customLong("float-dot-trials"), help: ArgumentHelp("Trials per mean in section 3b (fp32 and bf16 accumulation, the longest length).", valueName: "n"))
    var floatDotTrials: Int = AccuracyOptions().floatDotTrials

    @Option(help: ArgumentHelp("Synthesis report for the area-vs-error plot, or 'none'.", valueName: "file"))
    var synth: String = "synth/report.json"

    @Option(help: ArgumentHelp("Worker threads (default: all cores). The output does not depend on it.", valueName: "n"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    mutating func validate() throws {
        guard claimPairs >= 1 else { throw ValidationError("--claim-pairs must be at least 1 (the report uses 1000000)") }
        guard claimPairs <= 100_000_000 else { throw ValidationError("--claim-pairs \(claimPairs) is more than 100000000 per scale; choose a smaller number") }
        guard dotTrials >= 1 else { throw ValidationError("--dot-trials must be at least 1 (the report uses 10000)") }
        guard dotTrials <= 10_000_000 else { throw ValidationError("--dot-trials \(dotTrials) is more than 10000000; choose a smaller number") }
        guard (1...1_000_000).contains(floatDotTrials) else { throw ValidationError("--float-dot-trials \(floatDotTrials) is out of range; give 1...1000000 (the report uses 1000)") }
        guard jobs >= 1 && jobs <= 256 else { throw ValidationError("--jobs must be between 1 and 256") }
        if synth != "none" {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: synth, isDirectory: &isDir), isDir.boolValue {
                throw ValidationError("--synth \(synth) is a directory; give the report file (synth/report.json) or 'none'")
            }
        }
        do { try OutputWriter.checkDirectory(out) } catch let e as UsageError { throw ValidationError(e.message) }
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

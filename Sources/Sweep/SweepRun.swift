import Foundation
import Toolchain
import Units
import Synthesis

/// `rtlgen sweep run`: one share of the plan's jobs on a few workers. A job whose result file is
/// current (same plan, same RTL, checksum intact) is skipped, so a killed run resumes where it
/// stopped; every result is written atomically when its job ends.
public enum SweepRun {
    public struct Summary: Sendable {
        public var jobs: Int
        public var skipped: Int
        public var ran: Int
        /// Jobs another run of the same share measured while this one waited for their lock.
        public var reused: Int = 0
        public var failures: [String]
        public var seconds: Double
    }

    /// "1h 02m", "3m 05s", "42 s".
    public static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        if t >= 3600 { return String(format: "%dh %02dm", t / 3600, (t % 3600) / 60) }
        if t >= 60 { return String(format: "%dm %02ds", t / 60, t % 60) }
        return "\(t) s"
    }

    /// Runs share `shard` (1-based index, count) of the plan in `directory` on `workers` threads.
    /// Synthesis results are read from and written to `cache` (`make synth`'s results by default), keyed by job.
    public static func run(directory: String, shard: (index: Int, count: Int), workers: Int, testbench: String = "testbench",
                           cache: CostCache? = nil, say: @escaping @Sendable (String) -> Void) throws -> Summary {
        let (plan, digest) = try SweepPlan.load(directory: directory)
        guard shard.count >= 1, (1...shard.count).contains(shard.index) else {
            throw HarnessError("--shard \(shard.index)/\(shard.count) does not exist; give I/N with 1 <= I <= N, e.g. --shard 1/4")
        }
        let runner = try SweepJobRunner(plan: plan, digest: digest, directory: directory)
        runner.testbenchDirectory = testbench
        runner.cache = cache
        let mine = plan.shard(shard.index, of: shard.count)
        var todo: [(job: SweepPlan.Job, rtl: SweepJobRunner.JobRTL)] = []
        for job in mine {
            let rtl = try SweepJobRunner.rtl(job)
            if case .current = SweepJobRunner.stored(directory, job: job, digest: digest, rtlSHA256: rtl.sha256, code: runner.code) { continue }
            todo.append((job, rtl))
        }
        let skipped = mine.count - todo.count
        // Longest first, so the long exhaustive walks overlap with the short jobs.
        todo.sort { $0.job.estimate > $1.job.estimate }
        let queue = todo
        let total = todo.reduce(0) { $0 + $1.job.estimate }
        let workers = max(1, min(workers, todo.count))
        // The cores left to each worker run its exhaustive walk.
        runner.threads = max(1, ProcessInfo.processInfo.activeProcessorCount / workers)
        say("sweep: \(counted(plan.jobs.count, "job")) in the plan; share \(shard.index)/\(shard.count) has \(mine.count)"
            + (skipped > 0 ? ", \(skipped) already done" : "") + "; \(todo.count) to run on \(workers) worker\(workers == 1 ? "" : "s")"
            + (todo.isEmpty ? "" : ", estimate ~\(duration(total / Double(workers)))"))
        let start = monotonicSeconds()
        let state = Locked((done: 0, estimateDone: 0.0, failures: [String](), reused: 0))
        _ = WorkerPool.map(queue.count, jobs: workers) { i -> Bool in
            let (job, rtl) = queue[i]
            let t0 = monotonicSeconds()
            do {
                let (r, reused) = try runner.run(job, rtl: rtl)
                let row = r.row
                let n = row.errors.first?.stats
                let line = String(format: "%-20@ %@ %@ pairs, %6@ transistors, %.3f pJ, mean error %.3g%% (%@), %.1f s",
                              job.id as NSString, row.verification.method as NSString, groupedCount(row.verification.pairs) as NSString,
                              groupedCount(row.transistors) as NSString, row.energy, 100 * (n?.mean ?? 0),
                              (row.errors.first?.distribution.label ?? "") as NSString, monotonicSeconds() - t0)
                    + (reused ? " (measured by another run of this share while this one waited)" : "")
                let s = state.withLock { s -> (Int, Double) in
                    s.done += 1
                    if reused { s.reused += 1 }
                    s.estimateDone += job.estimate
                    return (s.done, s.estimateDone)
                }
                let elapsed = monotonicSeconds() - start
                let left = s.1 > 0 ? elapsed * (total - s.1) / s.1 : 0
                say(String(format: "[%3d/%d] ", s.0, queue.count) + line + " | \(duration(elapsed)) elapsed, ~\(duration(left)) left")
                return true
            } catch {
                let message = "\(job.id): \(error)"
                state.withLock { $0.failures.append(message) }
                say("[failed] " + message)
                return false
            }
        }
        let (failures, reused) = state.withLock { ($0.failures.sorted(), $0.reused) }
        return Summary(jobs: mine.count, skipped: skipped, ran: todo.count - failures.count - reused, reused: reused, failures: failures,
                       seconds: monotonicSeconds() - start)
    }
}

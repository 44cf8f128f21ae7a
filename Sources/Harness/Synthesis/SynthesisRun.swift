import Foundation
import Units

/// Runs the synthesis flow over many unit files on a few threads, in a fixed result order.
public enum SynthesisRun {
    public static func run(files: [String], flow: SynthesisFlow, jobs: Int,
                           progress: @escaping @Sendable (String) -> Void) throws -> [SynthesisFlow.Result] {
        let results = Locked([SynthesisFlow.Result?](repeating: nil, count: files.count))
        let failures = Locked([String]())
        let nextIndex = Locked(0)
        let start = monotonicSeconds()
        // Widest formats and exact multipliers first: their proofs take longest, so they overlap.
        let order = files.indices.sorted { cost(files[$0]) > cost(files[$1]) || (cost(files[$0]) == cost(files[$1]) && $0 < $1) }
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, files.count))) { _ in
            while true {
                let n = nextIndex.withLock { n -> Int in defer { n += 1 }; return n }
                if n >= files.count { return }
                let i = order[n]
                if !failures.withLock({ $0.isEmpty }) { return }
                let t0 = monotonicSeconds()
                do {
                    let r = try flow.run(file: files[i])
                    results.withLock { $0[i] = r }
                    let done = results.withLock { $0.compactMap { $0 }.count }
                    progress(String(format: "[%2d/%d] %-22@ %6d gates %7d transistors depth %3d  %@  %.1f s (total %.0f s)",
                                    done, files.count, r.module as NSString, r.gates, r.transistors, r.depth,
                                    (r.equivalence == .proven ? "proven = RTL" : "proven = word-level netlist (RTL step timed out)") as NSString,
                                    monotonicSeconds() - t0, monotonicSeconds() - start))
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        if let first = failures.withLock({ $0.first }) { throw SynthesisFlow.Failure(description: first) }
        return results.withLock { $0.compactMap { $0 } }
    }

    /// A rough ordering key: significand bits, doubled for the exact baselines (a significand
    /// multiplier array and its proof).
    static func cost(_ file: String) -> Int {
        let module = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        guard let unit = ArithmeticUnit(moduleName: module) else { return 0 }
        let bits = unit.format.mantissaBits + 1
        return unit.kind.role == .exactBaseline ? 2 * bits : bits
    }
}

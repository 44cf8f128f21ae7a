import Foundation
import Units
import Toolchain
import Generation
import FloatArith

/// Runs the synthesis flow over many units (each with its Verilog file) on a few threads, in a
/// fixed result order.
public enum SynthesisRun {
    public static func run(_ units: [(unit: ArithmeticUnit, file: String)], flow: SynthesisFlow, jobs: Int,
                           progress: @escaping @Sendable (String) -> Void) throws -> [SynthesisFlow.Result] {
        let failures = Locked([String]())
        let done = Locked(0)
        let start = monotonicSeconds()
        // Widest formats and exact multipliers first: their proofs take longest, so they overlap.
        let order = units.indices.sorted { cost(units[$0].unit) > cost(units[$1].unit) || (cost(units[$0].unit) == cost(units[$1].unit) && $0 < $1) }
        let ran = WorkerPool.map(units.count, jobs: jobs) { n -> (Int, SynthesisFlow.Result)? in
            let i = order[n]
            if !failures.withLock({ $0.isEmpty }) { return nil }   // after a failure, start nothing new
            let t0 = monotonicSeconds()
            do {
                let r = try flow.run(units[i].unit, file: units[i].file)
                let count = done.withLock { d -> Int in d += 1; return d }
                progress(String(format: "[%2d/%d] %-22@ %6d gates %7d transistors depth %3d  %@  %.1f s (total %.0f s)",
                                count, units.count, r.module as NSString, r.gates, r.transistors, r.depth,
                                (r.equivalence == .proven ? "proven = RTL" : "proven = word-level netlist (RTL step timed out)") as NSString,
                                monotonicSeconds() - t0, monotonicSeconds() - start))
                return (i, r)
            } catch {
                failures.withLock { $0.append("\(error)") }
                return nil
            }
        }
        if let first = failures.withLock({ $0.first }) { throw SynthesisFlow.Failure(description: first) }
        return ran.compactMap { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// A rough ordering key: significand bits, doubled for the exact baselines (a significand
    /// multiplier array and its proof).
    static func cost(_ unit: ArithmeticUnit) -> Int {
        let bits = unit.format.mantissaBits + 1
        return unit.kind.role == .exactBaseline ? 2 * bits : bits
    }
}

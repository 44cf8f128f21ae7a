import FloatArith
import Foundation
import HDL
import Toolchain
import Units

/// MX dot designs on the one cycle testbench: the golden trace of the block pairs, both
/// simulators, and each mismatch decoded back to its block pair.
public struct MXSimulation: Sendable {
    public var designs: [MXDotDesign]
    public var sets: [MXDotDesign.VectorSet] = MXDotDesign.VectorSet.allCases
    public var random = 2000
    public var seed: UInt64 = 1
    public var simulators: [SimulatorKind] = [.verilator, .icarus]
    public var buildDirectory = "build/sim-mx"
    public var testbenchDirectory = "testbench"
    /// Seconds one simulation run may take; nil: `ToolBudget.simulation`'s limit for the dot and its trace.
    public var timeLimit: Double? = nil

    public init(designs: [MXDotDesign]) { self.designs = designs }

    public struct Row: Sendable {
        public let design: MXDotDesign
        public let simulator: SimulatorKind
        public let blocks: Int
        public let run: CycleTestbench.Run
        /// The first mismatch, decoded (nil when none).
        public let firstMismatch: String?
        /// The rounding decisions the blocks exercised, and the classes the design can reach.
        public let coverage: RoundingCoverage
        public let requirements: [RoundingCoverage.Requirement]
        public var missing: [String] { requirements.filter { !$0.reached }.map(\.name) }
        public var passed: Bool { run.passed && missing.isEmpty }
    }

    /// Writes each design's Verilog into `<build>/rtl` and checks it on every simulator.
    public func run(log: @escaping @Sendable (String) -> Void = { _ in }) throws -> [Row] {
        let rtl = "\(buildDirectory)/rtl"
        try FileManager.default.createDirectory(atPath: rtl, withIntermediateDirectories: true)
        var rows: [Row] = []
        for d in designs {
            try writeIfChanged(Data(try d.verilog().utf8), to: "\(rtl)/\(d.fileName)")
            let blocks = d.blocks(sets, random: random, seed: seed)
            let trace = d.trace(blocks)
            let coverage = d.roundingCoverage(blocks)
            let requirements = d.roundingRequirements(coverage)
            log("sim-mx: \(d.moduleName): \(blocks.count) block pairs on \(simulators.map(\.rawValue).joined(separator: ", "))")
            let runs = try CycleTestbench.check(d, trace: trace, rtlDirectory: rtl, simulators: simulators, buildDirectory: buildDirectory,
                                                testbench: testbenchDirectory, report: 3, timeLimit: timeLimit, log: log)
            for (sim, r) in runs {
                rows.append(Row(design: d, simulator: sim, blocks: blocks.count, run: r,
                                firstMismatch: r.mismatches.first.map { Self.describe($0, d, trace) },
                                coverage: coverage, requirements: requirements))
            }
        }
        return rows
    }

    /// "cycle 12: xa 7f xb 80, a [..] b [..]: expected 40900000 (4.5), got 40800000 (4.0)".
    public static func describe(_ m: CycleMismatch, _ d: MXDotDesign, _ t: CycleTrace) -> String {
        let p = d.pair(checkedIn: m.cycle, of: t)
        let (e, g) = m.differs(t.signature, "y") ?? (0, 0)
        func value(_ y: UInt64?) -> String {
            guard let y else { return "x" }
            return String(format: "%08x (%@)", UInt32(y), "\(Float(bitPattern: UInt32(y)))")
        }
        let nz = p.a.indices.filter { p.a[$0] != 0 || p.b[$0] != 0 }
        let shown = nz.prefix(4).map { i in
            "[\(i)] \(String(p.a[i], radix: 16)) x \(String(p.b[i], radix: 16)) (\(d.element.doubleValue(p.a[i])) x \(d.element.doubleValue(p.b[i])))"
        }.joined(separator: ", ")
        return "cycle \(m.cycle): xa \(String(p.xa, radix: 16)) xb \(String(p.xb, radix: 16)), \(nz.count) nonzero lane pair\(nz.count == 1 ? "" : "s")"
            + (shown.isEmpty ? "" : " \(shown)\(nz.count > 4 ? ", ..." : "")")
            + ": expected \(value(e)), got \(value(g)) (SPEC \"MX block formats and the MX dot product\")"
    }

    public static func render(_ rows: [Row]) -> String {
        var t = TextTable(header: ["design", "simulator", "block pairs", "checked", "mismatches", "result"], rightAligned: [2, 3, 4])
        for r in rows {
            t.rows.append([r.design.moduleName, r.simulator.rawValue, "\(r.blocks)", "\(r.run.checked ?? 0)", "\(r.run.mismatchCount ?? 0)",
                           r.run.passed ? (r.missing.isEmpty ? "PASS" : "FAIL (coverage)") : "FAIL"])
        }
        var out = t.render() + "\n"
        // the decisions of the rounding to fp32 each design's blocks exercised (once per design)
        var seen = Set<String>()
        for r in rows where seen.insert(r.design.moduleName).inserted {
            let reached = r.requirements.filter(\.reached).count
            out += "\(r.design.moduleName): rounding decisions exercised (\(reached) of \(r.requirements.count) required classes): \(r.coverage.summary())\n"
            if !r.missing.isEmpty {
                out += "\(r.design.moduleName): REQUIRED ROUNDING DECISIONS NOT EXERCISED: \(r.missing.joined(separator: "; "))\n"
            }
        }
        for r in rows where !r.run.passed {
            out += "\(r.design.moduleName) on \(r.simulator.rawValue): \(r.run.failure ?? r.firstMismatch ?? "mismatch")\n"
        }
        let failed = rows.filter { !$0.passed }.count
        out += failed == 0 ? "all \(counted(rows.count, "run")) passed\n" : "\(failed) of \(counted(rows.count, "run")) FAILED\n"
        return out
    }
}

import Accuracy
import FloatArith
import Foundation
import Generation
import Toolchain
import Units

/// `rtlgen sweep merge`: every job's row, the cost/error frontiers, and a verdict per approximate
/// configuration. Built from the plan and the result files only, in the plan's order, so it is the
/// same bytes whatever the shard count, the order the shards ran in, or the machine.
public struct SweepReport: Codable, Sendable, Equatable {
    public var generator = "rtlgen sweep merge (make sweep)"
    public var setup: Setup
    public var rows: [SweepRow]
    public var frontiers: [Frontier]
    public var verdicts: [Verdict]
    /// The units the report reads by role (not written to the JSON): the registry's multipliers,
    /// or a test's own list.
    public var kinds: [UnitKind] = UnitKind.allCases

    public struct Setup: Codable, Sendable, Equatable {
        public var units: [UnitKind]
        /// Written as their tags.
        public var formats: [FloatFormat]
        public var distributions: [OperandDistribution]
        public var samples: Int
        public var seed: UInt64
        public var exhaustiveWidth: Int
        public var randomVectors: Int
        public var proofTimeout: Int
        /// File names and SHA-256 of the flow script and the liberty file (no paths).
        public var flow: String
        public var flowSHA256: String
        public var liberty: String
        public var libertySHA256: String
        public var tools: [String]

        enum CodingKeys: String, CodingKey {
            case units, formats, distributions, samples, seed, flow, liberty, tools
            case exhaustiveWidth = "exhaustive_width", randomVectors = "random_vectors", proofTimeout = "proof_timeout_s"
            case flowSHA256 = "flow_sha256", libertySHA256 = "liberty_sha256"
        }
    }

    public enum Cost: String, Codable, Sendable, CaseIterable {
        case transistors
        case energy
        public var label: String { self == .transistors ? "transistors" : "energy (pJ/op)" }
        /// A row that reaches the plan's clock at no S costs infinitely much: no frontier holds it.
        public func value(_ r: SweepRow) -> Double {
            if let c = r.clock, c.stages == nil { return .infinity }
            return self == .transistors ? Double(r.transistors) : r.energy
        }
        public func text(_ x: Double) -> String { self == .transistors ? groupedCount(Int(x)) : String(format: "%.3f pJ", x) }
    }

    public enum Metric: String, Codable, Sendable, CaseIterable {
        case mean
        case p99
        public var label: String { self == .mean ? "mean relative error" : "p99 relative error" }
        public func value(_ s: ProductErrorStats) -> Double { self == .mean ? s.mean : s.p99 }
    }

    public struct Criterion: Codable, Sendable, Equatable {
        public var cost: Cost
        public var metric: Metric
        public var distribution: OperandDistribution
        public var label: String { "\(cost.rawValue) vs \(metric.rawValue), \(distribution.label)" }
    }

    public typealias Frontier = ParetoFrontier<Criterion>
    public typealias Judgement = ParetoJudgement<Criterion>
    public typealias Verdict = ParetoVerdict<Criterion>

    enum CodingKeys: String, CodingKey { case generator, setup, rows, frontiers, verdicts }

    /// The criteria in report order: transistors then energy; mean then p99; per distribution.
    public static func criteria(_ distributions: [OperandDistribution]) -> [Criterion] {
        distributions.flatMap { d in Cost.allCases.flatMap { c in Metric.allCases.map { Criterion(cost: c, metric: $0, distribution: d) } } }
    }

    /// The report of `rows` (in plan order) for `setup`.
    public init(setup: Setup, rows: [SweepRow], kinds: [UnitKind] = UnitKind.allCases) {
        self.kinds = kinds
        self.setup = setup
        self.rows = rows
        let approximate = rows.indices.filter { rows[$0].role == UnitRole.approximate.rawValue }
        (frontiers, verdicts) = Pareto.judge(ids: rows.map(\.id), judged: approximate, criteria: Self.criteria(setup.distributions)) { i, c in
            Pareto.Point(cost: c.cost.value(rows[i]), error: rows[i].errors(c.distribution).map(c.metric.value) ?? .infinity)
        }
    }

    // MARK: - Merging

    public struct Merged: Sendable {
        public var report: SweepReport
        /// Result files in results/ that no job of the plan names (left out).
        public var ignored: [String]
    }

    /// Reads every job's result; refuses (one line, nothing merged) when one is missing, stale,
    /// edited or another job's.
    public static func merge(directory: String) throws -> Merged {
        let (plan, digest) = try SweepPlan.load(directory: directory)
        var rows: [SweepRow] = []
        var missing: [String] = []
        let code = SweepCode.fingerprint
        for job in plan.jobs {
            switch SweepJobRunner.stored(directory, job: job, digest: digest, rtlSHA256: try SweepJobRunner.rtl(job).sha256, code: code) {
            case .current(let result): rows.append(result.row)
            case .missing: missing.append(job.id)
            case .unusable(let why):
                throw HarnessError("\(SweepJobRunner.resultPath(directory, job.id)) is \(why); nothing was merged: run rtlgen sweep run --dir \(directory) to redo that job")
            }
        }
        if !missing.isEmpty {
            let shown = missing.prefix(4).joined(separator: ", ") + (missing.count > 4 ? ", ..." : "")
            throw HarnessError("\(missing.count) of \(counted(plan.jobs.count, "job")) \(missing.count == 1 ? "has" : "have") no result yet (\(shown)); nothing was merged: run rtlgen sweep run --dir \(directory) (or the shards that hold them)")
        }
        let known = Set(plan.jobs.map { "\($0.id).json" })
        let present = (try? FileManager.default.contentsOfDirectory(atPath: SweepJobRunner.resultsDirectory(directory))) ?? []
        let ignored = present.filter { $0.hasSuffix(".json") && !known.contains($0) }.sorted()
        let setup = Setup(units: plan.units, formats: plan.formats, distributions: plan.distributions, samples: plan.samples, seed: plan.seed,
                          exhaustiveWidth: plan.exhaustiveWidth, randomVectors: plan.randomVectors, proofTimeout: plan.proofTimeout,
                          flow: plan.flow.name, flowSHA256: plan.flow.sha256, liberty: plan.liberty.name, libertySHA256: plan.liberty.sha256,
                          tools: plan.tools)
        return Merged(report: SweepReport(setup: setup, rows: rows), ignored: ignored)
    }

    public func json() throws -> Data {
        try canonicalJSON(self)
    }

    public static func load(_ data: Data) throws -> SweepReport { try JSONDecoder().decode(SweepReport.self, from: data) }

    /// The rows of `self` that differ from the rows of the same configuration in `other`, and the
    /// configurations `other` lacks (a quick sweep checked against the committed full one).
    public func differences(from other: SweepReport) -> [String] {
        var out: [String] = []
        guard setup.samples == other.setup.samples, setup.seed == other.setup.seed, setup.distributions == other.setup.distributions,
              setup.libertySHA256 == other.setup.libertySHA256, setup.flowSHA256 == other.setup.flowSHA256 else {
            return ["the setups differ (samples, seed, distributions, liberty or flow)"]
        }
        for r in rows {
            guard let o = other.rows.first(where: { $0.id == r.id }) else { out.append("\(r.id): not in the other report"); continue }
            if o != r { out.append("\(r.id): " + Self.firstDifference(r, o)) }
        }
        return out
    }

    static func firstDifference(_ a: SweepRow, _ b: SweepRow) -> String {
        if a.transistors != b.transistors { return "transistors \(a.transistors) vs \(b.transistors)" }
        if a.gates != b.gates { return "gates \(a.gates) vs \(b.gates)" }
        if a.energy != b.energy { return "energy \(a.energy) vs \(b.energy) pJ" }
        if a.area != b.area || a.delay != b.delay { return "area or delay" }
        if a.errors != b.errors { return "errors" }
        return "verification or proof"
    }
}

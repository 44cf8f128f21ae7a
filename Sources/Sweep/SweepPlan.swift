import Accuracy
import FloatArith
import Foundation
import Generation
import Toolchain
import Units

/// The job list of a design-space sweep (`rtlgen sweep plan`): every multiplier of the registry (or
/// a chosen few) on every chosen format, one independent job each, and everything a job's result
/// depends on besides the generator: operand distributions, sample count, seed, the flow script,
/// the standard-cell library and the tools. A result file names the digest of the plan it was made
/// for, so a result of another plan (stale or edited) is never merged.
public struct SweepPlan: Codable, Sendable, Equatable {
    public static let fileName = "plan.json"
    public static let currentVersion = 1

    public struct Job: Codable, Sendable, Equatable {
        /// The module name, `<unit>_e<E>m<M>`: the job's name in results and reports (written from
        /// the unit; `SweepPlan.load` refuses a plan whose id is not its unit's module name).
        public var id: String
        /// The unit kind, written as its name (a name this rtlgen does not know fails to decode).
        public var unit: UnitKind
        /// The format, written as its tag.
        public var format: FloatFormat
        /// Seconds the job is expected to take on one core (shard balancing and estimates).
        public var estimate: Double

        /// The unit the job measures (SPEC's default overflow rule, combinational).
        public var design: ArithmeticUnit { ArithmeticUnit(unit, format) }
    }

    /// A file the results depend on, named without its directory, with its SHA-256.
    public struct Input: Codable, Sendable, Equatable {
        public var path: String
        public var name: String
        public var sha256: String
        public init(path: String, name: String, sha256: String) {
            self.path = path
            self.name = name
            self.sha256 = sha256
        }
    }

    public var version = SweepPlan.currentVersion
    public var units: [UnitKind]
    /// Written as their tags.
    public var formats: [FloatFormat]
    public var distributions: [OperandDistribution]
    /// Operand pairs per distribution.
    public var samples: Int
    public var seed: UInt64
    /// Formats wider than `exhaustiveWidth` bits are checked on corner pairs plus this many
    /// seeded random pairs; narrower ones on every pair.
    public var randomVectors: Int
    public var exhaustiveWidth: Int
    public var proofTimeout: Int
    public var flow: Input
    public var liberty: Input
    /// `yosys -V`, `verilator --version`, `sta -version`: a tool change makes old results stale.
    public var tools: [String]
    public var jobs: [Job]
    /// A clock in MHz (issue 23 item 5): each job's area and energy become those of its least
    /// pipeline stages S meeting it (`IsoThroughput`), so the frontiers are drawn at a throughput.
    /// nil (not written): the combinational figures.
    public var clockMHz: Double?

    enum CodingKeys: String, CodingKey {
        case version, units, formats, distributions, samples, seed, flow, liberty, tools, jobs
        case clockMHz = "clock_mhz"
        case randomVectors = "random_vectors", exhaustiveWidth = "exhaustive_width", proofTimeout = "proof_timeout_s"
    }

    public var unitKinds: [UnitKind] { units }

    /// The ranges `rtlgen sweep plan` accepts for the plan's numbers; `load` refuses a plan (hand
    /// edited, or from another version) with a value outside them, before any job starts, because
    /// a job trusts them (a billion samples would be allocated up front).
    public enum Ranges {
        public static let samples = 1_000...100_000_000
        public static let randomVectors = 0...10_000_000
        public static let proofTimeout = 1...3600
        /// Formats up to this many bits are checked on every pair: 2^(2 x 16) pairs at most.
        public static let exhaustiveWidth = 2...16
        /// Jobs of one plan: every registered multiplier on every format is far fewer.
        public static let jobs = 1...100_000
        /// A job's estimate in seconds (a week).
        public static let estimate = 0.0...604_800.0
        /// A clock, MHz (as `rtlgen synth --clocks`).
        public static let clockMHz = 1.0...5000.0
    }

    /// The first value outside its range, as a one-line problem, or nil.
    func rangeProblem() -> String? {
        func outside(_ name: String, _ v: Int, _ r: ClosedRange<Int>) -> String? {
            r.contains(v) ? nil : "\(name) is \(v), outside \(r.lowerBound)...\(r.upperBound)"
        }
        if let p = outside("samples", samples, Ranges.samples) ?? outside("random_vectors", randomVectors, Ranges.randomVectors)
            ?? outside("proof_timeout_s", proofTimeout, Ranges.proofTimeout) ?? outside("exhaustive_width", exhaustiveWidth, Ranges.exhaustiveWidth)
            ?? outside("the number of jobs", jobs.count, Ranges.jobs) {
            return p
        }
        if let c = clockMHz, !(c.isFinite && Ranges.clockMHz.contains(c)) {
            return "clock_mhz is \(c), outside \(Int(Ranges.clockMHz.lowerBound))...\(Int(Ranges.clockMHz.upperBound))"
        }
        if units.isEmpty { return "it has no units" }
        if formats.isEmpty { return "it has no formats" }
        if distributions.isEmpty { return "it has no operand distributions" }
        if Set(distributions).count != distributions.count { return "it lists an operand distribution twice" }
        for j in jobs where !(j.estimate.isFinite && Ranges.estimate.contains(j.estimate)) {
            return "job \(j.id) has estimate \(j.estimate), outside 0...\(Int(Ranges.estimate.upperBound)) s"
        }
        for j in jobs where !units.contains(j.unit) || !formats.contains(j.format) {
            return "job \(j.id) is not one of its units on one of its formats"
        }
        return nil
    }

    /// The quick subset: the e4m3, e5m2, e8m3 and e8m4 families (every unit on those formats).
    public static let quickFormats: [FloatFormat] = [.e4m3, .e5m2, try! FloatFormat(exponent: 8, mantissa: 3), try! FloatFormat(exponent: 8, mantissa: 4)]
    /// The default formats: E = 4, 5 and 8, each with M = 1...7.
    public static let defaultFormats: [FloatFormat] = [4, 5, 8].flatMap { e in (1...7).map { try! FloatFormat(exponent: e, mantissa: $0) } }

    /// The plan for `kinds` x `formats` (in format order, then registry order).
    public static func make(kinds: [UnitKind], formats: [FloatFormat], distributions: [OperandDistribution] = OperandDistribution.allCases,
                            samples: Int, seed: UInt64, randomVectors: Int, exhaustiveWidth: Int = 16, proofTimeout: Int,
                            flow: Input, liberty: Input, tools: [String]) throws -> SweepPlan {
        guard !kinds.isEmpty else { throw HarnessError("the sweep has no units; give at least one of \(UnitKind.nameList()) to --units") }
        guard !formats.isEmpty else { throw HarnessError("the sweep has no formats; give at least one to --formats, e.g. e4m3 or e5m1-7") }
        guard !distributions.isEmpty else { throw HarnessError("the sweep has no operand distributions") }
        for k in kinds where !k.role.isMultiplier {
            throw HarnessError("\(k.rawValue) is an accumulation adder, not a multiplier; the sweep compares multipliers: \(UnitKind.nameList())")
        }
        var jobs: [Job] = []
        for f in formats {
            for k in kinds {
                if let why = k.type.unsupported(f, .saturate) { throw HarnessError("\(k.rawValue) on \(f.tag): \(why)") }
                let u = ArithmeticUnit(k, f)
                jobs.append(Job(id: u.moduleName, unit: k, format: f,
                                estimate: estimateSeconds(k, f, exhaustiveWidth: exhaustiveWidth, randomVectors: randomVectors, samples: samples * distributions.count)))
            }
        }
        return SweepPlan(units: kinds, formats: formats, distributions: distributions, samples: samples, seed: seed,
                         randomVectors: randomVectors, exhaustiveWidth: exhaustiveWidth, proofTimeout: proofTimeout,
                         flow: flow, liberty: liberty, tools: tools, jobs: jobs)
    }

    /// One core's seconds for a job: a fixed part (generation, a Verilator build, yosys, OpenSTA)
    /// growing with the significand (the exact multipliers' partial-product array), the exhaustive
    /// walk at about 40 million pairs per second (half that for the exact multipliers) and the error
    /// samples. Measured on this project's 2-core machine; only the ratios matter for balancing.
    public static func estimateSeconds(_ k: UnitKind, _ f: FloatFormat, exhaustiveWidth: Int, randomVectors: Int, samples: Int) -> Double {
        let exact = k.role == .exactBaseline
        let s = Double(f.mantissaBits + 1)
        var t = 6 + (exact ? 0.08 * s * s : 0.03 * s * s)
        let pairs = f.width <= exhaustiveWidth ? pow(2, Double(2 * f.width)) : Double(randomVectors)
        t += pairs / (exact ? 20e6 : 40e6)
        t += Double(samples) * 0.4e-6
        return (t * 10).rounded() / 10
    }

    // MARK: - Files

    /// The plan as written: sorted keys, so the same plan is the same bytes.
    public func encoded() throws -> Data {
        try canonicalJSON(self)
    }

    /// Reads `dir/plan.json` and returns it with the SHA-256 of its bytes (the digest results name).
    public static func load(directory dir: String) throws -> (plan: SweepPlan, digest: String) {
        let path = (dir as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HarnessError("\(path) does not exist; write the job list first: rtlgen sweep plan --dir \(dir)")
        }
        let plan: SweepPlan
        do { plan = try JSONDecoder().decode(SweepPlan.self, from: data) } catch {
            throw HarnessError("\(path) is not a sweep plan (\(decodingProblem(error, data))); write it again with rtlgen sweep plan --dir \(dir)")
        }
        guard plan.version == currentVersion else {
            throw HarnessError("\(path) is a version \(plan.version) plan; this rtlgen reads version \(currentVersion): rtlgen sweep plan --dir \(dir)")
        }
        if let problem = plan.rangeProblem() {
            throw HarnessError("\(path) is not a plan rtlgen sweep plan writes: \(problem); write it again with rtlgen sweep plan --dir \(dir)")
        }
        for j in plan.jobs {
            guard j.unit.role.isMultiplier, j.design.unsupportedReason == nil, j.design.moduleName == j.id else {
                throw HarnessError("\(path) lists a job '\(j.id)' this rtlgen cannot run; write the plan again with rtlgen sweep plan --dir \(dir)")
            }
        }
        guard Set(plan.jobs.map(\.id)).count == plan.jobs.count else {
            throw HarnessError("\(path) lists a job twice; write the plan again with rtlgen sweep plan --dir \(dir)")
        }
        return (plan, SHA256.hex(data))
    }

    /// Describes the problem `JSONDecoder` found, in one line.
    static func decodingProblem(_ error: Error, _ data: Data? = nil) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "a wrong value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let c):
            if c.codingPath.isEmpty {
                // JSON that Foundation's own parser reads, refused by the decoder: a number no field can hold
                let parses = data.map { (try? JSONSerialization.jsonObject(with: $0)) != nil } ?? false
                return parses ? "a number too large for its field" : "not valid JSON"
            }
            return "a bad value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: return "unreadable"
        }
    }

    // MARK: - Shards

    /// Share `index` (1-based) of `count`: jobs dealt longest first, each to the share with the least
    /// estimated work so far (ties to the lowest share), so shares take about the same time and
    /// every job is in exactly one share whatever the count.
    public func shard(_ index: Int, of count: Int) -> [Job] {
        precondition(count >= 1 && (1...count).contains(index), "shard \(index)/\(count)")
        var load = [Double](repeating: 0, count: count)
        var owner = [Int](repeating: 0, count: jobs.count)
        let order = jobs.indices.sorted { jobs[$0].estimate > jobs[$1].estimate || (jobs[$0].estimate == jobs[$1].estimate && $0 < $1) }
        for i in order {
            let s = load.indices.min { load[$0] < load[$1] || (load[$0] == load[$1] && $0 < $1) }!
            owner[i] = s
            load[s] += jobs[i].estimate
        }
        return jobs.indices.filter { owner[$0] == index - 1 }.map { jobs[$0] }
    }
}

extension FloatFormat {
    /// The format a name names, as every option takes it (`FloatFormat.named`: canonical
    /// lowercase names only), or a one-line error.
    public static func parse(_ tag: String) throws -> FloatFormat {
        do { return try FloatFormat.named(tag) } catch { throw HarnessError(error.description) }
    }

    /// Formats from the items of a list like `e4m1-7,e5m2,e8m3` (split by the command's one list
    /// helper): `eEmA-B` is M = A...B. A format named twice, by two items or by a range and an
    /// item, is refused as the list helper refuses a repeated item.
    public static func parseList(_ items: [String]) throws -> [FloatFormat] {
        var out: [FloatFormat] = []
        for item in items {
            if let dash = item.firstIndex(of: "-") {
                let first = try parse(String(item[..<dash]))
                let end = item[item.index(after: dash)...]
                guard !first.isFinite, let last = Int(end), "\(last)" == end, last >= first.mantissaBits else {
                    throw HarnessError("'\(item)' is not a format range; write eEmA-B with A <= B, e.g. e4m1-7")
                }
                for m in first.mantissaBits...last { out.append(try parse("e\(first.exponentBits)m\(m)")) }
            } else {
                out.append(try parse(item))
            }
        }
        var seen = Set<FloatFormat>()
        for f in out where !seen.insert(f).inserted { throw HarnessError("'\(f.tag)' is listed twice; give each format once") }
        return out
    }
}

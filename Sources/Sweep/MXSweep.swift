import Accuracy
import FloatArith
import Foundation
import Generation
import Synthesis
import Toolchain
import Units

/// The MX families of the sweep (issue 25 item 5; `rtlgen sweep mx`, `make sweep-mx`): each
/// multiplier inside an MX block dot of K elements on each element format, one configuration each,
/// costed per MAC (the MX dot's figures over K, from the same cost jobs as `make synth`'s MX
/// section, so a costed design is read from the cache, never re-measured) against the error of MX
/// matmul on data quantised by OCP's conversion (accuracy report section 5, the same measurement).
///
/// Its own report beside the scalar sweep's, not rows of it: an MX configuration's cost holds an
/// adder tree and a rounding shared by K products, which no single multiplier pays, and its error is
/// that of a block dot, not of one product; one frontier over both would compare unlike things.
/// Its code is not part of the scalar sweep's fingerprint (`SweepCode`), so adding it re-ran none
/// of the scalar jobs.
public struct MXSweep: Sendable {
    public var designs: [MXDotDesign]
    public var flow: SynthesisFlow
    /// Block pairs of each cost job's activity run (as `rtlgen synth --mx-blocks`).
    public var activityBlocks = 8192
    /// MX matmul: outputs per distribution, their length and the data's seed, `rtlgen accuracy`'s
    /// section 5 (read from its options, so both reports measure the same error).
    public var outputs = AccuracyOptions().mxOutputs
    public var length = AccuracyOptions().mxLength
    public var errorSeed = AccuracyOptions().seed
    public var jobs = 1
    /// Refuse, before measuring anything, when a design's cost is not in the cache (a K = 32 MX dot
    /// takes minutes to hours to measure); `make test`'s check runs this way.
    public var cachedOnly = false

    public init(designs: [MXDotDesign], flow: SynthesisFlow) {
        self.designs = designs
        self.flow = flow
    }

    /// Costs every design (cache first), measures the MX matmul error, and returns the report.
    public func run(rtlDirectory: String, progress: @escaping @Sendable (String) -> Void) throws -> MXSweepReport {
        guard let first = designs.first else { throw HarnessError("the MX sweep has no designs; give --units and --formats") }
        guard designs.allSatisfy({ $0.blockSize == first.blockSize && $0.stages == 0 }) else {
            throw HarnessError("the MX sweep's designs share one block size and are combinational")
        }
        guard MXAccuracy.blockSize == first.blockSize else {
            throw HarnessError("the MX sweep's error is MX matmul with K = \(MXAccuracy.blockSize) blocks; give --block \(MXAccuracy.blockSize)")
        }
        var measuring = MXDotSynthesis(flow: flow)
        measuring.blocks = activityBlocks
        let engine = measuring
        let rtl = try designs.map { ($0.fileName, Data(try $0.verilog().utf8)) }
        if cachedOnly {
            // the jobs' keys hash the RTL files: written to a scratch directory first, so a refusal leaves nothing behind
            guard let cache = flow.cache else { throw HarnessError("--cached-only needs a --cache directory") }
            let scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent("rtlgen-sweep-mx-\(getpid())-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            try OutputWriter.write(rtl, into: scratch)
            let missing = try designs.filter {
                !FileManager.default.fileExists(atPath: cache.path(try engine.job($0, file: (scratch as NSString).appendingPathComponent($0.fileName))))
            }
            if let m = missing.first {
                throw HarnessError("\(m.moduleName)\(missing.count > 1 ? " (and \(missing.count - 1) more)" : "") has no cost result in \(cache.directory); measure it first (make synth SYNTH_MX_FORMATS=\(m.element.tag)), or run without --cached-only")
            }
        }
        try OutputWriter.write(rtl, into: rtlDirectory)
        let file: @Sendable (MXDotDesign) -> String = { (rtlDirectory as NSString).appendingPathComponent($0.fileName) }
        let costs = WorkerPool.map(designs.count, jobs: jobs) { i -> Result<MXDotSynthesis.Row, SynthesisFlow.Failure> in
            do {
                let t0 = monotonicSeconds()
                let r = try engine.run(designs[i], file: file(designs[i]))
                progress(String(format: "sweep mx: %-30@ %@  %.1f s", r.module as NSString, MXDotSection.proofText(r) as NSString, monotonicSeconds() - t0))
                return .success(r)
            } catch {
                return .failure(error as? SynthesisFlow.Failure ?? SynthesisFlow.Failure(description: "\(error)"))
            }
        }
        let rows: [MXDotSynthesis.Row]
        do { rows = try costs.map { try $0.get() } } catch let f as SynthesisFlow.Failure { throw HarnessError(f.description) }
        progress("sweep mx: MX matmul error, \(groupedCount(outputs)) outputs of length \(length) per distribution")
        let accuracy = MXAccuracy.measure(length: length, outputs: outputs, seed: errorSeed, jobs: jobs)
        let out = try zip(designs, rows).map { d, r -> MXSweepReport.Row in
            guard let lib = r.liberty else { throw HarnessError("\(r.module): no standard-cell figures (the sweep needs a liberty file)") }
            let errors = try OperandDistribution.allCases.map { dist -> MXSweepReport.Errors in
                guard let e = accuracy.row(dist, d.element.tag, d.kind.rawValue) else {
                    throw HarnessError("\(r.module): no MX matmul error for \(d.element.tag) and \(d.kind.rawValue)")
                }
                return MXSweepReport.Errors(distribution: dist, frobenius: e.frobenius, mean: e.meanScaled, p99: e.p99Scaled)
            }
            let k = Double(d.blockSize)
            return MXSweepReport.Row(id: r.module, unit: d.kind, role: d.kind.role.rawValue, element: d.element.tag, blockSize: d.blockSize,
                                     transistorsPerMAC: Double(r.transistors) / k, areaPerMAC: lib.area / k, energyPerMAC: lib.energy / k,
                                     delay: lib.delay, proof: MXDotSection.proofText(r), checkedBlocks: r.checkedBlocks, errors: errors)
        }
        var units: [UnitKind] = [], formats: [String] = []
        for d in designs {
            if !units.contains(d.kind) { units.append(d.kind) }
            if !formats.contains(d.element.tag) { formats.append(d.element.tag) }
        }
        let setup = MXSweepReport.Setup(units: units, formats: formats,
                                        blockSize: first.blockSize, activityBlocks: activityBlocks, seed: flow.seed,
                                        outputs: outputs, length: length,
                                        liberty: flow.power.map { ($0.liberty.libertyPath as NSString).lastPathComponent } ?? "none",
                                        proofTimeout: flow.proofTimeout)
        return MXSweepReport(setup: setup, rows: out)
    }
}

/// `docs/sweep-mx.json` and `docs/sweep-mx.md`: the MX configurations, their frontiers (cost per
/// MAC against MX matmul error) and a verdict per approximate configuration, as the scalar sweep's.
public struct MXSweepReport: Codable, Sendable, Equatable {
    public var generator = "rtlgen sweep mx (make sweep-mx)"
    public var setup: Setup
    public var rows: [Row]
    public var frontiers: [Frontier]
    public var verdicts: [Verdict]
    /// The units the report reads by role (not written).
    public var kinds: [UnitKind] = UnitKind.allCases

    public struct Setup: Codable, Sendable, Equatable {
        public var units: [UnitKind]
        public var formats: [String]
        public var blockSize: Int
        public var activityBlocks: Int
        public var seed: UInt64
        public var outputs: Int
        public var length: Int
        public var liberty: String
        public var proofTimeout: Int
        enum CodingKeys: String, CodingKey {
            case units, formats, seed, outputs, length, liberty
            case blockSize = "block_size", activityBlocks = "activity_blocks", proofTimeout = "proof_timeout_s"
        }
    }

    public struct Errors: Codable, Sendable, Equatable {
        public var distribution: OperandDistribution
        /// `||C - C_exact||_F / ||C_exact||_F`.
        public var frobenius: Double
        /// Mean and nearest-rank p99 over outputs of `|c - c_exact| / sum_k |a_k b_k|`.
        public var mean: Double
        public var p99: Double
    }

    public struct Row: Codable, Sendable, Equatable {
        public var id: String
        public var unit: UnitKind
        public var role: String
        public var element: String
        public var blockSize: Int
        /// The MX dot's figures over K.
        public var transistorsPerMAC: Double
        public var areaPerMAC: Double
        public var energyPerMAC: Double
        /// ns, the whole MX dot's worst input-to-output path.
        public var delay: Double
        /// How far the MX dot's netlists were proven equal to its RTL (`MXDotSection.proofText`).
        public var proof: String
        /// Block pairs whose liberty-netlist output was checked against the golden MX dot.
        public var checkedBlocks: Int
        public var errors: [Errors]

        public func errors(_ d: OperandDistribution) -> Errors? { errors.first { $0.distribution == d } }

        enum CodingKeys: String, CodingKey {
            case id, unit, role, element, delay, proof, errors
            case blockSize = "block_size", transistorsPerMAC = "transistors_per_mac", areaPerMAC = "area_per_mac_um2"
            case energyPerMAC = "energy_per_mac_pj", checkedBlocks = "checked_blocks"
        }
    }

    public enum Cost: String, Codable, Sendable, CaseIterable {
        case transistors
        case energy
        public var label: String { self == .transistors ? "transistors per MAC" : "energy per MAC (pJ)" }
        public func value(_ r: Row) -> Double { self == .transistors ? r.transistorsPerMAC : r.energyPerMAC }
        public func text(_ x: Double) -> String { self == .transistors ? groupedCount(Int(x.rounded())) : String(format: "%.3f pJ", x) }
    }

    public enum Metric: String, Codable, Sendable, CaseIterable {
        case mean
        case p99
        public var label: String { self == .mean ? "mean scaled dot error" : "p99 scaled dot error" }
        public func value(_ e: Errors) -> Double { self == .mean ? e.mean : e.p99 }
    }

    public struct Criterion: Codable, Sendable, Equatable {
        public var cost: Cost
        public var metric: Metric
        public var distribution: OperandDistribution
    }

    public typealias Frontier = ParetoFrontier<Criterion>
    public typealias Judgement = ParetoJudgement<Criterion>
    public typealias Verdict = ParetoVerdict<Criterion>

    enum CodingKeys: String, CodingKey { case generator, setup, rows, frontiers, verdicts }

    public static func criteria(_ distributions: [OperandDistribution]) -> [Criterion] {
        distributions.flatMap { d in Cost.allCases.flatMap { c in Metric.allCases.map { Criterion(cost: c, metric: $0, distribution: d) } } }
    }

    static func point(_ r: Row, _ c: Criterion) -> Pareto.Point {
        Pareto.Point(cost: c.cost.value(r), error: r.errors(c.distribution).map(c.metric.value) ?? .infinity)
    }

    public init(setup: Setup, rows: [Row], kinds: [UnitKind] = UnitKind.allCases) {
        self.setup = setup
        self.rows = rows
        self.kinds = kinds
        let approximate = rows.indices.filter { rows[$0].role == UnitRole.approximate.rawValue }
        (frontiers, verdicts) = Pareto.judge(ids: rows.map(\.id), judged: approximate, criteria: Self.criteria(OperandDistribution.allCases)) { i, c in
            Self.point(rows[i], c)
        }
    }

    public func json() throws -> Data {
        var d = try canonicalJSON(self)
        d.append(0x0a)
        return d
    }

    public static func load(_ data: Data) throws -> MXSweepReport { try JSONDecoder().decode(MXSweepReport.self, from: data) }

    /// The rows of `other` with an id of this report that differ from this report's, described.
    public func differences(from other: MXSweepReport) -> [String] {
        rows.compactMap { r in
            guard let o = other.rows.first(where: { $0.id == r.id }) else { return "\(r.id) is not in the other report" }
            return o == r ? nil : "\(r.id) differs"
        }
    }

    // MARK: - Rendering

    func row(_ id: String) -> Row { rows.first { $0.id == id }! }

    func cell(_ j: Judgement) -> String { SweepReport.verdictCell(dominatedBy: j.dominatedBy, costSaving: j.costSaving, errorRatio: j.errorRatio) }

    /// The L-Mul configurations on each frontier of the first distribution, in one sentence.
    public func answer() -> String {
        let lmul = rows.filter { kinds.lmulForms.contains($0.unit) }.map(\.id)
        let d = OperandDistribution.normal
        func on(_ c: Cost, _ m: Metric) -> [String] {
            let f = frontiers.first { $0.criterion == Criterion(cost: c, metric: m, distribution: d) }!
            return lmul.filter { f.members.contains($0) }
        }
        let headline = on(.transistors, .mean)
        return "Of \(lmul.count) L-Mul MX configurations (\(setup.formats.count) element formats, K = \(setup.blockSize)), \(headline.count) "
            + "\(headline.count == 1 ? "is" : "are") on the transistors-per-MAC-vs-mean-error frontier on \(d.label) data"
            + (headline.isEmpty ? "" : " (\(SweepReport.nameList(headline.map { "`\($0)`" })))")
            + ", \(on(.transistors, .p99).count) on the transistors-vs-p99 frontier and \(on(.energy, .mean).count) on the energy-vs-mean-error frontier"
    }

    public func markdown(plotPath: String = "plots/sweep-mx-pareto.svg") -> String {
        var md = "# Design-space sweep, MX families: L-Mul inside OCP MX block dot products\n\n"
        md += "Generated by `make sweep-mx` (`rtlgen sweep mx`; `docs/sweep-mx.json` has every figure). \(counted(rows.count, "configuration")): "
        md += "each multiplier (\(setup.units.map { "`\($0)`" }.joined(separator: ", "))) inside an MX block dot of K = \(setup.blockSize) elements "
        md += "(`rtlgen mxdot`, SPEC \"MX block formats and the MX dot product\") on \(setup.formats.count) element formats "
        md += "(\(setup.formats.joined(separator: ", "))). The scalar sweep (`docs/sweep.md`) costs one multiplier against one product's error; "
        md += "here the cost is the MX dot's per MAC (its figures over K: K products, the adder tree and one fp32 rounding) and the error is that of "
        md += "MX matmul, so the two reports' frontiers are not to be read as one.\n\n"
        md += "## The answer\n\n" + answer() + ".\n\n"
        md += "![cost per MAC against MX matmul error, frontiers drawn](\(plotPath))\n\n"
        for d in OperandDistribution.allCases {
            md += "### Approximate configurations on \(d.label) data\n\n"
            let crits = Self.criteria([d])
            md += "| configuration | transistors/MAC | energy/MAC (pJ) | Frobenius error | mean error | p99 error | "
                + crits.map { "\($0.cost.rawValue) vs \($0.metric.rawValue)" }.joined(separator: " | ") + " |\n"
            md += "|---|---:|---:|---:|---:|---:|" + crits.map { _ in "---|" }.joined() + "\n"
            for v in verdicts {
                let r = row(v.id)
                let e = r.errors(d)!
                md += "| `\(r.id)` | \(groupedCount(Int(r.transistorsPerMAC.rounded()))) | \(String(format: "%.3f", r.energyPerMAC)) | "
                md += "\(SweepReport.pct(e.frobenius)) | \(SweepReport.pct(e.mean)) | \(SweepReport.pct(e.p99)) | "
                md += crits.map { c in cell(v.judgements.first { $0.criterion == c }!) }.joined(separator: " | ") + " |\n"
            }
            md += "\n"
        }
        md += "## The frontiers\n\n"
        for f in frontiers {
            md += "- **\(f.criterion.cost.label) vs \(f.criterion.metric.label), \(f.criterion.distribution.label)**: "
            md += f.members.map { id in
                let p = Self.point(row(id), f.criterion)
                return "`\(id)` (\(f.criterion.cost.text(p.cost)), \(SweepReport.pct(p.error)))"
            }.joined(separator: " → ") + "\n"
        }
        md += "\n## Every configuration\n\n"
        md += "| configuration | unit | elem | transistors/MAC | area/MAC (µm²) | energy/MAC (pJ) | delay (ns) | "
        md += OperandDistribution.allCases.map { "\($0.label): Frobenius / mean / p99" }.joined(separator: " | ") + " | proof |\n"
        md += "|---|---|---|---:|---:|---:|---:|" + OperandDistribution.allCases.map { _ in "---:|" }.joined() + "---|\n"
        for r in rows {
            md += "| `\(r.id)` | `\(r.unit.rawValue)` | \(r.element) | \(groupedCount(Int(r.transistorsPerMAC.rounded()))) | \(groupedCount(Int(r.areaPerMAC.rounded()))) | "
            md += String(format: "%.3f | %.3f | ", r.energyPerMAC, r.delay)
            md += OperandDistribution.allCases.map { d in
                let e = r.errors(d)!
                return [e.frobenius, e.mean, e.p99].map(SweepReport.pct).joined(separator: " / ")
            }.joined(separator: " | ")
            md += " | \(r.proof) |\n"
        }
        md += "\n## Method and limits\n\n"
        md += "- **Cost.** Each MX dot is the cost job of `synth/report.md`'s MX section (`rtlgen synth --mx-units --mx-formats`, the same job keys, "
        md += "so a design `make synth` costed is read from `synth/results`, not measured again): transistors of yosys' static CMOS mapping (`synth/flow.ys`) and "
        md += "energy per block dot in the \(setup.liberty) library (OpenSTA's per-instance power at the zero-delay activity of \(groupedCount(setup.activityBlocks)) "
        md += "block pairs of N(0, 1) data quantised by OCP's conversion, seed \(setup.seed), over one period of the standard-cell section's clock, leakage included), "
        md += "each divided by K. The liberty netlist's output was checked against the golden MX dot on every one of those block pairs; the proof column says how far "
        md += "the netlists were proven equal to the RTL (\(setup.proofTimeout) s per step). Combinational, zero-delay activity: glitches (timed only for some formats, "
        md += "`synth/report.md` \"Energy with glitches\"), registers, the accumulation across blocks and operand delivery are not counted.\n"
        md += "- **Error.** MX matmul as `docs/accuracy.md` section 5 measures it (the same code and seed): \(groupedCount(setup.outputs)) outputs per distribution, "
        md += "each a dot product of length \(setup.length) of real vectors (N(0, 1), or Student's t with 3 degrees of freedom) cut into blocks of \(setup.blockSize) and "
        md += "quantised by OCP's conversion (a shared e8m0 scale per block, elements rounded to nearest even, saturating), each block pair through the golden MX dot "
        md += "of the multiplier (one fp32 rounding per block), block results summed in double precision, against the exact dot product of the unquantised reals. "
        md += "*Frobenius* is `||C - C_exact||_F / ||C_exact||_F`; *mean* and *p99* are over outputs of `|c - c_exact| / sum_k |a_k b_k|`. The frontiers use mean and p99.\n"
        md += "- **Frontiers.** A configuration is on a frontier when no other costs no more and errs no more (and is strictly better in one); a dominated one is named "
        md += "with the cheapest configuration that dominates it, the share of the cost it saves, and its error as a multiple.\n"
        return md
    }

    /// Cost per MAC against mean and p99 error on N(0, 1) data, one panel each, frontiers drawn.
    public func svg() -> String {
        let d = OperandDistribution.normal
        let panelW = 470.0, panelH = 330.0, left = 70.0, top = 84.0, gapX = 90.0, gapY = 80.0
        var svg = SVGDocument(width: left + 2 * panelW + gapX + 30, height: top + 2 * panelH + gapY + 60)
        svg.text("MX block dots (K = \(setup.blockSize)): cost per MAC against MX matmul error, \(d.label) data; frontier in black, L-Mul points ringed",
                 x: left, y: 24, size: 15, bold: true)
        SweepPlot.legend(&svg, units: setup.units, kinds: kinds, left: left, y: 44)
        for (pi, cost) in Cost.allCases.enumerated() {
            for (pj, metric) in Metric.allCases.enumerated() {
                let c = Criterion(cost: cost, metric: metric, distribution: d)
                let points = rows.map { r -> SweepPlot.Point in
                    let p = Self.point(r, c)
                    return SweepPlot.Point(id: r.id, unit: r.unit, cost: p.cost, error: p.error)
                }
                SweepPlot.panel(&svg, points: points, members: frontiers.first { $0.criterion == c }!.members, kinds: kinds,
                                costLabel: cost.label, errorLabel: metric.label, title: "\(cost.rawValue) per MAC vs \(metric.rawValue) error",
                                x0: left + Double(pj) * (panelW + gapX), y0: top + Double(pi) * (panelH + gapY), w: panelW, h: panelH)
            }
        }
        return svg.render()
    }
}

@testable import Accuracy
import FloatArith
import Foundation
import Generation
@testable import Sweep
import Testing
import Toolchain
import Units

/// The sweep's own logic, without tools: frontiers, plans and shares, the error measure, result
/// files (stale, edited, missing) and the merged report's independence from shard order.
@Suite struct SweepTests {
    // MARK: Pareto

    @Test func frontierAndCheapestDominatorOnHandMadePoints() {
        let p = [Pareto.Point(cost: 100, error: 0.10),   // 0: frontier (cheapest)
                 Pareto.Point(cost: 200, error: 0.05),   // 1: frontier
                 Pareto.Point(cost: 150, error: 0.12),   // 2: dominated by 0
                 Pareto.Point(cost: 300, error: 0.05),   // 3: dominated by 1 (same error, dearer)
                 Pareto.Point(cost: 400, error: 0.01),   // 4: frontier
                 Pareto.Point(cost: 400, error: 0.01),   // 5: the same point as 4: neither dominates
                 Pareto.Point(cost: 500, error: 0.20)]   // 6: dominated by all of 0, 1, 2, 3, 4, 5
        #expect(Pareto.frontier(p) == [0, 1, 4, 5])
        #expect(Pareto.cheapestDominator(of: 2, in: p) == 0)
        #expect(Pareto.cheapestDominator(of: 3, in: p) == 1)
        #expect(Pareto.cheapestDominator(of: 6, in: p) == 0)
        for i in [0, 1, 4, 5] { #expect(Pareto.cheapestDominator(of: i, in: p) == nil) }
        // equal cost, lower error dominates
        #expect(Pareto.Point(cost: 1, error: 1).dominates(Pareto.Point(cost: 1, error: 2)))
        #expect(!Pareto.Point(cost: 1, error: 1).dominates(Pareto.Point(cost: 1, error: 1)))
    }

    // MARK: MX families

    static func mxRow(_ kind: UnitKind, _ element: String, transistors: Double, energy: Double, mean: Double) -> MXSweepReport.Row {
        let errors = OperandDistribution.allCases.map { MXSweepReport.Errors(distribution: $0, frobenius: 2 * mean, mean: mean, p99: 3 * mean) }
        return MXSweepReport.Row(id: "mxdot_\(kind.rawValue)_\(element)_k32", unit: kind, role: kind.role.rawValue, element: element, blockSize: 32,
                                 transistorsPerMAC: transistors, areaPerMAC: 1, energyPerMAC: energy, delay: 1, proof: "proven = RTL",
                                 checkedBlocks: 8192, errors: errors)
    }

    @Test func mxFamiliesFrontierAndVerdictsOnHandMadeRows() throws {
        let setup = MXSweepReport.Setup(units: [.lmul, .fpmul, .mitchell], formats: ["e4m3", "e2m1fn"], blockSize: 32, activityBlocks: 8192,
                                        seed: 1, outputs: 10, length: 64, liberty: "x.lib", proofTimeout: 60)
        let rows = [Self.mxRow(.lmul, "e4m3", transistors: 100, energy: 5, mean: 0.02),     // frontier by transistors
                    Self.mxRow(.fpmul, "e4m3", transistors: 150, energy: 4, mean: 0.01),    // frontier (least error)
                    Self.mxRow(.mitchell, "e4m3", transistors: 120, energy: 6, mean: 0.03), // dominated by lmul_e4m3
                    Self.mxRow(.lmul, "e2m1fn", transistors: 40, energy: 2, mean: 0.20)]    // frontier (cheapest)
        let r = MXSweepReport(setup: setup, rows: rows)
        let byTransistors = MXSweepReport.Criterion(cost: .transistors, metric: .mean, distribution: .normal)
        #expect(r.frontiers.first { $0.criterion == byTransistors }?.members == ["mxdot_lmul_e2m1fn_k32", "mxdot_lmul_e4m3_k32", "mxdot_fpmul_e4m3_k32"])
        // by energy, fpmul_e4m3 (4 pJ, 1%) dominates lmul_e4m3 (5 pJ, 2%) and mitchell_e4m3
        let byEnergy = MXSweepReport.Criterion(cost: .energy, metric: .mean, distribution: .normal)
        #expect(r.frontiers.first { $0.criterion == byEnergy }?.members == ["mxdot_lmul_e2m1fn_k32", "mxdot_fpmul_e4m3_k32"])
        // verdicts for the approximate rows only, one judgement per criterion
        #expect(r.verdicts.map(\.id) == ["mxdot_lmul_e4m3_k32", "mxdot_mitchell_e4m3_k32", "mxdot_lmul_e2m1fn_k32"])
        #expect(r.verdicts.allSatisfy { $0.judgements.count == MXSweepReport.criteria(OperandDistribution.allCases).count })
        let mitchell = try #require(r.verdicts.first { $0.id == "mxdot_mitchell_e4m3_k32" }?.judgements.first { $0.criterion == byTransistors })
        #expect(mitchell.dominatedBy == "mxdot_lmul_e4m3_k32")
        #expect(abs(mitchell.costSaving! - (1 - 100.0 / 120)) < 1e-12 && abs(mitchell.errorRatio! - 0.02 / 0.03) < 1e-12)
        let lmulByEnergy = try #require(r.verdicts.first { $0.id == "mxdot_lmul_e4m3_k32" }?.judgements.first { $0.criterion == byEnergy })
        #expect(lmulByEnergy.dominatedBy == "mxdot_fpmul_e4m3_k32" && abs(lmulByEnergy.costSaving! - 0.2) < 1e-12)
        // the JSON reads back to the same report, and a changed row is found by --compare
        let back = try MXSweepReport.load(try r.json())
        #expect(back == r && back.differences(from: r).isEmpty)
        var other = r
        other.rows[2].energyPerMAC = 6.5
        #expect(r.differences(from: other) == ["mxdot_mitchell_e4m3_k32 differs"])
        #expect(r.markdown().contains("| `mxdot_mitchell_e4m3_k32` | 120 | 6.000 | 6% | 3% | 9% | `mxdot_lmul_e4m3_k32`: 17% cheaper, 0.667x the error |"))
    }

    // MARK: Plans and shares

    static let input = SweepPlan.Input(path: "x", name: "x", sha256: "0")

    static func plan(_ kinds: [UnitKind] = UnitKind.allCases, _ formats: String = SweepPlan.defaultFormats.map(\.tag).joined(separator: ",")) throws -> SweepPlan {
        try SweepPlan.make(kinds: kinds, formats: try FloatFormat.parseList(formats), samples: 2_000, seed: 1, randomVectors: 1_000,
                           proofTimeout: 60, flow: input, liberty: input, tools: ["t"])
    }

    @Test func defaultPlanIsEveryMultiplierOnTwentyOneFormats() throws {
        let p = try Self.plan()
        #expect(p.formats.count == 21 && p.jobs.count == 21 * UnitKind.allCases.count)
        #expect(Set(p.jobs.map(\.unit)) == Set(UnitKind.allCases))
        #expect(p.formats.first?.tag == "e4m1" && p.formats.last == .bf16)
        let quick = try Self.plan(UnitKind.allCases, SweepPlan.quickFormats.map(\.tag).joined(separator: ","))
        #expect(quick.jobs.count == 4 * UnitKind.allCases.count)
        #expect(Set(quick.jobs.map(\.id)).isSubset(of: Set(p.jobs.map(\.id))))
    }

    @Test func formatListsAndRefusals() throws {
        #expect(try FloatFormat.parseList("e4m1-3,e8m7,e4m2").map(\.tag) == ["e4m1", "e4m2", "e4m3", "e8m7"])
        // the finite formats by name, never as a range (e2m1fn-3 would read as IEEE-style e2m1...e2m3)
        #expect(try FloatFormat.parseList("e2m1fn,e2m1,e3m2fn").map(\.tag) == ["e2m1fn", "e2m1", "e3m2fn"])
        for bad in ["e4", "x4m3", "e9m3", "e4m0", "e4m3-2", "e4m3-x", "e4m3fn", "e2m1fn-3", "e2m1fnfn"] {
            #expect(throws: HarnessError.self) { try FloatFormat.parseList(bad) }
        }
        #expect(try FloatFormat.parseList("").isEmpty)
        #expect(throws: HarnessError.self) { try Self.plan(UnitKind.allCases, "") }
        #expect(throws: HarnessError.self) { try Self.plan([], "e4m3") }
        #expect(throws: HarnessError.self) { try Self.plan(UnitKind.adders, "e5m2") }
    }

    @Test(arguments: [1, 2, 3, 7, 8, 200])
    func sharesPartitionThePlanAndBalanceIt(count: Int) throws {
        let p = try Self.plan()
        let shares = (1...count).map { p.shard($0, of: count) }
        let ids = shares.flatMap { $0.map(\.id) }
        #expect(ids.count == p.jobs.count && Set(ids) == Set(p.jobs.map(\.id)))
        let loads = shares.map { $0.reduce(0) { $0 + $1.estimate } }
        let longest = p.jobs.map(\.estimate).max()!
        #expect(loads.max()! - loads.min()! <= longest + 1e-9)
        // shares keep the plan's order
        for s in shares { #expect(s.map(\.id) == p.jobs.filter { j in s.contains(j) }.map(\.id)) }
    }

    // MARK: The error measure

    @Test func operandsDoNotDependOnTheCount() {
        for d in OperandDistribution.allCases {
            let long = ProductError.operands(d, count: ProductError.chunk + 10, seed: 5)
            let short = ProductError.operands(d, count: 100, seed: 5)
            #expect(short.map(\.0) == long.prefix(100).map(\.0) && short.map(\.1) == long.prefix(100).map(\.1))
            #expect(ProductError.operands(d, count: 10, seed: 6).map(\.0) != short.prefix(10).map(\.0))
        }
    }

    @Test func distributionsHaveTheirMedians() {
        // |Z| has median 0.6745 (N(0, 1)); |T_3| has median 0.7649 (Student t, 3 d.o.f.)
        for (d, median) in [(OperandDistribution.normal, 0.6745), (.studentT3, 0.7649)] {
            let xs = ProductError.operands(d, count: 100_000, seed: 2).flatMap { [$0.0, $0.1] }
            let below = Double(xs.filter { Swift.abs($0) < median }.count) / Double(xs.count)
            #expect(Swift.abs(below - 0.5) < 0.005, "\(d): \(below)")
        }
        let t = ProductError.operands(.studentT3, count: 100_000, seed: 2).flatMap { [$0.0, $0.1] }
        let beyond = Double(t.filter { Swift.abs($0) > 5.841 }.count) / Double(t.count)   // t_3's two-sided 1% point
        #expect(Swift.abs(beyond - 0.01) < 0.002, "\(beyond)")
    }

    @Test func roundToNearestMultiplierStaysWithinItsErrorBound() {
        // e8m7 never underflows or saturates on these operands: each quantisation and the product's
        // rounding are within u = 2^-8, so |r/xy - 1| <= (1 + u)^3 - 1.
        let u = 0x1p-8
        let pairs = ProductError.operands(.normal, count: 50_000, seed: 3)
        let s = ProductError.measure(UnitKind(rawValue: "fpmul")!, .bf16, pairs: pairs)
        #expect(s.max <= (1 + u) * (1 + u) * (1 + u) - 1)
        #expect(s.max > u)                    // the bound is nearly reached
        #expect(s.zeros == 0 && s.saturatedOperands == 0)
        #expect(s.mean < s.rms && s.rms < s.p99 && s.p99 <= s.max)
        // e4m3 flushes the products of small N(0, 1) draws: some results are zero (error 1)
        let e4 = ProductError.measure(UnitKind(rawValue: "lmul")!, .e4m3, pairs: pairs)
        #expect(e4.zeros > 0 && e4.max == 1)
        // the heavy tail saturates a narrow format: e2m3's largest finite value is 3.75, beyond which
        // 3.3% of t_3 draws lie (so about 6.5% of pairs have an operand there)
        let t = ProductError.measure(UnitKind(rawValue: "fpmul")!, try! FloatFormat(exponent: 2, mantissa: 3),
                                     pairs: ProductError.operands(.studentT3, count: 50_000, seed: 3))
        #expect(Swift.abs(Double(t.saturatedOperands) / 50_000 - (1 - 0.9669 * 0.9669)) < 0.005, "\(t.saturatedOperands)")
    }

    // MARK: Result files and merging

    static func row(_ job: SweepPlan.Job, transistors: Int, mean: Double) -> SweepRow {
        let kind = job.unit
        let stats = ProductErrorStats(samples: 10, mean: mean, rms: mean * 1.2, p99: mean * 3, max: mean * 4, bias: 0, zeros: 0, saturatedOperands: 0)
        return SweepRow(id: job.id, unit: job.unit, role: kind.role.rawValue, format: job.format, width: job.format.width,
                        verification: .init(method: "exhaustive", pairs: 1, simulator: "verilator"), gates: transistors / 6, transistors: transistors,
                        depth: 10, equivalence: "proven", cells: 1, area: Double(transistors), delay: 1, energy: Double(transistors) / 100,
                        errors: OperandDistribution.allCases.map { SweepRow.Errors(distribution: $0, stats: stats) })
    }

    /// A sweep directory with a plan of lmul, mitchell and fpmul on e4m3 and a result for each job.
    func sweepDirectory(order: [Int] = [0, 1, 2, 3, 4, 5]) throws -> (dir: String, plan: SweepPlan, digest: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-test-\(UUID().uuidString)").path
        let plan = try Self.plan(["lmul", "mitchell", "fpmul"].map { UnitKind(rawValue: $0)! }, "e4m3,e5m2")
        try OutputWriter.writeFile(try plan.encoded(), to: dir + "/plan.json")
        let (_, digest) = try SweepPlan.load(directory: dir)
        // made-up costs and errors: mitchell cheapest, fpmul most accurate
        let figures = ["lmul": (600, 0.10), "mitchell": (580, 0.09), "fpmul": (1800, 0.04)]
        for i in order {
            let job = plan.jobs[i]
            let (t, e) = figures[job.unit.rawValue]!
            let sha = SHA256.hex(Data(try SweepJobRunner.rtl(job).text.utf8))
            let result = try SweepResult(plan: digest, job: job.id, rtlSHA256: sha, code: SweepCode.fingerprint, seconds: Double(i),
                                         row: Self.row(job, transistors: t + (job.format == .e5m2 ? 10 : 0), mean: e)).sealed()
            try OutputWriter.writeFile(try result.encoded(), to: "\(dir)/results/\(job.id).json")
        }
        return (dir, plan, digest)
    }

    @Test func mergedReportIsTheSameWhateverTheOrderResultsArrived() throws {
        let a = try sweepDirectory()
        let b = try sweepDirectory(order: [5, 2, 0, 4, 1, 3])
        defer { for d in [a.dir, b.dir] { try? FileManager.default.removeItem(atPath: d) } }
        let ra = try SweepReport.merge(directory: a.dir).report, rb = try SweepReport.merge(directory: b.dir).report
        #expect(try ra.json() == rb.json())
        #expect(ra.markdown() == rb.markdown() && ra.svg() == rb.svg())
        #expect(ra.rows.map(\.id) == a.plan.jobs.map(\.id))
        // mitchell_e4m3 (580, 9%) dominates lmul_e4m3 (600, 10%) and lmul_e5m2 (610, 10%)
        let v = ra.verdicts.first { $0.id == "lmul_e4m3" }!.judgements.first { $0.criterion.cost == .transistors && $0.criterion.metric == .mean }!
        #expect(v.dominatedBy == "mitchell_e4m3")
        #expect(Swift.abs(v.costSaving! - (1 - 580.0 / 600.0)) < 1e-12 && Swift.abs(v.errorRatio! - 0.9) < 1e-12)
        let front = ra.frontiers.first { $0.criterion.cost == .transistors && $0.criterion.metric == .mean && $0.criterion.distribution == .normal }!
        #expect(front.members == ["mitchell_e4m3", "fpmul_e4m3"])
        #expect(ra.verdicts.map(\.id) == ["lmul_e4m3", "mitchell_e4m3", "lmul_e5m2", "mitchell_e5m2"])
        #expect(ra.answer().hasPrefix("Of 2 L-Mul configurations (the bit-add form, 2 formats), 0 are on"))
        #expect(ra.differences(from: rb).isEmpty)
    }

    /// The sweep's code key names versions, not sources: the sweep's own and each cost backend's
    /// a row reads, so moving or refactoring Swift code leaves results current and raising a version
    /// makes them stale.
    @Test func sweepCodeNamesVersionsNotSources() {
        #expect(SweepCode.fingerprint == "sweep=\(SweepCode.version) generic=1 stdcell=1 clocked=1")
        #expect(!SweepCode.fingerprint.contains("Sources"))
    }


    @Test func staleEditedMissingAndForeignResultsAreRefused() throws {
        let s = try sweepDirectory()
        defer { try? FileManager.default.removeItem(atPath: s.dir) }
        let job = s.plan.jobs[0]
        let path = "\(s.dir)/results/\(job.id).json"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        func refusal() -> String {
            do { _ = try SweepReport.merge(directory: s.dir); return "" } catch { return "\(error)" }
        }
        // edited: one figure changed, checksum left
        try OutputWriter.writeFile(Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\"transistors\" : 600", with: "\"transistors\" : 500").utf8), to: path)
        #expect(refusal().contains("edited") && refusal().contains("nothing was merged"))
        // stale: a result sealed for another plan
        var other = try JSONDecoder().decode(SweepResult.self, from: original)
        other.plan = String(repeating: "0", count: 64)
        try OutputWriter.writeFile(try other.sealed().encoded(), to: path)
        #expect(refusal().contains("from a different plan (stale)"))
        // another job's result under this job's name
        var foreign = try JSONDecoder().decode(SweepResult.self, from: Data(contentsOf: URL(fileURLWithPath: "\(s.dir)/results/\(s.plan.jobs[1].id).json")))
        foreign.plan = s.digest
        try OutputWriter.writeFile(try foreign.sealed().encoded(), to: path)
        #expect(refusal().contains("the result of another job"))
        // RTL the generator no longer writes
        var oldRTL = try JSONDecoder().decode(SweepResult.self, from: original)
        oldRTL.rtlSHA256 = String(repeating: "1", count: 64)
        try OutputWriter.writeFile(try oldRTL.sealed().encoded(), to: path)
        #expect(refusal().contains("RTL the generator no longer writes"))
        // measured by other code (an edit of the measuring sources since), and by code before results named it
        for code in [String(repeating: "2", count: 64), ""] {
            var oldCode = try JSONDecoder().decode(SweepResult.self, from: original)
            oldCode.code = code
            try OutputWriter.writeFile(try oldCode.sealed().encoded(), to: path)
            #expect(refusal().contains("made by measuring code that has changed since (stale)"))
        }
        // not JSON
        try OutputWriter.writeFile(Data("{".utf8), to: path)
        #expect(refusal().contains("not a sweep result"))
        // missing
        try FileManager.default.removeItem(atPath: path)
        #expect(refusal().contains("1 of 6 jobs has no result yet (\(job.id))"))
        // restored: merges, and a result file of a job outside the plan is left out
        try OutputWriter.writeFile(original, to: path)
        try OutputWriter.writeFile(original, to: "\(s.dir)/results/fpmul_ftz_e8m7.json")
        let merged = try SweepReport.merge(directory: s.dir)
        #expect(merged.ignored == ["fpmul_ftz_e8m7.json"] && merged.report.rows.count == 6)
    }

    @Test func aPlanThatIsNotOneIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: HarnessError.self) { try SweepPlan.load(directory: dir) }
        try OutputWriter.writeFile(Data("{\"version\": 1}".utf8), to: dir + "/plan.json")
        do { _ = try SweepPlan.load(directory: dir); Issue.record("loaded") } catch { #expect("\(error)".contains("is not a sweep plan")) }
        var plan = try Self.plan([UnitKind(rawValue: "lmul")!], "e4m3")
        plan.jobs[0].id = "lmul_e4m4"
        try OutputWriter.writeFile(try plan.encoded(), to: dir + "/plan.json")
        do { _ = try SweepPlan.load(directory: dir); Issue.record("loaded") } catch { #expect("\(error)".contains("cannot run")) }
        // a format is read as exactly the tag the plan writes: bf16 is written e8m7, so "bf16" is no format
        let bf16 = try Self.plan([UnitKind(rawValue: "lmul")!], "e8m7")
        let renamed = String(decoding: try bf16.encoded(), as: UTF8.self).replacingOccurrences(of: "\"e8m7\"", with: "\"bf16\"")
        #expect(renamed.contains("\"bf16\""))
        try OutputWriter.writeFile(Data(renamed.utf8), to: dir + "/plan.json")
        do { _ = try SweepPlan.load(directory: dir); Issue.record("loaded") } catch { #expect("\(error)".contains("is not a sweep plan")) }
        try OutputWriter.writeFile(try bf16.encoded(), to: dir + "/plan.json")
        #expect(try SweepPlan.load(directory: dir).plan == bf16)
    }
}

/// The committed report (`make sweep`): its frontiers and verdicts follow from its rows, its
/// Markdown and plot are what the renderer makes of it, and the README gives its answer.
@Suite struct CommittedSweepTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// docs/sweep-mx.json: rendered as committed, its frontiers those of its rows, and every figure the one
    /// the other committed reports give for the same design: cost per MAC = synth/report.json's MX row over
    /// K, errors = docs/accuracy.json's MX matmul row (the same jobs and the same measurement).
    @Test func docsSweepMXAgreesWithTheSynthesisAndAccuracyReports() throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: Self.root + "/docs/sweep-mx.json"))
        let report = try MXSweepReport.load(json)
        #expect(try report.json() == json)
        let derived = MXSweepReport(setup: report.setup, rows: report.rows)
        #expect(derived.frontiers == report.frontiers && derived.verdicts == report.verdicts)
        #expect(try String(contentsOfFile: Self.root + "/docs/sweep-mx.md", encoding: .utf8) == report.markdown())
        #expect(try String(contentsOfFile: Self.root + "/docs/plots/sweep-mx-pareto.svg", encoding: .utf8) == report.svg())
        #expect(report.rows.count == report.setup.units.count * report.setup.formats.count && report.rows.count >= 20)
        let synth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.root + "/synth/report.json"))) as? [String: Any])
        let mxRows = try #require((synth["mx"] as? [String: Any])?["rows"] as? [[String: Any]])
        // decoded, not JSONSerialization'd: Foundation's parser may not give back a double's last bit
        struct Accuracy: Decodable { struct MX: Decodable { var rows: [MXAccuracy.Row] }; var mx: MX }
        let mxErrors = try JSONDecoder().decode(Accuracy.self, from: Data(contentsOf: URL(fileURLWithPath: Self.root + "/docs/accuracy.json"))).mx.rows
        for r in report.rows {
            let s = try #require(mxRows.first { $0["module"] as? String == r.id }, "\(r.id) is not in synth/report.json")
            let lib = try #require(s["liberty"] as? [String: Any])
            let k = Double(r.blockSize)
            #expect(abs(r.transistorsPerMAC * k - ((s["transistors"] as? NSNumber)?.doubleValue ?? -1)) < 1e-9, "\(r.id) transistors")
            #expect(abs(r.energyPerMAC * k - ((lib["energy"] as? NSNumber)?.doubleValue ?? -1)) < 1e-9 * k, "\(r.id) energy")
            #expect(abs(r.areaPerMAC * k - ((lib["area"] as? NSNumber)?.doubleValue ?? -1)) < 1e-6 * k, "\(r.id) area")
            for e in r.errors {
                let a = try #require(mxErrors.first { $0.distribution == e.distribution.rawValue && $0.element == r.element && $0.method == r.unit.rawValue })
                #expect(e.frobenius == a.frobenius && e.mean == a.meanScaled && e.p99 == a.p99Scaled, "\(r.id) \(e.distribution)")
            }
        }
        let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        func words(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        #expect(words(readme).contains(words(report.answer())), "README lacks: \(report.answer())")
    }

    @Test func docsSweepIsConsistentWithItsRows() throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: Self.root + "/docs/sweep.json"))
        let report = try SweepReport.load(json)
        #expect(try report.json() == json)
        let derived = SweepReport(setup: report.setup, rows: report.rows)
        #expect(derived.frontiers == report.frontiers && derived.verdicts == report.verdicts)
        #expect(try String(contentsOfFile: Self.root + "/docs/sweep.md", encoding: .utf8) == report.markdown())
        #expect(try String(contentsOfFile: Self.root + "/docs/plots/sweep-pareto.svg", encoding: .utf8) == report.svg())
        // the default sweep: every multiplier on E = 4, 5, 8 with M = 1...7, every job checked exhaustively
        #expect(report.setup.formats == SweepPlan.defaultFormats && report.setup.units == UnitKind.allCases)
        #expect(report.rows.count == 105 && report.rows.allSatisfy { $0.verification.method == "exhaustive" && $0.verification.pairs == 1 << (2 * $0.width) })
        let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        func words(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        #expect(words(readme).contains(words(report.answer())), "README's results at a glance lack: \(report.answer())")
    }
}

import FloatArith
import Foundation
import GateTiming
@testable import Synthesis
import Testing
import Toolchain
import Units

/// The timed section of the synthesis report: ratios over the declared baselines from the timed
/// rows (hand-made figures, ratios worked out by hand), the columns a reader looks for, and a job
/// key that follows the timed parameters.
@Suite struct TimedReportTests {
    func row(_ kind: String, _ unit: UnitKind, acc: String? = nil, zero: Double, sdf: Double, inertial: Double, transport: Double) -> TimedRow {
        let module = kind == "pe" ? "pe_\(unit.rawValue)_e4m3\(acc.map { "_" + $0 } ?? "")" : "\(unit.rawValue)_e4m3"
        return TimedRow(kind: kind, module: module, unit: unit, format: .e4m3, accumulation: acc,
                        figures: TimedFigures(operations: 100, simulationPeriod: 10, energyPeriod: 10, cells: 10,
                                              energy: ["zero_delay": zero, "sdf": sdf, "inertial": inertial, "transport": transport],
                                              changes: [:]))
    }

    func report() -> SynthesisReport {
        var r = SynthesisReport(tool: "yosys", flow: "synth/flow.ys", activityOperations: 64, seed: 1, proofTimeout: 1, units: [],
                                kinds: [.lmul, .fpmul, .fpmulFTZ])
        r.timed = TimedSection(simulator: "Icarus Verilog version 11.0", cellModels: "osu018_stdcells.v", models: ["zero_delay", "sdf", "inertial", "transport"], rows: [
            row("unit", .lmul, zero: 2, sdf: 3, inertial: 2.5, transport: 6),
            row("unit", .fpmul, zero: 8, sdf: 16, inertial: 15, transport: 40),
            row("unit", .fpmulFTZ, zero: 5, sdf: 8, inertial: 8, transport: 12),
            row("pe", .lmul, acc: "fp32", zero: 20, sdf: 30, inertial: 30, transport: 60),
            row("pe", .fpmul, acc: "fp32", zero: 40, sdf: 60, inertial: 50, transport: 100),
        ])
        return r
    }

    @Test func ratiosAreTheTimedEnergiesOverEachBaseline() throws {
        let q = report().timedRatios()
        let unitOverFpmul = try #require(q.first { $0.pe == nil && $0.baseline == .fpmul })
        #expect(unitOverFpmul.timed == 0.188)                      // 3 / 16 = 0.1875, rounded to 3 places
        #expect(unitOverFpmul.low == 0.15 && unitOverFpmul.high == 0.188)   // transport 6/40, sdf 3/16, inertial 2.5/15 = 0.167
        #expect(unitOverFpmul.zeroDelay == nil)                     // no standard-cell unit rows in this report
        let unitOverFTZ = try #require(q.first { $0.pe == nil && $0.baseline == .fpmulFTZ })
        #expect(unitOverFTZ.timed == 0.375 && unitOverFTZ.low == 0.3125.rounded3 && unitOverFTZ.high == 0.5)
        let pe = try #require(q.first { $0.pe == "fp32" && $0.baseline == .fpmul })
        #expect(pe.timed == 0.5 && pe.low == 0.5 && pe.high == 0.6)
        // no fpmul_ftz PE row: no ratio is made up for it
        #expect(!q.contains { $0.pe == "fp32" && $0.baseline == .fpmulFTZ })
    }

    @Test func sectionNamesBothEnergiesAndTheGlitchFactor() {
        let md = report().timedSection()
        #expect(md.contains("energy_zero_delay_pj") && md.contains("energy_timed_pj") && md.contains("glitch factor"))
        #expect(md.contains("| `fpmul_e4m3` | unit | 10 |  | 8.00 | 16.00 | x2.00 | 15.00 | 40.00 |"))
        #expect(md.contains("| e4m3 | `lmul` PE, fp32 | `fpmul` |  | 0.500 | 0.500 to 0.600 |"))
        // the report without a timed section renders none
        var bare = report()
        bare.timed = nil
        #expect(bare.timedSection().isEmpty)
    }

    @Test func reportRoundTripsWithItsTimedSection() throws {
        let r = report()
        let data = try JSONEncoder().encode(r)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"simulation_period_ns\"") && text.contains("\"timed\""))
        let back = try JSONDecoder().decode(SynthesisReport.self, from: data)
        #expect(back.timed == r.timed)
    }

    @Test(.enabled(if: Tools.available("iverilog") && FileManager.default.fileExists(atPath: LibertyLibrary.defaultPath)))
    func timedJobKeyFollowsItsParameters() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("timedkey-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/lmul_e4m3.v"
        try ArithmeticUnit(.lmul, .e4m3).verilog().write(toFile: file, atomically: true, encoding: .utf8)
        let flow = SynthesisFlow()
        var t = TimedSynthesis(flow: flow, backend: TimedActivityBackend(liberty: LibertyLibrary.defaultPath))
        let d = TimedDesign(kind: "unit", design: ArithmeticUnit(.lmul, .e4m3), unit: ArithmeticUnit(.lmul, .e4m3))
        let a = try t.job(d, sources: [file]).key
        t.operations = 2000
        let b = try t.job(d, sources: [file]).key
        #expect(a != b)
        #expect(try t.job(d, sources: [file]).lines.contains { $0.hasPrefix("timed.version=") })
    }

    /// An array timed by instance: its zero-delay energy per MAC plus what its PE's timed run adds
    /// over the same sample without delays; an array whose PE was not timed has no timed figure.
    @Test func arraysAreTimedByInstance() throws {
        var r = report()
        func array(_ unit: UnitKind, _ energy: Double) -> ArraySynthesis.ArrayRow {
            var a = ArraySynthesis.ArrayRow(module: "array_\(unit.rawValue)_e4m3_fp32_16x16", unit: unit, format: .e4m3, accumulation: "fp32", rows: 16, cols: 16,
                                            gates: 1, flipFlops: 1, transistors: 1, depth: 1, glueGates: 0, glueFlipFlops: 0, glueTransistors: 0,
                                            multiplierShare: 0.1, registerShare: 0.3)
            a.liberty = ArrayLibertyFigures(cells: 1, area: 1, glueCells: 0, glueArea: 0, glueFlipFlops: 0, energyPerMAC: energy)
            return a
        }
        r.arrays = [array(.lmul, 25), array(.fpmul, 45), array(.fpmulFTZ, 30)]
        // the PE rows: lmul 20 zero delay, 30 sdf, 60 transport; fpmul 40, 60, 100; no fpmul_ftz PE
        #expect(r.timedArrayEnergy(r.arrays[0]) == 35 && r.timedArrayEnergy(r.arrays[0], .transport) == 65)
        #expect(r.timedArrayEnergy(r.arrays[1]) == 65)
        #expect(r.timedArrayEnergy(r.arrays[2]) == nil)
        #expect(r.timedArrayClaim(r.arrays[0], r.arrays[1]) == "0.538 (by instance) | 46%")
        #expect(r.timedArrayClaim(r.arrays[0], r.arrays[2]) == "not timed | ")
        let md = r.timedArraySection()
        #expect(md.contains("| `array_lmul_e4m3_fp32_16x16` | fp32 | 25.00 | 10.00 | 35.00 | 35.00 | 65.00 |"))
        #expect(!md.contains("array_fpmul_ftz"))
    }

    /// The timed MX dots: ratios of the timed energies per block dot over each baseline, the MX
    /// table's zero-delay ratio beside them (none here: no MX table), and a row for each dot.
    @Test func mxDotsTimed() throws {
        var r = report()
        func row(_ u: UnitKind, sdf: Double, transport: Double, proven: Bool = true) -> TimedMXRow {
            TimedMXRow(module: "mxdot_\(u.rawValue)_e2m1fn_k32", unit: u, element: "e2m1fn", blockSize: 32, libertyProven: proven,
                       figures: TimedFigures(operations: 50, simulationPeriod: 10, energyPeriod: 10, cells: 7,
                                             energy: ["zero_delay": sdf / 2, "sdf": sdf, "inertial": sdf, "transport": transport], changes: [:]))
        }
        r.timed?.mx = [row(.lmul, sdf: 40, transport: 100), row(.fpmul, sdf: 50, transport: 400, proven: false)]
        let q = try #require(r.timedMXRatios().first)
        #expect(r.timedMXRatios().count == 1)
        #expect(q.unit == .lmul && q.baseline == .fpmul && q.timed == 0.8 && q.low == 0.25 && q.high == 0.8 && q.zeroDelay == nil)
        let md = r.timedMXSection()
        #expect(md.contains("| `mxdot_fpmul_e2m1fn_k32` ‡ | 7 |  | 25.00 | 50.00 | x2.00 | 50.00 | 400.00 |"))
        #expect(md.contains("| e2m1fn | 32 | `lmul` | `fpmul` |  | 0.800 | 0.250 to 0.800 |"))
        let back = try JSONDecoder().decode(SynthesisReport.self, from: try r.json())
        #expect(back.timed?.mx == r.timed?.mx)
    }

    /// The registered units at a clock: their energies restated at the clock (leakage over its
    /// period) and L-Mul's ratio next to the iso-throughput table's zero-delay one.
    @Test func clockedRatiosAreAtTheClock() throws {
        var r = report()
        func entry(_ unit: UnitKind, _ mhz: Double, energy: Double) -> IsoThroughput.Entry {
            IsoThroughput.Entry(clockMHz: mhz, kind: "unit", unit: unit, format: .e4m3, accumulation: nil, module: "\(unit.rawValue)_e4m3", stages: 1,
                                searchedUpTo: 1, limit: nil, figures: nil, energy: energy, bestPeriod: 1)
        }
        r.clocked = ClockedSection(conditions: "test", clocksMHz: [200], maxStages: 2,
                                   units: [entry(.lmul, 200, energy: 4), entry(.fpmul, 200, energy: 16)], pes: [])
        func clocked(_ unit: UnitKind, sdf: Double, leakage: Double) -> TimedClockedRow {
            TimedClockedRow(module: "\(unit.rawValue)_e4m3_p1", top: "clocked_\(unit.rawValue)_e4m3_p1", unit: unit, format: .e4m3, stages: 1,
                            clocksMHz: [200], figures: TimedFigures(operations: 100, simulationPeriod: 10, energyPeriod: 10, cells: 10,
                                                                    energy: ["zero_delay": sdf / 2, "sdf": sdf, "inertial": sdf, "transport": 2 * sdf],
                                                                    changes: [:], leakage: leakage))
        }
        r.timed?.clocked = [clocked(.lmul, sdf: 3, leakage: 1), clocked(.fpmul, sdf: 11, leakage: 2)]
        // at 200 MHz (5 ns, half the 10 ns energy period): lmul 3 - 1 + 0.5 = 2.5, fpmul 11 - 2 + 1 = 10
        #expect(r.timed?.clocked?[0].figures.energy(.sdf, atMHz: 200) == 2.5)
        let q = try #require(r.timedClockedRatios().first { $0.baseline == .fpmul })
        #expect(q.clockMHz == 200 && q.timed == 0.25 && q.zeroDelay == 0.25)
        // transport: (6 - 0.5) / (22 - 1) = 0.262
        #expect(q.low == 0.25 && q.high == 0.262)
        // no fpmul_ftz choice: no ratio
        #expect(!r.timedClockedRatios().contains { $0.baseline == .fpmulFTZ })
        let md = r.timedClockedSection()
        #expect(md.contains("| 200 MHz | e4m3 | `fpmul` | 1 | 10 | 16.00 | 4.50 | 10.00 | x2.22 | 10.00 | 21.00 |"))
        #expect(md.contains("| 200 MHz | e4m3 | `lmul` | `fpmul` | 0.250 | 0.250 | 0.250 to 0.262 |"))
        // the report round-trips with the clocked rows
        let back = try JSONDecoder().decode(SynthesisReport.self, from: try r.json())
        #expect(back.timed?.clocked == r.timed?.clocked)
    }
}

extension Double {
    var rounded3: Double { (self * 1000).rounded() / 1000 }
}

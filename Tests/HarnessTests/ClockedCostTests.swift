import FloatArith
import Foundation
@testable import Synthesis
@testable import Toolchain
import Testing
import Units

/// Cost at a clock (issue 23 item 4): a pipelined unit's clocked job against the committed
/// combinational figures, the clock part of its energy, and the iso-throughput search on lmul_e4m3.
@Suite(.serialized) struct ClockedCostTests {
    func scratch(_ tag: String) throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("clocktest-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func design(_ u: ArithmeticUnit) throws -> ClockedDesign {
        ClockedDesign(kind: .unit(u), module: u.moduleName, files: [(u.fileName, try u.verilog())])
    }

    /// The committed report's standard-cell figures of a module (measured by the combinational flow).
    func committed(_ module: String, in key: String = "units") throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: SynthesisTests.synthDir + "/report.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let rows = try #require(root[key] as? [[String: Any]])
        let row = try #require(rows.first { $0["module"] as? String == module })
        return try #require(row["liberty"] as? [String: Any])
    }

    @Test func pipelinedUnitCostsItsRegistersAndRunsFaster() throws {
        let work = try scratch("unit")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let cost = ClockedCost(liberty: try LibertyFlow(libertyPath: LibertyLibrary.defaultPath))
        let p2 = try cost.measure(try design(ArithmeticUnit(.lmul, .e4m3, stages: 2)), work: work)
        let comb = try committed("lmul_e4m3")
        let combArea = try #require(comb["area"] as? Double), combDelay = try #require(comb["delay"] as? Double)
        // the wrapper's a, b, y registers plus the pipeline's
        #expect(p2.flipFlops > 3 * 8)
        #expect(p2.area - combArea >= p2.flipFlopArea, "clocked \(p2.area) um2, combinational \(combArea) um2, flip-flops \(p2.flipFlopArea) um2")
        #expect(p2.fmaxMHz > 1000 / combDelay, "fmax \(p2.fmaxMHz) MHz, combinational delay \(combDelay) ns")
        #expect(p2.clockEnergy > 0 && p2.dataEnergy > 0)
        #expect(p2.proof == ClockedCost.proofMethod)

        // no data activity: the energy is every flip-flop's clock energy (the committed PE's per-flip-flop
        // figure, measured by PowerAnalysis) plus leakage
        var still = cost
        still.constantOperands = true
        let z = try still.measure(try design(ArithmeticUnit(.lmul, .e4m3, stages: 2)), work: work + "/z")
        #expect(z.dataEnergy < 1e-3, "data energy \(z.dataEnergy) pJ with constant operands")
        #expect(z.energy(atMHz: 100) > 0)
        let perFF = try #require(try committed("pe_lmul_e4m3", in: "pes")["flip_flop_clock_pj"] as? Double)
        let expected = Double(z.flipFlops) * perFF
        #expect(abs(z.clockEnergy - expected) <= 0.1 * expected, "clock energy \(z.clockEnergy) pJ, \(z.flipFlops) x \(perFF) pJ = \(expected)")
        // leakage is a power: its energy scales with the period, the rest does not
        #expect(abs(z.energy(atMHz: 100) - z.energy(atMHz: 200) - z.leakagePower * 5e-6) < 1e-9)
    }

    /// README (rtlgen --clock-ns, the same wrapper and mapping): lmul_e4m3 S=0 1.862 ns, S=1 1.378 ns, S=2 0.942 ns.
    @Test func isoThroughputPicksTheLeastStagesMeasured() throws {
        let work = try scratch("iso")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let lib = LibertyLibrary.defaultPath
        let cache = CostCache(directory: work + "/cache")
        var iso = IsoThroughput(cost: ClockedCost(liberty: try LibertyFlow(libertyPath: lib)), backend: ClockedBackend(liberty: lib), cache: cache, work: work + "/w")
        iso.maxStages = 2
        let u = ArithmeticUnit(.lmul, .e4m3)
        let run = {
            try iso.search(clocks: [100, 625, 5000], kind: "unit", unit: u, accumulation: nil, module: u.moduleName,
                           design: { try self.design(u.withStages($0)) },
                           estimate: { $0 == 0 ? try u.withStages(1).elaboratePlanned().plan!.combinationalDelay : try u.withStages($0).elaboratePlanned().plan!.stageDelays.max()! },
                           progress: { _ in })
        }
        let e = try run()
        #expect(e.map(\.stages) == [0, 1, nil])
        #expect(e[2].limit != nil && e[2].searchedUpTo == 2)
        for x in e.prefix(2) { #expect(try #require(x.figures).meets(mhz: x.clockMHz)) }
        #expect(try #require(e[0].energy) < (try #require(e[1].energy)))
        let measured = cache.measured
        #expect(measured >= 2)
        _ = try run()
        #expect(cache.measured == measured, "a second search measures nothing")
    }
}

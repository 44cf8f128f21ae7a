import FloatArith
import Foundation
import Testing
import Units
import Verification

/// Issue 38 item 3 (d): the scalar units' and the adder's stimulus (`rtlgen sim`'s pairs) against
/// the MX dots' rounding-decision list.
@Suite struct UnitRoundingDecisionTests {
    static let cases: [(String, String)] = [
        ("fpmul", "e4m3"), ("fpmul", "e5m2"), ("fpmul_ftz", "e4m3"), ("fpadd", "e5m2"),
        ("fpmul", "bf16"), ("fpmul", "fp16"), ("fpmul", "fp32"), ("fpmul_ftz", "fp16"), ("fpadd", "bf16"), ("fpadd", "fp16"), ("fpadd", "fp32"),
    ]

    /// Every reachable class is exercised, for the exhaustive 8-bit pairs and for the sampled wider
    /// formats (corners, 2,000 random pairs and the pairs solved for the decisions).
    @Test(arguments: cases)
    func everyReachableDecisionIsExercised(_ unit: String, _ format: String) throws {
        let u = ArithmeticUnit(try #require(UnitKind(rawValue: unit)), try FloatFormat.named(format))
        #expect(u.rounds)
        var config = SimulationConfig(rtlDirectory: "rtl", units: [u], simulators: [.icarus])
        config.random = 2000
        let c = try #require(u.roundingCoverage(UnitSimulation.pairs(u, config)))
        let exhaustive = u.format.width <= 8
        let req = u.roundingRequirements(c, exhaustive: exhaustive)
        let missing = req.filter { !$0.reached }.map(\.name)
        #expect(missing.isEmpty, "\(u.moduleName): \(missing); \(c.summary())")
        #expect(c.normalFields.count == u.format.maxFiniteExponentField && c.subnormalBinades.count == u.format.mantissaBits)
        // the overflow boundary from both sides, wherever the unit's sums are wide enough
        #expect((c.overflow[.maxFiniteExact] ?? 0) > 0 && (c.overflow[.beyondRange] ?? 0) > 0, "\(c.summary())")
        let names = req.map(\.name)
        #expect(req.count >= (exhaustive ? 15 : u.kind.role.isMultiplier ? 30 : 19), "\(names)")
        #expect(UnitSimulation.decisions(config).contains("\(u.moduleName): rounding decisions exercised (\(req.count) of \(req.count)"))
    }

    /// The truncating units take no rounding decision and report none.
    @Test func lMulFormsDoNotRound() throws {
        for k in [UnitKind.lmul, .lmulFormula, .mitchell] {
            let u = ArithmeticUnit(k, .e4m3)
            #expect(!u.rounds && u.roundingCoverage([(0x38, 0x38)]) == nil)
        }
    }

    /// The adder's subnormal sums are exact: no subnormal G/R/S class is required of it, while a
    /// multiplier's products fall below the smallest subnormal and round there.
    @Test func theAdderRoundsNoSubnormal() throws {
        let add = ArithmeticUnit(.fpadd, .fp32), mul = ArithmeticUnit(.fpmul, .fp32)
        let c = RoundingCoverage(format: .fp32)
        #expect(!add.roundingRequirements(c).contains { $0.name.hasPrefix("subnormal G/R/S = 1") })
        #expect(mul.roundingRequirements(c).contains { $0.name == "subnormal G/R/S = 111" })
    }
}

import FloatArith
import Foundation
import Units
import Toolchain
import Generation

/// Standard-cell figures of one design: liberty area, OpenSTA timing, and energy per operation
/// from the switching activity our own simulation of the mapped netlist measures.
///
/// This OpenSTA (2.0.17, Debian) ignores `set_power_activity -pins` (only input ports and a
/// global activity reach its propagation), so the activity is applied per instance outside it:
/// OpenSTA reports each instance's power at global activity 0 (leakage and clock-pin power) and
/// at activity 1 (every non-clock pin toggling once per period); its model is linear in the
/// activity of the instance's output pin (this library puts internal power on output pins and,
/// for flip-flops, on D and CLK, and D toggles as often as Q in a zero-delay simulation), so
/// `P0 + (P1 - P0) * a` with `a` the measured toggles per cycle of the instance's output is what
/// OpenSTA gives for that activity. The flow checks this reproduces OpenSTA's own total at a
/// global activity of 0.2 within 0.1%.
public struct LibertyFigures: Codable, Sendable, Equatable {
    public var cells: Int
    /// Square microns (the library declares no area unit; liberty convention).
    public var area: Double
    public var cellsByType: [String: Int]
    public var areaByType: [String: Double]
    public var flipFlops: Int
    /// ns. Units: worst input-to-output path. PEs and cells: worst path into a register.
    public var delay: Double
    /// ns, PEs and cells: worst register-to-register path, and the shortest clock period any
    /// path into a register allows (setup included).
    public var regToReg: Double?
    public var minPeriod: Double?
    /// Per operation (units) or per cycle = per MAC (PEs, cells), pJ: dynamic (internal +
    /// switching, clock pins included), leakage energy over one period, and their sum.
    public var dynamicEnergy: Double
    public var leakageEnergy: Double
    public var energy: Double
    /// The flip-flops' share of `energy` (pJ), clock pins included.
    public var registerEnergy: Double
    /// pJ per cycle one flip-flop draws with a still D (clock pin and leakage), when it has any.
    public var flipFlopClockEnergy: Double?
    /// Output transitions of all cells per operation in the simulation of this netlist.
    public var togglesPerOperation: Double
    /// The netlist proven equal to the pre-mapping netlist (hence to the RTL).
    public var proven: Bool

    enum CodingKeys: String, CodingKey {
        case cells, area, delay, energy, proven
        case cellsByType = "cells_by_type", areaByType = "area_by_type", flipFlops = "flip_flops"
        case regToReg = "reg_to_reg_ns", minPeriod = "min_period_ns", dynamicEnergy = "dynamic_pj"
        case leakageEnergy = "leakage_pj", registerEnergy = "register_pj", togglesPerOperation = "toggles_per_op"
        case flipFlopClockEnergy = "flip_flop_clock_pj"
    }

    public var fmaxMHz: Double? { minPeriod.map { 1000 / $0 } }
}

/// What one array adds to its cells: the glue (skew registers, drain control), mapped with the
/// cell as a black box, and energy per MAC of the whole array at full utilisation.
public struct ArrayLibertyFigures: Codable, Sendable, Equatable {
    public var cells: Int
    public var area: Double
    public var glueCells: Int
    public var glueArea: Double
    public var glueFlipFlops: Int
    /// pJ per MAC: the cells' energy per cycle plus the glue's clock and leakage energy, over R*C.
    public var energyPerMAC: Double

    enum CodingKeys: String, CodingKey {
        case cells, area
        case glueCells = "glue_cells", glueArea = "glue_area", glueFlipFlops = "glue_flip_flops", energyPerMAC = "energy_per_mac_pj"
    }
}

public struct PowerAnalysis: Sendable {
    public var liberty: LibertyFlow
    public var timing = StaticTiming()
    /// Beats per PE job (clear on the first, `last` on the final one) in the PE and cell runs.
    public var jobLength = 32

    public init(liberty: LibertyFlow) { self.liberty = liberty }

    static func r(_ x: Double, _ digits: Int) -> Double {
        let p = pow(10, Double(digits)); return (x * p).rounded() / p
    }

    /// Figures of a mapped design, given its simulated activity.
    func figures(_ m: LibertyFlow.Mapped, top: String, sequential: Bool, activity: CellNetlist.Activity) throws -> LibertyFigures {
        let t = try timing.run(netlist: "liberty.v", top: top, sequential: sequential, liberty: liberty.libertyPath, dir: m.directory)
        let period = timing.period
        var dynamic = 0.0, leakage = 0.0, registers = 0.0, check = 0.0, flipFlopIdle: [Double] = []
        for (i, inst) in m.netlist.instances.enumerated() {
            guard let p0 = t.power0[inst.name], let p1 = t.power1[inst.name] else {
                throw SynthesisFlow.Failure(description: "\(top): OpenSTA reported no power for instance \(inst.name)")
            }
            let p = InstancePower(dynamic0: p0.internal_ + p0.switching, dynamic1: p1.internal_ + p1.switching, leakage: p0.leakage)
            let e = p.dynamic(activity: activity.perCycle(i))
            dynamic += e
            leakage += p.leakage
            check += p.dynamic(activity: 0.2) + p.leakage
            if liberty.library.cells[inst.type]?.isSequential == true { registers += e + p.leakage; flipFlopIdle.append(p.dynamic0 + p.leakage) }
        }
        guard abs(check - t.total02) <= 1e-3 * max(t.total02, 1e-12) else {
            throw SynthesisFlow.Failure(description: "\(top): per-instance power at activity 0.2 (\(check) W) does not add up to OpenSTA's total (\(t.total02) W); the linear activity model does not hold for this library")
        }
        // W x ns = nJ; x 1000 = pJ
        let pj = { (w: Double) in w * period * 1000 }
        return LibertyFigures(cells: m.cells, area: Self.r(m.area, 1), cellsByType: m.cellsByType, areaByType: m.areaByType.mapValues { Self.r($0, 1) },
                              flipFlops: m.flipFlops, delay: Self.r(t.worstDelay, 3), regToReg: t.regToReg.map { Self.r($0, 3) },
                              minPeriod: t.minPeriod.map { Self.r($0, 3) }, dynamicEnergy: Self.r(pj(dynamic), 4),
                              leakageEnergy: Self.r(pj(leakage), 6), energy: Self.r(pj(dynamic + leakage), 4),
                              registerEnergy: Self.r(pj(registers), 4),
                              flipFlopClockEnergy: flipFlopIdle.isEmpty ? nil : Self.r(pj(flipFlopIdle.reduce(0, +) / Double(flipFlopIdle.count)), 5),
                              togglesPerOperation: Self.r(activity.total, 2), proven: m.proven)
    }

    /// A unit: the activity operands as 64 lanes of consecutive operations, every output checked
    /// against the golden model.
    public func unit(_ unit: ArithmeticUnit, sources: [String], dir: String, operations: Int, seed: UInt64, proofTimeout: Int) throws -> LibertyFigures {
        let m = try liberty.map(sources: sources, top: unit.moduleName, dir: dir, proofTimeout: proofTimeout)
        let cycles = operations / 64
        let (a, b) = SynthesisFlow.activityOperands(unit.format, count: cycles * 64, seed: seed)
        let golden = unit.golden
        let n = m.netlist
        let activity = try n.simulate(cycles: cycles, drive: { cycle, nets in
            n.set("a", (0..<64).map { UInt64(a[$0 * cycles + cycle]) }, &nets)
            n.set("b", (0..<64).map { UInt64(b[$0 * cycles + cycle]) }, &nets)
        }, observe: { cycle, nets in
            for lane in 0..<64 {
                let i = lane * cycles + cycle
                let y = UInt32(n.value("y", lane: lane, nets))
                guard y == golden(a[i], b[i]) else {
                    throw SynthesisFlow.Failure(description: "\(unit.moduleName): the liberty netlist gives \(y) for a=\(a[i]) b=\(b[i]); the golden model gives \(golden(a[i], b[i]))")
                }
            }
        })
        return try figures(m, top: unit.moduleName, sequential: false, activity: activity)
    }

    /// A PE: the same operand lanes as its unit, one MAC per cycle, a job every `jobLength` beats.
    public func pe(_ unit: ArithmeticUnit, top: String, sources: [String], dir: String, operations: Int, seed: UInt64, proofTimeout: Int) throws -> LibertyFigures {
        let m = try liberty.map(sources: sources, top: top, dir: dir, proofTimeout: proofTimeout)
        let cycles = operations / 64
        let (a, b) = SynthesisFlow.activityOperands(unit.format, count: cycles * 64, seed: seed)
        let n = m.netlist
        let activity = try n.simulate(cycles: cycles, drive: { cycle, nets in
            n.set("a", (0..<64).map { UInt64(a[$0 * cycles + cycle]) }, &nets)
            n.set("b", (0..<64).map { UInt64(b[$0 * cycles + cycle]) }, &nets)
            n.set("valid", [UInt64](repeating: 1, count: 64), &nets)
            n.set("clear", [UInt64](repeating: cycle % jobLength == 0 ? 1 : 0, count: 64), &nets)
        })
        return try figures(m, top: top, sequential: true, activity: activity)
    }

    /// An array cell: operands and job flags as the PE gets them, `load` the cycle after each
    /// job's last beat, and the drain input from the neighbouring lane's drain output (the 64
    /// lanes form one ring-shaped row, so the drain stages shift every cycle as in the array).
    public func cell(_ unit: ArithmeticUnit, top: String, sources: [String], dir: String, operations: Int, seed: UInt64, proofTimeout: Int) throws -> LibertyFigures {
        let m = try liberty.map(sources: sources, top: top, dir: dir, proofTimeout: proofTimeout)
        let cycles = operations / 64
        let (a, b) = SynthesisFlow.activityOperands(unit.format, count: cycles * 64, seed: seed)
        let n = m.netlist
        let k = jobLength
        let flag = { (on: Bool) in [UInt64](repeating: on ? 1 : 0, count: 64) }
        let activity = try n.simulate(cycles: cycles, drive: { cycle, nets in
            n.set("a_in", (0..<64).map { UInt64(a[$0 * cycles + cycle]) }, &nets)
            n.set("b_in", (0..<64).map { UInt64(b[$0 * cycles + cycle]) }, &nets)
            n.set("rst", flag(cycle == 0), &nets)
            n.set("valid_in", flag(true), &nets)
            n.set("clear_in", flag(cycle % k == 0), &nets)
            n.set("last_in", flag(cycle % k == k - 1), &nets)
            n.set("load", flag(cycle % k == 1 && cycle > 1), &nets)
            // the drain outputs are register outputs, already set for this cycle
            for (port, from) in [("drain_in", "drain_out"), ("drain_invalid_in", "drain_invalid_out"), ("drain_valid_in", "drain_valid_out")] {
                guard let ins = n.inputs[port], let outs = n.outputs[from] else { continue }
                for (i, o) in zip(ins, outs) { let w = nets[o]; nets[i] = (w << 1) | (w >> 63) }
            }
        })
        return try figures(m, top: top, sequential: true, activity: activity)
    }

    /// An array's glue (cell as a black box): its cells, area and flip-flops; the energy per MAC
    /// of the array from the cell's and the glue flip-flops' clock and leakage energy.
    public func array(top: String, sources: [String], cellFile: String, dir: String, rows: Int, cols: Int,
                      cell: LibertyFigures) throws -> ArrayLibertyFigures {
        let g = try liberty.map(sources: sources, top: top, dir: dir, blackBoxes: [cellFile], proofTimeout: 1)
        let n = rows * cols
        var glueLeak = 0.0
        let toNW = liberty.library.leakageToNanowatts ?? 1
        for (t, c) in g.cellsByType { glueLeak += Double(c) * (liberty.library.cells[t]?.leakage ?? 0) * toNW }
        // in nW (the library's unit scaled when it was read): nW x ns = 1e-6 pJ
        let glueEnergy = Double(g.flipFlops) * (cell.flipFlopClockEnergy ?? 0) + glueLeak * timing.period * 1e-6
        return ArrayLibertyFigures(cells: n * cell.cells + g.cells, area: Self.r(Double(n) * cell.area + g.area, 1), glueCells: g.cells,
                                   glueArea: Self.r(g.area, 1), glueFlipFlops: g.flipFlops,
                                   energyPerMAC: Self.r((Double(n) * cell.energy + glueEnergy) / Double(n), 4))
    }
}

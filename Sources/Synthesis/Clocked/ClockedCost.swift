import FloatArith
import Foundation
import Generation
import Toolchain
import Units

/// Cost of a clocked design (issue 23 item 4): a pipelined unit `_p<S>` between input and output
/// registers (the wrapper `--clock-ns` times), or a PE with a pipelined multiplier. The design is
/// mapped to the liberty cells with the same yosys commands as `--clock-ns` (synth -flatten,
/// dfflibmap, abc -liberty: registers are mapped, never retimed), the mapped sequential netlist is
/// proven equal to the RTL (yosys-abc `dsec`: a miter of the two netlists, both from the all-zero
/// register state, closed by induction with register correspondence), timed by OpenSTA with a
/// clock on `clk` (register-to-register minimum period, setup included) and simulated cycle by
/// cycle with a new operand pair every cycle on 64 lanes for the activity.
///
/// Energy per cycle splits into three parts, each as OpenSTA's power model gives it: the data
/// part (internal and switching power of every pin but the clock, at the toggles the simulation
/// counts), the clock part (every flip-flop's clock-pin power, drawn every cycle whatever its D
/// does) and leakage. OpenSTA charges the first two per transition (power = energy x toggles /
/// period), so their energy per cycle does not depend on the period; leakage is a power, so its
/// energy is leakage power x period. `energy(atMHz:)` is therefore exact for any clock from one
/// measurement (the constraint period of the timing run only names the clock; the minimum
/// period is the constraint minus the worst slack).
public struct ClockedFigures: Codable, Sendable, Equatable {
    /// The measured module (`fpmul_e4m3_p2`, `pe_lmul_e4m3_p1`) and the timed top (the wrapper for units).
    public var module: String
    public var top: String
    public var stages: Int
    public var cells: Int
    /// Square microns, every cell counted (flip-flops included).
    public var area: Double
    public var flipFlops: Int
    public var flipFlopArea: Double
    /// Flip-flops the wrapper adds (units: registers on a, b and y), counted in the figures above.
    public var wrapperFlipFlops: Int
    /// ns: OpenSTA's minimum period over every path into a register (setup included), and the
    /// worst register-to-register arrival.
    public var minPeriod: Double
    public var regToReg: Double
    /// pJ per cycle: data-pin dynamic energy at the measured activity, and every flip-flop's clock energy.
    public var dataEnergy: Double
    public var clockEnergy: Double
    /// nW, all cells.
    public var leakagePower: Double
    /// Output toggles of all cells per cycle in the simulation.
    public var togglesPerCycle: Double
    /// How the mapped netlist was proven equal to the RTL.
    public var proof: String

    enum CodingKeys: String, CodingKey {
        case module, top, stages, cells, area, proof
        case flipFlops = "flip_flops", flipFlopArea = "flip_flop_area", wrapperFlipFlops = "wrapper_flip_flops"
        case minPeriod = "min_period_ns", regToReg = "reg_to_reg_ns", dataEnergy = "data_pj_per_cycle"
        case clockEnergy = "clock_pj_per_cycle", leakagePower = "leakage_nw", togglesPerCycle = "toggles_per_cycle"
    }

    public var fmaxMHz: Double { 1000 / minPeriod }
    /// Meets a clock of `mhz` (the minimum period at most the clock's period).
    public func meets(mhz: Double) -> Bool { minPeriod <= 1000 / mhz + 1e-9 }
    /// pJ of leakage over one period of `mhz` (1 nW x 1 ns = 1e-6 pJ).
    public func leakageEnergy(atMHz mhz: Double) -> Double { leakagePower * (1000 / mhz) * 1e-6 }
    /// pJ per cycle (= per operation: one new pair every cycle) at a clock of `mhz`.
    public func energy(atMHz mhz: Double) -> Double { dataEnergy + clockEnergy + leakageEnergy(atMHz: mhz) }
}

/// What to measure: a design's Verilog files (dependencies first), its top and how to drive it.
public struct ClockedDesign: Sendable {
    public enum Kind: Sendable {
        /// A (pipelined) unit; measured inside `clocked_<module>` with a, b and y registered.
        case unit(ArithmeticUnit)
        /// A PE whose multiplier has `unit.stages` stages; driven like `PowerAnalysis.pe`.
        case pe(ProcessingElement)
    }
    public var kind: Kind
    /// The measured module and its files (name -> Verilog), dependencies first.
    public var module: String
    public var files: [(name: String, text: String)]

    public init(kind: Kind, module: String, files: [(name: String, text: String)]) {
        self.kind = kind
        self.module = module
        self.files = files
    }

    public var stages: Int {
        switch kind {
        case .unit(let u): return u.stages
        case .pe(let p): return p.unit.stages
        }
    }

    /// The timed top: the unit's register wrapper, or the PE itself.
    public var top: String {
        switch kind {
        case .unit: return "clocked_\(module)"
        case .pe: return module
        }
    }

    /// Cycles from a pair on the inputs to its result on `y` (units, in the wrapper).
    var latency: Int { stages + 2 }

    /// The files with the unit's wrapper appended: registers on a and b, the unit, a register on y.
    var allFiles: [(name: String, text: String)] {
        guard case .unit(let u) = kind else { return files }
        let n = u.format.width
        let clk = u.stages > 0 ? ".clk(clk), " : ""
        let w = """
        // \(top): \(module) between input and output registers (rtlgen synth --clocks), so that every
        // path is register to register; the same wrapper rtlgen --clock-ns times.
        module \(top) (
          input clk,
          input [\(n - 1):0] a,
          input [\(n - 1):0] b,
          output [\(n - 1):0] y
        );
          reg [\(n - 1):0] a_q;
          reg [\(n - 1):0] b_q;
          reg [\(n - 1):0] y_q;
          wire [\(n - 1):0] y_d;
          \(module) unit (\(clk).a(a_q), .b(b_q), .y(y_d));
          always @(posedge clk) begin
            a_q <= a;
            b_q <= b;
            y_q <= y_d;
          end
          assign y = y_q;
        endmodule

        """
        return files + [("\(top).v", w)]
    }
}

/// The measurement (one cost job each, `ClockedCost.job`).
public struct ClockedCost: Sendable {
    public var liberty: LibertyFlow
    /// The constraint period of the timing run, ns (names the clock; see `ClockedFigures`).
    public var constraintPeriod = 10.0
    /// Operand pairs simulated for the activity (64 lanes x operations/64 cycles) and their seed.
    public var operations = 65_536
    public var seed: UInt64 = 1
    /// Seconds yosys-abc `dsec` may spend on one proof (against the RTL, then the fallback).
    public var proofTimeout = 120
    /// Beats per PE job (clear on the first), as `PowerAnalysis.jobLength`.
    public var jobLength = 32
    /// Drive every operand 0 (a test of the clock and leakage parts: no data activity).
    public var constantOperands = false

    public init(liberty: LibertyFlow) { self.liberty = liberty }

    public static let proofMethod = "yosys-abc dsec (sequential miter of the RTL and the mapped netlist, both from all-zero registers; induction with register correspondence; registers are not retimed)"

    public var conditions: String {
        "each unit between input and output registers (a, b, y; their flip-flops counted at every S), each PE as it is (inputs arriving at the clock edge, as from the neighbouring registers of an array); "
            + "\(liberty.library.name) typical corner; OpenSTA with a clock on clk, input and output delays 0, ideal clock, \(StaticTiming().outputLoad) pF per output; fmax = 1 / minimum period (setup included); "
            + "energy per cycle = data-pin dynamic energy at zero-delay activity (N(0, 1) operands rounded to the format, a new pair every cycle, seed \(seed), \(operations) pairs) + every flip-flop's clock-pin energy + leakage over the period; "
            + "not counted: wires (no wire-load model), the clock tree, input drivers, glitches"
    }

    /// The job's key inputs: the files, the backend (with its code directories' fingerprint), the parameters.
    public func job(_ design: ClockedDesign, backend: ClockedBackend) throws -> CostJob {
        var job = CostJob("clocked \(design.module)")
        for (i, f) in design.allFiles.enumerated() { job.addData("rtl.\(i).\(f.name)", Data(f.text.utf8)) }
        try job.add(backend: backend)
        job.add("clocked.constraint_period_ns", String(constraintPeriod))
        job.add("clocked.operations", String(operations))
        job.add("clocked.seed", String(seed))
        job.add("clocked.proof_timeout", String(proofTimeout))
        job.add("clocked.job_length", String(jobLength))
        job.add("clocked.top", design.top)
        if constantOperands { job.add("clocked.constant_operands", "true") }
        return job
    }

    /// The cached figures of `design`, measured in `work/<top>` when the cache has none.
    public func figures(_ design: ClockedDesign, backend: ClockedBackend, cache: CostCache?, work: String) throws -> ClockedFigures {
        guard let cache else { return try measure(design, work: work) }
        return try cache.result(try job(design, backend: backend)) { try measure(design, work: work) }
    }

    /// Maps, proves, times and simulates `design` in `work/<top>`.
    public func measure(_ design: ClockedDesign, work: String) throws -> ClockedFigures {
        let fm = FileManager.default
        let dir = (work as NSString).appendingPathComponent(design.top)
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let files = design.allFiles
        for f in files { try f.text.write(toFile: (dir as NSString).appendingPathComponent(f.name), atomically: true, encoding: .utf8) }
        let names = files.map(\.name).joined(separator: " ")
        let lib = liberty.libertyPath.hasPrefix("/") ? liberty.libertyPath : (fm.currentDirectoryPath as NSString).appendingPathComponent(liberty.libertyPath)
        let top = design.top
        let read = "read_verilog -noautowire \(names)\nhierarchy -check -top \(top)\nproc; flatten; opt_clean\n"
        // The reference: the RTL bit-blasted without optimisation (as synth/flow.ys `gold:`),
        // flip-flops as plain rising-edge D flip-flops.
        let gold = read + "techmap\ndfflegalize -cell $_DFF_P_ x\ntechmap\nopt_clean\nwrite_blif gold.blif\n"
        // The mapping of rtlgen --clock-ns, then the proof netlist: each cell by its liberty function.
        let dffs = liberty.library.cells.values.filter { $0.isSequential && $0.inputs.count == 2 && $0.flipFlop?.next == .variable("D") }.map(\.name).sorted()
        let dffMap = dffs.map { "module \($0) (input CLK, input D, output Q);\n  \\$_DFF_P_ _TECHMAP_REPLACE_ (.C(CLK), .D(D), .Q(Q));\nendmodule\n" }.joined()
        try dffMap.write(toFile: (dir as NSString).appendingPathComponent("dffmap.v"), atomically: true, encoding: .utf8)
        let map = read + """
        synth -flatten -noabc -top \(top)
        dfflegalize -cell $_DFF_P_ x
        opt_clean
        design -save pre
        techmap
        opt_clean
        write_blif pre.blif
        design -load pre
        dfflibmap -liberty \(lib)
        abc -liberty \(lib)
        opt_clean
        rename -enumerate
        setundef -zero
        opt_clean -purge
        write_verilog -noattr -noexpr -simple-lhs liberty.v
        write_json liberty.json
        techmap -map dffmap.v
        read_liberty -ignore_miss_func \(lib)
        flatten
        techmap
        opt_clean
        write_blif gate.blif

        """
        for (name, script) in [("gold.ys", gold), ("map.ys", map)] {
            try script.write(toFile: (dir as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
            let y = try Tools.run("yosys", ["-q", name], in: dir,
                                  limit: ToolBudget.synthesis(bytes: files.reduce(0) { $0 + $1.text.utf8.count }))
            if let stopped = y.timeLimitMessage(on: "\(top) (\(name))") { throw SynthesisFlow.Failure(description: stopped) }
            guard y.status == 0 else {
                let line = y.output.split(separator: "\n").first { $0.contains("ERROR") } ?? "exit \(y.status)"
                throw SynthesisFlow.Failure(description: "\(top): yosys \(name) failed: \(line) (script \(dir)/\(name))")
            }
        }
        let proof = try prove(top: top, dir: dir)
        let json = try Data(contentsOf: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("liberty.json")))
        let netlist = try CellNetlist(json: json, module: top, library: liberty.library)
        let activity = try simulate(design, netlist)
        var timing = StaticTiming()
        timing.period = constraintPeriod
        let t = try timing.run(netlist: "liberty.v", top: top, sequential: true, liberty: lib, dir: dir)
        guard let minPeriod = t.minPeriod, let regToReg = t.regToReg else {
            throw SynthesisFlow.Failure(description: "\(top): OpenSTA gave no register-to-register period (files in \(dir))")
        }
        var data = 0.0, clock = 0.0, leakage = 0.0, area = 0.0, ffArea = 0.0, ffs = 0
        for (i, inst) in netlist.instances.enumerated() {
            guard let p0 = t.power0[inst.name], let p1 = t.power1[inst.name], let cell = liberty.library.cells[inst.type] else {
                throw SynthesisFlow.Failure(description: "\(top): OpenSTA reported no power for instance \(inst.name)")
            }
            let d0 = p0.internal_ + p0.switching, d1 = p1.internal_ + p1.switching
            // W x ns = nJ; x 1000 = pJ
            data += (d1 - d0) * activity.perCycle(i) * constraintPeriod * 1000
            leakage += p0.leakage * 1e9
            area += cell.area
            if cell.isSequential {
                clock += d0 * constraintPeriod * 1000
                ffArea += cell.area
                ffs += 1
            } else {
                data += d0 * constraintPeriod * 1000      // a combinational cell's power at activity 0 (none in this library)
            }
        }
        let r = { (x: Double, d: Double) in (x * pow(10, d)).rounded() / pow(10, d) }
        let wrapper: Int
        if case .unit(let u) = design.kind { wrapper = 3 * u.format.width } else { wrapper = 0 }
        return ClockedFigures(module: design.module, top: top, stages: design.stages, cells: netlist.instances.count, area: r(area, 1),
                              flipFlops: ffs, flipFlopArea: r(ffArea, 1), wrapperFlipFlops: wrapper, minPeriod: r(minPeriod, 3),
                              regToReg: r(regToReg, 3), dataEnergy: r(data, 4), clockEnergy: r(clock, 4), leakagePower: r(leakage, 1),
                              togglesPerCycle: r(activity.total, 2), proof: proof)
    }

    /// The proof, named as the figures give it: yosys-abc `dsec` of the mapped netlist against the
    /// RTL; when that does not finish within `proofTimeout` (the exact multipliers' significand
    /// product, restructured by yosys' word-level synthesis, as in the combinational flow's †
    /// units), against yosys' netlist before the library mapping (pre.blif) instead, which the
    /// name then says. A difference, or no proof either way, is an error.
    func prove(top: String, dir: String) throws -> String {
        let abc = try Tools.find("yosys-abc")
        func dsec(_ gold: String, _ limit: Int) throws -> Bool? {
            let r = try Tools.run("timeout", ["-s", "KILL", String(limit), abc, "-c", "dsec \(gold) gate.blif"], in: dir,
                                  limit: ToolBudget.bounded(by: limit, option: "--proof-timeout"))
            if let stopped = r.timeLimitMessage(on: "\(top) (dsec \(gold))") { throw SynthesisFlow.Failure(description: stopped) }
            if [124, 137, 9].contains(r.status) { return nil }
            if r.output.contains("Networks are equivalent") { return true }
            let line = r.output.split(separator: "\n").first { $0.contains("NOT EQUIVALENT") || $0.contains("rror") || $0.contains("UNDECIDED") } ?? "yosys-abc exit \(r.status)"
            throw SynthesisFlow.Failure(description: "\(top): the mapped netlist is not proven equal to \(gold) (\(line.trimmingCharacters(in: .whitespaces))); files in \(dir)")
        }
        if try dsec("gold.blif", proofTimeout) == true { return Self.proofMethod }
        guard try dsec("pre.blif", proofTimeout) == true else {
            throw SynthesisFlow.Failure(description: "\(top): yosys-abc dsec proved the mapped netlist equal neither to the RTL nor to yosys' pre-mapping netlist within \(proofTimeout) s each (files in \(dir))")
        }
        return Self.preMappingProof(proofTimeout)
    }

    /// The fallback proof's name.
    public static func preMappingProof(_ seconds: Int) -> String {
        "yosys-abc dsec against yosys' netlist before the library mapping (the proof against the RTL did not finish within \(seconds) s: yosys' word-level synthesis of the significand product is trusted, not proven)"
    }

    /// The activity: a new operand pair every cycle on 64 lanes (N(0, 1) operands rounded to the
    /// format, as every other energy figure). A unit's output is checked against the golden model
    /// `latency` cycles after its pair; a PE gets valid every cycle and clear every `jobLength`.
    func simulate(_ design: ClockedDesign, _ n: CellNetlist) throws -> CellNetlist.Activity {
        let format: FloatFormat
        switch design.kind {
        case .unit(let u): format = u.format
        case .pe(let p): format = p.format
        }
        let cycles = operations / 64
        var (a, b) = SynthesisFlow.activityOperands(format, count: cycles * 64, seed: seed)
        if constantOperands { (a, b) = ([UInt32](repeating: 0, count: a.count), [UInt32](repeating: 0, count: b.count)) }
        switch design.kind {
        case .unit(let u):
            let golden = u.golden
            let late = design.latency
            return try n.simulate(cycles: cycles, drive: { cycle, nets in
                n.set("a", (0..<64).map { UInt64(a[$0 * cycles + cycle]) }, &nets)
                n.set("b", (0..<64).map { UInt64(b[$0 * cycles + cycle]) }, &nets)
            }, observe: { cycle, nets in
                guard cycle >= late else { return }
                for lane in 0..<64 {
                    let i = lane * cycles + cycle - late
                    let y = UInt32(n.value("y", lane: lane, nets))
                    guard y == golden(a[i], b[i]) else {
                        throw SynthesisFlow.Failure(description: "\(design.top): the mapped netlist gives \(y) for a=\(a[i]) b=\(b[i]) \(late) cycles later; the golden model gives \(golden(a[i], b[i]))")
                    }
                }
            })
        case .pe:
            let k = jobLength
            return try n.simulate(cycles: cycles, drive: { cycle, nets in
                n.set("a", (0..<64).map { UInt64(a[$0 * cycles + cycle]) }, &nets)
                n.set("b", (0..<64).map { UInt64(b[$0 * cycles + cycle]) }, &nets)
                n.set("valid", [UInt64](repeating: 1, count: 64), &nets)
                n.set("clear", [UInt64](repeating: cycle % k == 0 ? 1 : 0, count: 64), &nets)
            })
        }
    }
}

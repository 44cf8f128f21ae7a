import ArgumentParser
import Foundation
import HDL
import Synthesis
import Toolchain
import Units

/// `--clock-ns T`: the least number of register stages S with which a unit meets a clock period in
/// the standard-cell flow. Each candidate `_p<S>` is placed between input and output registers
/// (so every path, including the first and last stage, is register to register), mapped to the
/// liberty cells with LibertyFlow's yosys commands and timed with OpenSTA; its minimum period
/// (setup included) must be at most T.
/// S grows from 0 until T is met, or until the delay model can shorten no stage further (more
/// stages would only add registers) or `limit` stages: then T is refused as impossible.
struct ClockSearch {
    var liberty = LibertyLibrary.defaultPath
    var workDirectory = "build/clock-ns"
    var limit = 12

    static func checkTools() throws {
        do { try LibertyFlow.checkTools(liberty: LibertyLibrary.defaultPath) } catch let f as SynthesisFlow.Failure {
            throw UsageError("--clock-ns needs the standard-cell flow: \(f.description)")
        }
        try RTLGenCommands.checkTools(["yosys", "yosys-abc"])
    }

    /// One candidate's measured minimum period, ns.
    struct Trial { var stages: Int; var minPeriod: Double; var estimate: Double }

    /// Each unit with the least S that meets `period`; prints the choice. An impossible target
    /// prints one line and exits 64 (nothing is written).
    func choose(_ units: [ArithmeticUnit], period: Double) throws -> [ArithmeticUnit] {
        var chosen: [ArithmeticUnit] = []
        for unit in units {
            var trials: [Trial] = []
            var met: ArithmeticUnit?
            var lastEstimate = Double.infinity
            for s in 0...limit {
                let u = unit.withStages(s)
                let estimate = try u.elaboratePlanned().plan?.stageDelays.max() ?? 0
                if s > 0, estimate >= lastEstimate { break }     // no stage gets shorter: more registers cannot help
                lastEstimate = s == 0 ? .infinity : estimate
                let t = Trial(stages: s, minPeriod: try minPeriod(u), estimate: estimate)
                trials.append(t)
                if t.minPeriod <= period { met = u; break }
            }
            let tried = trials.map { "S=\($0.stages): \(ns3($0.minPeriod, 3)) ns" }.joined(separator: ", ")
            guard let met else {
                let best = trials.min { $0.minPeriod < $1.minPeriod }!
                StandardStreams.writeError(Data(("rtlgen: error: --clock-ns \(ns3(period, 3)) cannot be met by \(unit.withStages(0).moduleName): "
                    + "its shortest period is \(ns3(best.minPeriod, 3)) ns at S=\(best.stages) (tried \(tried)); give --clock-ns \(ns3((best.minPeriod * 1000).rounded(.up) / 1000, 3)) or more\n").utf8))
                throw ExitCode.validationFailure
            }
            print("clock \(ns3(period, 3)) ns: \(unit.withStages(0).moduleName) needs S=\(met.stages), \(met.moduleName) (minimum period between input and output registers, osu018 + OpenSTA: \(tried))")
            chosen.append(met)
        }
        return chosen
    }

    /// The unit's wrapper `clocked_<module>`: registers on a and b, the unit, a register on y.
    static func wrapper(_ unit: ArithmeticUnit) throws -> Module {
        let n = unit.format.width
        let m = ModuleBuilder("clocked_\(unit.moduleName)")
        m.doc = ["clocked_\(unit.moduleName): \(unit.moduleName) between input and output registers, for timing register to register (--clock-ns)"]
        let clk = m.clock()
        let a = m.input("a", n), b = m.input("b", n)
        let ra = m.register("a_q", n, comment: "input register"), rb = m.register("b_q", n, comment: "input register")
        m.next(ra, a)
        m.next(rb, b)
        var conn = ["a": ra, "b": rb]
        if unit.stages > 0 { conn["clk"] = clk }
        let y = m.instance(try unit.elaborate(), "unit", conn)["y"]!
        let ry = m.register("y_q", n, comment: "output register")
        m.next(ry, y)
        m.output("y", ry)
        return try m.finish()
    }

    /// Minimum period of `unit` between registers, ns (setup included), from OpenSTA on its osu018 netlist.
    func minPeriod(_ unit: ArithmeticUnit) throws -> Double {
        let fm = FileManager.default
        let dir = (workDirectory as NSString).appendingPathComponent(unit.moduleName)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let wrap = try Self.wrapper(unit)
        let unitFile = (dir as NSString).appendingPathComponent(unit.fileName)
        let wrapFile = (dir as NSString).appendingPathComponent("\(wrap.name).v")
        try unit.verilog().write(toFile: unitFile, atomically: true, encoding: .utf8)
        try VerilogEmitter.emit(wrap).write(toFile: wrapFile, atomically: true, encoding: .utf8)
        // The liberty mapping of LibertyFlow (synth -flatten, dfflibmap, abc -liberty). Not
        // SynthesisFlow.synthesize: its flip-flop-by-name proof fails on pipelines whose register
        // bits yosys merges or finds constant after bit-blasting (a pipeline's registers are
        // checked by simulation at the latency and by register mutants instead).
        let script = """
        read_verilog -noautowire \(unit.fileName) \(wrap.name).v
        hierarchy -check -top \(wrap.name)
        synth -flatten -noabc -top \(wrap.name)
        dfflegalize -cell $_DFF_P_ x
        opt_clean
        dfflibmap -liberty \(liberty)
        abc -liberty \(liberty)
        opt_clean
        rename -enumerate
        setundef -zero
        opt_clean -purge
        write_verilog -noattr -noexpr -simple-lhs liberty.v

        """
        try script.write(toFile: (dir as NSString).appendingPathComponent("liberty.ys"), atomically: true, encoding: .utf8)
        let y = try Tools.run("yosys", ["-q", "liberty.ys"], in: dir,
                              limit: ToolBudget.synthesis(sources: [unitFile, wrapFile]))
        if let stopped = y.timeLimitMessage(on: "\(wrap.name) (liberty.ys)") { throw UsageError(stopped) }
        guard y.status == 0 else {
            throw UsageError("\(wrap.name): yosys liberty mapping failed: \(y.output.split(separator: "\n").first { $0.contains("ERROR") } ?? "exit \(y.status)") (script \(dir)/liberty.ys)")
        }
        do {
            let sta = try StaticTiming().run(netlist: "liberty.v", top: wrap.name, sequential: true, liberty: liberty, dir: dir)
            guard let p = sta.minPeriod else { throw UsageError("\(wrap.name): OpenSTA gave no register-to-register period") }
            return p
        } catch let f as SynthesisFlow.Failure {
            throw UsageError(f.description)
        }
    }
}

/// A period in ns with `digits` decimals (the figure OpenSTA printed, rounded for the message).
private func ns3(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

import FloatArith
import Foundation
@testable import Synthesis
import Testing
import Toolchain
import Units
import Verification

/// The MX dots' cost (issue 25 items 3 and 4): the job keys, the measured rows on the real tools,
/// the iCE40 "does not fit" reading, the report's ratios, and a gate-level mutant the sim-mx trace
/// must kill. Expected ratios are worked by hand from the rows given, not read from the code.
@Suite(.serialized) struct MXCostTests {
    func scratch() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("mxcost-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func design(_ k: UnitKind, _ f: FloatFormat = .e2m1fn, block: Int = 1) throws -> MXDotDesign {
        try MXDotDesign(k, try BlockFormat(element: f, blockSize: block))
    }

    func write(_ d: MXDotDesign, into dir: String) throws -> String {
        let path = dir + "/" + d.fileName
        try d.verilog().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func flow(work: String, power: Bool) throws -> SynthesisFlow {
        var f = SynthesisFlow()
        f.flowScript = SynthesisTests.synthDir + "/flow.ys"
        f.workDirectory = work
        if power { f.power = PowerAnalysis(liberty: try LibertyFlow(libertyPath: LibertyLibrary.defaultPath)) }
        return f
    }

    /// A job's key changes with the design, the activity blocks and nothing else, and covers the MX code.
    @Test(.enabled(if: Tools.available("yosys"))) func jobKeyFollowsTheDesign() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (l, f) = (try design(.lmul), try design(.fpmul))
        let (lf, ff) = (try write(l, into: dir), try write(f, into: dir))
        let mx = MXDotSynthesis(flow: try flow(work: dir + "/w", power: false))
        let a = try mx.job(l, file: lf)
        #expect(a.key == (try mx.job(l, file: lf)).key)
        #expect(a.key != (try mx.job(f, file: ff)).key, "another multiplier must be another job")
        // the same module name with other RTL (a one-character edit) is another job too
        try (try l.verilog() + "\n").write(toFile: lf, atomically: true, encoding: .utf8)
        #expect(a.key != (try mx.job(l, file: lf)).key)
        var more = mx
        more.blocks = 256
        #expect((try mx.job(f, file: ff)).key != (try more.job(f, file: ff)).key, "the activity run's size decides the energy")
        #expect(a.inputs["mxdot.version"] != nil && a.inputs["generic.version"] != nil)
    }

    /// nextpnr's utilisation lines: over the device is "does not fit" with the cells asked for.
    @Test func ice40OverUtilisationIsRead() {
        let over = "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:  6012/ 5280   113%\nInfo: \t        ICESTORM_RAM:     0/   30     0%\n"
        #expect(MXDotICE40.overUtilised(over) == 6012)
        #expect(MXDotICE40.overUtilised("Info: \t         ICESTORM_LC:  1824/ 5280    34%\n") == nil)
        #expect(MXDotICE40.overUtilised("") == nil)
    }

    /// The ratios inside the MX dot: approximate over exact, per element format, from the rows' figures.
    @Test func sectionRatiosAndRendering() throws {
        func row(_ k: UnitKind, transistors: Int, area: Double, energy: Double) -> MXDotSynthesis.Row {
            let lib = LibertyFigures(cells: 10, area: area, cellsByType: [:], areaByType: [:], flipFlops: 0, delay: 4, regToReg: nil, minPeriod: nil,
                                     dynamicEnergy: energy, leakageEnergy: 0, energy: energy, registerEnergy: 0, flipFlopClockEnergy: nil,
                                     togglesPerOperation: 1, proven: true)
            return MXDotSynthesis.Row(module: "mxdot_\(k.rawValue)_e4m3_k32", unit: k, element: "e4m3", blockSize: 32, gates: 1, transistors: transistors,
                                      depth: 1, proof: .proven, unprovenSteps: [], proofTimeout: 60, checkedBlocks: 8192, liberty: lib, libertyProven: true)
        }
        let rows = [row(.lmul, transistors: 1000, area: 300, energy: 16), row(.fpmul, transistors: 4000, area: 1200, energy: 64),
                    row(.fpmulFTZ, transistors: 2000, area: 600, energy: 32)]
        let fit = MXDotICE40.Row(module: "mxdot_fpmul_e4m3_k32", unit: .fpmul, element: "e4m3", blockSize: 32, fits: false, cellsNeeded: 6012, metrics: [])
        let s = MXDotSection(blocks: 8192, seed: 1, rows: rows, ice40: [fit])
        let r = try #require(s.ratios.first { $0.unit == .lmul && $0.baseline == .fpmul })
        #expect(r.transistors == 0.25)
        #expect(r.area == 0.25)
        #expect(r.energy == 0.25)
        #expect(r.delay == 1)
        let ftz: MXDotSection.Ratio? = s.ratios.first { $0.unit == .lmul && $0.baseline == .fpmulFTZ }
        #expect(ftz?.energy == 0.5)
        #expect(!s.ratios.contains { $0.unit == .fpmul }, "an exact multiplier is a baseline, not a row of its own")
        var report = SynthesisReport(tool: "yosys", flow: "flow.ys", activityOperations: 1, seed: 1, proofTimeout: 60, units: [])
        report.mx = s
        let md = report.markdown()
        #expect(md.contains("## MX block dot products") && md.contains("does not fit (6,012 needed)"))
        #expect(md.contains("| e4m3 | 32 | `lmul` | `fpmul` | 0.250 | 0.250 | 1.000 | 0.250 |"))
        // per MAC: 16 pJ per block of 32 is 0.5 pJ per MAC
        #expect(md.contains("| 16.000 | 0.5000 |"))
        let back = try SynthesisReport.load(try report.json())
        #expect(back.mx == s)
    }

    /// One small MX dot through the generic and standard-cell flows: every figure positive, every
    /// activity block checked, proven; stored once, read the second time.
    @Test(.enabled(if: Tools.available("yosys") && Tools.available("sta") && FileManager.default.fileExists(atPath: LibertyLibrary.defaultPath)))
    func measuredRowsArePositiveAndCached() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = try design(.lmul)
        let file = try write(d, into: dir)
        var f = try flow(work: dir + "/w", power: true)
        f.cache = CostCache(directory: dir + "/cache")
        var mx = MXDotSynthesis(flow: f)
        mx.blocks = 128
        let r = try mx.run(d, file: file)
        #expect(r.transistors > 0 && r.gates > 0 && r.depth > 0 && r.checkedBlocks == 128)
        #expect(r.proof == .proven && r.libertyProven == true, "\(r.unprovenSteps)")
        let l = try #require(r.liberty)
        #expect(l.area > 0 && l.delay > 0 && l.energy > 0 && l.cells > 0)
        let again = try mx.run(d, file: file)
        #expect(again == r && f.cache!.hits == 1 && f.cache!.measured == 1)
    }

    /// A one-gate change of an MX dot's gate netlist is caught by sim-mx's trace.
    @Test(.enabled(if: Tools.available("yosys") && Tools.available("iverilog"))) func gateMutantIsKilled() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var m = MXGateMutation(design: try design(.lmul, block: 2))
        m.count = 6
        m.random = 200
        m.buildDirectory = dir
        m.testbenchDirectory = repoRoot + "/testbench"
        let mutants = try m.run()
        #expect(mutants.count == 6)
        #expect(mutants.filter(\.killed).count >= 5, "\(MXGateMutation.render(m.design, mutants))")
    }
}

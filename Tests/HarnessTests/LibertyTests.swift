import FloatArith
import Foundation
@testable import Accuracy
@testable import Generation
@testable import Synthesis
@testable import Toolchain
@testable import Verification
import Testing
import Units

/// The standard-cell flow: the liberty reader, one unit mapped, timed and its energy measured
/// (consistent with the committed report), the proof catching a changed cell, a missing library.
@Suite(.serialized) struct LibertyTests {
    static let liberty = LibertyLibrary.defaultPath

    func scratch() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("libtest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func flow(work: String) throws -> SynthesisFlow {
        var f = SynthesisFlow()
        f.flowScript = SynthesisTests.synthDir + "/flow.ys"
        f.workDirectory = work
        f.power = PowerAnalysis(liberty: try LibertyFlow(libertyPath: Self.liberty))
        return f
    }

    @Test func parsesLibertyFunctions() throws {
        let e = try BoolExpr.parse("(A B)+!C")
        let w: [String: UInt64] = ["A": 0b1100, "B": 0b1010, "C": 0b0001]
        #expect(e.evaluate { w[$0]! } & 0xF == (0b1000 | 0b1110))
        #expect(try BoolExpr.parse("(A^B)").evaluate { w[$0]! } & 0xF == 0b0110)
        #expect(try BoolExpr.parse("!((A*B)|C')").evaluate { w[$0]! } & 0xF == 0b0001)
        #expect(throws: LibertyLibrary.ParseError.self) { try BoolExpr.parse("A &") }
        let lib = try LibertyLibrary(text: """
        library (tiny) { nom_voltage : 1.8; leakage_power_unit : "1nW"; /* comment */
          cell (NAND2X1) { area : 16; cell_leakage_power : 0.1;
            pin(A) { direction : input; } pin(B) { direction : input; }
            pin(Y) { direction : output; function : "(!(A B))"; timing() { values ("1, 2", \\
              "3, 4"); } } }
          cell (DFFPOSX1) { area : 96; ff (DS0000,P0002) { next_state : "D"; clocked_on : "CLK"; }
            pin(CLK) { direction : input; clock : true; } pin(D) { direction : input; }
            pin(Q) { direction : output; function : "DS0000"; } } }
        """)
        #expect(lib.name == "tiny" && lib.voltage == 1.8 && lib.leakageUnit == "1nW")
        #expect(lib.cells["NAND2X1"]?.area == 16 && lib.cells["NAND2X1"]?.inputs == ["A", "B"])
        #expect(lib.cells["NAND2X1"]?.outputs.first?.function.evaluate { w[$0]! } ?? 0 & 0xF == ~UInt64(0b1000))
        #expect(lib.cells["DFFPOSX1"]?.flipFlop?.state == "DS0000" && lib.cells["DFFPOSX1"]?.flipFlop?.next == .variable("D"))
    }

    /// The installed library reads as FACTS.md describes it.
    @Test func readsTheInstalledLibrary() throws {
        let lib = try LibertyLibrary(path: Self.liberty)
        #expect(lib.name == "osu018_stdcells" && lib.voltage == 1.8 && lib.cells.count == 32)
        #expect(lib.cells["FAX1"]?.outputs.count == 2 && lib.cells["DFFPOSX1"]?.isSequential == true)
        #expect(throws: SynthesisFlow.Failure.self) { try LibertyFlow.checkTools(liberty: "/nonexistent/osu018_stdcells.lib") }
        do { try LibertyFlow.checkTools(liberty: "/nonexistent/osu018_stdcells.lib") } catch {
            let text = "\(error)"
            #expect(!text.contains("\n") && text.contains("scripts/install-tools.sh"), "\(text)")
        }
    }

    /// One small unit mapped to the library: positive, self-consistent figures equal to the
    /// committed report's row, and a lower energy than the exact multiplier's.
    @Test func mapsOneUnitConsistentlyWithTheReport() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let f = try flow(work: work)
        let r = try f.run(ArithmeticUnit(.lmul, .e4m3), file: "\(rtlDir)/lmul_e4m3.v")
        let l = try #require(r.liberty)
        #expect(l.proven && l.cells > 0 && l.area > 0 && l.delay > 0 && l.energy > 0 && l.dynamicEnergy > 0 && l.leakageEnergy > 0)
        #expect(l.flipFlops == 0 && l.regToReg == nil && l.registerEnergy == 0)
        #expect(l.cellsByType.values.reduce(0, +) == l.cells)
        #expect(abs(l.areaByType.values.reduce(0, +) - l.area) < 1)
        #expect(abs(l.dynamicEnergy + l.leakageEnergy - l.energy) < 0.001)
        // the area is the library's cell areas times the counts (read independently here)
        let lib = try LibertyLibrary(path: Self.liberty)
        #expect(abs(l.cellsByType.reduce(0.0) { $0 + Double($1.value) * lib.cells[$1.key]!.area } - l.area) < 1)
        // yosys' own `stat -liberty` gives the same area
        let stat = try Tools.run("yosys", ["-q", "-p", "read_liberty -lib \(Self.liberty); read_verilog liberty.v; tee -o area.txt stat -liberty \(Self.liberty)"],
                                 in: work + "/lmul_e4m3", limit: ToolBudget.synthesis(sources: [work + "/lmul_e4m3/liberty.v"]))
        #expect(stat.status == 0)
        let text = try String(contentsOfFile: work + "/lmul_e4m3/area.txt", encoding: .utf8)
        let chip = text.split(separator: "\n").first { $0.contains("Chip area") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect(chip.map { abs($0 - l.area) < 1 } == true, "yosys stat -liberty: \(String(describing: chip)), ours \(l.area)")
        let report = try SynthesisTests().committed()
        #expect(report.units.first { $0.module == "lmul_e4m3" }?.liberty == l, "synth/report.json is stale for lmul_e4m3: run make synth")
        let exact = try #require(report.units.first { $0.module == "fpmul_e4m3" }?.liberty)
        #expect(l.energy < exact.energy && l.area < exact.area && l.delay < exact.delay)
    }

    /// One cell of the proven liberty netlist changed: `cec` finds the difference.
    @Test func theLibertyProofCatchesAOneCellChange() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        _ = try flow(work: work).run(ArithmeticUnit(.lmul, .e4m3), file: "\(rtlDir)/lmul_e4m3.v")
        let dir = work + "/lmul_e4m3"
        let lines = try String(contentsOfFile: "\(dir)/liberty.blif", encoding: .utf8).components(separatedBy: "\n")
        let names = try #require(lines.indices.first { lines[$0].hasPrefix(".names ") && lines[$0].split(separator: " ").count == 4 })
        var mutated = lines
        let row = mutated[names + 1]
        mutated[names + 1] = (row.first == "1" ? "0" : "1") + row.dropFirst()
        try mutated.joined(separator: "\n").write(toFile: "\(dir)/mutant.blif", atomically: true, encoding: .utf8)
        switch try SynthesisFlow.cec(dir: dir, gold: "pre.blif", gate: "mutant.blif", timeout: 60, miter: true) {
        case .different: break
        default: Issue.record("a changed cell in liberty.blif was not found")
        }
    }

    /// The committed report has standard-cell figures for every unit, PE, cell and array, and
    /// the array figures are their cells' plus glue (recomputed here).
    @Test func committedLibertyFiguresAddUp() throws {
        let report = try SynthesisTests().committed()
        #expect(report.libertySetup?.library == "osu018_stdcells")
        for u in report.units {
            let l = try #require(u.liberty, "\(u.module)")
            #expect(l.proven && l.area > 0 && l.energy > 0 && l.delay > 0, "\(u.module)")
            #expect(l.cellsByType.values.reduce(0, +) == l.cells)
        }
        for p in report.pes {
            let l = try #require(p.liberty), m = try #require(p.multiplierLiberty), c = try #require(p.cellLiberty)
            #expect(l.proven && c.proven && m.proven)
            #expect(l.flipFlops == p.flipFlops && c.flipFlops == p.cellFlipFlops, "\(p.module): the same registers as the generic netlist")
            #expect(m == report.units.first { $0.instance == ArithmeticUnit(p.unit, p.format) }?.liberty, "\(p.module): the multiplier alone is the unit's row")
            #expect(l.registerEnergy > 0 && l.registerEnergy < l.energy && (l.minPeriod ?? 0) > (l.regToReg ?? .infinity) - 1)
            #expect(c.energy > l.energy && c.area > l.area)
        }
        for a in report.arrays {
            let l = try #require(a.liberty), c = try #require(report.pes.first { $0.unit == a.unit && $0.accumulation == a.accumulation }?.cellLiberty)
            let n = a.rows * a.cols
            #expect(l.cells == n * c.cells + l.glueCells && abs(l.area - (Double(n) * c.area + l.glueArea)) < 1)
            #expect(l.energyPerMAC >= c.energy && l.glueFlipFlops == a.glueFlipFlops)
        }
    }
}

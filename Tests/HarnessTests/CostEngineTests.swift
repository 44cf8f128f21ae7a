import FloatArith
import Foundation
@testable import Synthesis
@testable import Toolchain
import Testing
import Units

/// The costing engine: job keys, the result cache (hits, misses, refusals, one measurement under
/// concurrency) and the iCE40 backend on the real tools.
@Suite struct CostEngineTests {
    func scratch(_ tag: String) throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("costtest-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    struct Figures: Codable, Sendable, Equatable { var gates: Int; var energy: Double }

    func job(_ rtl: String, flow: String = "f1") -> CostJob {
        var j = CostJob("unit test_e4m3")
        j.addData("rtl.0.test_e4m3.v", Data(rtl.utf8))
        j.add("generic.flow.ys", flow)
        return j
    }

    /// The key is decided by every input and by nothing else (not the order inputs were added in).
    @Test func keyDependsOnEveryInputOnly() {
        let a = job("module m; endmodule")
        #expect(a.key == job("module m; endmodule").key)
        #expect(a.key != job("module m ; endmodule").key, "a one-character RTL change must change the key")
        #expect(a.key != job("module m; endmodule", flow: "f2").key, "a changed flow script must change the key")
        var b = CostJob("unit test_e4m3")
        b.add("generic.flow.ys", "f1")
        b.addData("rtl.0.test_e4m3.v", Data("module m; endmodule".utf8))
        #expect(a.key == b.key)
        var c = a
        c.add("stdcell.sta", "2.0.18")
        #expect(c.key != a.key, "a new tool version must change the key")
        #expect(CostJob("unit other_e4m3").key != CostJob("unit test_e4m3").key)
    }

    /// A second lookup of the same job reads the stored result; a changed input measures again;
    /// nothing but the result files is left in the directory.
    @Test func unchangedJobIsNotMeasuredAgain() throws {
        let dir = try scratch("hit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = CostCache(directory: dir)
        let runs = Locked(0)
        let measure = { () -> Figures in runs.withLock { $0 += 1 }; return Figures(gates: 86, energy: 3.39) }
        let first = try cache.result(job("x"), measure)
        let second = try cache.result(job("x"), measure)
        #expect(first == second && runs.withLock { $0 } == 1)
        #expect(cache.hits == 1 && cache.measured == 1)
        _ = try cache.result(job("y"), measure)
        #expect(runs.withLock { $0 } == 2)
        // the job locks live in .locks/, and each is removed when its job is done
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ([job("x").key + ".json", job("y").key + ".json"] + [".locks"]).sorted(), "no temporary or lock file is left: \(files)")
        let locks = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/.locks")) ?? []
        #expect(locks.isEmpty, "no lock file is left: \(locks)")
        // a fresh cache object on the same directory (another run) reuses them
        let again = CostCache(directory: dir)
        _ = try again.result(job("x")) { () -> Figures in Issue.record("measured a stored job"); return Figures(gates: 0, energy: 0) }
        #expect(again.hits == 1)
    }

    /// An edited, torn or foreign result file is refused in one line naming it, not used.
    @Test func corruptOrForeignResultIsRefused() throws {
        let dir = try scratch("refuse")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = CostCache(directory: dir)
        _ = try cache.result(job("x")) { Figures(gates: 86, energy: 3.39) }
        _ = try cache.result(job("y")) { Figures(gates: 234, energy: 13.91) }
        let x = cache.path(job("x")), y = cache.path(job("y"))
        let never = { () -> Figures in Issue.record("measured instead of refusing"); return Figures(gates: 0, energy: 0) }
        func refusal(_ why: String) {
            do {
                _ = try cache.result(job("x"), never)
                Issue.record("\(why): accepted")
            } catch {
                let text = "\(error)"
                #expect(text.contains(x) && !text.contains("\n"), "\(why): \(text)")
            }
        }
        let original = try Data(contentsOf: URL(fileURLWithPath: x))
        // an edited figure: the checksum no longer matches
        try Data(String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\"gates\" : 86", with: "\"gates\" : 85").utf8)
            .write(to: URL(fileURLWithPath: x))
        refusal("edited")
        // torn: the first half of the file
        try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: x))
        refusal("torn")
        // foreign: y's result under x's name
        try FileManager.default.removeItem(atPath: x)
        try FileManager.default.copyItem(atPath: y, toPath: x)
        refusal("foreign")
        // restored, it is used again
        try original.write(to: URL(fileURLWithPath: x))
        #expect(try cache.result(job("x"), never) == Figures(gates: 86, energy: 3.39))
    }

    /// Two runs sharing the directory measure a job once: the second waits for the first's lock
    /// and reads its result.
    @Test func concurrentRunsMeasureOnce() throws {
        let dir = try scratch("lock")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runs = Locked(0)
        let results = WorkerPool.map(4, jobs: 4) { _ -> Figures? in
            try? CostCache(directory: dir).result(job("x")) { () -> Figures in
                runs.withLock { $0 += 1 }
                Thread.sleep(forTimeInterval: 0.3)
                return Figures(gates: 86, energy: 3.39)
            }
        }
        #expect(runs.withLock { $0 } == 1)
        #expect(results.allSatisfy { $0 == Figures(gates: 86, energy: 3.39) })
    }

    /// The backends' inputs carry the content of what they read: a changed flow script or liberty
    /// changes them; a missing one is a one-line error.
    @Test func backendInputsFollowTheirFiles() throws {
        let dir = try scratch("inputs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let flow = dir + "/flow.ys"
        try "synth -flatten\n".write(toFile: flow, atomically: true, encoding: .utf8)
        let before = try GenericGatesBackend(flowScript: flow).inputs().first { $0.0 == "flow.ys" }?.1
        try "synth -flatten  \n".write(toFile: flow, atomically: true, encoding: .utf8)
        let after = try GenericGatesBackend(flowScript: flow).inputs().first { $0.0 == "flow.ys" }?.1
        #expect(before != nil && before != after)
        #expect(throws: SynthesisFlow.Failure.self) { try StandardCellBackend(liberty: dir + "/none.lib").inputs() }
    }

    /// A job's key holds each backend's hand-raised version and what the tools see, never a Swift
    /// source: the same job keyed from a directory holding nothing but the flow script (as a copy of
    /// the binary outside the checkout would) has the same key, and raising a version re-keys it.
    @Test func keysNameBackendVersionsNotSwiftSources() throws {
        let fm = FileManager.default
        let elsewhere = try scratch("outside")
        defer { try? fm.removeItem(atPath: elsewhere) }
        try fm.createDirectory(atPath: elsewhere + "/synth", withIntermediateDirectories: true)
        try fm.copyItem(atPath: CostResources.flowScript, toPath: elsewhere + "/synth/flow.ys")
        try fm.copyItem(atPath: "rtl/lmul_e4m3.v", toPath: elsewhere + "/lmul_e4m3.v")
        func job(_ root: String, _ backends: [any CostBackend]) throws -> CostJob {
            var j = CostJob("unit lmul_e4m3")
            try j.addFile("rtl.0.lmul_e4m3.v", path: root + "/" + (root == elsewhere ? "lmul_e4m3.v" : "rtl/lmul_e4m3.v"))
            for b in backends { try j.add(backend: b) }
            return j
        }
        let here = fm.currentDirectoryPath
        let inCheckout = try job(here, [GenericGatesBackend(flowScript: here + "/synth/flow.ys"), StandardCellBackend(liberty: LibertyLibrary.defaultPath)])
        let outside = try job(elsewhere, [GenericGatesBackend(flowScript: elsewhere + "/synth/flow.ys"), StandardCellBackend(liberty: LibertyLibrary.defaultPath)])
        #expect(inCheckout.key == outside.key)
        #expect(inCheckout.lines.contains("generic.version=1") && inCheckout.lines.contains("stdcell.version=1"))
        #expect(!inCheckout.lines.contains { $0.contains(".swift") || $0.contains("Sources/") || $0.contains(".code=") })
        struct Raised: CostBackend {
            var name: String { "generic" }
            var tools: [String] { [] }
            var version: Int { 2 }
            func inputs() throws -> [(String, String)] { try GenericGatesBackend(flowScript: CostResources.flowScript).inputs() }
        }
        #expect(try job(here, [Raised()]).key != (try job(here, [GenericGatesBackend(flowScript: here + "/synth/flow.ys")])).key)
    }

    /// nextpnr-ice40's log, as version 0.4 prints it: the utilisation table and the last fmax line.
    @Test func ice40LogIsParsed() throws {
        let log = """
        Info: Device utilisation:
        Info: \t         ICESTORM_LC:    57/ 5280     1%
        Info: \t        ICESTORM_RAM:     0/   30     0%
        Info: \t        ICESTORM_DSP:     2/    8    25%
        Info:     at iteration #1, type ICESTORM_LC: wirelen solved = 40, spread = 154, legal = 163; time = 0.00s
        Info: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 59.49 MHz (PASS at 12.00 MHz)
        Info: Max frequency for clock 'clk$SB_IO_IN_$glb_clk': 51.82 MHz (PASS at 12.00 MHz)
        """
        let r = try ICE40Backend.parse(log: log, module: "m")
        #expect(r.lc == 57 && r.ram == 0 && r.dsp == 2 && r.fmax == 51.82)
        #expect(throws: SynthesisFlow.Failure.self) { try ICE40Backend.parse(log: "Info: nothing\n", module: "m") }
    }

    /// The wrapper drives every input bit from the chain and folds every output bit into sout.
    @Test func ice40WrapperCoversEveryPort() {
        let d = MeasuredDesign(top: "pe_x", sources: [], inputs: [("a", 8), ("b", 8), ("valid", 1)], outputs: [("acc", 20), ("invalid", 1)], clock: "clk")
        let v = ICE40Backend.wrapper(d)
        #expect(v.contains("reg  [16:0] chain;"))
        #expect(v.contains(".clk(clk), .a(chain[7:0]), .b(chain[15:8]), .valid(chain[16:16])"))
        #expect(v.contains("reg  [20:0] y_q;") && v.contains("y_q <= {y_invalid, y_acc}") && v.contains("sout <= ^y_q"))
    }

    /// The real tools on lmul_e4m3 (FACTS.md, measured independently with plain input registers:
    /// 54 logic cells, 55.2 MHz): the same order of size and speed, and a larger exact multiplier.
    @Test(.enabled(if: Tools.available("nextpnr-ice40"))) func ice40PlacesAndRoutesAUnit() throws {
        let work = try scratch("ice40")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let b = ICE40Backend()
        let l = try b.measure(try MeasuredDesign(ArithmeticUnit(.lmul, .e4m3), directory: work + "/rtl-l"), work: work + "/l")
        let f = try b.measure(try MeasuredDesign(ArithmeticUnit(.fpmul, .e4m3), directory: work + "/rtl-f"), work: work + "/f")
        let lc = try #require(l["lc"]), fmax = try #require(l["fmax"])
        #expect((40...80).contains(lc), "lmul_e4m3: \(lc) logic cells")
        #expect((30...90).contains(fmax), "lmul_e4m3: \(fmax) MHz")
        #expect(try #require(f["lc"]) > 2 * lc)
        #expect(l["dsp"] == 0 && l["ram"] == 0)
        #expect(l.allSatisfy { $0.proof == .toolReported })
    }
}

import Foundation
import Testing

/// Issue 27 row 19: a failure found while working names its root cause in its one line: the
/// compiler's first error for a Verilator build, yosys's own words (or that it printed none) for a
/// figure file the flow did not write.
extension CLITests {
    @Test func verilatorBuildFailureShowsTheCompilersFirstError() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // a testbench directory whose streaming C++ does not compile
        try FileManager.default.copyItem(atPath: Self.root + "/testbench", toPath: dir + "/tb")
        let abi = dir + "/tb/stream_abi.cpp"
        let text = try String(contentsOfFile: abi, encoding: .utf8)
        try (text + "\nthis is not C++;\n").write(toFile: abi, atomically: true, encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).count + 1
        let r = try rtlgen(["exhaustive", "--dir", Self.root + "/rtl", "--modules", "lmul_e4m3", "--build", dir + "/b", "--testbench", dir + "/tb"])
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("rtlgen: error: ") }
        #expect(r.status == 1 && errors.count == 1, "\(r.stderr)")
        // g++'s own line: file:line:column: error: ...
        #expect(errors.first?.contains("\(abi):\(line):") == true && errors.first?.contains(": error: ") == true, "\(r.stderr)")
    }

    @Test func yosysFlowThatWritesNoFiguresSaysSo() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // the labels rtlgen runs, no commands under them: yosys exits 0 and writes nothing
        try "gold:\ncoarse:\nmap:\n".write(toFile: dir + "/empty.ys", atomically: true, encoding: .utf8)
        let r = try rtlgen(["synth", "--files", Self.root + "/rtl/lmul_e4m3.v", "--flow", dir + "/empty.ys", "--out", dir + "/s", "--work", dir + "/w", "--cache", "none"])
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("rtlgen: error: ") }
        #expect(r.status == 1 && errors.count == 1, "\(r.stderr)")
        #expect(errors.first?.contains("without an error but wrote no gates.stat.json") == true
                && errors.first?.contains("tee -o gates.stat.json") == true, "\(r.stderr)")
        // a flow whose map: section has a command yosys refuses: yosys's own error line, exit 1
        try "gold:\ncoarse:\nmap:\nfrobnicate\n".write(toFile: dir + "/bad.ys", atomically: true, encoding: .utf8)
        let bad = try rtlgen(["synth", "--files", Self.root + "/rtl/lmul_e4m3.v", "--flow", dir + "/bad.ys", "--out", dir + "/s", "--work", dir + "/w", "--cache", "none"])
        #expect(bad.status == 1 && bad.stderr.contains("ERROR: No such command: frobnicate"), "\(bad.stderr)")
        // no labels at all is refused before any work
        try "proc\n".write(toFile: dir + "/none.ys", atomically: true, encoding: .utf8)
        let none = try rtlgen(["synth", "--files", Self.root + "/rtl/lmul_e4m3.v", "--flow", dir + "/none.ys", "--out", dir + "/s2", "--work", dir + "/w2"])
        #expect(none.status == 64 && none.stderr.contains("has no 'gold:' label") && !FileManager.default.fileExists(atPath: dir + "/w2"), "\(none.stderr)")
    }
}

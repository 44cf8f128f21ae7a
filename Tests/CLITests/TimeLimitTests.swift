import Foundation
import Testing

/// Time limits on the tools rtlgen runs (issue 38, item 4): a unit that never settles is stopped
/// at its computed limit, within a minute, not after 600 s, and the row says which limit it hit.
extension CLITests {
    @Test func aUnitThatNeverSettlesIsStoppedAtItsLimit() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // lmul_e4m3 with a zero-delay oscillator started by the first operand: the simulator's time
        // never advances past it, so the trace never ends
        let original = try String(contentsOfFile: Self.root + "/rtl/lmul_e4m3.v", encoding: .utf8)
        let header = "    output wire [7:0] y\n);\n"
        #expect(original.contains(header))
        let stuck = original.replacingOccurrences(of: header, with: header + "    reg osc;\n    always @(a or osc) osc <= (osc === 1'b0) ? 1'b1 : 1'b0;\n")
        try FileManager.default.createDirectory(atPath: dir + "/rtl", withIntermediateDirectories: true)
        try stuck.write(toFile: dir + "/rtl/lmul_e4m3.v", atomically: true, encoding: .utf8)
        let start = Date()
        let (r, timedOut) = try rtlgenAtRoot(["sim", "--dir", dir + "/rtl", "--modules", "lmul_e4m3", "--sim", "icarus", "--build", dir + "/build"],
                                             timeout: 240)
        let elapsed = Date().timeIntervalSince(start)
        #expect(!timedOut, "rtlgen sim was still running after 240 s")
        #expect(r.status == 1, "exit \(r.status): \(r.stderr)")
        let output = r.stdout + r.stderr
        // "vvp on lmul_e4m3 stopped at its time limit of 33 s (65,536 cycles of a design of ... bits); raise --time-limit or ..."
        let pattern = /vvp on lmul_e4m3 stopped at its time limit of (\d+) s \(65,536 cycles of a design of [\d,]+ bits\); raise --time-limit/
        let match = output.firstMatch(of: pattern)
        #expect(match != nil, "\(output)")
        if let seconds = match.flatMap({ Double($0.1) }) {
            #expect(seconds <= 60, "the limit is \(seconds) s")
            // the build (a few seconds) plus the limit plus the stop
            #expect(elapsed < seconds + 60, "stopped after \(elapsed) s, limit \(seconds) s")
        }
        // the limit the user gives is the one named
        let (given, _) = try rtlgenAtRoot(["sim", "--dir", dir + "/rtl", "--modules", "lmul_e4m3", "--sim", "icarus", "--build", dir + "/build",
                                           "--time-limit", "3"], timeout: 120)
        #expect(given.status == 1)
        #expect((given.stdout + given.stderr).contains("vvp on lmul_e4m3 stopped at its time limit of 3 s (--time-limit 3 s); raise --time-limit"),
                "\(given.stdout)\(given.stderr)")
    }
}

extension CLITests {
    /// A synthesis that never ends (a yosys that answers -V, then hangs) is stopped at the
    /// synthesis limit, scaled by RTLGEN_TIME_SCALE, with the message naming it: exit 1.
    @Test func aHangingSynthesisIsStoppedAtItsScaledLimit() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let real = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let fake = "#!/bin/sh\nif [ \"$1\" = \"-V\" ]; then echo 'Yosys 0.0 (hanging stand-in)'; exit 0; fi\nexec sleep 1000\n"
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        try fake.write(toFile: dir + "/bin/yosys", atomically: true, encoding: .utf8)
        chmod(dir + "/bin/yosys", 0o755)
        let start = Date()
        let (r, timedOut) = try rtlgenAtRoot(["synth", "--files", "rtl/lmul_e4m3.v", "--out", dir + "/out", "--work", dir + "/work", "--cache", "none",
                                              "--clock-units", "none", "--pe-units", "none", "--float-pe-units", "none", "--mx-units", "none",
                                              "--ice40-formats", "none", "--ice40-array-sizes", "none", "--no-timed", "--no-effort", "--no-mx-ice40"],
                                             environment: ["PATH": dir + "/bin:" + real, "RTLGEN_TIME_SCALE": "0.01"], timeout: 120)
        let elapsed = Date().timeIntervalSince(start)
        #expect(!timedOut)
        #expect(r.status == 1, "exit \(r.status): \(r.stderr)")
        // 0.01 x (1200 s + 60 s per KB of a 2 KB unit), rounded up
        let pattern = /yosys on lmul_e4m3 \(gold\.ys\) stopped at its time limit of (\d+) s \(synthesis of [\d,]+ (KB|bytes) of Verilog\); set RTLGEN_TIME_SCALE=2/
        let match = r.stderr.firstMatch(of: pattern)
        #expect(match != nil, "\(r.stderr)")
        if let seconds = match.flatMap({ Double($0.1) }) {
            #expect(seconds >= 12 && seconds <= 15, "limit \(seconds) s")
            #expect(elapsed < seconds + 30, "stopped after \(elapsed) s")
        }
        #expect(r.stderr.split(separator: "\n").filter { $0.contains("stopped at its time limit") }.count == 1)
    }
}

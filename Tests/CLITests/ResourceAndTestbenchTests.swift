import Foundation
import Testing
@testable import Sweep
import Units

/// Issue 27, items 3, 17 to 21, 23 and 24: plans range-checked as the options are, exit statuses
/// and unknown options, rtlgen working outside its checkout, and `rtlgen testbench`.
extension CLITests {
    /// Runs rtlgen with `cwd` as its working directory.
    func rtlgen(in cwd: String, _ args: [String]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// `rtlgen testbench` writes a testbench plain iverilog runs: PASS on the generated unit, and
    /// FAIL (with the mismatches decoded) when one operator of the unit is changed; pipelined too.
    /// Plain `vvp` exits 0 on PASS and 1 on FAIL (issue 38: it exited 0 on FAIL), FAIL the last line.
    @Test func standaloneTestbenchRunsOnPlainIverilog() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var statuses: [String: Int32] = [:]
        func simulate(_ tb: String, _ unit: String, in d: String) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "cd '\(d)' && iverilog -g2005 -o tb.vvp \(tb) \(unit) 2>&1 && vvp tb.vvp 2>&1"]
            let out = Pipe()
            p.standardOutput = out
            p.standardInput = FileHandle.nullDevice
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let text = String(decoding: o, as: UTF8.self)
            statuses[String(text.split(separator: "\n").last ?? "")] = p.terminationStatus
            return text
        }
        let out = dir + "/tb"
        let r = try rtlgen(["testbench", "--unit", "lmul", "--format", "e4m3", "--out", out])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(listing(out) == ["lmul_e4m3.hex", "lmul_e4m3.v", "tb_lmul_e4m3.v"])
        let pass = try simulate("tb_lmul_e4m3.v", "lmul_e4m3.v", in: out)
        let last = pass.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last == "PASS: lmul_e4m3, all 65536 vectors equal the golden model", "\(pass)")
        #expect(!pass.contains("warning"), "\(pass)")
        // one gate changed: the first AND of the unit becomes an OR
        let unit = try String(contentsOfFile: out + "/lmul_e4m3.v", encoding: .utf8)
        guard let and = unit.range(of: " & ") else { Issue.record("no AND in lmul_e4m3.v"); return }
        try write(unit.replacingCharacters(in: and, with: " | "), out + "/lmul_e4m3.v")
        let fail = try simulate("tb_lmul_e4m3.v", "lmul_e4m3.v", in: out)
        #expect(fail.split(separator: "\n").last?.hasPrefix("FAIL: lmul_e4m3, ") == true, "\(fail.suffix(500))")
        #expect(fail.contains("mismatch, vector "), "\(fail.suffix(500))")
        #expect(statuses[String(pass.split(separator: "\n").last ?? "")] == 0)
        #expect(statuses[String(fail.split(separator: "\n").last ?? "")] == 1, "vvp exit status on FAIL: \(statuses)")
        // a pipelined unit, results checked S edges later; the vectors are SPEC's, so a wrong S fails
        let p2 = dir + "/p2"
        #expect(try rtlgen(["testbench", "--unit", "fpmul", "--format", "e5m2", "--stages", "2", "--out", p2]).status == 0)
        let piped = try simulate("tb_fpmul_e5m2_p2.v", "fpmul_e5m2_p2.v", in: p2)
        #expect(piped.split(separator: "\n").last == "PASS: fpmul_e5m2_p2, all 65536 vectors equal the golden model", "\(piped.suffix(300))")
        let tb = try String(contentsOfFile: p2 + "/tb_fpmul_e5m2_p2.v", encoding: .utf8)
        try write(tb.replacingOccurrences(of: "localparam integer STAGES = 2;", with: "localparam integer STAGES = 1;"), p2 + "/tb_fpmul_e5m2_p2.v")
        #expect(try simulate("tb_fpmul_e5m2_p2.v", "fpmul_e5m2_p2.v", in: p2).split(separator: "\n").last?.hasPrefix("FAIL: ") == true)
        // same command, same bytes
        let again = dir + "/again"
        #expect(try rtlgen(["testbench", "--unit", "lmul", "--format", "e4m3", "--out", again]).status == 0)
        #expect(FileManager.default.contents(atPath: again + "/tb_lmul_e4m3.v") == FileManager.default.contents(atPath: dir + "/tb/tb_lmul_e4m3.v"))
    }

    /// Item 21: from a directory that is not the checkout, the testbenches are found beside the
    /// executable (sim on Icarus passes), and bench-sim and mutate take --testbench.
    @Test func worksOutsideTheCheckout() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try rtlgen(in: dir, ["--mantissa", "3", "--units", "lmul", "--out", "rtl"]).status == 0)
        let r = try rtlgen(in: dir, ["sim", "--modules", "lmul_e4m3", "--dir", "rtl", "--sim", "icarus", "--build", "b"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("1 passed, 0 failed"), "\(r.stdout)")
        for command in [["bench-sim", "--files", "rtl/lmul_e4m3.v"], ["mutate", "--dir", "rtl", "--modules", "lmul_e4m3"]] {
            let bad = try rtlgen(in: dir, command + ["--testbench", dir + "/none"])
            expectOneLine(bad, status: 64, mentions: "--testbench: \(dir)/none/", "\(command[0]) --testbench")
        }
    }

    /// Item 3 and 20: a plan's numbers are checked against the ranges of the options that write
    /// them, before any job starts; a number too big for its field is named as such. Bad input
    /// found before any work: exit 64 (issue 38; it was 1).
    @Test func sweepPlanValuesAreRangeChecked() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = SweepPlan.Input(path: "x", name: "x", sha256: "0")
        let plan = try SweepPlan.make(kinds: [UnitKind(rawValue: "lmul")!], formats: [.e4m3], samples: 1_000, seed: 1, randomVectors: 0,
                                      proofTimeout: 60, flow: input, liberty: input, tools: [])
        let text = String(decoding: try plan.encoded(), as: UTF8.self)
        for (from, to, says) in [("\"samples\" : 1000", "\"samples\" : 1000000000000", "samples is 1000000000000, outside 1000...100000000"),
                                 ("\"samples\" : 1000", "\"samples\" : 999", "samples is 999"),
                                 ("\"proof_timeout_s\" : 60", "\"proof_timeout_s\" : 0", "proof_timeout_s is 0, outside 1...3600"),
                                 ("\"random_vectors\" : 0", "\"random_vectors\" : -5", "random_vectors is -5"),
                                 ("\"exhaustive_width\" : 16", "\"exhaustive_width\" : 40", "exhaustive_width is 40, outside 2...16"),
                                 ("\"samples\" : 1000", "\"samples\" : 100000000000000000000000", "a number too large for its field"),
                                 // issue 23 item 5: the clock, written only when set
                                 ("\"seed\" : 1", "\"seed\" : 1, \"clock_mhz\" : 0", "clock_mhz is 0.0, outside 1...5000"),
                                 ("\"seed\" : 1", "\"seed\" : 1, \"clock_mhz\" : 99999", "clock_mhz is 99999.0, outside 1...5000")] {
            #expect(text.contains(from), "the plan has no \(from): \(text.prefix(400))")
            let sweep = dir + "/sw-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: sweep, withIntermediateDirectories: false)
            try write(text.replacingOccurrences(of: from, with: to), sweep + "/plan.json")
            let (r, timedOut) = try rtlgenAtRoot(["sweep", "run", "--dir", sweep])
            #expect(!timedOut)
            expectOneLine(r, status: 64, mentions: says, "plan with \(to)")
            #expect(!FileManager.default.fileExists(atPath: sweep + "/results"), "jobs started")
        }
    }

    /// Item 18: a failure found while working exits 1 whatever its type (a library file that does
    /// not parse), with no pointer to --help; item 24's words. (A truncated one, 'library (broken
    /// { cell (', is now refused before any work by --liberty's check: issue 38, the bad-input table.)
    @Test func workingFailuresExitOneAndWordsArePlain() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("library (broken) { }\n", dir + "/bad.lib")
        let (r, _) = try rtlgenAtRoot(["sweep", "plan", "--dir", dir + "/sw", "--liberty", dir + "/bad.lib"])
        #expect(r.status == 1 && !r.stderr.contains("--help") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        // Foundation's words for a file that does not decode are replaced by what is wrong
        try FileManager.default.createDirectory(atPath: dir + "/m", withIntermediateDirectories: false)
        for (manifest, says) in [("{ not json", "(not valid JSON, or a number too large for its field)"), ("{\"entries\": 3}", "is missing")] {
            try write(manifest, dir + "/m/manifest.json")
            let m = try rtlgen(["--mantissa", "3", "--out", dir + "/m"])
            expectOneLine(m, status: 64, mentions: says, "manifest \(manifest)")
            #expect(!m.stderr.contains("The data") && !m.stderr.contains("correct format"), "\(m.stderr)")
        }
        let units = try rtlgen(["units", "--long", "--all"])
        #expect(!units.stdout.contains("exactBaseline") && !units.stdout.contains("accumulationAdder"), "\(units.stdout)")
        #expect(units.stdout.contains("fpmul_ftz\texact baseline\tcombinational\tSPEC \"Exact baseline multiplier\""), "\(units.stdout)")
        // every SPEC section cited is a heading of SPEC.md (the heading up to its parenthesised module note)
        let spec = try String(contentsOfFile: Self.root + "/../shared/SPEC.md", encoding: .utf8)
        let headings = spec.split(separator: "\n").filter { $0.hasPrefix("#") }.map { line -> String in
            let text = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            return text.range(of: " (").map { String(text[..<$0.lowerBound]) } ?? text
        }
        let cited = units.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(cited.count == UnitKind.registry.count, "\(units.stdout)")
        for fields in cited {
            #expect(fields.count == 5 && fields[2] == "combinational", "\(fields)")
            let section = fields.count > 3 ? fields[3].replacingOccurrences(of: "SPEC ", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : ""
            #expect(headings.contains(section), "\(fields[0]) cites SPEC \"\(section)\", not a heading of SPEC.md: \(headings)")
            let camel = fields[1].contains { $0.isUppercase }
            #expect(!camel, "role \(fields[1]) is not in words")
        }
        let a = try rtlgen(["array", "--rows", "1", "--cols", "1", "--unit", "lmul", "--mantissa", "3", "--out", dir + "/a"])
        #expect(a.stdout.contains("(1 PE, "), "\(a.stdout)")
        // --acc-width means the same range in array and matmul
        for w in ["3", "65"] {
            let arr = try rtlgen(["array", "--rows", "1", "--cols", "1", "--unit", "lmul", "--mantissa", "3", "--acc-width", w, "--out", dir + "/b"])
            try write("38\n", dir + "/one.hex")
            let mm = try rtlgen(["matmul", "--unit", "lmul", "--mantissa", "3", "--acc-width", w, "--a", dir + "/one.hex", "--b", dir + "/one.hex"])
            #expect(arr.status == 64 && mm.status == 64 && arr.stderr.contains("give 4...64") && mm.stderr.contains("give 4...64"), "\(arr.stderr) \(mm.stderr)")
        }
    }
}

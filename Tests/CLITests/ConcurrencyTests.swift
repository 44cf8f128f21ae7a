import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Testing

/// Concurrent and interrupted runs into one directory (issue 13): every manifest entry is kept,
/// and a killed run leaves either the old set or the new one once the next run has been, never a
/// mix, and no staging directory.
extension CLITests {
    final class Launched {
        let process = Process()
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("rtlgen-err-\(UUID().uuidString)")
        let outFile: URL?

        init(_ args: [String], environment: [String: String] = [:], keepOutput: Bool = false) throws {
            process.executableURL = URL(fileURLWithPath: CLITests.binary)
            process.arguments = args
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            outFile = keepOutput ? FileManager.default.temporaryDirectory.appendingPathComponent("rtlgen-out-\(UUID().uuidString)") : nil
            if let outFile {
                _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
                process.standardOutput = try FileHandle(forWritingTo: outFile)
            } else {
                process.standardOutput = FileHandle.nullDevice
            }
            process.standardInput = FileHandle.nullDevice
            _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errFile)
            try process.run()
        }

        func wait() -> (status: Int32, stderr: String) {
            process.waitUntilExit()
            defer { try? FileManager.default.removeItem(at: errFile) }
            return (process.terminationStatus, (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
        }

        /// Standard output of a run launched with `keepOutput` (after `wait()`).
        func output() -> String {
            guard let outFile else { return "" }
            defer { try? FileManager.default.removeItem(at: outFile) }
            return (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
        }
    }

    func visibleListing(_ dir: String) -> [String] { listing(dir) }

    /// The manifest in `dir` describes exactly the .v files there, each with its SHA-256, and no
    /// staging directory or lock file is left.
    func expectComplete(_ dir: String, modules: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let m = try Manifest.load(from: dir)
        #expect(m.modules.count == modules, "\(dir): \(m.modules.count) manifest entries, expected \(modules)", sourceLocation: sourceLocation)
        #expect(m.staleFiles(in: dir).isEmpty, "\(dir): \(m.staleFiles(in: dir))", sourceLocation: sourceLocation)
        #expect(m.modules.allSatisfy { $0.sha256 != nil }, sourceLocation: sourceLocation)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == (m.modules.map(\.file) + ["manifest.json"]).sorted(), "\(dir): \(files)", sourceLocation: sourceLocation)
    }

    @Test func concurrentRunsKeepEveryManifestEntry() throws {
        let base = scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        // how many units one format has (the default set: every multiplier)
        #expect(try rtlgen(["--mantissa", "3", "--out", base + "/one"]).status == 0)
        let perFormat = try Manifest.load(from: base + "/one").modules.count
        let start = Date()
        // 20 pairs, each pair racing into a directory that does not exist yet
        for i in 0..<20 {
            let d = base + "/pair\(i)"
            let a = try Launched(["--mantissa", "3", "--out", d]), b = try Launched(["--mantissa", "2", "--out", d])
            let (ra, rb) = (a.wait(), b.wait())
            #expect(ra.status == 0 && ra.stderr.isEmpty && rb.status == 0 && rb.stderr.isEmpty, "pair \(i): \(ra) \(rb)")
            try expectComplete(d, modules: 2 * perFormat)
        }
        let pairSeconds = Date().timeIntervalSince(start)
        // 20 pairs at once into one directory: 40 runs of distinct formats, two units each
        let shared = base + "/shared"
        let formats = (2...8).flatMap { e in (1...6).map { (e, $0) } }.prefix(40)
        let runs = try formats.map { e, m in try Launched(["--exponent", "\(e)", "--mantissa", "\(m)", "--units", "lmul,fpmul", "--out", shared]) }
        for (r, (e, m)) in zip(runs.map { $0.wait() }, formats) { #expect(r.status == 0 && r.stderr.isEmpty, "e\(e)m\(m): \(r)") }
        try expectComplete(shared, modules: 80)
        print("concurrency: 20 pairs into fresh directories (\(2 * perFormat) entries each) in \(String(format: "%.1f", pairSeconds)) s; "
              + "40 simultaneous runs into one directory kept \(try Manifest.load(from: shared).modules.count) of 80 entries")
    }

    /// (command, kills): the four e4m3 units, and a 16 x 16 array with its unit, PE and cell. Each
    /// kill lands at a random time up to the length of an uninterrupted run, measured first.
    @Test(arguments: [(["--mantissa", "3"], 20), (["array", "--rows", "16", "--cols", "16", "--unit", "lmul", "--mantissa", "3"], 10)])
    func interruptedRunsLeaveTheOldOrTheNewSet(_ command: [String], _ trials: Int) throws {
        let base = scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        // The old set: the files as an older generator wrote them (an extra line in each), with a
        // manifest whose hashes match; the new set is what this rtlgen writes.
        let template = base + "/template", fresh = base + "/fresh"
        #expect(try rtlgen(command + ["--out", template]).status == 0)
        // RTLGEN_TEST_PAUSE_MS widens the staging and rename windows (15 ms after staging and after each rename)
        let pause = ["RTLGEN_TEST_PAUSE_MS": "15"]
        let t0 = Date()
        #expect(try Launched(command + ["--out", fresh], environment: pause).wait().status == 0)
        let latestKill = Int(Date().timeIntervalSince(t0) * 1000)
        var manifest = try Manifest.load(from: template)
        var old: [String: Data] = [:], new: [String: Data] = [:]
        for i in manifest.modules.indices {
            let file = manifest.modules[i].file
            new[file] = try Data(contentsOf: URL(fileURLWithPath: fresh + "/" + file))
            old[file] = new[file]! + Data("// written by an older rtlgen\n".utf8)
            try old[file]!.write(to: URL(fileURLWithPath: template + "/" + file))
            manifest.modules[i].sha256 = SHA256.hex(old[file]!)
        }
        try manifest.encoded().write(to: URL(fileURLWithPath: template + "/manifest.json"))
        #expect(manifest.staleFiles(in: template).isEmpty)

        var rng = SystemRandomNumberGenerator()
        var outcomes = (old: 0, new: 0, tornSeen: 0, stagingLeft: 0, mixedAfterKill: 0)
        let entries = manifest.modules.count
        for trial in 0..<trials {
            let d = base + "/trial\(trial)"
            try FileManager.default.copyItem(atPath: template, toPath: d)
            let run = try Launched(command + ["--out", d], environment: pause)
            usleep(UInt32.random(in: 0..<UInt32(latestKill * 1000), using: &rng))
            kill(run.process.processIdentifier, SIGKILL)
            _ = run.wait()
            // Right after the kill: a mixed set is never silent; the manifest names the stale files.
            let names = try FileManager.default.contentsOfDirectory(atPath: d)
            if names.contains(where: { $0.hasPrefix(".rtlgen-staging-") }) { outcomes.stagingLeft += 1 }
            let states = Set(old.keys.map { f in (try? Data(contentsOf: URL(fileURLWithPath: d + "/" + f))) == new[f] })
            let stale = try Manifest.load(from: d).staleFiles(in: d)
            if states.count > 1 {
                outcomes.mixedAfterKill += 1
                #expect(!stale.isEmpty, "trial \(trial): mixed files but the manifest calls them complete")
            }
            if !stale.isEmpty { outcomes.tornSeen += 1 }
            // The next run into the directory (another command) finishes or removes what was left.
            let next = try rtlgen(["--mantissa", "2", "--units", "lmul", "--out", d])
            #expect(next.status == 0 && next.stderr.isEmpty, "trial \(trial): \(next.stderr)")
            try expectComplete(d, modules: entries + 1)
            let after = Set(old.keys.map { f in (try? Data(contentsOf: URL(fileURLWithPath: d + "/" + f))) == new[f] })
            #expect(after.count == 1, "trial \(trial): old and new files mixed after the next run")
            if after == [true] { outcomes.new += 1 } else { outcomes.old += 1 }
        }
        #expect(outcomes.old + outcomes.new == trials)
        print("interrupt: \(trials) runs of rtlgen \(command.joined(separator: " ")) killed at random in 0-\(latestKill) ms: \(outcomes.stagingLeft) left a staging directory, "
              + "\(outcomes.mixedAfterKill) left old and new files mixed (the manifest named the stale ones in \(outcomes.tornSeen)); "
              + "after the next run \(outcomes.old) sets were old, \(outcomes.new) new, 0 mixed, 0 staging directories")
    }
}

extension CLITests {
    /// `rtlgen sim --dir` names a unit file that is not what manifest.json says, and simulates it
    /// as it is (a hand edit is allowed; a torn write is told apart by the note).
    @Test func simNamesAFileThatDiffersFromTheManifest() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try rtlgen(["--mantissa", "3", "--units", "lmul", "--out", dir + "/rtl"]).status == 0)
        let file = dir + "/rtl/lmul_e4m3.v"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        let args = ["sim", "--dir", dir + "/rtl", "--modules", "lmul_e4m3", "--sim", "icarus", "--build", dir + "/b", "--testbench", Self.root + "/testbench"]
        let clean = try rtlgen(args)
        #expect(clean.status == 0 && !clean.stderr.contains("note:"), "\(clean.stderr)")
        text += "// edited by hand\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let edited = try rtlgen(args)
        #expect(edited.status == 0)
        #expect(edited.stderr.contains("sim: note: \(file) differs from its manifest.json entry"), "\(edited.stderr)")
    }
}

/// Stopping rtlgen stops what it started: a simulation of a unit that never settles is running in
/// vvp when rtlgen gets SIGTERM; rtlgen exits 143 and no vvp of that run is left.
extension CLITests {
    /// The pids of running vvp processes whose command line contains `marker`.
    func processes(containing marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { e -> Int32? in
            guard let pid = Int32(e), let cmd = FileManager.default.contents(atPath: "/proc/\(e)/cmdline") else { return nil }
            let text = String(decoding: cmd.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            // vvp runs the model built in the run's build directory; rtlgen itself names it too
            return text.contains(marker) && text.hasPrefix("/usr/bin/vvp") ? pid : nil
        }
    }

    @Test func stoppingRtlgenStopsItsSimulators() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try rtlgen(["--mantissa", "3", "--units", "lmul", "--out", dir]).status == 0)
        let file = "\(dir)/lmul_e4m3.v"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        // a combinational loop that never settles for one operand value
        try text.replacingOccurrences(of: "endmodule", with: "    reg spin;\n    always @* begin spin = 1'b0; while (a == 8'h11) spin = ~spin; end\nendmodule")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let run = try Launched(["sim", "--dir", dir, "--modules", "lmul_e4m3", "--sim", "icarus", "--build", dir + "/build",
                                "--testbench", CLITests.root + "/testbench"])
        // wait (at most 60 s) for its vvp to be running
        var vvp: [Int32] = []
        let deadline = Date().addingTimeInterval(60)
        while vvp.isEmpty && Date() < deadline {
            usleep(100_000)
            vvp = processes(containing: dir + "/build")
        }
        #expect(!vvp.isEmpty, "vvp never started")
        let stopped = Date()
        kill(run.process.processIdentifier, SIGTERM)
        let (status, _) = run.wait()
        #expect(status == 143)
        #expect(processes(containing: dir + "/build").isEmpty)
        #expect(Date().timeIntervalSince(stopped) < 5)
    }
}

/// Two `rtlgen sweep run` of one share at once (a Slurm requeue while the first task still runs,
/// issue 27 row 13): both share the sweep's `work/` tree, where a job's Verilator model and
/// synthesis are built. Each job is built under a lock of its own, so both runs succeed, every
/// result file is current, and both report the same figures for every job.
extension CLITests {
    /// Each job's progress line without its seconds, by job id.
    func sweepRows(_ stdout: String) -> [String: String] {
        var rows: [String: String] = [:]
        for line in stdout.split(separator: "\n") where line.hasPrefix("[") && !line.hasPrefix("[failed]") {
            // "[  1/2] <id> <method> <pairs> pairs, <transistors> transistors, <pJ> pJ, mean error <e>% (<dist>), <t> s[ (measured ...)] | ..."
            var body = String(line.split(separator: "]", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces)
            if let bar = body.range(of: " | ") { body = String(body[..<bar.lowerBound]) }
            guard let seconds = body.range(of: ", [0-9.]+ s", options: [.regularExpression, .backwards]) else { continue }
            body = String(body[..<seconds.lowerBound])
            guard let id = body.split(separator: " ").first else { continue }
            rows[String(id)] = body
        }
        return rows
    }

    @Test func twoRunsOfOneSweepShareAtOnce() throws {
        let liberty = "/usr/local/share/osu018/osu018_stdcells.lib"
        guard FileManager.default.fileExists(atPath: liberty) else {
            Issue.record("\(liberty) is missing: bash scripts/install-tools.sh")
            return
        }
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sweep = dir + "/sw"
        // a tiny plan: one 6-bit multiplier (4,096 pairs, checked exhaustively), 1,000 operand pairs
        let plan = try rtlgen(["sweep", "plan", "--dir", sweep, "--units", "lmul", "--formats", "e4m1", "--samples", "1000",
                               "--flow", Self.root + "/synth/flow.ys", "--liberty", liberty])
        #expect(plan.status == 0, "\(plan.stderr)")
        let args = ["sweep", "run", "--dir", sweep, "--jobs", "1", "--cache", dir + "/cache", "--testbench", Self.root + "/testbench"]
        let t0 = Date()
        let a = try Launched(args, keepOutput: true), b = try Launched(args, keepOutput: true)
        let (ra, rb) = (a.wait(), b.wait())
        let (oa, ob) = (a.output(), b.output())
        let seconds = Date().timeIntervalSince(t0)
        #expect(ra.status == 0 && rb.status == 0, "exit \(ra.status), \(rb.status): \(ra.stderr) | \(rb.stderr)")
        #expect(!ra.stderr.contains("error") && !rb.stderr.contains("error"), "\(ra.stderr) | \(rb.stderr)")
        let (rowsA, rowsB) = (sweepRows(oa), sweepRows(ob))
        #expect(Set(rowsA.keys) == ["lmul_e4m1"], "\(oa)")
        #expect(rowsA == rowsB, "the two runs report different figures:\n\(oa)\n\(ob)")
        // every result file is current for the plan, and a merge of them succeeds
        let merge = try rtlgen(["sweep", "merge", "--dir", sweep, "--out", dir + "/docs"])
        #expect(merge.status == 0, "\(merge.stderr)")
        // one of the two waited on the job's lock and took the other's result
        #expect((oa + ob).components(separatedBy: "measured by another run of this share").count - 1 == 1, "\(oa)\n\(ob)")
        // a third, sequential run finds everything done and builds nothing
        let again = try rtlgen(args)
        #expect(again.status == 0 && again.stdout.contains("1 already done"), "\(again.stdout) \(again.stderr)")
        // no lock is left behind
        let locks = (try? FileManager.default.contentsOfDirectory(atPath: sweep + "/work/locks")) ?? []
        #expect(locks.isEmpty, "\(locks)")
        print("concurrency: two sweep runs of one share at once both succeeded in \(String(format: "%.1f", seconds)) s with the same figures; "
              + "the run that waited: \((oa + ob).components(separatedBy: "measured by another run of this share").count - 1) job(s) taken from the other")
    }
}

import Foundation
import Testing

/// Item 7 of issue 38: a killed synth leaves no lock files among the cost results.
extension CLITests {
    @Test func aKilledSynthLeavesNoLockFilesInTheCache() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = dir + "/cache", locks = cache + "/.locks"
        let args = ["synth", "--files", "rtl/lmul_e4m3.v", "--out", dir + "/out", "--work", dir + "/work", "--cache", cache,
                    "--clock-units", "none", "--pe-units", "none", "--float-pe-units", "none", "--mx-units", "none",
                    "--ice40-formats", "none", "--ice40-array-sizes", "none", "--no-timed", "--no-effort", "--no-mx-ice40"]
        let lockFiles = { (d: String) in ((try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []).filter { $0.hasSuffix(".lock") } }
        // SIGKILL while it measures the job (its lock is held)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: Self.root)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning, lockFiles(locks).isEmpty, Date() < deadline { usleep(20_000) }
        #expect(!lockFiles(locks).isEmpty, "no job lock appeared while synth ran")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        // the results directory itself never holds a lock file; the killed run's lock is in .locks/, unheld
        #expect(lockFiles(cache).isEmpty, "\(lockFiles(cache))")
        #expect(lockFiles(locks).count == 1)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).filter { $0.hasSuffix(".json") }.isEmpty)
        // the next run is not held up by it, measures the job and leaves no lock anywhere
        let (again, timedOut) = try rtlgenAtRoot(args, timeout: 300)
        #expect(!timedOut && again.status == 0, "exit \(again.status): \(again.stderr)")
        #expect(again.stdout.contains("0 reused, 1 measured"), "\(again.stdout)")
        #expect(lockFiles(cache).isEmpty && lockFiles(locks).isEmpty, "\(lockFiles(cache)) \(lockFiles(locks))")
    }
}

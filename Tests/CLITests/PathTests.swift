import Foundation
import Testing

/// Issue 27, the path classes (items 9 to 12): a trailing slash is a directory, symlink loops and
/// dangling links are refused, a crafted staging COMMIT list moves nothing, and a failed or stopped
/// run leaves nothing it created (directories, temporary files, staging directories, lock files).
extension CLITests {
    static let singleFileCommands: [[String]] = [
        ["vectors", "--unit", "lmul", "--mantissa", "3", "--out"],
        ["eval", "--unit", "lmul", "--mantissa", "3", "--in", "IN", "--out"],
        ["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "IN", "--b", "IN", "--out"],
    ]

    @Test func outputPathsMeanWhatTheUserMeans() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("38\n", dir + "/in.hex")
        try FileManager.default.createSymbolicLink(atPath: dir + "/loop1", withDestinationPath: "loop2")
        try FileManager.default.createSymbolicLink(atPath: dir + "/loop2", withDestinationPath: "loop1")
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: "nowhere/v.hex")
        let before = fullListing(dir)
        let long = dir + "/" + Array(repeating: String(repeating: "d", count: 200), count: 30).joined(separator: "/") + "/v.hex"
        for command in Self.singleFileCommands {
            let base = command.map { $0 == "IN" ? dir + "/in.hex" : $0 }
            for (out, says) in [(dir + "/loop1", "is a symlink loop"), (dir + "/dangling", "which does not exist"),
                                (dir + "/newdir/", "ends in '/', which names a directory"), (long, "longer than this system's")] {
                let r = try rtlgen(base + [out])
                expectOneLine(r, status: 64, mentions: says, "\(command[0]) --out \(out.prefix(60))")
                #expect(fullListing(dir) == before, "\(command[0]) --out \(out.prefix(60)) changed \(dir): \(fullListing(dir))")
            }
        }
        // a name too long for the kernel, found only while creating it: nothing is left behind
        // (a path just short of PATH_MAX: its directories can be made, its staging entries cannot)
        var tooDeep = dir
        while tooDeep.utf8.count < 3_800 { tooDeep += "/" + String(repeating: "e", count: 250) }
        tooDeep += "/" + String(repeating: "f", count: 4_070 - tooDeep.utf8.count - 1)
        let r = try rtlgen(["--mantissa", "3", "--out", tooDeep])
        #expect(r.status == 64 || r.status == 1, "\(r.stderr)")
        #expect(fullListing(dir) == before, "a failed run left \(fullListing(dir).filter { !before.contains($0) }.prefix(3))")
        // the links are links still
        for link in ["loop1", "loop2", "dangling"] {
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + link)) != nil, "\(link) was replaced")
        }
    }

    /// A crafted `.rtlgen-staging-*/COMMIT` naming `../victim.txt`, with a garbage manifest.json:
    /// the next run moves nothing out of --out, installs no garbage, and removes the staging directory.
    @Test func craftedStagingListMovesNothing() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out"
        #expect(try rtlgen(["--mantissa", "3", "--units", "lmul", "--out", out]).status == 0)
        let manifest = try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))
        try write("victim\n", dir + "/victim.txt")
        for (n, list) in ["../victim.txt\nmanifest.json\n", "/etc/passwd\n", "manifest.json\n", "a/../../victim.txt\n"].enumerated() {
            let staging = out + "/.rtlgen-staging-999999\(n)-1"
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
            try write(list, staging + "/COMMIT")
            try write("{ garbage", staging + "/manifest.json")
        }
        // a staging entry that is a link to somewhere else is not ours to follow
        try FileManager.default.createSymbolicLink(atPath: out + "/.rtlgen-staging-9999998-1", withDestinationPath: dir)
        let r = try rtlgen(["--mantissa", "3", "--units", "fpmul", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/victim.txt"), "victim.txt was moved")
        #expect(!FileManager.default.fileExists(atPath: out + "/victim.txt"))
        let now = try String(contentsOfFile: out + "/manifest.json", encoding: .utf8)
        #expect(now.contains("lmul_e4m3") && now.contains("fpmul_e4m3") && !now.contains("garbage"), "\(now)")
        #expect(listing(out).filter { $0.hasPrefix(".rtlgen-staging-") }.isEmpty, "\(listing(out))")
        #expect(FileManager.default.fileExists(atPath: dir + "/out"), "the link's target was removed")
        _ = manifest
    }

    /// A run stopped by SIGTERM while it holds the manifest lock and a staging directory leaves
    /// neither behind (item 12's `.manifest.json.lock`), and the old set stays whole.
    @Test func stoppedRunLeavesNoLockOrStaging() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out"
        #expect(try rtlgen(["--mantissa", "3", "--units", "lmul", "--out", out]).status == 0)
        let before = listing(out)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["--mantissa", "3", "--units", "fpmul,mitchell", "--out", out]
        p.environment = ProcessInfo.processInfo.environment.merging(["RTLGEN_TEST_PAUSE_MS": "1000"]) { $1 }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // wait until it is staging (its staging directory exists), then stop it
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && !listing(out).contains(where: { $0.hasPrefix(".rtlgen-staging-") }) { usleep(5_000) }
        #expect(listing(out).contains(where: { $0.hasPrefix(".rtlgen-staging-") }), "never staged")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 128 + SIGTERM)
        #expect(listing(out) == before, "left \(listing(out))")
    }
}

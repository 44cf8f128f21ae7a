import Foundation
import Testing

/// Issue 27's classes run at once: streamed single-file outputs racing for one path, and
/// `rtlgen testbench` runs sharing one directory, never leave a torn or mixed file.
extension CLITests {
    func startRtlgen(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    @Test func streamedOutputsRacingForOnePathLeaveOneWholeFile() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // two inputs of 100,000 pairs whose answers differ in every line
        try write(String(repeating: "38 38\n", count: 100_000), dir + "/one.hex")
        try write(String(repeating: "38 40\n", count: 100_000), dir + "/two.hex")
        let one = String(repeating: "38 38 39\n", count: 100_000), two = String(repeating: "38 40 41\n", count: 100_000)
        for _ in 0..<3 {
            let runs = try ["one", "two", "one", "two"].map { try startRtlgen(Self.evalArgs + ["--in", "\(dir)/\($0).hex", "--out", dir + "/y.hex"]) }
            for p in runs { p.waitUntilExit() }
            #expect(runs.allSatisfy { $0.terminationStatus == 0 })
            let y = try String(contentsOfFile: dir + "/y.hex", encoding: .utf8)
            #expect(y == one || y == two, "a mixed or torn file: \(y.utf8.count) bytes")
            #expect(listing(dir).sorted() == ["one.hex", "two.hex", "y.hex"], "\(listing(dir))")
        }
    }

    @Test func testbenchRunsSharingADirectoryKeepEveryFile() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let units = ["lmul", "fpmul", "mitchell", "fpmul_ftz"]
        let runs = try units.map { try startRtlgen(["testbench", "--unit", $0, "--format", "e5m2", "--out", dir + "/tb"]) }
        for p in runs { p.waitUntilExit() }
        #expect(runs.allSatisfy { $0.terminationStatus == 0 })
        let expected = units.flatMap { ["\($0)_e5m2.v", "\($0)_e5m2.hex", "tb_\($0)_e5m2.v"] }.sorted()
        #expect(listing(dir + "/tb") == expected, "\(listing(dir + "/tb"))")
        for u in units {
            let hex = try String(contentsOfFile: "\(dir)/tb/\(u)_e5m2.hex", encoding: .utf8)
            #expect(hex.split(separator: "\n").filter { !$0.hasPrefix("//") }.count == 65_536, "\(u): torn vectors")
        }
    }
}

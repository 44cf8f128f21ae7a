import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Testing

/// SHA-256 against the FIPS 180-4 examples, and the staging/commit protocol of `OutputWriter.write`
/// with the staging directories a killed run leaves behind, built by hand.
@Suite struct OutputWriterTests {
    @Test func sha256MatchesFIPSExamples() {
        #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func scratch() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    func entry(_ module: String) -> Manifest.Entry {
        var e = Manifest.entry(for: .init(.lmul, .e4m3))
        e.module = module
        e.file = module + ".v"
        return e
    }

    /// A staging directory whose owner is gone (no process has pid 2^30 - 1: Linux caps pids at
    /// 2^22) and that reached its COMMIT list: the next write finishes its renames first.
    @Test func nextWriteFinishesACommittedStagingDirectory() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try OutputWriter.write([("a.v", Data("old a\n".utf8)), ("b.v", Data("old b\n".utf8))], into: dir, manifest: [entry("a"), entry("b")])
        let staging = dir + "/.rtlgen-staging-1073741823-7"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        // killed after renaming a.v: b.v and the manifest are still staged
        try Data("new a\n".utf8).write(to: URL(fileURLWithPath: dir + "/a.v"))
        try Data("new b\n".utf8).write(to: URL(fileURLWithPath: staging + "/b.v"))
        var m = Manifest().merging([entry("a"), entry("b")])
        m.modules[0].sha256 = SHA256.hex(Data("new a\n".utf8))
        m.modules[1].sha256 = SHA256.hex(Data("new b\n".utf8))
        try m.encoded().write(to: URL(fileURLWithPath: staging + "/manifest.json"))
        try Data("a.v\nb.v\nmanifest.json\n".utf8).write(to: URL(fileURLWithPath: staging + "/COMMIT"))
        // a reader sees the torn set and names the file
        let torn = try Manifest.load(from: dir).staleFiles(in: dir)
        #expect(torn.map(\.file) == [dir + "/a.v"])
        // the next run into the directory finishes it, then adds its own
        try OutputWriter.write([("c.v", Data("c\n".utf8))], into: dir, manifest: [entry("c")])
        #expect(read(dir + "/a.v") == "new a\n" && read(dir + "/b.v") == "new b\n")
        let after = try Manifest.load(from: dir)
        #expect(after.modules.map(\.module) == ["a", "b", "c"])
        #expect(after.staleFiles(in: dir).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["a.v", "b.v", "c.v", "manifest.json"])
    }

    /// Without COMMIT, nothing was renamed yet: the staging directory is removed and the set stays old.
    @Test func nextWriteRemovesAnUncommittedStagingDirectory() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try OutputWriter.write([("a.v", Data("old a\n".utf8))], into: dir, manifest: [entry("a")])
        let staging = dir + "/.rtlgen-staging-1073741823-9"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        try Data("new a, half writ".utf8).write(to: URL(fileURLWithPath: staging + "/a.v"))
        // a live owner's staging directory (this process's parent) is left alone
        let live = dir + "/.rtlgen-staging-\(getppid())-1"
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: false)
        try OutputWriter.write([("c.v", Data("c\n".utf8))], into: dir, manifest: [entry("c")])
        #expect(read(dir + "/a.v") == "old a\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == [".rtlgen-staging-\(getppid())-1", "a.v", "c.v", "manifest.json"])
        #expect(try Manifest.load(from: dir).staleFiles(in: dir).isEmpty)
    }

    /// A run killed inside a writability check or while writing one file leaves a probe directory
    /// or a temporary file; the next check or write in that directory removes them.
    @Test func staleProbesAndTemporaryFilesAreRemoved() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/.rtlgen-probe-1073741823-5", withIntermediateDirectories: false)
        try Data("half".utf8).write(to: URL(fileURLWithPath: dir + "/.v.hex.tmp-1073741823-5"))
        try OutputWriter.checkDirectory(dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [".v.hex.tmp-1073741823-5"])
        try OutputWriter.writeFile(Data("v\n".utf8), to: dir + "/v.hex")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["v.hex"])
    }

    @Test func singleFileFollowsSymlinksAndRefusesSpecialFiles() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: "sub/target.txt")
        // a link to nothing is refused (issue 27: writing "through" it is not what a user means)
        #expect(throws: HarnessError.self) { try OutputWriter.writeFile(Data("one\n".utf8), to: dir + "/link") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/sub"))
        // a link to a file is followed and its target replaced
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: false)
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: dir + "/sub/target.txt"))
        try OutputWriter.writeFile(Data("one\n".utf8), to: dir + "/link")
        #expect(read(dir + "/sub/target.txt") == "one\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link")) == "sub/target.txt")
        #expect(mkfifo(dir + "/fifo", 0o644) == 0)
        #expect(throws: HarnessError.self) { try OutputWriter.writeFile(Data("x".utf8), to: dir + "/fifo") }
        #expect(throws: HarnessError.self) { try OutputWriter.writeFile(Data("x".utf8), to: "") }
        #expect(throws: HarnessError.self) { try OutputWriter.write([("a", Data())], into: "") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["fifo", "link", "sub"])
    }
}

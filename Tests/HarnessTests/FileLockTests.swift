import Foundation
import Testing
import Toolchain
@testable import Synthesis

/// The one lock (FileLock) and the locks a killed run leaves (issue 38, item 7).
@Suite struct FileLockTests {
    func scratch() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("filelock-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// A lock no process holds (a SIGKILLed run's) is removed; a held one is kept and stays held.
    @Test func removeStaleTakesOnlyUnheldLocks() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/stale.lock", contents: nil)
        FileManager.default.createFile(atPath: dir + "/other.json", contents: Data("{}".utf8))
        let held = try FileLock(dir + "/held.lock")
        #expect(FileLock.removeStale(in: dir) == 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == ["held.lock", "other.json"])
        // still held: a second lock of it from elsewhere must wait
        let f = open(dir + "/held.lock", O_RDWR)
        #expect(flock(f, LOCK_EX | LOCK_NB) != 0)
        close(f)
        held.release()
        #expect(!FileManager.default.fileExists(atPath: dir + "/held.lock"))
    }

    /// The cost cache keeps its locks in .locks/, never beside the results, and measuring any job
    /// clears the locks killed runs left there.
    @Test func costCacheLocksLiveApartAndStaleOnesGo() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cache = CostCache(directory: dir)
        try FileManager.default.createDirectory(atPath: cache.lockDirectory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: cache.lockDirectory + "/0123.lock", contents: nil)
        var job = CostJob("test job")
        job.add("x", "1")
        var sawLock = false
        let r: Int = try cache.result(job) {
            sawLock = FileManager.default.fileExists(atPath: cache.lockDirectory + "/\(job.key).lock")
            return 42
        }
        #expect(r == 42 && sawLock)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".lock") }.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.lockDirectory).isEmpty)
    }
}

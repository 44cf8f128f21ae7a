import Foundation

/// A user-facing failure: one line saying what is wrong and what to do.
public struct UsageError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Writes a set of files into a directory all at once: everything goes to a staging directory
/// beside the destination first and is renamed into place only when all of it was written, so a
/// failure leaves no partial output.
public enum OutputWriter {
    /// Checks that `path` can be an output directory (exists as a writable directory, or can be
    /// created under a writable ancestor). Throws a one-line `UsageError` otherwise.
    public static func checkDirectory(_ path: String, flag: String = "--out") throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw UsageError("\(flag) \(path) is an existing file, not a directory; give a directory path")
            }
            guard fm.isWritableFile(atPath: path) else {
                throw UsageError("\(flag) \(path) is not writable; choose a directory you can write to")
            }
            return
        }
        let ancestor = nearestExistingAncestor(path)
        isDir = false
        guard fm.fileExists(atPath: ancestor, isDirectory: &isDir), isDir.boolValue else {
            throw UsageError("\(flag) \(path): \(ancestor) is a file, so the directory cannot be created; choose another path")
        }
        guard fm.isWritableFile(atPath: ancestor) else {
            throw UsageError("\(flag) \(path) cannot be created: \(ancestor) is not writable; choose a directory you can write to")
        }
    }

    /// Checks that a single output file can be written at `path`.
    public static func checkFile(_ path: String, flag: String = "--out") throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue { throw UsageError("\(flag) \(path) is a directory; give a file path") }
            guard fm.isWritableFile(atPath: path) else {
                throw UsageError("\(flag) \(path) is not writable; choose a file you can write")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        try checkDirectory(parent.isEmpty ? "." : parent, flag: flag)
    }

    /// Writes `files` (name relative to `directory` -> contents) atomically as a set.
    public static func write(_ files: [(name: String, contents: Data)], into directory: String) throws {
        try checkDirectory(directory)
        let fm = FileManager.default
        let dirURL = URL(fileURLWithPath: directory).standardizedFileURL
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: dirURL.path, isDirectory: &isDir)
        let stagingParent = exists ? dirURL : URL(fileURLWithPath: nearestExistingAncestor(dirURL.path))
        let staging = stagingParent.appendingPathComponent(".rtlgen-staging-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        if mkdir(staging.path, 0o755) != 0 {
            throw UsageError("cannot write into \(directory): \(String(cString: strerror(errno))); choose a directory you can write to")
        }
        defer { try? fm.removeItem(at: staging) }
        do {
            for f in files {
                let url = staging.appendingPathComponent(f.name)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try f.contents.write(to: url)
            }
            if exists {
                for f in files {
                    let dest = dirURL.appendingPathComponent(f.name)
                    try fm.createDirectory(at: dest.deletingLastPathComponent(), withIntermediateDirectories: true)
                    if rename(staging.appendingPathComponent(f.name).path, dest.path) != 0 {
                        throw UsageError("cannot move \(f.name) into \(directory): \(String(cString: strerror(errno)))")
                    }
                }
            } else {
                try fm.createDirectory(at: dirURL.deletingLastPathComponent(), withIntermediateDirectories: true)
                if rename(staging.path, dirURL.path) != 0 {
                    throw UsageError("cannot create \(directory): \(String(cString: strerror(errno)))")
                }
            }
        } catch let e as UsageError {
            throw e
        } catch {
            throw UsageError("cannot write into \(directory): \(error.localizedDescription)")
        }
    }

    /// Writes one file atomically (temporary file beside it, then rename).
    public static func writeFile(_ contents: Data, to path: String) throws {
        try checkFile(path)
        let url = URL(fileURLWithPath: path)
        let fm = FileManager.default
        try? fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try contents.write(to: tmp)
        } catch {
            try? fm.removeItem(at: tmp)
            throw UsageError("cannot write \(path): \(error.localizedDescription)")
        }
        if rename(tmp.path, url.path) != 0 {
            try? fm.removeItem(at: tmp)
            throw UsageError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func nearestExistingAncestor(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: url.path) && url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url.path
    }
}

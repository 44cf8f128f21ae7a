@preconcurrency import Glibc
import Foundation

/// Standard input, output and error as rtlgen uses them, without Foundation's `FileHandle`, whose
/// `write` and `readDataToEndOfFile` trap (SIGILL and a backtrace) when the stream is closed or
/// full. A closed or failing stream is a one-line `HarnessError` (exit 1); standard error is
/// written best-effort, since nothing else could report its failure.
public enum StandardStreams {
    /// C's `stdout`, where Swift's `print` writes.
    static var printStream: UnsafeMutablePointer<FILE> { stdout }
    nonisolated(unsafe) private static var closedAtStart: Set<Int32> = []

    /// Called once by the executable before anything opens a file: notes which of descriptors 0, 1
    /// and 2 were closed (`<&-`, `>&-`) and puts /dev/null in their place, so no file rtlgen opens
    /// later becomes "standard output" by accident (a closed standard output gets /dev/full, so
    /// whatever `print` wrote fails when flushed and is reported). Writing to a broken pipe becomes an error
    /// (EPIPE) instead of a silent death by SIGPIPE; children get SIGPIPE back (ChildProcesses).
    public static func prepare() {
        for fd in Int32(0)...2 where fcntl(fd, F_GETFD) < 0 && errno == EBADF {
            closedAtStart.insert(fd)
            let n = open(fd == 1 ? "/dev/full" : "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if n >= 0 && n != fd {
                dup2(n, fd)
                close(n)
            }
        }
        signal(SIGPIPE, SIG_IGN)
    }

    static func name(_ fd: Int32) -> String { ["standard input", "standard output", "standard error"][Int(fd)] }

    static func closedError(_ fd: Int32) -> HarnessError {
        HarnessError("\(name(fd)) is closed; give rtlgen \(fd == 0 ? "an input (a file, a pipe or a terminal)" : "somewhere to write (a file, a pipe or a terminal)")")
    }

    /// Writes all of `bytes` to `fd`, or throws a one-line error naming the stream and why.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, name: String) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw HarnessError("cannot write \(name): \(plainError(errno)); \(errno == ENOSPC ? "free some space" : "check where it goes") and run again")
            }
            done += n
        }
    }

    /// Writes `data` to standard output (flushing what `print` buffered first, so the order holds).
    public static func writeOutput(_ data: Data) throws {
        if closedAtStart.contains(1) { throw closedError(1) }
        guard fflush(printStream) == 0 else { throw HarnessError("cannot write standard output: \(plainError(errno)); check where it goes and run again") }
        try data.withUnsafeBytes { try writeAll($0, to: 1, name: "standard output") }
    }

    nonisolated(unsafe) private static var outputFailure: HarnessError?
    private static let failureLock = NSLock()

    /// Writes `data` to standard output from a progress callback that cannot throw: a failure is
    /// kept and reported when the command finishes (`finishOutput`), as one line and exit 1.
    public static func writeOutputLater(_ data: Data) {
        do { try writeOutput(data) } catch let e as HarnessError {
            failureLock.lock()
            if outputFailure == nil { outputFailure = e }
            failureLock.unlock()
        } catch {}
    }

    /// Writes `text` to standard error; a failure there is ignored (there is nowhere to report it).
    public static func writeError(_ text: String) {
        var t = text
        t.withUTF8 { try? writeAll(UnsafeRawBufferPointer($0), to: 2, name: "standard error") }
    }

    /// Writes `data` to standard error, best-effort (the `FileHandle.standardError.write` call sites).
    public static func writeError(_ data: Data) {
        data.withUnsafeBytes { try? writeAll($0, to: 2, name: "standard error") }
    }

    /// Flushes what `print` buffered; a closed or failing standard output is an error (the command's
    /// output was lost, so it did not do its job).
    public static func finishOutput() throws {
        failureLock.lock()
        let earlier = outputFailure
        failureLock.unlock()
        if let earlier { throw earlier }
        let failed = fflush(printStream) != 0 || ferror(printStream) != 0
        let why = errno
        if failed {
            if closedAtStart.contains(1) { throw closedError(1) }
            throw HarnessError("cannot write standard output: \(plainError(why)); check where it goes and run again")
        }
    }

    /// Opens standard input for reading, or throws when it was closed at start.
    public static func inputDescriptor() throws -> Int32 {
        if closedAtStart.contains(0) { throw closedError(0) }
        return 0
    }

    /// An errno in plain words ("No space left on device"), never a Foundation domain and code.
    public static func plainError(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// An error from reading a file, in plain words: a JSON decoding problem as what is wrong
    /// where, a file-system error as its errno text, never "NSCocoaErrorDomain error 256" or
    /// "The data couldn't be read because it isn't in the correct format."
    public static func plainWords(_ error: Error) -> String {
        if let d = error as? DecodingError {
            func at(_ c: DecodingError.Context) -> String {
                let path = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                return path.isEmpty ? "" : " at '\(path)'"
            }
            switch d {
            case .keyNotFound(let key, let c): return "field '\(key.stringValue)' is missing\(at(c))"
            case .typeMismatch(_, let c): return "a value has the wrong type\(at(c))"
            case .valueNotFound(_, let c): return "a value is missing\(at(c))"
            case .dataCorrupted(let c): return c.codingPath.isEmpty ? "not valid JSON, or a number too large for its field" : "a value is not valid\(at(c))"
            @unknown default: return "it could not be read"
            }
        }
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return plainError(Int32(posix.code))
        }
        if ns.domain == NSPOSIXErrorDomain { return plainError(Int32(ns.code)) }
        return ns.localizedDescription
    }
}

import Foundation
import Testing

/// Issue 27, the stream classes: a closed, full or broken standard stream is one line and exit 1
/// (never a trap and a backtrace); input is streamed with any line ends; bad tokens are quoted as
/// short prefixes with the bad character named.
extension CLITests {
    /// Runs `rtlgen <args> <redirections>` through /bin/sh, so a test can close or redirect the
    /// standard streams as a user's shell does; stderr goes to a file and is returned.
    func rtlgenShell(_ args: [String], redirect: String, stdinText: String? = nil) throws -> Run {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let quoted = ([Self.binary] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        var script = "\(quoted) \(redirect) 2>'\(dir)/err'"
        if let stdinText {
            try Data(stdinText.utf8).write(to: URL(fileURLWithPath: dir + "/in"))
            script = "\(quoted) <'\(dir)/in' \(redirect) 2>'\(dir)/err'"
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let e = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: e)
    }

    func expectOneLine(_ r: Run, status: Int32, mentions: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "\(what): exit \(r.status), stderr \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("rtlgen: error: ") && r.stderr.hasSuffix("\n") && r.stderr.split(separator: "\n").count == 1,
                "\(what): not one line: \(r.stderr.prefix(2000))", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(mentions), "\(what): lacks '\(mentions)': \(r.stderr.prefix(500))", sourceLocation: sourceLocation)
        for bad in ["Fatal error", "backtrace", "Swift/", "NSCocoaErrorDomain", "Illegal instruction"] {
            #expect(!r.stderr.contains(bad), "\(what): \(r.stderr.prefix(500))", sourceLocation: sourceLocation)
        }
    }

    static let evalArgs = ["eval", "--unit", "lmul", "--mantissa", "3"]

    /// Item 1 and 2: /dev/full, a closed standard output, a closed standard input and a reader
    /// that went away; each command that writes to standard output.
    @Test func failingAndClosedStandardStreams() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("38 40\n30 3c\n", dir + "/A.hex")
        try write("38\n40\n", dir + "/B.hex")
        let matmul = ["matmul", "--unit", "fpmul", "--mantissa", "3", "--a", dir + "/A.hex", "--b", dir + "/B.hex"]
        let vectors = ["vectors", "--unit", "lmul", "--mantissa", "3", "--out", "-"]
        for (args, input) in [(Self.evalArgs, "38 38\n"), (matmul, ""), (vectors, ""), (["units"], ""), (["units", "--long"], "")] {
            let full = try rtlgenShell(args, redirect: ">/dev/full", stdinText: input)
            expectOneLine(full, status: 1, mentions: "cannot write standard output: No space left on device", "\(args) >/dev/full")
            let closed = try rtlgenShell(args, redirect: ">&-", stdinText: input)
            expectOneLine(closed, status: 1, mentions: "standard output is closed", "\(args) >&-")
        }
        let noInput = try rtlgenShell(Self.evalArgs, redirect: "<&-")
        expectOneLine(noInput, status: 1, mentions: "standard input is closed", "eval <&-")
        let noA = try rtlgenShell(["matmul", "--unit", "fpmul", "--mantissa", "3", "--a", "-", "--b", dir + "/B.hex"], redirect: "<&-")
        expectOneLine(noA, status: 1, mentions: "standard input is closed", "matmul --a - <&-")
        // a reader that is gone (`| head -c 1` of a long output): EPIPE, not a silent death by SIGPIPE
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "'\(Self.binary)' vectors --unit lmul --mantissa 3 --out - 2>'\(dir)/err' | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}"]
        try p.run()
        p.waitUntilExit()
        let err = (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? ""
        expectOneLine(Run(status: p.terminationStatus, stdout: "", stderr: err), status: 1, mentions: "Broken pipe", "vectors | head -c 1")
        // a closed standard error: the status still says it failed
        let silent = try rtlgenShell(["--mantissa", "0"], redirect: "2>&-")
        #expect(silent.status == 64)
    }

    /// Items 7, 15, 16: LF, CR LF and CR-only files read the same; a no-break space is named; a
    /// zero-padded value is a value; a huge token is quoted as a short prefix.
    @Test func lineEndsSeparatorsAndQuoting() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, end) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
            try write("38 40\(end)30 3c\(end)", dir + "/A-\(name).hex")
            try write("38\(end)40\(end)", dir + "/B-\(name).hex")
            let r = try rtlgen(["matmul", "--unit", "fpmul", "--mantissa", "3", "--a", dir + "/A-\(name).hex", "--b", dir + "/B-\(name).hex"])
            // 1*1 + 2*2 = 5 and 0.5*1 + 1.5*2 = 3.5, in units of 2^-9: 0xa00, 0x700 (2 x 2 times 2 x 1)
            #expect(r.status == 0 && r.stdout.contains("2x2 times 2x1"), "\(name): \(r.stdout) \(r.stderr)")
            #expect(r.stdout.split(separator: "\n").dropFirst() == ["0 0 000000a00 0", "1 0 000000700 0"], "\(name): \(r.stdout)")
            try write("3e 42\(end)38 38\(end)", dir + "/pairs-\(name).hex")
            let e = try rtlgen(Self.evalArgs + ["--in", dir + "/pairs-\(name).hex"])
            #expect(e.status == 0 && e.stdout == "3e 42 49\n38 38 39\n", "\(name): \(e.stdout) \(e.stderr)")
        }
        // a lone CR at the very end, and a last line without any end
        try write("3e 42\r38 38", dir + "/tail.hex")
        #expect(try rtlgen(Self.evalArgs + ["--in", dir + "/tail.hex"]).stdout == "3e 42 49\n38 38 39\n")
        // leading zeros are fine, however many
        try write("0x0000000000000000000003e 00042\n", dir + "/zeros.hex")
        #expect(try rtlgen(Self.evalArgs + ["--in", dir + "/zeros.hex"]).stdout == "3e 42 49\n")
        try write("38\u{00A0}38\n", dir + "/nbsp.hex")
        let nbsp = try rtlgen(Self.evalArgs + ["--in", dir + "/nbsp.hex"])
        expectOneLine(nbsp, status: 64, mentions: "line 1: '38\u{00A0}38' is not a hex value: U+00A0 (no-break space) at column 3", "no-break space")
        try write("38 3g\n", dir + "/g.hex")
        expectOneLine(try rtlgen(Self.evalArgs + ["--in", dir + "/g.hex"]), status: 64, mentions: "'3g' is not a hex value: 'g' at column 2", "3g")
        try write("1" + String(repeating: "0", count: 8) + " 38\n", dir + "/big.hex")
        expectOneLine(try rtlgen(Self.evalArgs + ["--in", dir + "/big.hex"]), status: 64, mentions: "does not fit e4m3 (8 bits)", "9 digits")
        // a 1 MB token: the message quotes 24 characters and the length
        try write(String(repeating: "z", count: 1 << 20) + " 38\n", dir + "/long.hex")
        let long = try rtlgen(Self.evalArgs + ["--in", dir + "/long.hex"])
        expectOneLine(long, status: 64, mentions: "'\(String(repeating: "z", count: 24))...' (1048576 bytes)", "1 MB token")
        #expect(long.stderr.utf8.count < 400, "\(long.stderr.utf8.count) bytes of stderr")
        // a line longer than the reader's limit (a binary file without line ends) is refused, not held
        try Data(repeating: 0x33, count: 5 << 20).write(to: URL(fileURLWithPath: dir + "/endless.hex"))
        let endless = try rtlgen(Self.evalArgs + ["--in", dir + "/endless.hex"])
        expectOneLine(endless, status: 64, mentions: "line 1 is longer than 4 MiB", "5 MB line")
        // NUL bytes (a file of zeros) are named at once
        try Data(repeating: 0, count: 100).write(to: URL(fileURLWithPath: dir + "/zero.hex"))
        expectOneLine(try rtlgen(Self.evalArgs + ["--in", dir + "/zero.hex"]), status: 64, mentions: "U+0000 (NUL) at column 1", "NUL")
        // a long option value is quoted short too
        let value = try rtlgen(["--mantissa", "3", "--units", String(repeating: "q", count: 100_000), "--out", dir + "/g"])
        #expect(value.status == 64 && value.stderr.utf8.count < 600 && value.stderr.split(separator: "\n").count == 1, "\(value.stderr.utf8.count) bytes")
    }

    /// Item 4 and 22: eval streams (a FIFO and a pipe are read like stdin; a bad line into a file
    /// writes nothing); a missing, directory or unreadable --in is bad input.
    @Test func evalStreamsAndRefusesUnreadableInput() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 300,000 lines (more than the 64 KiB output buffer many times over): every line answered
        var text = ""
        for i in 0..<300_000 { text += "38 \(String(i % 2 == 0 ? 0x38 : 0x40, radix: 16))\n" }
        try write(text, dir + "/many.hex")
        let r = try rtlgen(Self.evalArgs + ["--in", dir + "/many.hex", "--out", dir + "/y.hex"])
        #expect(r.status == 0)
        let lines = try String(contentsOfFile: dir + "/y.hex", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 300_000 && lines[0] == "38 38 39" && lines[1] == "38 40 41" && lines[299_999] == "38 40 41")
        // a bad line after 200,000 good ones, into a file: nothing written, the old file kept
        try write(String(repeating: "38 38\n", count: 200_000) + "zz\n", dir + "/late.hex")
        let late = try rtlgen(Self.evalArgs + ["--in", dir + "/late.hex", "--out", dir + "/y.hex"])
        expectOneLine(late, status: 64, mentions: "line 200001", "late bad line")
        #expect(try String(contentsOfFile: dir + "/y.hex", encoding: .utf8).split(separator: "\n").count == 300_000)
        #expect(listing(dir).filter { $0.contains(".tmp-") }.isEmpty)
        // a FIFO (what `--in <(cmd)` is) is read as a stream
        #expect(mkfifo(dir + "/fifo", 0o644) == 0)
        let writer = Thread {
            if let h = FileHandle(forWritingAtPath: dir + "/fifo") { h.write(Data("3e 42\n".utf8)); try? h.close() }
        }
        writer.start()
        let fifo = try rtlgen(Self.evalArgs + ["--in", dir + "/fifo"])
        #expect(fifo.status == 0 && fifo.stdout == "3e 42 49\n", "\(fifo.stderr)")
        for (path, says) in [(dir + "/missing.hex", "is not a readable file (No such file or directory)"), (dir, "is a directory")] {
            expectOneLine(try rtlgen(Self.evalArgs + ["--in", path]), status: 64, mentions: says, path)
            expectOneLine(try rtlgen(["matmul", "--unit", "lmul", "--mantissa", "3", "--a", path, "--b", dir + "/many.hex"]), status: 64, mentions: says, path)
        }
    }

    /// Item 8: a K that could wrap SPEC's default accumulator is refused, with the width that
    /// would hold it; an explicit --acc-width is the user's choice (SPEC: narrower wraps).
    @Test func matmulRefusesAKThatCouldWrap() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let k = 80_000
        // e4m3 0x77 = 1.875 * 2^7 = 240; 240 * 240 saturates to max finite 448 (SPEC's default rule)
        try write(Array(repeating: "77", count: k).joined(separator: " ") + "\n", dir + "/A.hex")
        try write(String(repeating: "77\n", count: k), dir + "/B.hex")
        let base = ["matmul", "--unit", "fpmul", "--mantissa", "3", "--a", dir + "/A.hex", "--b", dir + "/B.hex"]
        let r = try rtlgen(base)
        expectOneLine(r, status: 64, mentions: "K = 80000 is more than the 65536 products", "K = 80000")
        #expect(r.stderr.contains("--acc-width 36"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        // 80000 * 448 in LSBs of 2^-9 is 18,350,080,000: past SPEC's 35-bit default (2^34 - 1 at most), inside 36 bits
        let w = try rtlgen(base + ["--acc-width", "36"])
        #expect(w.status == 0, "\(w.stderr)")
        let sum = w.stdout.split(separator: "\n").dropFirst().first.map { UInt64($0.split(separator: " ")[2], radix: 16) ?? 0 }
        #expect(sum == UInt64(k) * 448 * 512, "\(w.stdout)")
    }
}

import Foundation
import Testing
@testable import Accuracy
@testable import Sweep
import Units

/// Every subcommand as an adversarial user meets it (issue 13): each bad input exits 64 (bad
/// input found before any work) or 1 (found while working), prints exactly one line on stderr
/// naming the problem, and leaves the directory listing as it was. No input, however large,
/// negative or malformed, ends in a signal or a backtrace.
extension CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs rtlgen from the repository root (the commands' default paths are relative to it);
    /// a run that is still going after `timeout` seconds is killed and reported, so a bad input
    /// that starts real work fails the test instead of hanging it.
    func rtlgenAtRoot(_ args: [String], environment: [String: String]? = nil, timeout: Double = 30) throws -> (run: Run, timedOut: Bool) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: Self.root)
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("rtlgen-out-\(UUID().uuidString)")
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("rtlgen-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        p.standardOutput = try FileHandle(forWritingTo: outFile)
        p.standardError = try FileHandle(forWritingTo: errFile)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(5_000) }
        let timedOut = p.isRunning
        if timedOut { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let run = Run(status: p.terminationStatus, stdout: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
        return (run, timedOut)
    }

    /// A scratch directory with the things bad inputs point at: a regular file, a FIFO, a symlink
    /// to the FIFO, a socket, a device node (as root; otherwise /dev/null stands in, which a non-root
    /// process could not replace anyway), a corrupt manifest, a corrupt synthesis report and a
    /// 32-bit unit file.
    func fixtures() throws -> String {
        let dir = scratch()
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/afile"))
        #expect(mkfifo(dir + "/fifo", 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: dir + "/linktofifo", withDestinationPath: "fifo")
        if getuid() == 0 { #expect(mknod(dir + "/dev", S_IFCHR | 0o644, dev_t(1 << 8 | 3)) == 0) }
        // a Unix socket, bound and closed (the node stays)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in (dir + "/sock").utf8.enumerated() where i < buffer.count - 1 { buffer[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(fd)
        for sub in ["badmanifest", "badreport"] { try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: false) }
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: dir + "/badmanifest/manifest.json"))
        try Data("{\"units\": 3}".utf8).write(to: URL(fileURLWithPath: dir + "/badreport/report.json"))
        try Data("module lmul_e8m23; endmodule\n".utf8).write(to: URL(fileURLWithPath: dir + "/lmul_e8m23.v"))
        // liberty files that are not (issue 38 item 5): empty, gzipped, truncated, comments only; and one that looks like one
        try Data().write(to: URL(fileURLWithPath: dir + "/empty.lib"))
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]).write(to: URL(fileURLWithPath: dir + "/cells.lib.gz"))
        try Data("/* osu018 */\nlibrary (osu018_stdcells) {\n  cell (INVX1) {\n    area : 16;\n".utf8).write(to: URL(fileURLWithPath: dir + "/truncated.lib"))
        try Data("/* nothing but a comment */\n".utf8).write(to: URL(fileURLWithPath: dir + "/comment.lib"))
        try Data("library (fake) {\n  cell (INVX1) { area : 16; }\n}\n".utf8).write(to: URL(fileURLWithPath: dir + "/fake.lib"))
        // a valid input of eval (so that writing the output over it would succeed), a link to it, a plan that is not JSON
        try Data("3e 42\n".utf8).write(to: URL(fileURLWithPath: dir + "/pairs.hex"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/linktopairs", withDestinationPath: "pairs.hex")
        try Data("fe 7f 73 6f 88 68 0f 00\n".utf8).write(to: URL(fileURLWithPath: dir + "/blocks.hex"))
        try Data("\u{1B}]0;owned\u{07}\n".utf8).write(to: URL(fileURLWithPath: dir + "/osc.hex"))
        try FileManager.default.createDirectory(atPath: dir + "/badplan", withIntermediateDirectories: false)
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: dir + "/badplan/plan.json"))
        // sweeps: a plan of one job with no result, and the same plan with a result sealed for another plan
        let input = SweepPlan.Input(path: "x", name: "x", sha256: "0")
        let plan = try SweepPlan.make(kinds: [UnitKind(rawValue: "lmul")!], formats: [.e4m3], samples: 1_000, seed: 1, randomVectors: 0,
                                      proofTimeout: 60, flow: input, liberty: input, tools: [])
        for sub in ["sweepempty", "sweepstale", "sweepstale/results"] { try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: false) }
        for sub in ["sweepempty", "sweepstale"] { try plan.encoded().write(to: URL(fileURLWithPath: "\(dir)/\(sub)/plan.json")) }
        let stats = ProductErrorStats(samples: 1, mean: 0, rms: 0, p99: 0, max: 0, bias: 0, zeros: 0, saturatedOperands: 0)
        let row = SweepRow(id: "lmul_e4m3", unit: .lmul, role: "approximate", format: .e4m3, width: 8,
                           verification: .init(method: "exhaustive", pairs: 65_536, simulator: "verilator"), gates: 1, transistors: 1, depth: 1,
                           equivalence: "proven", cells: 1, area: 1, delay: 1, energy: 1, errors: [.init(distribution: .normal, stats: stats)])
        let stale = try SweepResult(plan: String(repeating: "0", count: 64), job: "lmul_e4m3", rtlSHA256: "", code: "", seconds: 1, row: row).sealed()
        try stale.encoded().write(to: URL(fileURLWithPath: dir + "/sweepstale/results/lmul_e4m3.json"))
        return dir
    }

    /// Every file and directory under `dir`, hidden ones included, with its type.
    func fullListing(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).sorted().map { name in
            var s = stat()
            lstat(dir + "/" + name, &s)
            return "\(name) \(s.st_mode & S_IFMT) \(s.st_size)"
        }
    }

    func expectRefused(_ args: [String], _ mentions: String, status: Int32 = 64, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dir = try fixtures()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let device = getuid() == 0 ? dir + "/dev" : "/dev/null"
        func substituted(_ s: String) -> String {
            s.replacingOccurrences(of: "OUT", with: dir).replacingOccurrences(of: "ROOT", with: Self.root).replacingOccurrences(of: "DEVICE", with: device)
        }
        let argv = args.map(substituted)
        let mentions = substituted(mentions)
        let before = fullListing(dir)
        let rootBefore = fullListing(Self.root + "/rtl")
        let (r, timedOut) = try rtlgenAtRoot(argv)
        #expect(!timedOut, "\(argv) started real work", sourceLocation: sourceLocation)
        #expect(r.status == status, "\(argv): exit \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1 && r.stderr.hasSuffix("\n"), "\(argv): stderr is not one line: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("rtlgen: error: ") && r.stderr.contains(mentions), "\(argv): stderr lacks '\(mentions)': \(r.stderr)",
                sourceLocation: sourceLocation)
        for bad in ["Fatal error", "NSCocoaErrorDomain", "DecodingError", "Swift/", "backtrace", "inf "] {
            #expect(!r.stderr.contains(bad), "\(argv): \(r.stderr)", sourceLocation: sourceLocation)
        }
        // nothing a terminal would act on (issue 38 item 5): the one newline at the end only
        #expect(!r.stderr.dropLast().unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                "\(argv): a control character reached stderr: \(r.stderr.debugDescription)", sourceLocation: sourceLocation)
        #expect(fullListing(dir) == before, "\(argv) changed the directory: \(fullListing(dir))", sourceLocation: sourceLocation)
        #expect(fullListing(Self.root + "/rtl") == rootBefore, "\(argv) changed rtl/", sourceLocation: sourceLocation)
    }

    static let sim = ["sim", "--dir", "ROOT/rtl", "--build", "OUT/b", "--testbench", "ROOT/testbench"]
    static let exhaustive = ["exhaustive", "--dir", "ROOT/rtl", "--build", "OUT/b", "--testbench", "ROOT/testbench"]
    static let synth = ["synth", "--flow", "ROOT/synth/flow.ys", "--out", "OUT/s", "--work", "OUT/w"]
    static let array = ["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--mantissa", "3"]
    static let simArray = ["sim-array", "--sizes", "1x1", "--units", "lmul", "--mantissa", "3", "--build", "OUT/b", "--testbench", "ROOT/testbench"]
    static let benchArray = ["bench-array", "--rows", "2", "--cols", "2", "--mantissa", "3", "--build", "OUT/b", "--testbench", "ROOT/testbench"]
    static let prove = ["prove", "--dir", "ROOT/rtl", "--work", "OUT/w", "--testbench", "ROOT/testbench"]
    static let mutateArray = ["mutate-array", "--mantissa", "3", "--build", "OUT/b", "--testbench", "ROOT/testbench"]

    /// The table: (arguments, what the one line must mention, exit status).
    static let badInputs: [([String], String, Int32)] = [
        // generate (the default command)
        (["--mantissa", "0", "--out", "OUT/g"], "1...23", 64),
        (["--mantissa", "24", "--out", "OUT/g"], "1...23", 64),
        (["--mantissa", "-1", "--out", "OUT/g"], "--mantissa -1 is out of range", 64),
        (["--mantissa", "5", "--out", "OUT/g"], "--exponent", 64),
        (["--mantissa", "3", "--exponent", "1", "--out", "OUT/g"], "2...8", 64),
        (["--mantissa", "3", "--exponent", "9", "--out", "OUT/g"], "2...8", 64),
        (["--mantissa", "3", "--exponent", "+4", "--out", "OUT/g"], "'+4' is invalid for '--exponent", 64),
        (["--mantissa", "3.0", "--out", "OUT/g"], "--mantissa", 64),
        (["--mantissa", "0x3", "--out", "OUT/g"], "--mantissa", 64),
        (["--mantissa"], "--mantissa", 64),
        (["--mantissa", "3", "--units", "lmul,fmul", "--out", "OUT/g"], "unknown unit 'fmul'; valid units are lmul", 64),
        (["--mantissa", "3", "--units", "", "--out", "OUT/g"], "empty list", 64),
        (["--mantissa", "3", "--units", " , ", "--out", "OUT/g"], "empty list", 64),
        (["--mantissa", "3", "--units", "lmul,lmul", "--out", "OUT/g"], "'lmul' is listed twice", 64),
        (["--mantissa", "3", "--overflow", "wrap", "--out", "OUT/g"], "wrap", 64),
        (["--mantissa", "3", "--bogus", "--out", "OUT/g"], "unknown option '--bogus' for rtlgen (did you mean '--out'?). Run 'rtlgen generate --help' for the options.", 64),
        ([], "--mantissa", 64),
        // --format (issue 21 item 5): one name, never with --mantissa/--exponent; fn only for SPEC's three
        (["--format", "e2m1fn", "--mantissa", "1", "--out", "OUT/g"], "give --format or --mantissa/--exponent, not both", 64),
        (["--format", "e4m3", "--exponent", "4", "--out", "OUT/g"], "not both", 64),
        (["--format", "e2m1fn", "--overflow", "inf", "--out", "OUT/g"], "there is no infinity", 64),
        (["--format", "e3m2fn", "--overflow", "inf", "--out", "OUT/g"], "there is no infinity in e3m2fn", 64),
        // --stages and --clock-ns (issue 23): the pipelined _p<S> units
        (["--mantissa", "3", "--stages", "33", "--out", "OUT/g"], "--stages 33 is out of range; give 0...32", 64),
        (["--mantissa", "3", "--stages", "-1", "--out", "OUT/g"], "--stages -1 is out of range", 64),
        (["--mantissa", "3", "--stages", "9223372036854775808", "--out", "OUT/g"], "--stages", 64),
        (["--mantissa", "3", "--stages", "", "--out", "OUT/g"], "--stages", 64),
        (["--mantissa", "3", "--stages", "1.5", "--out", "OUT/g"], "not a whole number", 64),
        (["--mantissa", "3", "--stages", "2", "--clock-ns", "5", "--out", "OUT/g"], "give --stages or --clock-ns, not both", 64),
        (["--modules", "lmul_e4m3", "--stages", "2", "--out", "OUT/g"], "--modules names each unit's stages", 64),
        (["--modules", "lmul_e4m3_p0", "--out", "OUT/g"], "1 or more stages, _p<S> with S = 1...32", 64),
        (["--modules", "lmul_e4m3_p007", "--out", "OUT/g"], "without leading zeros", 64),
        (["--modules", "lmul_e4m3_p33", "--out", "OUT/g"], "'lmul_e4m3_p33': _p33 is out of range; give 0...32", 64),
        (["--mantissa", "3", "--clock-ns", "0", "--out", "OUT/g"], "0 ns is out of range; give 0.01...1000.0 ns", 64),
        (["--mantissa", "3", "--clock-ns", "1001", "--out", "OUT/g"], "out of range", 64),
        (["--mantissa", "3", "--clock-ns", "-1", "--out", "OUT/g"], "--clock-ns", 64),
        (["--mantissa", "3", "--clock-ns", "", "--out", "OUT/g"], "not a period in ns", 64),
        (["--mantissa", "3", "--clock-ns", "1e3", "--out", "OUT/g"], "not a period in ns", 64),
        (["--mantissa", "3", "--clock-ns", "nan", "--out", "OUT/g"], "not a period in ns", 64),
        (["--mantissa", "3", "--clock-ns", "1..5", "--out", "OUT/g"], "not a period in ns", 64),
        (["--mantissa", "3", "--units", "lmul", "--clock-ns", "0.05", "--out", "OUT/g"], "cannot be met by lmul_e4m3", 64),
        (sim + ["--modules", "lmul_e4m3_p2", "--stages", "2"], "names its stages already", 64),
        (sim + ["--modules", "lmul_e4m3", "--stages", "40"], "--stages 40 is out of range", 64),
        (sim + ["--modules", "lmul_e4m3", "--stages", "2"], "--mantissa 3 --units lmul --stages 2 --out", 64),
        (["--format", "", "--out", "OUT/g"], "empty format name; give e4m3, e5m2, bf16", 64),
        (["--format", "fp8", "--out", "OUT/g"], "unknown format 'fp8'; give e4m3, e5m2, bf16, fp16, fp32, e<E>m<M>", 64),
        (["--format", "e2m1fnfn", "--out", "OUT/g"], "unknown format 'e2m1fnfn'", 64),
        (["--format", "E2M1FN", "--out", "OUT/g"], "'E2M1FN' is not a format name as written; write e2m1fn", 64),
        (["--format", "e99m1", "--out", "OUT/g"], "exponent width 99 is out of range", 64),
        (["--format", "e4m99999999999999999999", "--out", "OUT/g"], "unknown format", 64),
        (["--format", "e2m0", "--out", "OUT/g"], "mantissa width 0 is out of range", 64),
        (["--format", "e4m3fn", "--out", "OUT/g"], "finite (fn) formats are e2m1fn, e2m3fn, e3m2fn", 64),
        (["--format", "e5m2fn", "--out", "OUT/g"], "'e5m2fn' is not a finite format", 64),
        (["--format", "e2m1fn", "--units", "fpadd", "--out", "OUT/g"], "fpadd needs an IEEE-style format; e2m1fn", 64),
        (["--format"], "--format", 64),
        (["--modules", "lmul_e2m1fn", "--mantissa", "3", "--out", "OUT/g"], "drop --format, --mantissa", 64),
        (["--modules", "lmul_e2m1fn", "--units", "lmul", "--out", "OUT/g"], "drop --format", 64),
        (["--modules", "lmul_e4m3fn", "--out", "OUT/g"], "not a finite format", 64),
        (["--modules", "fpadd_e2m1fn", "--out", "OUT/g"], "fpadd needs an IEEE-style format", 64),
        (["--modules", "", "--out", "OUT/g"], "empty list", 64),
        (["--mantissa", "3", "--out", ""], "--out is an empty path", 64),
        (["--mantissa", "3", "--out", "-"], "standard output", 64),
        (["--mantissa", "3", "--out", "OUT/afile"], "is an existing file", 64),
        (["--mantissa", "3", "--out", "OUT/afile/sub"], "is a file", 64),
        (["--mantissa", "3", "--out", "OUT/fifo"], "is a FIFO", 64),
        (["--mantissa", "3", "--out", "OUT/sock"], "is a socket, not a directory", 64),
        (["--mantissa", "3", "--out", "/proc/rtlgen-test"], "cannot be created", 64),
        (["--mantissa", "3", "--out", "OUT/badmanifest"], "is not a manifest this rtlgen can read", 64),
        (["frobnicate"], "unknown command 'frobnicate'", 64),
        (["frobnicate", "--mantissa", "3"], "unknown command 'frobnicate'", 64),
        // vectors
        (["vectors", "--unit", "lmul,fpmul", "--mantissa", "3", "--out", "OUT/v.hex"], "one unit", 64),
        (["vectors", "--unit", "mul", "--mantissa", "3", "--out", "OUT/v.hex"], "unknown unit 'mul'", 64),
        (["vectors", "--unit", "", "--mantissa", "3", "--out", "OUT/v.hex"], "unknown unit ''", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "3"], "--out", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "3", "--out", ""], "--out is an empty path", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "3", "--out", "OUT/fifo"], "is a FIFO", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "3", "--out", "OUT/linktofifo"], "is a FIFO", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "3", "--out", "DEVICE"], "is a character device", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "3", "--out", "OUT/sock"], "is a socket", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "3", "--out", "OUT"], "is a directory", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "3", "--out", "OUT/afile/v.hex"], "afile is a file", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "7", "--count", "99999999999999", "--out", "OUT/v.hex"], "--count 99999999999999 is out of range", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "7", "--count", "9223372036854775807", "--out", "OUT/v.hex"], "out of range", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "7", "--count", "10000001", "--out", "OUT/v.hex"], "0...10000000", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "7", "--count", "-1", "--out", "OUT/v.hex"], "--count -1 is out of range", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "7", "--seed", "-1", "--out", "OUT/v.hex"], "--seed", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "7", "--seed", "18446744073709551616", "--out", "OUT/v.hex"], "--seed", 64),
        (["vectors", "--unit", "fpadd", "--mantissa", "3", "--out", "OUT/v.hex"], "fpadd", 64),
        // eval, matmul
        (["vectors", "--unit", "lmul", "--format", "e2m3fn", "--overflow", "inf", "--out", "OUT/v.hex"], "there is no infinity", 64),
        (["vectors", "--unit", "lmul", "--format", "e4m3", "--mantissa", "3", "--out", "OUT/v.hex"], "not both", 64),
        (["eval", "--unit", "lmul", "--format", "e2m2fn", "--in", "OUT/afile"], "not a finite format", 64),
        (["eval", "--unit", "fpadd", "--format", "e3m2fn", "--in", "OUT/afile"], "fpadd needs an IEEE-style format", 64),
        (["matmul", "--unit", "lmul", "--format", "e2m1fn", "--overflow", "inf", "--a", "OUT/afile", "--b", "OUT/afile"], "there is no infinity", 64),
        (["matmul", "--unit", "lmul", "--format", "nope", "--a", "OUT/afile", "--b", "OUT/afile"], "unknown format 'nope'", 64),
        (["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--format", "e2m1fn", "--overflow", "inf", "--out", "OUT/a"], "there is no infinity", 64),
        (["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--format", "", "--out", "OUT/a"], "empty format name", 64),
        (["sim-array", "--sizes", "1x1", "--units", "lmul", "--format", "e2m1fn", "--exponent", "2", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "not both", 64),
        // --dir without the array's files: bad input (was exit 1)
        (simArray + ["--dir", "OUT"], ".v does not exist; generate it with: rtlgen array", 64),
        (["bench-array", "--rows", "2", "--cols", "2", "--format", "e9m1fn", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "not a finite format", 64),
        (["mutate-array", "--format", "e2m1fnfn", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "unknown format", 64),
        (sim + ["--modules", "lmul_e4m3fn"], "'e4m3fn' is not a finite format", 64),
        (sim + ["--modules", "lmul_e2m1fn_ovf_inf"], "there is no infinity", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--pe-format", "e2m1fnfn"], "--pe-format", 64),
        (["eval", "--unit", "fmul", "--mantissa", "3", "--in", "OUT/afile"], "unknown unit 'fmul'", 64),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", ""], "--in is an empty path", 64),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "OUT/afile", "--out", "OUT/fifo"], "is a FIFO", 64),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "OUT/afile", "--out", ""], "--out is an empty path", 64),
        (["matmul", "--unit", "fpadd", "--mantissa", "7", "--a", "OUT/afile", "--b", "OUT/afile"], "unknown multiplier 'fpadd'", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "-", "--b", "-"], "cannot both be standard input", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--acc-width", "-1"], "--acc-width", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--acc-width", "9223372036854775808"], "--acc-width", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--out", "DEVICE"], "character device", 64),
        // sim
        (sim + ["--modules", "lmul_e9m9"], "e9m9 is not a format: exponent width 9", 64),
        (sim + ["--modules", "lmul_e4m24"], "e4m24 is not a format: mantissa width 24", 64),
        (sim + ["--modules", "mul_e4m3"], "unknown unit 'mul'", 64),
        (sim + ["--modules", "lmul"], "not a unit module name", 64),
        (sim + ["--modules", ""], "empty list", 64),
        (sim + ["--modules", "lmul_e4m3,lmul_e4m3"], "'lmul_e4m3' is listed twice", 64),
        (sim + ["--modules", "lmul_e4m4"], "rtl/lmul_e4m4.v does not exist", 64),
        (sim + ["--modules", "lmul_e4m3", "--sim", "modelsim"], "unknown simulator 'modelsim'", 64),
        (sim + ["--modules", "lmul_e4m3", "--sim", ""], "empty list", 64),
        (sim + ["--modules", "lmul_e4m3", "--build", "/proc/rtlgen-test"], "--build /proc/rtlgen-test cannot be created", 64),
        (sim + ["--modules", "lmul_e4m3", "--build", "OUT/afile"], "--build", 64),
        (sim + ["--modules", "lmul_e4m3", "--testbench", "/nonexistent"], "--testbench: /nonexistent/tb_cycle.cpp does not exist", 64),
        (sim + ["--modules", "lmul_e4m3", "--time-limit", "0"], "--time-limit 0 is out of range", 64),
        (sim + ["--modules", "lmul_e4m3", "--time-limit", "86401"], "1...86400", 64),
        (sim + ["--modules", "lmul_e4m3", "--time-limit", ""], "not a whole number", 64),
        (sim + ["--modules", "lmul_e4m3", "--time-limit", "1.5"], "not a whole number", 64),
        (sim + ["--modules", "lmul_e4m3", "--time-limit", "99999999999999999999999"], "--time-limit", 64),
        (simArray + ["--time-limit", "-5"], "--time-limit -5 is out of range", 64),
        (sim + ["--modules", "lmul_e4m3", "--dir", "OUT/nodir"], "--dir", 64),
        (sim + ["--modules", "lmul_e4m3", "--jobs", "0"], "--jobs 0 is out of range; give 1...64", 64),
        (sim + ["--modules", "lmul_e4m3", "--count", "10000001"], "--count", 64),
        // exhaustive
        (exhaustive + ["--modules", "lmul_e8m23"], "at most 16 bits", 64),
        (exhaustive + ["--modules", "lmul_e4m3", "--lanes", "7"], "--lanes 7 is out of range", 64),
        // in range, but too few lanes for 8-bit results (lanes.v's ports must be wider than 64 bits): was a g++ static assertion
        (exhaustive + ["--modules", "lmul_e4m3", "--lanes", "8"], "--lanes 8 is too few for lmul_e4m3: its 8-bit results need lanes x 8 > 64 bits; give --lanes 9...256", 64),
        (exhaustive + ["--modules", "lmul_e4m3", "--threads", "0"], "--threads 0", 64),
        (exhaustive + ["--modules", "lmul_e4m3", "--testbench", "/nonexistent"], "--testbench", 64),
        (exhaustive + ["--modules", ""], "empty list", 64),
        (exhaustive + ["--modules", "lmul_e4m3", "--dir", "OUT/nodir"], "--dir", 64),
        // mutate
        (["mutate", "--dir", "ROOT/rtl", "--modules", "lmul_e4m4"], "lmul_e4m4.v does not exist", 64),
        (["mutate", "--dir", "ROOT/rtl", "--modules", "lmul_e4m3", "--gate-mutants", "0"], "--gate-mutants 0 is out of range", 64),
        (["mutate", "--dir", "ROOT/rtl", "--modules", "lmul_e4m3", "--gate-mutants", "256"], "1...255", 64),
        (["mutate", "--dir", "ROOT/rtl", "--modules", "lmul_e4m3", "--seed", "-1"], "--seed", 64),
        (["mutate", "--dir", "ROOT/rtl", "--modules", "lmul_e4m3", "--jobs", "65"], "--jobs 65", 64),
        // bench-sim
        (["bench-sim", "--files", ""], "empty list", 64),
        (["bench-sim", "--files", "OUT/lmul_e4m3.v"], "does not exist", 64),
        (["bench-sim", "--files", "ROOT/rtl/manifest.json"], "not a Verilog unit file", 64),
        (["bench-sim", "--files", "OUT/lmul_e8m23.v"], "32-bit operands", 64),
        (["bench-sim", "--files", "ROOT/rtl/lmul_e4m3.v", "--passes", "9223372036854775807"], "--passes", 64),
        (["bench-sim", "--files", "ROOT/rtl/lmul_e4m3.v", "--values-of-a", "0"], "--values-of-a 0", 64),
        (["bench-sim", "--files", "ROOT/rtl/lmul_e4m3.v", "--count", "-5"], "--count -5", 64),
        (["bench-sim", "--units", "ROOT/rtl/lmul_e4m3.v"], "unknown option '--units' for rtlgen bench-sim", 64),
        // accuracy
        (["accuracy", "--claim-pairs", "0", "--out", "OUT/a"], "--claim-pairs", 64),
        (["accuracy", "--claim-pairs", "100000001", "--out", "OUT/a"], "--claim-pairs", 64),
        (["accuracy", "--dot-trials", "0", "--out", "OUT/a"], "--dot-trials", 64),
        (["accuracy", "--bf16", "maybe", "--out", "OUT/a"], "maybe", 64),
        (["accuracy", "--jobs", "0", "--out", "OUT/a"], "--jobs", 64),
        (["accuracy", "--jobs", "65", "--out", "OUT/a"], "--jobs 65", 64),
        (["accuracy", "--synth", "OUT", "--out", "OUT/a"], "is a directory", 64),
        (["accuracy", "--synth", "OUT/badreport/report.json", "--out", "OUT/a"], "is not a synthesis report", 64),
        (["accuracy", "--out", "/proc/rtlgen-test"], "cannot be created", 64),
        (["accuracy", "--out", ""], "--out is an empty path", 64),
        // synth
        (synth + ["--files", "OUT/lmul_e4m3.v"], "does not exist", 64),
        (synth + ["--files", ""], "empty list", 64),
        (synth, "--files is missing", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--rerender"], "drop --files", 64),
        (["synth", "--rerender", "--out", "OUT"], "report.json does not exist", 64),
        (["synth", "--rerender", "--out", "OUT/badreport"], "is not a synthesis report this rtlgen can read", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--work", "OUT/afile"], "--work", 64),
        (["synth", "--files", "ROOT/rtl/lmul_e4m3.v", "--out", "/proc/rtlgen-test"], "cannot be created", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--proof-timeout", "0"], "--proof-timeout 0", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--jobs", "65"], "--jobs 65", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--pe-units", "fmul"], "unknown multiplier 'fmul'", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--pe-units", ""], "empty list", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--pe-format", "e9m3"], "--pe-format", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--array-sizes", "4by4"], "'4by4' is not an array size", 64),
        // --clocks and the iso-throughput options (issue 23)
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clocks", "0"], "0 MHz is out of range", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clocks", "-100"], "is not a frequency in MHz", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clocks", "99999"], "99999 MHz is out of range", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clocks", ""], "empty list", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clocks", "fast"], "'fast' is not a frequency in MHz", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clocks", "1e3"], "is not a frequency in MHz", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clocks", "100,100"], "'100' is listed twice", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-formats", ""], "empty list", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-formats", "e9m3x"], "--clock-formats", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-formats", "e4m3,e4m3"], "'e4m3' is listed twice", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-units", "fmul"], "unknown multiplier 'fmul'", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-units", ""], "empty list", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-units", "lmul,lmul"], "'lmul' is listed twice", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-pe-acc", "fp64"], "'fp64' is not an accumulator", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-pe-acc", ""], "empty list", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-pe-acc", "fixed,fixed"], "'fixed' is listed twice", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-max-stages", "0"], "--clock-max-stages 0 is out of range", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-max-stages", "-1"], "--clock-max-stages -1 is out of range", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-max-stages", "17"], "--clock-max-stages 17 is out of range", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-max-stages", "99999999999999999999"], "too large", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-max-stages", "two"], "not a whole number", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-max-stages", ""], "not a whole number", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--flow", "OUT/none.ys"], "--flow", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--cache", ""], "--cache is an empty path", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--cache", "OUT/afile"], "is an existing file, not a directory", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--cache", "/dev/null"], "--cache /dev/null is", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--ice40-formats", ""], "empty list", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--ice40-formats", "e9m3"], "e9m3", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--ice40-array-sizes", "2by2"], "'2by2' is not an array size", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--pe-units", "lmul", "--array-sizes", "none"], "--array-sizes none: the fixed-point PEs are measured with their arrays", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--pe-units", "lmul", "--float-array-sizes", "none"], "--float-array-sizes none: the float-accumulating PEs", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--timed-operations", "9"], "--timed-operations 9", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--timed-operations", "100001"], "--timed-operations 100001", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--timed-operations", ""], "--timed-operations", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--timed-operations", "-5"], "--timed-operations", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--timed-operations", "99999999999999999999999"], "--timed-operations", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--timed-operations", "1e3"], "--timed-operations", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--liberty", "OUT/fake.lib"], "the timed simulations need the cell models", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-formats", ""], "empty list", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-timed-formats", ""], "empty list", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-formats", "e2m1fn", "--mx-timed-formats", "e4m3"], "--mx-timed-formats: e4m3 is not one of --mx-formats", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-formats", "e2m1fn", "--mx-timed-formats", "e2m1fn", "--no-timed"], "--mx-timed-formats needs the timed simulations", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-formats", "bf16"], "--mx-formats: e8m7 is not an MX element format", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-formats", "e9m99"], "--mx-formats", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-units", ""], "empty list", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-units", "fpadd"], "unknown multiplier 'fpadd'", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-block", "48"], "--mx-block 48", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-block", "0"], "--mx-block 0", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-block", "99999999999999999999"], "--mx-block", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-block", ""], "--mx-block", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-blocks", "100"], "--mx-blocks 100 is out of range", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-blocks", "1000"], "not a multiple of 64", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-blocks", "-64"], "--mx-blocks", 64),
        // array
        (["array", "--rows", "0", "--cols", "4", "--unit", "lmul", "--mantissa", "3", "--out", "OUT/a"], "--rows 0", 64),
        (["array", "--rows", "4", "--cols", "257", "--unit", "lmul", "--mantissa", "3", "--out", "OUT/a"], "--cols 257", 64),
        (array + ["--acc-width", "3", "--out", "OUT/a"], "--acc-width 3 is out of range; give 4...64", 64),
        (array + ["--acc-width", "65", "--out", "OUT/a"], "--acc-width 65", 64),
        (["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--mantissa", "2", "--acc-width", "2", "--out", "OUT/a"], "give 3...", 64),
        (array + ["--acc", "fp32", "--acc-width", "20", "--out", "OUT/a"], "--acc-width applies to --acc fixed only", 64),
        (["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--mantissa", "10", "--acc", "bf16", "--out", "OUT/a"], "not all exact in bf16", 64),
        (array + ["--acc", "fp64", "--out", "OUT/a"], "fp64", 64),
        (array + ["--out", ""], "--out is an empty path", 64),
        (array + ["--out", "-"], "standard output", 64),
        (array + ["--out", "OUT/afile"], "is an existing file", 64),
        (array + ["--out", "OUT/badmanifest"], "is not a manifest", 64),
        // sim-array
        (simArray + ["--sizes", "4x4,4x4"], "'4x4' is listed twice", 64),
        (simArray + ["--sizes", "0x4"], "'0x4' is not an array size", 64),
        (simArray + ["--sizes", ""], "empty list", 64),
        (simArray + ["--units", "lmul,mul"], "unknown multiplier 'mul'", 64),
        (simArray + ["--sim", "modelsim"], "modelsim", 64),
        (simArray + ["--jobs", "0"], "--jobs 0", 64),
        (simArray + ["--testbench", "/nonexistent"], "--testbench: /nonexistent/tb_cycle", 64),
        (simArray + ["--build", "/proc/rtlgen-test"], "--build", 64),
        (simArray + ["--dir", "OUT/nodir"], "--dir", 64),
        // bench-array
        (benchArray + ["--k", "1000000000"], "--k 1000000000 is out of range", 64),
        (benchArray + ["--matrices", "9223372036854775807"], "--matrices", 64),
        (benchArray + ["--matrices", "100000", "--k", "65536"], "operand values is more than", 64),
        (benchArray + ["--testbench", "/nonexistent"], "--testbench", 64),
        (benchArray + ["--rows", "257"], "--rows 257", 64),
        (benchArray + ["--unit", "fmul"], "unknown multiplier 'fmul'", 64),
        // mutate-array
        (mutateArray + ["--rows", "2"], "3...", 64),
        (mutateArray + ["--only", "no-such-mutant", "--gate-mutants", "0"], "unknown mutant 'no-such-mutant'", 64),
        (mutateArray + ["--only", "", "--gate-mutants", "0"], "empty list", 64),
        (mutateArray + ["--gate-mutants", "256"], "--gate-mutants 256", 64),
        (mutateArray + ["--sim", "modelsim"], "unknown simulator 'modelsim'", 64),
        (mutateArray + ["--seed", "-1"], "--seed -1", 64),
        (mutateArray + ["--testbench", "/nonexistent"], "--testbench", 64),
        // --stages S and --acc-stages L of PE arrays (issue 23 item 3, SPEC "Pipelined PEs")
        (array + ["--stages", "33", "--out", "OUT/a"], "--stages 33 is out of range; give 0...32", 64),
        (array + ["--stages", "-1", "--out", "OUT/a"], "--stages -1 is out of range", 64),
        (array + ["--stages", "9223372036854775808", "--out", "OUT/a"], "--stages", 64),
        (array + ["--stages", "", "--out", "OUT/a"], "--stages", 64),
        (array + ["--stages", "two", "--out", "OUT/a"], "not a whole number", 64),
        (array + ["--acc", "fp32", "--acc-stages", "0", "--out", "OUT/a"], "--acc-stages 0 is out of range; give 1...16", 64),
        (array + ["--acc", "fp32", "--acc-stages", "17", "--out", "OUT/a"], "--acc-stages 17 is out of range", 64),
        (array + ["--acc", "fp32", "--acc-stages", "9223372036854775808", "--out", "OUT/a"], "--acc-stages", 64),
        (array + ["--acc", "fp32", "--acc-stages", "", "--out", "OUT/a"], "--acc-stages", 64),
        (array + ["--acc", "fp32", "--acc-stages", "2.5", "--out", "OUT/a"], "not a whole number", 64),
        (array + ["--acc-stages", "2", "--out", "OUT/a"], "--acc-stages 2 needs a floating-point accumulator", 64),
        (array + ["--acc", "fixed", "--acc-stages", "3", "--out", "OUT/a"], "--acc-stages 3 needs a floating-point accumulator", 64),
        (simArray + ["--acc-stages", "2"], "--acc-stages 2 needs a floating-point accumulator", 64),
        (simArray + ["--acc", "fp32", "--acc-stages", "0"], "--acc-stages 0 is out of range", 64),
        (simArray + ["--stages", "40"], "--stages 40 is out of range", 64),
        (simArray + ["--stages", ""], "--stages", 64),
        (benchArray + ["--acc-stages", "2"], "--acc-stages 2 needs a floating-point accumulator", 64),
        (benchArray + ["--stages", "-3"], "--stages -3 is out of range", 64),
        (mutateArray + ["--acc-stages", "2"], "--acc-stages 2 needs a floating-point accumulator", 64),
        (mutateArray + ["--acc", "bf16", "--acc-stages", "99"], "--acc-stages 99 is out of range", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--acc-stages", "2"], "--acc-stages 2 needs a floating-point accumulator", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--acc", "fp32", "--acc-stages", "0"], "--acc-stages 0 is out of range", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--acc", "fp32", "--acc-stages", "x"], "not a whole number", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--stages", "33"], "--stages 33 is out of range", 64),
        // sweep
        // --clock (issue 23 item 5)
        (["sweep", "plan", "--dir", "OUT/sw", "--clock", "0"], "--clock: 0 MHz is out of range", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--clock", "-5"], "is not a frequency in MHz", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--clock", "99999"], "99999 MHz is out of range", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--clock", ""], "empty list", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--clock", "fast"], "'fast' is not a frequency in MHz", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--clock", "400,400"], "'400' is listed twice", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--clock", "400,600"], "--clock takes one frequency", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--clock", "1e3"], "is not a frequency in MHz", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--units", "lmul,nope"], "unknown multiplier 'nope'", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--units", "fpadd"], "unknown multiplier 'fpadd'", 64),
        // sweep mx (issue 25 item 5: the MX families)
        (["sweep", "mx", "--formats", "e9m9"], "exponent width 9 is out of range", 64),
        (["sweep", "mx", "--formats", "bf16"], "e8m7 is not an MX element format", 64),
        (["sweep", "mx", "--formats", ""], "empty list", 64),
        (["sweep", "mx", "--formats", "e4m3,e4m3"], "'e4m3' is listed twice", 64),
        (["sweep", "mx", "--units", "fpadd"], "unknown multiplier 'fpadd'", 64),
        (["sweep", "mx", "--units", ""], "--units", 64),
        (["sweep", "mx", "--out", ""], "--out is an empty path", 64),
        (["sweep", "mx", "--out", "OUT/afile"], "is an existing file", 64),
        (["sweep", "mx", "--work", "OUT/afile"], "--work", 64),
        (["sweep", "mx", "--work", ""], "--work is an empty path", 64),
        (["sweep", "mx", "--cache", "none", "--cached-only"], "--cached-only with --cache none", 64),
        (["sweep", "mx", "--cache", "OUT", "--cached-only", "--work", "OUT/w", "--out", "OUT/m"], "has no cost result in", 1),
        (["sweep", "mx", "--compare", "OUT/nothing"], "--compare: ", 64),
        (["sweep", "mx", "--compare", "OUT/afile", "--work", "OUT/w", "--out", "OUT/m"], "is not an MX sweep report", 64),
        (["sweep", "mx", "--liberty", "/nonexistent"], "liberty file /nonexistent not found", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--units", ""], "empty list", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--formats", ""], "empty list; give --formats", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--formats", "e4m3,fp8"], "unknown format 'fp8'", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--formats", "e9m3"], "2...8", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--formats", "e4m5-2"], "not a format range", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--formats", "e2m1fn-3"], "not a format range", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--formats", "e4m3fn"], "not a finite format", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--quick", "--formats", "e4m3"], "not both", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--samples", "10"], "--samples 10 is out of range", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--liberty", "OUT/nope.lib"], "--liberty", 64),
        (["sweep", "plan", "--dir", "OUT/afile"], "--dir", 64),
        (["sweep", "run", "--dir", "OUT/sweepstale", "--shard", "3/2"], "--shard 3/2 does not exist", 64),
        (["sweep", "run", "--dir", "OUT/sweepstale", "--shard", "0/2"], "--shard 0/2 does not exist", 64),
        (["sweep", "run", "--dir", "OUT/sweepstale", "--shard", "1of2"], "not a share", 64),
        (["sweep", "run", "--dir", "OUT/nosweep"], "write a plan first", 64),
        (["sweep", "run", "--dir", "OUT/sweepstale", "--cache", ""], "--cache is an empty path", 64),
        (["sweep", "run", "--dir", "OUT/badmanifest"], "plan.json does not exist", 64),
        (["sweep", "merge", "--dir", "OUT/sweepstale", "--out", "OUT/m"], "from a different plan (stale); nothing was merged", 64),
        (["sweep", "merge", "--dir", "OUT/sweepempty", "--out", "OUT/m"], "1 of 1 job has no result yet (lmul_e4m3)", 64),
        (["sweep", "merge", "--dir", "OUT/sweepstale", "--out", "OUT/m", "--compare", "OUT/nope.json"], "--compare", 64),
        (["sweep", "merge", "--dir", "OUT/sweepstale", "--out", "OUT/m", "--compare", "OUT/afile"], "not a sweep report", 64),
        // glitch
        (["glitch"], "no format given", 64),
        (["glitch", "--format", "fp8"], "--format", 64),
        (["glitch", "--format", "e4m3", "--units", ""], "empty list", 64),
        (["glitch", "--format", "e4m3", "--units", "fpadd"], "unknown multiplier 'fpadd'", 64),
        (["glitch", "--format", "e4m3", "--count", "9"], "--count 9 is out of range", 64),
        (["glitch", "--format", "e4m3", "--count", "99999999999999999999"], "--count", 64),
        (["glitch", "--format", "e4m3", "--liberty", "OUT/nope.lib"], "--liberty", 64),
        (["glitch", "--format", "e4m3", "--liberty", "OUT"], "--liberty", 64),
        (["glitch", "--format", "e4m3", "--cell-models", ""], "--cell-models", 64),
        (["glitch", "--format", "e4m3", "--cell-models", "OUT/fifo"], "--cell-models", 64),
        (["glitch", "--format", "e4m3", "--flow", "OUT/nope.ys"], "--flow", 64),
        (["glitch", "--format", "e4m3", "--work", "OUT/afile"], "--work", 64),
        // mxdot, mxeval, sim-mx, mutate-mx (SPEC "MX block formats")
        (["mxdot", "--unit", "lmul", "--format", "bf16", "--block", "32", "--out", "OUT/mx"], "not an MX element format", 64),
        (["mxdot", "--unit", "lmul", "--format", "e2m1", "--block", "32", "--out", "OUT/mx"], "not an MX element format", 64),
        (["mxdot", "--unit", "lmul", "--format", "", "--block", "32", "--out", "OUT/mx"], "empty format name", 64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--block", "48", "--out", "OUT/mx"], "power of two in 1...64", 64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--block", "0", "--out", "OUT/mx"], "power of two in 1...64", 64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--block", "128", "--out", "OUT/mx"], "power of two in 1...64", 64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--block", "-32", "--out", "OUT/mx"], "power of two in 1...64", 64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--block", "", "--out", "OUT/mx"], "--block", 64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--stages", "9", "--out", "OUT/mx"], "--stages 9 is out of range", 64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--stages", "-1", "--out", "OUT/mx"], "--stages -1 is out of range", 64),
        (["mxdot", "--unit", "fpadd", "--format", "e4m3", "--out", "OUT/mx"], "unknown multiplier 'fpadd'", 64),
        (["mxdot", "--unit", "lmul,fpmul", "--format", "e4m3", "--out", "OUT/mx"], "takes one unit", 64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--out", ""], "empty", 64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--out", "OUT/afile"], "is an existing file", 64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--out", "DEVICE"], "not a directory", 64),
        (["mxeval", "--unit", "lmul", "--format", "e4m3", "--block", "3"], "power of two", 64),
        (["mxeval", "--unit", "lmul", "--format", "e4m3", "--in", ""], "--in is an empty path", 64),
        (["mxeval", "--unit", "lmul", "--format", "e4m3", "--in", "OUT/nope.hex"], "not a readable file", 64),
        (["mxeval", "--unit", "lmul", "--format", "e4m3", "--in", "OUT"], "is a directory, not a readable file", 64),
        (["mxeval", "--unit", "lmul", "--format", "e4m3", "--stages", "2"], "--stages does not change", 64),
        (["mxeval", "--unit", "lmul", "--format", "e4m3", "--out", "OUT/fifo"], "is a FIFO", 64),
        (["sim-mx", "--formats", "e4m3,bf16", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "not an MX element format", 64),
        (["sim-mx", "--formats", "", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "empty list", 64),
        (["sim-mx", "--units", "lmul,fpadd", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "unknown multiplier 'fpadd'", 64),
        (["sim-mx", "--block", "33", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "power of two", 64),
        (["sim-mx", "--count", "100001", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "--count 100001 is out of range", 64),
        (["sim-mx", "--stages", "99", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "--stages 99", 64),
        (["sim-mx", "--build", "", "--testbench", "ROOT/testbench"], "--build is an empty path", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e2m1fn", "--block", "2", "--gate-mutants", "256", "--testbench", "ROOT/testbench"], "--gate-mutants 256 is out of range", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e2m1fn", "--block", "2", "--gate-mutants", "-1", "--testbench", "ROOT/testbench"], "--gate-mutants", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e2m1fn", "--block", "2", "--gate-mutants", "", "--testbench", "ROOT/testbench"], "--gate-mutants", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e2m1fn", "--block", "2", "--stages", "1", "--gate-mutants", "4", "--testbench", "ROOT/testbench"], "--gate-mutants takes a combinational MX dot", 64),
        (["sim-mx", "--build", "OUT/b", "--testbench", "/nonexistent"], "--testbench", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e4m3", "--every", "0", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "--every 0 is out of range", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e4m3", "--jobs", "0", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "--jobs 0 is out of range", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e9m3", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "2...8", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e4m3", "--build", "OUT/b", "--testbench", "/nonexistent"], "--testbench", 64),
        // prove
        (prove + ["--modules", ""], "empty list", 64),
        (prove + ["--modules", "lmul_e4m3,lmul_e4m3"], "'lmul_e4m3' is listed twice", 64),
        (prove + ["--modules", "lmul_e4m4"], "lmul_e4m4.v does not exist", 64),
        (prove + ["--modules", "lmul_e4m3_p2"], "lmul_e4m3_p2.v does not exist", 64),
        (prove + ["--modules", "lmul_e4m3_p0"], "1 or more stages", 64),
        (prove + ["--modules", "lmul_e9m3"], "e9m3", 64),
        (prove + ["--modules", "fmul_e4m3"], "unknown unit 'fmul'", 64),
        (prove + ["--modules", "fpadd_e4m3"], "fpadd needs an IEEE-style format", 64),
        (prove + ["--modules", "lmul_e4m3", "--time-limit", "0"], "--time-limit 0 is out of range", 64),
        (prove + ["--modules", "lmul_e4m3", "--time-limit", "99999999999999999999999"], "--time-limit", 64),
        (prove + ["--modules", "lmul_e4m3", "--time-limit", ""], "not a whole number", 64),
        (prove + ["--modules", "lmul_e4m3", "--fallback-time-limit", "0"], "--fallback-time-limit 0 is out of range", 64),
        (prove + ["--modules", "lmul_e4m3", "--fallback-time-limit", "99999999999999999999999"], "--fallback-time-limit", 64),
        (prove + ["--modules", "lmul_e4m3", "--fallback-time-limit", ""], "not a whole number", 64),
        (prove + ["--modules", "lmul_e4m3", "--gate-mutant", "0"], "--gate-mutant 0 is out of range", 64),
        (prove + ["--modules", "lmul_e4m3", "--gate-mutant", "-9223372036854775808"], "--gate-mutant", 64),
        (prove + ["--modules", "lmul_e4m3", "--seed", "-1"], "--seed -1", 64),
        (prove + ["--modules", "lmul_e4m3", "--fallback", "maybe"], "maybe", 64),
        (prove + ["--modules", "lmul_e4m3", "--fallback", ""], "--fallback", 64),
        (prove + ["--modules", "lmul_e4m3", "--dir", "OUT/nodir"], "--dir", 64),
        (prove + ["--modules", "lmul_e4m3", "--dir", ""], "--dir", 64),
        (prove + ["--modules", "lmul_e4m3", "--work", ""], "--work is an empty path", 64),
        (prove + ["--modules", "lmul_e4m3", "--work", "OUT/afile"], "--work", 64),
        (prove + ["--modules", "lmul_e4m3", "--testbench", "/nonexistent"], "--testbench", 64),
        (["prove", "--generate", "--dir", "/proc/rtlgen-test", "--work", "OUT/w", "--modules", "lmul_e4m3"], "--dir", 64),
        // issue 27: testbench, --testbench everywhere, unknown options, paths, readable inputs, --acc-width
        (["testbench", "--unit", "fmul", "--mantissa", "3", "--out", "OUT/t"], "unknown unit 'fmul'", 64),
        (["testbench", "--unit", "lmul", "--mantissa", "3", "--stages", "33", "--out", "OUT/t"], "--stages 33 is out of range; give 0...32", 64),
        (["testbench", "--unit", "lmul", "--mantissa", "3", "--out", ""], "--out is an empty path", 64),
        (["testbench", "--unit", "lmul", "--mantissa", "3", "--out", "-"], "standard output", 64),
        (["testbench", "--unit", "lmul", "--mantissa", "3", "--out", "OUT/afile"], "is an existing file", 64),
        (["testbench", "--unit", "lmul", "--format", "e2m1fn", "--overflow", "inf", "--out", "OUT/t"], "there is no infinity", 64),
        (["testbench", "--unit", "lmul", "--mantissa", "3"], "--out", 64),
        (["bench-sim", "--files", "ROOT/rtl/lmul_e4m3.v", "--testbench", "/nonexistent"], "--testbench: /nonexistent/", 64),
        (["mutate", "--dir", "ROOT/rtl", "--modules", "lmul_e4m3", "--testbench", "/nonexistent"], "--testbench: /nonexistent/", 64),
        (["sweep", "run", "--dir", "OUT/sweepstale", "--testbench", "/nonexistent"], "--testbench: /nonexistent/", 64),
        (["sweep", "run", "--frob"], "unknown option '--frob' for rtlgen sweep run", 64),
        (["vectors", "--unit", "lmul", "--bogus"], "unknown option '--bogus' for rtlgen vectors", 64),
        (["vectors", "--unit", "lmul", "--mantissa", "3", "--out", "OUT/newdir/"], "ends in '/'", 64),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "OUT/afile", "--out", "OUT/newdir/"], "ends in '/'", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--out", "OUT/newdir/"], "ends in '/'", 64),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "OUT/nothing"], "is not a readable file", 64),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "OUT"], "is a directory", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT", "--b", "OUT/afile"], "--a '", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--acc-width", "3"], "give 4...64", 64),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "OUT/afile"], "'x' is not a hex value: 'x' at column 1", 64),
        // issue 27, round 2: flow scripts and input files that are not what they must be, mxeval streamed, sim-array --acc-width
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--flow", "OUT/afile"], "has no 'gold:' label", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--flow", "OUT/fifo"], "--flow: ", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--flow", "OUT/linktofifo"], "is not a regular file", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--flow", ""], "--flow is an empty path", 64),
        (["glitch", "--format", "e4m3", "--flow", "OUT/afile"], "has no 'gold:' label", 64),
        (["glitch", "--format", "e4m3", "--flow", "OUT/fifo"], "--flow: ", 64),
        (["glitch", "--format", "e4m3", "--flow", ""], "--flow is an empty path", 64),
        (["glitch", "--format", "e4m3", "--liberty", "OUT/linktofifo"], "is not a regular file", 64),
        (["glitch", "--format", "e4m3", "--liberty", ""], "--liberty is an empty path", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--flow", "OUT/fifo"], "is not a regular file", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--flow", "OUT/afile"], "has no 'gold:' label", 64),
        (["sweep", "run", "--dir", "OUT/sweepstale", "--testbench", "OUT"], "lanes.v does not exist", 64),
        (["mxeval", "--unit", "lmul", "--format", "e4m3", "--in", "/dev/zero"], "U+0000 (NUL) at column 1", 64),
        (["mxeval", "--unit", "lmul", "--format", "e4m3", "--in", "OUT/afile"], "'x' is not a hex value", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e4m3", "--count", "100001", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "--count 100001 is out of range", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e4m3", "--build", "OUT/b", "--testbench", "OUT/fifo"], "--testbench", 64),
        (simArray + ["--acc-width", "3"], "give 4...64", 64),
        (simArray + ["--acc-width", "65"], "give 4...64", 64),
        (simArray + ["--acc-width", "8", "--acc", "fp32"], "--acc-width applies to --acc fixed only", 64),
        (simArray + ["--acc-width", ""], "--acc-width", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--acc-width", "8", "--acc", "bf16"], "--acc-width applies to --acc fixed only", 64),
        // issue 38 item 5: bad input found before any work is 64, always
        (["sim-mx", "--units", "lmul", "--formats", "e2m1fn", "--block", "2", "--build", "OUT/afile", "--testbench", "ROOT/testbench"], "--build OUT/afile is an existing file, not a directory", 64),
        (["sim-mx", "--units", "lmul", "--formats", "e2m1fn", "--block", "2", "--build", "DEVICE", "--testbench", "ROOT/testbench"], "--build DEVICE is a character device, not a directory", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e2m1fn", "--block", "2", "--build", "OUT/afile", "--testbench", "ROOT/testbench"], "--build OUT/afile is an existing file", 64),
        (["mutate-mx", "--unit", "lmul", "--format", "e2m1fn", "--block", "2", "--build", "DEVICE", "--testbench", "ROOT/testbench"], "--build DEVICE is a character device", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--liberty", "OUT/empty.lib"], "--liberty: OUT/empty.lib is empty; give an uncompressed liberty file", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--liberty", "OUT/afile"], "--liberty: OUT/afile does not start like a liberty file (a 'library (' group); give an uncompressed liberty file", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--liberty", "OUT/cells.lib.gz"], "--liberty: OUT/cells.lib.gz is gzip-compressed (unpack it first, e.g. gunzip -k FILE); give an uncompressed liberty file", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--liberty", "OUT/truncated.lib"], "--liberty: OUT/truncated.lib is truncated: 2 groups are never closed", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--liberty", "OUT/comment.lib"], "holds only comments and blanks", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--liberty", "/dev/null"], "--liberty: /dev/null is not a regular file", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--liberty", "OUT"], "--liberty: OUT is a directory, not a file; give an uncompressed liberty file", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--no-timed", "--liberty", "OUT/afile"], "does not start like a liberty file", 64),
        (["glitch", "--format", "e4m3", "--liberty", "OUT/cells.lib.gz", "--cell-models", "OUT/afile"], "is gzip-compressed", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--liberty", "OUT/truncated.lib"], "is truncated", 64),
        (["sweep", "mx", "--liberty", "OUT/empty.lib", "--work", "OUT/w", "--out", "OUT/m"], "--liberty: OUT/empty.lib is empty", 64),
        (["sweep", "run", "--dir", "OUT/badplan"], "is not a sweep plan", 64),
        (["sweep", "merge", "--dir", "OUT/badplan", "--out", "OUT/m"], "is not a sweep plan", 64),
        (["sweep", "merge", "--dir", "OUT/nosweep", "--out", "OUT/m"], "plan.json does not exist", 64),
        (["sweep", "merge", "--dir", "OUT/sweepempty", "--out", "OUT/m", "--compare", "OUT/badreport/report.json"], "is not a sweep report", 64),
        (["sweep", "mx", "--compare", "OUT/badreport/report.json", "--work", "OUT/w", "--out", "OUT/m"], "is not an MX sweep report", 64),
        // control characters in a quoted token are escaped; a newline in a value does not end the message
        (["--mantissa", "3", "--units", "lm\u{1B}]0;owned\u{07}ul", "--out", "OUT/g"], "unknown unit 'lm\\u{1B}]0;owned\\u{7}ul'; valid units are", 64),
        (["--format", "e4\nm3", "--out", "OUT/g"], "unknown format 'e4\\nm3'; give e4m3", 64),
        (["--mantissa", "3\u{1B}[2J", "--out", "OUT/g"], "'3\\u{1B}[2J' is invalid for '--mantissa", 64),
        (["fr\u{1B}[31mob"], "unknown command 'fr\\u{1B}[31mob'", 64),
        (["vectors", "--unit", "lmul", "--bo\u{9B}gus"], "unknown option '--bo\\u{9B}gus' for rtlgen vectors", 64),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "OUT/osc.hex"], "'\\u{1B}]0;owned\\u{7}' is not a hex value: U+001B (escape) at column 1", 64),
        (["mxeval", "--unit", "lmul", "--format", "e4m3", "--block", "1", "--in", "OUT/osc.hex"], "'\\u{1B}]0;owned\\u{7}' is not a hex value", 64),
        (sim + ["--modules", "lmul_e4m3\nlmul_e5m2x"], "'lmul_e5m2x'", 64),
        (["sweep", "run", "--dir", "OUT/no\nsweep"], "--dir OUT/no\\nsweep does not exist; write a plan first", 64),
        // unknown options: one style, pointing at the command's own --help
        (["sim", "-x"], "unknown option '-x' for rtlgen sim. Run 'rtlgen sim --help' for the options.", 64),
        (["sweep", "--bogus"], "unknown option '--bogus' for rtlgen sweep. Run 'rtlgen sweep --help' for the options.", 64),
        (["sweep", "run", "-q"], "unknown option '-q' for rtlgen sweep run. Run 'rtlgen sweep run --help' for the options.", 64),
        (["--mantissa", "3", "--out", "OUT/g", "--unitz", "lmul"], "unknown option '--unitz' for rtlgen (did you mean '--units'?). Run 'rtlgen generate --help' for the options.", 64),
        (prove + ["--modules", "lmul_e4m3", "--fallbak", "none"], "unknown option '--fallbak' for rtlgen prove (did you mean '--fallback'?). Run 'rtlgen prove --help' for the options.", 64),
        (["sweep", "run", "--dir", "OUT/sweepstale", "--shard", "-1/2"], "--shard -1/2 does not exist; give I/N with 1 <= I <= N", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--no-timed", "--timed-operations", "9"], "--timed-operations 9 is out of range", 64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--no-timed", "--timed-operations", "100001"], "--timed-operations 100001 is out of range", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--clock", "99999"], "--clock: 99999 MHz is out of range", 64),
        (["sweep", "plan", "--dir", "OUT/sw", "--clock", "fast"], "--clock: 'fast' is not a frequency in MHz", 64),
        (prove + ["--modules", "lmul_e4m3_p01"], "'lmul_e4m3_p01': a pipelined variant has 1 or more stages, _p<S> with S = 1...32 without leading zeros", 64),
        (prove + ["--modules", "pe_lmul_e4m3_p2"], "'pe_lmul_e4m3_p2': prove takes the PE of a combinational multiplier only (pe_lmul_e4m3)", 64),
        (prove + ["--modules", "pe_lmul_e4m3_p01"], "without leading zeros", 64),
        (prove + ["--modules", "pe_fmul_e4m3"], "unknown unit 'fmul'", 64),
        // issue 38 item 7: --in F --out F is refused, not the input replaced
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "OUT/pairs.hex", "--out", "OUT/pairs.hex"], "--out 'OUT/pairs.hex' is the same file as --in 'OUT/pairs.hex'; writing it would replace the input", 64),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "OUT/pairs.hex", "--out", "OUT/linktopairs"], "is the same file as --in", 64),
        (["mxeval", "--unit", "lmul", "--format", "e4m3", "--block", "1", "--in", "OUT/pairs.hex", "--out", "OUT/pairs.hex"], "is the same file as --in", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/pairs.hex", "--b", "OUT/afile", "--out", "OUT/pairs.hex"], "is the same file as --a", 64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/pairs.hex", "--out", "OUT/linktopairs"], "is the same file as --b", 64),
    ]

    @Test func badInputTableCoversEverySubcommand() {
        let commands = Set(Self.badInputs.map { $0.0.first.flatMap { $0.hasPrefix("-") ? "generate" : $0 } ?? "generate" })
        for c in ["generate", "vectors", "eval", "matmul", "sim", "exhaustive", "mutate", "bench-sim", "accuracy", "synth", "array", "sim-array", "bench-array", "mutate-array", "sweep", "glitch", "mxdot", "mxeval", "sim-mx", "mutate-mx", "prove", "testbench"] {
            #expect(commands.contains(c), "no bad-input case for \(c)")
        }
        #expect(Self.badInputs.count >= 80)
    }

    @Test(arguments: badInputs)
    func refusesBadInput(_ args: [String], _ mentions: String, _ status: Int32) throws {
        try expectRefused(args, mentions, status: status)
    }

    /// Every numeric option of every subcommand, given 0, -1, Int.max, Int.min, 2^63, 2^64, a
    /// fraction and garbage: each value outside the option's range is refused with one line.
    static let numericOptions: [(base: [String], option: String, valid: ClosedRange<Double>)] = [
        (["--out", "OUT/g", "--mantissa", "3"], "--mantissa", 1...23),
        (["--out", "OUT/g", "--mantissa", "3"], "--exponent", 2...8),
        (["vectors", "--unit", "lmul", "--mantissa", "7", "--out", "OUT/v.hex"], "--mantissa", 1...23),
        (["vectors", "--unit", "lmul", "--mantissa", "7", "--out", "OUT/v.hex"], "--count", 0...10_000_000),
        (["vectors", "--unit", "lmul", "--mantissa", "7", "--out", "OUT/v.hex"], "--seed", 0...1.8e19),
        (sim + ["--modules", "lmul_e4m3"], "--count", 0...10_000_000),
        (sim + ["--modules", "lmul_e4m3"], "--seed", 0...1.8e19),
        (sim + ["--modules", "lmul_e4m3"], "--jobs", 1...64),
        (exhaustive + ["--modules", "lmul_e4m3"], "--threads", 1...64),
        (exhaustive + ["--modules", "lmul_e4m3"], "--lanes", 8...256),
        (["mutate", "--dir", "ROOT/rtl", "--modules", "lmul_e4m3"], "--gate-mutants", 1...255),
        (["mutate", "--dir", "ROOT/rtl", "--modules", "lmul_e4m3"], "--seed", 0...2147483647),
        (["mutate", "--dir", "ROOT/rtl", "--modules", "lmul_e4m3"], "--jobs", 1...64),
        (["bench-sim", "--files", "ROOT/rtl/lmul_e4m3.v"], "--count", 0...10_000_000),
        (["bench-sim", "--files", "ROOT/rtl/lmul_e4m3.v"], "--values-of-a", 1...65536),
        (["bench-sim", "--files", "ROOT/rtl/lmul_e4m3.v"], "--passes", 1...100_000),
        (["accuracy", "--out", "OUT/a"], "--seed", 0...1.8e19),
        (["accuracy", "--out", "OUT/a"], "--claim-pairs", 1...100_000_000),
        (["accuracy", "--out", "OUT/a"], "--dot-trials", 1...10_000_000),
        (["accuracy", "--out", "OUT/a"], "--float-dot-trials", 1...1_000_000),
        (["accuracy", "--out", "OUT/a"], "--jobs", 1...64),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v"], "--proof-timeout", 1...3600),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v"], "--jobs", 1...64),
        (array + ["--out", "OUT/a"], "--rows", 1...256),
        (array + ["--out", "OUT/a"], "--cols", 1...256),
        (array + ["--out", "OUT/a"], "--acc-width", 4...64),
        (array + ["--out", "OUT/a"], "--mantissa", 1...23),
        (simArray, "--seed", 0...1.8e19),
        (simArray, "--jobs", 1...64),
        (simArray, "--mantissa", 1...23),
        (simArray, "--acc-width", 4...64),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile"], "--acc-width", 4...64),
        (benchArray, "--rows", 1...256),
        (benchArray, "--cols", 1...256),
        (benchArray, "--k", 1...65536),
        (benchArray, "--matrices", 1...100_000),
        (mutateArray, "--rows", 3...256),
        (mutateArray, "--cols", 3...256),
        (mutateArray, "--gate-mutants", 0...255),
        (mutateArray, "--seed", 0...2147483647),
        (mutateArray, "--jobs", 1...64),
        (["sweep", "plan", "--dir", "OUT/sw"], "--samples", 1_000...100_000_000),
        (["sweep", "plan", "--dir", "OUT/sw"], "--count", 0...10_000_000),
        (["sweep", "plan", "--dir", "OUT/sw"], "--proof-timeout", 1...3600),
        (["sweep", "plan", "--dir", "OUT/sw"], "--seed", 0...1.8e19),
        (["sweep", "run", "--dir", "OUT/sweepstale"], "--jobs", 1...64),
        (["sweep", "mx", "--out", "OUT/m", "--work", "OUT/w"], "--jobs", 1...64),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--out", "OUT/mx"], "--block", 1...1),
        (["mxdot", "--unit", "lmul", "--format", "e4m3", "--out", "OUT/mx"], "--stages", 0...0),
        (["sim-mx", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "--count", 0...0),
        (["mutate-mx", "--unit", "lmul", "--format", "e4m3", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "--every", 1...1),
        (["mutate-mx", "--unit", "lmul", "--format", "e4m3", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "--proof-timeout", 0...3600),
        (prove + ["--modules", "lmul_e4m3"], "--time-limit", 1...86_400),
        (prove + ["--modules", "lmul_e4m3"], "--fallback-time-limit", 1...86_400),
        (prove + ["--modules", "lmul_e4m3"], "--gate-mutant", 1...1000),
        (prove + ["--modules", "lmul_e4m3"], "--seed", 0...2147483647),
        (["testbench", "--unit", "lmul", "--mantissa", "7", "--out", "OUT/t"], "--stages", 0...32),
        (["testbench", "--unit", "lmul", "--mantissa", "7", "--out", "OUT/t"], "--count", 0...10_000_000),
    ]

    static let numericValues: [(text: String, value: Double?)] = [
        ("0", 0), ("-1", -1), ("9223372036854775807", 9.223372036854775807e18), ("-9223372036854775808", -9223372036854775808),
        ("9223372036854775808", 9223372036854775808), ("18446744073709551616", 18446744073709551616), ("1.5", nil), ("abc", nil),
    ]

    @Test(arguments: numericOptions)
    func numericOptionRefusesOutOfRange(_ base: [String], _ option: String, _ valid: ClosedRange<Double>) throws {
        var cases = 0
        for (text, value) in Self.numericValues {
            if let value, valid.contains(value) { continue }   // in range: would start real work
            var args = base
            if let i = args.firstIndex(of: option) { args[i + 1] = text } else { args += [option, text] }
            try expectRefused(args, option)
            cases += 1
        }
        #expect(cases >= 4)
    }
}

extension CLITests {
    /// Who owns an error is decided by its type, not by how its text starts: ArgumentParser's own
    /// ("Unknown option", "Missing value") get a pointer to the command's own --help (issue 38:
    /// not the root's); ours, also when ArgumentParser quotes them after "The value ... is
    /// invalid", already say what to do and get none.
    @Test func errorOwnershipIsByType() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (args, help) in [(["--mantissa", "3", "--bogus"], "Run 'rtlgen generate --help' for the options."),
                             (["vectors", "--mantissa", "3", "--out", dir + "/v.hex"], "Run 'rtlgen vectors --help' for the options."),
                             (["--mantissa", "3", "--out"], "Run 'rtlgen generate --help' for the options."),
                             (["sweep", "run", "--dir"], "Run 'rtlgen sweep run --help' for the options."),
                             (["prove", "--modules", "lmul_e4m3", "--bogus", "--dir", dir], "Run 'rtlgen prove --help' for the options.")] {
            let r = try rtlgen(args)
            #expect(r.status == 64 && r.stderr.hasSuffix(help + "\n") && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
        for args in [["--mantissa", "3", "--exponent", "+4", "--out", dir], ["--mantissa", "3", "--units", "Lmul", "--out", dir],
                     ["--mantissa", "24", "--out", dir], ["sim", "--modules", "lmul_e9m9"]] {
            let r = try rtlgen(args)
            #expect(r.status == 64 && !r.stderr.contains("--help") && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }
}

import Foundation
import Testing
import Units

/// The `rtlgen` binary as a user meets it: run as a process, exit status, one-line errors, and no
/// files written on failure.
@Suite(.serialized) struct CLITests {
    static let binary: String = {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("rtlgen").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return dir.appendingPathComponent("rtlgen").path
    }()

    struct Run { let status: Int32; let stdout: String; let stderr: String }

    func rtlgen(_ args: [String], environment: [String: String]? = nil) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        if let env = environment { p.environment = env }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func scratch() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("rtlgen-cli-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func listing(_ dir: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).sorted()
    }

    @Test func unitsListsTheRegistry() throws {
        let r = try rtlgen(["units"])
        #expect(r.status == 0 && r.stderr.isEmpty)
        #expect(r.stdout.split(separator: "\n").map(String.init) == UnitKind.allCases.map(\.rawValue))
        let long = try rtlgen(["units", "--long"])
        #expect(long.stdout.contains("mitchell\tapproximate\tcombinational\tSPEC \"Mitchell\""), "\(long.stdout)")
        #expect(!long.stdout.contains("latency 0"))
    }

    @Test func generatesEveryRegisteredUnitAndManifest() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/x"
        let r = try rtlgen(["--mantissa", "3", "--out", out])
        #expect(r.status == 0 && r.stderr.isEmpty)
        #expect(listing(out) == (UnitKind.allCases.map { "\($0.rawValue)_e4m3.v" } + ["manifest.json"]).sorted())
        #expect(UnitKind.allCases.count == 5)
        let r2 = try rtlgen(["--mantissa", "2", "--out", out])
        #expect(r2.status == 0)
        #expect(listing(out).count == 2 * UnitKind.allCases.count + 1)
        let manifest = try String(contentsOfFile: out + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"lmul_e4m3\"") && manifest.contains("\"fpmul_ftz_e5m2\""))
        // the same command gives the same bytes
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/fpmul_e5m2.v"))
        #expect(try rtlgen(["--mantissa", "2", "--out", out]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/fpmul_e5m2.v")) == before)
        // a subset, and a non-default format
        let sub = dir + "/y"
        #expect(try rtlgen(["--exponent", "6", "--mantissa", "5", "--units", "lmul,fpmul", "--overflow", "inf", "--out", sub]).status == 0)
        #expect(listing(sub) == ["fpmul_e6m5_ovf_inf.v", "lmul_e6m5_ovf_inf.v", "manifest.json"])
    }

    /// `--format NAME` selects the same format as `--mantissa`/`--exponent` (the same bytes), and
    /// the finite formats (issue 21 item 5) are generated, evaluated and vectored under their name.
    @Test func formatOptionNamesTheFormat() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, old) in [("e4m3", ["--mantissa", "3"]), ("e5m2", ["--mantissa", "2"]), ("bf16", ["--mantissa", "7"]),
                            ("e6m5", ["--exponent", "6", "--mantissa", "5"])] {
            #expect(try rtlgen(["--format", name, "--units", "lmul,fpmul", "--out", dir + "/new-\(name)"]).status == 0)
            #expect(try rtlgen(old + ["--units", "lmul,fpmul", "--out", dir + "/old-\(name)"]).status == 0)
            for file in listing(dir + "/old-\(name)") {
                #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/new-\(name)/" + file)) == Data(contentsOf: URL(fileURLWithPath: dir + "/old-\(name)/" + file)), "\(name) \(file)")
            }
        }
        let r = try rtlgen(["--format", "e2m1fn", "--out", dir + "/fn"])
        #expect(r.status == 0 && r.stderr.isEmpty)
        #expect(listing(dir + "/fn") == (UnitKind.allCases.map { "\($0.rawValue)_e2m1fn.v" } + ["manifest.json"]).sorted())
        let manifest = try String(contentsOfFile: dir + "/fn/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"encoding\" : \"finite\"") && manifest.contains("\"name\" : \"e2m1fn\""))
        let header = try String(contentsOfFile: dir + "/fn/lmul_e2m1fn.v", encoding: .utf8)
        #expect(header.contains("generated by: rtlgen --format e2m1fn --units lmul") && !header.contains("nan"))
        // 1.5 * 1.5 = 2.25: lmul 3.0 (0x5), fpmul 2.0 (0x4); 3 * 3 saturates to 6.0 (0x7)
        let eval = try rtlgen(["eval", "--unit", "lmul", "--format", "e2m1fn", "--in", writeInput(dir, "3 3\n5 5\n")])
        #expect(eval.status == 0 && eval.stdout == "3 3 5\n5 5 7\n", "\(eval.stdout) \(eval.stderr)")
        let fp = try rtlgen(["eval", "--unit", "fpmul", "--format", "e2m1fn", "--in", writeInput(dir, "3 3\nd 5\n")])
        #expect(fp.status == 0 && fp.stdout == "3 3 4\nd 5 f\n", "\(fp.stdout) \(fp.stderr)")
        let v = try rtlgen(["vectors", "--unit", "fpmul_ftz", "--format", "e3m2fn", "--out", dir + "/v.hex"])
        #expect(v.status == 0)
        let lines = try String(contentsOfFile: dir + "/v.hex", encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("//") }
        #expect(lines.count == 64 * 64)
    }

    func writeInput(_ dir: String, _ text: String) throws -> String {
        let path = dir + "/in-\(UUID().uuidString).hex"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func writesVectors() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try rtlgen(["vectors", "--unit", "lmul", "--mantissa", "3", "--out", dir + "/v.hex"])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: dir + "/v.hex", encoding: .utf8)
        #expect(text.split(separator: "\n").filter { !$0.hasPrefix("//") }.count == 65536)
        let wide = try rtlgen(["vectors", "--unit", "fpmul_ftz", "--mantissa", "7", "--count", "500", "--seed", "9", "--out", dir + "/w.hex"])
        #expect(wide.status == 0)
        let w = try String(contentsOfFile: dir + "/w.hex", encoding: .utf8)
        #expect(w.contains("500 random pairs, seed 9"))
    }

    /// Each bad input: non-zero exit, exactly one line on stderr naming the problem, nothing written.
    @Test(arguments: [
        (["--mantissa", "0"], "1...23"),
        (["--mantissa", "24"], "1...23"),
        (["--mantissa", "5"], "--exponent"),
        (["--mantissa", "3", "--exponent", "1"], "2...8"),
        (["--mantissa", "3", "--exponent", "9"], "2...8"),
        (["--mantissa", "3", "--units", "lmul,fmul"], "unknown unit 'fmul'"),
        (["--mantissa", "3", "--units", ""], "--units"),
        (["--mantissa", "3", "--overflow", "wrap"], "sat"),
        (["--mantissa", "3", "--bogus"], "--bogus"),
        (["--mantissa", "three"], "three"),
        ([], "--mantissa"),
        (["vectors", "--unit", "lmul,fpmul", "--mantissa", "3", "--out", "OUT/v.hex"], "one unit"),
        (["vectors", "--unit", "mul", "--mantissa", "3", "--out", "OUT/v.hex"], "unknown unit"),
        (["vectors", "--unit", "lmul", "--mantissa", "3"], "--out"),
        (["accuracy", "--claim-pairs", "0"], "--claim-pairs"),
        (["accuracy", "--dot-trials", "0"], "--dot-trials"),
        (["accuracy", "--bf16", "maybe"], "maybe"),
        (["accuracy", "--jobs", "0"], "--jobs"),
        (["accuracy", "--synth", "OUT"], "is a directory"),
        (["synth", "--files", "OUT/lmul_e4m3.v"], "does not exist"),
        (["synth", "--files", ""], "--files"),
        (["synth", "--rerender"], "report.json does not exist"),
    ] as [([String], String)])
    func badInput(_ args: [String], _ mentions: String) throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let argv = args.map { $0.replacingOccurrences(of: "OUT", with: dir) } + (args.first == "vectors" || args.isEmpty ? [] : ["--out", dir + "/rtl"])
        let r = try rtlgen(argv)
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.hasPrefix("rtlgen: error: ") && r.stderr.contains(mentions), "stderr: \(r.stderr)")
        #expect(listing(dir).isEmpty, "files were written: \(listing(dir))")
    }

    @Test func outThatIsAFileOrUnwritable() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/afile"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let r = try rtlgen(["--mantissa", "3", "--out", file])
        #expect(r.status != 0 && r.stderr.contains("is an existing file") && r.stderr.split(separator: "\n").count == 1)
        let r2 = try rtlgen(["--mantissa", "3", "--out", file + "/sub"])
        #expect(r2.status != 0 && r2.stderr.split(separator: "\n").count == 1)
        let v = try rtlgen(["vectors", "--unit", "lmul", "--mantissa", "3", "--out", dir])
        #expect(v.status != 0 && v.stderr.contains("is a directory"))
        #expect(listing(dir) == ["afile"])
        // an unwritable place: a read-only directory for ordinary users; for root, which may write
        // anywhere, sysfs refuses new entries
        let locked: String
        if getuid() == 0 {
            locked = "/sys/rtlgen-cli-test"
        } else {
            locked = dir + "/locked"
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
            chmod(locked, 0o555)
        }
        let r3 = try rtlgen(["--mantissa", "3", "--out", locked + "/rtl"])
        #expect(r3.status != 0 && r3.stderr.split(separator: "\n").count == 1, "\(r3.stderr)")
        #expect(!FileManager.default.fileExists(atPath: locked + "/rtl"))
        if getuid() != 0 { chmod(locked, 0o755) }
    }

    /// Without the simulator on PATH: one line naming the Debian package, non-zero exit.
    @Test func missingSimulatorSaysWhatToInstall() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (sim, package) in [("verilator", "verilator"), ("icarus", "iverilog")] {
            let r = try rtlgen(["sim", "--dir", root + "/rtl", "--modules", "lmul_e4m3", "--sim", sim, "--build", dir + "/b",
                                "--testbench", root + "/testbench"], environment: ["PATH": "/nonexistent"])
            #expect(r.status != 0)
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("apt-get install -y \(package)"), "\(r.stderr)")
        }
    }

    /// Without the liberty file, or without OpenSTA on PATH, `rtlgen synth` stops with one line
    /// naming the install script, before it synthesises or writes anything (never a silent skip).
    @Test func missingLibertyOrStaNamesTheInstallScript() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["synth", "--files", root + "/rtl/lmul_e4m3.v", "--flow", root + "/synth/flow.ys", "--out", dir + "/report", "--work", dir + "/work"]
        let r = try rtlgen(args + ["--liberty", dir + "/missing/osu018_stdcells.lib"])
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("scripts/install-tools.sh") && r.stderr.contains("missing/osu018_stdcells.lib"), "\(r.stderr)")
        #expect(listing(dir).isEmpty, "files were written: \(listing(dir))")
        // PATH with yosys, yosys-abc and timeout but no sta
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("rtlgen-nosta-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: bin) }
        for tool in ["yosys", "yosys-abc", "timeout"] {
            for d in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(d)/\(tool)") {
                try? FileManager.default.createSymbolicLink(atPath: "\(bin)/\(tool)", withDestinationPath: "\(d)/\(tool)")
            }
        }
        let n = try rtlgen(args, environment: ["PATH": bin])
        #expect(n.status != 0)
        #expect(n.stderr.split(separator: "\n").count == 1 && n.stderr.contains("sta") && n.stderr.contains("scripts/install-tools.sh"), "\(n.stderr)")
        #expect(listing(dir).isEmpty, "files were written: \(listing(dir))")
    }

    /// Without yosys on PATH, `rtlgen synth` says what to install and writes nothing.
    @Test func missingYosysSaysWhatToInstall() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try rtlgen(["synth", "--files", root + "/rtl/lmul_e4m3.v", "--flow", root + "/synth/flow.ys", "--out", dir + "/report",
                            "--work", dir + "/work"], environment: ["PATH": "/nonexistent"])
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("apt-get install -y yosys"), "\(r.stderr)")
        #expect(listing(dir).isEmpty, "files were written: \(listing(dir))")
    }

    @Test func helpDocumentsEveryOptionWithAnExample() throws {
        let r = try rtlgen(["generate", "--help"])
        #expect(r.status == 0)
        for opt in ["--mantissa", "--exponent", "--overflow", "--units", "--out", "Examples:", "rtlgen --mantissa 3 --out rtl/"] {
            #expect(r.stdout.contains(opt), "generate --help lacks \(opt)")
        }
        let v = try rtlgen(["vectors", "--help"])
        for opt in ["--unit", "--count", "--seed", "--out", "Examples:"] { #expect(v.stdout.contains(opt)) }
    }
}

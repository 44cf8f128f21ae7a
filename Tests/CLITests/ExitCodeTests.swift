import Foundation
import Testing
@testable import RTLGenCommands
import Units
import FloatArith

/// Issue 38 items 5 and 7: the cases that are not one bad input of the table (BadInputTests.swift).
extension CLITests {
    /// Runs rtlgen from the repository root with `stdin` as its standard input and pipes for the others.
    func rtlgenAtRoot(_ args: [String], stdin: FileHandle) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: Self.root)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = stdin
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A shell command's output and exit status, run in `dir`.
    func shell(_ command: String, in dir: String) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "cd '\(dir)' && \(command)"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self))
    }

    /// `--out /dev/stdout` writes to standard output as `--out -` does, into a pipe too (it was
    /// refused as "a symlink to pipe:[...], which does not exist"); the note goes to stderr. An
    /// output naming another open pipe (/dev/stderr here) is refused in words that point at `--out -`.
    @Test func outToDevStdoutIntoAPipeWorks() throws {
        let dash = try rtlgen(["vectors", "--unit", "lmul", "--format", "e2m1fn", "--out", "-"])
        #expect(dash.status == 0 && dash.stdout.split(separator: "\n").filter { !$0.hasPrefix("//") }.count == 256, "\(dash.stderr)")
        for path in ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"] {
            let r = try rtlgen(["vectors", "--unit", "lmul", "--format", "e2m1fn", "--out", path])
            #expect(r.status == 0 && r.stdout == dash.stdout, "\(path): exit \(r.status): \(r.stderr)")
            #expect(r.stderr == "wrote 256 vectors for lmul_e2m1fn to standard output\n", "\(path): \(r.stderr)")
        }
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("3e 42\n".utf8).write(to: URL(fileURLWithPath: dir + "/pairs.hex"))
        let eval = try rtlgen(["eval", "--unit", "lmul", "--format", "e4m3", "--in", dir + "/pairs.hex", "--out", "/dev/stdout"])
        #expect(eval.status == 0 && eval.stdout.hasPrefix("3e 42 "), "\(eval.stderr)")
        let stderr = try rtlgen(["vectors", "--unit", "lmul", "--format", "e2m1fn", "--out", "/dev/stderr"])
        #expect(stderr.status == 64 && stderr.stderr.contains("is an open pipe or socket, not a file; give a file path, or --out - for standard output"),
                "\(stderr.stderr)")
        #expect(stderr.stderr.split(separator: "\n").count == 1)
    }

    /// `--out F` with standard input redirected from F is refused like `--in F --out F`: the result,
    /// renamed over F, would replace the input.
    @Test func outOverRedirectedStandardInputIsRefused() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/pairs.hex"
        try Data("3e 42\n".utf8).write(to: URL(fileURLWithPath: file))
        let r = try rtlgenAtRoot(["eval", "--unit", "lmul", "--format", "e4m3", "--out", file], stdin: try #require(FileHandle(forReadingAtPath: file)))
        #expect(r.status == 64 && r.stderr.contains("is the same file as --in - (standard input is read from it)"), "\(r.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "3e 42\n")
        // another file is fine
        let ok = try rtlgenAtRoot(["eval", "--unit", "lmul", "--format", "e4m3", "--out", dir + "/y.hex"], stdin: try #require(FileHandle(forReadingAtPath: file)))
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    /// `prove --fallback none` says no fallback is tried (it said "trying fallbacks"); with
    /// fallbacks it still says it tries them.
    @Test func proveFallbackNoneDoesNotSayTryingFallbacks() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = ["prove", "--generate", "--dir", dir + "/rtl", "--work", dir + "/w", "--modules", "fpmul_e8m23", "--time-limit", "1"]
        let none = try rtlgenAtRoot(base + ["--fallback", "none"], stdin: FileHandle.nullDevice)
        #expect(none.status == 1, "\(none.stdout) \(none.stderr)")
        #expect(!none.stderr.contains("trying fallbacks") && none.stderr.contains("no fallback (--fallback none)"), "\(none.stderr)")
        let cut = try rtlgenAtRoot(base + ["--fallback", "cut", "--fallback-time-limit", "1"], stdin: FileHandle.nullDevice)
        #expect(cut.stderr.contains("trying fallbacks"), "\(cut.stderr)")
    }

    /// `rtlgen synth --files X` costs X (with its behavioural twin and effort re-maps) and nothing
    /// else unless asked: no PEs, arrays, MX dots, iCE40 rows or clocks by default (it costed PEs,
    /// 16 x 16 arrays, the MX dots of five formats and iCE40 rows). Asking for one kind brings
    /// that kind; make synth asks for each explicitly, so its report is unchanged.
    @Test func synthCostsWhatItIsGiven() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = ["--files", Self.root + "/rtl/lmul_e4m3.v", "--flow", Self.root + "/synth/flow.ys", "--out", dir + "/s", "--work", dir + "/w", "--cache", "none"]
        let plain = try SynthCommand.parse(base)
        #expect(plain.peUnits.kinds.isEmpty && (plain.floatPEUnits?.kinds ?? plain.peUnits.kinds).isEmpty)
        #expect(try plain.mxDesigns().isEmpty)
        #expect(plain.ice40Formats.isEmpty && plain.ice40ArraySizes.sizes.isEmpty)
        #expect(plain.clockedOptions.clocks.isEmpty && plain.mxTimedFormats == "none")
        let pes = try SynthCommand.parse(base + ["--pe-units", "lmul,fpmul"])
        #expect(pes.peUnits.kinds == [.lmul, .fpmul] && !pes.arraySizes.sizes.isEmpty && pes.ice40Formats.isEmpty)
        #expect(try SynthCommand.parse(base + ["--mx-formats", "e2m1fn"]).mxDesigns().count == UnitKind.mxMultipliers.count)
        #expect(try SynthCommand.parse(base + ["--mx-units", "lmul"]).mxDesigns().count == BlockFormat.elementFormats.count)
        #expect(try SynthCommand.parse(base + ["--ice40-formats", "e4m3"]).ice40Formats == [.e4m3])
        // make synth gives every kind it costs
        let makefile = try String(contentsOfFile: Self.root + "/Makefile", encoding: .utf8)
        let rule = try #require(makefile.components(separatedBy: "\nsynth: ").dropFirst().first?.components(separatedBy: "\n\n").first)
        for option in ["--pe-units", "--float-pe-units", "--pe-acc", "--mx-units", "--mx-formats", "--mx-timed-formats", "--ice40-formats", "--ice40-array-sizes", "--clocks"] {
            #expect(rule.contains(option + " "), "make synth does not give \(option)")
        }
        #expect(makefile.contains("SYNTH_ICE40_FORMATS ?= e4m3,e5m2\n") && makefile.contains("SYNTH_ICE40_ARRAY_SIZES ?= 2x2\n"))
    }

    /// Every .PHONY target of the Makefile has a rule (`make mutate-mx` was declared with none),
    /// and `make mutate-mx` runs the first example of `rtlgen mutate-mx --help`.
    @Test func everyPhonyMakeTargetHasARule() throws {
        let makefile = try String(contentsOfFile: Self.root + "/Makefile", encoding: .utf8)
        let lines = makefile.split(separator: "\n").map(String.init)
        let phony = lines.filter { $0.hasPrefix(".PHONY:") }.flatMap { $0.dropFirst(".PHONY:".count).split(separator: " ").map(String.init) }
        #expect(phony.contains("mutate-mx"))
        for target in phony {
            #expect(lines.contains { $0.hasPrefix(target + ":") && !$0.hasPrefix(target + ":=") }, "make \(target) is .PHONY but has no rule")
        }
        func value(_ name: String) -> String? {
            lines.first { $0.hasPrefix(name + " ?= ") }.map { String($0.dropFirst(name.count + 4)) }
        }
        let recipe = try #require(lines.firstIndex { $0.hasPrefix("mutate-mx:") }.map { lines[$0 + 1] })
        let expanded = ["MUTATE_MX_UNIT", "MUTATE_MX_FORMAT", "MUTATE_MX_BLOCK"].reduce(recipe) { text, name in
            text.replacingOccurrences(of: "$(\(name))", with: value(name) ?? "?")
        }.replacingOccurrences(of: "\t@$(RTLGEN) ", with: "rtlgen ")
        let help = try rtlgen(["mutate-mx", "--help"]).stdout
        let firstExample = help.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("rtlgen mutate-mx ") }
        #expect(firstExample == expanded, "make mutate-mx runs '\(expanded)'; the help's first example is '\(firstExample ?? "none")'")
    }

    /// The standalone testbench's simulator run exits non-zero on FAIL (vvp exited 0, so a CI job
    /// running it passed a failing unit), on Verilator 5 too; PASS exits 0.
    @Test func standaloneTestbenchFailsTheRunOnVerilator() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try rtlgen(["testbench", "--unit", "lmul", "--format", "e2m1fn", "--out", dir]).status == 0)
        let build = "verilator --binary -Wno-fatal --top-module tb_lmul_e2m1fn tb_lmul_e2m1fn.v lmul_e2m1fn.v -o tb >/dev/null 2>&1 && ./obj_dir/tb"
        let pass = try shell(build, in: dir)
        #expect(pass.status == 0 && pass.output.contains("PASS: lmul_e2m1fn, all 256 vectors equal the golden model"), "\(pass.output.suffix(600))")
        let unit = try String(contentsOfFile: dir + "/lmul_e2m1fn.v", encoding: .utf8)
        // the result's sign: a[3] ^ b[3] becomes a[3] | b[3] (wrong for every pair of negative operands)
        let xor = try #require(unit.range(of: " ^ "))
        try Data(unit.replacingCharacters(in: xor, with: " | ").utf8).write(to: URL(fileURLWithPath: dir + "/lmul_e2m1fn.v"))
        try? FileManager.default.removeItem(atPath: dir + "/obj_dir")
        let fail = try shell("ulimit -c 0; " + build, in: dir)
        #expect(fail.status != 0 && fail.output.contains("FAIL: lmul_e2m1fn, "), "exit \(fail.status): \(fail.output.suffix(600))")
    }
}

extension CLITests {
    /// The liberty check passes the liberty make synth maps to (and the committed results were
    /// measured with) and what it must refuse, in its own words.
    @Test func libertyCheckPassesARealLibertyFile() throws {
        let installed = "/usr/local/share/osu018/osu018_stdcells.lib"
        if FileManager.default.fileExists(atPath: installed) {
            #expect(libertyProblem(try Data(contentsOf: URL(fileURLWithPath: installed))) == nil)
        }
        #expect(libertyProblem(Data("/* c */ // d\nlibrary(x) { cell (\"a{\") { } }\n".utf8)) == nil)
        #expect(libertyProblem(Data()) == "is empty")
        #expect(libertyProblem(Data([0x1F, 0x8B, 8, 0])) == "is gzip-compressed (unpack it first, e.g. gunzip -k FILE)")
        #expect(libertyProblem(Data("library (x) { cell (a) { }".utf8)) == "is truncated: 1 group is never closed")
        #expect(libertyProblem(Data("library (x) { } }".utf8)) == "is malformed: a '}' closes no group")
        #expect(libertyProblem(Data("library (x) { /* cut".utf8)) == "is truncated: a comment is never closed")
        #expect(libertyProblem(Data("module lmul; endmodule\n".utf8)) == "does not start like a liberty file (a 'library (' group)")
        #expect(libertyProblem(Data("library (x);".utf8)) == "is truncated: its library group has no body")
        #expect(libertyProblem(Data("library (broken) { cell ( }".utf8)) == "is malformed: 1 '(' is never closed")
        #expect(libertyProblem(Data("library (x) { cell (a)) { } }".utf8)) == "is malformed: a ')' closes nothing")
    }
}

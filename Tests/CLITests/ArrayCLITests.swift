import Foundation
import Testing

/// `rtlgen array`, `sim-array` and `mutate-array` as a user meets them: bad input is one line on
/// stderr, a non-zero exit, and nothing written.
extension CLITests {
    @Test(arguments: [
        (["array", "--rows", "0", "--cols", "4", "--unit", "lmul", "--mantissa", "3"], "--rows 0"),
        (["array", "--rows", "4", "--cols", "257", "--unit", "lmul", "--mantissa", "3"], "--cols 257"),
        (["array", "--rows", "4", "--cols", "4", "--unit", "fmul", "--mantissa", "3"], "unknown multiplier 'fmul'"),
        (["array", "--rows", "4", "--cols", "4", "--unit", "lmul,fpmul", "--mantissa", "3"], "one unit"),
        (["array", "--rows", "4", "--cols", "4", "--unit", "lmul", "--mantissa", "3", "--acc-width", "1"], "--acc-width 1"),
        (["array", "--rows", "4", "--cols", "4", "--unit", "lmul"], "--mantissa"),
        (["array", "--cols", "4", "--unit", "lmul", "--mantissa", "3"], "--rows"),
        (["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--mantissa", "7", "--acc", "fp16"], "e8m7 products are not all exact in fp16"),
        (["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--mantissa", "3", "--acc", "fp32", "--acc-width", "20"], "--acc-width applies to --acc fixed only"),
        (["array", "--rows", "2", "--cols", "2", "--unit", "fpadd", "--mantissa", "3"], "unknown multiplier 'fpadd'"),
        (["sim-array", "--units", "lmul", "--mantissa", "7", "--acc", "fp16", "--build", "OUT/b"], "use --acc fixed or fp32 or bf16"),
        (["sim-array", "--sizes", "4by4", "--mantissa", "3", "--build", "OUT/b"], "'4by4' is not an array size"),
        (["sim-array", "--units", "lmul,mul", "--mantissa", "3", "--build", "OUT/b"], "unknown multiplier 'mul'"),
        (["sim-array", "--sim", "modelsim", "--mantissa", "3", "--build", "OUT/b"], "modelsim"),
        (["mutate-array", "--rows", "2", "--mantissa", "3", "--build", "OUT/b"], "3..."),
        (["mutate-array", "--only", "no-such-mutant", "--mantissa", "3", "--build", "OUT/b", "--gate-mutants", "0"], "no-such-mutant"),
    ] as [([String], String)])
    func badArrayInput(_ args: [String], _ mentions: String) throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let argv = args.map { $0.replacingOccurrences(of: "OUT", with: dir) } + (args.first == "array" ? ["--out", dir + "/rtl"] : [])
        let r = try rtlgen(argv)
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.hasPrefix("rtlgen: error: ") && r.stderr.contains(mentions), "stderr: \(r.stderr)")
        #expect(listing(dir).isEmpty, "files were written: \(listing(dir))")
    }

    @Test func arrayOutThatIsAFileOrUnwritable() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/afile"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let base = ["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--mantissa", "3", "--out"]
        for out in [file, file + "/sub", getuid() == 0 ? "/sys/rtlgen-array-test" : "/proc/rtlgen-array-test"] {
            let r = try rtlgen(base + [out])
            #expect(r.status != 0 && r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("rtlgen: error: "), "\(out): \(r.stderr)")
        }
        #expect(listing(dir) == ["afile"])
        #expect(!FileManager.default.fileExists(atPath: "/sys/rtlgen-array-test"))
    }

    @Test func arrayWritesFourModulesAndTheSameBytesTwice() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["array", "--rows", "3", "--cols", "2", "--unit", "fpmul", "--mantissa", "2", "--out", dir + "/a"]
        let r = try rtlgen(args)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(listing(dir + "/a") == ["array_cell_fpmul_e5m2.v", "array_fpmul_e5m2_3x2.v", "fpmul_e5m2.v", "manifest.json", "pe_fpmul_e5m2.v"])
        let before = try listing(dir + "/a").map { try Data(contentsOf: URL(fileURLWithPath: dir + "/a/" + $0)) }
        #expect(try rtlgen(args).status == 0)
        let after = try listing(dir + "/a").map { try Data(contentsOf: URL(fileURLWithPath: dir + "/a/" + $0)) }
        #expect(before == after)
        let help = try rtlgen(["mutate-array", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--gate-mutants") && help.stdout.contains("Example:"))
    }

    /// `--stages S --acc-stages L` (SPEC "Pipelined PEs"): the pipelined multiplier, the L-stage
    /// adder, the PE, cell and array with both in their names; the manifest records S and L.
    @Test func pipelinedArrayWritesItsModulesAndManifest() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try rtlgen(["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--mantissa", "3", "--acc", "fp32", "--stages", "2", "--acc-stages", "2", "--out", dir + "/a"])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(listing(dir + "/a") == ["array_cell_lmul_e4m3_p2_fp32_p2.v", "array_lmul_e4m3_p2_fp32_p2_2x2.v", "fpadd_e8m23_p2.v",
                                        "lmul_e4m3_p2.v", "manifest.json", "pe_lmul_e4m3_p2_fp32_p2.v"])
        let manifest = try String(contentsOfFile: dir + "/a/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"acc_stages\" : \"2\"") && manifest.contains("\"stages\" : \"2\""), "\(manifest.prefix(600))")
        // --acc-stages 1 and --stages 0 are today's modules, byte for byte
        let plain = try rtlgen(["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--mantissa", "3", "--acc", "fp32", "--out", dir + "/b"])
        let same = try rtlgen(["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--mantissa", "3", "--acc", "fp32", "--stages", "0", "--acc-stages", "1", "--out", dir + "/c"])
        #expect(plain.status == 0 && same.status == 0)
        for f in listing(dir + "/b") {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/b/" + f)) == Data(contentsOf: URL(fileURLWithPath: dir + "/c/" + f)), "\(f)")
        }
    }

    /// `rtlgen matmul --acc-stages L`: e4m3 fpmul products times 1.0 are the values themselves;
    /// 256, 1, 0, 1 summed in bf16 (8 significant bits, spacing 2 above 256): in sequence 256 + 1
    /// ties to the even 256 each time (4380); with L = 2, s0 = 256 + 0, s1 = 1 + 1 = 2, and
    /// 256 + 2 = 258 is exact (4381); with L = 3, s0 = 256 + 1 -> 256, then + 1 + 0 -> 256 (4380).
    /// --stages changes nothing.
    @Test func matmulTakesThePartialSums() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("78 38 00 38\n".utf8).write(to: URL(fileURLWithPath: dir + "/A.hex"))
        try Data("38\n38\n38\n38\n".utf8).write(to: URL(fileURLWithPath: dir + "/B.hex"))
        for (l, s, expected) in [(1, 0, "0 0 4380 0"), (2, 0, "0 0 4381 0"), (2, 3, "0 0 4381 0"), (3, 1, "0 0 4380 0")] {
            let r = try rtlgen(["matmul", "--unit", "fpmul", "--mantissa", "3", "--acc", "bf16", "--acc-stages", "\(l)", "--stages", "\(s)",
                                "--a", dir + "/A.hex", "--b", dir + "/B.hex"])
            #expect(r.status == 0 && r.stdout.split(separator: "\n").last.map(String.init) == expected, "L=\(l) S=\(s): \(r.stdout) \(r.stderr)")
        }
    }

    /// `sim-array --acc-width W` checks an array built with a W-bit accumulator against the golden
    /// matmul at the same width (SPEC: narrower than the default, it wraps modulo 2^W; at 8 bits, LSB
    /// 2^-9, N(0, 1) products of K = 17 and 256 beats wrap it): the 8-bit array passes, generated or
    /// read from --dir, and is its own design (`_acc8`), not the default-width one.
    @Test func simArrayChecksACustomAccumulatorWidth() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tb = ["--testbench", CLITests.root + "/testbench", "--sim", "icarus"]
        let narrow = try rtlgen(["sim-array", "--sizes", "2x2", "--units", "lmul", "--mantissa", "3", "--acc-width", "8", "--build", dir + "/b8"] + tb)
        #expect(narrow.status == 0, "\(narrow.stdout) \(narrow.stderr)")
        #expect(narrow.stdout.contains("array_lmul_e4m3_acc8_2x2  icarus") && narrow.stdout.contains("1 passed, 0 failed"), "\(narrow.stdout)")
        let array = try rtlgen(["array", "--rows", "2", "--cols", "2", "--unit", "lmul", "--mantissa", "3", "--acc-width", "8", "--out", dir + "/rtl8"])
        #expect(array.status == 0 && array.stdout.contains("8-bit accumulators"), "\(array.stdout)")
        let same = try rtlgen(["sim-array", "--sizes", "2x2", "--units", "lmul", "--mantissa", "3", "--acc-width", "8", "--dir", dir + "/rtl8", "--build", dir + "/c8"] + tb)
        #expect(same.status == 0, "\(same.stdout) \(same.stderr)")
        let wrong = try rtlgen(["sim-array", "--sizes", "2x2", "--units", "lmul", "--mantissa", "3", "--dir", dir + "/rtl8", "--build", dir + "/cd"] + tb)
        // the default-width design's files are not in --dir: bad input (64), naming the command that writes them
        #expect(wrong.status == 64 && wrong.stderr.contains("pe_lmul_e4m3.v does not exist; generate it with: rtlgen array"), "\(wrong.stdout) \(wrong.stderr)")
    }
}

import Foundation
import Testing

/// `rtlgen eval` and `rtlgen matmul`: the golden models for other people's testbenches. Expected
/// values are worked by hand from SPEC (or by the machine's own Float addition), not taken from
/// the code under test.
extension CLITests {
    func write(_ text: String, _ path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

    @Test func evalPrintsVectorLines() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // SPEC's worked example: e4m3 1.75 * 2.5 -> bit-add 4.5 (0x49), formula 4.0 (0x48);
        // 1.0 * 1.0 -> lmul 1.125 (0x39: the offset), Mitchell 1.0 (0x38); NaN in, canonical NaN out.
        try write("0x3e 0x42  # 1.75 * 2.5\n\n38,38\n7f 01\n", dir + "/pairs.hex")
        let l = try rtlgen(["eval", "--unit", "lmul", "--mantissa", "3", "--in", dir + "/pairs.hex"])
        #expect(l.status == 0 && l.stderr.isEmpty)
        #expect(l.stdout == "3e 42 49\n38 38 39\n7f 01 7f\n")
        let f = try rtlgen(["eval", "--unit", "lmul_formula", "--mantissa", "3", "--in", dir + "/pairs.hex"])
        #expect(f.stdout.hasPrefix("3e 42 48\n"))
        let mi = try rtlgen(["eval", "--unit", "mitchell", "--mantissa", "3", "--in", dir + "/pairs.hex", "--out", dir + "/y.hex"])
        #expect(mi.status == 0 && mi.stdout.isEmpty)
        #expect(try String(contentsOfFile: dir + "/y.hex", encoding: .utf8).contains("38 38 38\n"))
        // the accumulation adder against the machine's Float addition
        let pairs: [(Float, Float)] = [(1, 1), (.greatestFiniteMagnitude, .greatestFiniteMagnitude), (1, -1), (.leastNonzeroMagnitude, .leastNonzeroMagnitude), (3.5, -0.25)]
        try write(pairs.map { String($0.0.bitPattern, radix: 16) + " " + String($0.1.bitPattern, radix: 16) }.joined(separator: "\n"), dir + "/add.hex")
        let add = try rtlgen(["eval", "--unit", "fpadd", "--mantissa", "23", "--in", dir + "/add.hex"])
        let sums = add.stdout.split(separator: "\n").map { UInt32($0.split(separator: " ")[2], radix: 16)! }
        #expect(sums == pairs.map { ($0.0 + $0.1).bitPattern })
    }

    @Test func matmulFixedAndFloatAccumulation() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A = [[1, 2], [0.5, 1.5]], B = [[1], [2]] in e4m3 (exact products under fpmul).
        try write("38 40\n30 3c\n", dir + "/A.hex")
        try write("38\n40\n", dir + "/B.hex")
        let fixed = try rtlgen(["matmul", "--unit", "fpmul", "--mantissa", "3", "--a", dir + "/A.hex", "--b", dir + "/B.hex"])
        #expect(fixed.status == 0 && fixed.stderr.isEmpty)
        // 5.0 and 3.5 in units of 2^-9: 2560 = 0xa00, 1792 = 0x700, 35 bits = 9 hex digits
        #expect(fixed.stdout.split(separator: "\n").dropFirst() == ["0 0 000000a00 0", "1 0 000000700 0"])
        let fp = try rtlgen(["matmul", "--unit", "fpmul", "--mantissa", "3", "--acc", "fp32", "--a", dir + "/A.hex", "--b", dir + "/B.hex"])
        #expect(fp.stdout.split(separator: "\n").dropFirst() == ["0 0 \(String(Float(5).bitPattern, radix: 16)) 0", "1 0 \(String(Float(3.5).bitPattern, radix: 16)) 0"])
        // a NaN product enters the float sum and sets invalid
        try write("7f 38\n", dir + "/N.hex")
        let nan = try rtlgen(["matmul", "--unit", "lmul", "--mantissa", "3", "--acc", "bf16", "--a", dir + "/N.hex", "--b", dir + "/B.hex"])
        #expect(nan.stdout.split(separator: "\n").dropFirst() == ["0 0 7fff 1"])
    }

    @Test(arguments: [
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "IN/bad.hex"], "line 2: 'zz' is not a hex value"),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "IN/three.hex"], "line 1: 3 values"),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "IN/wide.hex"], "line 1: 100 does not fit e4m3"),
        (["eval", "--unit", "lmul", "--mantissa", "3", "--in", "IN/missing.hex"], "'IN/missing.hex' is not a readable file"),
        (["eval", "--unit", "fpadd", "--mantissa", "3", "--in", "IN/three.hex"], "fpadd needs an IEEE-style format"),
        (["eval", "--unit", "lmul,fpmul", "--mantissa", "3", "--in", "IN/three.hex"], "one unit"),
        (["matmul", "--unit", "fpmul", "--mantissa", "7", "--acc", "fp16", "--a", "IN/A.hex", "--b", "IN/B.hex"], "e8m7 products are not all exact in fp16"),
        (["matmul", "--unit", "fpmul", "--mantissa", "3", "--acc", "fp32", "--acc-width", "40", "--a", "IN/A.hex", "--b", "IN/B.hex"], "--acc-width applies to --acc fixed only"),
        (["matmul", "--unit", "fpmul", "--mantissa", "3", "--a", "IN/ragged.hex", "--b", "IN/B.hex"], "line 2: 1 value where the first row has 2"),
        (["matmul", "--unit", "fpmul", "--mantissa", "3", "--a", "IN/A.hex", "--b", "IN/three.hex"], "B needs K = 2 rows"),
        (["matmul", "--unit", "fpmul", "--mantissa", "3", "--acc", "fp64", "--a", "IN/A.hex", "--b", "IN/B.hex"], "fp64"),
        (["matmul", "--unit", "fpmul", "--mantissa", "3", "--a", "-", "--b", "-"], "cannot both be standard input"),
    ] as [([String], String)])
    func badGoldenCommandInput(_ args: [String], _ mentions: String) throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inputs = dir + "/in"
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        try write("38 38\nzz 38\n", inputs + "/bad.hex")
        try write("38 38 38\n", inputs + "/three.hex")
        try write("100 38\n", inputs + "/wide.hex")
        try write("38 40\n30 3c\n", inputs + "/A.hex")
        try write("38\n40\n", inputs + "/B.hex")
        try write("38 40\n30\n", inputs + "/ragged.hex")
        let before = listing(dir)
        let r = try rtlgen(args.map { $0.replacingOccurrences(of: "IN", with: inputs) } + ["--out", dir + "/out.txt"])
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.hasPrefix("rtlgen: error: ") && r.stderr.contains(mentions.replacingOccurrences(of: "IN", with: inputs)), "stderr: \(r.stderr)")
        #expect(listing(dir) == before, "files were written")
    }
}

import Foundation
import Testing

/// Issue 38 item 6: one parser per concept. Format names are read by one parser (canonical
/// lowercase names only) in every option; every list option treats blanks, empty items and
/// repeats alike (one helper). Each row: exit 64, one line, nothing written.
extension CLITests {
    /// Format names: canonical lowercase names only, in every option that takes one; another
    /// spelling of a format is refused naming the canonical one.
    static let formatSpellings: [([String], String)] = [
        (["--format", "E4M3", "--out", "OUT/g"], "--format: 'E4M3' is not a format name as written; write e4m3"),
        (["--format", "e04m3", "--out", "OUT/g"], "--format: 'e04m3' is not a format name as written; write e4m3"),
        (["--format", "BF16", "--out", "OUT/g"], "write bf16"),
        (["--format", "E2M1FN", "--out", "OUT/g"], "write e2m1fn"),
        (["testbench", "--unit", "lmul", "--format", "E4M3", "--out", "OUT/t"], "write e4m3"),
        (["sweep", "plan", "--dir", "OUT/sw", "--formats", "E4M3"], "--formats: 'E4M3' is not a format name as written; write e4m3"),
        (["sweep", "plan", "--dir", "OUT/sw", "--formats", "e04m3"], "write e4m3"),
        (["sweep", "plan", "--dir", "OUT/sw", "--formats", "E4M1-3"], "write e4m1"),
        (["sweep", "plan", "--dir", "OUT/sw", "--formats", "e4m1-03"], "not a format range"),
        (["sweep", "mx", "--formats", "E2M1FN"], "--formats: 'E2M1FN' is not a format name as written; write e2m1fn"),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-formats", "E4M3"], "--clock-formats: 'E4M3' is not a format name as written; write e4m3"),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--ice40-formats", "e05m2"], "--ice40-formats: 'e05m2' is not a format name as written; write e5m2"),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-formats", "E2M1FN"], "--mx-formats: 'E2M1FN' is not a format name as written; write e2m1fn"),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--mx-formats", "e2m1fn", "--mx-timed-formats", "E2M1FN"], "--mx-timed-formats: 'E2M1FN' is not a format name as written; write e2m1fn"),
        (["mxdot", "--unit", "lmul", "--format", "E4M3", "--out", "OUT/mx"], "--format: 'E4M3' is not a format name as written; write e4m3"),
        (["mxeval", "--unit", "lmul", "--format", "e04m3"], "write e4m3"),
        (["sim-mx", "--formats", "E4M3", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "--formats: 'E4M3' is not a format name as written; write e4m3"),
        // module names spell the format by the same rule
        (["--modules", "lmul_E4M3", "--out", "OUT/g"], "'lmul_E4M3': 'E4M3' is not a format name as written; write lmul_e4m3"),
        (["--modules", "fpmul_e05m2_p2", "--out", "OUT/g"], "write fpmul_e5m2_p2"),
        (sim + ["--modules", "lmul_e4M3"], "write lmul_e4m3"),
        (prove + ["--modules", "lmul_E4M3"], "write lmul_e4m3"),
    ]

    @Test(arguments: formatSpellings)
    func formatNamesParseTheSameInEveryOption(_ args: [String], _ mentions: String) throws {
        try expectRefused(args, mentions)
    }

    /// Lists: every list option goes through one helper, so an empty list, a list of blanks and
    /// commas, and a repeated item (by its spelling, or a format by two spellings or a range) are
    /// refused alike.
    static let listOptions: [(base: [String], option: String, item: String, other: String)] = [
        (["--mantissa", "3", "--out", "OUT/g"], "--units", "lmul", "fpmul"),
        (sim, "--modules", "lmul_e4m3", "fpmul_e4m3"),
        (sim + ["--modules", "lmul_e4m3"], "--sim", "icarus", "verilator"),
        (["bench-sim"], "--files", "ROOT/rtl/lmul_e4m3.v", "ROOT/rtl/fpmul_e4m3.v"),
        (simArray, "--sizes", "1x1", "2x2"),
        (["sweep", "plan", "--dir", "OUT/sw"], "--formats", "e4m3", "e5m2"),
        (["sweep", "mx"], "--formats", "e4m3", "e2m1fn"),
        (["sim-mx", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "--formats", "e4m3", "e2m1fn"),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v"], "--clock-formats", "e4m3", "e5m2"),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v"], "--ice40-formats", "e4m3", "e5m2"),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v"], "--mx-formats", "e4m3", "e2m1fn"),
        (synth + ["--files", "ROOT/rtl/lmul_e4m3.v"], "--clocks", "100", "200"),
    ]

    @Test(arguments: listOptions)
    func listOptionsTreatBlanksEmptyItemsAndRepeatsAlike(_ base: [String], _ option: String, _ item: String, _ other: String) throws {
        func with(_ value: String) -> [String] {
            var args = base
            if let i = args.firstIndex(of: option) { args[i + 1] = value } else { args += [option, value] }
            return args
        }
        try expectRefused(with(""), "empty list")
        try expectRefused(with(" , ,\t"), "empty list")
        let shown = item.replacingOccurrences(of: "ROOT", with: Self.root)
        try expectRefused(with("\(item),\(item)"), "'\(shown)' is listed twice")
        try expectRefused(with("\(item), ,\(other) \(item)"), "'\(shown)' is listed twice")
    }

    /// Formats named twice under two spellings or by a range and an item are repeats too.
    @Test func aFormatNamedTwiceIsARepeat() throws {
        try expectRefused(["sweep", "plan", "--dir", "OUT/sw", "--formats", "e4m1-3,e4m2"], "--formats: 'e4m2' is listed twice")
        try expectRefused(["sweep", "plan", "--dir", "OUT/sw", "--formats", "bf16,e8m7"], "--formats: 'e8m7' is listed twice")
        try expectRefused(Self.synth + ["--files", "ROOT/rtl/lmul_e4m3.v", "--clock-formats", "bf16,e8m7"], "--clock-formats: 'e8m7' and 'bf16' are the same format")
        try expectRefused(["sim-mx", "--formats", "e4m3,e4m3", "--build", "OUT/b", "--testbench", "ROOT/testbench"], "'e4m3' is listed twice")
    }
}

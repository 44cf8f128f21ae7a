import Foundation
import Testing
import Units

/// Issue 38 items 2 and 6: register stages S have one range (`RegisterStages`) and one message
/// wherever S is given (--stages S, a module name's _p<S>), checked before any work. Each row:
/// exit 64, one line, nothing written.
extension CLITests {
    /// The tail every out-of-range S gives, whichever command and spelling (--stages S, _p<S>).
    static let stagesTail = " is out of range; give 0...32, a unit's register stages S (0: combinational; SPEC \"Ports\")"

    static let stagesBeyondTheRange: [([String], String)] = [
        // generate
        (["--mantissa", "3", "--stages", "33", "--out", "OUT/g"], "--stages 33"),
        (["--modules", "lmul_e4m3_p33", "--out", "OUT/g"], "'lmul_e4m3_p33': _p33"),
        (["--modules", "lmul_e4m3_p30000", "--out", "OUT/g"], "'lmul_e4m3_p30000': _p30000"),
        // sim: --stages is refused before the simulators are looked for
        (sim + ["--modules", "lmul_e4m3", "--stages", "33"], "--stages 33"),
        (sim + ["--modules", "lmul_e4m3_p33"], "'lmul_e4m3_p33': _p33"),
        // prove: took _p33 and _p300 (yosys to 7 GB) and crashed on _p30000 (recursion in Module.pipelined)
        (prove + ["--modules", "lmul_e4m3_p33"], "'lmul_e4m3_p33': _p33"),
        (["prove", "--generate", "--dir", "OUT/pg", "--work", "OUT/w", "--modules", "lmul_e4m3_p33"], "'lmul_e4m3_p33': _p33"),
        (["prove", "--generate", "--dir", "OUT/pg", "--work", "OUT/w", "--modules", "lmul_e4m3_p300"], "'lmul_e4m3_p300': _p300"),
        (["prove", "--generate", "--dir", "OUT/pg", "--work", "OUT/w", "--modules", "lmul_e4m3_p30000"], "'lmul_e4m3_p30000': _p30000"),
        (["prove", "--generate", "--dir", "OUT/pg", "--work", "OUT/w", "--modules", "fpmul_e5m2_p99999999999999999999"],
         "'fpmul_e5m2_p99999999999999999999': _p99999999999999999999"),
        // testbench took 0...16, everything else 0...32: now the one range
        (["testbench", "--unit", "lmul", "--mantissa", "3", "--stages", "33", "--out", "OUT/t"], "--stages 33"),
        (array + ["--stages", "33", "--out", "OUT/a"], "--stages 33"),
        (simArray + ["--stages", "40"], "--stages 40"),
        (["matmul", "--unit", "lmul", "--mantissa", "3", "--a", "OUT/afile", "--b", "OUT/afile", "--stages", "33"], "--stages 33"),
    ]

    @Test(arguments: stagesBeyondTheRange)
    func stagesBeyondTheRangeAreRefusedWithOneMessage(_ args: [String], _ spelled: String) throws {
        try expectRefused(args, spelled + Self.stagesTail)
    }

    /// The range and message are one function of the design: a unit's 0...32 and an MX dot's 0...8
    /// (two cut points, then output registers), both from `RegisterStages`.
    @Test func theStageRangeIsOneFunctionOfTheDesign() throws {
        #expect(RegisterStages.range(.unit) == 0...32 && ArithmeticUnit.maxStages == 32)
        #expect(RegisterStages.range(.mxDot) == 0...8 && MXDotDesign.stageRange == 0...8)
        #expect(RegisterStages.refusal(33, spelled: "--stages 33") == "--stages 33" + Self.stagesTail)
        #expect(RegisterStages.refusal(32, spelled: "--stages 32") == nil && RegisterStages.refusal(0, spelled: "--stages 0") == nil)
        #expect(RegisterStages.refusal(-1, spelled: "--stages -1") != nil)
        #expect(RegisterStages.refusal(9, spelled: "--stages 9", .mxDot)?.contains("give 0...8, an MX dot's register stages") == true)
        try expectRefused(["mxdot", "--unit", "lmul", "--format", "e4m3", "--stages", "9", "--out", "OUT/mx"],
                          "--stages 9 is out of range; give 0...8, an MX dot's register stages S")
        // a module name's S is read once: out of range, it is no unit module name at all
        #expect(ArithmeticUnit(moduleName: "lmul_e4m3_p32") != nil && ArithmeticUnit(moduleName: "lmul_e4m3_p33") == nil)
    }
}

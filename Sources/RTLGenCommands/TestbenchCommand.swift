import ArgumentParser
import FloatArith
import Foundation
import Generation
import Units
import Verification

/// `rtlgen testbench`: a self-checking Verilog testbench with golden vectors, for the user's own
/// simulator and flow (the repository's testbenches need rtlgen to run them).
struct TestbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testbench",
        abstract: "Write a unit, its golden vectors and a self-checking Verilog testbench for any simulator.",
        discussion: """
        Writes into --out: <module>.v (the unit), <module>.hex (golden vectors, as 'rtlgen vectors' writes them: every pair for formats of at most 8 bits, else corner pairs plus --count seeded random pairs) and tb_<module>.v, a Verilog-2005 testbench that reads the vectors with $readmemh, checks every result (with --stages S, S rising edges after its operands, as SPEC "Ports" says) and ends with one line, PASS: ... or FAIL: ..., after the first mismatches; on FAIL the simulator exits non-zero (vvp 1; Verilator and others through $fatal), so a script or CI job that runs it fails. The files are staged and renamed into place, so a failure writes nothing.

        Examples:
          rtlgen testbench --unit lmul --format e4m3 --out tb/
          cd tb && iverilog -g2005 -o tb_lmul_e4m3 tb_lmul_e4m3.v lmul_e4m3.v && vvp tb_lmul_e4m3
          rtlgen testbench --unit fpmul --format bf16 --stages 2 --count 10000 --out tb/
        """
    )

    /// Register stages a unit can be generated with: the one range (`RegisterStages`).
    static var stageRange: ClosedRange<Int> { RegisterStages.range(.unit) }

    @Option(help: ArgumentHelp("The unit: \(UnitKind.nameList(all: true)).", valueName: "unit"), transform: UnitName.parse)
    var unit: UnitName

    @OptionGroup var format: FormatOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Register stages S, \(stageRange.lowerBound)...\(stageRange.upperBound) (0: combinational).", valueName: "S"),
            transform: wholeNumber)
    var stages: Int = 0

    @OptionGroup var sampling: SamplingOptions

    @Option(help: ArgumentHelp("Output directory (created if missing).", valueName: "dir"))
    var out: String

    mutating func validate() throws {
        try checkSupported([unit.kind], try format.format(), format.overflow)
        try checkStages(stages)
        try OutputWriter.checkDirectory(out)
    }

    func run() throws {
        let f = try format.format()
        let u = ArithmeticUnit(unit.kind, f, overflow: format.overflow, stages: stages)
        var command = ["rtlgen", "testbench", "--unit", unit.kind.rawValue] + f.arguments
        if format.overflow != .saturate { command += ["--overflow", format.overflow.rawValue] }
        if stages > 0 { command += ["--stages", "\(stages)"] }
        if f.width > 8 { command += ["--count", "\(sampling.count)", "--seed", "\(sampling.seed)"] }
        let files = try StandaloneTestbench.files(for: u, plan: VectorPlan.standard(for: f, random: sampling.count, seed: sampling.seed),
                                                 command: command.joined(separator: " "))
        try OutputWriter.write(files.map { ($0.name, Data($0.text.utf8)) }, into: out)
        print("wrote \(files.map(\.name).joined(separator: ", ")) to \(out); run: cd \(out) && iverilog -g2005 -o tb_\(u.moduleName) tb_\(u.moduleName).v \(u.fileName) && vvp tb_\(u.moduleName)")
    }
}

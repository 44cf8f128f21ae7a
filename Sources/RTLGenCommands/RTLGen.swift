import ArgumentParser
import FloatArith
import Foundation
import Harness
import Units

public struct RTLGen: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rtlgen",
        abstract: "Generate, verify and measure L-Mul and exact floating-point multiplier RTL.",
        discussion: """
        With no subcommand, rtlgen generates units (see 'rtlgen generate --help').
          rtlgen --mantissa 3 --out rtl/           every e4m3 unit and manifest.json
          rtlgen units                              the registered units
          rtlgen vectors --unit lmul --mantissa 3 --out lmul_e4m3.hex
        The numerical contract is ../shared/SPEC.md; README.md has the tour.
        """,
        subcommands: [Generate.self, UnitsCommand.self, VectorsCommand.self, EvalCommand.self, MatmulCommand.self, SimCommand.self, ExhaustiveCommand.self, MutateCommand.self, BenchSimCommand.self, AccuracyCommand.self, SynthCommand.self, ArrayCommand.self, SimArrayCommand.self, BenchArrayCommand.self, MutateArrayCommand.self],
        defaultSubcommand: Generate.self
    )

    public init() {}

    /// Runs the command line and returns the exit status. Errors print as one line on stderr:
    /// what is wrong and what to type instead.
    public static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let status as ExitCode {
            // A command that already printed its verdict (a table and closing line) exits quietly.
            return status.rawValue
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            let message: String
            if let usage = error as? UsageError {
                message = usage.message
            } else {
                let text = RTLGen.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
                let first = text.split(separator: "\n").first.map(String.init) ?? "invalid arguments"
                // Our own messages (lower case) already say what to do; ArgumentParser's own
                // (capitalised: "Unknown option ...") get a pointer to --help.
                if first.first?.isUppercase == true {
                    message = first.hasSuffix(".") || first.hasSuffix("?") ? "\(first) Run 'rtlgen --help' for the options."
                        : "\(first). Run 'rtlgen --help' for the options."
                } else {
                    message = first
                }
            }
            FileHandle.standardError.write(Data("rtlgen: error: \(message)\n".utf8))
            return code.rawValue == 0 ? 1 : code.rawValue
        }
    }
}

extension OverflowMode: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// `--mantissa`, `--exponent`, `--overflow`: which format and overflow rule.
struct FormatOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Fraction bits M, 1...23. 3 = e4m3, 2 = e5m2, 7 = bf16, 10 = fp16, 23 = fp32; other values need --exponent.",
        valueName: "M"))
    var mantissa: Int

    @Option(help: ArgumentHelp("Exponent bits E, 2...8 (default: the format SPEC gives for --mantissa).", valueName: "E"))
    var exponent: Int?

    @Option(help: ArgumentHelp("Overflow rule: sat (saturate to max finite, SPEC default) or inf (infinity; canonical NaN for e4m3).",
                               valueName: "sat|inf"))
    var overflow: OverflowMode = .saturate

    func format() throws -> FloatFormat {
        do {
            return try FloatFormat.resolve(exponent: exponent, mantissa: mantissa)
        } catch {
            throw ValidationError(error.description)
        }
    }

    mutating func validate() throws { _ = try format() }
}

/// Unit names from a comma-separated list, each once. `multipliers`: only multipliers (a PE's
/// unit); `format`: each unit must exist for it (e.g. fpadd needs an IEEE-style format).
func parseUnits(_ list: String, multipliers: Bool = false, format: FloatFormat? = nil,
                overflow: OverflowMode = .saturate) throws -> [UnitKind] {
    let valid = multipliers ? UnitKind.allCases : UnitKind.registry
    let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    if names.isEmpty { throw ValidationError("--units is empty; give a comma-separated list of \(valid.map(\.rawValue).joined(separator: ", "))") }
    var out: [UnitKind] = []
    for n in names {
        guard let k = UnitKind(rawValue: n), valid.contains(k) else {
            throw ValidationError("unknown \(multipliers ? "multiplier" : "unit") '\(n)'; valid \(multipliers ? "multipliers" : "units") are \(valid.map(\.rawValue).joined(separator: ", "))")
        }
        if let f = format, let reason = k.type.unsupported(f, overflow) { throw ValidationError(reason) }
        if !out.contains(k) { out.append(k) }
    }
    return out
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write Verilog units for one format, and manifest.json, into a directory.",
        discussion: """
        Each unit is one combinational module in its own file, <unit>_e<E>m<M>.v, with ports a, b, y. Files are written to a staging directory and renamed into place, so a failure writes nothing. manifest.json in --out is updated: entries for the modules written are replaced, others kept.

        Examples:
          rtlgen --mantissa 3 --out rtl/                       e4m3: every unit
          rtlgen --mantissa 2 --units lmul,fpmul --out rtl/    e5m2: two units
          rtlgen --exponent 6 --mantissa 5 --overflow inf --out build/e6m5
        """
    )

    @OptionGroup var format: FormatOptions

    @Option(help: ArgumentHelp("Units to write, comma-separated: \(UnitKind.registry.map(\.rawValue).joined(separator: ", ")) (default: the multipliers; 'rtlgen units --all' lists them).", valueName: "list"))
    var units: String = UnitKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: ArgumentHelp("Output directory (created if missing).", valueName: "dir"))
    var out: String = "rtl"

    mutating func validate() throws {
        _ = try parseUnits(units, format: try format.format(), overflow: format.overflow)
        do { try OutputWriter.checkDirectory(out) } catch let e as UsageError { throw ValidationError(e.message) }
    }

    func run() throws {
        let f = try format.format()
        let kinds = try parseUnits(units)
        var files: [(name: String, contents: Data)] = []
        var entries: [Manifest.Entry] = []
        for k in kinds {
            let unit = ArithmeticUnit(k, f, overflow: format.overflow)
            files.append((unit.fileName, Data(try unit.verilog().utf8)))
            entries.append(Manifest.entry(for: unit))
        }
        let manifest = try Manifest.load(from: out).merging(entries)
        files.append(("manifest.json", try manifest.encoded()))
        try OutputWriter.write(files, into: out)
        print("wrote \(kinds.count) unit\(kinds.count == 1 ? "" : "s") for \(f) and manifest.json to \(out): "
              + entries.map(\.file).joined(separator: ", "))
    }
}

struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Write golden vectors for one unit as $readmemh hex (a b y per line).",
        discussion: """
        Formats of at most 8 bits get all 2^(2N) pairs (65,536 for 8-bit formats). Wider formats get TestFloat-style corner pairs (exponent extremes x fraction patterns, every special value) followed by --count seeded random pairs, a share steered to the underflow and overflow boundaries. The file is written to a temporary name and renamed into place.

        Examples:
          rtlgen vectors --unit lmul --mantissa 3 --out lmul_e4m3.hex
          rtlgen vectors --unit fpmul --mantissa 7 --seed 7 --out fpmul_e8m7.hex
        """
    )

    @Option(help: ArgumentHelp("The unit: \(UnitKind.nameList(all: true)).", valueName: "unit"))
    var unit: String

    @OptionGroup var format: FormatOptions

    @Option(help: ArgumentHelp("Random pairs after the corner cases, for formats wider than 8 bits.", valueName: "n"))
    var count: Int = 100_000

    @Option(help: ArgumentHelp("Seed of the random pairs.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Output file.", valueName: "file"))
    var out: String

    mutating func validate() throws {
        let kinds = try parseUnits(unit, format: try format.format(), overflow: format.overflow)
        guard kinds.count == 1 else { throw ValidationError("--unit takes one unit, not a list; run the command once per unit") }
        guard count >= 0 else { throw ValidationError("--count must be 0 or more") }
        do { try OutputWriter.checkFile(out) } catch let e as UsageError { throw ValidationError(e.message) }
    }

    func run() throws {
        let f = try format.format()
        let u = ArithmeticUnit(try parseUnits(unit)[0], f, overflow: format.overflow)
        let plan = VectorPlan.standard(for: f, random: count, seed: seed)
        let (text, n) = VectorFile.text(for: u, plan: plan)
        try OutputWriter.writeFile(Data(text.utf8), to: out)
        print("wrote \(n) vectors for \(u.moduleName) to \(out)")
    }
}

struct UnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units",
        abstract: "List the registered multipliers (--all: every unit), one name per line (the Makefile reads this list).",
        discussion: """
        Examples:
          rtlgen units              lmul, lmul_formula, ... one per line
          rtlgen units --long       name, role, register stages and SPEC.md section
          rtlgen units --all        the accumulation adders (fpadd) too
        """
    )

    @Flag(help: "Also print each unit's role, register stages (latency), SPEC.md section and summary.")
    var long = false

    @Flag(help: "Every registered unit, the accumulation adders too (default: the multipliers, the Makefile's set).")
    var all = false

    func run() throws {
        for k in all ? UnitKind.registry : UnitKind.allCases {
            if long {
                print([k.rawValue, k.role.rawValue, "latency \(k.type.latency)", "SPEC \"\(k.specRule)\"", k.summary].joined(separator: "\t"))
            } else {
                print(k.rawValue)
            }
        }
    }
}

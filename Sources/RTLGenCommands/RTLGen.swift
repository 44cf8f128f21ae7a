import ArgumentParser
import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
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
        subcommands: [Generate.self, UnitsCommand.self, VectorsCommand.self, EvalCommand.self, MatmulCommand.self, SimCommand.self, ExhaustiveCommand.self, MutateCommand.self, BenchSimCommand.self, AccuracyCommand.self, SynthCommand.self, SweepCommand.self, ArrayCommand.self, SimArrayCommand.self, BenchArrayCommand.self, MutateArrayCommand.self, GlitchCommand.self, MXDotCommand.self, MXEvalCommand.self, SimMXCommand.self, MutateMXCommand.self, ProveCommand.self, TestbenchCommand.self],
        defaultSubcommand: Generate.self
    )

    public init() {}

    /// `run` as the executable does it: stopping rtlgen (SIGINT, SIGTERM, SIGHUP) first stops every
    /// simulator, build and synthesis run it started; closed standard streams are noted and
    /// replaced, so using them is a one-line error rather than a trap.
    public static func runAsExecutable(_ arguments: [String]) -> Int32 {
        StandardStreams.prepare()
        ChildProcesses.installSignalHandlers()
        let status = run(arguments)
        // stopped by a signal while working: the handler exits with 128 + the signal once the tools are gone
        if ChildProcesses.stopSignal != nil { while true { sleep(60) } }
        return status
    }

    /// Runs the command line and returns the exit status. Errors print as one line on stderr:
    /// what is wrong and what to type instead. Bad input (found while parsing and validating, or a
    /// malformed line of an input file found while working) exits 64 (EX_USAGE); any other failure
    /// while working exits 1, whatever its type.
    public static func run(_ arguments: [String]) -> Int32 {
        commandLine = arguments
        if let first = arguments.first, !first.hasPrefix("-"), first != "help", !commandNames.contains(first) {
            say("unknown command \(shortQuote(first)); the commands are \(commandNames.joined(separator: ", ")) (see rtlgen --help)")
            return ExitCode.validationFailure.rawValue
        }
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            return parseFailure(error, arguments)
        }
        do {
            try command.run()
            try StandardStreams.finishOutput()
            return 0
        } catch let status as ExitCode {
            // A command that already printed its verdict (a table and closing line) exits quietly.
            return status.rawValue
        } catch let bad as BadInput {
            say(bad.message)
            return ExitCode.validationFailure.rawValue
        } catch {
            // ArgumentParser's own (help asked for, a late parse problem) are not failures while working
            if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { return parseFailure(error, arguments) }
            say(workingMessage(error))
            return ExitCode.failure.rawValue
        }
    }

    /// One line on standard error, each over-long word cut to a short prefix.
    static func say(_ message: String) {
        StandardStreams.writeError("rtlgen: error: \(clamped(message))\n")
    }

    /// The command line being run, so that a message quoting one of its values verbatim (ArgumentParser's
    /// own, or a module's that cannot use `shortQuote`) shows the value's control characters escaped
    /// instead of ending the line at its newline.
    nonisolated(unsafe) static var commandLine: [String] = []

    /// `message` on one line with every word longer than 200 bytes (a pasted file, a huge value)
    /// cut to a quoted prefix and its length. A value of the command line in it has its control
    /// characters escaped first (a newline in an option value does not end the message), and
    /// whatever control characters are left are escaped too: nothing reaches the terminal raw.
    static func clamped(_ message: String) -> String {
        var message = message
        for a in commandLine.sorted(by: { $0.count > $1.count }) where a.unicodeScalars.count > 1 && a.unicodeScalars.contains(where: isTerminalControl) {
            message = message.replacingOccurrences(of: a, with: escapedControls(a))
        }
        let line = escapedControls(message.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).first.map(String.init) ?? "")
        guard line.utf8.count > 400 else { return line }
        return line.split(separator: " ", omittingEmptySubsequences: false)
            .map { $0.utf8.count > 200 ? "\($0.prefix(40))... (\($0.utf8.count) bytes)" : String($0) }.joined(separator: " ")
    }

    /// A failure found while working, in plain words: ours as they are, Foundation's without
    /// their domain and code, a decoding error as what was wrong where.
    static func workingMessage(_ error: Error) -> String {
        if let own = ownError(in: error) { return own.message }
        if let bad = error as? BadInput { return bad.message }
        if let decoding = error as? DecodingError { return "a file rtlgen read is not in the form it expects: \(plainDecodingError(decoding))" }
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
            let path = (ns.userInfo[NSFilePathErrorKey] as? String).map { " (\($0))" } ?? ""
            if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
                return "\(StandardStreams.plainError(Int32(posix.code)))\(path)"
            }
            return "\(ns.localizedDescription)\(path)"
        }
        return String(describing: error)
    }

    static func plainDecodingError(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "" : " at \(path.hasPrefix(".") ? String(path.dropFirst()) : path)"
        }
        switch error {
        case .keyNotFound(let key, let c): return "field '\(key.stringValue)' is missing\(at(c))"
        case .typeMismatch(_, let c): return "a value has the wrong type\(at(c))"
        case .valueNotFound(_, let c): return "a value is missing\(at(c))"
        case .dataCorrupted(let c):
            return c.codingPath.isEmpty ? "it is not valid JSON (or a number in it is too large)" : "a value is not valid\(at(c))"
        @unknown default: return "it could not be read"
        }
    }

    /// A parse or validation failure: help (exit 0), ours (one line, exit 64), or ArgumentParser's
    /// own (one line pointing at the command's own --help; exit 64). An unknown option, whether
    /// ArgumentParser names it or reports something else instead, is said one way:
    /// "unknown option '--x' for rtlgen sim (did you mean '--y'?). Run 'rtlgen sim --help' for the options."
    static func parseFailure(_ error: Error, _ arguments: [String]) -> Int32 {
        let code = exitCode(for: error)
        if code == .success {
            print(fullMessage(for: error))
            return 0
        }
        let text = escapingCommandLine(RTLGen.message(for: error)).trimmingCharacters(in: .whitespacesAndNewlines)
        let first = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).first.map(String.init) ?? "invalid arguments"
        let path = commandPath(arguments)
        let help = "Run 'rtlgen \(helpPath(arguments)) --help' for the options."
        if let unknown = unknownOption(arguments) ?? (first.hasPrefix("Unknown option") ? quoted(in: first) : nil) {
            // ArgumentParser reports some unknown options as something else ("Missing --mantissa",
            // or a validate() error of the options it did read); its own wording names the root's help
            let suggestion = first.range(of: "Did you mean ").flatMap { quoted(in: String(first[$0.upperBound...])) }
                ?? nearest(unknown, among: options(of: resolvedCommand(arguments).0).map(\.name))
            say("unknown option \(shortQuote(unknown)) for rtlgen\(path.isEmpty ? "" : " " + path)\(suggestion.map { " (did you mean \(shortQuote($0))?)" } ?? ""). \(help)")
            return ExitCode.validationFailure.rawValue
        }
        let message: String
        if ownError(in: error) != nil {
            // Ours, from a validate() or an option's transform (which ArgumentParser prefixes
            // with the option and value): it already says what to do.
            message = first
        } else {
            // ArgumentParser's own ("Missing value ..."): point at the command's --help.
            message = first.hasSuffix(".") || first.hasSuffix("?") ? "\(first) \(help)" : "\(first). \(help)"
        }
        say(message)
        return ExitCode.validationFailure.rawValue
    }

    /// `text` with every value of the command line that holds a control character (a newline, an
    /// ESC sequence) escaped where it appears verbatim, so that it neither reaches the terminal
    /// raw nor ends the message early.
    static func escapingCommandLine(_ text: String) -> String {
        var text = text
        for a in commandLine.sorted(by: { $0.count > $1.count }) where a.unicodeScalars.count > 1 && a.unicodeScalars.contains(where: isTerminalControl) {
            text = text.replacingOccurrences(of: a, with: escapedControls(a))
        }
        return text
    }

    /// The declared option nearest `name` (at most two edits away), for "did you mean".
    static func nearest(_ name: String, among known: [String]) -> String? {
        guard name.hasPrefix("--"), name.count < 64 else { return nil }
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var previous = row[0]
                row[0] = i
                for j in stride(from: 1, through: b.count, by: 1) {
                    let old = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = old
                }
            }
            return row[b.count]
        }
        let n = Array(name)
        let scored = known.filter { $0.hasPrefix("--") && $0 != name }.map { ($0, distance(n, Array($0))) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// The text between the first pair of single quotes of `s`.
    static func quoted(in s: String) -> String? {
        guard let open = s.firstIndex(of: "'"), let close = s[s.index(after: open)...].firstIndex(of: "'") else { return nil }
        return String(s[s.index(after: open)..<close])
    }

    /// The subcommand words at the start of `arguments` ("sweep run"), empty for the default.
    static func commandPath(_ arguments: [String]) -> String {
        var words: [String] = []
        var level: [ParsableCommand.Type] = configuration.subcommands
        for a in arguments {
            guard let c = level.first(where: { $0._commandName == a }) else { break }
            words.append(a)
            level = c.configuration.subcommands
        }
        return words.joined(separator: " ")
    }

    /// The words whose --help lists the options `arguments` were given to: the command path, with
    /// the default subcommand spelt out ("generate" for none, "sweep" has none).
    static func helpPath(_ arguments: [String]) -> String {
        let (command, path) = resolvedCommand(arguments)
        if command == Generate.self && path.isEmpty { return "generate" }
        return path
    }

    /// The command `arguments` run and the subcommand words naming it.
    static func resolvedCommand(_ arguments: [String]) -> (ParsableCommand.Type, String) {
        var command: ParsableCommand.Type = Generate.self
        var level: [ParsableCommand.Type] = configuration.subcommands
        var words: [String] = []
        for a in arguments {
            guard let c = level.first(where: { $0._commandName == a }) else { break }
            command = c
            words.append(a)
            level = c.configuration.subcommands
        }
        if !command.configuration.subcommands.isEmpty, let d = command.configuration.defaultSubcommand { command = d }
        return (command, words.joined(separator: " "))
    }

    /// The first option of `arguments` (`--long`, `--long=value` or `-x`) that the command they name
    /// does not declare; a value given to an option that takes one is skipped, whatever it looks
    /// like (`--shard -1/2`). ArgumentParser reports some unknown options as a missing required
    /// option instead, e.g. 'rtlgen --format bf16 --bogus'.
    static func unknownOption(_ arguments: [String]) -> String? {
        let (command, path) = resolvedCommand(arguments)
        let words = path.split(separator: " ").count
        let declared = options(of: command)
        let known = Set(declared.map(\.name) + ["--help", "-h", "--version"])
        let valued = Set(declared.filter(\.takesValue).map(\.name))
        var rest = arguments.dropFirst(words)
        while let a = rest.first {
            rest = rest.dropFirst()
            if a == "--" { break }
            guard a.hasPrefix("-"), a != "-" else { continue }
            // a negative number is a value, never an option of ours
            if a.dropFirst().first.map({ $0.isNumber || $0 == "." }) ?? false { continue }
            let name = String(a.split(separator: "=", maxSplits: 1).first ?? "")
            if !known.contains(name) { return name }
            if valued.contains(name) && !a.contains("=") { rest = rest.dropFirst() }
        }
        return nil
    }

    /// Every `--long` name `command` declares and whether it takes a value (`--out <dir>`), read from
    /// its help, which ArgumentParser builds from the declarations (option groups included).
    static func options(of command: ParsableCommand.Type) -> [(name: String, takesValue: Bool)] {
        let help = command.helpMessage(columns: 10_000)
        var found: [(name: String, takesValue: Bool)] = []
        for line in help.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "[" || $0 == "]" || $0 == "/" })
            for (i, word) in words.enumerated() where word.hasPrefix("--") {
                let takesValue = i + 1 < words.count && words[i + 1].hasPrefix("<")
                found.append((String(word.split(separator: "=").first ?? word), takesValue))
            }
        }
        return found
    }

    /// The subcommands' names.
    static var commandNames: [String] {
        var names: [String] = []
        for c in configuration.subcommands { names.append(c._commandName) }
        return names
    }

    /// The `UsageError` (or the harness's `HarnessError`) inside an error ArgumentParser wrapped (its `CommandError` and
    /// `ParserError` are internal types, so they are searched by reflection), or nil when the error
    /// is ArgumentParser's own.
    static func ownError(in error: Any, depth: Int = 0) -> UsageError? {
        if let own = error as? UsageError { return own }
        if let harness = error as? HarnessError { return UsageError(harness.message) }
        guard depth < 6 else { return nil }
        for child in Mirror(reflecting: error).children {
            if let own = ownError(in: child.value, depth: depth + 1) { return own }
        }
        return nil
    }
}

extension OverflowMode: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// `--format` (or `--mantissa` with `--exponent`), `--overflow`: which format and overflow rule,
/// the same option group in every command that takes a format.
struct FormatOptions: ParsableArguments {
    @Option(name: .customLong("format"), help: ArgumentHelp(
        "The format by name: e4m3, e5m2, bf16, fp16, fp32, any e<E>m<M> (IEEE-style; e4m3 is OCP E4M3FN), or a finite "
        + "MX element format e2m1fn, e2m3fn, e3m2fn (no NaN or infinity), e.g. --format e2m1fn. Instead of --mantissa/--exponent.",
        valueName: "name"))
    var formatName: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Fraction bits M, 1...23. 3 = e4m3, 2 = e5m2, 7 = bf16, 10 = fp16, 23 = fp32; other values need --exponent.",
        valueName: "M"), transform: wholeNumber)
    var mantissa: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Exponent bits E, 2...8 (default: the format SPEC gives for --mantissa).", valueName: "E"),
            transform: wholeNumber)
    var exponent: Int?

    @Option(help: ArgumentHelp("Overflow rule: sat (saturate to max finite, SPEC default) or inf (infinity; canonical NaN for e4m3; refused for the finite formats).",
                               valueName: "sat|inf"))
    var overflow: OverflowMode = .saturate

    func format() throws -> FloatFormat {
        let f: FloatFormat
        if let name = formatName {
            if mantissa != nil || exponent != nil {
                throw UsageError("--format \(name) names the format; give --format or --mantissa/--exponent, not both")
            }
            do { f = try FloatFormat.named(name) } catch { throw UsageError("--format: \(error.description)") }
        } else {
            guard let mantissa else {
                throw UsageError("no format given; give --format NAME (e.g. --format e4m3) or --mantissa M (with --exponent E)")
            }
            do {
                f = try FloatFormat.resolve(exponent: exponent, mantissa: mantissa)
            } catch .mantissaOutOfRange(let m) {
                throw UsageError("--mantissa \(m) is out of range; give \(FloatFormat.mantissaRange.lowerBound)...\(FloatFormat.mantissaRange.upperBound) (SPEC's fraction bits)")
            } catch .exponentOutOfRange(let e) {
                throw UsageError("--exponent \(e) is out of range; give \(FloatFormat.exponentRange.lowerBound)...\(FloatFormat.exponentRange.upperBound) (SPEC's exponent bits)")
            } catch {
                throw UsageError(error.description)
            }
        }
        if let refusal = f.overflowRefusal(overflow) { throw UsageError(refusal) }
        return f
    }

    /// Whether any format option was given (`rtlgen --modules` takes none).
    var isGiven: Bool { formatName != nil || mantissa != nil || exponent != nil || overflow != .saturate }

    /// Checks what was given; a command that needs a format calls `format()` in its own `validate`,
    /// which refuses a missing one.
    mutating func validate() throws { if isGiven { _ = try format() } }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write Verilog units for one format, and manifest.json, into a directory.",
        discussion: """
        Each unit is one combinational module in its own file, <unit>_e<E>m<M>.v, with ports a, b, y. Files are written to a staging directory inside --out and renamed into place, manifest.json last, so a failure writes nothing. manifest.json in --out is updated under a lock (concurrent runs into one directory keep every entry): entries for the modules written are replaced, others kept, and each entry carries its file's SHA-256. A staging directory left by a killed run is finished or removed by the next run into the directory.

        Examples:
          rtlgen --mantissa 3 --out rtl/                       e4m3: every unit
          rtlgen --mantissa 2 --units lmul,fpmul --out rtl/    e5m2: two units
          rtlgen --exponent 6 --mantissa 5 --overflow inf --out build/e6m5
          rtlgen --format e2m1fn --out build/e2m1fn              the MXFP4 element format (no NaN, no inf)
          rtlgen --modules lmul_e2m1fn,fpmul_e4m3_ovf_inf --out build/rtl   named modules (what make reads)
        """
    )

    @OptionGroup var format: FormatOptions

    @Option(help: ArgumentHelp("Units to write, comma-separated: \(unitNames) (default: the multipliers; 'rtlgen units --all' lists them).", valueName: "list"),
            transform: UnitList.parse)
    var units: UnitList?

    @Option(help: ArgumentHelp("Instead of a format and --units: unit module names to write, e.g. lmul_e4m3,fpmul_e2m1fn,lmul_e5m2_ovf_inf (the Makefile's rule).", valueName: "list"),
            transform: ModuleList.parse)
    var modules: ModuleList?

    @Option(help: ArgumentHelp("Output directory (created if missing).", valueName: "dir"))
    var out: String = "rtl"

    @OptionGroup var pipeline: StagesOption

    @OptionGroup var clock: ClockOption

    mutating func validate() throws {
        if pipeline.stages != nil, clock.clockNs != nil {
            throw UsageError("--clock-ns picks the stages; give --stages or --clock-ns, not both")
        }
        if modules != nil {
            if format.isGiven || units != nil {
                throw UsageError("--modules names each unit's format and overflow rule; drop --format, --mantissa, --exponent, --overflow and --units")
            }
            if pipeline.stages != nil || clock.clockNs != nil {
                throw UsageError("--modules names each unit's stages (<module>_p<S>); drop --stages and --clock-ns, or use --format and --units")
            }
        } else {
            try checkSupported((units ?? .all).kinds, try format.format(), format.overflow)
        }
        if clock.clockNs != nil { try ClockSearch.checkTools() }
        try OutputWriter.checkDirectory(out)
        _ = try Manifest.load(from: out)   // a manifest there must be readable; read again under the lock
    }

    /// The units to write: the named modules, or --units in the format (with --stages).
    func selected() throws -> [ArithmeticUnit] {
        if let modules { return modules.units }
        let f = try format.format()
        return (units ?? .all).kinds.map { ArithmeticUnit($0, f, overflow: format.overflow, stages: pipeline.stages ?? 0) }
    }

    func run() throws {
        var selected = try selected()
        if let period = clock.clockNs { selected = try ClockSearch().choose(selected, period: period) }
        var files: [(name: String, contents: Data)] = []
        var entries: [Manifest.Entry] = []
        for unit in selected {
            files.append((unit.fileName, Data(try unit.verilog().utf8)))
            entries.append(Manifest.entry(for: unit))
        }
        try OutputWriter.write(files, into: out, manifest: entries)
        let formats = Set(selected.map(\.format))
        let what = formats.count == 1 ? " for \(selected[0].format)" : ""
        print("wrote \(selected.count) unit\(selected.count == 1 ? "" : "s")\(what) and manifest.json to \(out): "
              + entries.map(\.file).joined(separator: ", "))
    }
}

struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Write golden vectors for one unit as $readmemh hex (a b y per line).",
        discussion: """
        Formats of at most 8 bits get all 2^(2N) pairs (65,536 for 8-bit formats). Wider formats get TestFloat-style corner pairs (exponent extremes x fraction patterns, every special value) followed by --count seeded random pairs, a share steered to the underflow and overflow boundaries. The file is written to a temporary name beside its target and renamed into place; only regular files are written (an existing device, FIFO or socket is refused; a symlink is followed). --out - writes the vectors to standard output.

        Examples:
          rtlgen vectors --unit lmul --mantissa 3 --out lmul_e4m3.hex
          rtlgen vectors --unit fpmul --mantissa 7 --seed 7 --out fpmul_e8m7.hex
        """
    )

    @Option(help: ArgumentHelp("The unit: \(UnitKind.nameList(all: true)).", valueName: "unit"), transform: UnitName.parse)
    var unit: UnitName

    @OptionGroup var format: FormatOptions

    @OptionGroup var sampling: SamplingOptions
    var count: Int { sampling.count }
    var seed: UInt64 { sampling.seed }

    @Option(help: ArgumentHelp("Output file (a symlink is followed and its target replaced), or - for standard output.", valueName: "file"))
    var out: String

    mutating func validate() throws {
        try checkSupported([unit.kind], try format.format(), format.overflow)
        try OutputWriter.checkFile(out)
        if OutputWriter.namesStandardOutput(out) { out = "-" }   // the vectors to the stream, the note to stderr
    }

    func run() throws {
        let f = try format.format()
        let u = ArithmeticUnit(unit.kind, f, overflow: format.overflow)
        let plan = VectorPlan.standard(for: f, random: count, seed: seed)
        let (text, n) = VectorFile.text(for: u, plan: plan)
        try OutputWriter.writeFile(Data(text.utf8), to: out)
        // With --out -, stdout is the vectors; the note goes to stderr.
        let note = "wrote \(counted(n, "vector")) for \(u.moduleName) to \(out == "-" ? "standard output" : out)\n"
        if out == "-" { StandardStreams.writeError(Data(note.utf8)) } else { print(note, terminator: "") }
    }
}

struct UnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units",
        abstract: "List the registered multipliers (--all: every unit), one name per line (the Makefile reads this list).",
        discussion: """
        Examples:
          rtlgen units              lmul, lmul_formula, ... one per line
          rtlgen units --long       name, role, combinational, SPEC.md section and summary
          rtlgen units --all        the accumulation adders (fpadd) too
        """
    )

    @Flag(help: "Also print each unit's role, that it is combinational (--stages S writes a pipelined variant), its SPEC.md section and summary.")
    var long = false

    @Flag(help: "Every registered unit, the accumulation adders too (default: the multipliers, the Makefile's set).")
    var all = false

    /// A role as words ("exact baseline"), not its Swift case name.
    static func roleWords(_ role: UnitRole) -> String {
        role.rawValue.reduce(into: "") { out, c in out += c.isUppercase ? " " + c.lowercased() : String(c) }
    }

    /// The SPEC.md heading a rule is under: the rule without a parenthesised qualifier
    /// ("Exact baseline multiplier (fpmul_ftz)" is a paragraph of "Exact baseline multiplier").
    static func specSection(_ rule: String) -> String {
        guard rule.hasSuffix(")"), let open = rule.range(of: " (", options: .backwards) else { return rule }
        return String(rule[..<open.lowerBound])
    }

    func run() throws {
        for k in all ? UnitKind.registry : UnitKind.allCases {
            if long {
                // every registered unit is combinational; `--stages S` writes its pipelined `_p<S>` variant
                print([k.rawValue, Self.roleWords(k.role), "combinational", "SPEC \"\(Self.specSection(k.specRule))\"", k.summary].joined(separator: "\t"))
            } else {
                print(k.rawValue)
            }
        }
    }
}

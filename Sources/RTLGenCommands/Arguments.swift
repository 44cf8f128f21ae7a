import ArgumentParser
import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Units

// Typed command-line values. Every list option is parsed once, by the `transform` of its
// `@Option`, into one of these; the same option name means the same thing in every command:
//   --unit        one unit kind                 --units   unit kinds
//   --modules     unit module names (lmul_e4m3) --files   Verilog files
//   --sizes       array sizes RxC               --sim     simulators
// Errors are `UsageError`s (the harness's are `HarnessError`s): one line naming the value and what
// to give instead.

/// A command-line mistake, found by the CLI: one line saying what is wrong and what to type. The
/// harness reports its own problems as `HarnessError`; both print as one line.
struct UsageError: Error, CustomStringConvertible, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Limits shared by every command, so the same option has the same range everywhere. Each is what
/// this machine does in memory and a sane time (the help text of every option says its range).
enum Limits {
    /// Worker threads / parallel builds or simulations.
    static let jobs = 1...64
    /// Random vector pairs (held in memory with their golden results: about 40 bytes each).
    static let count = 0...10_000_000
    /// Streaming passes over all pairs of an 8-bit format (65,536 pairs each).
    static let passes = 1...100_000
    /// Streaming values of `a` for 16-bit formats (each against all 65,536 values of `b`).
    static let valuesOfA = 1...65_536
    /// Beats of one array job: SPEC's accumulator is sized for 2^16 terms.
    static let beats = 1...65_536
    /// Jobs of a benchmark run.
    static let matrices = 1...100_000
    /// Operand values of a whole bench-array stimulus (jobs x K x (R + C)), which is held in memory.
    static let stimulusValues = 1 << 24
    /// Seconds one simulation run may take.
    static let timeLimit = 1...86_400
    /// Operand pairs of one timed gate-level run (`glitch`).
    static let timedPairs = 10...100_000
    /// Seeds of yosys' mutation sampling (a C int).
    static let yosysSeed = 0...Int(Int32.max)
}

/// A whole number as written by a person: optional '-', then digits. "+4", "4.0", "0x10", " 4"
/// and numbers beyond 64 bits are refused (Int("+4") would take the first).
func wholeNumber(_ s: String) throws -> Int {
    let digits = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
        throw UsageError("not a whole number; give digits, e.g. 4")
    }
    guard let v = Int(s) else { throw UsageError("too large; see --help for the range") }
    return v
}

/// A seed: 0 ... 2^64 - 1, digits only.
func seedNumber(_ s: String) throws -> UInt64 {
    guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw UsageError("not a seed; give digits, 0 to 18446744073709551615") }
    guard let v = UInt64(s) else { throw UsageError("too large; seeds are 0 to 18446744073709551615") }
    return v
}

/// Throws unless `value` is in `range`: "--count 99999999999999 is out of range; give 0...10000000".
func check(_ flag: String, _ value: Int, in range: ClosedRange<Int>, _ why: String = "") throws {
    guard range.contains(value) else {
        throw UsageError("\(flag) \(value) is out of range; give \(range.lowerBound)...\(range.upperBound)\(why.isEmpty ? "" : " (\(why))")")
    }
}

/// "a,b c": the items of a list option, which must not be empty or repeat an item.
func listItems(_ s: String, what: String, example: String) throws -> [String] {
    let items = s.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
    guard !items.isEmpty else { throw UsageError("empty list; give \(what), e.g. \(example)") }
    var seen = Set<String>()
    for i in items where !seen.insert(i).inserted { throw UsageError("\(shortQuote(i, limit: 200)) is listed twice; give each \(what.hasSuffix("s") ? String(what.dropLast()) : what) once") }
    return items
}

/// A list option of format names: the one list helper's items (`listItems`), each read by the one
/// format-name parser (`FloatFormat.named`: canonical lowercase names only), and a format named
/// twice under two spellings (bf16,e8m7) refused like a repeated item.
func formatList(_ s: String, flag: String, example: String) throws -> [FloatFormat] {
    let items = try listItems(s, what: flag, example: example)
    var seen: [FloatFormat: String] = [:]
    return try items.map { name in
        let f: FloatFormat
        do { f = try FloatFormat.named(name) } catch { throw UsageError("\(flag): \(error)") }
        if let first = seen[f] { throw UsageError("\(flag): '\(name)' and '\(first)' are the same format; give each format once") }
        seen[f] = name
        return f
    }
}

/// Every registered unit (multipliers and accumulation adders), for messages.
var unitNames: String { UnitKind.registry.map(\.rawValue).joined(separator: ", ") }
/// The multipliers (what a PE or array can be built with), for messages.
var multiplierNames: String { UnitKind.allCases.map(\.rawValue).joined(separator: ", ") }

/// A registered unit by name; `multipliers`: only a multiplier will do (a PE's unit).
func unitKind(_ name: String, multipliers: Bool = false) throws -> UnitKind {
    let valid = multipliers ? UnitKind.allCases : UnitKind.registry
    guard let k = UnitKind(rawValue: name), valid.contains(k) else {
        throw UsageError(multipliers ? "unknown multiplier \(shortQuote(name, limit: 200)); valid multipliers are \(multiplierNames)"
                                     : "unknown unit \(shortQuote(name, limit: 200)); valid units are \(unitNames)")
    }
    return k
}

/// Throws unless every unit exists for the format and overflow rule (e.g. fpadd needs an
/// IEEE-style format).
func checkSupported(_ kinds: [UnitKind], _ f: FloatFormat, _ overflow: OverflowMode) throws {
    for k in kinds { if let reason = k.type.unsupported(f, overflow) { throw UsageError(reason) } }
}

/// `--unit`: exactly one unit kind (`multiplier`: for the PE-building commands).
struct UnitName: CustomStringConvertible, Sendable {
    let kind: UnitKind
    static func parse(_ s: String) throws -> UnitName { try parse(s, multipliers: false) }
    static func multiplier(_ s: String) throws -> UnitName { try parse(s, multipliers: true) }
    static func parse(_ s: String, multipliers: Bool) throws -> UnitName {
        if s.contains(",") || s.contains(" ") { throw UsageError("takes one unit, not a list; run the command once per unit") }
        return UnitName(kind: try unitKind(s, multipliers: multipliers))
    }
    var description: String { kind.rawValue }
}

/// `--units`: unit kinds, in the order given (`multipliers`: for the PE-building commands).
struct UnitList: CustomStringConvertible, Sendable {
    let kinds: [UnitKind]
    /// The multipliers: the default set of generation, simulation, PEs and reports.
    static var all: UnitList { UnitList(kinds: UnitKind.allCases) }
    static func parse(_ s: String) throws -> UnitList { try parse(s, multipliers: false) }
    static func multipliers(_ s: String) throws -> UnitList { try parse(s, multipliers: true) }
    static func parse(_ s: String, multipliers: Bool) throws -> UnitList {
        UnitList(kinds: try listItems(s, what: "units", example: "lmul,fpmul").map { try unitKind($0, multipliers: multipliers) })
    }
    var description: String { kinds.map(\.rawValue).joined(separator: ",") }
}

/// `--sim`: simulators.
struct SimulatorList: CustomStringConvertible, Sendable {
    let simulators: [SimulatorKind]
    static var both: SimulatorList { SimulatorList(simulators: [.verilator, .icarus]) }
    static func parse(_ s: String) throws -> SimulatorList {
        SimulatorList(simulators: try listItems(s, what: "simulators", example: "verilator,icarus").map(simulator))
    }
    static func simulator(_ n: String) throws -> SimulatorKind {
        guard let k = SimulatorKind(rawValue: n) else {
            throw UsageError("unknown simulator \(shortQuote(n, limit: 200)); valid simulators are \(SimulatorKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return k
    }
    var description: String { simulators.map(\.rawValue).joined(separator: ",") }
}

/// `--sizes`: array sizes RxC.
struct SizeList: CustomStringConvertible, Sendable {
    let sizes: [(rows: Int, cols: Int)]
    static func parse(_ s: String) throws -> SizeList {
        let range = 1...ArrayDesign.maxDimension
        return SizeList(sizes: try listItems(s, what: "sizes", example: "1x1,4x4").map { item in
            let p = item.split(separator: "x", omittingEmptySubsequences: false)
            guard p.count == 2, let r = try? wholeNumber(String(p[0])), let c = try? wholeNumber(String(p[1])), range.contains(r), range.contains(c) else {
                throw UsageError("\(shortQuote(item, limit: 200)) is not an array size; give RxC with R and C in 1...\(ArrayDesign.maxDimension), e.g. 4x4")
            }
            return (r, c)
        })
    }
    var description: String { sizes.map { "\($0.rows)x\($0.cols)" }.joined(separator: ",") }
}

/// `--modules`: unit module names such as lmul_e4m3 (the file is <module>.v in --dir).
struct ModuleList: CustomStringConvertible, Sendable {
    let units: [ArithmeticUnit]
    var names: [String] { units.map(\.moduleName) }
    static func parse(_ s: String) throws -> ModuleList {
        ModuleList(units: try listItems(s, what: "module names", example: "lmul_e4m3").map(unit))
    }
    /// The unit a module name names, or an error that says which part is wrong.
    static func unit(_ name: String) throws -> ArithmeticUnit {
        if let u = ArithmeticUnit(moduleName: name) { return u }
        let form = "<unit>_e<E>m<M>[_ovf_inf][_p<S>] or <unit>_e2m1fn, e.g. lmul_e4m3 or lmul_e4m3_p2"
        var base = name
        if let p = base.range(of: "_p", options: .backwards), !base[p.upperBound...].isEmpty,
           base[p.upperBound...].allSatisfy({ $0.isASCII && $0.isNumber }) {
            let digits = base[p.upperBound...]
            guard let s = Int(digits), s >= 1, "\(s)" == digits else {
                if digits.first != "0" { throw UsageError(RegisterStages.outOfRange(spelled: "\(shortQuote(name, limit: 200)): _p\(digits)")) }
                throw UsageError("\(shortQuote(name, limit: 200)): a pipelined variant has 1 or more stages, _p<S> with S = 1...\(ArithmeticUnit.maxStages) without leading zeros (SPEC \"Ports\"); the combinational module has no _p")
            }
            if let why = RegisterStages.refusal(s, spelled: "'\(name)': _p\(s)") { throw UsageError(why) }
            base = String(base[..<p.lowerBound])
        }
        if base.hasSuffix("_ovf_inf") { base.removeLast("_ovf_inf".count) }
        // (_E too: a format written in capitals is named back in its canonical spelling below)
        guard let sep = base.range(of: "_e", options: [.backwards, .caseInsensitive]) else { throw UsageError("\(shortQuote(name, limit: 200)) is not a unit module name (\(form))") }
        let kind = String(base[..<sep.lowerBound]), tag = String(base[base.index(after: sep.lowerBound)...])
        guard UnitKind(rawValue: kind) != nil else { throw UsageError("\(shortQuote(name, limit: 200)): unknown unit \(shortQuote(kind, limit: 200)); valid units are \(unitNames)") }
        let f: FloatFormat
        do {
            f = try FloatFormat.named(tag)          // the one format-name parser, as every option
        } catch {
            if case .notCanonical(_, let canonical) = error as FloatFormat.FormatError? {
                let written = name.replacingOccurrences(of: "_" + tag, with: "_" + canonical)
                throw UsageError("\(shortQuote(name, limit: 200)): '\(tag)' is not a format name as written; write \(written) (format names are lowercase, without leading zeros)")
            }
            guard FloatFormat.fields(ofName: tag) != nil else { throw UsageError("\(shortQuote(name, limit: 200)): \(shortQuote(tag, limit: 200)) is not a format (e<E>m<M>, e.g. e4m3, or e2m1fn, e2m3fn, e3m2fn)") }
            throw UsageError("\(shortQuote(name, limit: 200)): \(tag) is not a format: \(error)")
        }
        if let k = UnitKind(rawValue: kind),
           let reason = ArithmeticUnit(k, f, overflow: name.hasSuffix("_ovf_inf") ? .infinity : .saturate).unsupportedReason {
            throw UsageError("\(shortQuote(name, limit: 200)): \(reason)")
        }
        throw UsageError("\(shortQuote(name, limit: 200)) is not a unit module name (\(form)); module names spell E and M without leading zeros")
    }
    var description: String { names.joined(separator: ",") }
}

/// "generate it with: rtlgen ...": the command that writes a missing unit file into `dir`.
func generateHint(_ u: ArithmeticUnit, _ dir: String) -> String {
    let format = u.format.isFinite ? "--format \(u.format.tag)" : "--exponent \(u.format.exponentBits) --mantissa \(u.format.mantissaBits)"
    return "generate it with: rtlgen \(format) --units \(u.kind.rawValue)\(u.stages > 0 ? " --stages \(u.stages)" : "") --out \(dir)"
}

/// `--files`: existing regular files (Verilog units).
struct FileList: CustomStringConvertible, Sendable {
    let paths: [String]
    static func parse(_ s: String) throws -> FileList {
        FileList(paths: try listItems(s, what: "files", example: "rtl/lmul_e4m3.v"))
    }
    var description: String { paths.joined(separator: ",") }

    /// Checks every file exists, is a regular file, and is named after a unit module: the unit each holds.
    func checkUnits(flag: String = "--files") throws -> [(unit: ArithmeticUnit, file: String)] {
        try paths.map { f in
            let module = ((f as NSString).lastPathComponent as NSString).deletingPathExtension
            guard f.hasSuffix(".v") else { throw UsageError("\(flag): \(f) is not a Verilog unit file (<unit>_e<E>m<M>.v)") }
            let unit = try ModuleList.unit(module)
            try checkInputFile(f, flag: flag, hint: "generate it first (make rtl, or rtlgen --mantissa M --out DIR)")
            return (unit, f)
        }
    }
}

/// An input file must exist and be a readable regular file.
func checkInputFile(_ path: String, flag: String, hint: String) throws {
    var isDir: ObjCBool = false
    guard !path.isEmpty else { throw UsageError("\(flag) is an empty path; \(hint)") }
    let shown = path.count > 200 ? shortQuote(path, limit: 200) : path
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw UsageError("\(flag): \(shown) does not exist; \(hint)") }
    guard !isDir.boolValue else { throw UsageError("\(flag): \(shown) is a directory, not a file; \(hint)") }
    // a regular file through symlinks: a FIFO, socket or device is read more than once by the tools, or never ends
    var s = stat()
    guard stat(path, &s) == 0, s.st_mode & S_IFMT == S_IFREG else { throw UsageError("\(flag): \(shown) is not a regular file (a FIFO, socket or device); \(hint)") }
    guard FileManager.default.isReadableFile(atPath: path) else { throw UsageError("\(flag): \(shown) is not readable; \(hint)") }
}

/// A liberty file must be one yosys and OpenSTA can read: a readable regular file, not empty, not
/// compressed, starting (after comments) with a `library (` group whose braces balance. A cheap
/// structural check before any work, so that an empty, junk, gzipped or truncated file, /dev/null
/// or a directory is one line and exit 64, not a tool's error after minutes of synthesis.
func checkLiberty(_ path: String, flag: String = "--liberty") throws {
    let hint = "give an uncompressed liberty file, e.g. \(flag) \(LibertyLibrary.defaultPath) (bash scripts/install-tools.sh installs it)"
    try checkInputFile(path, flag: flag, hint: hint)
    let shown = path.count > 200 ? shortQuote(path, limit: 200) : path
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
        throw UsageError("\(flag): \(shown) is not readable; \(hint)")
    }
    if let problem = libertyProblem(data) { throw UsageError("\(flag): \(shown) \(problem); \(hint)") }
}

/// What is wrong with `data` as a liberty file (nil: it looks like one).
func libertyProblem(_ data: Data) -> String? {
    if data.isEmpty { return "is empty" }
    let magic: [(bytes: [UInt8], name: String)] = [([0x1F, 0x8B], "gzip"), ([0x42, 0x5A, 0x68], "bzip2"), ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz"),
                                                   ([0x28, 0xB5, 0x2F, 0xFD], "zstd"), ([0x50, 0x4B, 0x03, 0x04], "zip")]
    if let m = magic.first(where: { data.starts(with: $0.bytes) }) {
        return "is \(m.name)-compressed (unpack it first, e.g. \(m.name == "gzip" ? "gunzip -k" : m.name == "zip" ? "unzip" : m.name == "bzip2" ? "bunzip2 -k" : m.name == "xz" ? "unxz -k" : "unzstd") FILE)"
    }
    return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> String? in
        let b = raw.bindMemory(to: UInt8.self)
        let n = b.count
        var i = 0
        var depth = 0, parens = 0
        var sawGroup = false
        var first = true
        while i < n {
            let c = b[i]
            if c == 0x2F, i + 1 < n, b[i + 1] == 0x2A {            // /* comment */
                var j = i + 2
                while j + 1 < n && !(b[j] == 0x2A && b[j + 1] == 0x2F) { j += 1 }
                guard j + 1 < n else { return "is truncated: a comment is never closed" }
                i = j + 2
                continue
            }
            if c == 0x2F, i + 1 < n, b[i + 1] == 0x2F {            // // comment
                while i < n && b[i] != 0x0A { i += 1 }
                continue
            }
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x5C { i += 1; continue }   // blanks, line continuations
            if first {
                // the first token must be `library` followed by `(`
                let word = Array("library".utf8)
                var j = i
                guard n - i >= word.count, Array(b[i..<(i + word.count)]) == word else {
                    return c == 0 || c >= 0x80 ? "is not a liberty file (it is binary, not text)" : "does not start like a liberty file (a 'library (' group)"
                }
                j += word.count
                while j < n && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                guard j < n, b[j] == 0x28 else { return "does not start like a liberty file (a 'library (' group)" }
                first = false
                i = j   // the '(' is counted below
                continue
            }
            if c == 0x22 {                                          // "string"
                var j = i + 1
                while j < n && b[j] != 0x22 { j += b[j] == 0x5C ? 2 : 1 }
                guard j < n else { return "is truncated: a quoted string is never closed" }
                i = j + 1
                continue
            }
            if c == 0x7B { depth += 1; sawGroup = true }
            if c == 0x7D {
                depth -= 1
                if depth < 0 { return "is malformed: a '}' closes no group" }
            }
            if c == 0x28 { parens += 1 }
            if c == 0x29 {
                parens -= 1
                if parens < 0 { return "is malformed: a ')' closes nothing" }
            }
            if c == 0 { return "is not a liberty file (it holds NUL bytes, not text)" }
            i += 1
        }
        if first { return "holds only comments and blanks, no 'library (' group" }
        if !sawGroup { return "is truncated: its library group has no body" }
        if depth > 0 { return "is truncated: \(depth) group\(depth == 1 ? " is" : "s are") never closed" }
        if parens > 0 { return "is malformed: \(parens) '(' \(parens == 1 ? "is" : "are") never closed" }
        return nil
    }
}

/// A yosys flow script must have the labels rtlgen runs it by (`script FILE gold:coarse`,
/// `coarse:map`, `map:`), else yosys runs nothing, exits 0 and writes no figures.
func checkFlowScript(_ path: String) throws {
    try checkInputFile(path, flag: "--flow", hint: "pass --flow FILE (the repository's synth/flow.ys)")
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw UsageError("--flow: \(path.count > 200 ? shortQuote(path, limit: 200) : path) is not UTF-8 text; pass --flow FILE (the repository's synth/flow.ys)")
    }
    let labels = Set(text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasSuffix(":") && !$0.contains(" ") })
    if let missing = ["gold:", "coarse:", "map:"].first(where: { !labels.contains($0) }) {
        throw UsageError("--flow: \(path.count > 200 ? shortQuote(path, limit: 200) : path) has no '\(missing)' label; a flow script needs the labels gold:, coarse: and map: of synth/flow.ys")
    }
}

/// The testbench files a command needs, checked before any work.
func checkTestbench(_ dir: String, _ files: [String]) throws {
    guard !dir.isEmpty else { throw UsageError("--testbench is an empty path; give the testbench directory, e.g. --testbench testbench") }
    for f in files {
        try checkInputFile((dir as NSString).appendingPathComponent(f), flag: "--testbench",
                           hint: "pass --testbench DIR holding \(files.joined(separator: ", "))")
    }
}

/// Tools a command runs, checked before any work.
func checkTools(_ tools: [String]) throws { for t in tools { _ = try Tools.find(t) } }

func simulatorTools(_ sims: [SimulatorKind]) -> [String] {
    sims.flatMap { $0 == .verilator ? ["verilator", "make", "g++"] : ["iverilog", "vvp"] }
}

/// An input directory (--dir) must exist.
func checkInputDirectory(_ path: String, flag: String) throws {
    var isDir: ObjCBool = false
    guard !path.isEmpty else { throw UsageError("\(flag) is an empty path; give a directory, e.g. \(flag) rtl") }
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
        throw UsageError("\(flag) \(path) is not a directory; give the directory holding the unit files")
    }
}

/// `--sim`, `--testbench`, `--jobs`, `--time-limit`: how the simulation commands run their models.
struct SimulationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Simulators: verilator, icarus, or both.", valueName: "list"), transform: SimulatorList.parse)
    var sim: SimulatorList = .both

    @Option(help: ArgumentHelp("Directory of the cycle testbench (tb_cycle.cpp, tb_cycle.v); default: testbench/ here, else the one beside the rtlgen executable's checkout.", valueName: "dir"))
    var testbench: String = Resources.testbench

    @Option(parsing: .unconditional, help: ArgumentHelp("Models built at once, \(Limits.jobs.lowerBound)...\(Limits.jobs.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var jobs: Int = 2

    @Option(name: .customLong("time-limit"), parsing: .unconditional,
            help: ArgumentHelp("Seconds one simulation run may take, \(Limits.timeLimit.lowerBound)...\(Limits.timeLimit.upperBound); a run past it is stopped and fails. Default: a limit that follows the run's work, \(Int(ToolBudget.simulationFloor)) s plus \(Int(ToolBudget.simulationPerCycleBit * 1e9)) ns per cycle per bit of the design's logic (times \(ToolBudget.scaleVariable), default 1).",
                               valueName: "s"), transform: wholeNumber)
    var timeLimit: Int?

    var simulators: [SimulatorKind] { sim.simulators }

    mutating func validate() throws {
        try check("--jobs", jobs, in: Limits.jobs)
        if let timeLimit { try check("--time-limit", timeLimit, in: Limits.timeLimit) }
        try checkTestbench(testbench, CycleTestbench.files(for: sim.simulators))
        try checkTools(simulatorTools(sim.simulators))
    }
}

/// `--acc`: the PE's accumulator (array, sim-array, bench-array, mutate-array, matmul).
struct AccumulationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Accumulator: fixed (exact fixed point, SPEC's default) or fp32, bf16, fp16 (SPEC \"Floating-point accumulation\": the PE adds with fpadd in that format).",
                               valueName: "kind"))
    var acc: Accumulation = .fixed
}

/// `--count`, `--seed`: the seeded random pairs after the corner cases (vectors, sim), for formats
/// wider than 8 bits (narrower ones get every pair).
struct SamplingOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Random pairs after the corner cases, for formats wider than 8 bits, \(Limits.count.lowerBound)...\(Limits.count.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var count: Int = 100_000

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the random pairs, 0...2^64-1.", valueName: "n"), transform: seedNumber)
    var seed: UInt64 = 1

    mutating func validate() throws { try check("--count", count, in: Limits.count) }
}

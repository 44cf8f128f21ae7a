import ArgumentParser
import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Units

/// `rtlgen eval` and `rtlgen matmul`: the golden models for other people's testbenches. Input is
/// hex text: values separated by spaces, commas or tabs, an optional `0x`, `#` starts a comment,
/// blank lines are skipped. Bad input is one line naming the file and line.

/// What to multiply-accumulate with: the exact fixed-point accumulator, or a float format.
enum Accumulation: String, CaseIterable, ExpressibleByArgument {
    case fixed, fp32, bf16, fp16

    var format: FloatFormat? {
        switch self {
        case .fixed: return nil
        case .fp32: return .fp32
        case .bf16: return .bf16
        case .fp16: return .fp16
        }
    }

    static var allValueStrings: [String] { allCases.map(\.rawValue) }

    /// SPEC refuses an element / accumulation pair in which some finite product is not exactly
    /// representable; the message says which accumulators do fit.
    func check(element f: FloatFormat) throws {
        guard let acc = format, !FPAdd.widens(f, into: acc) else { return }
        let fits = Accumulation.allCases.filter { $0.format.map { FPAdd.widens(f, into: $0) } ?? true }.map(\.rawValue)
        throw UsageError("\(f.tag) products are not all exact in \(rawValue) (SPEC \"Floating-point accumulation\"); use --acc \(fits.joined(separator: " or "))")
    }
}

func hexText(_ x: UInt64, bits: Int) -> String {
    let s = String(x, radix: 16)
    return String(repeating: "0", count: max(0, (bits + 3) / 4 - s.count)) + s
}

/// Writes `text` to `path` (atomically, regular files only), or to standard output for `-`.
func emit(_ text: String, to path: String) throws {
    try OutputWriter.writeFile(Data(text.utf8), to: path)
}

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Print the golden result of a unit (or an accumulation adder) for operand pairs read as hex.",
        discussion: """
        Each input line holds two operand encodings in hex (`a b`; `0x` optional, `#` starts a comment). Each output line is `a b y`, the same layout as 'rtlgen vectors' ($readmemh-ready). --unit fpadd evaluates SPEC's accumulation adder in the format given (IEEE-style: fp32, bf16, fp16, ...).

        Examples:
          printf '38 38\\n3e 42\\n' | rtlgen eval --unit lmul --mantissa 3
          rtlgen eval --unit fpmul --mantissa 7 --in pairs.hex --out expected.hex
          rtlgen eval --unit fpadd --mantissa 23 --in sums.hex
        """
    )

    @Option(help: ArgumentHelp("The unit: \(UnitKind.nameList(all: true)) (fpadd: the accumulation adder).", valueName: "unit"), transform: UnitName.parse)
    var unit: UnitName

    @OptionGroup var format: FormatOptions

    @Option(name: .customLong("in"), help: ArgumentHelp("Input file of hex pairs, or - for standard input.", valueName: "file"))
    var input: String = "-"

    @Option(help: ArgumentHelp("Output file, or - for standard output (default).", valueName: "file"))
    var out: String = "-"

    mutating func validate() throws {
        try checkSupported([unit.kind], try format.format(), format.overflow)
        if input.isEmpty { throw UsageError("--in is an empty path; give a file or - for standard input") }
        if input != "-" { try checkReadable(input, flag: "--in") }
        try OutputWriter.checkFile(out)
        try checkOutputIsNotInput([("--in", input)], out: out)
    }

    func run() throws {
        let f = try format.format()
        try EvalStream.run(GoldenModel(unit.kind, f, overflow: format.overflow), format: f, input: input, out: out)
    }
}

/// `eval`'s work: operand pairs streamed from the input to the output in bounded memory (64 KiB
/// of output at a time). Into a file, a bad line writes nothing (the temporary file goes); to
/// standard output, the lines before it have been printed.
enum EvalStream {
    static func run(_ model: GoldenModel, format f: FloatFormat, input: String, out: String) throws {
        var reader = try LineReader(path: input, label: "--in")
        defer { reader.close() }
        let sink = try StreamedFile(out)
        var text = ""
        text.reserveCapacity(1 << 16)
        while let line = try reader.next() {
            let values = try HexLine.values(line, width: f.width, tag: f.tag, name: reader.name, number: reader.lineNumber)
            if values.isEmpty { continue }
            guard values.count == 2 else {
                throw BadInput("\(reader.name) line \(reader.lineNumber): \(values.count) value\(values.count == 1 ? "" : "s"); each line holds two operands, a b")
            }
            let (a, b) = (values[0], values[1])
            text += "\(hexText(UInt64(a), bits: f.width)) \(hexText(UInt64(b), bits: f.width)) \(hexText(UInt64(model(a, b)), bits: f.width))\n"
            if text.utf8.count >= 1 << 16 {
                try sink.write(Data(text.utf8))
                text.removeAll(keepingCapacity: true)
            }
        }
        try sink.write(Data(text.utf8))
        try sink.commit()
    }
}

struct MatmulCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matmul",
        abstract: "Print the golden PE-array result C = A x B (SPEC \"Processing elements and arrays\") for matrices read as hex.",
        discussion: """
        A (R x K) and B (K x C) are hex encodings of the element format, one matrix row per line, values separated by spaces, commas or tabs (`0x` optional, `#` starts a comment). Output: a comment line, then one line per result, `i j sum invalid`, row-major: sum is the accumulator in hex (--acc fixed: two's complement of the accumulator width, LSB 2^(1-bias-M); --acc fp32/bf16/fp16: the accumulation format's encoding, products added in order k = 0 ... K-1; with --acc-stages L >= 2, product k into partial sum k mod L, each from +0, combined ((s0 + s1) + s2) + ... as SPEC "Pipelined PEs" says, which changes rounded results), invalid is SPEC's sticky flag (0 or 1). --stages S (the multiplier's pipeline, as in 'rtlgen array') changes no value: a pipelined array gives the same results S cycles later.

        Examples:
          rtlgen matmul --unit lmul --mantissa 3 --a A.hex --b B.hex
          rtlgen matmul --unit fpmul --mantissa 3 --acc fp32 --a A.hex --b B.hex --out C.txt
          rtlgen matmul --unit lmul --mantissa 3 --acc fp32 --stages 2 --acc-stages 2 --a A.hex --b B.hex
        """
    )

    @Option(help: ArgumentHelp("The multiplier: \(UnitKind.nameList()).", valueName: "unit"), transform: UnitName.multiplier)
    var unit: UnitName

    @OptionGroup var format: FormatOptions

    @OptionGroup var accumulation: AccumulationOptions
    var acc: Accumulation { accumulation.acc }
    @OptionGroup var pipeline: ArrayStagesOption
    @OptionGroup var accPipeline: AccStagesOption

    @OptionGroup var width: AccumulatorWidthOption
    var accWidth: Int? { width.accWidth }

    @Option(help: ArgumentHelp("File of A (R lines of K values), or - for standard input.", valueName: "file"))
    var a: String

    @Option(help: ArgumentHelp("File of B (K lines of C values), or - for standard input.", valueName: "file"))
    var b: String

    @Option(help: ArgumentHelp("Output file, or - for standard output (default).", valueName: "file"))
    var out: String = "-"

    mutating func validate() throws {
        let f = try format.format()
        try checkSupported([unit.kind], f, format.overflow)
        try acc.check(element: f)
        try accPipeline.refuseFixed(acc)
        try width.check(f, acc: acc)
        if a.isEmpty || b.isEmpty { throw UsageError("--\(a.isEmpty ? "a" : "b") is an empty path; give a file or - for standard input") }
        for (flag, path) in [("--a", a), ("--b", b)] where path != "-" { try checkReadable(path, flag: flag) }
        if a == "-" && b == "-" { throw UsageError("--a and --b cannot both be standard input; give one of them as a file") }
        try OutputWriter.checkFile(out)
        try checkOutputIsNotInput([("--a", a), ("--b", b)], out: out)
    }

    func run() throws {
        let f = try format.format()
        let model = GoldenModel(unit.kind, f, overflow: format.overflow)
        let ma = try HexInput(path: a, label: "--a", format: f), mb = try HexInput(path: b, label: "--b", format: f)
        guard let k = ma.rows.first?.values.count else { throw BadInput("\(ma.name) has no rows; A needs at least one row of K values") }
        for r in ma.rows where r.values.count != k {
            throw BadInput("\(ma.name) line \(r.line): \(counted(r.values.count, "value")) where the first row has \(k); every row of A has K values")
        }
        guard mb.rows.count == k else { throw BadInput("\(mb.name) has \(counted(mb.rows.count, "row")); B needs K = \(counted(k, "row")) (the columns of A)") }
        if acc == .fixed && accWidth == nil && k > Limits.beats.upperBound {
            // SPEC's default width holds 2^16 max-magnitude products; more could wrap it silently
            let extra = Int((Double(k) / Double(Limits.beats.upperBound)).log2Ceiling)
            let need = AccumulatorFormat.defaultWidth(f) + extra
            let widen = AccumulatorWidthOption.widths(f).contains(need) ? "give --acc-width \(need) (an array built with it sums them exactly), or " : ""
            throw BadInput("K = \(k) is more than the \(Limits.beats.upperBound) products SPEC's default accumulator holds without wrapping; \(widen)split K into jobs of at most \(Limits.beats.upperBound)")
        }
        let c = mb.rows[0].values.count
        for r in mb.rows where r.values.count != c {
            throw BadInput("\(mb.name) line \(r.line): \(counted(r.values.count, "value")) where the first row has \(c); every row of B has C values")
        }
        let A = ma.rows.map(\.values), B = mb.rows.map(\.values)
        let result: [[Matmul.Element]]
        let description: String
        if let accFormat = acc.format {
            let l = accPipeline.accStages
            result = Matmul.multiply(A, B, element: f, accumulation: accFormat, partialSums: l, multiplierStages: pipeline.stages) { model($0, $1) }
            description = l == 1 ? "\(acc.rawValue) encoding, products added in order k = 0...\(k - 1)"
                : "\(acc.rawValue) encoding, \(l) partial sums (product k into sum k mod \(l), in order), combined ((s0 + s1) + s2) + ..."
        } else {
            let spec = AccumulatorFormat(f, width: accWidth)
            result = Matmul.multiply(A, B, accumulator: spec, multiplierStages: pipeline.stages) { model($0, $1) }
            description = "\(spec.width)-bit two's complement, LSB 2^\(spec.lsbExponent)"
        }
        var text = "# i j sum invalid; \(model.kind.rawValue) \(f.tag), \(A.count)x\(k) times \(k)x\(c); sum: \(description)\n"
        for (i, row) in result.enumerated() {
            for (j, e) in row.enumerated() { text += "\(i) \(j) \(e.sum.hexDigits) \(e.invalid ? 1 : 0)\n" }
        }
        try emit(text, to: out)
    }
}

/// Refuses an output file that is one of the inputs (the same file by device and inode, so also
/// through a symlink, a hard link or standard input redirected from it): the result, renamed over
/// it, would replace the input. Standard output and a file that does not exist yet are fine.
func checkOutputIsNotInput(_ inputs: [(flag: String, path: String)], out: String) throws {
    guard out != "-" else { return }
    var o = stat()
    guard stat(out, &o) == 0, o.st_mode & S_IFMT == S_IFREG else { return }
    for (flag, path) in inputs {
        var i = stat()
        let found = path == "-" ? fstat(0, &i) == 0 : stat(path, &i) == 0
        if found && i.st_dev == o.st_dev && i.st_ino == o.st_ino {
            let what = path == "-" ? "\(flag) - (standard input is read from it)" : "\(flag) \(shortQuote(path, limit: 200))"
            throw UsageError("--out \(shortQuote(out, limit: 200)) is the same file as \(what); writing it would replace the input: give another --out path")
        }
    }
}

/// An input that must be readable before any work: a file, a FIFO or a `<(cmd)` pipe (read as a
/// stream), not a directory or a missing path.
func checkReadable(_ path: String, flag: String) throws {
    var s = stat()
    let shown = shortQuote(path, limit: 200)
    guard stat(path, &s) == 0 else { throw UsageError("\(flag) \(shown) is not a readable file (\(StandardStreams.plainError(errno))); give a file of hex values or - for standard input") }
    if s.st_mode & S_IFMT == S_IFDIR { throw UsageError("\(flag) \(shown) is a directory, not a readable file; give a file of hex values or - for standard input") }
    if access(path, R_OK) != 0 { throw UsageError("\(flag) \(shown) is not a readable file (\(StandardStreams.plainError(errno))); give a file of hex values or - for standard input") }
}

extension Double {
    /// ceil(log2(self)) for self >= 1.
    var log2Ceiling: Double { Foundation.ceil(Foundation.log2(self)) }
}

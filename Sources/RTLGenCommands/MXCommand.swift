import ArgumentParser
import FloatArith
import Foundation
import Generation
import Toolchain
import Units
import Verification

/// `rtlgen mxdot`, `rtlgen mxeval`, `rtlgen sim-mx`: SPEC "MX block formats and the MX dot product".

/// `--block`, `--stages`: the shape of an MX dot design, the same options in mxdot, mxeval,
/// sim-mx and mutate-mx.
struct MXShapeOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Elements per block K, a power of two 1...64 (OCP: 32).", valueName: "K"), transform: wholeNumber)
    var block: Int = 32

    @Option(parsing: .unconditional, help: ArgumentHelp("Register stages, \(MXDotDesign.stageRange.lowerBound)...\(MXDotDesign.stageRange.upperBound) (0: combinational; _p<S> modules).", valueName: "S"),
            transform: wholeNumber)
    var stages: Int = 0
}

/// `--count`: the random block pairs of sim-mx and mutate-mx.
struct MXRandomOptions: ParsableArguments {
    static let range = 0...100_000

    @Option(parsing: .unconditional, help: ArgumentHelp("Random block pairs after the element pairs and corners, \(range.lowerBound)...\(range.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var count: Int = 2000

    func validate() throws { try check("--count", count, in: Self.range) }
}

/// `--unit`, `--format`, `--block`, `--stages`: one MX dot design.
struct MXDesignOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The multiplier of the products: \(UnitKind.nameList()).", valueName: "unit"), transform: UnitName.multiplier)
    var unit: UnitName

    @Option(name: .customLong("format"), help: ArgumentHelp("The element format: \(BlockFormat.elementFormats.map(\.tag).joined(separator: ", ")).", valueName: "name"))
    var formatName: String

    @OptionGroup var shape: MXShapeOptions
    var block: Int { shape.block }
    var stages: Int { shape.stages }

    func design() throws -> MXDotDesign {
        let f: FloatFormat
        do { f = try FloatFormat.named(formatName) } catch { throw UsageError("--format: \(error.description)") }
        let b = try MXDesignOptions.blockFormat(f, block, flag: "--format")
        do { return try MXDotDesign(unit.kind, b, stages: stages) } catch { throw UsageError(error.description) }
    }

    mutating func validate() throws { _ = try design() }

    /// The block format, or one line naming the option that is wrong.
    static func blockFormat(_ f: FloatFormat, _ k: Int, flag: String) throws -> BlockFormat {
        do {
            return try BlockFormat(element: f, blockSize: k)
        } catch .element {
            throw UsageError("\(flag): \(f.tag) is not an MX element format; give one of \(BlockFormat.elementFormats.map(\.tag).joined(separator: ", "))")
        } catch {
            throw UsageError("--block \(k): \(error.description)")
        }
    }
}

struct MXDotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mxdot",
        abstract: "Write an MX block dot-product module (SPEC \"MX block formats and the MX dot product\").",
        discussion: """
        Writes mxdot_<unit>_<elem>_k<K>.v (with --stages S, mxdot_<unit>_<elem>_k<K>_p<S>.v) and its manifest.json entry (unit mxdot; multiplier, block, scale, stages) into --out: inputs a and b (K elements each, element i at bits [i*N +: N]), the e8m0 scales xa and xb, output y in fp32. The header says the structure (exact fixed-point product terms, an adder tree, one rounding to fp32) and where the registers sit. The file is staged and renamed into place; a refused option writes nothing.

        Examples:
          rtlgen mxdot --unit lmul --format e4m3 --block 32 --out build/mx
          rtlgen mxdot --unit fpmul --format e2m1fn --block 32 --stages 2 --out build/mx
        """
    )

    @OptionGroup var options: MXDesignOptions

    @Option(help: ArgumentHelp("Output directory (created if missing).", valueName: "dir"))
    var out: String

    mutating func validate() throws {
        try OutputWriter.checkDirectory(out)
    }

    func run() throws {
        let d = try options.design()
        _ = try Manifest.load(from: out)   // a manifest there must be readable; read again under the lock
        try OutputWriter.write([(d.fileName, Data(try d.verilog().utf8))], into: out, manifest: [Manifest.entry(for: d)])
        print("wrote \(d.fileName) and manifest.json to \(out)")
    }
}

struct MXEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mxeval",
        abstract: "Print the golden MX block dot product (fp32) for block pairs read as hex.",
        discussion: """
        Each input line is one block pair in hex: `xa xb a0 ... a(K-1) b0 ... b(K-1)` (2 + 2K values; `0x` optional, separated by spaces, commas or tabs; `#` starts a comment). Each output line is the input values followed by y, the fp32 encoding (8 hex digits) SPEC's block dot gives.

        Examples:
          printf '7f 7f 3e 42\\n' | rtlgen mxeval --unit lmul --format e4m3 --block 1      7f 7f 3e 42 40900000
          rtlgen mxeval --unit fpmul --format e2m1fn --block 32 --in blocks.hex --out expected.hex
        """
    )

    @OptionGroup var options: MXDesignOptions

    @Option(name: .customLong("in"), help: ArgumentHelp("Input file of block pairs, or - for standard input.", valueName: "file"))
    var input: String = "-"

    @Option(help: ArgumentHelp("Output file, or - for standard output (default).", valueName: "file"))
    var out: String = "-"

    mutating func validate() throws {
        if input.isEmpty { throw UsageError("--in is an empty path; give a file or - for standard input") }
        if input != "-" { try checkReadable(input, flag: "--in") }
        if options.stages != 0 { throw UsageError("--stages does not change the golden result; drop it") }
        try OutputWriter.checkFile(out)
        try checkOutputIsNotInput([("--in", input)], out: out)
    }

    func run() throws {
        let d = try options.design()
        let f = d.element, k = d.blockSize
        // streamed like `eval`: a line at a time, 64 KiB of output at a time, so memory stays
        // bounded whatever the input's size; LF, CR LF and CR line ends
        var reader = try LineReader(path: input, label: "--in")
        defer { reader.close() }
        let sink = try StreamedFile(out)
        let digitsOf = (f.width + 3) / 4
        var text = ""
        text.reserveCapacity(1 << 16)
        while let line = try reader.next() {
            // every field is at most 8 bits (e8m0 scales; the element formats are 4 to 8 bits)
            let values = try HexLine.values(line, width: 8, tag: "an e8m0 scale or \(f.tag) element", name: reader.name, number: reader.lineNumber)
            if values.isEmpty { continue }
            guard values.count == 2 + 2 * k else {
                throw BadInput("\(reader.name) line \(reader.lineNumber): \(counted(values.count, "value")); a block pair of K = \(k) is xa xb and \(k) + \(k) elements (\(2 + 2 * k) values)")
            }
            if let j = values.indices.dropFirst(2).first(where: { values[$0] >= UInt32(1) << UInt32(f.width) }) {
                throw BadInput("\(reader.name) line \(reader.lineNumber): \(String(values[j], radix: 16)) does not fit \(f.tag) (\(f.width) bits); give elements below 0x\(String(1 << f.width, radix: 16))")
            }
            let pair = MXDotDesign.BlockPair(a: Array(values[2..<(2 + k)]), b: Array(values[(2 + k)...]), xa: UInt8(values[0]), xb: UInt8(values[1]))
            text += ([hexText(UInt64(values[0]), bits: 8), hexText(UInt64(values[1]), bits: 8)]
                     + values.dropFirst(2).map { hexText(UInt64($0), bits: digitsOf * 4) } + [hexText(UInt64(d.golden(pair)), bits: 32)]).joined(separator: " ") + "\n"
            if text.utf8.count >= 1 << 16 {
                try sink.write(Data(text.utf8))
                text.removeAll(keepingCapacity: true)
            }
        }
        try sink.write(Data(text.utf8))
        try sink.commit()
    }
}

struct SimMXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim-mx",
        abstract: "Check MX block dot designs against the golden model on Verilator and Icarus.",
        discussion: """
        For every --units x --formats design with --block K (and --stages S), writes the module into --build/rtl and drives it through the cycle testbench with every element pair (each alone in a lane, zeros elsewhere, exhaustive over the element format), the corner blocks, the rounding-decision blocks and --count seeded random blocks. The rounding-decision blocks are solved for the decisions of the one rounding to fp32: the exact sum in every binade (subnormal and below included), every guard/round/sticky combination in the normal and the subnormal range, ties of both parities, rounding carries, and the overflow boundary from both sides (fp32's largest finite value exactly, just above it, the rounding threshold, just above that), and the sum's leading one at every place of the adder word. One table; then, per design, the decisions the run exercised (counted from the golden model's exact sums) and any class the design can reach that it missed; one closing line. Exit 1 on any mismatch or a missed decision class.

        Examples:
          rtlgen sim-mx --units lmul,fpmul --formats e4m3,e2m1fn --block 32
          rtlgen sim-mx --units lmul --formats e5m2 --block 8 --stages 2 --sim icarus
        """
    )

    @Option(help: ArgumentHelp("Multipliers, comma-separated: \(UnitKind.nameList()) (default: all).", valueName: "list"), transform: UnitList.multipliers)
    var units: UnitList = .all

    @Option(help: ArgumentHelp("Element formats, comma-separated: \(BlockFormat.elementFormats.map(\.tag).joined(separator: ", ")) (default: all).", valueName: "list"))
    var formats: String = BlockFormat.elementFormats.map(\.tag).joined(separator: ",")

    @OptionGroup var shape: MXShapeOptions
    var block: Int { shape.block }
    var stages: Int { shape.stages }

    @OptionGroup var random: MXRandomOptions
    var count: Int { random.count }

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the random blocks, 0...2^64-1.", valueName: "n"), transform: seedNumber)
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Build directory.", valueName: "dir"))
    var build: String = "build/sim-mx"

    @OptionGroup var simulation: SimulationOptions

    func designs() throws -> [MXDotDesign] {
        return try formatList(formats, flag: "--formats", example: "e4m3,e2m1fn").flatMap { f -> [MXDotDesign] in
            let b = try MXDesignOptions.blockFormat(f, block, flag: "--formats")
            return try units.kinds.map { k in
                do { return try MXDotDesign(k, b, stages: stages) } catch { throw UsageError("\(error)") }
            }
        }
    }

    mutating func validate() throws {
        _ = try designs()
        if build.isEmpty { throw UsageError("--build is an empty path; give a directory, e.g. --build build/sim-mx") }
        // a file, device, FIFO or unwritable place is bad input before any work (it was exit 1 when the build began)
        try OutputWriter.checkDirectory(build, flag: "--build")
    }

    func run() throws {
        var s = MXSimulation(designs: try designs())
        s.random = count
        s.seed = seed
        s.simulators = simulation.simulators
        s.buildDirectory = build
        s.testbenchDirectory = simulation.testbench
        s.timeLimit = simulation.timeLimit.map(Double.init)
        let rows = try s.run(log: { StandardStreams.writeError(Data(($0 + "\n").utf8)) })
        print(MXSimulation.render(rows), terminator: "")
        if rows.contains(where: { !$0.passed }) { throw ExitCode.failure }
    }
}

struct MutateMXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mutate-mx",
        abstract: "Mutation testing of the MX dot check: one-operator and one-constant source mutants, each simulated on Icarus.",
        discussion: """
        Every operator and sized constant on the right-hand side of the design's assignments is changed one at a time (the unit mutants' rules); each mutant is driven with the corner blocks, the rounding-decision blocks (every fp32 binade, G/R/S combination, tie parity and the overflow boundary, solved for), --count random blocks and, for element formats of up to 6 bits, every element pair. A survivor is then proven equivalent to the design or not by yosys (a miter, sat -prove; --proof-timeout seconds each). Prints the count killed, the survivors proven equivalent and every other survivor (with yosys' counterexample when there is one); exit 1 if any survivor is not proven equivalent.

        Examples:
          rtlgen mutate-mx --unit lmul --format e4m3 --block 2
          rtlgen mutate-mx --unit fpmul --format e5m2 --block 2 --every 4
        """
    )

    @OptionGroup var options: MXDesignOptions

    @OptionGroup var random: MXRandomOptions
    var count: Int { random.count }

    @Option(parsing: .unconditional, help: ArgumentHelp("Run every n-th mutant only, 1...1000 (1: all).", valueName: "n"), transform: wholeNumber)
    var every: Int = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Mutants simulated at once, \(Limits.jobs.lowerBound)...\(Limits.jobs.upperBound).", valueName: "n"), transform: wholeNumber)
    var jobs: Int = 2

    @Option(help: ArgumentHelp("Directory of the cycle testbench (tb_cycle.v).", valueName: "dir"))
    var testbench: String = Resources.testbench

    @Option(help: ArgumentHelp("Build directory.", valueName: "dir"))
    var build: String = "build/mutate-mx"

    @Option(name: .customLong("proof-timeout"), parsing: .unconditional, help: ArgumentHelp("Seconds each survivor's equivalence proof may take, 0...3600 (0: none; every survivor then fails).", valueName: "s"), transform: wholeNumber)
    var proofTimeout: Int = 120

    @Option(name: .customLong("gate-mutants"), parsing: .unconditional, help: ArgumentHelp("Also this many gate-level mutants (yosys mutate on the generic-gate netlist, combinational designs; survivors proven equivalent or not like the source mutants), 0...255 (0: none).", valueName: "n"), transform: wholeNumber)
    var gateMutants: Int = 0

    mutating func validate() throws {
        try check("--every", every, in: 1...1000)
        try check("--jobs", jobs, in: Limits.jobs)
        try check("--gate-mutants", gateMutants, in: 0...255)
        try check("--proof-timeout", proofTimeout, in: 0...3600)
        if gateMutants > 0, try options.design().stages > 0 {
            throw UsageError("--gate-mutants takes a combinational MX dot; drop --stages (register mutants are rtlgen mutate's)")
        }
        try checkTestbench(testbench, [CycleTestbench.icarusFile])
        if build.isEmpty { throw UsageError("--build is an empty path; give a directory, e.g. --build build/mutate-mx") }
        try OutputWriter.checkDirectory(build, flag: "--build")
        try checkTools(simulatorTools([.icarus]))
    }

    func run() throws {
        let d = try options.design()
        var m = MXMutation(design: d)
        m.random = count
        m.every = every
        m.proofTimeLimit = Double(proofTimeout)
        m.jobs = jobs
        m.testbenchDirectory = testbench
        m.buildDirectory = build
        let mutants = try m.run(log: { StandardStreams.writeError(Data(($0 + "\n").utf8)) })
        print(MXMutation.render(d, mutants), terminator: "")
        var gateSurvived = false
        if gateMutants > 0 {
            var g = MXGateMutation(design: d)
            g.count = gateMutants
            g.random = count
            g.jobs = jobs
            g.proofTimeLimit = Double(proofTimeout)
            g.testbenchDirectory = testbench
            g.buildDirectory = build
            let gates = try g.run(log: { StandardStreams.writeError(Data(($0 + "\n").utf8)) })
            print(MXGateMutation.render(d, gates), terminator: "")
            gateSurvived = gates.contains { !$0.killed && $0.equivalence != .proven }
        }
        if !MXMutation.unexplained(mutants).isEmpty || gateSurvived { throw ExitCode.failure }
    }
}

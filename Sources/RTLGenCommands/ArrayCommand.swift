import ArgumentParser
import FloatArith
import Foundation
import Harness
import Units

struct ArrayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "array",
        abstract: "Write an output-stationary systolic array of PEs (unit, PE, cell and array files) and manifest.json.",
        discussion: """
        Writes four files, one module each: the unit (<unit>_e<E>m<M>.v), the processing element (pe_<unit>_e<E>m<M>.v: the unit instance plus the exact fixed-point accumulator of SPEC "Processing elements and arrays"), the array cell (array_cell_<unit>_e<E>m<M>.v: the PE plus systolic registers) and the array (array_<unit>_e<E>m<M>_<R>x<C>.v). The cycle-level protocol is in the array's header and docs/array.md. Files are staged and renamed into place, so a failure writes nothing.

        Examples:
          rtlgen array --rows 4 --cols 4 --unit lmul --mantissa 3 --out rtl/
          rtlgen array --rows 64 --cols 64 --unit fpmul --mantissa 3 --out build/arrays
        """
    )

    @Option(help: ArgumentHelp("PE rows R, 1...\(ArrayDesign.maxDimension).", valueName: "R"))
    var rows: Int

    @Option(help: ArgumentHelp("PE columns C, 1...\(ArrayDesign.maxDimension).", valueName: "C"))
    var cols: Int

    @Option(help: ArgumentHelp("The multiplier: \(UnitKind.nameList()).", valueName: "unit"))
    var unit: String

    @OptionGroup var format: FormatOptions

    @Option(help: ArgumentHelp("Accumulator width in bits (default: SPEC's, enough for 2^16 max-magnitude products; narrower wraps).",
                               valueName: "W"))
    var accWidth: Int?

    @Option(help: ArgumentHelp("Accumulator: fixed (exact fixed point, SPEC's default) or fp32, bf16, fp16 (SPEC \"Floating-point accumulation\": the PE adds with fpadd in that format).", valueName: "kind"))
    var acc: Accumulation = .fixed

    @Option(help: ArgumentHelp("Output directory (created if missing).", valueName: "dir"))
    var out: String = "rtl"

    mutating func validate() throws {
        let range = 1...ArrayDesign.maxDimension
        guard range.contains(rows) else { throw ValidationError("--rows \(rows) is out of range; give 1...\(ArrayDesign.maxDimension)") }
        guard range.contains(cols) else { throw ValidationError("--cols \(cols) is out of range; give 1...\(ArrayDesign.maxDimension)") }
        let kinds = try parseUnits(unit, multipliers: true)
        guard kinds.count == 1 else { throw ValidationError("--unit takes one unit, not a list; run the command once per unit") }
        if let w = accWidth {
            guard acc == .fixed else { throw ValidationError("--acc-width applies to --acc fixed only; drop it or use --acc fixed") }
            guard (2...64).contains(w) else { throw ValidationError("--acc-width \(w) is out of range; give 2...64") }
        }
        try acc.check(element: try format.format())
        do { try OutputWriter.checkDirectory(out) } catch let e as UsageError { throw ValidationError(e.message) }
    }

    func run() throws {
        let f = try format.format()
        let u = ArithmeticUnit(try parseUnits(unit, multipliers: true)[0], f, overflow: format.overflow)
        let design = ArrayDesign(u, rows: rows, cols: cols, accumulatorWidth: accWidth, floatAccumulator: acc.format)
        var files = try design.files().map { (name: $0.name, contents: Data($0.text.utf8)) }
        let manifest = try Manifest.load(from: out).merging(Manifest.entries(for: design))
        files.append(("manifest.json", try manifest.encoded()))
        try OutputWriter.write(files, into: out)
        print("wrote \(design.moduleName) (\(rows * cols) PEs, \(design.accumulatorWidth)-bit accumulators) and manifest.json to \(out): "
              + files.map(\.name).joined(separator: ", "))
    }
}

/// `R x C` sizes as given on the command line: "4x4,8x8".
func parseSizes(_ s: String) throws -> [(Int, Int)] {
    let items = listArgument(s)
    guard !items.isEmpty else { throw ValidationError("--sizes is empty; give RxC sizes such as 1x1,4x4") }
    return try items.map { item in
        let p = item.split(separator: "x")
        guard p.count == 2, let r = Int(p[0]), let c = Int(p[1]), (1...ArrayDesign.maxDimension).contains(r), (1...ArrayDesign.maxDimension).contains(c) else {
            throw ValidationError("'\(item)' is not an array size; give RxC with R and C in 1...\(ArrayDesign.maxDimension), e.g. 4x4")
        }
        return (r, c)
    }
}

struct SimArrayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim-array",
        abstract: "Check systolic arrays against the golden matmul on Verilator and Icarus Verilog.",
        discussion: """
        For every size x unit, the array is generated into --build/rtl (or read from --dir as it is there), then driven with seeded random matrices of normal values quantised to the format (K = 1, 2, 17, 256), corner matrices (all max finite, cancelling signs, zeros, subnormals, NaN and inf entries), back-to-back jobs and an abandoned job cleared by the next. Every accumulator and invalid flag is compared bit for bit with the golden matmul in the cycle docs/array.md gives. Exits non-zero on any mismatch.

        Examples:
          rtlgen sim-array --sizes 1x1,2x3,4x4,8x8 --units lmul,fpmul --mantissa 3
          rtlgen sim-array --sizes 4x4 --units lmul --mantissa 3 --dir rtl --sim icarus
        """
    )

    @Option(help: ArgumentHelp("Array sizes RxC, comma- or space-separated.", valueName: "list"))
    var sizes: String = "1x1,2x3,4x4,8x8"

    @Option(help: ArgumentHelp("Units, comma- or space-separated.", valueName: "list"))
    var units: String = "lmul,fpmul"

    @OptionGroup var format: FormatOptions

    @Option(help: ArgumentHelp("Accumulator: fixed (exact fixed point, SPEC's default) or fp32, bf16, fp16 (SPEC \"Floating-point accumulation\").", valueName: "kind"))
    var acc: Accumulation = .fixed

    @Option(help: ArgumentHelp("Simulate the files in this directory as they are, instead of generating them.", valueName: "dir"))
    var dir: String?

    @Option(help: ArgumentHelp("Simulators: verilator, icarus, or both.", valueName: "list"))
    var sim: String = "verilator,icarus"

    @Option(help: ArgumentHelp("Seed of the random matrices.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Build directory for generated RTL, stimuli and models.", valueName: "dir"))
    var build: String = "build/sim-array"

    @Option(help: ArgumentHelp("Directory of tb_array.cpp and tb_array.v.", valueName: "dir"))
    var testbench: String = "testbench"

    @Option(help: ArgumentHelp("Models built at once.", valueName: "n"))
    var jobs: Int = 2

    mutating func validate() throws {
        try acc.check(element: try format.format())
        _ = try parseSizes(sizes)
        _ = try parseUnits(listArgument(units).joined(separator: ","), multipliers: true)
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        for n in listArgument(sim) where SimulatorKind(rawValue: n) == nil {
            throw ValidationError("unknown simulator '\(n)'; valid simulators are verilator, icarus")
        }
        do { try OutputWriter.checkDirectory(build, flag: "--build") } catch let e as UsageError { throw ValidationError(e.message) }
    }

    func run() throws {
        let f = try format.format()
        let kinds = try parseUnits(listArgument(units).joined(separator: ","), multipliers: true)
        var designs: [ArrayDesign] = []
        for (r, c) in try parseSizes(sizes) {
            for k in kinds { designs.append(ArrayDesign(ArithmeticUnit(k, f, overflow: format.overflow), rows: r, cols: c, floatAccumulator: acc.format)) }
        }
        let rtl = dir ?? "\(build)/rtl"
        if dir == nil {
            var files: [String: Data] = [:]
            for d in designs { for (name, text) in try d.files() { files[name] = Data(text.utf8) } }
            try OutputWriter.write(files.keys.sorted().map { ($0, files[$0]!) }, into: rtl)
        }
        var s = ArraySimulation(rtlDirectory: rtl, designs: designs)
        s.simulators = listArgument(sim).compactMap(SimulatorKind.init(rawValue:))
        s.buildDirectory = build
        s.testbenchDirectory = testbench
        s.seed = seed
        s.jobs = jobs
        let outcomes = try s.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        print(ArraySimulation.render(outcomes), terminator: "")
        if outcomes.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}

struct BenchArrayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-array",
        abstract: "Benchmark: multiply-accumulates per second of a Verilator-simulated array, every result checked.",
        discussion: """
        Generates the array into --build/rtl, builds it with Verilator (not timed), and runs --matrices back-to-back random jobs of K beats. Prints the clocked loop's MAC/s (R*C*K per job over the simulation time) and the end-to-end rate including reading the stimulus.

        Example:
          rtlgen bench-array --rows 16 --cols 16 --unit lmul --mantissa 3
        """
    )

    @Option(help: ArgumentHelp("PE rows.", valueName: "R")) var rows: Int = 16
    @Option(help: ArgumentHelp("PE columns.", valueName: "C")) var cols: Int = 16
    @Option(help: ArgumentHelp("The multiplier: \(UnitKind.nameList()).", valueName: "unit")) var unit: String = "lmul"
    @OptionGroup var format: FormatOptions

    @Option(help: ArgumentHelp("Accumulator: fixed (exact fixed point, SPEC's default) or fp32, bf16, fp16 (SPEC \"Floating-point accumulation\").", valueName: "kind"))
    var acc: Accumulation = .fixed
    @Option(help: ArgumentHelp("Beats per job.", valueName: "K")) var k: Int = 256
    @Option(help: ArgumentHelp("Jobs, back to back.", valueName: "n")) var matrices: Int = 64
    @Option(help: ArgumentHelp("Build directory.", valueName: "dir")) var build: String = "build/bench-array"
    @Option(help: ArgumentHelp("Directory of tb_array.cpp.", valueName: "dir")) var testbench: String = "testbench"

    mutating func validate() throws {
        try acc.check(element: try format.format())
        let range = 1...ArrayDesign.maxDimension
        guard range.contains(rows), range.contains(cols) else { throw ValidationError("--rows and --cols must be in 1...\(ArrayDesign.maxDimension)") }
        guard k >= 1, matrices >= 1 else { throw ValidationError("--k and --matrices must be at least 1") }
        _ = try parseUnits(unit, multipliers: true)
        do { try OutputWriter.checkDirectory(build, flag: "--build") } catch let e as UsageError { throw ValidationError(e.message) }
    }

    func run() throws {
        let f = try format.format()
        let d = ArrayDesign(ArithmeticUnit(try parseUnits(unit, multipliers: true)[0], f, overflow: format.overflow), rows: rows, cols: cols, floatAccumulator: acc.format)
        let rtl = "\(build)/rtl"
        try OutputWriter.write(try d.files().map { ($0.name, Data($0.text.utf8)) }, into: rtl)
        var s = ArraySimulation(rtlDirectory: rtl, designs: [d])
        s.simulators = [.verilator]
        s.buildDirectory = build
        s.testbenchDirectory = testbench
        let (kk, n) = (k, matrices)
        s.jobList = { d in
            var sampler = NormalSampler(seed: 7)
            return (0..<n).map { ArrayTestPlan.randomJob("bench #\($0)", d, k: kk, sigma: 1, sampler: &sampler) }
        }
        let log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let t0 = monotonicSeconds()
        let outcomes = try s.run(log: log)
        log(String(format: "bench-array: stimulus, build and run took %.1f s", monotonicSeconds() - t0))
        print(ArraySimulation.render(outcomes), terminator: "")
        for o in outcomes {
            let sim = o.simSeconds ?? o.seconds
            print(String(format: "%@ on Verilator: %d MACs (%d x %d PEs, %d jobs of K=%d, %d cycles) in %.3f s simulated loop: %@ MAC/s (%@ cycles/s); end to end %.3f s: %@ MAC/s",
                         d.moduleName, o.macs, rows, cols, n, kk, o.cycles, sim, compactCount(Double(o.macs) / sim),
                         compactCount(Double(o.cycles) / sim), o.seconds, compactCount(Double(o.macs) / o.seconds)))
        }
        if outcomes.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}

struct MutateArrayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mutate-array",
        abstract: "Mutation-test the array check: skew, valid, clear, invalid, accumulator and drain bugs must be caught.",
        discussion: """
        Generates one array (at least 3 x 3), then applies each standard mutant (one deliberate bug in the array, cell or PE Verilog: skew lines swapped or short, valid stuck or ignored, clear dropped, invalid not sticky or not cleared, an accumulator carry cut or bit stuck, the result captured early, the drain loading early, holding, skipping a stage or swapping rows) and --gate-mutants yosys 'mutate' gate mutants of the PE, and runs each through the same stimulus and checks as 'rtlgen sim-array'. A gate mutant that survives is proven equivalent (a yosys miter of the original and mutated PE, each with its real multiplier, closed by sat -tempinduct) or reported. Prints one row per mutant; exits non-zero if any mutant survives unproven or does not apply.

        Example:
          rtlgen mutate-array --rows 4 --cols 4 --unit lmul --mantissa 3
        """
    )

    @Option(help: ArgumentHelp("PE rows R, 3...\(ArrayDesign.maxDimension).", valueName: "R")) var rows: Int = 4
    @Option(help: ArgumentHelp("PE columns C, 3...\(ArrayDesign.maxDimension).", valueName: "C")) var cols: Int = 4
    @Option(help: ArgumentHelp("The multiplier: \(UnitKind.nameList()).", valueName: "unit")) var unit: String = "lmul"
    @OptionGroup var format: FormatOptions

    @Option(help: ArgumentHelp("Accumulator: fixed (exact fixed point, SPEC's default) or fp32, bf16, fp16 (SPEC \"Floating-point accumulation\").", valueName: "kind"))
    var acc: Accumulation = .fixed
    @Option(help: ArgumentHelp("yosys gate mutants of the PE (0 for none).", valueName: "n")) var gateMutants: Int = 32
    @Option(help: ArgumentHelp("Simulator: icarus or verilator.", valueName: "name")) var sim: String = "icarus"
    @Option(help: ArgumentHelp("Only these standard mutants, comma-separated (default: all).", valueName: "list")) var only: String?
    @Option(help: ArgumentHelp("Seed of the random matrices and of yosys' mutation sampling.", valueName: "n")) var seed: Int = 1
    @Option(help: ArgumentHelp("Parallel simulations.", valueName: "n")) var jobs: Int = 2
    @Option(help: ArgumentHelp("Build directory.", valueName: "dir")) var build: String = "build/mutate-array"
    @Option(help: ArgumentHelp("Directory of tb_array.cpp and tb_array.v.", valueName: "dir")) var testbench: String = "testbench"

    mutating func validate() throws {
        try acc.check(element: try format.format())
        let range = 3...ArrayDesign.maxDimension
        guard range.contains(rows), range.contains(cols) else {
            throw ValidationError("--rows and --cols must be in 3...\(ArrayDesign.maxDimension): the mutants name row 2 and column 2")
        }
        let kinds = try parseUnits(unit, multipliers: true)
        guard kinds.count == 1 else { throw ValidationError("--unit takes one unit, not a list; run the command once per unit") }
        guard (0...255).contains(gateMutants) else { throw ValidationError("--gate-mutants must be in 0...255") }
        guard SimulatorKind(rawValue: sim) != nil else { throw ValidationError("unknown simulator '\(sim)'; give icarus or verilator") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        do { try OutputWriter.checkDirectory(build, flag: "--build") } catch let e as UsageError { throw ValidationError(e.message) }
    }

    func run() throws {
        let f = try format.format()
        let d = ArrayDesign(ArithmeticUnit(try parseUnits(unit, multipliers: true)[0], f, overflow: format.overflow), rows: rows, cols: cols, floatAccumulator: acc.format)
        var r = ArrayMutationRun(design: d)
        r.buildDirectory = build
        r.testbenchDirectory = testbench
        r.simulator = SimulatorKind(rawValue: sim)!
        r.jobs = jobs
        r.gateMutants = gateMutants
        r.seed = seed
        if let only {
            let names = Set(listArgument(only))
            let known = Set(ArrayMutation.standard(d).map(\.name))
            if let bad = names.subtracting(known).sorted().first {
                throw UsageError("unknown mutant '\(bad)'; the standard mutants are \(known.sorted().joined(separator: ", "))")
            }
            r.only = names
        }
        let start = monotonicSeconds()
        let mutants = try r.run { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        print(ArrayMutationReport.render(d, mutants, simulator: r.simulator), terminator: "")
        FileHandle.standardError.write(Data(String(format: "mutate-array: %.0f s\n", monotonicSeconds() - start).utf8))
        if mutants.contains(where: { m in
            switch m.outcome { case .survived, .stillborn: return true; default: return false }
        }) { throw ExitCode(1) }
    }
}

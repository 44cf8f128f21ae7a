import ArgumentParser
import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Units

struct ArrayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "array",
        abstract: "Write an output-stationary systolic array of PEs (unit, PE, cell and array files) and manifest.json.",
        discussion: """
        Writes four files, one module each: the unit (<unit>_e<E>m<M>.v), the processing element (pe_<unit>_e<E>m<M>.v: the unit instance plus the exact fixed-point accumulator of SPEC "Processing elements and arrays"), the array cell (array_cell_<unit>_e<E>m<M>.v: the PE plus systolic registers) and the array (array_<unit>_e<E>m<M>_<R>x<C>.v). The cycle-level protocol is in the array's header and docs/array.md. Files are staged inside --out and renamed into place, manifest.json last, so a failure writes nothing; concurrent runs into one directory keep every manifest entry.

        Examples:
          rtlgen array --rows 4 --cols 4 --unit lmul --mantissa 3 --out rtl/
          rtlgen array --rows 64 --cols 64 --unit fpmul --mantissa 3 --out build/arrays
          rtlgen array --rows 2 --cols 2 --unit lmul --mantissa 3 --acc fp32 --stages 2 --acc-stages 2 --out build/arrays

        --stages S uses the pipelined multiplier <unit>_p<S>, --acc-stages L >= 2 (float --acc only) an accumulation adder of L stages keeping L partial sums (SPEC "Pipelined PEs"; module names pe_<unit>_p<S>_<acc>_p<L>, array_<unit>_p<S>_<acc>_p<L>_<R>x<C>): the protocol of docs/array.md, every result S (+ L*L with L >= 2) cycles later.
        """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp("PE rows R, 1...\(ArrayDesign.maxDimension).", valueName: "R"), transform: wholeNumber)
    var rows: Int

    @Option(parsing: .unconditional, help: ArgumentHelp("PE columns C, 1...\(ArrayDesign.maxDimension).", valueName: "C"), transform: wholeNumber)
    var cols: Int

    @Option(help: ArgumentHelp("The multiplier: \(UnitKind.nameList()).", valueName: "unit"), transform: UnitName.multiplier)
    var unit: UnitName

    @OptionGroup var format: FormatOptions

    @OptionGroup var width: AccumulatorWidthOption
    var accWidth: Int? { width.accWidth }

    @OptionGroup var accumulation: AccumulationOptions
    var acc: Accumulation { accumulation.acc }
    @OptionGroup var pipeline: ArrayStagesOption
    @OptionGroup var accPipeline: AccStagesOption

    @Option(help: ArgumentHelp("Output directory (created if missing).", valueName: "dir"))
    var out: String = "rtl"

    mutating func validate() throws {
        try check("--rows", rows, in: 1...ArrayDesign.maxDimension)
        try check("--cols", cols, in: 1...ArrayDesign.maxDimension)
        try width.check(try format.format(), acc: acc)
        try acc.check(element: try format.format())
        try accPipeline.refuseFixed(acc)
        try OutputWriter.checkDirectory(out)
        _ = try Manifest.load(from: out)   // a manifest there must be readable; read again under the lock
    }

    func run() throws {
        let f = try format.format()
        let u = ArithmeticUnit(unit.kind, f, overflow: format.overflow, stages: pipeline.stages)
        let design = ArrayDesign(u, rows: rows, cols: cols, accumulatorWidth: accWidth, floatAccumulator: acc.format, accumulatorStages: accPipeline.accStages)
        let files = try design.files().map { (name: $0.name, contents: Data($0.text.utf8)) }
        try OutputWriter.write(files, into: out, manifest: Manifest.entries(for: design))
        print("wrote \(design.moduleName) (\(counted(rows * cols, "PE")), \(design.accumulatorWidth)-bit accumulators) and manifest.json to \(out): "
              + (files.map(\.name) + [Manifest.fileName]).joined(separator: ", "))
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
          rtlgen sim-array --sizes 2x2 --units lmul --mantissa 3 --acc fp32 --stages 2 --acc-stages 2
          rtlgen sim-array --sizes 2x2 --units lmul --mantissa 3 --acc-width 8    (a narrow accumulator: RTL and golden model wrap alike)
        """
    )

    @Option(help: ArgumentHelp("Array sizes RxC, comma- or space-separated, R and C in 1...\(ArrayDesign.maxDimension).", valueName: "list"),
            transform: SizeList.parse)
    var sizes: SizeList = try! SizeList.parse("1x1,2x3,4x4,8x8")

    @Option(help: ArgumentHelp("Units, comma- or space-separated: \(UnitKind.nameList()).", valueName: "list"), transform: UnitList.multipliers)
    var units: UnitList = UnitList(kinds: [.lmul, .fpmul])

    @OptionGroup var format: FormatOptions

    @OptionGroup var accumulation: AccumulationOptions
    var acc: Accumulation { accumulation.acc }
    @OptionGroup var pipeline: ArrayStagesOption
    @OptionGroup var accPipeline: AccStagesOption

    @OptionGroup var width: AccumulatorWidthOption

    @Option(help: ArgumentHelp("Simulate the files in this directory as they are, instead of generating them.", valueName: "dir"))
    var dir: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the random matrices, 0...2^64-1.", valueName: "n"), transform: seedNumber)
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Build directory for generated RTL, stimuli and models.", valueName: "dir"))
    var build: String = "build/sim-array"

    @OptionGroup var simulation: SimulationOptions

    mutating func validate() throws {
        try acc.check(element: try format.format())
        try accPipeline.refuseFixed(acc)
        try width.check(try format.format(), acc: acc)
        if let dir {
            try checkInputDirectory(dir, flag: "--dir")
            // every file of every array must be in --dir, as rtlgen sim checks its units' files
            for d in try designs() {
                for m in try d.modules() {
                    try checkInputFile("\(dir)/\(m.name).v", flag: "--dir", hint: "generate it with: \(d.command) --out \(dir), or leave out --dir")
                }
            }
        }
        try OutputWriter.checkDirectory(build, flag: "--build")
    }

    /// The arrays asked for: every --sizes x --units.
    func designs() throws -> [ArrayDesign] {
        let f = try format.format()
        return sizes.sizes.flatMap { (r, c) in
            units.kinds.map { k in
                ArrayDesign(ArithmeticUnit(k, f, overflow: format.overflow, stages: pipeline.stages), rows: r, cols: c,
                            accumulatorWidth: width.accWidth, floatAccumulator: acc.format, accumulatorStages: accPipeline.accStages)
            }
        }
    }

    func run() throws {
        let designs = try designs()
        let rtl = dir ?? "\(build)/rtl"
        if dir == nil {
            var files: [String: Data] = [:]
            for d in designs { for (name, text) in try d.files() { files[name] = Data(text.utf8) } }
            try OutputWriter.write(files.keys.sorted().map { ($0, files[$0]!) }, into: rtl)
        }
        var s = ArraySimulation(rtlDirectory: rtl, designs: designs)
        s.simulators = simulation.simulators
        s.buildDirectory = build
        s.testbenchDirectory = simulation.testbench
        s.seed = seed
        s.jobs = simulation.jobs
        s.timeLimit = simulation.timeLimit.map(Double.init)
        let outcomes = try s.run { StandardStreams.writeError(Data(($0 + "\n").utf8)) }
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

    @Option(parsing: .unconditional, help: ArgumentHelp("PE rows, 1...\(ArrayDesign.maxDimension).", valueName: "R"), transform: wholeNumber)
    var rows: Int = 16
    @Option(parsing: .unconditional, help: ArgumentHelp("PE columns, 1...\(ArrayDesign.maxDimension).", valueName: "C"), transform: wholeNumber)
    var cols: Int = 16
    @Option(help: ArgumentHelp("The multiplier: \(UnitKind.nameList()).", valueName: "unit"), transform: UnitName.multiplier)
    var unit: UnitName = UnitName(kind: .lmul)
    @OptionGroup var format: FormatOptions
    @OptionGroup var accumulation: AccumulationOptions
    var acc: Accumulation { accumulation.acc }
    @OptionGroup var pipeline: ArrayStagesOption
    @OptionGroup var accPipeline: AccStagesOption
    @Option(parsing: .unconditional, help: ArgumentHelp("Beats per job, \(Limits.beats.lowerBound)...\(Limits.beats.upperBound) (SPEC's accumulator holds 2^16 terms).", valueName: "K"),
            transform: wholeNumber)
    var k: Int = 256
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Jobs, back to back, \(Limits.matrices.lowerBound)...\(Limits.matrices.upperBound); the stimulus (jobs x K x (R + C) values) is held in memory and may have at most \(Limits.stimulusValues).",
        valueName: "n"), transform: wholeNumber)
    var matrices: Int = 64
    @Option(help: ArgumentHelp("Build directory.", valueName: "dir")) var build: String = "build/bench-array"
    @Option(help: ArgumentHelp("Directory of the cycle testbench (tb_cycle.cpp).", valueName: "dir")) var testbench: String = Resources.testbench

    mutating func validate() throws {
        try acc.check(element: try format.format())
        try accPipeline.refuseFixed(acc)
        try check("--rows", rows, in: 1...ArrayDesign.maxDimension)
        try check("--cols", cols, in: 1...ArrayDesign.maxDimension)
        try check("--k", k, in: Limits.beats)
        try check("--matrices", matrices, in: Limits.matrices)
        let values = matrices * k * (rows + cols)   // at most 1e5 * 65536 * 512: no overflow
        guard values <= Limits.stimulusValues else {
            throw UsageError("--matrices \(matrices) x --k \(k) x (--rows + --cols) = \(values) operand values is more than \(Limits.stimulusValues) held in memory; lower --matrices or --k")
        }
        try checkTestbench(testbench, [CycleTestbench.verilatorFile])
        try OutputWriter.checkDirectory(build, flag: "--build")
        try checkTools(simulatorTools([.verilator]))
    }

    func run() throws {
        let f = try format.format()
        let d = ArrayDesign(ArithmeticUnit(unit.kind, f, overflow: format.overflow, stages: pipeline.stages), rows: rows, cols: cols,
                            floatAccumulator: acc.format, accumulatorStages: accPipeline.accStages)
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
        let log: @Sendable (String) -> Void = { StandardStreams.writeError(Data(($0 + "\n").utf8)) }
        let t0 = monotonicSeconds()
        let outcomes = try s.run(log: log)
        log(String(format: "bench-array: stimulus, build and run took %.1f s", monotonicSeconds() - t0))
        print(ArraySimulation.render(outcomes), terminator: "")
        for o in outcomes where o.passed {
            let sim = o.simSeconds ?? o.seconds
            guard sim > 0, o.seconds > 0 else { continue }   // no rate from a run too short to time
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

    @Option(parsing: .unconditional, help: ArgumentHelp("PE rows R, 3...\(ArrayDesign.maxDimension).", valueName: "R"), transform: wholeNumber)
    var rows: Int = 4
    @Option(parsing: .unconditional, help: ArgumentHelp("PE columns C, 3...\(ArrayDesign.maxDimension).", valueName: "C"), transform: wholeNumber)
    var cols: Int = 4
    @Option(help: ArgumentHelp("The multiplier: \(UnitKind.nameList()).", valueName: "unit"), transform: UnitName.multiplier)
    var unit: UnitName = UnitName(kind: .lmul)
    @OptionGroup var format: FormatOptions
    @OptionGroup var accumulation: AccumulationOptions
    var acc: Accumulation { accumulation.acc }
    @OptionGroup var pipeline: ArrayStagesOption
    @OptionGroup var accPipeline: AccStagesOption
    @Option(parsing: .unconditional, help: ArgumentHelp("yosys gate mutants of the PE, 0...255 (0 for none).", valueName: "n"), transform: wholeNumber)
    var gateMutants: Int = 32
    @Option(help: ArgumentHelp("Simulator: icarus or verilator.", valueName: "name"), transform: SimulatorList.simulator)
    var sim: SimulatorKind = .icarus
    @Option(help: ArgumentHelp("Only these standard mutants, comma-separated (default: all).", valueName: "list"),
            transform: { try listItems($0, what: "mutant names", example: "skew-a-short") })
    var only: [String]?
    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the random matrices and of yosys' mutation sampling, \(Limits.yosysSeed.lowerBound)...\(Limits.yosysSeed.upperBound).", valueName: "n"),
            transform: wholeNumber)
    var seed: Int = 1
    @Option(parsing: .unconditional, help: ArgumentHelp("Parallel simulations, \(Limits.jobs.lowerBound)...\(Limits.jobs.upperBound).", valueName: "n"), transform: wholeNumber)
    var jobs: Int = 2
    @Option(help: ArgumentHelp("Build directory.", valueName: "dir")) var build: String = "build/mutate-array"
    @Option(help: ArgumentHelp("Directory of the cycle testbench (tb_cycle.cpp, tb_cycle.v).", valueName: "dir")) var testbench: String = Resources.testbench

    func design() throws -> ArrayDesign {
        ArrayDesign(ArithmeticUnit(unit.kind, try format.format(), overflow: format.overflow, stages: pipeline.stages), rows: rows, cols: cols,
                    floatAccumulator: acc.format, accumulatorStages: accPipeline.accStages)
    }

    mutating func validate() throws {
        try acc.check(element: try format.format())
        try accPipeline.refuseFixed(acc)
        try check("--rows", rows, in: 3...ArrayDesign.maxDimension, "the mutants name row 2 and column 2")
        try check("--cols", cols, in: 3...ArrayDesign.maxDimension, "the mutants name row 2 and column 2")
        try check("--gate-mutants", gateMutants, in: 0...255)
        try check("--seed", seed, in: Limits.yosysSeed)
        try check("--jobs", jobs, in: Limits.jobs)
        if let only {
            let known = Set(ArrayMutation.standard(try design()).map(\.name))
            if let bad = only.first(where: { !known.contains($0) }) {
                throw UsageError("unknown mutant \(shortQuote(bad, limit: 200)); the standard mutants are \(known.sorted().joined(separator: ", "))")
            }
        }
        try checkTestbench(testbench, CycleTestbench.files(for: [sim]))
        try OutputWriter.checkDirectory(build, flag: "--build")
        try checkTools(simulatorTools([sim]) + (gateMutants > 0 ? ["yosys"] : []))
    }

    func run() throws {
        let d = try design()
        var r = ArrayMutationRun(design: d)
        r.buildDirectory = build
        r.testbenchDirectory = testbench
        r.simulator = sim
        r.jobs = jobs
        r.gateMutants = gateMutants
        r.seed = seed
        if let only { r.only = Set(only) }
        let start = monotonicSeconds()
        let mutants = try r.run { StandardStreams.writeError(Data(($0 + "\n").utf8)) }
        print(ArrayMutationReport.render(d, mutants, simulator: r.simulator), terminator: "")
        StandardStreams.writeError(Data(String(format: "mutate-array: %.0f s\n", monotonicSeconds() - start).utf8))
        if mutants.contains(where: { m in
            switch m.outcome { case .survived, .stillborn: return true; default: return false }
        }) { throw ExitCode(1) }
    }
}

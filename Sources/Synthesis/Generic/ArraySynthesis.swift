import FloatArith
import Foundation
import Units
import Toolchain
import Generation

/// PE and array rows of the synthesis report, measured hierarchically: the multiplier, the PE
/// (multiplier + accumulator + registers) and the array cell (PE + systolic registers + drain
/// stage) are each synthesised flat through synth/flow.ys and proven equal to their RTL; an
/// `R x C` array is counted as `R*C` cells plus its own glue (the skew registers and drain
/// control), which is synthesised with the cell as a black box.
public struct ArraySynthesis: Sendable {
    public var flow: SynthesisFlow
    public var sizes: [(rows: Int, cols: Int)] = [(4, 4), (8, 8), (16, 16)]
    /// Array sizes of the float-accumulating PEs (`--acc fp32` etc.).
    public var floatSizes: [(rows: Int, cols: Int)] = [(16, 16)]

    public init(flow: SynthesisFlow) { self.flow = flow }

    /// One PE: its figures and where its transistors are.
    public struct PERow: Codable, Sendable, Equatable {
        public var module: String
        public var unit: UnitKind
        public var format: FloatFormat
        public var accumulatorWidth: Int
        /// The float accumulation format (`fp32`, ...), or nil for SPEC's exact fixed-point accumulator.
        public var accumulation: String? = nil
        /// Transistors of the accumulation adder (`fpadd`) synthesised alone, for float accumulators.
        public var adderTransistors: Int? = nil
        /// Logic gates of the generic mapping (flip-flops not counted).
        public var gates: Int
        public var flipFlops: Int
        public var transistors: Int
        public var depth: Int
        /// Transistors of the multiplier synthesised alone, of the flip-flops, and the rest
        /// (accumulator adder, product alignment, clear and invalid logic).
        public var multiplierTransistors: Int
        public var registerTransistors: Int
        public var accumulatorTransistors: Int
        public var equivalence: SynthesisFlow.Proof
        /// The array cell: the PE plus operand/flag registers, result capture and one drain stage.
        public var cellModule: String
        public var cellGates: Int
        public var cellFlipFlops: Int
        public var cellTransistors: Int
        public var cellDepth: Int
        public var cellEquivalence: SynthesisFlow.Proof
        /// Standard cells (`PowerAnalysis`), when measured: the PE, the multiplier alone on the
        /// PE's operands (the unit's own row), and the array cell.
        public var liberty: LibertyFigures? = nil
        public var multiplierLiberty: LibertyFigures? = nil
        public var cellLiberty: LibertyFigures? = nil

        enum CodingKeys: String, CodingKey {
            case module, unit, format, gates, transistors, depth, equivalence
            case accumulatorWidth = "accumulator_width", flipFlops = "flip_flops"
            case multiplierTransistors = "multiplier_transistors", registerTransistors = "register_transistors"
            case accumulatorTransistors = "accumulator_transistors"
            case cellModule = "cell_module", cellGates = "cell_gates", cellFlipFlops = "cell_flip_flops"
            case cellTransistors = "cell_transistors", cellDepth = "cell_depth", cellEquivalence = "cell_equivalence"
            case liberty, multiplierLiberty = "multiplier_liberty", cellLiberty = "cell_liberty"
            case accumulation, adderTransistors = "adder_transistors"
        }
    }

    /// One array, counted by instance.
    public struct ArrayRow: Codable, Sendable, Equatable {
        public var module: String
        public var unit: UnitKind
        public var format: FloatFormat
        /// The float accumulation format, or nil for the exact fixed-point accumulator.
        public var accumulation: String? = nil
        public var rows: Int
        public var cols: Int
        public var gates: Int
        public var flipFlops: Int
        public var transistors: Int
        /// The deepest register-to-register path: inside a cell (the glue is registers).
        public var depth: Int
        public var glueGates: Int
        public var glueFlipFlops: Int
        public var glueTransistors: Int
        /// Shares of all transistors: the R*C multipliers, and all flip-flops.
        public var multiplierShare: Double
        public var registerShare: Double
        public var liberty: ArrayLibertyFigures? = nil

        enum CodingKeys: String, CodingKey {
            case module, unit, format, rows, cols, gates, transistors, depth
            case flipFlops = "flip_flops", glueGates = "glue_gates", glueFlipFlops = "glue_flip_flops"
            case glueTransistors = "glue_transistors", multiplierShare = "multiplier_share", registerShare = "register_share"
            case liberty, accumulation
        }
    }

    /// Generates the design files for `unit` under the flow's work directory and measures the
    /// multiplier, the PE, the cell and every array size.
    /// The PE row and its arrays, as a cost result file stores them.
    public struct Rows: Codable, Sendable, Equatable {
        public var pe: PERow
        public var arrays: [ArrayRow]
    }

    /// `measure`, or its stored result when the flow has a cache and the job's key (every generated
    /// file, the backends' inputs, the measuring code, the sizes) is unchanged.
    public func run(_ unit: ArithmeticUnit, floatAccumulator: FloatFormat? = nil, progress: (String) -> Void) throws -> (pe: PERow, arrays: [ArrayRow]) {
        let (designs, files) = try generate(unit, floatAccumulator: floatAccumulator)
        guard let cache = flow.cache else { return try measure(unit, floatAccumulator: floatAccumulator, designs: designs, files: files, progress: progress) }
        var job = try flow.job("pe", top: designs[0].pe.moduleName, sources: [])
        for name in files.keys.sorted() { job.addData("rtl.\(name)", files[name]!) }
        job.add("pe.unit", unit.moduleName)
        job.add("pe.accumulator", floatAccumulator.map(ProcessingElement.accumulationName) ?? "fixed")
        job.add("pe.sizes", designs.map { "\($0.rows)x\($0.cols)" }.joined(separator: ","))
        let rows = try cache.result(job) {
            let r = try measure(unit, floatAccumulator: floatAccumulator, designs: designs, files: files, progress: progress)
            return Rows(pe: r.pe, arrays: r.arrays)
        }
        return (rows.pe, rows.arrays)
    }

    /// The designs of `unit`'s PE and arrays and their files (name -> Verilog).
    func generate(_ unit: ArithmeticUnit, floatAccumulator: FloatFormat?) throws -> (designs: [ArrayDesign], files: [String: Data]) {
        let designs = (floatAccumulator == nil ? sizes : floatSizes).map { ArrayDesign(unit, rows: $0.rows, cols: $0.cols, floatAccumulator: floatAccumulator) }
        var files: [String: Data] = [:]
        for d in designs { for (name, text) in try d.files() { files[name] = Data(text.utf8) } }
        return (designs, files)
    }

    func measure(_ unit: ArithmeticUnit, floatAccumulator: FloatFormat?, designs: [ArrayDesign], files: [String: Data],
                 progress: (String) -> Void) throws -> (pe: PERow, arrays: [ArrayRow]) {
        let rtl = (flow.workDirectory as NSString).appendingPathComponent("rtl-\(designs[0].pe.moduleName)")
        try OutputWriter.write(files.keys.sorted().map { ($0, files[$0]!) }, into: rtl)
        let path = { (name: String) in (rtl as NSString).appendingPathComponent(name) }
        let d0 = designs[0]
        let t0 = monotonicSeconds()
        let mul = try flow.synthesize(sources: [path(unit.fileName)], top: unit.moduleName, scratchName: "\(unit.moduleName)-in-pe")
            .requireProof(unit.moduleName)
        // a float-accumulating PE also instantiates the adder; it is measured alone too
        let adderFiles = d0.pe.adder.map { [path($0.fileName)] } ?? []
        let adder = try d0.pe.adder.map { a in
            try flow.synthesize(sources: [path(a.fileName)], top: a.moduleName, scratchName: "\(a.moduleName)-in-\(d0.pe.moduleName)").requireProof(a.moduleName)
        }
        let peSources = [path(unit.fileName)] + adderFiles + [path(d0.pe.fileName)]
        let pe = try flow.synthesize(sources: peSources, top: d0.pe.moduleName).requireProof(d0.pe.moduleName)
        let cellSources = peSources + [path("\(d0.cellModuleName).v")]
        let cell = try flow.synthesize(sources: cellSources, top: d0.cellModuleName).requireProof(d0.cellModuleName)
        progress(String(format: "%-26@ %6d gates %4d FFs %7d transistors depth %3d  proven = RTL (cell %d transistors)  %.1f s",
                        d0.pe.moduleName as NSString, pe.mapped.gates.total - pe.mapped.flipFlops, pe.mapped.flipFlops,
                        pe.mapped.transistors, pe.mapped.depth, cell.mapped.transistors, monotonicSeconds() - t0))
        let registers = pe.mapped.flipFlopTransistors
        let adderTransistors = adder?.mapped.transistors
        var peRow = PERow(module: d0.pe.moduleName, unit: unit.kind, format: unit.format, accumulatorWidth: d0.accumulatorWidth,
                          accumulation: floatAccumulator.map(ProcessingElement.accumulationName), adderTransistors: adderTransistors,
                          gates: pe.mapped.gates.total - pe.mapped.flipFlops, flipFlops: pe.mapped.flipFlops, transistors: pe.mapped.transistors,
                          depth: pe.mapped.depth, multiplierTransistors: mul.mapped.transistors, registerTransistors: registers,
                          accumulatorTransistors: pe.mapped.transistors - mul.mapped.transistors - registers, equivalence: pe.proof,
                          cellModule: d0.cellModuleName, cellGates: cell.mapped.gates.total - cell.mapped.flipFlops,
                          cellFlipFlops: cell.mapped.flipFlops, cellTransistors: cell.mapped.transistors, cellDepth: cell.mapped.depth,
                          cellEquivalence: cell.proof)
        if let power = flow.power {
            let t2 = monotonicSeconds()
            let (ops, seed, limit) = (flow.activityOperations, flow.seed, flow.proofTimeout)
            peRow.multiplierLiberty = try power.unit(unit, sources: [path(unit.fileName)], dir: mul.mapped.directory, operations: ops, seed: seed, proofTimeout: limit)
            peRow.liberty = try power.pe(unit, top: d0.pe.moduleName, sources: peSources, dir: pe.mapped.directory,
                                         operations: ops, seed: seed, proofTimeout: limit)
            peRow.cellLiberty = try power.cell(unit, top: d0.cellModuleName, sources: cellSources,
                                               dir: cell.mapped.directory, operations: ops, seed: seed, proofTimeout: limit)
            if let l = peRow.liberty, let c = peRow.cellLiberty {
                progress(String(format: "%-26@ %6d cells %9.0f um2 %6.3f ns reg-to-reg  %.3f pJ/MAC (cell %.3f pJ)  liberty proven  %.1f s",
                                d0.pe.moduleName as NSString, l.cells, l.area, l.regToReg ?? 0, l.energy, c.energy, monotonicSeconds() - t2))
            }
        }
        var arrays: [ArrayRow] = []
        for d in designs {
            let t1 = monotonicSeconds()
            let glue = try flow.synthesize(sources: [path(d.fileName)], top: d.moduleName, blackBoxes: [path("\(d.cellModuleName).v")])
            let n = d.rows * d.cols
            let transistors = n * cell.mapped.transistors + glue.transistors
            let flipFlops = n * cell.mapped.flipFlops + glue.flipFlops
            var row = ArrayRow(module: d.moduleName, unit: unit.kind, format: unit.format,
                               accumulation: floatAccumulator.map(ProcessingElement.accumulationName), rows: d.rows, cols: d.cols,
                               gates: n * (cell.mapped.gates.total - cell.mapped.flipFlops) + glue.gates.total - glue.flipFlops,
                               flipFlops: flipFlops, transistors: transistors, depth: cell.mapped.depth,
                               glueGates: glue.gates.total - glue.flipFlops, glueFlipFlops: glue.flipFlops, glueTransistors: glue.transistors,
                               multiplierShare: SynthesisReport.r3(Double(n * mul.mapped.transistors) / Double(transistors)),
                               registerShare: SynthesisReport.r3(Double(n * cell.mapped.flipFlopTransistors + glue.flipFlopTransistors) / Double(transistors)))
            if let power = flow.power, let c = peRow.cellLiberty {
                row.liberty = try power.array(top: d.moduleName, sources: [path(d.fileName)], cellFile: path("\(d.cellModuleName).v"),
                                              dir: glue.directory, rows: d.rows, cols: d.cols, cell: c)
            }
            arrays.append(row)
            progress(String(format: "%-26@ %8d transistors %6d FFs (%d cells + glue %d transistors)  %.1f s",
                            d.moduleName as NSString, transistors, flipFlops, n, glue.transistors, monotonicSeconds() - t1))
        }
        return (peRow, arrays)
    }
}

extension SynthesisFlow.Mapped {
    func requireProof(_ module: String) throws -> (mapped: SynthesisFlow.Mapped, proof: SynthesisFlow.Proof) {
        guard let p = proof else { throw SynthesisFlow.Failure(description: "\(module): no equivalence proof") }
        return (self, p)
    }
}

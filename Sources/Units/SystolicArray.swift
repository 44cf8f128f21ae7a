import FloatArith
import HDL

/// An output-stationary systolic array of `rows x cols` processing elements (docs/array.md).
///
/// The driver presents, in each cycle, one column of A (`in_a`, row i in bits `[i*N +: N]`) and
/// the matching row of B (`in_b`, column j in bits `[j*N +: N]`) with three flags that travel with
/// them: `in_valid` (this beat carries a product term), `in_clear` (first beat of a job: the
/// accumulators restart) and `in_last` (last beat of a job: the results are captured and drained).
/// The skew is inside the array: row i of A and the flags are delayed i cycles, column j of B j
/// cycles, so PE(i,j) sees A(i,k) and B(k,j) together in cycle `t_k + i + j`.
///
/// Results drain east, one row port per PE row: for a job whose last beat is in cycle `t`, row i
/// shows `out_valid[i] = 1` in cycles `t + i + C + 2 ... t + i + 2C + 1`, carrying PE(i, C-1) first
/// and PE(i, 0) last (PE(i,j) in cycle `t + i + 2C + 1 - j`), with `out_acc[i*W +: W]` and
/// `out_invalid[i]`. Consecutive `in_last` beats must be at least C cycles apart, so jobs with
/// K >= C run back to back with no idle cycle; shorter jobs need `C - K` idle beats after them.
/// `rst` (synchronous) clears the flags in flight and the drain; accumulators are cleared by a job's
/// first beat (`in_clear`), so jobs need no reset between them.
public struct ArrayDesign: Hashable, Sendable {
    public let pe: ProcessingElement
    public let rows: Int
    public let cols: Int

    public static let maxDimension = 256

    /// `unit` may be pipelined (`_p<S>`) and a float accumulator may have an adder of
    /// `accumulatorStages` L >= 2 stages (SPEC "Pipelined PEs"): the protocol is the same, every
    /// result `pe.addedLatency` cycles later.
    public init(_ unit: ArithmeticUnit, rows: Int, cols: Int, accumulatorWidth: Int? = nil, floatAccumulator: FloatFormat? = nil,
                accumulatorStages: Int = 1) {
        precondition(rows >= 1 && cols >= 1)
        pe = ProcessingElement(unit, accumulatorWidth: accumulatorWidth, floatAccumulator: floatAccumulator, accumulatorStages: accumulatorStages)
        self.rows = rows
        self.cols = cols
    }

    public var unit: ArithmeticUnit { pe.unit }
    public var format: FloatFormat { unit.format }
    /// Bits of each result (`out_acc` per row): the fixed-point width or the accumulation format's.
    public var accumulatorWidth: Int { pe.outputWidth }
    var widthSuffix: String { pe.accumulatorSuffix }
    public var moduleName: String { "array_\(unit.moduleName)\(widthSuffix)_\(rows)x\(cols)" }
    public var cellModuleName: String { "array_cell_\(unit.moduleName)\(widthSuffix)" }
    public var fileName: String { "\(moduleName).v" }

    /// Cycles from a job's last beat to row i's first result (PE(i, C-1)); a pipelined PE adds
    /// its `addedLatency` D (SPEC "Pipelined PEs": the same protocol, D cycles later).
    public func firstResultDelay(row i: Int) -> Int { i + cols + 2 + pe.addedLatency }
    /// The cycle, relative to the job's last beat, in which PE(i,j)'s result is on row i's port.
    public func resultDelay(row i: Int, col j: Int) -> Int { i + 2 * cols + 1 - j + pe.addedLatency }
    /// The protocol at a glance (array headers and docs/array.md): a 2 x 2 array, one job of
    /// K = 3 beats whose last beat is in cycle t = 2. Cij is PE(i,j)'s sum.
    public static let timingDiagram = [
        "Example: 2 x 2 array (C = 2), one job of K = 3 beats, last beat in cycle t = 2",
        "cycle          0    1    2    3    4    5    6    7    8",
        "in_valid       1    1    1    0    0    0    0    0    0",
        "in_clear       1    0    0    0    0    0    0    0    0",
        "in_last        0    0    1    0    0    0    0    0    0",
        "in_a row 0     A00  A01  A02",
        "in_a row 1     A10  A11  A12",
        "in_b col 0     B00  B10  B20",
        "in_b col 1     B01  B11  B21",
        "PE(0,0) beat   k0   k1   k2",
        "PE(0,1) beat        k0   k1   k2",
        "PE(1,0) beat        k0   k1   k2",
        "PE(1,1) beat             k0   k1   k2",
        "out_valid[0]   0    0    0    0    0    0    1    1    0     t+i+C+2 ... t+i+2C+1",
        "out_acc row 0                                C01  C00        PE(i,j) in cycle t+i+2C+1-j",
        "out_valid[1]   0    0    0    0    0    0    0    1    1",
        "out_acc row 1                                     C11  C10",
    ]

    /// Minimum distance between consecutive `in_last` beats.
    public var minLastSpacing: Int { cols }

    static func commandPrefix(_ unit: ArithmeticUnit, accumulatorWidth: Int?, floatAccumulator: FloatFormat? = nil, accumulatorStages: Int = 1) -> String {
        var parts = ["rtlgen", "array"] + unit.format.arguments
        if unit.overflow != .saturate { parts += ["--overflow", unit.overflow.rawValue] }
        parts += ["--unit", unit.kind.rawValue]
        if unit.stages > 0 { parts += ["--stages", "\(unit.stages)"] }
        if let acc = floatAccumulator { parts += ["--acc", ProcessingElement.accumulationName(acc)] }
        if accumulatorStages > 1 { parts += ["--acc-stages", "\(accumulatorStages)"] }
        if let w = accumulatorWidth { parts += ["--acc-width", "\(w)"] }
        return parts.joined(separator: " ")
    }

    /// The command that writes this array (no output path).
    public var command: String {
        prefixCommand + " --rows \(rows) --cols \(cols)"
    }

    /// The command up to the array size (shared header line of the PE and cell files).
    var prefixCommand: String {
        ArrayDesign.commandPrefix(unit, accumulatorWidth: pe.isDefaultWidth ? nil : accumulatorWidth, floatAccumulator: pe.floatAccumulator,
                                  accumulatorStages: pe.accumulatorStages)
    }

    public struct Elaborated {
        public let unit: Module
        /// The accumulation adder of a float-accumulating PE.
        public let adder: Module?
        public let pe: Module
        public let cell: Module
        public let array: Module
        /// Every module of the design, dependencies first: unit, adder, PE, cell, array.
        public var modules: [Module] { [unit] + (adder.map { [$0] } ?? []) + [pe, cell, array] }
    }

    /// The design's modules; `fault` (mutation testing, `ArrayFault`) is planted, as an edit of
    /// the elaborated netlist, in the one module it names (the modules above it instantiate that
    /// faulty one); the others are the real design.
    public func elaborate(fault: ArrayFault? = nil) throws -> Elaborated {
        func planted(_ m: Module, _ site: ArrayFault.Site) throws -> Module {
            guard let fault, fault.site == site else { return m }
            return try fault.apply(to: m, in: self)
        }
        let u = try unit.elaborate()
        let add = try pe.adder?.elaborate()
        let p = try planted(try pe.elaborate(unitModule: u, adderModule: add), .pe)
        let c = try planted(try elaborateCell(pe: p), .cell)
        let a = try planted(try elaborateArray(cell: c), .array)
        return Elaborated(unit: u, adder: add, pe: p, cell: c, array: a)
    }

    /// Each module as (file name, Verilog text), dependencies first.
    public func files(fault: ArrayFault? = nil) throws -> [(name: String, text: String)] {
        try elaborate(fault: fault).modules.map { ("\($0.name).v", VerilogEmitter.emit($0)) }
    }

    // MARK: - Cell

    /// One array position: the PE plus its systolic plumbing (operand and flag registers passed
    /// east and south, the captured result, one stage of its row's drain shift register).
    func elaborateCell(pe peModule: Module) throws -> Module {
        let f = format, w = accumulatorWidth
        let m = ModuleBuilder(cellModuleName)
        m.doc = [
            "\(cellModuleName): one position of an output-stationary systolic array of \(pe.moduleName)",
            "format: \(f); SPEC.md \"Processing elements and arrays\"; protocol in docs/array.md",
            "generated by: \(prefixCommand) --rows R --cols C (every array of this unit writes this file)",
        ] + pe.accumulatorDoc + [
            "a_in/b_in and the flags valid_in, clear_in, last_in reach the PE combinationally and leave registered",
            "(a_out, valid_out, clear_out, last_out east; b_out south). last_out captures the PE's sum into res",
            "(the sum is final in the cycle after the last beat). load (row-wide) copies res into the drain stage,",
            "otherwise the stage takes drain_in from the west neighbour: the row's results shift east.",
            "rst: synchronous, clears the flags and the drain valid bit (not the accumulator: clear_in does that).",
        ] + pipelineCellDoc
        let clk = m.clock()
        let rst = m.input("rst", 1)
        let aIn = m.input("a_in", f.width)
        let bIn = m.input("b_in", f.width)
        let validIn = m.input("valid_in", 1)
        let clearIn = m.input("clear_in", 1)
        let lastIn = m.input("last_in", 1)
        let load = m.input("load", 1)
        let drainIn = m.input("drain_in", w)
        let drainInvalidIn = m.input("drain_invalid_in", 1)
        let drainValidIn = m.input("drain_valid_in", 1)

        var peIn = ["clk": clk, "clear": clearIn, "valid": validIn, "a": aIn, "b": bIn]
        if pe.hasPartialSums { peIn["last"] = lastIn }
        let peOut = m.instance(peModule, "pe", peIn)

        let aQ = m.register("a_q", f.width)
        let bQ = m.register("b_q", f.width)
        let validQ = m.register("valid_q", 1)
        let clearQ = m.register("clear_q", 1)
        let lastQ = m.register("last_q", 1, comment: "the PE's sum is final while this is 1")
        m.next(aQ, aIn)
        m.next(bQ, bIn)
        m.next(validQ, ~rst & validIn)
        m.next(clearQ, ~rst & clearIn)
        m.next(lastQ, ~rst & lastIn)

        // SPEC "Pipelined PEs": the PE's result is final D cycles later than the combinational PE's
        var capture = lastQ
        for d in 0..<pe.addedLatency {
            let r = m.register("last_d\(d + 1)", 1, comment: d == 0 ? "the last beat, waiting for the pipelined PE's result (\(pe.addedLatency) cycles)" : nil)
            m.next(r, ~rst & capture)
            capture = r
        }
        let res = m.register("res_q", w, comment: "the last finished job's sum")
        let resInvalid = m.register("res_invalid_q", 1)
        m.next(res, m.mux(capture, peOut["acc"]!, res))
        m.next(resInvalid, m.mux(capture, peOut["invalid"]!, resInvalid))

        let drain = m.register("drain_q", w, comment: "drain shift register stage")
        let drainInvalid = m.register("drain_invalid_q", 1)
        let drainValid = m.register("drain_valid_q", 1)
        m.next(drain, m.mux(load, res, drainIn))
        m.next(drainInvalid, m.mux(load, resInvalid, drainInvalidIn))
        m.next(drainValid, ~rst & (load | drainValidIn))

        m.output("a_out", aQ)
        m.output("b_out", bQ)
        m.output("valid_out", validQ)
        m.output("clear_out", clearQ)
        m.output("last_out", lastQ)
        m.output("drain_out", drain)
        m.output("drain_invalid_out", drainInvalid)
        m.output("drain_valid_out", drainValid)
        return try m.finish()
    }

    /// The cell header's lines on a pipelined PE (none for the combinational one).
    var pipelineCellDoc: [String] {
        let d = pe.addedLatency
        guard d > 0 else { return [] }
        return ["pipelined PE (SPEC \"Pipelined PEs\"): its result is final \(d) cycles later than the combinational PE's"
                + " (multiplier S=\(unit.stages)" + (pe.hasPartialSums ? ", \(pe.accumulatorStages) partial sums: L*L=\(pe.accumulatorStages * pe.accumulatorStages)" : "") + "),",
                "so last_q waits \(d) more registers (last_d1...last_d\(d)) before res captures it; last_in also reaches the PE" + (pe.hasPartialSums ? "" : " only through last_q")]
    }

    /// The array header's lines on a pipelined PE.
    var pipelineArrayDoc: [String] {
        let d = pe.addedLatency
        guard d > 0 else { return [] }
        var why = "multiplier \(unit.moduleName): S=\(unit.stages)"
        if pe.hasPartialSums {
            let l = pe.accumulatorStages
            why += "; adder \(pe.adder!.moduleName): L=\(l) partial sums, L*L=\(l * l) (the last beat's addition \(l), the combine (L-1)*L=\((l - 1) * l))"
        }
        return [
            "  Pipelined PEs (SPEC \"Pipelined PEs\"): the protocol above, every result D = \(d) cycles later (\(why)):",
            "  row i's results in cycles t+i+C+2+D ... t+i+2C+1+D, PE(i,j) in cycle t+i+2C+1-j+D (D = \(d)); in_last spacing unchanged.",
        ]
    }

    // MARK: - Array

    func elaborateArray(cell: Module) throws -> Module {
        let f = format, n = f.width, w = accumulatorWidth, R = rows, C = cols
        let m = ModuleBuilder(moduleName)
        m.doc = [
            "\(moduleName): output-stationary systolic array, \(R) x \(C) \(pe.moduleName) (\(unit.kind.summary))",
            "format: \(f), bias \(f.bias); SPEC.md \"Processing elements and arrays\"; protocol: docs/array.md",
            "generated by: \(command)",
            "parameters: rows=\(R) cols=\(C) " + unit.parameters.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
                + " " + pe.accumulatorParameters,
        ] + pe.accumulatorDoc + [
            "hierarchy: \(moduleName) > \(R * C) x \(cellModuleName) (instances cell_<i>_<j>) > \(pe.moduleName) (pe) > \(unit.moduleName) (mul)"
                + (pe.adder.map { ", \($0.moduleName) (add)" } ?? ""),
            "",
            "Protocol (clk rising edge; all inputs sampled, all outputs registered):",
            "  each cycle the driver gives one beat: column k of A on in_a (row i = in_a[i*\(n)+:\(n)]), row k of B on",
            "  in_b (column j = in_b[j*\(n)+:\(n)]) and the flags in_valid (beat carries a term), in_clear (first beat",
            "  of a job: accumulators restart), in_last (last beat of a job: results are captured and drained).",
            "  Skew is inside: PE(i,j) works on beat k in cycle t_k + i + j.",
            "  Drain: for a job whose last beat is in cycle t, row i shows out_valid[i] = 1 in cycles",
            "  t+i+C+2 ... t+i+2C+1 (C = \(C)), giving PE(i,j)'s sum on out_acc[i*\(w)+:\(w)] and its flag on out_invalid[i]",
            "  in cycle t+i+2C+1-j (PE(i,C-1) first, PE(i,0) last).",
            "  in_last beats must be >= C cycles apart: jobs with K >= C beats run back to back; shorter ones",
            "  need C-K idle beats (in_valid = in_clear = in_last = 0) after them.",
            "  rst: synchronous; clears the flags in flight and the drain (hold for one cycle after power-up).",
            "  A beat with in_valid = 0 (a bubble, even the in_clear or in_last beat) adds nothing; its operands are ignored.",
        ] + pipelineArrayDoc + [
            "",
        ] + ArrayDesign.timingDiagram.map { "  " + $0 }
        let clk = m.clock()
        let rst = m.input("rst", 1)
        let inValid = m.input("in_valid", 1)
        let inClear = m.input("in_clear", 1)
        let inLast = m.input("in_last", 1)
        let inA = m.input("in_a", R * n)
        let inB = m.input("in_b", C * n)

        // Flags: one shared delay line; row i taps stage i.
        var flags: [(valid: Signal, clear: Signal, last: Signal)] = [(inValid, inClear, inLast)]
        for d in 1..<max(R, 1) {
            let v = m.register("valid_skew_\(d)", 1), c = m.register("clear_skew_\(d)", 1), l = m.register("last_skew_\(d)", 1)
            let prev = flags[d - 1]
            m.next(v, ~rst & prev.valid)
            m.next(c, ~rst & prev.clear)
            m.next(l, ~rst & prev.last)
            flags.append((v, c, l))
        }
        // A: row i delayed i cycles; B: column j delayed j cycles.
        func delayed(_ x: Signal, by stages: Int, name: String) -> Signal {
            var taps = [x]
            for d in 0..<stages {
                let r = m.register("\(name)_\(d)", n)
                m.next(r, taps[d])
                taps.append(r)
            }
            return taps[stages]
        }
        let aRow = (0..<R).map { i in delayed(inA[i * n + n - 1, i * n], by: i, name: "a_skew_\(i)") }
        let bCol = (0..<C).map { j in delayed(inB[j * n + n - 1, j * n], by: j, name: "b_skew_\(j)") }
        // Row-wide drain load: one cycle after the last beat leaves the row's east end.
        let loads = (0..<R).map {
            m.register("load_q_\($0)", 1, comment: $0 == 0 ? "row i's drain load: the last beat has left cell_<i>_\(C - 1), so every res of row i is final" : nil)
        }

        // SPEC "Pipelined PEs": the load waits as long as the cells' capture
        let rowLoads = (0..<R).map { i -> Signal in
            var load = loads[i]
            for d in 0..<pe.addedLatency {
                let r = m.register("load_d_\(i)_\(d + 1)", 1, comment: i == 0 && d == 0 ? "row i's load, waiting as the cells' capture does (\(pe.addedLatency) cycles)" : nil)
                m.next(r, ~rst & load)
                load = r
            }
            return load
        }
        var cells: [[[String: Signal]]] = []
        let zeroDrain = m.zeros(w)
        for i in 0..<R {
            var row: [[String: Signal]] = []
            for j in 0..<C {
                let west = j == 0 ? nil : row[j - 1]
                let north = i == 0 ? nil : cells[i - 1][j]
                let conn: [String: Signal] = [
                    "clk": clk, "rst": rst,
                    "a_in": west?["a_out"] ?? aRow[i],
                    "b_in": north?["b_out"] ?? bCol[j],
                    "valid_in": west?["valid_out"] ?? flags[i].valid,
                    "clear_in": west?["clear_out"] ?? flags[i].clear,
                    "last_in": west?["last_out"] ?? flags[i].last,
                    "load": rowLoads[i],
                    "drain_in": west?["drain_out"] ?? zeroDrain,
                    "drain_invalid_in": west?["drain_invalid_out"] ?? m.zero,
                    "drain_valid_in": west?["drain_valid_out"] ?? m.zero,
                ]
                row.append(m.instance(cell, "cell_\(i)_\(j)", conn))
            }
            cells.append(row)
        }
        for i in 0..<R { m.next(loads[i], ~rst & cells[i][C - 1]["last_out"]!) }
        let east = (0..<R).reversed().map { cells[$0][C - 1] }
        let accs = east.map { $0["drain_out"]! }
        m.output("out_valid", m.cat(east.map { $0["drain_valid_out"]! }), comment: "row i's drain carries a result")
        m.output("out_invalid", m.cat(east.map { $0["drain_invalid_out"]! }), comment: "that result's sticky invalid")
        m.output("out_acc", m.cat(accs), comment: "that result: row i in bits [i*\(w)+:\(w)]")
        return try m.finish()
    }
}

extension ArrayDesign: Design {
    /// docs/array.md's ports: the clock, a synchronous reset, the three flags, one column of A and
    /// one row of B per cycle in; one result port per PE row out.
    public var signature: Signature {
        let n = format.width
        return Signature([
            .clock, .input("rst", 1, .reset), .input("in_valid", 1, .valid), .input("in_clear", 1, .clear), .input("in_last", 1, .last),
            .input("in_a", rows * n, .operand), .input("in_b", cols * n, .operand),
            .output("out_valid", rows, .valid), .output("out_invalid", rows, .flag), .output("out_acc", rows * accumulatorWidth, .result),
        ])
    }

    /// Cycles from a job's last beat to the first result (row 0's, PE(0, C-1)); the rest follow
    /// per `resultDelay(row:col:)`.
    public var latency: Int { firstResultDelay(row: 0) }

    public func modules() throws -> [Module] { try elaborate().modules }
}

import HDL

/// A deliberate bug in a PE, array cell or array, for mutation testing of the array check
/// (`rtlgen mutate-array`): an edit (`NetlistEdit`) of the elaborated netlist of the module it
/// names, defined here beside the fault (`apply(to:in:)`), so a mutant is an edit of the design,
/// not of its Verilog text, and a change to how the emitter formats the text cannot disable it.
/// The builders of the real design know nothing of faults.
///
/// The raw value is the mutant's name in `rtlgen mutate-array` reports.
public enum ArrayFault: String, CaseIterable, Hashable, Sendable {
    // skew (array)
    case skewASwap = "skew-a-swap"
    case skewBSwap = "skew-b-swap"
    case skewAShort = "skew-a-short"
    case skewBShort = "skew-b-short"
    case skewValidShort = "skew-valid-short"
    case skewClearEarly = "skew-clear-early"
    // valid
    case validStuckRow = "valid-stuck-row"
    case peValidIgnored = "pe-valid-ignored"
    case cellValidStuck = "cell-valid-stuck"
    case invalidIgnoresValid = "invalid-ignores-valid"
    // clear
    case peClearDropped = "pe-clear-dropped"
    case cellClearDropped = "cell-clear-dropped"
    // sticky invalid
    case invalidNotSticky = "invalid-not-sticky"
    case invalidNotCleared = "invalid-not-cleared"
    case resInvalidLive = "res-invalid-live"
    // accumulator
    case accCarryCut = "acc-carry-cut"
    case accNoCarries = "acc-no-carries"
    case accBitStuck = "acc-bit-stuck"
    case accMSBDropped = "acc-msb-dropped"
    case productSignIgnored = "product-sign-ignored"
    case productShiftOffByOne = "product-shift-off-by-one"
    case subnormalProductMisplaced = "subnormal-product-misplaced"
    // floating-point accumulator (--acc fp32|bf16|fp16): widening the product, the adder's inputs
    case widenSignDropped = "widen-sign-dropped"
    case widenExponentOffByOne = "widen-exponent-off-by-one"
    case widenSubnormalAsNormal = "widen-subnormal-as-normal"
    case fpClearToOne = "fp-clear-to-one"
    case fpSpecialSkipped = "fp-special-skipped"
    // L >= 2 partial sums (SPEC "Pipelined PEs", --acc-stages L)
    case psumIndexCountsBubbles = "psum-index-counts-bubbles"
    case psumIndexStuck = "psum-index-stuck"
    case psumNotRestarted = "psum-not-restarted"
    case psumBypassDropped = "psum-bypass-dropped"
    case combineTakesStale = "combine-takes-stale"
    case combineOrderSwapped = "combine-order-swapped"
    // capture and drain
    case captureEarly = "capture-early"
    case drainLoadEarly = "drain-load-early"
    case drainHolds = "drain-holds"
    case drainSkipsStage = "drain-skips-stage"
    case drainRowsSwapped = "drain-rows-swapped"
    case drainValidNotReset = "drain-valid-not-reset"

    /// The module a fault edits.
    public enum Site: Sendable { case pe, cell, array }

    public var site: Site {
        switch self {
        case .skewASwap, .skewBSwap, .skewAShort, .skewBShort, .skewValidShort, .skewClearEarly, .validStuckRow,
             .drainLoadEarly, .drainSkipsStage, .drainRowsSwapped:
            return .array
        case .cellValidStuck, .cellClearDropped, .resInvalidLive, .accMSBDropped, .captureEarly, .drainHolds, .drainValidNotReset:
            return .cell
        case .peValidIgnored, .invalidIgnoresValid, .peClearDropped, .invalidNotSticky, .invalidNotCleared, .accCarryCut,
             .accNoCarries, .accBitStuck, .productSignIgnored, .productShiftOffByOne, .subnormalProductMisplaced,
             .widenSignDropped, .widenExponentOffByOne, .widenSubnormalAsNormal, .fpClearToOne, .fpSpecialSkipped,
             .psumIndexCountsBubbles, .psumIndexStuck, .psumNotRestarted, .psumBypassDropped, .combineTakesStale, .combineOrderSwapped:
            return .pe
        }
    }

    /// The name of the module this fault edits in `d`.
    public func module(in d: ArrayDesign) -> String {
        switch site {
        case .pe: return d.pe.moduleName
        case .cell: return d.cellModuleName
        case .array: return d.moduleName
        }
    }

    /// Whether the fault can show in `d`: the array faults name row 2 and column 2 (3 x 3 or
    /// larger); only the exact multiplier gives subnormal products (SPEC: L-Mul and `fpmul_ftz`
    /// flush them), so misplacing them changes nothing elsewhere; the fixed-point accumulator's
    /// faults apply to its PEs and the widening and float-sum faults to `--acc fp*` PEs; the PE's
    /// sticky-invalid faults need a format with NaN or infinity (a finite format's PE has none).
    public func applies(to d: ArrayDesign) -> Bool {
        let float = d.pe.floatAccumulator != nil
        // a format with no NaN or infinity (SPEC "Finite formats") has no invalid logic in its PE to break
        // (and the invalid a cell drains is always 0, live or captured)
        let special = d.format.hasNaN || d.format.hasInfinity
        let partial = d.pe.hasPartialSums
        switch self {
        // with L partial sums the PE's invalid output is held with its result, so the cell's live and captured flags agree
        case .resInvalidLive: return special && !partial && d.rows >= 3 && d.cols >= 3
        case .invalidIgnoresValid, .invalidNotSticky, .invalidNotCleared: return special && d.rows >= 3 && d.cols >= 3
        // the single accumulator's clear; the partial sums' restart is psum-not-restarted
        case .peClearDropped: return !partial && d.rows >= 3 && d.cols >= 3
        case .psumIndexCountsBubbles, .psumIndexStuck, .psumNotRestarted, .psumBypassDropped, .combineTakesStale: return partial
        // (s0 + s1) = (s1 + s0) exactly: swapping needs a third partial sum to show
        case .combineOrderSwapped: return d.pe.accumulatorStages >= 3
        case .fpSpecialSkipped: return special && float
        case .accCarryCut, .accNoCarries, .accBitStuck, .productSignIgnored, .productShiftOffByOne:
            return !float
        case .subnormalProductMisplaced: return !float && d.unit.kind == .fpmul
        case .widenSignDropped, .widenExponentOffByOne, .fpClearToOne: return float
        case .widenSubnormalAsNormal: return float && d.unit.kind == .fpmul
        default: return d.rows >= 3 && d.cols >= 3
        }
    }
}

extension ArrayFault {
    /// `module` (this fault's module of `d`, elaborated) with the fault planted.
    public func apply(to module: Module, in d: ArrayDesign) throws -> Module {
        precondition(module.name == self.module(in: d), "\(rawValue) edits \(self.module(in: d)), not \(module.name)")
        return try module.edited { try edit($0, pe: d.pe, cols: d.cols) }
    }

    /// A PE fault planted in `module`, the elaborated `pe` (a PE checked on its own).
    public func apply(toPE module: Module, of pe: ProcessingElement) throws -> Module {
        precondition(site == .pe && module.name == pe.moduleName, "\(rawValue) is not a fault of \(module.name)")
        return try module.edited { try edit($0, pe: pe, cols: 0) }
    }

    /// The fault as edits of the module the builders made (names as `ProcessingElement.elaborate`,
    /// `ArrayDesign.elaborateCell` and `elaborateArray` give them). `cols` is the array's width
    /// (array faults only).
    func edit(_ e: NetlistEdit, pe: ProcessingElement, cols C: Int) throws {
        let m = e.builder
        let f = pe.format, w = pe.outputWidth
        // the PE's flags where they meet the product (after a pipelined multiplier's S stages)
        let s = pe.unit.stages
        let validName = s > 0 ? "valid_d\(s)" : "valid", clearName = s > 0 ? "clear_d\(s)" : "clear"
        // the cell's capture strobe (after a pipelined PE's added latency) and the signal one stage before it
        let latency = pe.addedLatency
        let strobe = latency > 0 ? "last_d\(latency)" : "last_q"
        let beforeStrobe = latency > 1 ? "last_d\(latency - 1)" : (latency == 1 ? "last_q" : "last_in")
        /// The accumulator bit weighing 2^0 (fixed-point PE).
        var one: Int { -pe.accumulator.lsbExponent }
        switch self {
        // MARK: array: skew lines (row i of A delayed i cycles in a_skew_<i>_<d>, column j of B
        // in b_skew_<j>_<d>, the flags in valid_skew_<d>, clear_skew_<d>, last_skew_<d>)
        case .skewASwap:
            try e.swap(.connection(instance: "cell_1_0", port: "a_in"), .connection(instance: "cell_2_0", port: "a_in"))
        case .skewBSwap:
            try e.swap(.connection(instance: "cell_0_1", port: "b_in"), .connection(instance: "cell_0_2", port: "b_in"))
        case .skewAShort:
            try e.undelay(.connection(instance: "cell_2_0", port: "a_in"))
        case .skewBShort:
            try e.undelay(.connection(instance: "cell_0_2", port: "b_in"))
        case .skewValidShort:
            // row 2's valid taps the flag line's stage 1 (A, B, clear and last stay on time)
            try e.redrive(.connection(instance: "cell_2_0", port: "valid_in"), to: e["valid_skew_1"])
        case .skewClearEarly:
            // row 1's clear is in_clear itself, not its one-cycle delay
            try e.redrive(.connection(instance: "cell_1_0", port: "clear_in"), to: e["in_clear"])
        case .validStuckRow:
            // valid_skew_1 <= ~rst: the skew stage ignores in_valid
            try e.substitute(in: .next("valid_skew_1"), ["in_valid": m.one])
        // MARK: array: drain
        case .drainLoadEarly:
            // row 0 loads when the last beat leaves column C-2 instead of C-1
            try e.substitute(in: .next("load_q_0"), ["cell_0_\(C - 1)_last_out": e["cell_0_\(C - 2)_last_out"]])
        case .drainSkipsStage:
            // cell_0_2's drain takes column 0's stage: column 1's result is lost
            try e.redrive(.connection(instance: "cell_0_2", port: "drain_in"), to: e["cell_0_0_drain_out"])
        case .drainRowsSwapped:
            // rows 0 and 1 trade places on out_acc
            let row0 = "cell_0_\(C - 1)_drain_out", row1 = "cell_1_\(C - 1)_drain_out"
            try e.substitute(in: .wire("out_acc"), [row0: e[row1], row1: e[row0]])

        // MARK: cell
        case .cellValidStuck:
            try e.substitute(in: .next("valid_q"), ["valid_in": m.one])        // valid_q <= ~rst
        case .cellClearDropped:
            try e.redrive(.next("clear_q"), to: m.zero)
        case .resInvalidLive:
            try e.redrive(.next("res_invalid_q"), to: e["pe_invalid"])
        case .accMSBDropped:
            let sum = try e["pe_acc"]
            try e.substitute(in: .next("res_q"), ["pe_acc": m.cat(m.zero, sum[w - 2, 0])])
        case .captureEarly:
            try e.substitute(in: .next("res_q"), [strobe: e[beforeStrobe]])
        case .drainHolds:
            try e.substitute(in: .next("drain_q"), ["drain_in": e["drain_q"]])
        case .drainValidNotReset:
            try e.substitute(in: .next("drain_valid_q"), ["rst": m.zero])      // drain_valid_q <= load | drain_valid_in

        // MARK: PE (both accumulators)
        case .peValidIgnored:
            try e.substitute(in: .wire("take"), [validName: m.one])
        case .invalidIgnoresValid:
            try e.substitute(in: .next("invalid_q"), [validName: m.one])         // (~clear & invalid) | special
        case .peClearDropped:
            try e.redrive(.wire("acc_base"), to: e["acc_q"])
        case .invalidNotSticky:
            try e.redrive(.next("invalid_q"), to: e[validName] & e["p_special"])
        case .invalidNotCleared:
            try e.substitute(in: .next("invalid_q"), [clearName: m.zero])        // invalid | (valid & special)

        // MARK: PE, fixed-point accumulator
        case .accCarryCut:
            // the carry from the bit weighing 2^-1 into the bit weighing 2^0 is lost
            let base = try e["acc_base"], take = try e["take"], term = try e["p_term"]
            try e.redrive(.next("acc_q"), to: m.cat(base[w - 1, one] + m.mux(take, term[w - 1, one], m.zeros(w - one)),
                                                    base[one - 1, 0] + m.mux(take, term[one - 1, 0], m.zeros(one))))
        case .accNoCarries:
            try e.replaceOperator(in: .next("acc_q"), .add, with: .xor)
        case .accBitStuck:
            // the accumulator bit weighing 2^0 reads as 0 on acc
            let acc = try e["acc_q"]
            try e.substitute(in: .wire("acc"), ["acc_q": m.cat(acc[w - 1, one + 1], m.zero, acc[one - 1, 0])])
        case .productSignIgnored:
            try e.redrive(.wire("p_term"), to: e["p_lsbs"])
        case .productShiftOffByOne:
            // p_shift = exponent - 2 for normal products (one bit low)
            let exponent = try e["p_exp"]
            try e.redrive(.wire("p_shift"), to: m.mux(e["p_exp_zero"], m.zeros(f.exponentBits), exponent - 2))
        case .subnormalProductMisplaced:
            // p_shift = 1 for subnormal products (one bit high)
            let exponent = try e["p_exp"]
            try e.redrive(.wire("p_shift"), to: m.mux(e["p_exp_zero"], m.const(1, width: f.exponentBits), exponent - 1))

        // MARK: PE, floating-point accumulator
        case .widenSignDropped:
            // the widened product's sign bit is 0 (the product's sign, mul_y's MSB, is read nowhere else there)
            let product = try e["mul_y"]
            try e.substitute(in: .wire("p_widened"), ["mul_y": m.cat(m.zero, product[f.width - 2, 0])])
        case .widenExponentOffByOne:
            // the widened exponent one too high, as a rebias one larger gives: both of p_exp_acc's
            // cases add the rebias, so (rebias - lz) + 1 and (exponent + rebias) + 1 are the same
            // bits, and the range p_exp_acc is sized for has room above the largest exponent, so no
            // reader (the subnormal test, the shift, the low bits) sees a wrap.
            try e.redrive(.wire("p_exp_acc")) { $0 + 1 }
        case .widenSubnormalAsNormal:
            // the widening takes every product as normal: the exponent field and the fraction as they are
            try e.substitute(in: .wire("p_exp_acc"), ["p_exp_zero": m.zero])
            try e.substitute(in: .wire("p_frac_norm"), ["p_exp_zero": m.zero])
        case .fpClearToOne:
            guard let acc = pe.floatAccumulator else { throw HDLError.invalidEdit(module: m.name, detail: "\(rawValue) needs a floating-point accumulator") }
            let oneAcc = m.const(Int(acc.encode(1.0)), width: acc.width)
            if pe.hasPartialSums {
                // every partial sum starts from 1.0
                try e.redrive(.wire("acc_base"), to: m.mux(e["ps_full"], e["ps_current"], oneAcc))
            } else {
                try e.redrive(.wire("acc_base"), to: m.mux(e[clearName], oneAcc, e["acc_q"]))
            }
        case .fpSpecialSkipped:
            // the fixed-point rule: NaN and infinite products are not added
            let special = try e["p_special"]
            try e.redrive(.wire("take")) { $0 & ~special }

        // MARK: PE, L >= 2 partial sums (names as `ProcessingElement.elaboratePartialSums` gives them)
        case .psumIndexCountsBubbles:
            // the partial-sum index advances on every beat, bubbles included (ps_idx_q <= wrap ? 0 : idx + 1)
            try e.substitute(in: .next("ps_idx_q"), ["take": m.one])
        case .psumIndexStuck:
            // the index never advances: every beat reads partial sum 0 (whose last result is still in the adder)
            try e.redrive(.next("ps_idx_q"), to: e["ps_idx"])
        case .psumNotRestarted:
            // a job's first L beats add to what the previous job left in their partial sums, not to +0
            try e.redrive(.wire("acc_base"), to: e["ps_current"])
        case .psumBypassDropped:
            // a partial sum whose previous result is just leaving the adder is read from its stale register
            try e.redrive(.wire("ps_bypass"), to: m.zero)
        case .combineTakesStale:
            // partial sums a short job never reached are combined as the previous job left them, not as +0
            for q in 0..<pe.accumulatorStages {
                try e.redrive(.wire("ps_final_\(q)"), to: m.mux(e["ps_tag_valid_d\(pe.accumulatorStages)"] & e["ps_tag_idx_d\(pe.accumulatorStages)"].eq(q), e["ps_sum"], e["psum_\(q)"]))
            }
        case .combineOrderSwapped:
            // ((s0 + s2) + s1) + ...: partial sums 1 and 2 trade places in the combine
            try e.swap(.wire("ps_final_1"), .wire("ps_final_2"))
        }
    }
}

/// A deliberate bug in a PE, array cell or array, for mutation testing of the array check
/// (`rtlgen mutate-array`): the generator applies it while it builds the netlist, so a mutant is an
/// edit of the design, not of its Verilog text, and a change to how the emitter formats the text
/// cannot disable it. Every builder takes `fault: ArrayFault? = nil`; with nil (the default) the
/// netlist, and so the emitted Verilog, is the real design, unchanged.
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
             .widenSignDropped, .widenExponentOffByOne, .widenSubnormalAsNormal, .fpClearToOne, .fpSpecialSkipped:
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
    /// faults apply to its PEs and the widening and float-sum faults to `--acc fp*` PEs.
    public func applies(to d: ArrayDesign) -> Bool {
        let float = d.pe.floatAccumulator != nil
        switch self {
        case .accCarryCut, .accNoCarries, .accBitStuck, .productSignIgnored, .productShiftOffByOne:
            return !float
        case .subnormalProductMisplaced: return !float && d.unit.kind == .fpmul
        case .widenSignDropped, .widenExponentOffByOne, .fpClearToOne, .fpSpecialSkipped: return float
        case .widenSubnormalAsNormal: return float && d.unit.kind == .fpmul
        default: return d.rows >= 3 && d.cols >= 3
        }
    }
}

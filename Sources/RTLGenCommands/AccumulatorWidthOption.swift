import ArgumentParser
import FloatArith

/// `--acc-width W` of `array`, `sim-array` and `matmul`: one option, one range, one check, so the
/// three commands accept exactly the same widths (issue 27 row 24).
///
/// The range in SPEC's terms ("Processing elements and arrays"): the accumulator's LSB weighs
/// 2^(1 - bias - M), so it needs at least the product significand's M + 1 bits (and 2) to hold one
/// product of the smallest binade; at most 64 bits, or SPEC's default width when that is wider (the
/// width at which 2^16 products of maximal magnitude cannot overflow). Narrower than the default,
/// the accumulator wraps modulo 2^W, as SPEC says, and the golden model wraps the same way.
struct AccumulatorWidthOption: ParsableArguments {
    @Option(name: .customLong("acc-width"), parsing: .unconditional, help: ArgumentHelp(
        "Fixed-point accumulator width in bits (--acc fixed only): M+1 (the product significand) up to 64, or up to SPEC's default if that is wider (default: SPEC's, enough for 2^16 max-magnitude products; narrower wraps modulo 2^W, in the RTL and the golden model alike).",
        valueName: "W"), transform: wholeNumber)
    var accWidth: Int?

    /// The widths a PE can be built with, and the golden model computed with, for element format `f`.
    static func widths(_ f: FloatFormat) -> ClosedRange<Int> {
        max(2, f.mantissaBits + 1)...max(64, AccumulatorFormat.defaultWidth(f))
    }

    /// Refuses a width outside `widths(f)`, or any width with a floating-point accumulator.
    func check(_ f: FloatFormat, acc: Accumulation) throws {
        guard let w = accWidth else { return }
        guard acc == .fixed else { throw UsageError("--acc-width applies to --acc fixed only; drop it or use --acc fixed") }
        try RTLGenCommands.check("--acc-width", w, in: Self.widths(f),
                                 "for \(f.tag): the product significand has \(f.mantissaBits + 1) bits; SPEC's default is \(AccumulatorFormat.defaultWidth(f))")
    }
}

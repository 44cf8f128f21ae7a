import FloatArith
import Units
import Toolchain

/// What the accuracy report measures: every registered unit (`UnitKind.registry`), by its golden
/// model (SPEC.md), with SPEC's default saturating overflow.
extension UnitKind {
    /// The unit's result encoding for operand encodings `a`, `b`.
    public func evaluate(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> UInt32 { type.golden(a, b, f, .saturate) }
}

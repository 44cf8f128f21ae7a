import FloatArith

/// A multiplier's part in the MX dot product (SPEC "MX block formats and the MX dot product"):
/// which rule forms its products without the element format's range limits. Every multiplier of
/// the registry declares one here; a multiplier without one has no MX dot (`rtlgen mxdot` says so).
public protocol MXMultiplier: UnitDefinition {
    static func mxProduct(_ f: FloatFormat) -> MXProductRule
}

extension FPMulUnit: MXMultiplier {
    public static func mxProduct(_ f: FloatFormat) -> MXProductRule { .exact(flushSubnormals: false) }
}

extension FPMulFTZUnit: MXMultiplier {
    public static func mxProduct(_ f: FloatFormat) -> MXProductRule { .exact(flushSubnormals: true) }
}

extension LMulUnit: MXMultiplier {
    public static func mxProduct(_ f: FloatFormat) -> MXProductRule { .bitAdd(offset: LMulOffset.offset(mantissa: f.mantissaBits)) }
}

extension MitchellUnit: MXMultiplier {
    public static func mxProduct(_ f: FloatFormat) -> MXProductRule { .bitAdd(offset: 0) }
}

extension LMulFormulaUnit: MXMultiplier {
    public static func mxProduct(_ f: FloatFormat) -> MXProductRule { .formula(offset: LMulOffset.offset(mantissa: f.mantissaBits)) }
}

extension UnitKind {
    /// The unit's MX product rule for element format `f`, nil when it has no MX dot (the adders).
    public func mxProduct(_ f: FloatFormat) -> MXProductRule? { (type as? any MXMultiplier.Type)?.mxProduct(f) }

    /// The multipliers with an MX dot, in registry order.
    public static var mxMultipliers: [UnitKind] { allCases.filter { $0.mxProduct(.e4m3) != nil } }
}

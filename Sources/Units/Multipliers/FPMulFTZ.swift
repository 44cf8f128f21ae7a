import FloatArith
import HDL

/// SPEC "Exact baseline multiplier", `fpmul_ftz`: the like-for-like baseline for L-Mul, with
/// subnormal inputs read as zero and tiny results flushed.
public enum FPMulFTZUnit: UnitDefinition {
    public static let name = "fpmul_ftz"
    public static let summary = "exact multiplier, round to nearest even, subnormals flushed to zero"
    public static let note = "as fpmul, with subnormal inputs read as zero and results below the smallest normal flushed to zero."
    public static let specRule = "Exact baseline multiplier (fpmul_ftz)"
    public static let role = UnitRole.exactBaseline
    public static let subnormalInputsAreZero = true
    public static let plotColour = "#17becf"

    @inlinable
    public static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 {
        FPMul.multiply(a, b, f, overflow, flushSubnormals: true)
    }

    public static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal {
        Datapaths.fpmulFTZ(m, a, b, f, overflow)
    }

    public static func explain(result y: UInt32, _ f: FloatFormat) -> String {
        if y & f.magnitudeMask == 0 { return "fpmul_ftz: a rounded result below the smallest normal flushes to signed zero" }
        return "Exact baseline multiplier (fpmul_ftz): exact product rounded to nearest, ties to even"
    }
}

extension UnitKind {
    public static let fpmulFTZ = UnitKind(FPMulFTZUnit.self)
}

import FloatArith
import HDL

/// SPEC "Exact baseline multiplier": the exact product rounded to nearest even, with subnormal
/// inputs and gradual underflow.
public enum FPMulUnit: UnitDefinition {
    public static let name = "fpmul"
    public static let summary = "exact multiplier, round to nearest even, subnormal inputs and results"
    public static let note = "exact product rounded to nearest, ties to even, gradual underflow: the 0.5-ulp reference."
    public static let specRule = "Exact baseline multiplier"
    public static let role = UnitRole.exactBaseline
    public static let subnormalInputsAreZero = false
    public static let plotColour = "#1f77b4"

    @inlinable
    public static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 {
        FPMul.multiply(a, b, f, overflow, flushSubnormals: false)
    }

    public static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal {
        Datapaths.fpmul(m, a, b, f, overflow)
    }

    public static func explain(result y: UInt32, _ f: FloatFormat) -> String {
        if f.classify(y) == .subnormal || y & f.magnitudeMask == 0 {
            return "Exact baseline multiplier: gradual underflow, rounded to nearest even (subnormal or zero result)"
        }
        return "Exact baseline multiplier: exact product rounded to nearest, ties to even"
    }
}

extension UnitKind {
    public static let fpmul = UnitKind(FPMulUnit.self)
}

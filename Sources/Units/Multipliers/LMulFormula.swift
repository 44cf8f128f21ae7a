import FloatArith
import HDL

/// SPEC "L-Mul, formula form": the paper's equation `(1 + fa + fb + 2^-l) * 2^(ea + eb)`,
/// renormalised by truncation.
public enum LMulFormulaUnit: UnitDefinition {
    public static let name = "lmul_formula"
    public static let summary = "L-Mul, formula form: (1 + fa + fb + 2^-l) * 2^(ea + eb), truncated"
    public static let note = "L-Mul, formula form: `(1 + fa + fb + 2^-l) * 2^(ea + eb)`, renormalised by truncation."
    public static let specRule = "L-Mul, formula form"
    public static let role = UnitRole.approximate
    public static let subnormalInputsAreZero = true
    public static let baselines: [UnitKind] = [.fpmul, .fpmulFTZ]
    public static let isLMulForm = true
    public static let plotColour = "#ff7f0e"
    public static let claimLabel = "L-Mul (formula)"

    public static func parameters(_ f: FloatFormat) -> [(String, String)] { LMulUnit.parameters(f) }

    @inlinable
    public static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 {
        LMul.formula(a, b, f, overflow)
    }

    public static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal {
        Datapaths.lmulFormula(m, a, b, f, overflow)
    }

    public static func explain(result y: UInt32, _ f: FloatFormat) -> String {
        if y & f.magnitudeMask == 0 { return "L-Mul, formula form: S = X * 2^M + F < 2^M flushes to signed zero" }
        return "L-Mul, formula form: F = fa + fb + off, X = ea + eb - bias; carry renormalises by truncation"
    }
}

extension UnitKind {
    public static let lmulFormula = UnitKind(LMulFormulaUnit.self)
}

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
        datapath(m, a, b, f, overflow)
    }

    public static func explain(result y: UInt32, _ f: FloatFormat) -> String {
        if y & f.magnitudeMask == 0 { return "L-Mul, formula form: S = X * 2^M + F < 2^M flushes to signed zero" }
        return "L-Mul, formula form: F = fa + fb + off, X = ea + eb - bias; carry renormalises by truncation"
    }
}

extension UnitKind {
    public static let lmulFormula = UnitKind(LMulFormulaUnit.self)
}

extension LMulFormulaUnit {
    /// SPEC "L-Mul, formula form": `F = fa + fb + off`, `X = ea + eb - bias`; a carry out of F
    /// increments X and F becomes `floor((F - 2^M) / 2)`.
    static func datapath(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode) -> Signal {
        let x = m.decode(a, f, prefix: "a"), z = m.decode(b, f, prefix: "b")
        let mb = f.mantissaBits
        let fracSum = m.fractionSum(x, z, offset: LMulOffset.offset(mantissa: mb))
        let carry = m.wire("frac_carry", fracSum[fracSum.width - 1, mb].orReduce, comment: "F >= 2^M: renormalise")
        // F - 2^M is {F[M+1], F[M-1:0]} (F[M+1] only when the offset can carry 2); halved, truncated
        let topBit = fracSum.width > mb + 1 ? fracSum[mb + 1] : m.zero
        let frac = m.wire("frac", m.mux(carry, mb >= 2 ? m.cat(topBit, fracSum[mb - 1, 1]) : topBit, fracSum[mb - 1, 0]),
                          comment: "carry ? floor((F - 2^M) / 2) : F")
        let expSum = m.exponentSum(x, z, carry: carry)
        return LMulBlocks.lmulTail(m, x, z, LMulBlocks.lmulRange(m, expSum, frac, f), f, mode, saturateFirst: false, offset: LMulOffset.offset(mantissa: mb))
    }
}

import FloatArith
import HDL

/// SPEC "L-Mul, bit-add form": the paper's integer-adder kernel, `S = A + B - bias*2^M + off`.
public enum LMulUnit: UnitDefinition {
    public static let name = "lmul"
    public static let summary = "L-Mul, bit-add form: integer add of the encodings plus offset"
    public static let note = "L-Mul, bit-add form (SPEC \"L-Mul, bit-add form\"): the integer sum of the two encodings plus the offset; the paper's adder kernel."
    public static let specRule = "L-Mul, bit-add form"
    public static let role = UnitRole.approximate
    public static let subnormalInputsAreZero = true
    public static let baselines: [UnitKind] = [.fpmul, .fpmulFTZ]
    public static let isPaperSubject = true
    public static let isLMulForm = true
    public static let plotColour = "#d62728"
    public static let claimLabel = "L-Mul (bit-add)"

    public static func parameters(_ f: FloatFormat) -> [(String, String)] {
        let m = f.mantissaBits
        return [("offset", "\(LMulOffset.offset(mantissa: m)) (2^(M-l), l=\(LMulOffset.l(mantissa: m)))")]
    }

    @inlinable
    public static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 {
        LMul.bitAdd(a, b, f, overflow, offset: LMulOffset.offset(mantissa: f.mantissaBits))
    }

    public static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal {
        Datapaths.lmul(m, a, b, f, overflow, offset: LMulOffset.offset(mantissa: f.mantissaBits))
    }

    public static func explain(result y: UInt32, _ f: FloatFormat) -> String {
        if y & f.magnitudeMask == 0 { return "L-Mul, bit-add form: S = A + B - bias*2^M + off < 2^M flushes to signed zero" }
        return "L-Mul, bit-add form: S = A + B - bias*2^M + off (off = \(LMulOffset.offset(mantissa: f.mantissaBits))), result magnitude = S"
    }
}

extension UnitKind {
    public static let lmul = UnitKind(LMulUnit.self)
}

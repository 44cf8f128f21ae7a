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
        datapath(m, a, b, f, overflow, offset: LMulOffset.offset(mantissa: f.mantissaBits))
    }

    public static func explain(result y: UInt32, _ f: FloatFormat) -> String {
        if y & f.magnitudeMask == 0 { return "L-Mul, bit-add form: S = A + B - bias*2^M + off < 2^M flushes to signed zero" }
        return "L-Mul, bit-add form: S = A + B - bias*2^M + off (off = \(LMulOffset.offset(mantissa: f.mantissaBits))), result magnitude = S"
    }
}

extension UnitKind {
    public static let lmul = UnitKind(LMulUnit.self)
}

extension LMulUnit {
    /// SPEC "L-Mul, bit-add form": `S = A + B - bias*2^M + off` on the magnitude encodings.
    /// `offset` is SPEC's `off` (`LMulOffset.offset(mantissa:)`; 0 gives Mitchell's method).
    /// An offset of 0 or 1 is the carry-in of the fraction add, whose carry is the carry-in of the
    /// exponent add, and the bias is subtracted from the E result bits alone; a larger offset
    /// (M > 3) is folded with the bias into one constant of a single add of the encodings.
    static func datapath(_ m: ModuleBuilder, _ a: Signal, _ b: Signal, _ f: FloatFormat, _ mode: OverflowMode, offset: Int) -> Signal {
        let x = m.decode(a, f, prefix: "a"), z = m.decode(b, f, prefix: "b")
        if offset <= 1 {
            let mb = f.mantissaBits
            let fracSum = m.fractionSum(x, z, offset: offset)
            let carry = m.wire("frac_carry", fracSum[mb], comment: "carry into the exponent field")
            let expSum = m.exponentSum(x, z, carry: carry)
            return LMulBlocks.lmulTail(m, x, z, LMulBlocks.lmulRange(m, expSum, fracSum[mb - 1, 0], f), f, mode, saturateFirst: true, offset: offset)
        }
        let w = f.width + 1
        let subtrahend = (f.bias << f.mantissaBits) - offset
        let sum = m.wire("sum", x.magnitude.zext(to: w) + z.magnitude.zext(to: w) - subtrahend,
                         comment: "S = A + B - bias*2^M + off = A + B - \(subtrahend), two's complement")
        let range = LMulBlocks.LMulRange(
            underflow: m.wire("underflow", sum.slt(m.const(Int(f.minNormal), width: w)), comment: "S < 2^M"),
            overflow: m.wire("overflow", sum.sgt(m.const(Int(f.maxFinite), width: w)), comment: "S > max finite"),
            magnitude: sum[f.width - 2, 0])
        return LMulBlocks.lmulTail(m, x, z, range, f, mode, saturateFirst: false, offset: offset)
    }
}

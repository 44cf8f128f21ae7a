import FloatArith
import HDL

/// SPEC "Mitchell": Mitchell's (1962) logarithmic multiplication, the bit-add form with `off = 0`;
/// the named reference against which the paper's offset is measured.
public enum MitchellUnit: UnitDefinition {
    public static let name = "mitchell"
    public static let summary = "Mitchell's logarithmic multiplication: integer add of the encodings, no offset"
    public static let note = "Mitchell's logarithmic multiplication (SPEC \"Mitchell\"): L-Mul's bit-add form without the offset, the reference the paper's offset is measured against."
    public static let specRule = "Mitchell"
    public static let role = UnitRole.approximate
    public static let subnormalInputsAreZero = true
    public static let baselines: [UnitKind] = [.fpmul, .fpmulFTZ]
    public static let plotColour = "#7f7f7f"
    public static let claimLabel = "Mitchell (no offset)"
    public static let readingName = "Mitchell without the offset"

    public static func parameters(_ f: FloatFormat) -> [(String, String)] { [("offset", "0")] }

    @inlinable
    public static func golden(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ overflow: OverflowMode) -> UInt32 {
        LMul.bitAdd(a, b, f, overflow, offset: 0)
    }

    public static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal {
        LMulUnit.datapath(m, a, b, f, overflow, offset: 0)
    }

    public static func explain(result y: UInt32, _ f: FloatFormat) -> String {
        if y & f.magnitudeMask == 0 { return "Mitchell: S = A + B - bias*2^M < 2^M flushes to signed zero" }
        return "Mitchell: S = A + B - bias*2^M (the bit-add form with off = 0), result magnitude = S"
    }
}

extension UnitKind {
    public static let mitchell = UnitKind(MitchellUnit.self)
}

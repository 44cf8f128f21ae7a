import FloatArith

/// What the accuracy report measures: the four units (their golden models, SPEC.md) and plain
/// Mitchell (L-Mul without the offset) as a named reference.
public enum AccuracyMethod: String, Sendable, CaseIterable, Codable {
    case lmul
    case lmulFormula = "lmul_formula"
    case fpmul
    case fpmulFTZ = "fpmul_ftz"
    case mitchell

    public var unitKind: UnitKind? { UnitKind(rawValue: rawValue) }

    public var summary: String {
        switch self {
        case .mitchell: return "Mitchell's approximation: L-Mul bit-add form without the offset (reference, not a unit)"
        default: return unitKind!.summary
        }
    }

    /// The method's result encoding for operand encodings `a`, `b` (saturating overflow, SPEC's default).
    public func evaluate(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> UInt32 {
        switch self {
        case .lmul: return LMulFn.eval(a, b, f)
        case .lmulFormula: return LMulFormulaFn.eval(a, b, f)
        case .fpmul: return FPMulFn.eval(a, b, f)
        case .fpmulFTZ: return FPMulFTZFn.eval(a, b, f)
        case .mitchell: return MitchellFn.eval(a, b, f)
        }
    }
}

/// A method as a type, so the hot loops are specialised per method (no dispatch per pair). Each
/// forwards to the golden model; nothing here computes a product itself.
protocol PairFunction {
    static func eval(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> UInt32
}

struct LMulFn: PairFunction {
    static func eval(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> UInt32 { GoldenModel(.lmul, f)(a, b) }
}
struct LMulFormulaFn: PairFunction {
    static func eval(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> UInt32 { GoldenModel(.lmulFormula, f)(a, b) }
}
struct FPMulFn: PairFunction {
    static func eval(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> UInt32 { GoldenModel(.fpmul, f)(a, b) }
}
struct FPMulFTZFn: PairFunction {
    static func eval(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> UInt32 { GoldenModel(.fpmulFTZ, f)(a, b) }
}
struct MitchellFn: PairFunction {
    static func eval(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> UInt32 { ReferenceMethod.mitchell(a, b, f) }
}

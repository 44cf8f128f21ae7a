import FloatArith
import Foundation
import Units
import Toolchain
import HDL

/// A failing vector, decoded for a person: operands and results as hex, value and class, and the
/// SPEC rule that decides the expected result.
public struct Mismatch: Sendable, Equatable {
    public let index: Int
    public let a: UInt32, b: UInt32, expected: UInt32, got: UInt32

    public init(index: Int, a: UInt32, b: UInt32, expected: UInt32, got: UInt32) {
        self.index = index
        self.a = a
        self.b = b
        self.expected = expected
        self.got = got
    }

    public func describe(_ unit: ArithmeticUnit) -> String {
        let f = unit.format
        func operand(_ x: UInt32) -> String {
            "\(hex(x, f)) (\(valueText(x, f)), \(f.classify(x).rawValue))"
        }
        return """
          vector #\(index): a = \(operand(a))  b = \(operand(b))
            expected \(hex(expected, f)) (\(valueText(expected, f)))  got \(hex(got, f)) (\(valueText(got, f)))  bits differing: \(hex(expected ^ got, f))
            SPEC rule: \(SpecRule.explain(unit, a, b))
        """
    }
}

func hex(_ x: UInt32, _ f: FloatFormat) -> String {
    let digits = (f.width + 3) / 4
    let s = String(x, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s
}

func valueText(_ x: UInt32, _ f: FloatFormat) -> String {
    switch f.classify(x) {
    case .nan: return "NaN"
    case .infinity: return f.sign(x) == 1 ? "-inf" : "+inf"
    default:
        let v = f.doubleValue(x)
        if v == 0 { return f.sign(x) == 1 ? "-0" : "+0" }
        return (v > 0 ? "+" : "") + String(format: "%.9g", v)
    }
}

/// Which SPEC.md rule decides the golden result for an operand pair.
public enum SpecRule {
    public static func explain(_ unit: ArithmeticUnit, _ a: UInt32, _ b: UInt32) -> String {
        let f = unit.format
        if let own = unit.kind.type.explainPair(a, b, f) { return own }
        let ca = f.classify(a), cb = f.classify(b)
        let subnormalIsZero = unit.kind.type.subnormalInputsAreZero
        func zeroLike(_ c: FloatClass) -> Bool { c == .zero || (subnormalIsZero && c == .subnormal) }
        if ca == .nan || cb == .nan { return "Formats: any NaN input gives the canonical NaN (\(hex(f.canonicalNaN, f)))" }
        if ca == .infinity || cb == .infinity {
            if zeroLike(ca) || zeroLike(cb) {
                return subnormalIsZero && (ca == .subnormal || cb == .subnormal)
                    ? "\(unit.kind.specRule): a subnormal input is zero, so inf * subnormal is NaN"
                    : "Formats: inf * 0 gives the canonical NaN"
            }
            return "Formats: inf * finite nonzero gives inf with sign sa ^ sb"
        }
        if zeroLike(ca) || zeroLike(cb) {
            return (ca == .subnormal || cb == .subnormal)
                ? "\(unit.kind.specRule): zero or subnormal inputs are treated as zero; the result is signed zero (sa ^ sb)"
                : "Formats: a zero input gives signed zero (sign sa ^ sb)"
        }
        let y = unit.emulate(a, b)
        let mag = y & f.magnitudeMask
        let ovf = unit.overflow == .saturate ? "saturate to max finite" : (f.hasInfinity ? "infinity" : "canonical NaN")
        if mag == f.maxFinite && f.isFinite {
            // no other overflow rule to compare with: max finite is the result or the saturation
            return "Finite formats: overflow always saturates; the result is max finite (exact, or saturated)"
        }
        if mag == f.maxFinite || f.classify(y) == .infinity || (f.classify(y) == .nan) {
            if unit.emulate(a, b) != GoldenModel(unit.kind, f, overflow: unit.overflow == .saturate ? .infinity : .saturate)(a, b) {
                return "Overflow: the result is beyond max finite, decided on the rounded result -> \(ovf)"
            }
        }
        return unit.kind.type.explain(result: y, f)
    }
}

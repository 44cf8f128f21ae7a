/// The decisions one round-to-nearest-even takes (SPEC: "rounded to nearest, ties to even, with
/// gradual underflow", the rule of `fpmul`, `fpadd` and the MX dot's one rounding to fp32), read
/// off the exact value before rounding: where it lies (a normal binade, a subnormal binade, below
/// the smallest subnormal, beyond the range), the bit kept last (L), the guard bit (G, the first
/// bit below it), the round bit (R, the next) and the sticky bit (S, any bit below R), whether
/// rounding up carries out of the kept significand, and where it sits against the largest finite
/// value. Stimulus is built to reach every class and runs count the classes they reached.
public struct RoundingDecision: Hashable, Sendable {
    public enum Region: Hashable, Sendable {
        /// A normal binade: the exponent field of the exact value's leading one (1...max field).
        case normal(field: Int)
        /// A subnormal binade: `h` places above the smallest subnormal (0...M-1).
        case subnormal(h: Int)
        /// Below the smallest subnormal (the result is zero or the smallest subnormal).
        case belowSubnormal
        /// The leading one above the largest finite binade.
        case beyondRange
    }

    /// The exact value against the largest finite value `max` and the threshold `max + ulp/2`.
    public enum OverflowSide: String, Hashable, Sendable, CaseIterable {
        /// exactly the largest finite value
        case maxFiniteExact = "largest finite exactly"
        /// above it, below the threshold: rounds down to it
        case roundsDownToMaxFinite = "just above, rounds to it"
        /// exactly the threshold (a tie)
        case atThreshold = "at the rounding threshold"
        /// above the threshold, in the largest finite binade
        case aboveThreshold = "just above the threshold"
        /// a leading one beyond the largest finite binade
        case beyondRange = "beyond the range"
    }

    public let region: Region
    public let lsb: Bool
    public let guardBit: Bool
    public let roundBit: Bool
    public let sticky: Bool
    /// Rounding up carries out of the kept significand (it is all ones): into the next binade, or
    /// from the subnormal range into the smallest normal.
    public let carries: Bool
    /// Places from R down to the highest set bit below it (1: the bit right below R); 0 without sticky.
    public let stickyDistance: Int
    public let overflow: OverflowSide?

    /// `G, R, S` as 0...7 (G the high bit).
    public var grs: Int { (guardBit ? 4 : 0) | (roundBit ? 2 : 0) | (sticky ? 1 : 0) }
    public var roundsUp: Bool { guardBit && (roundBit || sticky || lsb) }
    /// An exact tie (G = 1, R = S = 0): even when L = 0 (rounds down), odd when L = 1 (rounds up).
    public var isTie: Bool { guardBit && !roundBit && !sticky }
    public var isSubnormal: Bool {
        switch region {
        case .subnormal, .belowSubnormal: return true
        case .normal, .beyondRange: return false
        }
    }

    /// The decisions rounding the nonzero `magnitude * 2^exponent` into `f` takes.
    public static func classify(magnitude: UInt128, exponent: Int, format f: FloatFormat) -> RoundingDecision {
        precondition(magnitude != 0, "a zero value is not rounded")
        let m = f.mantissaBits, emin = 1 - f.bias
        let t = 127 - magnitude.leadingZeroBitCount
        let k = t + exponent                         // the value is in [2^k, 2^(k+1))
        let j = max(k, emin) - m - exponent          // the bit position of the last kept place
        func bit(_ i: Int) -> Bool { i >= 0 && i < 128 && (magnitude >> UInt128(i)) & 1 == 1 }
        let below: UInt128 = j - 2 >= 128 ? magnitude : j - 2 > 0 ? magnitude & ((UInt128(1) << UInt128(j - 2)) - 1) : 0
        let distance = below == 0 ? 0 : (j - 3) - (127 - below.leadingZeroBitCount) + 1
        let kept: UInt128 = j >= 128 ? 0 : j >= 0 ? magnitude >> UInt128(j) : magnitude << UInt128(-j)
        let region: Region
        if k >= emin {
            let field = k + f.bias
            region = field > f.maxFiniteExponentField ? .beyondRange : .normal(field: field)
        } else {
            let h = k - (emin - m)
            region = h >= 0 ? .subnormal(h: h) : .belowSubnormal
        }
        let l = bit(j), g = bit(j - 1), r = bit(j - 2), s = below != 0
        let up = g && (r || s || l)
        let width = k >= emin ? m + 1 : m            // kept significand bits (with the hidden one when normal)
        let allOnes = j >= 0 && kept == (UInt128(1) << UInt128(width)) - 1
        var side: OverflowSide? = nil
        switch region {
        case .beyondRange: side = .beyondRange
        case .normal(let field) where field == f.maxFiniteExponentField:
            let maxSig = UInt128(f.maxFinite & f.fractionMask) | (UInt128(1) << UInt128(m))
            if kept > maxSig { side = .beyondRange }
            else if kept == maxSig { side = !g ? (r || s ? .roundsDownToMaxFinite : .maxFiniteExact) : (r || s ? .aboveThreshold : .atThreshold) }
        default: break
        }
        return RoundingDecision(region: region, lsb: l, guardBit: g, roundBit: r, sticky: s, carries: allOnes && up,
                                stickyDistance: distance, overflow: side)
    }
}

/// Which rounding decisions a set of exact values exercised, and which of them a stimulus must
/// reach (`required(span:)`).
public struct RoundingCoverage: Sendable, Equatable {
    public let format: FloatFormat
    public var values = 0
    public var normalFields: Set<Int> = []
    public var subnormalBinades: Set<Int> = []
    public var belowSubnormal = 0
    /// [0]: normal results, [1]: subnormal (and below), indexed by `grs`.
    public var grs: [[Int]] = [Array(repeating: 0, count: 8), Array(repeating: 0, count: 8)]
    /// [normal/subnormal][even/odd]
    public var ties: [[Int]] = [[0, 0], [0, 0]]
    public var binadeCarries = 0
    public var subnormalToNormal = 0
    /// Sticky set only by bits at least `farSticky` places below R.
    public var farSticky: [Int] = [0, 0]
    public static let farDistance = 8
    public var overflow: [RoundingDecision.OverflowSide: Int] = [:]

    public init(format: FloatFormat) { self.format = format }

    public mutating func add(_ d: RoundingDecision) {
        values += 1
        let sub = d.isSubnormal ? 1 : 0
        switch d.region {
        case .normal(let field): normalFields.insert(field)
        case .subnormal(let h): subnormalBinades.insert(h)
        case .belowSubnormal: belowSubnormal += 1
        case .beyondRange: break
        }
        if d.region != .beyondRange {
            grs[sub][d.grs] += 1
            if d.isTie { ties[sub][d.lsb ? 1 : 0] += 1 }
            if d.stickyDistance >= Self.farDistance { farSticky[sub] += 1 }
        }
        if d.carries {
            if case .subnormal = d.region { subnormalToNormal += 1 } else if case .normal = d.region { binadeCarries += 1 }
        }
        if let o = d.overflow { overflow[o, default: 0] += 1 }
    }

    public mutating func add(magnitude: UInt128, exponent: Int) {
        add(RoundingDecision.classify(magnitude: magnitude, exponent: exponent, format: format))
    }

    /// One decision class: a name and whether this coverage reached it.
    public struct Requirement: Sendable, Equatable {
        public let name: String
        public let reached: Bool
    }

    /// Every decision class a stimulus whose exact values have at most `span` significant bits
    /// (leading one to lowest set bit) can reach: every binade, each G/R/S combination and tie
    /// parity in the normal and the subnormal range, the carries and the overflow boundary from
    /// both sides. A class needing more bits than `span` (a normal G needs M + 2: M + 1 kept bits
    /// and the guard) is left out; `subnormalReachable` narrows the subnormal G/R/S classes when
    /// the values are single products (block size 1), whose bit patterns are few.
    /// `onSubnormalGrid`: every exact value is a multiple of the smallest subnormal (a sum of two
    /// values of the format, the adder's): a subnormal result is then exact, so nothing lies below
    /// the smallest subnormal and no subnormal G/R/S, tie or carry is reachable.
    public func requirements(span: Int, subnormalPatterns: Set<Int>? = nil, onSubnormalGrid: Bool = false) -> [Requirement] {
        let m = format.mantissaBits, maxField = format.maxFiniteExponentField
        let subnormalPatterns = onSubnormalGrid ? [0] : subnormalPatterns
        var out: [Requirement] = []
        let missingFields = (1...maxField).filter { !normalFields.contains($0) }
        out.append(Requirement(name: "normal binades (\(maxField))", reached: missingFields.isEmpty))
        out.append(Requirement(name: "subnormal binades (\(m))", reached: subnormalBinades.count == m))
        if !onSubnormalGrid { out.append(Requirement(name: "below the smallest subnormal", reached: belowSubnormal > 0)) }
        for c in 0..<8 {
            let need = c & 1 != 0 ? m + 4 : c & 2 != 0 ? m + 3 : c & 4 != 0 ? m + 2 : 1
            if span >= need { out.append(Requirement(name: "normal G/R/S = \(Self.grsName(c))", reached: grs[0][c] > 0)) }
        }
        for c in 0..<8 where subnormalPatterns?.contains(c) ?? true {
            out.append(Requirement(name: "subnormal G/R/S = \(Self.grsName(c))", reached: grs[1][c] > 0))
        }
        if span >= m + 2 {
            out.append(Requirement(name: "normal tie, even", reached: ties[0][0] > 0))
            out.append(Requirement(name: "normal tie, odd", reached: ties[0][1] > 0))
            out.append(Requirement(name: "carry into the next binade", reached: binadeCarries > 0))
        }
        if subnormalPatterns?.contains(4) ?? true { out.append(Requirement(name: "subnormal tie, even", reached: ties[1][0] > 0)) }
        if span >= 2 && subnormalPatterns?.contains(4) ?? true { out.append(Requirement(name: "subnormal tie, odd", reached: ties[1][1] > 0)) }
        if span >= m + 1 && !onSubnormalGrid { out.append(Requirement(name: "subnormal rounds up to the smallest normal", reached: subnormalToNormal > 0)) }
        let needs: [(RoundingDecision.OverflowSide, Int)] = [(.maxFiniteExact, m + 1), (.roundsDownToMaxFinite, m + 3), (.atThreshold, m + 2),
                                                              (.aboveThreshold, m + 3), (.beyondRange, 1)]
        for (side, need) in needs where span >= need {
            out.append(Requirement(name: "overflow boundary: \(side.rawValue)", reached: (overflow[side] ?? 0) > 0))
        }
        return out
    }

    static func grsName(_ c: Int) -> String { "\(c >> 2)\((c >> 1) & 1)\(c & 1)" }

    /// One line: "binades 254/254 normal, 23/23 subnormal, 40 below; G/R/S normal 000:n ... ; ...".
    public func summary() -> String {
        let m = format.mantissaBits, maxField = format.maxFiniteExponentField
        func combos(_ i: Int) -> String { (0..<8).map { "\(Self.grsName($0)):\(grs[i][$0])" }.joined(separator: " ") }
        let sides = RoundingDecision.OverflowSide.allCases.map { "\($0.rawValue) \(overflow[$0] ?? 0)" }.joined(separator: ", ")
        return "binades \(normalFields.count)/\(maxField) normal, \(subnormalBinades.count)/\(m) subnormal, \(belowSubnormal) below the smallest subnormal; "
            + "G/R/S normal [\(combos(0))], subnormal [\(combos(1))]; "
            + "ties normal even \(ties[0][0]) odd \(ties[0][1]), subnormal even \(ties[1][0]) odd \(ties[1][1]); "
            + "carries: next binade \(binadeCarries), subnormal to normal \(subnormalToNormal); "
            + "sticky only from \(Self.farDistance)+ places below R: normal \(farSticky[0]), subnormal \(farSticky[1]); "
            + "overflow: \(sides)"
    }
}

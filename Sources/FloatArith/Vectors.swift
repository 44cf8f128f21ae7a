/// Operand pairs for checking a unit: exhaustive where the space allows, otherwise TestFloat-style
/// corner cases (exponent extremes x fraction patterns, every special value) plus seeded random
/// pairs, a share of them steered to the underflow and overflow boundaries of the product.

/// SplitMix64: small, fast, and the same sequence on every machine for a given seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

public enum VectorPlan: Equatable, Sendable {
    /// All `2^(2N)` pairs, `a` major.
    case exhaustive
    /// Every pair of corner operands, then `random` seeded random pairs.
    case sampled(random: Int, seed: UInt64)

    /// Exhaustive when the format is at most 8 bits wide (65,536 pairs), sampled otherwise.
    public static func standard(for f: FloatFormat, random: Int = 100_000, seed: UInt64 = 1) -> VectorPlan {
        f.width <= 8 ? .exhaustive : .sampled(random: random, seed: seed)
    }
}

public enum Vectors {
    /// Corner operands: exponent fields at and around 0, 1, the bias and the top, crossed with
    /// fraction patterns (zero, one, all ones, top bit, alternating, ...), both signs. Includes
    /// zeros, subnormals, max finite, infinity and NaNs.
    public static func cornerOperands(_ f: FloatFormat) -> [UInt32] {
        let top = Int(f.exponentMask)
        let exps = [0, 1, 2, f.bias / 2, f.bias - 1, f.bias, f.bias + 1, top - 2, top - 1, top]
        let m = f.mantissaBits
        let ones = Int(f.fractionMask)
        var alt = 0
        for i in stride(from: 0, to: m, by: 2) { alt |= 1 << i }
        let fracs = [0, 1, 2, 3, ones, ones - 1, ones - 2, 1 << (m - 1), (1 << (m - 1)) + 1, (1 << (m - 1)) - 1,
                     alt, ones ^ alt, ones >> (m / 2), ones ^ (ones >> (m / 2))]
        var seen = Set<UInt32>()
        var out: [UInt32] = []
        for s in [0, 1] {
            for e in exps where e >= 0 && e <= top {
                for fr in fracs where fr >= 0 && fr <= ones {
                    let x = (UInt32(s) << UInt32(f.width - 1)) | (UInt32(e) << UInt32(m)) | UInt32(fr)
                    if seen.insert(x).inserted { out.append(x) }
                }
            }
        }
        return out
    }

    /// Random pairs: a quarter uniform over all encodings, a quarter whose exponents put the
    /// product near the underflow boundary, a quarter near overflow, a quarter near 1.0.
    public static func randomPairs(_ f: FloatFormat, count: Int, seed: UInt64) -> [(UInt32, UInt32)] {
        var rng = SplitMix64(seed: seed)
        var out: [(UInt32, UInt32)] = []
        out.reserveCapacity(count)
        let top = Int(f.exponentMask)
        let maxE = f.maxFiniteExponentField
        func enc(_ s: UInt64, _ e: Int, _ fr: UInt64) -> UInt32 {
            let e = min(max(e, 0), top)
            return (UInt32(s & 1) << UInt32(f.width - 1)) | (UInt32(e) << UInt32(f.mantissaBits)) | (UInt32(truncatingIfNeeded: fr) & f.fractionMask)
        }
        for i in 0..<count {
            let r = rng.next(), fa = rng.next(), fb = rng.next(), jitter = Int(rng.next() % 5) - 2
            let ea = Int(rng.next() % UInt64(top + 1))
            switch i % 4 {
            case 0:
                out.append((UInt32(truncatingIfNeeded: fa) & (f.signMask | f.magnitudeMask),
                            UInt32(truncatingIfNeeded: fb) & (f.signMask | f.magnitudeMask)))
            case 1:   // ea + eb - bias close to 0: results at the subnormal/zero boundary
                out.append((enc(r, ea, fa), enc(r >> 1, f.bias - ea + jitter, fb)))
            case 2:   // ea + eb - bias close to the top: results at the overflow boundary
                out.append((enc(r, ea, fa), enc(r >> 1, maxE + f.bias - ea + jitter, fb)))
            default:  // both near 1.0: ordinary products, rounding carries
                out.append((enc(r, f.bias + jitter, fa), enc(r >> 1, f.bias - jitter + Int(r >> 2 & 1), fb)))
            }
        }
        return out
    }

    /// The operand pairs for `plan`, in a fixed order.
    public static func pairs(_ f: FloatFormat, plan: VectorPlan) -> [(UInt32, UInt32)] {
        switch plan {
        case .exhaustive:
            let n = UInt32(f.encodingCount)
            var out: [(UInt32, UInt32)] = []
            out.reserveCapacity(Int(n) * Int(n))
            for a in 0..<n { for b in 0..<n { out.append((a, b)) } }
            return out
        case .sampled(let random, let seed):
            let c = cornerOperands(f)
            var out: [(UInt32, UInt32)] = []
            out.reserveCapacity(c.count * c.count + random)
            for a in c { for b in c { out.append((a, b)) } }
            return out + randomPairs(f, count: random, seed: seed)
        }
    }
}

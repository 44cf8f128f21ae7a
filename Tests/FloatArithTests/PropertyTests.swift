import FloatArith
import Units
import Testing

/// Algebraic properties every unit must have, checked over all pairs of 8-bit formats.
@Suite struct PropertyTests {
    static let formats = [FloatFormat.e4m3, .e5m2]

    @Test(arguments: formats)
    func commutative(_ f: FloatFormat) {
        for kind in UnitKind.allCases {
            let g = GoldenModel(kind, f)
            for a in 0..<UInt32(f.encodingCount) {
                for b in a..<UInt32(f.encodingCount) where g(a, b) != g(b, a) {
                    Issue.record("\(kind) \(f) is not commutative at a=\(a) b=\(b)")
                    return
                }
            }
        }
    }

    /// Flipping the sign of an operand flips the sign of the result and nothing else (NaN aside).
    @Test(arguments: formats)
    func signSymmetric(_ f: FloatFormat) {
        for kind in UnitKind.allCases {
            let g = GoldenModel(kind, f)
            for a in 0..<UInt32(f.encodingCount) {
                for b in 0..<UInt32(f.encodingCount) {
                    let y = g(a, b), y2 = g(a ^ f.signMask, b)
                    if f.isNaN(y) { #expect(y == f.canonicalNaN && y2 == f.canonicalNaN); continue }
                    if y2 != y ^ f.signMask {
                        Issue.record("\(kind) \(f): sign symmetry fails at a=\(a) b=\(b)")
                        return
                    }
                }
            }
        }
    }

    /// fpmul and fpmul_ftz are monotonic in each operand: for a fixed positive finite b, a larger
    /// finite a never gives a smaller product.
    @Test(arguments: formats)
    func fpmulMonotonic(_ f: FloatFormat) {
        let positives = (0...f.maxFinite).sorted { f.doubleValue($0) < f.doubleValue($1) }
        for kind in [UnitKind.fpmul, .fpmulFTZ] {
            let g = GoldenModel(kind, f)
            for b in positives {
                var last = -Double.infinity
                for a in positives {
                    let v = f.doubleValue(g(a, b))
                    if v < last {
                        Issue.record("\(kind) \(f) not monotonic at a=\(a) b=\(b)")
                        return
                    }
                    last = v
                }
            }
        }
    }

    /// fpmul returns the exact product whenever the format can represent it.
    @Test(arguments: formats)
    func fpmulExactWhenRepresentable(_ f: FloatFormat) {
        var representable: [Double: UInt32] = [:]
        for x in 0..<UInt32(f.encodingCount) where f.classify(x) != .nan && f.classify(x) != .infinity {
            representable[f.doubleValue(x)] = x
        }
        var exactCases = 0
        for a in 0..<UInt32(f.encodingCount) where representable[f.doubleValue(a)] != nil {
            for b in 0..<UInt32(f.encodingCount) where representable[f.doubleValue(b)] != nil {
                let p = f.doubleValue(a) * f.doubleValue(b)
                guard representable[p] != nil else { continue }
                exactCases += 1
                #expect(f.doubleValue(GoldenModel(.fpmul, f)(a, b)) == p, "\(f) a=\(a) b=\(b)")
            }
        }
        #expect(exactCases > 1000)
    }

    @Test func vectorPlans() {
        #expect(Vectors.pairs(.e4m3, plan: .exhaustive).count == 65536)
        let corners = Vectors.cornerOperands(.bf16)
        let f = FloatFormat.bf16
        // every class is among the corners, with both signs
        for c in FloatClass.allCases {
            #expect(corners.contains { f.classify($0) == c && f.sign($0) == 0 })
            #expect(corners.contains { f.classify($0) == c && f.sign($0) == 1 })
        }
        #expect(corners.contains(f.maxFinite) && corners.contains(f.minNormal) && corners.contains(1) && corners.contains(f.infinity!))
        // seeded: same seed, same pairs; another seed, other pairs
        let r1 = Vectors.randomPairs(f, count: 100, seed: 5), r2 = Vectors.randomPairs(f, count: 100, seed: 5)
        let r3 = Vectors.randomPairs(f, count: 100, seed: 6)
        #expect(r1.map(\.0) == r2.map(\.0) && r1.map(\.1) == r2.map(\.1) && r1.map(\.0) != r3.map(\.0))
        // a share of the random pairs lands at the underflow and overflow boundaries
        let g = GoldenModel(.fpmul, f)
        let pairs = Vectors.randomPairs(f, count: 4000, seed: 1)
        let subnormalResults = pairs.filter { f.classify(g($0.0, $0.1)) == .subnormal }.count
        let saturated = pairs.filter { g($0.0, $0.1) & f.magnitudeMask == f.maxFinite }.count
        #expect(subnormalResults > 100 && saturated > 100)
    }
}

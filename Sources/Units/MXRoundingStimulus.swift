import FloatArith

/// Block pairs built from the decisions of the MX dot's one rounding to fp32 (SPEC "MX block
/// formats and the MX dot product": the exact sum times both scales, rounded once, nearest even,
/// gradual underflow, overflow to infinity), not sampled: each is solved for.
///
/// The exact sum of a block is `N * 2^e`, N an integer whose bits decide the rounding; the
/// scales move it to any binade without changing N. So the construction first searches small
/// element combinations for sums N with the wanted bits at a chosen offset below N's leading one
/// (23 places: the kept bit L of a normal result, then G, R and S below it; fewer places: a
/// subnormal result, whose last place is fixed at 2^-149), from single products and from the sum
/// or difference of two products `m1 * 2^d +- m2` (odd significands m, every exponent difference d
/// the element format reaches); then picks the scales that put each N's leading one in the
/// target binade. For each class it keeps the first sum found (sticky bits near R) and the one
/// whose sticky bits lie farthest below R (they leave the datapath's frame in the subnormal
/// shift), each placed twice: with the products at the smallest and at the largest exponents
/// that give it (low and high in the adder's word). `RoundingCoverage` (FloatArith) checks the
/// result: the golden model classifies every block, nothing here is trusted.
extension MXDotDesign {
    /// A product magnitude `m * 2^e`, m odd, and an element pair (both signs positive) giving it.
    struct OddProduct {
        let exponents: [Int: (UInt32, UInt32)]
        var lowest: Int { exponents.keys.min()! }
        var highest: Int { exponents.keys.max()! }
    }

    /// Every nonzero finite product magnitude by odd significand.
    func oddProducts() -> [UInt64: OddProduct] {
        let f = element
        var map: [UInt64: [Int: (UInt32, UInt32)]] = [:]
        let positive = (0..<UInt32(1 << (f.width - 1))).filter { f.classify($0) != .nan && f.classify($0) != .infinity }
        for a in positive {
            for b in positive {
                guard case .finite(let v) = MXDot.product(a, b, f, rule), v.significand != 0 else { continue }
                let tz = v.significand.trailingZeroBitCount
                let m = v.significand >> UInt64(tz), e = v.exponent + tz
                if map[m]?[e] == nil { map[m, default: [:]][e] = (a, b) }
            }
        }
        return map.mapValues { OddProduct(exponents: $0) }
    }

    /// A sum `m1 * 2^d + sign * m2` (or the single product m1 when m2 is 0), in units of m2's place.
    struct Combination {
        let m1: UInt64, m2: UInt64, d: Int, subtract: Bool
        var value: UInt128 {
            let big = UInt128(m1) << UInt128(d)
            return m2 == 0 ? big : !subtract ? big + UInt128(m2) : big >= UInt128(m2) ? big - UInt128(m2) : UInt128(m2) - big
        }
    }

    /// Offsets of the last kept place below the sum's leading one that the search aims at: 23 is a
    /// normal result; 22...0 a subnormal one in that binade; below 0 a value under the smallest
    /// subnormal.
    static let roundingOffsets = [23, 22, 21, 16, 8, 2, 1, 0, -1, -2, -3]

    struct PatternKey: Hashable {
        let offset: Int, pattern: Int, allOnes: Bool
    }

    /// (L, G, R, S) of `n` at `offset` places below its leading one, the distance of the sticky
    /// bits below R and whether the kept bits are all ones.
    static func pattern(_ n: UInt128, offset: Int) -> (pattern: Int, distance: Int, allOnes: Bool) {
        let t = 127 - n.leadingZeroBitCount, j = t - offset
        func bit(_ i: Int) -> Int { i >= 0 && i < 128 ? Int((n >> UInt128(i)) & 1) : 0 }
        let below: UInt128 = j - 2 > 0 ? n & ((UInt128(1) << UInt128(j - 2)) - 1) : 0
        let distance = below == 0 ? 0 : (j - 3) - (127 - below.leadingZeroBitCount) + 1
        let allOnes = offset >= 0 && j >= 0 && (n >> UInt128(j)) == (UInt128(1) << UInt128(offset + 1)) - 1
        return ((bit(j) << 3) | (bit(j - 1) << 2) | (bit(j - 2) << 1) | (below != 0 ? 1 : 0), distance, allOnes)
    }

    /// The rounding-decision block pairs (see the extension's comment).
    public func roundingBlocks() -> [BlockPair] {
        let products = oddProducts()
        guard !products.isEmpty else { return [] }
        let odd = products.keys.sorted()
        let farCap = 40
        var near: [PatternKey: Combination] = [:], far: [PatternKey: (Combination, Int)] = [:]
        func consider(_ c: Combination) {
            let n = c.value
            guard n != 0 else { return }
            for o in Self.roundingOffsets {
                let (p, distance, ones) = Self.pattern(n, offset: o)
                for key in [PatternKey(offset: o, pattern: p, allOnes: false)] + (ones && o >= 22 ? [PatternKey(offset: o, pattern: p, allOnes: true)] : []) {
                    if near[key] == nil { near[key] = c }
                    if p & 1 == 1, distance > (far[key]?.1 ?? 0) { far[key] = (c, distance) }
                }
            }
        }
        for m in odd { consider(Combination(m1: m, m2: 0, d: 0, subtract: false)) }
        if blockSize >= 2 {
            // exponent differences each pair of odd significands reaches
            var maxD = 0
            for p in products.values { maxD = max(maxD, p.highest - products.values.map(\.lowest).min()!) }
            maxD = min(maxD, 100)
            for d in 0...maxD {
                for m1 in odd {
                    let p1 = products[m1]!
                    for m2 in odd {
                        let p2 = products[m2]!
                        guard p1.highest - p2.lowest >= d, p1.lowest - p2.highest <= d,
                              p2.exponents.keys.contains(where: { p1.exponents[$0 + d] != nil }) else { continue }
                        consider(Combination(m1: m1, m2: m2, d: d, subtract: false))
                        if d > 0 || m1 != m2 { consider(Combination(m1: m1, m2: m2, d: d, subtract: true)) }
                    }
                }
                if d > 24, far.values.allSatisfy({ $0.1 >= farCap }), near.count == far.count + near.keys.filter({ $0.pattern & 1 == 0 }).count {
                    break
                }
            }
        }

        // Placement: the scales that put the sum's leading one at binade k (unbiased).
        var out: [BlockPair] = []
        var variant = 0
        let f = element, k = blockSize
        func place(_ c: Combination, k target: Int, high: Bool, negative: Bool) {
            let p1 = products[c.m1]!
            var e2 = 0, pairs: [(UInt32, UInt32)] = []
            if c.m2 == 0 {
                e2 = high ? p1.highest : p1.lowest
                pairs = [p1.exponents[e2]!]
            } else {
                let p2 = products[c.m2]!
                let shared = p2.exponents.keys.filter { p1.exponents[$0 + c.d] != nil }.sorted()
                guard let e = high ? shared.last : shared.first else { return }
                e2 = e
                pairs = [p1.exponents[e + c.d]!, p2.exponents[e]!]
            }
            let n = c.value
            let t = 127 - n.leadingZeroBitCount
            let scaleSum = target - t - e2 + 254
            guard scaleSum >= 0 && scaleSum <= 508 else { return }
            variant += 1
            let xa = variant % 2 == 0 ? min(scaleSum, 254) : scaleSum / 2
            var a = [UInt32](repeating: 0, count: k), b = a
            let lanes = k == 1 ? [0] : [[0, k - 1], [k - 1, 0], [k / 2, k / 2 - 1], [1, 0]][variant % 4]
            for (i, (x, y)) in pairs.enumerated() {
                // the difference's second product negative; the whole sum negated when asked
                let sign = (negative != (i == 1 && c.subtract)) ? f.signMask : 0
                a[lanes[i]] = x | sign
                b[lanes[i]] = y
            }
            out.append(BlockPair(a: a, b: b, xa: UInt8(xa), xb: UInt8(scaleSum - xa)))
        }
        let normalBinades = [-126, -125, -64, 0, 1, 64, 126, 127]
        var classes = Array(Set(near.keys)).sorted { ($0.offset, $0.pattern, $0.allOnes ? 1 : 0) > ($1.offset, $1.pattern, $1.allOnes ? 1 : 0) }
        classes = classes.filter { $0.offset == 23 || !$0.allOnes || $0.offset == 22 }
        for (ci, key) in classes.enumerated() {
            let instances = [near[key]!] + (far[key].map { [$0.0] } ?? [])
            for (ii, c) in instances.enumerated() {
                for high in [false, true] {
                    let negative = (ci + ii + (high ? 1 : 0)) % 2 == 1
                    if key.offset == 23 {
                        for b in (key.allOnes ? [126, 127] : normalBinades) { place(c, k: b, high: high, negative: negative) }
                    } else {
                        place(c, k: key.offset - 149, high: high, negative: negative)
                    }
                }
            }
        }
        // The normalising shift's every amount: the exact sum's leading one at every place of the
        // adder's word (units of the product LSB), from single products and from the sums and
        // differences of products next to each other in size (cancellation down to the low places).
        let lsb = productLSB
        var absolute: [(value: UInt128, pair: (UInt32, UInt32))] = []
        for (m, p) in products { for (e, pair) in p.exponents { absolute.append((UInt128(m) << UInt128(e - lsb), pair)) } }
        absolute.sort { ($0.value, $0.pair.0, $0.pair.1) < ($1.value, $1.pair.0, $1.pair.1) }   // deterministic: no dictionary order
        // keyed by the leading one's place and the bit below it (each half of a leading-zero count's last mux)
        var byTop: [Int: [(pair: (UInt32, UInt32), negative: Bool)]] = [:]
        func top(_ v: UInt128) -> Int { 127 - v.leadingZeroBitCount }
        func key(_ v: UInt128) -> Int { let t = top(v); return 2 * t + (t > 0 ? Int((v >> UInt128(t - 1)) & 1) : 0) }
        for x in absolute where byTop[key(x.value)] == nil { byTop[key(x.value)] = [(x.pair, false)] }
        if k >= 2 {
            for i in absolute.indices {
                for j in max(0, i - 3)..<i where absolute[i].value != absolute[j].value {
                    let t = key(absolute[i].value - absolute[j].value)
                    if byTop[t] == nil { byTop[t] = [(absolute[i].pair, false), (absolute[j].pair, true)] }
                    let u = key(absolute[i].value + absolute[j].value)
                    if byTop[u] == nil { byTop[u] = [(absolute[i].pair, false), (absolute[j].pair, false)] }
                }
            }
        }
        for (key, terms) in byTop.sorted(by: { $0.key < $1.key }) {
            let t = key / 2
            for (n, target) in [0, -140, 127].enumerated() {
                let scaleSum = target - (t + lsb) + 254
                guard scaleSum >= 0 && scaleSum <= 508 else { continue }
                var a = [UInt32](repeating: 0, count: k), b = a
                let lanes = k == 1 ? [0] : [[0, k - 1], [k - 1, 0], [1, 0]][(t + n) % 3]
                for (i, term) in terms.enumerated() {
                    a[lanes[i]] = term.pair.0 | ((term.negative != (n == 1)) ? f.signMask : 0)
                    b[lanes[i]] = term.pair.1
                }
                let xa = (t + n) % 2 == 0 ? min(scaleSum, 254) : scaleSum / 2
                out.append(BlockPair(a: a, b: b, xa: UInt8(xa), xb: UInt8(scaleSum - xa)))
            }
        }
        // exact zero sums, which take no rounding (+0; -0 when every product is a negative zero),
        // at every scale sum: a product and its negation, zeros, negative zeros
        let representatives = odd.flatMap { m in products[m]!.exponents.keys.sorted().map { products[m]!.exponents[$0]! } }
        if !representatives.isEmpty {
            for (i, scaleSum) in (0...508).enumerated() {
                let pair = representatives[(i * 7) % representatives.count]
                let xa = i % 2 == 0 ? min(scaleSum, 254) : scaleSum / 2
                var a = [UInt32](repeating: i % 3 == 0 ? f.signMask : 0, count: k), b = [UInt32](repeating: 0, count: k)
                if k >= 2 {
                    let l0 = i % k, l1 = (i + 1 + (i / k)) % k == l0 ? (l0 + 1) % k : (i + 1 + (i / k)) % k
                    // the negation on a's sign or on b's, in either lane
                    a[l0] = pair.0; b[l0] = pair.1
                    if (i / 2) % 2 == 0 { a[l1] = pair.0 | f.signMask; b[l1] = pair.1 } else { a[l1] = pair.0; b[l1] = pair.1 | f.signMask }
                }
                out.append(BlockPair(a: a, b: b, xa: UInt8(xa), xb: UInt8(scaleSum - xa)))
            }
        }
        // every binade: a normal pattern (rotating over those found) at each exponent, every
        // subnormal binade and some below, and the leading one just beyond the range
        let normals = classes.filter { $0.offset == 23 && !$0.allOnes }
        if !normals.isEmpty {
            for (i, binade) in (-149...128).enumerated() {
                place(near[normals[i % normals.count]]!, k: binade, high: i % 2 == 0, negative: i % 3 == 0)
            }
        }
        return out
    }
}

extension MXDotDesign {
    /// The rounding decisions the blocks exercise (the golden model's exact scaled sums; blocks
    /// with a special result or an exact zero sum take no rounding and are not counted).
    public func roundingCoverage(_ blocks: [BlockPair]) -> RoundingCoverage {
        var c = RoundingCoverage(format: .fp32)
        for p in blocks {
            guard let s = MXDot.scaledSum(p.a, p.b, xa: p.xa, xb: p.xb, element: element, rule: rule) else { continue }
            c.add(magnitude: s.magnitude, exponent: s.exponent)
        }
        return c
    }

    /// The decision classes this design's sums can reach, each with whether `c` reached it. Block
    /// size 1: one product per sum, whose significant bits and subnormal G/R/S patterns are
    /// enumerated; otherwise the sum's magnitude bits bound what a class needs.
    public func roundingRequirements(_ c: RoundingCoverage) -> [RoundingCoverage.Requirement] {
        guard blockSize == 1 else { return c.requirements(span: sumBits - 1) }
        let odd = oddProducts().keys
        let span = odd.map { 64 - $0.leadingZeroBitCount }.max() ?? 0
        var patterns = Set<Int>()
        for m in odd {
            let n = UInt128(m), bits = 64 - m.leadingZeroBitCount
            for o in -4...(bits + 2) { patterns.insert(Self.pattern(n, offset: o).pattern & 7) }
        }
        return c.requirements(span: span, subnormalPatterns: patterns)
    }
}

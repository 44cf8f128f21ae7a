import FloatArith

/// Issue 38 item 3 (d): the scalar units' and the adder's stimulus checked against the same
/// rounding-decision list as the MX dots (`RoundingDecision`, `RoundingCoverage`). A unit rounds
/// when SPEC says so: the exact multipliers (`fpmul`: the exact product, nearest even, gradual
/// underflow; `fpmul_ftz` the same value, tininess after rounding) and the accumulation adder
/// (`fpadd`: the exact sum). The L-Mul forms and Mitchell truncate: they take no rounding decision.
extension ArithmeticUnit {
    /// Whether the unit rounds an exact value (SPEC): an exact-product multiplier or an adder.
    public var rounds: Bool {
        if !kind.role.isMultiplier { return true }
        if case .exact? = kind.mxProduct(format) { return true }
        return false
    }

    /// The exact value the unit rounds for operands `a`, `b` (`magnitude * 2^exponent`), nil when
    /// the unit does not round, an operand is NaN or infinite (or reads as zero), or the value is
    /// exactly zero.
    public func exactValue(_ a: UInt32, _ b: UInt32) -> (magnitude: UInt128, exponent: Int)? {
        guard rounds, let x = format.exactValue(a), let y = format.exactValue(b) else { return nil }
        if kind.role.isMultiplier {
            if case .exact(let flush)? = kind.mxProduct(format), flush,
               format.classify(a) == .subnormal || format.classify(b) == .subnormal { return nil }
            let m = UInt128(x.significand) * UInt128(y.significand)
            return m == 0 ? nil : (m, x.exponent + y.exponent)
        }
        // the adder: the exact sum, aligned to the lower exponent (SPEC's formats: within 2^127)
        let nonzero = [x, y].filter { $0.significand != 0 }
        guard let low = nonzero.map(\.exponent).min() else { return nil }
        var sum: Int128 = 0
        for v in nonzero {
            let shift = v.exponent - low
            guard shift < 100 else { return nil }
            let t = Int128(v.significand) << shift
            sum += v.negative ? -t : t
        }
        return sum == 0 ? nil : (sum.magnitude, low)
    }

    /// The rounding decisions the operand pairs exercise; nil for a unit that does not round.
    public func roundingCoverage(_ pairs: [(UInt32, UInt32)]) -> RoundingCoverage? {
        guard rounds else { return nil }
        var c = RoundingCoverage(format: format)
        for (a, b) in pairs {
            if let v = exactValue(a, b) { c.add(magnitude: v.magnitude, exponent: v.exponent) }
        }
        return c
    }

    /// The classes the unit can reach: a product of two significands has at most 2M + 2 bits; a
    /// sum of two values any span, but on the smallest subnormal's grid (a subnormal sum is exact).
    /// `exhaustive`: the pairs are every input, so a class they miss is unreachable (e4m3's
    /// overflow threshold 1.1101b * 2^8 would need the prime 29 as a product of two 4-bit
    /// significands): only the classes reached are listed.
    public func roundingRequirements(_ c: RoundingCoverage, exhaustive: Bool = false) -> [RoundingCoverage.Requirement] {
        let all = kind.role.isMultiplier ? c.requirements(span: 2 * format.mantissaBits + 2) : c.requirements(span: 128, onSubnormalGrid: true)
        return exhaustive ? all.filter(\.reached) : all
    }
}

extension ArithmeticUnit {
    /// Operand pairs solved for the rounding decisions (for formats too wide to enumerate): the
    /// exact value's significand N (a product `sa * sb` of two normal significands, or a sum
    /// `sa * 2^d +- sb`) is searched over structured candidates for each (L, G, R, S) pattern at
    /// the normal offset M below its leading one and at subnormal offsets, for kept bits all ones
    /// (carries, the overflow boundary), then the exponent fields are chosen to put it in the
    /// target binade. Products: `(2^M + a)(2^(M+1) - 2a) = 2^(2M+1) - 2a^2` gives kept bits all
    /// ones with every G/R/S below them; `3 * 2^(M-1) * W` with W odd below `2^(M+2)/3` gives
    /// exact ties of both parities. Empty for a unit that does not round.
    public func roundingPairs() -> [(UInt32, UInt32)] {
        guard rounds else { return [] }
        let f = format, m = f.mantissaBits, one = UInt64(1) << UInt64(m)
        let maxField = f.maxFiniteExponentField
        // candidate (sa, sb, d, subtract): a product sa * sb (d < 0), or a sum sa * 2^d +- sb
        var candidates: [(UInt64, UInt64, Int, Bool)] = []
        var rng = SplitMix64(seed: 38)
        var significands: [UInt64] = [one, one + 1, one + 3, 3 * one / 2, 3 * one / 2 + 1, 2 * one - 1, 2 * one - 3, 5 * one / 4, 7 * one / 4 + 1]
        for _ in 0..<8 { significands.append(one | (rng.next() & (one - 1))) }
        var others: [UInt64] = []
        for v in 0..<UInt64(24) { others.append(one + v); others.append(2 * one - 1 - v) }
        for _ in 0..<24 { others.append(one | (rng.next() & (one - 1))) }
        let tieTop = (4 * one) / 3
        for w in stride(from: one + 1, to: min(tieTop, one + 64), by: 2) { others.append(w) }
        if kind.role.isMultiplier {
            for sa in significands { for sb in others { candidates.append((sa, sb, -1, false)) } }
            var a: UInt64 = 1
            let root = UInt64(Double(one).squareRoot())
            let extra = (root > 16 ? (root / 2 - 16)...(root / 2 + 16) : 1...1).map { $0 }
            for x in Array(1...min(UInt64(64), one / 2)) + extra where 2 * x < one {
                a = x
                candidates.append((one + a, 2 * one - 2 * a, -1, false))
            }
            for w in stride(from: one + 1, to: tieTop, by: 2).prefix(64) { candidates.append((3 * one / 2, w, -1, false)) }
            // the overflow threshold exactly: 2^(M+2) - 1 (M + 1 ones and G) as a product of two significands
            let threshold = 4 * one - 1
            func normalised(_ x: UInt64) -> UInt64 { var y = x; while y < one { y <<= 1 }; return y }
            var x: UInt64 = 3
            while x * x <= threshold {
                if threshold % x == 0, threshold / x < 2 * one { candidates.append((normalised(x), normalised(threshold / x), -1, false)) }
                x += 2
            }
        } else {
            for sa in significands {
                for sb in others {
                    for d in [0, 1, 2, 3, m, m + 1, m + 2, m + 3, m + 4, 2 * m, 2 * m + 4] {
                        candidates.append((sa, sb, d, false))
                        candidates.append((sa, sb, d, true))
                    }
                }
            }
        }
        func value(_ c: (UInt64, UInt64, Int, Bool)) -> UInt128 {
            if c.2 < 0 { return UInt128(c.0) * UInt128(c.1) }
            let big = UInt128(c.0) << UInt128(c.2)
            return !c.3 ? big + UInt128(c.1) : big >= UInt128(c.1) ? big - UInt128(c.1) : UInt128(c.1) - big
        }
        struct Key: Hashable { let offset: Int, pattern: Int, allOnes: Bool }
        let offsets = [m, m - 1, m - 2, 2, 1, 0, -1, -2, -3].filter { $0 <= m }
        var found: [Key: [(UInt64, UInt64, Int, Bool)]] = [:]
        for c in candidates {
            let n = value(c)
            guard n != 0 else { continue }
            let t = 127 - n.leadingZeroBitCount
            // a difference that borrows below sa's leading one cannot reach the largest binade: left out
            if c.2 >= 0 && t < m + c.2 { continue }
            for o in offsets {
                let j = t - o
                func bit(_ i: Int) -> Int { i >= 0 && i < 128 ? Int((n >> UInt128(i)) & 1) : 0 }
                let below: UInt128 = j - 2 > 0 ? n & ((UInt128(1) << UInt128(j - 2)) - 1) : 0
                let p = (bit(j) << 3) | (bit(j - 1) << 2) | (bit(j - 2) << 1) | (below != 0 ? 1 : 0)
                let ones = o >= 0 && j >= 0 && (n >> UInt128(j)) == (UInt128(1) << UInt128(o + 1)) - 1
                for key in [Key(offset: o, pattern: p, allOnes: false)] + (ones && o >= m - 1 ? [Key(offset: o, pattern: p, allOnes: true)] : []) where (found[key]?.count ?? 0) < 4 {
                    found[key, default: []].append(c)
                }
            }
        }
        // placement: the exponent fields that put N's leading one at unbiased exponent k
        var out: [(UInt32, UInt32)] = []
        var flip = false
        @discardableResult func place(_ c: (UInt64, UInt64, Int, Bool), k: Int) -> Bool {
            let n = value(c)
            let t = 127 - n.leadingZeroBitCount
            flip.toggle()
            let sign: UInt32 = flip ? f.signMask : 0
            if c.2 < 0 {
                // (sa * sb) * 2^(ea + eb - 2 bias - 2M): ea + eb = k - t + 2 bias + 2M
                let e = k - t + 2 * f.bias + 2 * m
                let ea = min(max(e / 2, 1), maxField), eb = e - ea
                guard eb >= 1 && eb <= maxField else { return false }
                out.append((sign | UInt32(ea << m) | UInt32(c.0 - one), UInt32(eb << m) | UInt32(c.1 - one)))
            } else {
                // sa * 2^(ea - bias - M) and sb * 2^(eb - bias - M), ea = eb + d: N's unit is eb's place
                let eb = k - t + f.bias + m, ea = eb + c.2
                guard eb >= 1 && ea <= maxField else { return false }
                let other: UInt32 = c.3 != flip ? f.signMask : 0
                out.append((sign | UInt32(ea << m) | UInt32(c.0 - one), other | UInt32(eb << m) | UInt32(c.1 - one)))
            }
            return true
        }
        // the first of a class's candidates whose exponent fields fit
        func place(_ cs: [(UInt64, UInt64, Int, Bool)], k: Int) { _ = cs.first { place($0, k: k) } }
        let emin = 1 - f.bias
        let maxK = maxField - f.bias
        for (key, c) in found.sorted(by: { ($0.key.offset, $0.key.pattern, $0.key.allOnes ? 1 : 0) < ($1.key.offset, $1.key.pattern, $1.key.allOnes ? 1 : 0) }) {
            if key.offset == m {
                for k in (key.allOnes ? [maxK, maxK - 1, emin] : [emin, emin + 1, 0, maxK]) { place(c, k: k) }
            } else {
                place(c, k: key.offset + emin - m)
            }
        }
        // every binade from below the subnormal range to beyond the largest one
        let near = found.compactMapValues { $0.first { $0.2 <= 0 } }.sorted { ($0.key.offset, $0.key.pattern, $0.key.allOnes ? 1 : 0) < ($1.key.offset, $1.key.pattern, $1.key.allOnes ? 1 : 0) }
        if let any = near.first(where: { $0.key.offset == m && $0.key.pattern == 0b1101 })?.value ?? near.first?.value {
            for k in (emin - m - 3)...(maxK + 1) { place(any, k: k) }
        }
        if !kind.role.isMultiplier {
            // subnormal sums: subnormal operands (every subnormal binade), and normal ones cancelling into the range
            for h in 0..<m {
                let x = UInt32((1 << h) | ((1 << h) - 1) / 3)
                out.append((x, UInt32(1)))
                out.append((x | f.signMask, f.signMask | UInt32(1 << max(h - 1, 0))))
                out.append((f.minNormal | UInt32(1 << h), f.signMask | f.minNormal))
            }
        }
        return out
    }
}

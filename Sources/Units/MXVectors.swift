import FloatArith

/// Block pairs that exercise an MX dot design (SPEC "MX block formats and the MX dot product"):
/// every element pair's product, the corner blocks, the rounding-decision blocks
/// (MXRoundingStimulus.swift) and seeded random blocks. The expected results
/// come from the golden model (`MXDotDesign.golden`), never from these lists.
extension MXDotDesign {
    public enum VectorSet: String, CaseIterable, Sendable {
        /// Every element pair, each alone in lane `index mod K` (zeros elsewhere), at varied scales.
        case pairs
        /// NaN scales, NaN and infinite elements, inf * 0, infinities of both signs, exact
        /// cancellation, negative zeros, overflow, fp32 subnormal results, the extreme scales.
        case corners
        /// Blocks solved for the decisions of the rounding to fp32 (`roundingBlocks`): every
        /// binade, G/R/S combination, tie parity, carry and the overflow boundary.
        case rounding
        /// Seeded random blocks.
        case random
    }

    /// Every element pair `(a, b)` (exhaustive over the element format), pair `j` in lane `j mod K`.
    public func pairBlocks() -> [BlockPair] {
        let n = 1 << element.width, k = blockSize
        var out: [BlockPair] = []
        out.reserveCapacity(n * n)
        for a in 0..<n {
            for b in 0..<n {
                let j = a * n + b
                var pa = [UInt32](repeating: 0, count: k), pb = pa
                pa[j % k] = UInt32(a)
                pb[j % k] = UInt32(b)
                // scales 2^-20 ... 2^20 each, deterministic: the products stay in fp32's normal range
                out.append(BlockPair(a: pa, b: pb, xa: UInt8(107 + (j * 7) % 41), xb: UInt8(107 + (j * 13) % 37)))
            }
        }
        return out
    }

    /// The corner blocks.
    public func cornerBlocks() -> [BlockPair] {
        let f = element, k = blockSize
        let one = f.encode(1.0), minusOne = one | f.signMask, negZero = f.signMask
        let maxFinite = f.maxFinite, smallestSubnormal: UInt32 = 1, smallestNormal = f.minNormal
        func block(_ a: [UInt32], _ b: [UInt32], _ xa: UInt8 = 0x7F, _ xb: UInt8 = 0x7F) -> BlockPair {
            BlockPair(a: a, b: b, xa: xa, xb: xb)
        }
        func fill(_ v: UInt32) -> [UInt32] { [UInt32](repeating: v, count: k) }
        // later lanes win where K = 1 makes lane 0 and lane K - 1 the same
        func lanes(_ values: KeyValuePairs<Int, UInt32>, _ rest: UInt32 = 0) -> [UInt32] {
            var x = fill(rest)
            for (i, v) in values where i < k { x[i] = v }
            return x
        }
        var out: [BlockPair] = []
        // zeros: +0 everywhere; every product a negative zero (-0); one positive zero among them (+0)
        out.append(block(fill(0), fill(0)))
        out.append(block(fill(negZero), fill(0)))
        out.append(block(fill(0), fill(negZero)))
        out.append(block(fill(negZero), lanes([0: negZero], 0)))
        out.append(block(lanes([k - 1: 0], negZero), fill(one)))
        out.append(block(fill(negZero), fill(negZero)))
        // one positive zero in each lane among negative zeros (+0): every input of the all-negative-zero AND
        for i in 0..<k where i != 0 && i != k - 1 { out.append(block(lanes([i: 0], negZero), fill(one))) }
        // NaN scales, with zeros and with ones
        for (xa, xb) in [(0xFF, 0x7F), (0x7F, 0xFF), (0xFF, 0xFF), (0xFF, 0x00)] as [(UInt8, UInt8)] {
            out.append(block(fill(one), fill(one), xa, xb))
            out.append(block(fill(0), fill(negZero), xa, xb))
        }
        // the extreme scales
        for (xa, xb) in [(0x00, 0x00), (0x00, 0xFE), (0xFE, 0x00), (0xFE, 0xFE), (0xFE, 0x7F), (0x00, 0x7F), (0x01, 0x01)] as [(UInt8, UInt8)] {
            out.append(block(fill(one), fill(one), xa, xb))
            out.append(block(fill(maxFinite), fill(maxFinite), xa, xb))
            out.append(block(fill(smallestSubnormal), fill(smallestNormal), xa, xb))
            out.append(block(lanes([0: maxFinite], smallestSubnormal), lanes([0: maxFinite | f.signMask], one), xa, xb))
        }
        // the largest sums, both signs (the adder tree's width), and their overflow to infinity
        out.append(block(fill(maxFinite), fill(maxFinite)))
        out.append(block(fill(maxFinite | f.signMask), fill(maxFinite)))
        for x in [UInt8(0xB0), 0xC0, 0xD0, 0xE0, 0xF0, 0xFE] {
            out.append(block(fill(maxFinite), fill(maxFinite), x, 0xFE))
            out.append(block(fill(maxFinite), fill(maxFinite | f.signMask), 0xFE, x))
        }
        // exact cancellation: p and -p in lane pairs; a lone 1 - 1
        if k >= 2 {
            let a = (0..<k).map { i in i % 2 == 0 ? maxFinite : maxFinite | f.signMask }
            out.append(block(a, fill(one)))
            out.append(block(lanes([0: one, 1: minusOne]), lanes([0: smallestSubnormal, 1: smallestSubnormal])))
            out.append(block(lanes([0: maxFinite, 1: one]), lanes([0: maxFinite | f.signMask, 1: smallestSubnormal])))
        }
        // fp32 subnormal results and the boundary to the normal range: every scale sum from 2^-160 to 2^-110
        for s in 94...144 {
            let xa = UInt8(s / 2), xb = UInt8(s - s / 2)
            out.append(block(fill(one), fill(one), xa, xb))
            out.append(block(lanes([0: maxFinite]), lanes([0: f.encode(1.5)]), xa, xb))
            out.append(block(lanes([0: smallestSubnormal, k - 1: maxFinite]), lanes([0: minusOne, k - 1: one]), xa, xb))
        }
        // exact ties at fp32's subnormal grid: an element pair whose product is a power of two (the
        // first one of the rule), alone and beside a tiny one, at every scale sum from 2^-160 to 2^-120
        let finite = (0..<UInt32(1 << (f.width - 1))).filter { f.classify($0) == .normal }
        if let pow2 = finite.lazy.flatMap({ a in finite.lazy.map { (a, $0) } }).first(where: { a, b in
            if case .finite(let v) = MXDot.product(a, b, f, rule) { return v.significand.nonzeroBitCount == 1 } else { return false }
        }) {
            for s in 94...134 {
                let xa = UInt8(s / 2), xb = UInt8(s - s / 2)
                out.append(block(lanes([0: pow2.0]), lanes([0: pow2.1]), xa, xb))
                out.append(block(lanes([0: pow2.0 | f.signMask]), lanes([0: pow2.1]), xa, xb))
                out.append(block(lanes([0: pow2.0, k - 1: smallestNormal]), lanes([0: pow2.1, k - 1: smallestNormal]), xa, xb))
            }
        }
        // NaN elements (formats with a NaN) and infinities (e5m2)
        if f.hasNaN {
            let nan = f.canonicalNaN
            out.append(block(lanes([0: nan], one), fill(one)))
            out.append(block(fill(one), lanes([k - 1: nan | f.signMask], one)))
            out.append(block(lanes([0: nan]), fill(0)))
        }
        if let inf = f.infinity {
            let negInf = inf | f.signMask
            out.append(block(lanes([0: inf], one), fill(one)))                       // +inf
            out.append(block(lanes([k - 1: negInf], one), fill(one)))                // -inf
            out.append(block(lanes([0: inf]), lanes([0: minusOne])))                 // -inf by sign
            out.append(block(lanes([0: inf, k - 1: inf], one), lanes([0: one, k - 1: one], one), 0x00, 0x00))
            out.append(block(lanes([0: inf]), lanes([0: one]), 0xFE, 0xFE))
            if k >= 2 {
                out.append(block(lanes([0: inf, 1: negInf], one), fill(one)))          // both signs: NaN
                out.append(block(lanes([0: inf, 1: inf]), lanes([0: one, 1: minusOne])))
            }
            out.append(block(lanes([0: inf], one), lanes([0: 0], one)))               // inf * 0
            out.append(block(lanes([0: 0], one), lanes([0: negZero | inf], one)))
            out.append(block(lanes([0: inf], one), lanes([0: smallestSubnormal], one))) // inf * subnormal
            out.append(block(lanes([0: smallestSubnormal | f.signMask]), lanes([0: negInf])))
            out.append(block(lanes([0: inf]), lanes([0: one]), 0xFF, 0x7F))           // NaN scale wins
            out.append(block(fill(maxFinite), fill(maxFinite), 0xFE, 0xFE))
        }
        return out
    }

    /// `count` seeded random blocks: elements uniform over the finite encodings, a special value in
    /// about one block of 16, scales mostly within 2^-24...2^24 each and one block in 8 anywhere.
    public func randomBlocks(count: Int, seed: UInt64) -> [BlockPair] {
        var rng = SplitMix64(seed: seed)
        let f = element, k = blockSize
        let finite = (0..<UInt32(1 << f.width)).filter { f.classify($0) != .nan && f.classify($0) != .infinity }
        let specials = (0..<UInt32(1 << f.width)).filter { f.classify($0) == .nan || f.classify($0) == .infinity }
        var out: [BlockPair] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            var a = (0..<k).map { _ in finite[Int(rng.next() % UInt64(finite.count))] }
            var b = (0..<k).map { _ in finite[Int(rng.next() % UInt64(finite.count))] }
            let r = rng.next()
            if !specials.isEmpty && r & 15 == 0 {
                let v = specials[Int((r >> 8) % UInt64(specials.count))]
                if (r >> 4) & 1 == 0 { a[Int((r >> 16) % UInt64(k))] = v } else { b[Int((r >> 16) % UInt64(k))] = v }
            }
            let wide = (r >> 5) & 7 == 0
            let xa = wide ? UInt8(truncatingIfNeeded: r >> 24) : UInt8(103 + (r >> 24) % 49)
            let xb = wide ? UInt8(truncatingIfNeeded: r >> 32) : UInt8(103 + (r >> 32) % 49)
            out.append(BlockPair(a: a, b: b, xa: xa, xb: xb))
        }
        return out
    }

    /// The blocks of the sets asked for, in the order given.
    public func blocks(_ sets: [VectorSet], random: Int = 2000, seed: UInt64 = 1) -> [BlockPair] {
        sets.flatMap { s -> [BlockPair] in
            switch s {
            case .pairs: return pairBlocks()
            case .corners: return cornerBlocks()
            case .rounding: return roundingBlocks()
            case .random: return randomBlocks(count: random, seed: seed)
            }
        }
    }
}

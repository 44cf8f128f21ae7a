import FloatArith
import Units
import Testing

/// The golden models against oracles built a different way: fpmul against a brute-force search
/// for the nearest representable value, the L-Mul forms against their value-domain formulas.
@Suite struct OracleTests {
    /// Every finite non-negative value of `f` with its encoding, sorted, plus the first value
    /// beyond max finite (what an unbounded exponent would give) as the overflow sentinel.
    struct Ladder {
        var values: [Double] = []
        var encodings: [UInt32] = []   // nil-equivalent UInt32.max marks the sentinel

        init(_ f: FloatFormat) {
            for x in 0...f.maxFinite { values.append(f.doubleValue(x)); encodings.append(x) }
            // The next value: max finite plus one unit in its last place. Its parity is that of
            // the fraction that would follow max finite's (one more than max finite's).
            let ulp = f.doubleValue(f.maxFinite) - f.doubleValue(f.maxFinite - 1)
            values.append(f.doubleValue(f.maxFinite) + ulp)
            encodings.append(UInt32.max)
            maxFraction = f.fraction(f.maxFinite)
        }
        let maxFraction: UInt32

        /// Nearest value to `v >= 0`, ties to the even encoding; nil means overflow.
        func nearest(_ v: Double) -> UInt32? {
            if v >= values.last! { return nil }
            var lo = 0, hi = values.count - 1
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if values[mid] <= v { lo = mid } else { hi = mid }
            }
            let dl = v - values[lo], dh = values[hi] - v
            let pick: Int
            if dl < dh { pick = lo } else if dh < dl { pick = hi } else {
                let evenLo = encodings[lo] & 1 == 0
                let sentinelEven = (maxFraction + 1) & 1 == 0
                let evenHi = encodings[hi] == UInt32.max ? sentinelEven : encodings[hi] & 1 == 0
                pick = evenLo ? lo : (evenHi ? hi : lo)
            }
            return encodings[pick] == UInt32.max ? nil : encodings[pick]
        }
    }

    func oracleFpmul(_ a: UInt32, _ b: UInt32, _ f: FloatFormat, _ ladder: Ladder, ftz: Bool) -> UInt32? {
        // only finite nonzero operand pairs; the special rules are tested by hand elsewhere
        let ca = f.classify(a), cb = f.classify(b)
        guard ca == .normal || (!ftz && ca == .subnormal), cb == .normal || (!ftz && cb == .subnormal) else { return nil }
        let exact = f.doubleValue(a) * f.doubleValue(b)   // exact: at most 48 significant bits
        let sign = (a ^ b) & f.signMask
        if ftz {
            // Tininess after rounding: below the smallest normal 2^emin, the grid of M fraction
            // bits with an unbounded exponent has spacing 2^(emin-1-M); its largest point below
            // 2^emin (odd, all-ones fraction) and 2^emin (even) have their midpoint at
            // 2^emin * (1 - 2^-(M+2)), a tie that rounds up. Below it the result is zero.
            let minNormal = f.doubleValue(f.minNormal)
            if exact.magnitude < minNormal * (1 - 1 / Double(1 << (f.mantissaBits + 2))) { return sign }
            if exact.magnitude < minNormal { return sign | f.minNormal }
        }
        guard let mag = ladder.nearest(exact.magnitude) else { return sign | f.maxFinite }
        return sign | mag
    }

    @Test(arguments: [FloatFormat.e4m3, .e5m2, try! FloatFormat(exponent: 3, mantissa: 4), try! FloatFormat(exponent: 2, mantissa: 5)])
    func fpmulMatchesNearestValueSearchExhaustively(_ f: FloatFormat) {
        let ladder = Ladder(f)
        var checked = 0
        for a in 0..<UInt32(f.encodingCount) {
            for b in 0..<UInt32(f.encodingCount) {
                for ftz in [false, true] {
                    guard let expected = oracleFpmul(a, b, f, ladder, ftz: ftz) else { continue }
                    let got = ftz ? GoldenModel(.fpmulFTZ, f)(a, b) : GoldenModel(.fpmul, f)(a, b)
                    if got != expected {
                        Issue.record("\(f) \(ftz ? "ftz" : "fpmul") a=\(a) b=\(b): got \(got), nearest-value search says \(expected)")
                        return
                    }
                    checked += 1
                }
            }
        }
        #expect(checked > 50_000)
    }

    @Test func fpmulMatchesNearestValueSearchOnRandomBf16() {
        let f = FloatFormat.bf16
        let ladder = Ladder(f)
        var rng = SplitMix64(seed: 42)
        for (a, b) in Vectors.randomPairs(f, count: 20_000, seed: 3) + (0..<5000).map({ _ in
            (UInt32(rng.next() & 0xFFFF), UInt32(rng.next() & 0xFFFF)) }) {
            for ftz in [false, true] {
                guard let expected = oracleFpmul(a, b, f, ladder, ftz: ftz) else { continue }
                let got = ftz ? GoldenModel(.fpmulFTZ, f)(a, b) : GoldenModel(.fpmul, f)(a, b)
                #expect(got == expected, "bf16 a=\(a) b=\(b) ftz=\(ftz)")
                if got != expected { return }
            }
        }
    }

    /// The bit-add form in the value domain: for normal operands with fractions fa, fb in [0, 1),
    /// the result is (1 + fa + fb + 2^-l) * 2^(ea+eb-2bias) when the fraction sum stays below 1,
    /// else (fa + fb + 2^-l) * 2^(ea+eb-2bias+1): the carry doubles, the fraction is not halved
    /// (Mitchell's approximation). Checked where no underflow or overflow happens.
    @Test(arguments: [FloatFormat.e4m3, .e5m2, try! FloatFormat(exponent: 4, mantissa: 4), try! FloatFormat(exponent: 3, mantissa: 5)])
    func lmulMatchesMitchellValueFormula(_ f: FloatFormat) {
        let m = f.mantissaBits
        let off = Double(LMulOffset.offset(mantissa: m)) / Double(1 << m)
        var checked = 0
        for a in 0..<UInt32(f.encodingCount) where f.classify(a) == .normal {
            for b in 0..<UInt32(f.encodingCount) where f.classify(b) == .normal {
                let fa = Double(f.fraction(a)) / Double(1 << m), fb = Double(f.fraction(b)) / Double(1 << m)
                let e = Int(f.exponentField(a)) + Int(f.exponentField(b)) - 2 * f.bias
                let s = fa + fb + off
                let v = s < 1 ? (1 + s) * pow2(e) : s * pow2(e + 1)
                let minNormal = pow2(1 - f.bias)
                guard v >= minNormal, v <= f.doubleValue(f.maxFinite) else { continue }
                let sign: Double = (a ^ b) & f.signMask == 0 ? 1 : -1
                let got = f.doubleValue(GoldenModel(.lmul, f)(a, b))
                #expect(got == sign * v, "\(f) a=\(a) b=\(b)")
                if got != sign * v { return }
                checked += 1
            }
        }
        #expect(checked > 1000)
    }

    /// The formula form: (1 + fa + fb + 2^-l) * 2^(ea+eb-2bias), truncated to M fraction bits in
    /// its binade. Checked where no underflow or overflow happens.
    @Test(arguments: [FloatFormat.e4m3, .e5m2, try! FloatFormat(exponent: 4, mantissa: 5)])
    func lmulFormulaMatchesTruncatedValue(_ f: FloatFormat) {
        let m = f.mantissaBits
        let off = Double(LMulOffset.offset(mantissa: m)) / Double(1 << m)
        for a in 0..<UInt32(f.encodingCount) where f.classify(a) == .normal {
            for b in 0..<UInt32(f.encodingCount) where f.classify(b) == .normal {
                let fa = Double(f.fraction(a)) / Double(1 << m), fb = Double(f.fraction(b)) / Double(1 << m)
                let e = Int(f.exponentField(a)) + Int(f.exponentField(b)) - 2 * f.bias
                var mant = 1 + fa + fb + off
                var exp = e
                if mant >= 2 { mant /= 2; exp += 1 }
                mant = (mant * Double(1 << m)).rounded(.down) / Double(1 << m)
                let v = mant * pow2(exp)
                guard v >= pow2(1 - f.bias), v <= f.doubleValue(f.maxFinite) else { continue }
                let sign: Double = (a ^ b) & f.signMask == 0 ? 1 : -1
                let got = f.doubleValue(GoldenModel(.lmulFormula, f)(a, b))
                #expect(got == sign * v, "\(f) a=\(a) b=\(b)")
                if got != sign * v { return }
            }
        }
    }

    @Test func encodeRoundsDoublesToNearestEven() {
        let f = FloatFormat.e4m3
        let ladder = Ladder(f)
        var rng = SplitMix64(seed: 9)
        for _ in 0..<20_000 {
            let v = (Double(rng.next() >> 11) / Double(1 << 53)) * 500 * (rng.next() & 1 == 0 ? 1 : 1e-3)
            let expected = ladder.nearest(v) ?? f.maxFinite
            #expect(f.encode(v) == expected, "\(v)")
        }
        #expect(f.encode(-0.0) == 0x80 && f.encode(.nan) == 0x7F && f.encode(.infinity) == 0x7E)
        #expect(FloatFormat.bf16.encode(1.0) == 0x3F80 && FloatFormat.bf16.encode(.infinity, overflow: .infinity) == 0x7F80)
    }
}

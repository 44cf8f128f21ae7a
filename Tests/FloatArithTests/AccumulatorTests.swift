import FloatArith
import Testing

@Suite struct AccumulatorTests {
    @Test func defaultWidthHolds65536MaximalProducts() {
        // e4m3: 448 = 229376 LSBs of 2^-9 (18 bits); + 16 + sign = 35
        #expect(AccumulatorFormat(.e4m3).width == 35)
        #expect(AccumulatorFormat(.e4m3).lsbExponent == -9)
        // e5m2: 57344 / 2^-16 = 2^31.8 -> 32 bits; 49
        #expect(AccumulatorFormat(.e5m2).width == 49)
        for f in [FloatFormat.e4m3, .e5m2, .bf16, .fp16, .fp32] {
            var acc = AccumulatorModel(AccumulatorFormat(f))
            for _ in 0..<65536 { acc.accumulate(product: f.maxFinite) }
            #expect(!acc.sum.isNegative && acc.value == 65536 * f.doubleValue(f.maxFinite))
            var neg = AccumulatorModel(AccumulatorFormat(f))
            for _ in 0..<65536 { neg.accumulate(product: f.maxFinite | f.signMask) }
            #expect(neg.value == -65536 * f.doubleValue(f.maxFinite))
        }
    }

    @Test func sumsExactlyAndFlagsInvalid() {
        let f = FloatFormat.e4m3
        var acc = AccumulatorModel(AccumulatorFormat(f))
        var rng = SplitMix64(seed: 4)
        var exact = 0.0
        for _ in 0..<5000 {
            let y = UInt32(rng.next() & 0xFF)
            if f.classify(y) == .nan { continue }
            acc.accumulate(product: y)
            exact += f.doubleValue(y)     // exact in Double: multiples of 2^-9 below 2^35
        }
        #expect(acc.value == exact && !acc.invalid)
        acc.accumulate(product: 0x7F)
        #expect(acc.invalid && acc.value == exact)
        acc.clear()
        #expect(!acc.invalid && acc.value == 0)
        var e5 = AccumulatorModel(AccumulatorFormat(.e5m2))
        e5.accumulate(product: 0x7C)   // +inf
        #expect(e5.invalid && e5.sum.isZero)
    }

    @Test func narrowAccumulatorWraps() {
        var acc = AccumulatorModel(AccumulatorFormat(.e4m3, width: 12))
        acc.accumulate(product: 0x7E)   // 229376 LSBs = 0x38000 -> mod 2^12 = 0
        #expect(acc.sum.isZero)
        acc.accumulate(product: 0x01)   // one LSB
        acc.accumulate(product: 0x81)   // minus one LSB
        acc.accumulate(product: 0x81)
        #expect(acc.sum.hexDigits == "fff")
    }
}

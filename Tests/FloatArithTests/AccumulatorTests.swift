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

/// SPEC "Floating-point accumulation": arrival order, exact widening, sticky invalid.
@Suite struct FPAccumulationTests {
    let e5m2 = FloatFormat.e5m2
    func product(_ a: UInt32, _ b: UInt32) -> UInt32 { FPMul.multiply(a, b, .e5m2, .saturate, flushSubnormals: false) }

    /// 2^15 + 2^-16 loses the small term in fp32 (ulp 2^-8 there); cancelling first keeps it.
    @Test func orderOfBeatsDecidesTheSum() {
        let big: UInt32 = 0x78, negBig: UInt32 = 0xF8, tiny: UInt32 = 0x01, one: UInt32 = 0x3C   // 2^15, -2^15, 2^-16, 1.0
        let b = [[one], [one], [one]]
        let first = Matmul.multiply([[big, tiny, negBig]], b, element: e5m2, accumulation: .fp32) { product($0, $1) }
        let second = Matmul.multiply([[big, negBig, tiny]], b, element: e5m2, accumulation: .fp32) { product($0, $1) }
        #expect(first[0][0].sum.limbs[0] == 0)                                        // +0: the tiny term was absorbed
        #expect(second[0][0].sum.limbs[0] == UInt64(Float(0x1p-16).bitPattern))       // exactly 2^-16
        // the fixed-point accumulator is order-independent: both give 2^-16 exactly
        let fixedA = Matmul.multiply([[big, tiny, negBig]], b, accumulator: AccumulatorFormat(e5m2)) { product($0, $1) }
        #expect(fixedA[0][0].sum.double == 1)    // one LSB = 2^(1 - 15 - 2) = 2^-16
    }

    @Test func infinitiesEnterTheSumAndSetInvalid() {
        var acc = FPAccumulatorModel(element: e5m2, accumulation: .fp16)
        acc.accumulate(product: 0x7C)                 // +inf
        #expect(acc.invalid && acc.value == 0x7C00)
        acc.accumulate(product: 0x3C)                 // inf + 1 = inf
        #expect(acc.value == 0x7C00)
        acc.accumulate(product: 0xFC)                 // inf + (-inf): canonical NaN
        #expect(acc.value == 0x7FFF)
        acc.clear()
        #expect(acc.value == 0 && !acc.invalid)
        acc.accumulate(product: 0x80)                 // +0 + (-0) = +0
        #expect(acc.value == 0)
    }
}

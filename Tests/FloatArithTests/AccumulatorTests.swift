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

/// SPEC "Pipelined PEs": with L partial sums, product j goes into partial sum j mod L (each from
/// +0) and the job's result is ((s0 + s1) + s2) + ..., each + rounded as in "Floating-point
/// accumulation". The expected encodings below are worked by hand from SPEC (noted per case).
@Suite struct PartialSumTests {
    /// e4m3 elements into bf16 (8 significant bits: between 256 and 512 the spacing is 2).
    /// Products 256, 1, 0, 1 (e4m3 0x78, 0x38, 0x00, 0x38):
    /// L = 1: 256 + 1 = 257 is a tie of 256 (even) and 258 -> 256; + 0 -> 256; + 1 -> 256 (bf16 0x4380).
    /// L = 2: s0 = 256 + 0 = 256, s1 = 1 + 1 = 2; s0 + s1 = 258, exact (bf16 0x4381).
    /// L = 3: s0 = 256 + 1 = 256 (tie to even), s1 = 1, s2 = 0; (256 + 1) + 0 = 256 (0x4380).
    @Test func theNumberOfPartialSumsChangesTheRoundedResult() {
        let products: [UInt32] = [0x78, 0x38, 0x00, 0x38]
        func result(_ l: Int) -> UInt32 {
            var acc = FPAccumulatorModel(element: .e4m3, accumulation: .bf16, partialSums: l)
            for p in products { acc.accumulate(product: p) }
            return acc.value
        }
        #expect(result(1) == 0x4380)
        #expect(result(2) == 0x4381)
        #expect(result(3) == 0x4380)
        // the golden matmul takes L the same way; S changes nothing
        let a: [[UInt32]] = [products], b: [[UInt32]] = [[0x38], [0x38], [0x38], [0x38]]    // times 1.0
        let mul = { (x: UInt32, y: UInt32) in FPMul.multiply(x, y, .e4m3, .saturate, flushSubnormals: false) }
        for s in [0, 3] {
            #expect(Matmul.multiply(a, b, element: .e4m3, accumulation: .bf16, partialSums: 2, multiplierStages: s, product: mul)[0][0].sum.limbs[0] == 0x4381)
            #expect(Matmul.multiply(a, b, element: .e4m3, accumulation: .bf16, multiplierStages: s, product: mul)[0][0].sum.limbs[0] == 0x4380)
        }
    }

    /// e5m2 into fp16 (11 significant bits: between 2048 and 4096 the spacing is 2). Products
    /// 2048, 1, 0, 1 (e5m2 0x68, 0x3C, 0x00, 0x3C): L = 1 gives 2048 (fp16 0x6800: 2049 ties to
    /// the even 2048); L = 2 gives s0 = 2048, s1 = 2, 2050 (0x6801).
    @Test func fp16SumsDependOnLToo() {
        for (l, expected) in [(1, UInt32(0x6800)), (2, 0x6801)] {
            var acc = FPAccumulatorModel(element: .e5m2, accumulation: .fp16, partialSums: l)
            for p: UInt32 in [0x68, 0x3C, 0x00, 0x3C] { acc.accumulate(product: p) }
            #expect(acc.value == expected, "L = \(l)")
        }
    }

    /// The combine order is SPEC's: L = 3, products 256, 1, 1 into bf16 give s0 = 256, s1 = 1,
    /// s2 = 1; ((256 + 1) + 1) = 256 (each step a tie to the even 256), while 256 + (1 + 1) would
    /// be 258.
    @Test func partialSumsCombineLeftToRight() {
        var acc = FPAccumulatorModel(element: .e4m3, accumulation: .bf16, partialSums: 3)
        for p: UInt32 in [0x78, 0x38, 0x38] { acc.accumulate(product: p) }
        #expect(acc.sums == [0x4380, 0x3F80, 0x3F80])
        #expect(acc.value == 0x4380)
    }

    /// Fewer products than partial sums: the untouched ones stay +0; the sign rules hold (-0 into
    /// a +0 partial sum gives +0; +0 + (+0) = +0); a NaN product makes the result the canonical
    /// NaN and sets invalid; clear restarts every partial sum.
    @Test func shortJobsSignedZerosAndNaN() {
        var acc = FPAccumulatorModel(element: .e4m3, accumulation: .fp32, partialSums: 4)
        acc.accumulate(product: 0x80)                        // -0
        #expect(acc.value == 0 && !acc.invalid)              // +0 + (-0) = +0, then + (+0)s
        acc.accumulate(product: 0x38)                        // 1.0 into s1
        #expect(acc.value == 0x3F80_0000)
        acc.accumulate(product: 0x7F)                        // NaN into s2
        #expect(acc.invalid && acc.value == FloatFormat.fp32.canonicalNaN)
        acc.clear()
        #expect(acc.sums == [0, 0, 0, 0] && acc.beats == 0 && !acc.invalid && acc.value == 0)
    }
}

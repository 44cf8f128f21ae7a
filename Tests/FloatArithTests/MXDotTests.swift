import FloatArith
import Testing

/// SPEC "MX block formats and the MX dot product", golden model: every expected value below is
/// worked by hand from SPEC's text (element values, the product rule, one rounding to fp32).
@Suite struct MXDotTests {
    let unit: UInt8 = 0x7F                    // e8m0 1.0
    let exact = MXProductRule.exact(flushSubnormals: false)
    let ftz = MXProductRule.exact(flushSubnormals: true)
    let lmul = MXProductRule.bitAdd(offset: 1)
    let mitchell = MXProductRule.bitAdd(offset: 0)
    let formula = MXProductRule.formula(offset: 1)

    func dot(_ a: [UInt32], _ b: [UInt32], _ xa: UInt8 = 0x7F, _ xb: UInt8 = 0x7F, _ f: FloatFormat = .e4m3, r: MXProductRule) -> UInt32 {
        MXDot.dot(a, b, xa: xa, xb: xb, element: f, rule: r)
    }

    @Test func singleProductsOfSPECsWorkedExample() {
        // e4m3 1.75 (0x3E) * 2.5 (0x42): exact 4.375 = fp32 0x408C0000; bit-add S = 62 + 66 + 1 = 129,
        // X = 16, F = 1: 9 * 2^(16 - 14 - 3) = 4.5 (0x40900000); Mitchell S = 128: 4.0; the formula
        // F = 6 + 2 + 1 = 9 carries: X = 16, F = 0: 4.0 (0x40800000)
        #expect(dot([0x3E], [0x42], r: exact) == 0x408C_0000)
        #expect(dot([0x3E], [0x42], r: ftz) == 0x408C_0000)
        #expect(dot([0x3E], [0x42], r: lmul) == 0x4090_0000)
        #expect(dot([0x3E], [0x42], r: mitchell) == 0x4080_0000)
        #expect(dot([0x3E], [0x42], r: formula) == 0x4080_0000)
        // both scales multiply: 2 * 0.5 leaves it, 2 * 2 is 4 times (4.375 * 4 = 17.5 = 0x418C0000)
        #expect(dot([0x3E], [0x42], 0x80, 0x7E, r: exact) == 0x408C_0000)
        #expect(dot([0x3E], [0x42], 0x80, 0x80, r: exact) == 0x418C_0000)
        // the sign is sa ^ sb
        #expect(dot([0xBE], [0x42], r: lmul) == 0xC090_0000)
        #expect(dot([0xBE], [0xC2], r: lmul) == 0x4090_0000)
    }

    @Test func productsHaveNoElementRangeLimits() {
        // e4m3 448 * 448 = 200704 (beyond 448: no saturation): 0x7E = 1.75 * 2^8, so 3.0625 * 2^16 = 0x48440000
        #expect(dot([0x7E], [0x7E], r: exact) == 0x4844_0000)
        // 2^-6 * 2^-6 = 2^-12 (below the element's range: no flush) = 0x39800000
        #expect(dot([0x08], [0x08], r: exact) == 0x3980_0000)
        #expect(dot([0x08], [0x08], r: lmul) == 0x3980_0000 + (1 << 20))   // bit-add: (8 + 1) * 2^(2 - 14 - 3) = 1.125 * 2^-12
        // e2m1fn 6 * 6: exact 36 (0x42100000); bit-add S = 7 + 7 + 1 = 15, X = 7, F = 1: 3 * 2^(7 - 2 - 1) = 48
        // (0x42400000); Mitchell S = 14: 2 * 2^4 = 32 (0x42000000)
        #expect(dot([0x7], [0x7], f: .e2m1fn, exact) == 0x4210_0000)
        #expect(dot([0x7], [0x7], f: .e2m1fn, lmul) == 0x4240_0000)
        #expect(dot([0x7], [0x7], f: .e2m1fn, mitchell) == 0x4200_0000)
    }

    func dot(_ a: [UInt32], _ b: [UInt32], f: FloatFormat, _ r: MXProductRule) -> UInt32 { dot(a, b, 0x7F, 0x7F, f, r: r) }

    @Test func subnormalInputs() {
        // e4m3 0x01 = 2^-9: fpmul keeps it (2^-9 * 1 = 0x3B000000); fpmul_ftz and the L-Mul forms read it as zero
        #expect(dot([0x01], [0x38], r: exact) == 0x3B00_0000)
        for r in [ftz, lmul, mitchell, formula] { #expect(dot([0x01], [0x38], r: r) == 0) }
        #expect(dot([0x81], [0x38], r: ftz) == 0x8000_0000)   // a single negative zero product
        // e2m1fn 0x1 = 0.5 (subnormal): 0.5 * 0.5 = 0.25 = 0x3E800000 for fpmul only
        #expect(dot([0x1], [0x1], f: .e2m1fn, exact) == 0x3E80_0000)
        #expect(dot([0x1], [0x1], f: .e2m1fn, lmul) == 0)
    }

    @Test func oneRoundingOfTheExactSum() {
        // e5m2 2^15 (0x78) * 2^9 (0x60) = 2^24, plus 1 * 1 (0x3C): 2^24 + 1 is a tie, even: 2^24 (0x4B800000);
        // plus two: 2^24 + 2 = 0x4B800001. Summed in fp32 one at a time it would stay 2^24.
        #expect(dot([0x78, 0x3C], [0x60, 0x3C], 0x7F, 0x7F, .e5m2, r: exact) == 0x4B80_0000)
        #expect(dot([0x78, 0x3C, 0x3C], [0x60, 0x3C, 0x3C], 0x7F, 0x7F, .e5m2, r: exact) == 0x4B80_0001)
        #expect(dot([0x3C, 0x78, 0x3C], [0x3C, 0x60, 0x3C], 0x7F, 0x7F, .e5m2, r: exact) == 0x4B80_0001)
        // 2^24 + 1 + 2^-8: above the tie, rounds up
        #expect(dot([0x78, 0x3C, 0x1C], [0x60, 0x3C, 0x3C], 0x7F, 0x7F, .e5m2, r: exact) == 0x4B80_0001)
        // exact cancellation: 1 - 1 = +0, also with negative operands only
        #expect(dot([0x38, 0xB8], [0x38, 0x38], r: exact) == 0)
        #expect(dot([0xB8, 0x38], [0x38, 0x38], r: exact) == 0)
        #expect(dot([0xB8, 0x38], [0x38, 0xB8], r: exact) == 0xC000_0000)   // -1 - 1 = -2
    }

    @Test func zerosAndTheirSigns() {
        // every product a negative zero: -0; one positive zero among them: +0
        #expect(dot([0x80, 0x80], [0x00, 0x00], r: exact) == 0x8000_0000)
        #expect(dot([0x80, 0x00], [0x00, 0x80], r: exact) == 0x8000_0000)
        #expect(dot([0x80, 0x00], [0x00, 0x00], r: exact) == 0)
        #expect(dot([0x00, 0x00], [0x00, 0x00], r: lmul) == 0)
        // a NaN scale wins over zeros
        #expect(dot([0x80], [0x00], 0xFF, 0x7F, r: exact) == MXDot.nan)
    }

    @Test func specials() {
        // NaN scales
        #expect(dot([0x38], [0x38], 0xFF, 0x7F, r: lmul) == 0x7FFF_FFFF)
        #expect(dot([0x38], [0x38], 0x7F, 0xFF, r: exact) == 0x7FFF_FFFF)
        // e4m3 NaN element (0x7F, 0xFF)
        #expect(dot([0x38, 0x7F], [0x38, 0x38], r: exact) == MXDot.nan)
        #expect(dot([0x38, 0x38], [0x38, 0xFF], r: lmul) == MXDot.nan)
        // e5m2: inf = 0x7C, -inf = 0xFC, NaN = 0x7D
        let e5 = FloatFormat.e5m2
        #expect(dot([0x7C, 0x3C], [0x3C, 0x3C], 0x7F, 0x7F, e5, r: exact) == 0x7F80_0000)
        #expect(dot([0x7C, 0x3C], [0xBC, 0x3C], 0x7F, 0x7F, e5, r: lmul) == 0xFF80_0000)
        #expect(dot([0x7C, 0xFC], [0x3C, 0x3C], 0x7F, 0x7F, e5, r: exact) == MXDot.nan)   // both signs
        #expect(dot([0x7C, 0x7C], [0x3C, 0xBC], 0x7F, 0x7F, e5, r: exact) == MXDot.nan)
        #expect(dot([0x7C], [0x00], 0x7F, 0x7F, e5, r: exact) == MXDot.nan)               // inf * 0
        #expect(dot([0x7C], [0x7D], 0x7F, 0x7F, e5, r: exact) == MXDot.nan)
        // inf * subnormal (0x01): fpmul keeps the subnormal (inf); the flushing rules read it as zero (NaN)
        #expect(dot([0x7C], [0x01], 0x7F, 0x7F, e5, r: exact) == 0x7F80_0000)
        #expect(dot([0x7C], [0x01], 0x7F, 0x7F, e5, r: ftz) == MXDot.nan)
        #expect(dot([0x7C], [0x01], 0x7F, 0x7F, e5, r: lmul) == MXDot.nan)
        // an infinity times a tiny scale stays infinite
        #expect(dot([0xFC], [0x3C], 0x00, 0x00, e5, r: exact) == 0xFF80_0000)
    }

    @Test func fp32RangeAtTheScaleExtremes() {
        // 1 * 1 at 2^127 * 2^127 overflows to infinity of the sum's sign
        #expect(dot([0x38], [0x38], 0xFE, 0xFE, r: exact) == 0x7F80_0000)
        #expect(dot([0xB8], [0x38], 0xFE, 0xFE, r: lmul) == 0xFF80_0000)
        // 2^127 exactly: 1 * 1 at 0xFE, 0x7F
        #expect(dot([0x38], [0x38], 0xFE, 0x7F, r: exact) == 0x7F00_0000)
        // e5m2 57344^2 = 1.75^2 * 2^30 at scale 2^97 overflows (3.0625 * 2^127 > max fp32)
        #expect(dot([0x7B], [0x7B], 0x7F + 97, 0x7F, .e5m2, r: exact) == 0x7F80_0000)
        // 2^-140: fp32 subnormal 2^9 * 2^-149 = 0x00000200 (scales 2^-70 each: 57 = 0x39)
        #expect(dot([0x38], [0x38], 0x39, 0x39, r: exact) == 0x0000_0200)
        // 2^-149 is the smallest subnormal; 2^-150 is a tie with 0 (even: 0); 1.5 * 2^-150 rounds up
        #expect(dot([0x38], [0x38], 127 - 75, 127 - 74, r: exact) == 0x0000_0001)
        #expect(dot([0x38], [0x38], 127 - 75, 127 - 75, r: exact) == 0)
        #expect(dot([0xB8], [0x38], 127 - 75, 127 - 75, r: exact) == 0x8000_0000)   // a nonzero sum rounding to zero keeps its sign
        #expect(dot([0x3C], [0x38], 127 - 75, 127 - 75, r: exact) == 0x0000_0001)   // 1.5 * 2^-150
        // the smallest scales: 2^-254 underflows to zero
        #expect(dot([0x38], [0x38], 0x00, 0x00, r: exact) == 0)
        // 2^-126 is the smallest normal
        #expect(dot([0x38], [0x38], 127 - 63, 127 - 63, r: exact) == 0x0080_0000)
    }
}

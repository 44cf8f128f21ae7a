import FloatArith
import Units
import Testing

/// Hand-worked values from SPEC.md, written out by hand rather than computed by the model.
@Suite struct SpecValueTests {
    let e4m3 = FloatFormat.e4m3, e5m2 = FloatFormat.e5m2

    func value(_ f: FloatFormat, _ x: UInt32) -> Double { f.doubleValue(x) }

    @Test func formatConstants() throws {
        #expect(e4m3.bias == 7 && e4m3.width == 8 && e4m3.encoding == .e4m3fn)
        #expect(e5m2.bias == 15 && e5m2.encoding == .ieee)
        #expect(e4m3.maxFinite == 0x7E && value(e4m3, 0x7E) == 448)
        #expect(e5m2.maxFinite == 0x7B && value(e5m2, 0x7B) == 57344)
        #expect(FloatFormat.bf16.maxFinite == 0x7F7F)
        #expect(FloatFormat.fp16.maxFinite == 0x7BFF && value(.fp16, 0x7BFF) == 65504)
        #expect(FloatFormat.fp32.maxFinite == 0x7F7F_FFFF && value(.fp32, 0x7F7F_FFFF) == Double(Float.greatestFiniteMagnitude))
        #expect(e4m3.canonicalNaN == 0x7F && FloatFormat.bf16.canonicalNaN == 0x7FFF)
        // e4m3 smallest subnormal 2^-9, smallest normal 2^-6
        #expect(value(e4m3, 0x01) == 0.001953125 && value(e4m3, 0x08) == 0.015625)
        // e5m2 smallest subnormal 2^-16
        #expect(value(e5m2, 0x01) == 1.0 / 65536)
        #expect(try FloatFormat(exponent: 3, mantissa: 4).bias == 3)
        #expect(throws: FloatFormat.FormatError.exponentOutOfRange(9)) { try FloatFormat(exponent: 9, mantissa: 3) }
        #expect(throws: FloatFormat.FormatError.mantissaOutOfRange(24)) { try FloatFormat(exponent: 8, mantissa: 24) }
        #expect(throws: FloatFormat.FormatError.noDefaultExponent(mantissa: 5)) { try FloatFormat.resolve(exponent: nil, mantissa: 5) }
    }

    /// `FloatFormat(tag:)` reads back every tag SPEC allows and nothing else.
    @Test func tagsReadBack() throws {
        for e in 2...8 {
            for m in 1...23 { #expect(FloatFormat(tag: "e\(e)m\(m)") == (try FloatFormat(exponent: e, mantissa: m))) }
        }
        for bad in ["", "e", "e4", "e4m", "em3", "4m3", "e4m3x", "E4M3", "e4m3m1", "e9m3", "e4m24", "e1m3"] {
            #expect(FloatFormat(tag: bad) == nil, "\(bad)")
        }
        #expect(FloatFormat.fields(ofTag: "e9m3")! == (9, 3))
    }

    @Test func classification() {
        #expect(e4m3.classify(0x7F) == .nan && e4m3.classify(0xFF) == .nan)
        #expect(e4m3.classify(0x78) == .normal)   // S.1111.000 is 256 in E4M3FN, not infinity
        #expect(value(e4m3, 0x78) == 256)
        #expect(e5m2.classify(0x7C) == .infinity && e5m2.classify(0x7D) == .nan && e5m2.classify(0x7F) == .nan)
        #expect(e5m2.classify(0x03) == .subnormal && e5m2.classify(0x80) == .zero)
    }

    @Test func offsets() {
        // off = 2^(M-l): 1 for M <= 3, 2 for M = 4, 2^(M-4) above
        #expect((1...3).allSatisfy { LMulOffset.offset(mantissa: $0) == 1 })
        #expect(LMulOffset.offset(mantissa: 4) == 2)
        #expect(LMulOffset.offset(mantissa: 5) == 2 && LMulOffset.offset(mantissa: 7) == 8 && LMulOffset.offset(mantissa: 23) == 524288)
    }

    /// SPEC's worked example: e4m3, 1.75 * 2.5 (exact 4.375).
    @Test func workedExample() {
        let a: UInt32 = 0x3E   // 0.0111.110 = 1.75
        let b: UInt32 = 0x42   // 0.1000.010 = 2.5
        #expect(value(e4m3, a) == 1.75 && value(e4m3, b) == 2.5)
        #expect(value(e4m3, GoldenModel(.lmul, e4m3)(a, b)) == 4.5)
        #expect(value(e4m3, GoldenModel(.lmulFormula, e4m3)(a, b)) == 4.0)
        // 4.375 lies between 4.0 and 4.5 (spacing 0.5), nearer 4.5
        #expect(value(e4m3, GoldenModel(.fpmul, e4m3)(a, b)) == 4.5)
        #expect(value(e4m3, GoldenModel(.fpmulFTZ, e4m3)(a, b)) == 4.5)
    }

    @Test func maxFiniteAndOverflow() {
        let fp = GoldenModel(.fpmul, e4m3), fpInf = GoldenModel(.fpmul, e4m3, overflow: .infinity)
        // 448 * 1 = 448 exactly; 448 * 2 overflows
        #expect(fp(0x7E, 0x38) == 0x7E)
        #expect(fp(0x7E, 0x40) == 0x7E && fp(0xFE, 0x40) == 0xFE)
        #expect(fpInf(0x7E, 0x40) == 0x7F)             // E4M3FN has no infinity: canonical NaN
        // 240 * 2 = 480 rounds to 480 (beyond 448): overflow
        #expect(value(e4m3, 0x77) == 240)
        #expect(fp(0x77, 0x40) == 0x7E && fpInf(0x77, 0x40) == 0x7F)
        // 224 * 2 = 448 exactly (no overflow)
        #expect(fp(0x76, 0x40) == 0x7E && fpInf(0x76, 0x40) == 0x7E)
        let e5 = GoldenModel(.fpmul, e5m2), e5Inf = GoldenModel(.fpmul, e5m2, overflow: .infinity)
        #expect(e5(0x7B, 0x40) == 0x7B)                // 57344 * 2 saturates
        #expect(e5Inf(0x7B, 0x40) == 0x7C)             // or is infinity
        #expect(e5Inf(0xFB, 0x40) == 0xFC)
        // e5m2: 1.25 * 49152 = 61440, the midpoint of 57344 and 65536: ties to even goes up
        // (57344 = 1.11b x 2^15 is odd), so it overflows.
        #expect(value(e5m2, 0x3D) == 1.25 && value(e5m2, 0x7A) == 49152)
        #expect(e5Inf(0x3D, 0x7A) == 0x7C && e5(0x3D, 0x7A) == 0x7B)
        // L-Mul: S beyond max finite saturates; 448 * 448
        #expect(GoldenModel(.lmul, e4m3)(0x7E, 0x7E) == 0x7E)
        #expect(GoldenModel(.lmul, e4m3, overflow: .infinity)(0x7E, 0x7E) == 0x7F)
        #expect(GoldenModel(.lmul, e5m2, overflow: .infinity)(0x7B, 0x7B) == 0x7C)
    }

    @Test func subnormalsAndTiesToEven() {
        let fp = GoldenModel(.fpmul, e4m3), ftz = GoldenModel(.fpmulFTZ, e4m3)
        let one: UInt32 = 0x38, half: UInt32 = 0x30, quarter: UInt32 = 0x28
        // smallest subnormal 2^-9 times 1 is itself
        #expect(fp(0x01, one) == 0x01)
        // 2^-9 * 0.5 = 2^-10: exactly half the smallest subnormal, ties to even -> +0
        #expect(fp(0x01, half) == 0x00)
        // 3 * 2^-9 * 0.5 = 1.5 * 2^-9: tie between 1 and 2 (x 2^-9), to even -> 2
        #expect(fp(0x03, half) == 0x02)
        // 5 * 2^-9 * 0.5 = 2.5 -> 2 (even); 7 * 2^-9 * 0.5 = 3.5 -> 4
        #expect(fp(0x05, half) == 0x02 && fp(0x07, half) == 0x04)
        // 2^-9 * 0.25 = 2^-11 -> 0 with the product's sign
        #expect(fp(0x81, quarter) == 0x80)
        // subnormal * subnormal underflows to signed zero
        #expect(fp(0x07, 0x87) == 0x80)
        // a subnormal times a large value comes back into the normal range: 2^-9 * 256 = 0.5
        #expect(fp(0x01, 0x78) == half)
        // the product of two normals can be subnormal: 2^-6 * 0.5 = 2^-7 = 4 * 2^-9
        #expect(fp(0x08, half) == 0x04)
        // ... which fpmul_ftz flushes to zero
        #expect(ftz(0x08, half) == 0x00)
        // ties to even among normals: 1.125 * 1.125 = 1.265625 -> 1.25 (nearest); 1.375 * 1.125 =
        // 1.546875 -> 1.5; 1.125 * 1.5 = 1.6875: between 1.625 and 1.75, exactly halfway -> 1.75 (odd 101 -> even 110)
        #expect(value(e4m3, fp(0x39, 0x39)) == 1.25)
        #expect(value(e4m3, fp(0x3B, 0x39)) == 1.5)
        #expect(value(e4m3, fp(0x39, 0x3C)) == 1.75)
        // 1.125 * 1.375 * ... tie that stays down: 1.0625 is not e4m3; 1.25 * 1.3 not either. 1.5 * 1.75 = 2.625:
        // between 2.5 (fraction 010) and 2.75 (011), exactly halfway -> 2.5 (even)
        #expect(value(e4m3, fp(0x3C, 0x3E)) == 2.5)
    }

    /// fpmul_ftz decides tininess after rounding (SPEC "Exact baseline multiplier"): the product is
    /// rounded to M fraction bits as though the exponent range were unbounded, and flushed when that
    /// is below the smallest normal. SPEC's e4m3 examples, values checked by hand here.
    @Test func ftzDecidesTininessAfterRoundingToMFractionBits() {
        let fp = GoldenModel(.fpmul, e4m3), ftz = GoldenModel(.fpmulFTZ, e4m3)
        let a: UInt32 = 0x1F             // exponent field 3, fraction 7: 1.875 * 2^-4
        let b: UInt32 = 0x20             // exponent field 4, fraction 0: 2^-3
        #expect(value(e4m3, a) == 1.875 / 16 && value(e4m3, b) == 0.125)
        // 1.875 * 2^-7 is exact at 3 fraction bits and below 2^-6: fpmul_ftz flushes it ...
        #expect(ftz(a, b) == 0x00)
        #expect(ftz(a | 0x80, b) == 0x80)   // signed zero
        // ... where fpmul rounds 7.5 * 2^-9 on the subnormal grid, to even: 8 * 2^-9 = 2^-6
        #expect(fp(a, b) == 0x08)
        // SPEC's 1.9375 * 2^-7 is no product of two e4m3 normals; 1.96875 * 2^-7 (1.75 * 1.125) is,
        // and like it rounds up to 2^-6 both at 3 fraction bits (1.11111 -> 10.000) and on the
        // subnormal grid (7.875 * 2^-9 -> 8 * 2^-9), so both units give the smallest normal.
        let c: UInt32 = 0x1E             // 1.75 * 2^-4
        let d: UInt32 = 0x21             // 1.125 * 2^-3
        #expect(value(e4m3, c) * value(e4m3, d) == 1.96875 / 128)
        #expect(fp(c, d) == 0x08 && ftz(c, d) == 0x08)
        // 1.75 * 2^-7 = 7 * 2^-9 is subnormal in fpmul and flushed by fpmul_ftz
        let e: UInt32 = 0x1E
        #expect(fp(e, b) == 0x07 && ftz(e, b) == 0x00)
    }

    @Test func specialValueRules() {
        for f in [e4m3, e5m2, FloatFormat.bf16] {
            let s = UInt32(f.width - 1)
            let one = UInt32(f.bias) << UInt32(f.mantissaBits)
            let two = one + f.minNormal
            let sub: UInt32 = 1
            let zero: UInt32 = 0, negZero = f.signMask
            let nanIn: UInt32 = f.encoding == .e4m3fn ? f.signMask | f.canonicalNaN : (f.infinity! | 1)
            for kind in UnitKind.allCases {
                let g = GoldenModel(kind, f)
                // any NaN input gives the canonical NaN (sign 0)
                #expect(g(nanIn, one) == f.canonicalNaN && g(two, nanIn) == f.canonicalNaN, "\(kind) \(f)")
                // the sign of every other result is sa ^ sb, zero included
                #expect(g(zero, one) == 0 && g(negZero, one) == negZero && g(negZero, negZero | one) == 0)
                #expect(g(one | f.signMask, two) >> s == 1 && g(one | f.signMask, two | f.signMask) >> s == 0)
                if let inf = f.infinity {
                    // inf * 0 is NaN; inf * finite nonzero is inf with sign sa ^ sb
                    #expect(g(inf, zero) == f.canonicalNaN && g(negZero, inf) == f.canonicalNaN)
                    #expect(g(inf, two) == inf && g(inf | f.signMask, two) == inf | f.signMask)
                    #expect(g(inf, inf | f.signMask) == inf | f.signMask)
                    // inf * subnormal: inf in fpmul, NaN where subnormals read as zero
                    #expect(g(inf, sub) == (kind == .fpmul ? inf : f.canonicalNaN), "\(kind)")
                }
                // subnormal inputs: zero for L-Mul and fpmul_ftz (signed), a value for fpmul
                let r = g(sub | f.signMask, two)
                if kind == .fpmul { #expect(r == (f.signMask | 2)) } else { #expect(r == f.signMask) }
            }
        }
    }

    @Test func lmulUnderflowFlushes() {
        // S < 2^M gives signed zero: 2^-6 * 2^-6 in e4m3 is far below the range
        let g = GoldenModel(.lmul, e4m3)
        #expect(g(0x08, 0x88) == 0x80)
        // smallest normal * 1 = smallest normal (S = 8 + 56 - 56 + 1 = 9: 1.125 * 2^-6 with the offset)
        #expect(g(0x08, 0x38) == 0x09)
        // 1 * 1 = 1 + 2^-3 (the offset alone)
        #expect(value(e4m3, g(0x38, 0x38)) == 1.125)
        #expect(value(e4m3, GoldenModel(.lmulFormula, e4m3)(0x38, 0x38)) == 1.125)
        #expect(value(e4m3, GoldenModel(.mitchell, e4m3)(0x38, 0x38)) == 1.0)
    }
}

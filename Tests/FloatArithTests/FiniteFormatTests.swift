import FloatArith
import Units
import Testing

/// SPEC "Finite formats" (the OCP MX element types e2m1fn, e2m3fn, e3m2fn): every value below is
/// worked out by hand from SPEC's rule (exponent field 0: `f * 2^(1 - bias - M)`, otherwise
/// `(2^M + f) * 2^(e - bias - M)`, the all-ones exponent an ordinary binade), not from the model.
@Suite struct FiniteFormatTests {
    let e2m1fn = FloatFormat.e2m1fn, e2m3fn = FloatFormat.e2m3fn, e3m2fn = FloatFormat.e3m2fn

    /// The magnitudes of encodings 0, 1, 2, ... (sign 0), by hand.
    static let e2m1fnValues: [Double] = [0, 0.5, 1, 1.5, 2, 3, 4, 6]
    static let e2m3fnValues: [Double] = [
        0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875,           // exponent 0: f / 8
        1, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875,           // exponent 1: (8 + f) / 8
        2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75,                   // exponent 2: (8 + f) / 4
        4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5,                           // exponent 3: (8 + f) / 2
    ]
    static let e3m2fnValues: [Double] = [
        0, 0.0625, 0.125, 0.1875,                                 // exponent 0: f / 16
        0.25, 0.3125, 0.375, 0.4375,                              // 1: (4 + f) / 16
        0.5, 0.625, 0.75, 0.875,                                  // 2: (4 + f) / 8
        1, 1.25, 1.5, 1.75,                                       // 3: (4 + f) / 4
        2, 2.5, 3, 3.5,                                           // 4
        4, 5, 6, 7,                                               // 5
        8, 10, 12, 14,                                            // 6
        16, 20, 24, 28,                                           // 7: an ordinary binade
    ]

    @Test func everyEncodingIsTheValueSpecGives() {
        for (f, table) in [(e2m1fn, Self.e2m1fnValues), (e2m3fn, Self.e2m3fnValues), (e3m2fn, Self.e3m2fnValues)] {
            #expect(f.encodingCount == 2 * table.count, "\(f.tag)")
            for (i, v) in table.enumerated() {
                let x = UInt32(i)
                #expect(f.doubleValue(x) == v, "\(f.tag) 0x\(String(x, radix: 16))")
                // the sign bit negates, zero included (-0)
                let neg = f.doubleValue(x | f.signMask)
                #expect(neg == -v && neg.sign == .minus, "\(f.tag) -0x\(String(x, radix: 16))")
                #expect(f.classify(x) != .nan && f.classify(x) != .infinity && f.classify(x | f.signMask) != .nan)
                #expect(f.exactValue(x) != nil)
            }
        }
    }

    @Test func formatConstants() {
        #expect(e2m1fn.width == 4 && e2m1fn.bias == 1 && e2m3fn.width == 6 && e2m3fn.bias == 1 && e3m2fn.width == 6 && e3m2fn.bias == 3)
        // max finite is all ones: 6.0 = 0x7, 7.5 = 0x1F, 28.0 = 0x1F
        #expect(e2m1fn.maxFinite == 0x7 && e2m1fn.doubleValue(0x7) == 6)
        #expect(e2m3fn.maxFinite == 0x1F && e2m3fn.doubleValue(0x1F) == 7.5)
        #expect(e3m2fn.maxFinite == 0x1F && e3m2fn.doubleValue(0x1F) == 28)
        for f in FloatFormat.finiteFormats {
            #expect(f.isFinite && !f.hasNaN && !f.hasInfinity && f.infinity == nil && f.encoding == .finite)
            #expect(f.maxFiniteExponentField == (1 << f.exponentBits) - 1)
        }
        // the other formats keep their encodings
        #expect(FloatFormat.e4m3.hasNaN && !FloatFormat.e4m3.hasInfinity && FloatFormat.e4m3.encoding == .e4m3fn)
        #expect(FloatFormat.e5m2.hasNaN && FloatFormat.e5m2.hasInfinity && FloatFormat.e5m2.encoding == .ieee)
        #expect(!FloatFormat.e4m3.isFinite && !FloatFormat.e5m2.isFinite)
    }

    /// `e2m1` without the suffix stays the IEEE-style format: 0x6 is inf, 0x7 NaN, max finite 3.0.
    @Test func e2m1WithoutSuffixStaysIEEEStyle() throws {
        let ieee = try FloatFormat(exponent: 2, mantissa: 1)
        #expect(ieee != e2m1fn && ieee.tag == "e2m1" && e2m1fn.tag == "e2m1fn")
        #expect(ieee.classify(0x6) == .infinity && ieee.classify(0x7) == .nan && ieee.maxFinite == 0x5)
        #expect(e2m1fn.classify(0x6) == .normal && e2m1fn.classify(0x7) == .normal)
        // 6 * 1: the finite format's max finite; in IEEE-style e2m1, 0x7 is a NaN input
        #expect(GoldenModel(.fpmul, e2m1fn)(0x7, 0x2) == 0x7)
        #expect(GoldenModel(.fpmul, ieee)(0x7, 0x2) == ieee.canonicalNaN)
    }

    /// `--format` names: SPEC's names, any e<E>m<M>, and only the three finite formats with `fn`.
    @Test func namesResolve() throws {
        #expect(try FloatFormat.named("e4m3") == .e4m3)
        #expect(try FloatFormat.named("e5m2") == .e5m2)
        #expect(try FloatFormat.named("bf16") == .bf16 && FloatFormat.named("fp16") == .fp16 && FloatFormat.named("fp32") == .fp32)
        #expect(try FloatFormat.named("e6m5") == FloatFormat(exponent: 6, mantissa: 5))
        #expect(try FloatFormat.named("e2m1") == FloatFormat(exponent: 2, mantissa: 1))
        #expect(try FloatFormat.named("e2m1fn") == e2m1fn && FloatFormat.named("e2m3fn") == e2m3fn && FloatFormat.named("e3m2fn") == e3m2fn)
        // other fn names are refused: SPEC names three, and e4m3fn would be confused with OCP E4M3FN
        for bad in ["e4m3fn", "e5m2fn", "e2m2fn", "e3m1fn", "e8m7fn"] {
            #expect(throws: FloatFormat.FormatError.notAFiniteFormat(bad)) { try FloatFormat.named(bad) }
        }
        for bad in ["", "e2m1fnfn", "e2m1f", "fp8", "bf16fn", "e4m3 ", "e+4m3", "e4m-3", "fn"] {
            #expect(throws: FloatFormat.FormatError.unknownName(bad)) { try FloatFormat.named(bad) }
        }
        // issue 38 item 6: one rule for every option, canonical lowercase names without leading
        // zeros; any other spelling of a format is refused naming the canonical one
        for (bad, canonical) in [("E2M1FN", "e2m1fn"), ("E4M3", "e4m3"), ("e04m3", "e4m3"), ("e4m03", "e4m3"), ("BF16", "bf16"),
                                 ("Fp32", "fp32"), ("E08M7", "e8m7")] {
            #expect(throws: FloatFormat.FormatError.notCanonical(bad, canonical: canonical)) { try FloatFormat.named(bad) }
        }
        #expect(FloatFormat.FormatError.notCanonical("E4M3", canonical: "e4m3").description.contains("write e4m3"))
        #expect(throws: FloatFormat.FormatError.notAFiniteFormat("E4M3FN")) { try FloatFormat.named("E4M3FN") }
        #expect(throws: FloatFormat.FormatError.exponentOutOfRange(99)) { try FloatFormat.named("e99m1") }
        #expect(throws: FloatFormat.FormatError.mantissaOutOfRange(24)) { try FloatFormat.named("e8m24") }
        #expect(FloatFormat.FormatError.notAFiniteFormat("e4m3fn").description.contains("e2m1fn, e2m3fn, e3m2fn"))
        // tags read back, fn tags only for the finite formats
        for f in FloatFormat.finiteFormats { #expect(FloatFormat(tag: f.tag) == f) }
        #expect(FloatFormat(tag: "e4m3fn") == nil && FloatFormat(tag: "e2m1fnfn") == nil)
        #expect(e2m1fn.arguments == ["--format", "e2m1fn"] && FloatFormat.e4m3.arguments == ["--mantissa", "3"])
        #expect(e2m1fn.overflowRefusal(.infinity)!.contains("there is no infinity") && e2m1fn.overflowRefusal(.saturate) == nil)
        #expect(FloatFormat.e4m3.overflowRefusal(.infinity) == nil)
    }

    /// Module names of the finite formats read back (`lmul_e2m1fn`); `_ovf_inf` does not exist for them.
    @Test func moduleNamesReadBack() {
        for f in FloatFormat.finiteFormats {
            for k in UnitKind.allCases {
                let u = ArithmeticUnit(k, f)
                #expect(u.moduleName == "\(k.rawValue)_\(f.tag)" && ArithmeticUnit(moduleName: u.moduleName) == u)
                #expect(ArithmeticUnit(moduleName: u.moduleName + "_ovf_inf") == nil)
                #expect(ArithmeticUnit(k, f, overflow: .infinity).unsupportedReason?.contains("there is no infinity") == true)
            }
            #expect(ArithmeticUnit(.fpadd, f).unsupportedReason?.contains("IEEE-style") == true)
        }
        #expect(ArithmeticUnit(moduleName: "lmul_e4m3fn") == nil && ArithmeticUnit(moduleName: "lmul_e2m1") != ArithmeticUnit(moduleName: "lmul_e2m1fn"))
        #expect(ArithmeticUnit(.lmul, .e3m2fn).command == "rtlgen --format e3m2fn --units lmul")
    }

    /// Hand-worked products of every multiplier. e2m1fn encodings: 0.5 = 0x1 (subnormal), 1 = 0x2,
    /// 1.5 = 0x3, 2 = 0x4, 3 = 0x5, 4 = 0x6, 6 = 0x7; the sign is bit 3.
    @Test func e2m1fnProducts() {
        let lmul = GoldenModel(.lmul, e2m1fn), formula = GoldenModel(.lmulFormula, e2m1fn)
        let mitchell = GoldenModel(.mitchell, e2m1fn), fp = GoldenModel(.fpmul, e2m1fn), ftz = GoldenModel(.fpmulFTZ, e2m1fn)
        // bit-add, off = 1, bias * 2^M = 2: S = A + B - 1
        #expect(lmul(0x2, 0x2) == 0x3)          // 1 * 1: S = 3, 1.5
        #expect(lmul(0x3, 0x3) == 0x5)          // 1.5 * 1.5: S = 5, 3.0 (exact 2.25)
        #expect(lmul(0xB, 0x4) == 0xE)          // -1.5 * 2: S = 6, -4.0
        #expect(lmul(0x4, 0x5) == 0x7)          // 2 * 3: S = 8 > 7, saturates to 6.0
        #expect(lmul(0x1, 0x7) == 0x0)          // 0.5 (subnormal) reads as zero
        // Mitchell, off = 0: S = A + B - 2
        #expect(mitchell(0x2, 0x2) == 0x2 && mitchell(0x3, 0x3) == 0x4 && mitchell(0x4, 0x5) == 0x7)
        #expect(mitchell(0x6, 0x4) == 0x7 && mitchell(0xE, 0x4) == 0xF)   // 4 * 2: S = 8, saturates, sign kept
        // formula: F = fa + fb + 1, X = ea + eb - 1; F >= 2: X + 1, F = floor((F - 2) / 2)
        #expect(formula(0x3, 0x3) == 0x4)       // 1.5 * 1.5: F = 3, X = 2, F = 0: 2.0
        #expect(formula(0x2, 0x2) == 0x3)       // 1 * 1: F = 1, X = 1: 1.5
        // fpmul: exact product, nearest even, subnormals kept
        #expect(fp(0x3, 0x3) == 0x4)            // 2.25 -> 2
        #expect(fp(0x3, 0x5) == 0x6)            // 4.5 -> 4 (between 4 and 6)
        #expect(fp(0x3, 0x1) == 0x2)            // 0.75: tie between 0.5 (odd) and 1.0 (even) -> 1.0
        #expect(fp(0x1, 0x1) == 0x0)            // 0.25: tie between 0 and 0.5 -> 0
        #expect(fp(0x2, 0x1) == 0x1 && fp(0x9, 0x2) == 0x9)   // 0.5 * 1 = 0.5, sign kept
        #expect(fp(0x5, 0x5) == 0x7 && fp(0xD, 0x5) == 0xF)   // 9 saturates to 6, -9 to -6
        #expect(fp(0x4, 0x5) == 0x7)            // 6 exactly: max finite, not an overflow
        // fpmul_ftz: subnormal inputs are zero
        #expect(ftz(0x2, 0x1) == 0x0 && ftz(0xA, 0x1) == 0x8 && ftz(0x3, 0x3) == 0x4 && ftz(0x5, 0x5) == 0x7)
    }

    @Test func e2m3fnAndE3m2fnProducts() {
        // e2m3fn: 1 = 0x08, 2 = 0x10, 4 = 0x18, 7.5 = 0x1F, sign bit 0x20; lmul off = 1, S = A + B - 7
        let l6 = GoldenModel(.lmul, e2m3fn), f6 = GoldenModel(.fpmul, e2m3fn)
        #expect(l6(0x08, 0x08) == 0x09)          // 1 * 1 = 1.125 (the offset)
        #expect(l6(0x18, 0x10) == 0x1F)          // 4 * 2: S = 33 > 31, saturates to 7.5
        #expect(l6(0x38, 0x10) == 0x3F)          // -4 * 2: -7.5
        #expect(f6(0x1F, 0x08) == 0x1F)          // 7.5 * 1 = 7.5 exactly
        #expect(f6(0x18, 0x10) == 0x1F && f6(0x38, 0x10) == 0x3F)   // 8 saturates to 7.5
        #expect(f6(0x04, 0x04) == 0x02)          // 0.5 * 0.5 = 0.25 = 0x02 (subnormal result)
        #expect(GoldenModel(.fpmulFTZ, e2m3fn)(0x04, 0x0C) == 0x00)  // 0.5 is subnormal: zero
        // e3m2fn: 0.25 = 0x04, 1 = 0x0C, 2 = 0x10, 16 = 0x1C, 24 = 0x1E, 28 = 0x1F; bias 3
        let f5 = GoldenModel(.fpmul, e3m2fn), z5 = GoldenModel(.fpmulFTZ, e3m2fn), l5 = GoldenModel(.lmul, e3m2fn)
        #expect(f5(0x1F, 0x0C) == 0x1F)          // 28 * 1 = 28
        #expect(f5(0x1C, 0x10) == 0x1F)          // 16 * 2 = 32 > 28: saturates
        #expect(f5(0x1E, 0x0D) == 0x1F)          // 24 * 1.25 = 30: a tie, rounds to even 32, saturates
        #expect(f5(0x04, 0x04) == 0x01)          // 0.25 * 0.25 = 2^-4 = 0.0625, the smallest subnormal
        #expect(z5(0x04, 0x04) == 0x00)          // fpmul_ftz: 2^-4 is below the smallest normal 0.25
        // lmul: S = A + B - 12 + 1; 16 * 2: 28 + 16 - 11 = 33 > 31 saturates; 1 * 1 = 13 -> 1.25
        #expect(l5(0x1C, 0x10) == 0x1F && l5(0x0C, 0x0C) == 0x0D)
        // the L-Mul underflow still flushes: 0.25 * 0.25: S = 4 + 4 - 11 < 4 -> +0
        #expect(l5(0x04, 0x04) == 0x00 && l5(0x24, 0x04) == 0x20)
    }

    /// Every unit and every operand pair: the result is never outside the format's finite values
    /// (no NaN or infinity exists), and a product beyond max finite saturates with sign sa ^ sb.
    @Test func everyPairSaturatesAndNeverLeavesTheFormat() {
        for f in FloatFormat.finiteFormats {
            for kind in UnitKind.allCases {
                let g = GoldenModel(kind, f)
                for a in 0..<UInt32(f.encodingCount) {
                    for b in 0..<UInt32(f.encodingCount) {
                        let y = g(a, b)
                        #expect(y < UInt32(f.encodingCount))
                        #expect(y >> UInt32(f.width - 1) == (a ^ b) >> UInt32(f.width - 1))
                        if kind == .fpmul, abs(f.doubleValue(a) * f.doubleValue(b)) >= 2 * f.doubleValue(f.maxFinite) {
                            #expect(y & f.magnitudeMask == f.maxFinite)
                        }
                    }
                }
            }
        }
    }

    /// SPEC "Processing elements": the finite formats fit all three accumulation formats, and both
    /// accumulators sum their products exactly.
    @Test func accumulation() {
        for f in FloatFormat.finiteFormats {
            for acc in [FloatFormat.fp32, .bf16, .fp16] { #expect(FPAdd.widens(f, into: acc), "\(f.tag) into \(acc.tag)") }
        }
        // e2m1fn fixed point: LSB 2^(1 - 1 - 1) = 0.5; 6 * 6 saturates to 6 twice, minus 0.5 * 1
        let a: [[UInt32]] = [[0x7, 0x7, 0x9]], b: [[UInt32]] = [[0x7], [0x7], [0x2]]
        let fixed = Matmul.multiply(a, b, unit: GoldenModel(.fpmul, e2m1fn))
        #expect(AccumulatorFormat(e2m1fn).lsbExponent == -1)
        #expect(fixed[0][0].sum.double == 23 && !fixed[0][0].invalid)       // 11.5 / 0.5
        // fp32: 6 + 6 - 0.5 = 11.5 = 0x41380000
        let fp32 = Matmul.multiply(a, b, element: e2m1fn, accumulation: .fp32) { GoldenModel(.fpmul, .e2m1fn)($0, $1) }
        #expect(fp32[0][0].sum.limbs[0] == 0x4138_0000 && !fp32[0][0].invalid)
        // e3m2fn 28 widened into bf16 is 0x41E0 (1.75 * 2^4), 0.0625 into fp16 is 0x2C00
        #expect(FPAdd.widen(0x1F, from: e3m2fn, to: .bf16) == 0x41E0 && FPAdd.widen(0x01, from: e3m2fn, to: .fp16) == 0x2C00)
    }
}

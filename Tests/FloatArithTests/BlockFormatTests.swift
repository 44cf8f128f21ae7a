import FloatArith
import Testing

/// SPEC "MX block formats": the e8m0 scale and block formats, with SPEC's numbers and blocks
/// converted by hand under "Converting real values to MX".
@Suite struct BlockFormatTests {
    let e8m0 = ScaleFormat.e8m0

    @Test func e8m0Values() {
        // SPEC: 0x00 is 2^-127, 0x7F is 1.0, 0xFF is NaN; no zero, no infinity
        #expect(e8m0.value(0x00) == 0x1p-127)
        #expect(e8m0.value(0x7F) == 1.0)
        #expect(e8m0.value(0x80) == 2.0 && e8m0.value(0x7E) == 0.5)
        #expect(e8m0.value(0xFE) == 0x1p127)
        #expect(e8m0.value(0xFF).isNaN && e8m0.isNaN(0xFF) && e8m0.exponent(0xFF) == nil)
        for x in UInt8(0)...UInt8(254) {
            let v = e8m0.value(x)
            #expect(v > 0 && v.isFinite && !e8m0.isNaN(x) && e8m0.exponent(x) == Int(x) - 127)
            #expect(e8m0.encoding(exponent: Int(x) - 127) == x)
        }
        #expect(e8m0.encoding(exponent: 128) == nil && e8m0.encoding(exponent: -128) == nil)
        #expect(e8m0.width == 8)
    }

    @Test func blockFormatsAreValidated() throws {
        for k in [1, 2, 4, 8, 16, 32, 64] { #expect(try BlockFormat(element: .e2m1fn, blockSize: k).blockSize == k) }
        for k in [0, -1, 3, 12, 48, 65, 128] {
            #expect(throws: BlockFormat.BlockFormatError.blockSize(k)) { try BlockFormat(element: .e2m1fn, blockSize: k) }
        }
        for f in [FloatFormat.bf16, .fp16, try FloatFormat(exponent: 2, mantissa: 1)] {
            #expect(throws: BlockFormat.BlockFormatError.element(f)) { try BlockFormat(element: f, blockSize: 32) }
        }
        #expect(BlockFormat.BlockFormatError.blockSize(3).description.contains("power of two in 1...64"))
        #expect(!BlockFormat.BlockFormatError.element(.bf16).description.contains("\n"))
        // SPEC's emax: 2 for e2m1fn and e2m3fn, 4 for e3m2fn, 8 for e4m3, 15 for e5m2
        let emax = try [FloatFormat.e2m1fn, .e2m3fn, .e3m2fn, .e4m3, .e5m2].map { try BlockFormat(element: $0, blockSize: 32).emax }
        #expect(emax == [2, 2, 4, 8, 15])
    }

    /// Blocks converted by hand: X = floor(log2(max |v|)) - emax, clamped to -127...127; elements
    /// v / 2^X rounded to nearest even, saturating.
    @Test func conversionOfHandWorkedBlocks() throws {
        // e2m1fn: max 6.2, floor(log2) = 2, X = 0 (scale 0x7F). 1.0 -> 0x2; -3.5 is a tie of 3 (0x5)
        // and 4 (0x6): even, -4 = 0xE; 0.25 a tie of 0 and 0.5: 0; 6.2 -> 6 = 0x7
        let fp4 = try BlockFormat(element: .e2m1fn, blockSize: 4)
        #expect(fp4.quantize([1.0, -3.5, 0.25, 6.2]) == (0x7F, [0x2, 0xE, 0x0, 0x7]))
        // e2m1fn: max 12, floor(log2) = 3, X = 1 (0x80): 12 / 2 = 6 (0x7), 1 / 2 = 0.5 (0x1), -7 / 2 = -3.5 -> -4 (0xE), 0
        #expect(fp4.quantize([12, 1, -7, 0]) == (0x80, [0x7, 0x1, 0xE, 0x0]))
        // e4m3: max 1000, floor(log2) = 9, X = 1 (0x80); 500 lies between 480 and 512 (grid 32): 512,
        // beyond 448, clamps to 0x7E; 0.5 = 2^-1 is 0x30
        let fp8 = try BlockFormat(element: .e4m3, blockSize: 2)
        #expect(fp8.quantize([1000, 1]) == (0x80, [0x7E, 0x30]))
        // an all-zero block takes X = -127 (scale 0x00); zeros keep their sign
        #expect(fp8.quantize([0, -0.0]) == (0x00, [0x00, 0x80]))
        // e5m2: 2^-140 would want X = -155, clamped to -127: the element is 2^-13, exponent field 2 (0x08)
        let e5 = try BlockFormat(element: .e5m2, blockSize: 1)
        #expect(e5.quantize([0x1p-140]) == (0x00, [0x08]))
        // e3m2fn: 2^140 wants X = 136, clamped to 127 (0xFE): 2^13 saturates to 28 (0x1F)
        let e3 = try BlockFormat(element: .e3m2fn, blockSize: 1)
        #expect(e3.quantize([0x1p140]) == (0xFE, [0x1F]))
        // e2m3fn: max 30, floor(log2) = 4, X = 2 (0x81): 30 / 4 = 7.5 (0x1F); -0.5 / 4 = -0.125 (0x21)
        let fp6 = try BlockFormat(element: .e2m3fn, blockSize: 2)
        #expect(fp6.quantize([30, -0.5]) == (0x81, [0x1F, 0x21]))
        #expect(fp6.value(element: 0x1F, scale: 0x81) == 30 && fp6.value(element: 0x21, scale: 0x81) == -0.5)
        #expect(fp6.value(element: 0x1F, scale: 0xFF).isNaN)
    }
}

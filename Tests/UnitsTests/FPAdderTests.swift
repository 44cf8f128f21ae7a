import FloatArith
import HDL
import Testing
import Units

/// SPEC "Floating-point accumulation": the golden adder `FPAdd.add` against independent oracles
/// (the machine's own IEEE Float and Float16 addition, and a brute-force nearest-even search over
/// every value of small formats), and the generated adder's netlist against the golden adder.
@Suite struct FPAdderTests {
    /// Operand pairs: every corner operand against every other, then seeded random encodings.
    static func pairs(_ f: FloatFormat, random: Int, seed: UInt64) -> [(UInt32, UInt32)] {
        let c = Vectors.cornerOperands(f)
        var out: [(UInt32, UInt32)] = []
        for a in c { for b in c { out.append((a, b)) } }
        var rng = SplitMix64(seed: seed)
        let mask = UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(f.width)) - 1)
        for i in 0..<random {
            let a = UInt32(truncatingIfNeeded: rng.next()) & mask
            var b = UInt32(truncatingIfNeeded: rng.next()) & mask
            // every fourth pair: b close to -a or a in exponent, so cancellation and carries happen
            if i % 4 == 0 { b = (a ^ (UInt32(truncatingIfNeeded: rng.next() & 1) << UInt32(f.width - 1))) &+ UInt32(truncatingIfNeeded: rng.next() % 7) &- 3; b &= mask }
            out.append((a, b))
        }
        return out
    }

    /// NaN results are compared as "is NaN and canonical"; everything else bit for bit.
    static func same(_ golden: UInt32, _ oracle: UInt32, _ f: FloatFormat) -> Bool {
        if f.isNaN(oracle) { return golden == f.canonicalNaN }
        return golden == oracle
    }

    @Test func fp32MatchesTheMachinesFloatAddition() {
        let f = FloatFormat.fp32
        var bad = 0
        for (a, b) in Self.pairs(f, random: 300_000, seed: 11) {
            let oracle = (Float(bitPattern: a) + Float(bitPattern: b)).bitPattern
            if !Self.same(FPAdd.add(a, b, f), oracle, f) {
                if bad == 0 { Issue.record("fp32 \(String(a, radix: 16)) + \(String(b, radix: 16)): golden \(String(FPAdd.add(a, b, f), radix: 16)) Float \(String(oracle, radix: 16))") }
                bad += 1
            }
        }
        #expect(bad == 0)
    }

    #if arch(x86_64) || arch(arm64)
    @Test func fp16MatchesTheMachinesFloat16Addition() {
        let f = FloatFormat.fp16
        var bad = 0
        for (a, b) in Self.pairs(f, random: 300_000, seed: 12) {
            let oracle = UInt32((Float16(bitPattern: UInt16(a)) + Float16(bitPattern: UInt16(b))).bitPattern)
            if !Self.same(FPAdd.add(a, b, f), oracle, f) {
                if bad == 0 { Issue.record("fp16 \(String(a, radix: 16)) + \(String(b, radix: 16)): golden \(String(FPAdd.add(a, b, f), radix: 16)) Float16 \(String(oracle, radix: 16))") }
                bad += 1
            }
        }
        #expect(bad == 0)
    }
    #endif

    /// Every pair of an 8-bit IEEE-style format: the exact sum in Double (exact at this width),
    /// rounded by searching every finite value for the nearest, ties to the even encoding; beyond
    /// max finite by half an ulp or more (the IEEE overflow threshold), infinity.
    @Test(arguments: [FloatFormat.e5m2, try! FloatFormat(exponent: 3, mantissa: 4), try! FloatFormat(exponent: 2, mantissa: 5)])
    func smallFormatsMatchBruteForceNearestEven(_ f: FloatFormat) {
        let positives = (0...f.maxFinite).map { (enc: $0, value: f.doubleValue($0)) }
        let ulpAtMax = f.doubleValue(f.maxFinite) - f.doubleValue(f.maxFinite - 1)
        let threshold = f.doubleValue(f.maxFinite) + ulpAtMax / 2
        func nearest(_ v: Double) -> UInt32 {
            let s: UInt32 = v < 0 ? 1 << UInt32(f.width - 1) : 0
            let mag = Swift.abs(v)
            if mag >= threshold { return s | f.infinity! }
            var best = positives[0]
            for p in positives {
                let d = Swift.abs(p.value - mag), bd = Swift.abs(best.value - mag)
                if d < bd || (d == bd && p.enc & 1 == 0) { best = p }
            }
            return s | best.enc
        }
        var bad = 0
        for a in 0..<UInt32(1 << f.width) {
            for b in 0..<UInt32(1 << f.width) {
                let ca = f.classify(a), cb = f.classify(b)
                let expected: UInt32
                if ca == .nan || cb == .nan { expected = f.canonicalNaN }
                else if ca == .infinity || cb == .infinity {
                    let va = f.doubleValue(a), vb = f.doubleValue(b)
                    let s = va + vb
                    expected = s.isNaN ? f.canonicalNaN : (ca == .infinity ? a : b)
                } else {
                    let s = f.doubleValue(a) + f.doubleValue(b)
                    if s == 0 {
                        expected = (f.sign(a) == 1 && f.sign(b) == 1) ? f.signMask : 0
                    } else {
                        expected = nearest(s)
                    }
                }
                let got = FPAdd.add(a, b, f)
                if got != expected {
                    if bad == 0 { Issue.record("\(f.tag) \(a) + \(b): golden \(got), brute force \(expected)") }
                    bad += 1
                }
            }
        }
        #expect(bad == 0)
    }

    /// SPEC's sign-of-zero and special-value sentences, one by one (fp32).
    @Test func specialValuesAndSignsOfZero() {
        let f = FloatFormat.fp32
        let inf: UInt32 = 0x7F80_0000, ninf: UInt32 = 0xFF80_0000, one: UInt32 = 0x3F80_0000, none: UInt32 = 0xBF80_0000
        #expect(FPAdd.add(one, none, f) == 0)                         // exact zero of opposite signs: +0
        #expect(FPAdd.add(0x8000_0000, 0x8000_0000, f) == 0x8000_0000) // (-0) + (-0) = -0
        #expect(FPAdd.add(0x8000_0000, 0, f) == 0)                     // (-0) + (+0) = +0
        #expect(FPAdd.add(inf, ninf, f) == f.canonicalNaN)            // inf + (-inf): canonical NaN
        #expect(FPAdd.add(inf, 0x7F7F_FFFF, f) == inf)                // inf plus finite: that inf
        #expect(FPAdd.add(0xFFC0_0001, one, f) == 0x7FFF_FFFF)        // NaN operand: canonical NaN (sign 0, all ones)
        #expect(FPAdd.add(0x7F7F_FFFF, 0x7F7F_FFFF, f) == inf)        // overflow: infinity
        #expect(FPAdd.add(0xFF7F_FFFF, 0xF280_0000, f) == 0xFF7F_FFFF) // -max - 2^102, below half an ulp: stays at -max
        #expect(FPAdd.add(0xFF7F_FFFF, 0xF300_0000, f) == 0xFF80_0000) // -max - 2^103: a tie, to even, past max: -inf
        #expect(FPAdd.add(0x0000_0001, 0x0000_0001, f) == 0x0000_0002) // subnormals add exactly
        #expect(FPAdd.add(0x0080_0000, 0x8000_0001, f) == 0x007F_FFFF) // min normal minus min subnormal: gradual underflow
    }

    @Test func widensOnlyWhereEveryProductIsExact() {
        for e in [FloatFormat.e4m3, .e5m2] {
            for acc in [FloatFormat.fp32, .bf16, .fp16] { #expect(FPAdd.widens(e, into: acc), "\(e.tag) into \(acc.tag)") }
        }
        #expect(FPAdd.widens(.bf16, into: .fp32))
        // SPEC's rule is exact representability, which bf16 products meet in bf16 itself; its
        // parenthetical "bf16 fits fp32 only" lists the wider formats. We follow the rule.
        #expect(FPAdd.widens(.bf16, into: .bf16))
        #expect(!FPAdd.widens(.bf16, into: .fp16))
        #expect(!FPAdd.widens(.fp16, into: .bf16))
        #expect(!FPAdd.widens(.fp32, into: .bf16))
        // every e4m3 value survives the trip into fp16 exactly (values compared as Doubles)
        for x in 0..<UInt32(256) where !FloatFormat.e4m3.isNaN(x) {
            #expect(FloatFormat.fp16.doubleValue(FPAdd.widen(x, from: .e4m3, to: .fp16)) == FloatFormat.e4m3.doubleValue(x))
        }
        #expect(FPAdd.widen(0x7F, from: .e4m3, to: .fp32) == 0x7FFF_FFFF)
    }

    /// The generated adder's netlist, evaluated by the DSL's simulator, equals the golden adder:
    /// every pair for 8-bit formats, corners and random pairs for the accumulation formats.
    @Test(arguments: [FloatFormat.e5m2, try! FloatFormat(exponent: 3, mantissa: 4), .fp16, .bf16, .fp32])
    func netlistEqualsGolden(_ f: FloatFormat) throws {
        let unit = ArithmeticUnit(.fpadd, f)
        let sim = try Simulator(try unit.elaborate())
        let pairs = f.width <= 8 ? Vectors.pairs(f, plan: .exhaustive) : Self.pairs(f, random: 40_000, seed: 5)
        var bad = 0
        for (a, b) in pairs {
            sim.set("a", UInt64(a)); sim.set("b", UInt64(b)); sim.eval()
            let y = UInt32(sim.get("y")), expected = FPAdd.add(a, b, f)
            if y != expected {
                if bad == 0 { Issue.record("\(unit.moduleName) \(String(a, radix: 16)) + \(String(b, radix: 16)): netlist \(String(y, radix: 16)) golden \(String(expected, radix: 16))") }
                bad += 1
            }
        }
        #expect(bad == 0)
    }
}

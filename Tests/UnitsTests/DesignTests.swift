import FloatArith
import HDL
import Testing
import Units

/// Designs: signatures declared once match what elaboration builds, and a cycle trace packs
/// ports the way the testbench wrapper slices them.
@Suite struct DesignTests {
    @Test func signaturesMatchTheElaboratedModules() throws {
        for k in UnitKind.registry {
            for stages in [0, 1, 3] {
                let u = ArithmeticUnit(k, k.role.isMultiplier ? .e5m2 : .fp16, stages: stages)
                let top = try #require(try u.modules().last)
                #expect(u.signature.mismatch(top) == nil, "\(u.moduleName)")
                #expect(u.latency == stages && u.signature.isClocked == (stages > 0))
            }
        }
        let array = ArrayDesign(ArithmeticUnit(.lmul, .e4m3), rows: 2, cols: 3, floatAccumulator: .fp32)
        let top = try #require(try array.modules().last)
        #expect(top.name == array.moduleName && array.signature.mismatch(top) == nil)
        // a wrong declaration is reported
        let wrong = Signature([.input("a", 8, .operand), .input("b", 8, .operand), .output("y", 7, .result)])
        #expect(wrong.mismatch(try ArithmeticUnit(.lmul, .e4m3).elaborate()) != nil)
    }

    /// Packing by hand: inputs {a, b} with a on top, outputs {y}; expected words are {mask, value}.
    @Test func tracesPackPortsFirstOnTop() {
        let sig = Signature([.input("a", 8, .operand), .input("b", 4, .operand), .output("y", 8, .result), .output("f", 2, .flag)])
        #expect(sig.stimulusWidth == 12 && sig.resultWidth == 10)
        #expect(sig.offset(of: "a") == 4 && sig.offset(of: "b") == 0 && sig.offset(of: "y") == 2 && sig.offset(of: "f") == 0)
        var t = CycleTrace(sig)
        t.addCycle()
        t.addCycle()
        t.drive("a", 0xAB, cycle: 0)
        t.drive("b", 0x1F, cycle: 0)          // 4 bits: 0xF
        t.drive("b", 0x3, cycle: 1)
        t.expect("y", 0xC5, cycle: 1)
        t.expect("f", 1, cycle: 1, at: 1, width: 1)
        #expect(t.driven("a", cycle: 0) == 0xAB && t.driven("b", cycle: 0) == 0xF && t.driven("a", cycle: 1) == 0)
        #expect(t.stimulusHex(comment: "s") == "// s\nabf\n003\n")
        // cycle 1: value = y<<2 | f = 0xC5<<2 | 0b10 = 0x316; mask = 0xFF<<2 | 0b10 = 0x3FE; word = mask<<10 | value
        let word = (0x3FE << 10) | 0x316
        #expect(t.expectedHex(comment: "e") == "// e\n00000\n" + String(word, radix: 16) + "\n")
        #expect(!t.checks(cycle: 0) && t.checks(cycle: 1) && t.checkedCycles == 1)
    }

    /// Fields that straddle 64-bit limbs survive a round trip.
    @Test func wideFieldsStraddleLimbs() {
        let sig = Signature([.input("w", 200, .operand), .output("y", 130, .result)])
        var t = CycleTrace(sig)
        t.addCycle()
        for (k, v) in [UInt64(0x0123_4567_89AB_CDEF), 0xFEDC_BA98_7654_3210, 0x0F0F_0F0F_F0F0_F0F0].enumerated() {
            t.drive("w", v, cycle: 0, at: 60 + 64 * k, width: 64)
            #expect(t.driven("w", cycle: 0, at: 60 + 64 * k, width: 64) == v)
        }
        #expect(t.driven("w", cycle: 0, at: 0, width: 60) == 0)
    }

    /// A unit's trace puts pair k in cycle k and its golden result in cycle k + S.
    @Test func unitTracesExpectResultsAtTheLatency() {
        let u = ArithmeticUnit(.lmul, .e4m3, stages: 2)
        let pairs: [(UInt32, UInt32)] = [(0x3E, 0x42), (0x38, 0x38), (0x7F, 0x00)]
        let t = u.trace(pairs)
        #expect(t.cycles == 5 && t.checkedCycles == 3 && !t.checks(cycle: 0) && !t.checks(cycle: 1))
        // SPEC's worked example: 1.75 * 2.5 gives 4.5 (0x49) in the bit-add form
        #expect(t.expectedHex(comment: "x").split(separator: "\n")[3] == "ff49")
        #expect(u.operands(checkedIn: 2, of: t) == (0x3E, 0x42))
    }
}

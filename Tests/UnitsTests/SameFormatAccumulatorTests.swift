import FloatArith
import HDL
import Testing
import Units

/// Issue 27 item 6: SPEC "Floating-point accumulation" allows every element / Acc pair whose
/// products are all exact in Acc, which includes an accumulation format equal to the element
/// format (e8m7 with bf16, e5m10 with fp16, e8m23 with fp32). Their PEs are generated and add
/// exactly as SPEC's rounded addition does, beat by beat.
@Suite struct SameFormatAccumulatorTests {
    @Test(arguments: [(UnitKind.lmul, FloatFormat.bf16, FloatFormat.bf16), (.fpmul, .fp16, .fp16), (.lmul, .fp32, .fp32), (.fpmul, .bf16, .bf16)])
    func sameFormatPEsAddAsSPECSays(_ kind: UnitKind, _ element: FloatFormat, _ acc: FloatFormat) throws {
        #expect(FPAdd.widens(element, into: acc))
        let unit = ArithmeticUnit(kind, element)
        let pe = ProcessingElement(unit, floatAccumulator: acc)
        let top = try #require(try pe.modules().last)
        let sim = try Simulator(top)
        var rng = SplitMix(seed: 27)
        var sum: UInt32 = 0
        let mask = UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(element.width)) - 1)
        for beat in 0..<600 {
            let clear = beat % 8 == 0
            let a = UInt32(truncatingIfNeeded: rng.next()) & mask, b = UInt32(truncatingIfNeeded: rng.next()) & mask
            sim.set("clear", clear ? 1 : 0)
            sim.set("valid", 1)
            sim.set("a", UInt64(a))
            sim.set("b", UInt64(b))
            sim.tick()
            if clear { sum = 0 }
            sum = FPAdd.add(sum, FPAdd.widen(unit(a, b), from: element, to: acc), acc)
            #expect(UInt32(sim.get("acc")) == sum, "\(pe.moduleName) beat \(beat): a=\(a) b=\(b)")
            if UInt32(sim.get("acc")) != sum { return }
        }
    }
}

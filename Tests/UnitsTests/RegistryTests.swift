import FloatArith
import HDL
import Testing
import Units

/// The unit registry: every unit is one type, reachable by name, and everything that lists units
/// lists the registry.
@Suite struct RegistryTests {
    @Test func namesAreUniqueAndRoundTrip() throws {
        let names = UnitKind.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        for k in UnitKind.allCases {
            #expect(UnitKind(rawValue: k.rawValue) == k)
            for f in [FloatFormat.e4m3, .e5m2, .bf16] {
                for o in OverflowMode.allCases {
                    let u = ArithmeticUnit(k, f, overflow: o)
                    #expect(ArithmeticUnit(moduleName: u.moduleName) == u, "\(u.moduleName)")
                }
            }
        }
        #expect(UnitKind(rawValue: "nope") == nil)
        // the accumulation adder is registered but is not a multiplier, and exists for IEEE-style formats only
        #expect(UnitKind.adders == [.fpadd] && !UnitKind.allCases.contains(.fpadd) && UnitKind.registry.contains(.fpadd))
        #expect(ArithmeticUnit(moduleName: "fpadd_e8m23") == ArithmeticUnit(.fpadd, .fp32))
        #expect(ArithmeticUnit(moduleName: "fpadd_e4m3") == nil)
        #expect(ArithmeticUnit(moduleName: "fpadd_e8m23_ovf_inf") == nil)
    }

    /// The header carries the unit's own SPEC section, summary and parameters.
    @Test func headerComesFromTheUnitType() throws {
        for k in UnitKind.allCases {
            let text = try ArithmeticUnit(k, .e4m3).verilog()
            #expect(text.contains("SPEC.md \"\(k.specRule)\""))
            #expect(text.contains(k.summary))
            for (name, value) in k.type.parameters(.e4m3) { #expect(text.contains("\(name)=\(value)")) }
            #expect(text.contains("; combinational"))
            let piped = try ArithmeticUnit(k, .e4m3, stages: 2).verilog()
            #expect(piped.contains("module \(k.rawValue)_e4m3_p2 ("))
            #expect(piped.contains("2 register stages (SPEC \"Ports\")"))
        }
    }

    /// SPEC "Mitchell": the bit-add form with off = 0, read from SPEC's worked numbers, not from
    /// the generator: e4m3 1.0 * 1.0 = 1.0 exactly (no offset), 1.5 * 1.5 = 2.0 (Mitchell's
    /// 1 + fa + fb), and 1.75 * 2.5: S = A + B - bias*2^M = 0x3E + 0x42 - 0x38 = 0x48 = 4.0 (SPEC: bit-add gives 4.5).
    @Test func mitchellIsTheBitAddFormWithoutOffset() throws {
        let e4m3 = FloatFormat.e4m3
        let mitchell = GoldenModel(.mitchell, e4m3), lmul = GoldenModel(.lmul, e4m3)
        #expect(mitchell(0x38, 0x38) == 0x38)
        #expect(mitchell(0x3C, 0x3C) == 0x40)
        #expect(mitchell(0x3E, 0x42) == 0x48)
        #expect(e4m3.doubleValue(mitchell(0x3E, 0x42)) == 4.0)
        // lmul adds off = 1 in the last place: always the next encoding up where no rule intervenes
        #expect(e4m3.doubleValue(lmul(0x3E, 0x42)) == 4.5)
        // and the netlist agrees on all pairs (both formats)
        for f in [FloatFormat.e4m3, .e5m2] {
            let unit = ArithmeticUnit(.mitchell, f)
            let sim = try Simulator(try unit.elaborate())
            for (a, b) in Vectors.pairs(f, plan: .exhaustive) {
                sim.set("a", UInt64(a)); sim.set("b", UInt64(b)); sim.eval()
                if UInt32(sim.get("y")) != LMul.bitAdd(a, b, f, .saturate, offset: 0) {
                    Issue.record("\(unit.moduleName) a=\(a) b=\(b)"); return
                }
            }
        }
    }
}

import HDL
import Testing

/// The DSL refuses malformed designs with a message naming the problem, and what it accepts
/// means what it says.
@Suite struct DSLErrorTests {
    func error(_ build: (ModuleBuilder) -> Void) -> HDLError? {
        let m = ModuleBuilder("dut")
        build(m)
        do {
            _ = try m.finish()
            return nil
        } catch let e as HDLError {
            return e
        } catch {
            return nil
        }
    }

    @Test func widthMismatchNamesTheOperands() {
        let e = error { m in
            let a = m.input("a", 8), b = m.input("b", 7)
            m.output("y", a + b)
        }
        guard case .widthMismatch(_, let op, let operands) = e else { Issue.record("expected a width error, got \(String(describing: e))"); return }
        #expect(op == "+")
        #expect(operands == ["a (8 bits)", "b (7 bits)"])
        #expect(e!.description.contains("zext"))
    }

    @Test func widthMismatchInComparisonMuxAndAssign() {
        #expect(error { m in
            let a = m.input("a", 4), b = m.input("b", 5)
            m.output("y", a.ult(b))
        } != nil)
        #expect(error { m in
            let a = m.input("a", 4), b = m.input("b", 5), s = m.input("s", 1)
            m.output("y", m.mux(s, a, b))
        } != nil)
        #expect(error { m in
            let a = m.input("a", 4), s = m.input("s", 2)
            m.output("y", m.mux(s, a, a + 1))
        } != nil)
        #expect(error { m in
            let a = m.input("a", 4)
            let y = m.output("y", 5)
            m.assign(y, a)
        } != nil)
    }

    @Test func sliceOutOfRange() {
        let e = error { m in
            let a = m.input("a", 8)
            m.output("y", a[8, 4])
        }
        guard case .sliceOutOfRange(_, let operand, let width, let hi, let lo) = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(operand == "a" && width == 8 && hi == 8 && lo == 4)
        #expect(error { m in m.output("y", m.input("a", 8)[2, 3]) } != nil)
        #expect(error { m in m.output("y", m.input("a", 8).trunc(to: 9)) } != nil)
        #expect(error { m in m.output("y", m.input("a", 8).zext(to: 4)) } != nil)
    }

    @Test func undrivenOutputsWiresAndRegisters() {
        #expect(error { m in _ = m.input("a", 1); _ = m.output("y", 1) } == .undriven(module: "dut", kind: "output", name: "y"))
        #expect(error { m in
            let a = m.input("a", 1)
            let w = m.wire("w", width: 1)
            m.output("y", a)
            _ = w
        } == .undriven(module: "dut", kind: "wire", name: "w"))
        #expect(error { m in
            _ = m.clock()
            let r = m.register("r", 4)
            m.output("y", r)
        } == .undriven(module: "dut", kind: "register", name: "r"))
    }

    @Test func combinationalLoopIsNamed() {
        let e = error { m in
            let a = m.input("a", 4)
            let w1 = m.wire("w1", width: 4)
            let w2 = m.wire("w2", w1 + a)
            m.assign(w1, w2 ^ a)
            m.output("y", w2)
        }
        guard case .combinationalLoop(_, let path) = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(Set(path) == ["w1", "w2"])
    }

    @Test func loopThroughARegisterIsFine() throws {
        let m = ModuleBuilder("counter")
        _ = m.clock()
        let r = m.register("count", 4)
        m.next(r, r + 1)
        m.output("y", r)
        _ = try m.finish()
    }

    @Test func namesAndConstants() {
        #expect(error { m in m.output("y", m.input("module", 1)) } != nil)      // keyword
        #expect(error { m in m.output("y", m.input("t3", 1)) } != nil)          // reserved for temporaries
        #expect(error { m in m.output("y", m.input("2a", 1)) } != nil)
        #expect(error { m in m.output("a", m.input("a", 1)) } == .duplicateName(module: "dut", name: "a"))
        #expect(error { m in m.output("y", m.input("a", 4) + 16) } == .constantTooWide(module: "dut", value: "16", width: 4))
        #expect(error { m in m.output("y", m.input("a", 4) + 15) } == nil)
        #expect(error { m in _ = m.register("r", 2) } != nil)                  // no clock
        #expect(error { m in
            let a = m.input("a", 2)
            let y = m.output("y", 2)
            m.assign(y, a)
            m.assign(y, a)
        } == .multipleDrivers(module: "dut", name: "y"))
        #expect(error { m in m.output("y", m.input("a", 0)) } != nil)
    }

    @Test func signalsCannotCrossModules() {
        let other = ModuleBuilder("other")
        let foreign = other.input("x", 4)
        let e = error { m in m.output("y", m.input("a", 4) & foreign) }
        guard case .foreignSignal = e else { Issue.record("got \(String(describing: e))"); return }
    }

    @Test func instancePortsAreChecked() throws {
        let sub = ModuleBuilder("sub")
        sub.output("y", sub.input("a", 4) + 1)
        let subModule = try sub.finish()
        #expect(error { m in _ = m.instance(subModule, "u", ["a": m.input("a", 3)]) } != nil)
        #expect(error { m in _ = m.instance(subModule, "u", [:]) } != nil)
        #expect(error { m in _ = m.instance(subModule, "u", ["a": m.input("a", 4), "b": m.input("b", 1)]) } != nil)
    }
}

@Suite struct DSLSemanticsTests {
    /// Random expressions over random inputs: the simulator agrees with Swift integer arithmetic.
    @Test func operatorsMeanWhatTheySay() throws {
        let m = ModuleBuilder("ops")
        let a = m.input("a", 12), b = m.input("b", 12), s = m.input("s", 4)
        m.output("add", a + b)
        m.output("sub", a - b)
        m.output("mul", a.fullProduct(b))
        m.output("and_", a & b)
        m.output("xor_", a ^ ~b)
        m.output("lt", m.cat(a.ult(b), a.ule(b), a.slt(b), a.sle(b), a.ugt(b), a.sge(b), a.eq(b), a.ne(b)))
        m.output("shl", a.shiftLeft(by: s))
        m.output("shr", a.shiftRight(by: s))
        m.output("cat_", m.cat(a[11, 8], b[3, 0], a[0]))
        m.output("sx", a[5, 0].sext(to: 10))
        m.output("red", m.cat(a.orReduce, a.andReduce, a.xorReduce, a.isZero))
        m.output("mx", m.mux(s[0], a, b))
        m.output("shk", m.cat(a << 3, a >> 5))
        let sim = try Simulator(try m.finish())
        var rng = UInt64(12345)
        func next() -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return rng >> 33 }
        for i in 0..<3000 {
            let x = i < 4 ? [0, 0xFFF, 0x800, 1][i] : next() & 0xFFF
            let y = i < 4 ? [0xFFF, 0, 0x7FF, 1][i] : next() & 0xFFF
            let k = next() & 0xF
            sim.set("a", x); sim.set("b", y); sim.set("s", k)
            sim.eval()
            let sx = Int64(bitPattern: x << 52) >> 52, sy = Int64(bitPattern: y << 52) >> 52
            #expect(sim.get("add") == (x + y) & 0xFFF)
            #expect(sim.get("sub") == (x &- y) & 0xFFF)
            #expect(sim.get("mul") == x * y)
            #expect(sim.get("and_") == x & y)
            #expect(sim.get("xor_") == (x ^ ~y) & 0xFFF)
            let flags = [x < y, x <= y, sx < sy, sx <= sy, x > y, sx >= sy, x == y, x != y]
            #expect(sim.get("lt") == flags.reduce(0) { $0 << 1 | ($1 ? 1 : 0) })
            #expect(sim.get("shl") == (k >= 12 ? 0 : (x << k) & 0xFFF))
            #expect(sim.get("shr") == (k >= 12 ? 0 : x >> k))
            #expect(sim.get("cat_") == ((x >> 8) << 5) | ((y & 0xF) << 1) | (x & 1))
            let low6 = x & 0x3F
            #expect(sim.get("sx") == (low6 & 0x20 != 0 ? low6 | 0x3C0 : low6))
            let red = (x != 0 ? 8 : 0) | (x == 0xFFF ? 4 : 0) | UInt64(x.nonzeroBitCount & 1) << 1 | (x == 0 ? 1 : 0)
            #expect(sim.get("red") == red)
            #expect(sim.get("mx") == (k & 1 == 1 ? x : y))
            #expect(sim.get("shk") == (((x << 3) & 0xFFF) << 12) | (x >> 5))
        }
    }

    @Test func registersUpdateOnTick() throws {
        let m = ModuleBuilder("acc")
        _ = m.clock()
        let clear = m.input("clear", 1), d = m.input("d", 8)
        let acc = m.register("acc", 8)
        m.next(acc, m.mux(clear, m.zeros(8), acc + d))
        m.output("q", acc)
        let sim = try Simulator(try m.finish())
        sim.set("clear", 1); sim.tick()
        #expect(sim.get("q") == 0)
        sim.set("clear", 0)
        for v: UInt64 in [5, 7, 250] { sim.set("d", v); sim.tick() }
        #expect(sim.get("q") == (5 + 7 + 250) & 0xFF)
    }

    @Test func instancesAreFlattenedBySimulator() throws {
        let sub = ModuleBuilder("inc")
        sub.output("y", sub.input("a", 4) + 1)
        let inc = try sub.finish()
        let top = ModuleBuilder("top")
        let a = top.input("a", 4)
        let first = top.instance(inc, "u0", ["a": a])
        let second = top.instance(inc, "u1", ["a": first["y"]!])
        top.output("y", second["y"]!)
        let sim = try Simulator(try top.finish())
        #expect(sim.evaluate(["a": 14], output: "y") == 0)
        #expect(sim.evaluate(["a": 3], output: "y") == 5)
    }
}

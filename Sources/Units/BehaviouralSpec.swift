import FloatArith

/// Plain behavioural Verilog of SPEC.md, one readable block per SPEC rule, for `rtlgen prove`: the
/// description a designer would write from the contract alone, with Verilog's own integer
/// arithmetic (`+`, `-`, `*`, `>>`, comparisons) and an `if` chain for the special values. None of
/// it is built from the generator's datapath or its format blocks (no DSL, no shared decode, no
/// rounding helper): the strings below are the whole description. The exact multipliers' descriptions
/// are in `BehaviouralReference`, written the same way: `fpmul_ftz` is its synthesis twin, `fpmul`
/// the twin's function with each operand normalised first (`normalisedFirst`), so that a wide
/// proof can cut the two sides' significand products into one.
///
/// The set of described units is data (`entries`): a new unit (or the MX dot units) joins the
/// proofs by adding an entry, not by a switch on names in the prover.
public enum BehaviouralSpec {
    /// One described unit kind: its description for any format and overflow rule it exists for.
    public struct Entry: Sendable {
        public let kind: UnitKind
        /// What the description is, for the proof table (one phrase).
        public let method: String
        public let verilog: @Sendable (ArithmeticUnit) -> String

        public init(kind: UnitKind, method: String, verilog: @escaping @Sendable (ArithmeticUnit) -> String) {
            self.kind = kind
            self.method = method
            self.verilog = verilog
        }
    }

    /// Every unit with a behavioural description, in the registry's order.
    public static let entries: [Entry] = [
        Entry(kind: .lmul, method: "S = A + B - bias*2^M + off as one signed integer") {
            bitAdd($0, offset: LMulOffset.offset(mantissa: $0.format.mantissaBits), rule: "L-Mul, bit-add form")
        },
        Entry(kind: .lmulFormula, method: "F = fa + fb + off, X = ea + eb - bias, truncating renormalisation") { formula($0) },
        Entry(kind: .fpmul, method: "operands normalised, '*' product, leading-zero loop, one shift, round to nearest even") {
            BehaviouralReference.normalisedFirst($0)!
        },
        Entry(kind: .fpmulFTZ, method: "'*' product, leading-zero loop, one shift, round to nearest even, flush") { BehaviouralReference.verilog($0)! },
        Entry(kind: .mitchell, method: "S = A + B - bias*2^M as one signed integer (off = 0)") {
            bitAdd($0, offset: 0, rule: "Mitchell")
        },
        Entry(kind: .fpadd, method: "both operands as exact fixed-point integers, signed sum, round to nearest even") { adder($0) },
    ]

    /// The entry of a unit kind, if it has a description.
    public static func entry(_ kind: UnitKind) -> Entry? { entries.first { $0.kind == kind } }

    /// The behavioural description of a combinational unit (module named like the unit); nil for
    /// units without one or that do not exist.
    public static func verilog(_ unit: ArithmeticUnit) -> String? {
        guard unit.unsupportedReason == nil, let e = entry(unit.kind) else { return nil }
        return e.verilog(unit.withStages(0))
    }

    // MARK: - the multipliers' shared SPEC "Formats" rules, written out in each module

    private static func hex(_ v: UInt32, _ w: Int) -> String { "\(w)'h" + String(v, radix: 16) }

    /// Port list and the operand fields (SPEC "Formats").
    private static func head(_ unit: ArithmeticUnit, rule: String, what: [String]) -> [String] {
        let f = unit.format, n = f.width, e = f.exponentBits, m = f.mantissaBits
        var lines = [
            "// \(unit.moduleName): behavioural description (rtlgen prove's reference, not a shipped unit) of SPEC.md \"\(rule)\"",
            "// format: \(f), bias \(f.bias); overflow: \(unit.overflow.rawValue)",
        ]
        lines += what.map { "// " + $0 }
        lines += [
            "module \(unit.moduleName) (",
            "    input  wire [\(n - 1):0] a,",
            "    input  wire [\(n - 1):0] b,",
            "    output reg  [\(n - 1):0] y",
            ");",
            "    // SPEC \"Formats\": sign, exponent field, fraction field",
            "    wire sa = a[\(n - 1)];",
            "    wire sb = b[\(n - 1)];",
            "    wire [\(e - 1):0] ea = a[\(n - 2):\(m)];",
            "    wire [\(e - 1):0] eb = b[\(n - 2):\(m)];",
            "    wire [\(m - 1):0] fa = a[\(m - 1):0];",
            "    wire [\(m - 1):0] fb = b[\(m - 1):0];",
            "    wire s = sa ^ sb;   // the sign of every result but NaN",
        ]
        return lines
    }

    /// SPEC "Formats" classes for the L-Mul forms and Mitchell: NaN and infinity by format, and
    /// zero meaning exponent field 0 (zero or subnormal, both read as zero).
    private static func classes(_ f: FloatFormat) -> [String] {
        let n = f.width, allOnes = "{\(f.exponentBits){1'b1}}"
        var lines = ["    // SPEC \"Formats\" and the L-Mul rules: NaN, infinity, and zero or subnormal (read as zero)"]
        switch f.encoding {
        case .e4m3fn:
            lines += [
                "    wire a_nan = (a[\(n - 2):0] == \(hex(f.magnitudeMask, n - 1)));   // E4M3FN: NaN only S.1111.111",
                "    wire b_nan = (b[\(n - 2):0] == \(hex(f.magnitudeMask, n - 1)));",
                "    wire a_inf = 1'b0;   // E4M3FN has no infinity",
                "    wire b_inf = 1'b0;",
            ]
        case .ieee:
            lines += [
                "    wire a_nan = (ea == \(allOnes)) && (fa != 0);",
                "    wire b_nan = (eb == \(allOnes)) && (fb != 0);",
                "    wire a_inf = (ea == \(allOnes)) && (fa == 0);",
                "    wire b_inf = (eb == \(allOnes)) && (fb == 0);",
            ]
        case .finite:
            lines += [
                "    wire a_nan = 1'b0;   // finite format: every encoding is a finite number",
                "    wire b_nan = 1'b0;",
                "    wire a_inf = 1'b0;",
                "    wire b_inf = 1'b0;",
            ]
        }
        lines += [
            "    wire a_zero = (ea == 0);",
            "    wire b_zero = (eb == 0);",
        ]
        return lines
    }

    /// SPEC "Overflow": the result beyond max finite.
    private static func overflowValue(_ unit: ArithmeticUnit) -> String {
        let f = unit.format, n = f.width
        if unit.overflow == .saturate || f.isFinite { return "{s, \(hex(f.maxFinite, n - 1))}" }
        return f.hasInfinity ? "{s, \(hex(f.infinity!, n - 1))}" : hex(f.canonicalNaN, n)
    }

    /// The shared `if` chain of the L-Mul forms: specials, then underflow to signed zero, overflow,
    /// else the magnitude encoding `S` (a signed integer of width `w`).
    private static func lmulChain(_ unit: ArithmeticUnit, w: Int) -> [String] {
        let f = unit.format, n = f.width
        var lines = ["    always @* begin"]
        if f.hasNaN {
            lines += [
                "        if (a_nan || b_nan || (a_inf && b_zero) || (b_inf && a_zero))",
                "            y = \(hex(f.canonicalNaN, n));   // SPEC \"Formats\": NaN in, or inf * 0: canonical NaN",
            ]
        } else {
            lines += [
                "        // finite format: no NaN or infinite input (a_nan, a_inf are 0)",
                "        if (a_nan || b_nan || a_inf || b_inf)",
                "            y = {s, \(n - 1)'d0};   // never taken",
            ]
        }
        if f.hasInfinity {
            lines += [
                "        else if (a_inf || b_inf)",
                "            y = {s, \(hex(f.infinity!, n - 1))};   // inf * finite nonzero",
            ]
        }
        return lines + [
            "        else if (a_zero || b_zero)",
            "            y = {s, \(n - 1)'d0};   // zero or subnormal input: signed zero",
            "        else if (S < \(w)'sd\(f.minNormal))",
            "            y = {s, \(n - 1)'d0};   // S < 2^M: underflow flushes",
            "        else if (S > \(w)'sd\(f.maxFinite))",
            "            y = \(overflowValue(unit));   // SPEC \"Overflow\"",
            "        else",
            "            y = {s, S[\(n - 2):0]};   // the result magnitude encoding is S",
            "    end",
            "endmodule",
            "",
        ]
    }

    // MARK: - L-Mul bit-add form and Mitchell

    static func bitAdd(_ unit: ArithmeticUnit, offset: Int, rule: String) -> String {
        let f = unit.format, n = f.width
        let w = n + 2   // A + B < 2^N; minus bias * 2^M: signed, N + 2 bits hold every value
        var lines = head(unit, rule: rule, what: ["S = A + B - bias * 2^M + off, off = \(offset), on the magnitude encodings A and B"])
        lines += classes(f)
        lines += [
            "    // SPEC \"\(rule)\": one exact signed integer sum of the magnitude encodings",
            "    wire signed [\(w - 1):0] A = $signed({3'b000, a[\(n - 2):0]});",
            "    wire signed [\(w - 1):0] B = $signed({3'b000, b[\(n - 2):0]});",
            "    wire signed [\(w - 1):0] S = A + B - \(w)'sd\(f.bias << f.mantissaBits) + \(w)'sd\(offset);",
        ]
        if f.encoding != .ieee { lines.append("    wire unused_fraction_fields = ^{fa, fb};   // only IEEE-style NaN tests read them") }
        lines += lmulChain(unit, w: w)
        return lines.joined(separator: "\n")
    }

    // MARK: - L-Mul formula form

    static func formula(_ unit: ArithmeticUnit) -> String {
        let f = unit.format, e = f.exponentBits, m = f.mantissaBits
        let off = LMulOffset.offset(mantissa: m)
        let fw = m + 2, xw = e + 3, w = e + m + 4
        var lines = head(unit, rule: "L-Mul, formula form", what: [
            "F = fa + fb + off (off = \(off)), X = ea + eb - bias; if F >= 2^M: X = X + 1, F = floor((F - 2^M) / 2); S = X * 2^M + F",
        ])
        lines += classes(f)
        lines += [
            "    // SPEC \"L-Mul, formula form\": fraction sum with the offset, exponent sum, truncating renormalisation",
            "    reg        [\(fw - 1):0] F;",
            "    reg signed [\(xw - 1):0] X;",
            "    reg signed [\(w - 1):0] S;",
            "    always @* begin",
            "        F = {2'b00, fa} + {2'b00, fb} + \(fw)'d\(off);",
            "        X = $signed({3'b000, ea}) + $signed({3'b000, eb}) - \(xw)'sd\(f.bias);",
            "        if (F >= \(fw)'d\(1 << m)) begin",
            "            X = X + \(xw)'sd1;",
            "            F = (F - \(fw)'d\(1 << m)) >> 1;",
            "        end",
            "        S = X * \(w)'sd\(1 << m) + $signed({\(w - fw)'d0, F});",
            "    end",
        ]
        lines += lmulChain(unit, w: w)
        return lines.joined(separator: "\n")
    }

    // MARK: - the accumulation adder

    /// SPEC "Floating-point accumulation": each operand as an exact integer multiple of the
    /// smallest subnormal `2^(1 - bias - M)` (significand shifted left by `max(e, 1) - 1`), the
    /// exact signed sum, then rounded to M + 1 significant bits, nearest even: the encoding of a
    /// magnitude `Z` whose leading one is at bit `p >= M` is `(p - M) * 2^M + round(Z / 2^(p - M))`
    /// (a rounding carry moves into the exponent), and `Z` itself when `Z < 2^M` (subnormal, exact).
    static func adder(_ unit: ArithmeticUnit) -> String {
        let f = unit.format, n = f.width, e = f.exponentBits, m = f.mantissaBits
        let allOnes = "{\(e){1'b1}}"
        // largest finite magnitude: significand < 2^(M+1) shifted by at most 2^E - 3; one carry bit
        let zw = m + 1 + (1 << e) - 3 + 1
        let kw = bitsFor(zw)
        let ew = max(kw, e) + m + 2
        var lines = head(unit, rule: "Floating-point accumulation", what: [
            "y = round(a + b): the exact sum of the fixed-point values, rounded to nearest, ties to even, gradual underflow",
        ])
        lines += [
            "    wire unused_product_sign = s;   // an adder's result sign is the sum's, not sa ^ sb",
            "    // SPEC \"Formats\": NaN and infinity (IEEE-style)",
            "    wire a_nan = (ea == \(allOnes)) && (fa != 0);",
            "    wire b_nan = (eb == \(allOnes)) && (fb != 0);",
            "    wire a_inf = (ea == \(allOnes)) && (fa == 0);",
            "    wire b_inf = (eb == \(allOnes)) && (fb == 0);",
            "    // every finite value as an integer multiple of 2^(1 - bias - M): {hidden bit, f} << (max(e, 1) - 1)",
            "    wire [\(zw - 1):0] za = {\(zw - m - 1)'d0, (ea != 0), fa} << (ea == 0 ? 0 : ea - 1);",
            "    wire [\(zw - 1):0] zb = {\(zw - m - 1)'d0, (eb != 0), fb} << (eb == 0 ? 0 : eb - 1);",
            "    // the exact signed sum: magnitude z and sign zs",
            "    reg [\(zw - 1):0] z;",
            "    reg zs;",
            "    reg [\(kw - 1):0] p;      // position of the leading one of z",
            "    reg [\(kw - 1):0] k;      // bits rounded away: p - M, or 0",
            "    reg [\(zw - 1):0] q;      // z / 2^k, truncated",
            "    reg [\(zw - 1):0] rem;    // z - q * 2^k",
            "    reg [\(zw - 1):0] half;   // 2^(k - 1)",
            "    reg up;                   // round up: more than half, or exactly half and q odd",
            "    reg [\(ew - 1):0] enc;    // the rounded magnitude encoding",
            "    integer i;",
            "    always @* begin",
            "        if (sa == sb) begin z = za + zb; zs = sa; end",
            "        else if (za >= zb) begin z = za - zb; zs = (za == zb) ? 1'b0 : sa; end",
            "        else begin z = zb - za; zs = sb; end",
            "        if (z == 0) zs = sa & sb;   // exact zero: +0, but (-0) + (-0) = -0",
            "        p = 0;",
            "        for (i = 0; i < \(zw); i = i + 1)",
            "            if (z[i]) p = i[\(kw - 1):0];",
            "        k = (p > \(m)) ? p - \(m) : 0;",
            "        q = z >> k;",
            "        rem = z - (q << k);",
            "        half = (k == 0) ? 0 : ({{\(zw - 1){1'b0}}, 1'b1} << (k - 1));",
            "        up = (k != 0) && ((rem > half) || ((rem == half) && q[0]));",
            "        enc = ({\(ew - kw)'d0, k} << \(m)) + {\(ew > zw ? "\(ew - zw)'d0, " : "")q\(ew < zw ? "[\(ew - 1):0]" : "")} + {\(ew - 1)'d0, up};",
            "        if (a_nan || b_nan || (a_inf && b_inf && (sa != sb)))",
            "            y = \(hex(f.canonicalNaN, n));   // NaN operand or inf + (-inf)",
            "        else if (a_inf)",
            "            y = a;   // inf plus anything finite (or the same inf) is that inf",
            "        else if (b_inf)",
            "            y = b;",
            "        else if (enc > \(ew)'d\(f.maxFinite))",
            "            y = {zs, \(hex(f.infinity!, n - 1))};   // overflow: infinity of the sum's sign",
            "        else",
            "            y = {zs, enc[\(n - 2):0]};",
            "    end",
            "endmodule",
            "",
        ]
        return lines.joined(separator: "\n")
    }
}

extension BehaviouralSpec {
    /// SPEC "Floating-point accumulation" the textbook way (Goldberg's guard, round and sticky
    /// places): the smaller operand aligned to the larger's exponent with three extra places, every
    /// bit shifted past them folded into the last (sticky); the sum; a carry normalised one place
    /// right, a cancellation left as far as the exponent allows (below it the result is subnormal);
    /// round to nearest even on the guard and sticky bits. Rounding an exact sum and this agree
    /// (the sticky bit stands for a nonzero remainder below the guard place, which is all the
    /// rounding reads); `rtlgen prove` proves the unit against this form where the exact-sum
    /// description's proof does not finish, and the tests prove the two descriptions equal.
    public static func alignedAdder(_ unit: ArithmeticUnit) -> String? {
        guard unit.kind == .fpadd, unit.unsupportedReason == nil else { return nil }
        let u = unit.withStages(0)
        let f = u.format, n = f.width, e = f.exponentBits, m = f.mantissaBits
        let allOnes = "{\(e){1'b1}}"
        let w = m + 5          // carry place, m + 1 significand places, guard, round, sticky
        let lw = bitsFor(m + 4)
        let xw = e + 2         // exponents up to 2^E - 1 + 1, signed
        var lines = head(u, rule: "Floating-point accumulation", what: [
            "y = round(a + b), nearest even, gradual underflow: aligned with guard, round and sticky places (Goldberg), then normalised and rounded",
        ])
        lines += [
            "    wire unused_product_sign = s;   // an adder's result sign is the sum's, not sa ^ sb",
            "    // SPEC \"Formats\": NaN and infinity (IEEE-style)",
            "    wire a_nan = (ea == \(allOnes)) && (fa != 0);",
            "    wire b_nan = (eb == \(allOnes)) && (fb != 0);",
            "    wire a_inf = (ea == \(allOnes)) && (fa == 0);",
            "    wire b_inf = (eb == \(allOnes)) && (fb == 0);",
            "    // a finite value is sig * 2^(x - bias - M): sig = {hidden bit, f}, x = max(e, 1)",
            "    reg [\(m):0] gsig, ssig;        // the larger and the smaller operand's significands",
            "    reg [\(xw - 1):0] gx, sx;         // and exponents",
            "    reg gs;                          // the larger operand's sign",
            "    reg [\(xw - 1):0] d;              // exponent difference, >= 0",
            "    reg [\(2 * w - 1):0] wide;        // the smaller significand shifted right by d, with room for what falls out",
            "    reg [\(w - 2):0] aligned;         // aligned: m + 1 places, guard, round, sticky",
            "    reg [\(w - 1):0] sum;             // |larger| +/- |smaller| on the larger's grid, one carry place",
            "    reg [\(lw - 1):0] lz;             // leading zeros of sum below the carry place",
            "    reg [\(xw - 1):0] sl;             // left shift: min(lz, x - 1)",
            "    reg [\(w - 2):0] t;               // sum shifted left",
            "    reg [\(m):0] sig;               // the result's significand before rounding",
            "    reg grd, stk;                    // guard and sticky bits",
            "    reg [\(xw - 1):0] rx;             // the result's exponent when sig is normal",
            "    reg [\(xw + m - 1):0] enc;        // rounded magnitude encoding (a carry moves into the exponent)",
            "    reg zs;                          // the result's sign",
            "    integer i;",
            "    always @* begin",
            "        if (b[\(n - 2):0] > a[\(n - 2):0]) begin",
            "            gsig = {eb != 0, fb}; gx = (eb == 0) ? 1 : eb; gs = sb;",
            "            ssig = {ea != 0, fa}; sx = (ea == 0) ? 1 : ea;",
            "        end else begin",
            "            gsig = {ea != 0, fa}; gx = (ea == 0) ? 1 : ea; gs = sa;",
            "            ssig = {eb != 0, fb}; sx = (eb == 0) ? 1 : eb;",
            "        end",
            "        d = gx - sx;",
            "        // align: three extra places; everything shifted past them folds into the sticky place",
            "        wide = {1'b0, ssig, 3'b000, \(w)'d0} >> d;",
            "        aligned = {wide[\(2 * w - 2):\(w + 1)], wide[\(w)] | (|wide[\(w - 1):0])};",
            "        if (sa == sb) sum = {1'b0, gsig, 3'b000} + {1'b0, aligned};",
            "        else sum = {1'b0, gsig, 3'b000} - {1'b0, aligned};",
            "        lz = \(lw)'d\(m + 4);",
            "        for (i = 0; i < \(m + 4); i = i + 1)",
            "            if (sum[i]) lz = \(lw)'d\(m + 3) - i[\(lw - 1):0];",
            "        if (sum[\(w - 1)]) begin",
            "            // a carry: one place right, the bit shifted out joins the sticky bit",
            "            sig = sum[\(w - 1):4]; grd = sum[3]; stk = |sum[2:0]; rx = gx + 1;",
            "            sl = 0; t = 0;",
            "        end else begin",
            "            // a cancellation: left until the leading one is the hidden bit, or the exponent reaches 1",
            "            sl = ({\(xw - lw)'d0, lz} > gx - 1) ? gx - 1 : {\(xw - lw)'d0, lz};",
            "            t = sum[\(w - 2):0] << sl;",
            "            sig = t[\(w - 2):3]; grd = t[2]; stk = |t[1:0]; rx = gx - sl;",
            "        end",
            "        // round to nearest, ties to even; a subnormal (hidden bit 0) has exponent field 0",
            "        enc = {(sig[\(m)] ? rx : \(xw)'d0), sig[\(m - 1):0]} + {\(xw + m - 1)'d0, grd & (stk | sig[0])};",
            "        zs = (sum == 0) ? (sa & sb) : gs;   // exact zero: +0, but (-0) + (-0) = -0",
            "        if (a_nan || b_nan || (a_inf && b_inf && (sa != sb)))",
            "            y = \(hex(f.canonicalNaN, n));   // NaN operand or inf + (-inf)",
            "        else if (a_inf)",
            "            y = a;   // inf plus anything finite (or the same inf) is that inf",
            "        else if (b_inf)",
            "            y = b;",
            "        else if (enc > \(xw + m)'d\(f.maxFinite))",
            "            y = {zs, \(hex(f.infinity!, n - 1))};   // overflow: infinity of the sum's sign",
            "        else",
            "            y = {zs, enc[\(n - 2):0]};",
            "    end",
            "endmodule",
            "",
        ]
        return lines.joined(separator: "\n")
    }
}

extension BehaviouralSpec {
    /// SPEC "Processing elements and arrays", a PE with the exact fixed-point accumulator (default
    /// width) around a combinational unit: the unit's behavioural description (renamed
    /// `spec_mul_<unit>`), its product's value as an exact multiple of `2^(1 - bias - M)` (the
    /// significand shifted left by `max(e, 1) - 1`, negated for sign 1) added into the
    /// two's-complement register `acc` on a valid beat unless the product is NaN or infinite, which
    /// sets the sticky `invalid` instead; `clear` restarts both, a product in the same beat being
    /// the first term. Module named like the PE; nil for PEs it does not describe.
    public static func processingElement(_ pe: ProcessingElement) -> String? {
        let u = pe.unit
        guard pe.floatAccumulator == nil, pe.isDefaultWidth, u.stages == 0, let mul = verilog(u) else { return nil }
        let f = u.format, n = f.width, e = f.exponentBits, m = f.mantissaBits, w = pe.accumulator.width
        let inner = "spec_mul_\(u.moduleName)"
        let special: String
        switch f.encoding {
        case .e4m3fn: special = "(y[\(n - 2):0] == \(n - 1)'h\(String(f.magnitudeMask, radix: 16)));   // E4M3FN: NaN only S.1111.111"
        case .ieee: special = "(y[\(n - 2):\(m)] == {\(e){1'b1}});   // NaN or infinity"
        case .finite: special = "1'b0;   // finite format: every product is a number"
        }
        let lines = [
            "// \(pe.moduleName): behavioural description (rtlgen prove's reference) of SPEC.md \"Processing elements and arrays\"",
            "// \(w)-bit two's-complement accumulator, LSB 2^\(pe.accumulator.lsbExponent); multiplier: \(inner), the unit's own description",
            "module \(pe.moduleName) (",
            "    input  wire clk,",
            "    input  wire clear,",
            "    input  wire valid,",
            "    input  wire [\(n - 1):0] a,",
            "    input  wire [\(n - 1):0] b,",
            "    output reg  [\(w - 1):0] acc,",
            "    output reg  invalid",
            ");",
            "    wire [\(n - 1):0] y;",
            "    \(inner) mul (.a(a), .b(b), .y(y));",
            "    wire special = \(special)",
            "    wire [\(e - 1):0] ey = y[\(n - 2):\(m)];",
            "    // SPEC: every finite value is {hidden bit, f} * 2^(max(e, 1) - 1) LSBs",
            "    wire [\(w - 1):0] mag = {\(w - m - 1)'d0, (ey != 0), y[\(m - 1):0]} << ((ey == 0) ? 0 : ey - 1);",
            "    wire [\(w - 1):0] value = y[\(n - 1)] ? (\(w)'d0 - mag) : mag;",
            "    always @(posedge clk) begin",
            "        acc <= (clear ? \(w)'d0 : acc) + ((valid && !special) ? value : \(w)'d0);",
            "        invalid <= (clear ? 1'b0 : invalid) | (valid && special);",
            "    end",
            "endmodule",
            "",
        ]
        return lines.joined(separator: "\n") + "\n" + mul.replacingOccurrences(of: "module \(u.moduleName) (", with: "module \(inner) (")
    }
}

import FloatArith

/// A plain behavioural Verilog description of an exact multiplier (`fpmul`, `fpmul_ftz`): the
/// SPEC function written the way a designer would without the generator's structure, with `*` for
/// the significand product, a leading-zero loop, one normalising shift, round to nearest even and
/// the special values. It is not a shipped unit: `rtlgen synth` writes it under build/, checks it
/// against the golden model and synthesises it with the same flow, so the report can show whether
/// the generated unit is any larger than what the tool makes of the plain description.
///
/// The module has the unit's name and ports, so the simulation and synthesis harnesses treat it
/// like the unit; only its header and directory tell them apart.
public enum BehaviouralReference {
    /// The units that have a behavioural twin.
    public static func covers(_ kind: UnitKind) -> Bool { kind == .fpmul || kind == .fpmulFTZ }

    /// The Verilog text of `unit`'s behavioural twin; nil for units without one.
    public static func verilog(_ unit: ArithmeticUnit) -> String? {
        guard covers(unit.kind) else { return nil }
        let f = unit.format
        let n = f.width, e = f.exponentBits, m = f.mantissaBits
        let pw = 2 * m + 2
        let ftz = unit.kind == .fpmulFTZ
        // Widths: the biased exponent before and after normalising, the shift, the packed result.
        let ew = signedBitsFor(-(2 * pw + 2 * f.bias + 4)...(1 << (e + 1)) + 2)
        let lzw = bitsFor(pw)
        let shw = bitsFor(2 * pw)
        let rw = ew + m
        let special = overflowAndSpecials(unit, resultWidth: rw)
        var lines: [String] = []
        lines += [
            "// \(unit.moduleName): behavioural reference (not a shipped unit) of SPEC.md \"\(unit.kind.specRule)\"",
            "// format: \(f), bias \(f.bias); written by rtlgen synth beside the generated unit, same function,",
            "// plain description: '*' product, leading-zero loop, one normalising shift, round to nearest even",
            "// overflow: \(unit.overflow.rawValue)",
            "module \(unit.moduleName) (",
            "    input  wire [\(n - 1):0] a,",
            "    input  wire [\(n - 1):0] b,",
            "    output reg  [\(n - 1):0] y",
            ");",
            "    wire [\(e - 1):0] ea = a[\(n - 2):\(m)];",
            "    wire [\(e - 1):0] eb = b[\(n - 2):\(m)];",
            "    wire [\(m - 1):0] fa = a[\(m - 1):0];",
            "    wire [\(m - 1):0] fb = b[\(m - 1):0];",
        ]
        if ftz {
            lines += [
                "    // subnormal operands read as zero: the hidden bit is always 1",
                "    wire [\(pw - 1):0] p = {1'b1, fa} * {1'b1, fb};",
            ]
        } else {
            lines += [
                "    // exact product of the significands (hidden bit 0 for subnormals)",
                "    wire [\(pw - 1):0] p = {|ea, fa} * {|eb, fb};",
            ]
        }
        lines += [
            "    reg        [\(lzw - 1):0] lz;    // leading zeros of p",
            "    reg signed [\(ew - 1):0] x;     // biased exponent of the product normalised to 1.f",
            "    reg        [\(shw - 1):0] rs;    // the one normalising shift, right, of {p, zeros}",
            "    reg        [\(3 * pw - 1):0] n;     // {p, zeros} shifted: the significand ends at bit \(2 * pw - 1)",
            "    reg signed [\(ew - 1):0] dx;    // 1 - x: the further shift onto the subnormal grid",
            "    reg                    rnd;   // round up: guard and (sticky or lsb)",
            "    reg signed [\(rw - 1):0] r;     // rounded magnitude encoding (a carry moves into the exponent)",
            "    integer i;",
            "    always @* begin",
            "        lz = \(lzw)'d\(pw);",
            "        for (i = 0; i < \(pw); i = i + 1)",
            "            if (p[i]) lz = \(lzw)'d\(pw - 1) - i[\(lzw - 1):0];",
        ]
        if ftz {
            lines += [
                "        x = $signed({\(ew - e)'d0, ea}) + $signed({\(ew - e)'d0, eb}) - \(ew)'sd\(f.bias - 1) - $signed({\(ew - lzw)'d0, lz});",
                "        // rounded to M fraction bits with an unbounded exponent: shift by the leading zeros",
                "        rs = \(shw)'d\(pw) - {\(shw - lzw)'d0, lz};",
            ]
        } else {
            lines += [
                "        x = $signed({\(ew - e)'d0, ea | {\(e - 1)'d0, ~|ea}}) + $signed({\(ew - e)'d0, eb | {\(e - 1)'d0, ~|eb}})",
                "            - \(ew)'sd\(f.bias - 1) - $signed({\(ew - lzw)'d0, lz});",
                "        dx = \(ew)'sd1 - x;",
                "        // normalise: the leading one to the top, or, below exponent 1, onto the subnormal grid",
                "        if (x >= 1) rs = \(shw)'d\(pw) - {\(shw - lzw)'d0, lz};",
                "        else if (x > -\(pw)) rs = \(shw)'d\(pw) - {\(shw - lzw)'d0, lz} + dx[\(shw - 1):0];",
                "        else rs = \(shw)'d\(2 * pw);",
            ]
        }
        lines += [
            "        n = {p, \(2 * pw)'d0} >> rs;",
            "        rnd = n[\(2 * pw - m - 2)] & ((|n[\(2 * pw - m - 3):0]) | n[\(2 * pw - m - 1)]);",
        ]
        if ftz {
            lines += [
                "        r = {x, n[\(2 * pw - 2):\(2 * pw - m - 1)]} + {\(rw - 1)'d0, rnd};",
            ]
        } else {
            lines += [
                "        r = {(x >= 1) ? x : \(ew)'sd0, n[\(2 * pw - 2):\(2 * pw - m - 1)]} + {\(rw - 1)'d0, rnd};",
            ]
        }
        lines += special
        lines += ["    end", "endmodule", ""]
        return lines.joined(separator: "\n")
    }

    /// The closing `y = ...` statements: NaN, infinity, zero (and, for fpmul_ftz, a rounded
    /// magnitude below the smallest normal), overflow, else the rounded magnitude.
    private static func overflowAndSpecials(_ unit: ArithmeticUnit, resultWidth rw: Int) -> [String] {
        let f = unit.format
        let n = f.width, e = f.exponentBits, m = f.mantissaBits
        let ftz = unit.kind == .fpmulFTZ
        let hex = { (v: UInt32, w: Int) in "\(w)'h" + String(v, radix: 16) }
        let e4m3fn = f.encoding == .e4m3fn
        let nanMag = e4m3fn ? "(&a[\(n - 2):0])" : "(&ea & |fa)"
        let nanMagB = e4m3fn ? "(&b[\(n - 2):0])" : "(&eb & |fb)"
        // zero operands: exactly zero for fpmul, exponent field 0 for fpmul_ftz
        let zeroA = ftz ? "~|ea" : "~|a[\(n - 2):0]", zeroB = ftz ? "~|eb" : "~|b[\(n - 2):0]"
        let sign = "a[\(n - 1)] ^ b[\(n - 1)]"
        let overflowValue: String
        switch unit.overflow {
        case .saturate: overflowValue = "{\(sign), \(hex(f.maxFinite, n - 1))}"
        case .infinity: overflowValue = f.hasInfinity ? "{\(sign), \(hex(f.infinity!, n - 1))}" : hex(f.canonicalNaN, n)
        }
        var out: [String] = []
        if f.hasInfinity {
            out += [
                "        if (\(nanMag) | \(nanMagB) | (&ea & (\(zeroB))) | (&eb & (\(zeroA)))) y = \(hex(f.canonicalNaN, n));",
                "        else if (&ea | &eb) y = {\(sign), \(hex(f.infinity!, n - 1))};",
            ]
        } else if f.hasNaN {
            out += ["        if (\(nanMag) | \(nanMagB)) y = \(hex(f.canonicalNaN, n));"]
        }
        // a finite format has no special values: the zero test opens the chain
        let tiny = ftz ? " | (r < \(rw)'sd\(f.minNormal))" : ""
        out += [
            "        \(f.hasNaN ? "else " : "")if ((\(zeroA)) | (\(zeroB))\(tiny)) y = {\(sign), \(n - 1)'d0};",
            "        else if (r > \(rw)'sd\(f.maxFinite)) y = \(overflowValue);",
            "        else y = {\(sign), r[\(e + m - 1):0]};",
        ]
        _ = e
        return out
    }
}

extension BehaviouralReference {
    /// `fpmul` described with each operand normalised first (SPEC "Formats": a subnormal 0.f *
    /// 2^(1 - bias) is 1.g * 2^(-k) * 2^(1 - bias) with k + 1 the place of f's leading one from the
    /// top), so the significand product is of two normal significands 1.ga * 1.gb, in [1, 4), then
    /// the twin's leading-zero loop, one shift, round to nearest even and the special values. Same
    /// function as `verilog(_:)`; `rtlgen prove` uses this form so that its `*` and the generated
    /// unit's can be cut into one shared product (a cut-point proof) when the full proof does not
    /// finish. Written from SPEC like the twin: its own loops and shifts, no generator code.
    public static func normalisedFirst(_ unit: ArithmeticUnit) -> String? {
        guard unit.kind == .fpmul else { return nil }
        let f = unit.format
        let n = f.width, e = f.exponentBits, m = f.mantissaBits
        let pw = 2 * m + 2
        let ew = signedBitsFor(-(2 * pw + 2 * f.bias + 4)...(1 << (e + 1)) + 2)
        let lzw = bitsFor(pw)
        let fzw = bitsFor(m)
        let shw = bitsFor(2 * pw)
        let rw = ew + m
        var lines: [String] = [
            "// \(unit.moduleName): behavioural description (rtlgen prove's reference, not a shipped unit) of SPEC.md \"\(unit.kind.specRule)\"",
            "// format: \(f), bias \(f.bias); each operand normalised first (a subnormal's leading one becomes the hidden bit),",
            "// then '*' of the two significands, leading-zero loop, one normalising shift, round to nearest even",
            "// overflow: \(unit.overflow.rawValue)",
            "module \(unit.moduleName) (",
            "    input  wire [\(n - 1):0] a,",
            "    input  wire [\(n - 1):0] b,",
            "    output reg  [\(n - 1):0] y",
            ");",
            "    wire [\(e - 1):0] ea = a[\(n - 2):\(m)];",
            "    wire [\(e - 1):0] eb = b[\(n - 2):\(m)];",
            "    wire [\(m - 1):0] fa = a[\(m - 1):0];",
            "    wire [\(m - 1):0] fb = b[\(m - 1):0];",
            "    // SPEC \"Formats\": a normal operand is 1.f * 2^(e - bias); a subnormal one 0.f * 2^(1 - bias),",
            "    // which is 1.g * 2^(-k - bias) with k the leading zeros of f and g the bits after its leading one",
            "    reg        [\(fzw - 1):0] ka;    // leading zeros of fa",
            "    reg        [\(fzw - 1):0] kb;",
            "    reg        [\(m - 1):0] ga;    // fraction after the leading one",
            "    reg        [\(m - 1):0] gb;",
            "    reg signed [\(ew - 1):0] xa;    // biased exponent of 1.ga",
            "    reg signed [\(ew - 1):0] xb;",
            "    reg        [\(pw - 1):0] p;     // 1.ga * 1.gb, in [1, 4)",
            "    reg        [\(lzw - 1):0] lz;    // leading zeros of p",
            "    reg signed [\(ew - 1):0] x;     // biased exponent of the product normalised to 1.f",
            "    reg        [\(shw - 1):0] rs;    // the one normalising shift, right, of {p, zeros}",
            "    reg        [\(3 * pw - 1):0] n;     // {p, zeros} shifted: the significand ends at bit \(2 * pw - 1)",
            "    reg signed [\(ew - 1):0] dx;    // 1 - x: the further shift onto the subnormal grid",
            "    reg                    rnd;   // round up: guard and (sticky or lsb)",
            "    reg signed [\(rw - 1):0] r;     // rounded magnitude encoding (a carry moves into the exponent)",
            "    integer i;",
            "    always @* begin",
            "        ka = \(fzw)'d\(m);",
            "        kb = \(fzw)'d\(m);",
            "        for (i = 0; i < \(m); i = i + 1) begin",
            "            if (fa[i]) ka = \(fzw)'d\(m - 1) - i[\(fzw - 1):0];",
            "            if (fb[i]) kb = \(fzw)'d\(m - 1) - i[\(fzw - 1):0];",
            "        end",
            "        if (ea != 0) begin ga = fa; xa = $signed({\(ew - e)'d0, ea}); end",
            "        else begin ga = fa << (ka + 1); xa = -$signed({\(ew - fzw)'d0, ka}); end",
            "        if (eb != 0) begin gb = fb; xb = $signed({\(ew - e)'d0, eb}); end",
            "        else begin gb = fb << (kb + 1); xb = -$signed({\(ew - fzw)'d0, kb}); end",
            "        p = {\(pw - m - 1)'d0, 1'b1, ga} * {\(pw - m - 1)'d0, 1'b1, gb};",
            "        lz = \(lzw)'d\(pw);",
            "        for (i = 0; i < \(pw); i = i + 1)",
            "            if (p[i]) lz = \(lzw)'d\(pw - 1) - i[\(lzw - 1):0];",
            "        x = xa + xb - \(ew)'sd\(f.bias - 1) - $signed({\(ew - lzw)'d0, lz});",
            "        dx = \(ew)'sd1 - x;",
            "        // normalise: the leading one to the top, or, below exponent 1, onto the subnormal grid",
            "        if (x >= 1) rs = \(shw)'d\(pw) - {\(shw - lzw)'d0, lz};",
            "        else if (x > -\(pw)) rs = \(shw)'d\(pw) - {\(shw - lzw)'d0, lz} + dx[\(shw - 1):0];",
            "        else rs = \(shw)'d\(2 * pw);",
            "        n = {p, \(2 * pw)'d0} >> rs;",
            "        rnd = n[\(2 * pw - m - 2)] & ((|n[\(2 * pw - m - 3):0]) | n[\(2 * pw - m - 1)]);",
            "        r = {(x >= 1) ? x : \(ew)'sd0, n[\(2 * pw - 2):\(2 * pw - m - 1)]} + {\(rw - 1)'d0, rnd};",
        ]
        lines += overflowAndSpecials(unit, resultWidth: rw)
        lines += ["    end", "endmodule", ""]
        return lines.joined(separator: "\n")
    }
}

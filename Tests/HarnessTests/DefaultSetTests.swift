import FloatArith
import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Testing
import Units

/// The repository's root, found from this file's path.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let rtlDir = repoRoot + "/rtl"

/// The committed `rtl/` directory: what the default set is, that it is current, and that every
/// file in it reads cleanly in all three tools.
@Suite struct DefaultSetTests {
    static let defaultUnits: [ArithmeticUnit] = [FloatFormat.e4m3, .e5m2].flatMap { f in UnitKind.allCases.map { ArithmeticUnit($0, f) } }

    @Test func committedRTLIsCurrent() throws {
        for u in Self.defaultUnits {
            let path = "\(rtlDir)/\(u.fileName)"
            let committed = try String(contentsOfFile: path, encoding: .utf8)
            #expect(committed == (try u.verilog()), "\(path) is stale: regenerate with 'make rtl'")
        }
        let manifest = try Manifest.load(from: rtlDir)
        // Each entry carries the SHA-256 of the unit as generated now (the files were compared above).
        let expected = Manifest().merging(try Self.defaultUnits.map { u in
            var e = Manifest.entry(for: u)
            e.sha256 = SHA256.hex(Data(try u.verilog().utf8))
            return e
        })
        #expect(manifest == expected, "rtl/manifest.json is stale: regenerate with 'make rtl'")
        #expect(manifest.staleFiles(in: rtlDir).isEmpty)
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: rtlDir).filter { $0.hasSuffix(".v") }.sorted()
        #expect(onDisk == Self.defaultUnits.map(\.fileName).sorted(), "rtl/ holds files that are not in the default set")
        let manifestBytes = try Data(contentsOf: URL(fileURLWithPath: rtlDir + "/manifest.json"))
        #expect(manifestBytes == (try expected.encoded()))
    }

    @Test(arguments: defaultUnits)
    func lintIsSilent(_ u: ArithmeticUnit) throws {
        let findings = try Lint.check("\(rtlDir)/\(u.fileName)", top: u.moduleName, directory: rtlDir)
        for f in findings { Issue.record("\(f.tool) on \(u.fileName):\n\(f.output)") }
    }

    /// Wider and odd formats lint cleanly too (generated into a scratch directory).
    @Test(arguments: [FloatFormat.bf16, .fp16, .fp32, try! FloatFormat(exponent: 2, mantissa: 1), try! FloatFormat(exponent: 8, mantissa: 1)])
    func otherFormatsLintSilently(_ f: FloatFormat) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(f.tag)-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var files: [(name: String, contents: Data)] = []
        var units: [ArithmeticUnit] = []
        for k in UnitKind.allCases { for o in OverflowMode.allCases { units.append(ArithmeticUnit(k, f, overflow: o)) } }
        for u in units { files.append((u.fileName, Data(try u.verilog().utf8))) }
        try OutputWriter.write(files, into: dir)
        for u in units {
            for finding in try Lint.check("\(dir)/\(u.fileName)", top: u.moduleName, directory: dir) {
                Issue.record("\(finding.tool) on \(u.fileName):\n\(finding.output)")
            }
        }
    }
}

/// The accumulation adders (SPEC "Floating-point accumulation") lint silently on all three readers.
@Suite struct AdderLintTests {
    @Test(arguments: [FloatFormat.fp32, .bf16, .fp16, .e5m2])
    func adderLintsSilently(_ f: FloatFormat) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lint-fpadd-\(f.tag)-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let unit = ArithmeticUnit(.fpadd, f)
        try OutputWriter.write([(unit.fileName, Data(try unit.verilog().utf8))], into: dir)
        for finding in try Lint.check("\(dir)/\(unit.fileName)", top: unit.moduleName, directory: dir) {
            Issue.record("\(finding.tool) on \(unit.fileName):\n\(finding.output)")
        }
    }
}

@Suite struct ManifestAndVectorTests {
    @Test func manifestMergeReplacesAndSorts() throws {
        let a = Manifest.entry(for: ArithmeticUnit(.lmul, .e4m3))
        var b = Manifest.entry(for: ArithmeticUnit(.fpmul, .e4m3))
        let m1 = Manifest().merging([b, a])
        #expect(m1.modules.map(\.module) == ["fpmul_e4m3", "lmul_e4m3"])
        b.command = "changed"
        let m2 = m1.merging([b])
        #expect(m2.modules.count == 2 && m2.modules[0].command == "changed")
        let decoded = try JSONDecoder().decode(Manifest.self, from: try m2.encoded())
        #expect(decoded == m2)
        #expect(m2.arithmeticUnits.map(\.1) == [ArithmeticUnit(.fpmul, .e4m3), ArithmeticUnit(.lmul, .e4m3)])
    }

    @Test func vectorFilesAreReadmemhAndExact() throws {
        let u = ArithmeticUnit(.lmul, .e4m3)
        let (text, count) = VectorFile.text(for: u, plan: .exhaustive)
        #expect(count == 65536)
        let rows = VectorFile.parse(text)
        #expect(rows.count == 65536)
        // SPEC's worked example is in there with the bit-add answer 4.5 (0x49)
        #expect(rows.contains { $0 == (0x3E, 0x42, 0x49) })
        #expect(rows.allSatisfy { u.emulate($0.0, $0.1) == $0.2 })
        // only comments and "aa bb yy" lines: what $readmemh accepts
        for line in text.split(separator: "\n") {
            #expect(line.hasPrefix("//") || line.split(separator: " ").allSatisfy { $0.count == 2 && UInt8($0, radix: 16) != nil })
        }
        let wide = VectorFile.text(for: ArithmeticUnit(.fpmul, .bf16), plan: .sampled(random: 1000, seed: 3))
        #expect(wide.count == Vectors.cornerOperands(.bf16).count * Vectors.cornerOperands(.bf16).count + 1000)
        #expect(wide.text == VectorFile.text(for: ArithmeticUnit(.fpmul, .bf16), plan: .sampled(random: 1000, seed: 3)).text)
    }
}

@Suite struct LintCheckerTests {
    /// The checker reports what the tools print: a wire with unread bits draws Verilator's
    /// UNUSEDSIGNAL, and a syntax error draws all three.
    @Test func lintCheckerIsNotVacuous() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lint-neg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let unused = """
        module partial (input wire [7:0] a, output wire [3:0] y);
            wire [7:0] s = a + 8'd3;
            assign y = s[7:4];
        endmodule

        """
        try unused.write(toFile: dir + "/partial.v", atomically: true, encoding: .utf8)
        let f1 = try Lint.check(dir + "/partial.v", top: "partial", directory: dir)
        #expect(f1.map(\.tool) == ["verilator"] && f1[0].output.contains("UNUSEDSIGNAL"))
        try "module broken (input wire a, output wire y); assign y = a +; endmodule\n".write(toFile: dir + "/broken.v", atomically: true, encoding: .utf8)
        let f2 = try Lint.check(dir + "/broken.v", top: "broken", directory: dir)
        #expect(Set(f2.map(\.tool)) == ["verilator", "iverilog", "yosys"])
    }
}

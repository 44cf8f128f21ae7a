import Foundation
import Testing
import Generation
@testable import Synthesis

/// Technologies as data (issue 37, item 2; issue 39, item 5): each committed technology file
/// resolves against the PDK snapshot in ../shared/pdk (files present, hashes equal, units and the
/// flip-flop as stated), and every way a technology can be wrong is one line and exit 64, with
/// nothing written.
@Suite(.serialized) struct TechnologyTests {
    static let pdk = (CLITests.root as NSString).deletingLastPathComponent + "/shared/pdk"
    static let tiny = """
    library (tiny) {
      time_unit : "1ns";
      capacitive_load_unit (1,pf);
      leakage_power_unit : "1nW";
      cell (INVX1) { area : 1; pin (A) { direction : input; } pin (Y) { direction : output; function : "!A"; } }
      cell (DFFX1) { area : 2; ff (IQ, IQN) { clocked_on : "CLK"; next_state : "D"; }
        pin (CLK) { direction : input; clock : true; } pin (D) { direction : input; } pin (Q) { direction : output; function : "IQ"; } }
    }

    """

    /// A technology file over the tiny library in `root/tiny/tiny.lib`, with one field changed.
    func technology(_ root: String, _ edit: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let sha = SHA256.hex(Data(Self.tiny.utf8))
        var t: [String: Any] = [
            "name": "tiny", "library": "a test library", "node_nm": 1, "supply_v": 1.0,
            "liberty": [["path": "tiny/tiny.lib", "sha256": sha]],
            "units": ["time": "1ns", "capacitance": "1pf", "leakage_power": "1nW"],
            "flip_flop": ["cell": "DFFX1", "clock": "CLK", "d": "D", "q": "Q", "tie_high": [String]()],
            "dont_use": [String](), "drop_groups": [String](), "cell_models": "generated", "wire_load": "none", "sram": [Any](),
        ]
        edit(&t)
        let path = root + "/tech-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: t).write(to: URL(fileURLWithPath: path))
        return path
    }

    func fixture() throws -> String {
        let root = CLITests().scratch()
        try FileManager.default.createDirectory(atPath: root + "/tiny", withIntermediateDirectories: true)
        try Self.tiny.write(toFile: root + "/tiny/tiny.lib", atomically: true, encoding: .utf8)
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/afile"))
        return root
    }

    @Test func everyCommittedTechnologyResolvesAgainstTheSharedPDK() throws {
        guard FileManager.default.fileExists(atPath: Self.pdk) else {
            Issue.record("the PDK snapshot \(Self.pdk) is missing: CI places ../shared beside the checkout")
            return
        }
        let work = CLITests().scratch()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let names = Technology.known
        #expect(names == ["osu018", "asap7", "gf180mcu", "ihp-sg13g2", "sky130hd"])
        var prepared: [String: String] = [:]
        for name in names.dropFirst() {
            // prepare() checks the units the liberty states and the flip-flop cell and its pins
            let t = try Technology.load(name)
            let text = try String(contentsOfFile: try LibertyPreparation.prepare(t, root: Self.pdk, directory: work), encoding: .utf8)
            prepared[name] = text
            #expect(t.dontUse.isEmpty || text.contains("dont_use : true"), "\(name): no cell marked dont_use")
        }
        // ASAP7's five files become one library holding every file's cells, once each
        let asap7 = prepared["asap7"] ?? ""
        for cell in ["DFFHQx4_ASAP7_75t_R", "INVx1_ASAP7_75t_R", "AO21x1_ASAP7_75t_R", "OA21x2_ASAP7_75t_R", "OR4x1_ASAP7_75t_R"] {
            #expect(asap7.components(separatedBy: "cell (\(cell))").count == 2, "\(cell)")
        }
        #expect(asap7.components(separatedBy: "library (").count == 2)
        // gf180mcu's test_cell groups, which yosys 0.23 rejects, are gone
        #expect(!(prepared["gf180mcu"] ?? "test_cell").contains("test_cell"))
    }

    /// A simple attribute without its semicolon (ASAP7's `area : 0.2` then a newline) ends at the next
    /// statement instead of swallowing it: every cell of such a library is read.
    @Test func attributesWithoutSemicolonsDoNotHideCells() throws {
        let text = "library (x) {\n  time_unit : \"1ns\";\n  cell (A) {\narea : 0.5\n    pin (Y) { direction : output; function : \"1\"; }\n  }\n  cell (B) { area : 2; }\n}\n"
        let lib = try LibertyLibrary(text: text)
        #expect(lib.cells["A"]?.area == 0.5 && lib.cells["B"]?.area == 2 && lib.cells["A"]?.outputs.count == 1)
    }

    @Test func preparationMergesMarksAndDrops() {
        let a = "library (a) {\n  time_unit : \"1ns\";\n  lu_table_template (t1) { variable_1 : x; }\n  cell (A1) { area : 1; }\n}\n"
        let b = "library (b) {\n  time_unit : \"1ns\";\n  lu_table_template (t1) { variable_1 : x; }\n  lu_table_template (t2) { variable_1 : y; }\n  cell (B1) { area : 2; test_cell () { pin (x) { } } }\n}\n"
        let merged = LibertyPreparation.merge([a, b])
        #expect(merged.contains("cell (A1)") && merged.contains("cell (B1)") && merged.contains("t2"))
        #expect(merged.components(separatedBy: "lu_table_template (t1)").count == 2, "a template both files define is kept once")
        let dropped = LibertyPreparation.drop(merged, kinds: ["test_cell"])
        #expect(!dropped.contains("test_cell") && dropped.contains("cell (B1)"))
        let marked = LibertyPreparation.mark(dropped, dontUse: ["B*"])
        #expect(marked.contains("cell (B1) {\n    dont_use : true ;") && !marked.contains("cell (A1) {\n    dont_use"))
        #expect(LibertyPreparation.glob("sky130_fd_sc_hd__lpflow_*", "sky130_fd_sc_hd__lpflow_inputiso0n_1"))
        #expect(!LibertyPreparation.glob("gf180mcu_*_1", "gf180mcu_inv_2") && LibertyPreparation.glob("gf180mcu_*_1", "gf180mcu_inv_1"))
    }

    @Test func badTechnologiesAreOneLineExit64() throws {
        let cli = CLITests()
        let root = try fixture()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let synth = ["synth", "--files", CLITests.root + "/rtl/lmul_e4m3.v", "--out", root + "/s", "--work", root + "/w", "--no-timed"]
        let cases: [([String], String)] = [
            (["--technology", "nosuch"], "is not a known technology"),
            (["--technology", "no\u{1B}]0;title\u{07}such"], "\\u{1B}]0;title\\u{7}"),
            (["--technology", root + "/none.json"], "cannot read the technology file"),
            (["--technology", root + "/afile"], "is not a technology file"),
            (["--technology", "sky130hd", "--pdk-root", root + "/afile"], "is not a directory"),
            (["--technology", "sky130hd", "--pdk-root", root + "/missing"], "is not a directory"),
            (["--technology", "sky130hd"], "give --pdk-root DIR"),
            (["--technology", try technology(root) { $0["liberty"] = [["path": "tiny/none.lib"]] }, "--pdk-root", root], "is missing"),
            (["--technology", try technology(root) { $0["liberty"] = [["path": "tiny/tiny.lib", "sha256": String(repeating: "0", count: 64)]] },
              "--pdk-root", root], "is not the described file"),
            (["--technology", try technology(root) { $0["flip_flop"] = ["cell": "NOFF", "clock": "CLK", "d": "D", "q": "Q", "tie_high": [String]()] },
              "--pdk-root", root], "has no flip-flop cell 'NOFF'"),
            (["--technology", try technology(root) { $0["flip_flop"] = ["cell": "DFFX1", "clock": "CK", "d": "D", "q": "Q", "tie_high": [String]()] },
              "--pdk-root", root], "has no pin 'CK'"),
            (["--technology", try technology(root) { $0["units"] = ["time": "1ps", "capacitance": "1pf", "leakage_power": "1nW"] }, "--pdk-root", root],
             "the liberty states time_unit '1ns'"),
            (["--technology", try technology(root), "--pdk-root", root, "--liberty", root + "/tiny/tiny.lib"], "both name a cell library"),
        ]
        for (args, mentions) in cases {
            let before = cli.listing(root)
            let (r, timedOut) = try cli.rtlgenAtRoot(synth + args, environment: ["PDK_ROOT": ""])
            #expect(!timedOut, "\(args) started real work")
            #expect(r.status == 64, "\(args): exit \(r.status): \(r.stderr)")
            #expect(r.stderr.hasPrefix("rtlgen: error: ") && r.stderr.contains(mentions) && r.stderr.split(separator: "\n").count == 1,
                    "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("\u{1B}"), "\(args): a raw escape reached the terminal")
            #expect(cli.listing(root) == before, "\(args) wrote files")
        }
        // timed needs cell models this technology does not have yet
        let (r, _) = try cli.rtlgenAtRoot(synth.filter { $0 != "--no-timed" } + ["--technology", try technology(root), "--pdk-root", root],
                                          environment: ["PDK_ROOT": ""])
        #expect(r.status == 64 && r.stderr.contains("pass --no-timed"), "\(r.stderr)")
    }
}

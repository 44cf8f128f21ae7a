import Foundation
import Units
import Toolchain
import Generation
import FloatArith

/// How much stronger ABC scripts than the flow's change the L-Mul over baseline ratios. The units
/// are re-mapped from the same pre-ABC netlist (`flow.ys` up to its `gates` step) with each script
/// below, for both the generic gates and the CMOS cells; only the figures are kept (the flow's
/// own netlists are the proven ones).
public enum SynthesisEffort {
    /// A named ABC script (yosys-abc commands separated by "; ").
    public struct Script: Sendable {
        public var name: String
        public var commands: String
    }

    static let resyn2 = "balance; rewrite; refactor; balance; rewrite; rewrite -z; balance; refactor -z; rewrite -z; balance"

    /// The stronger scripts, in the order of the report's columns.
    public static let scripts: [Script] = [
        Script(name: "area map", commands: "strash; dch -f; map -a"),
        Script(name: "dc2 + resyn2 x2, area map", commands: "strash; dc2; \(resyn2); dc2; \(resyn2); dch -f; map -a"),
        Script(name: "dc2 + resyn2 x2, area map, mfs2, re-mapped", commands: "strash; dc2; \(resyn2); dc2; \(resyn2); dch -f; map -a; mfs2; strash; dch -f; map -a"),
    ]

    /// One unit's figures under one script.
    public struct Measure: Codable, Sendable, Equatable {
        public var module: String
        public var script: String
        public var gates: Int
        public var transistors: Int
    }

    /// An L-Mul unit over a baseline, same format, under the flow's script and each stronger one
    /// (transistor and gate ratios, in `scripts` order after the flow's).
    public struct Row: Codable, Sendable, Equatable {
        public var format: FloatFormat
        public var unit: UnitKind
        public var baseline: UnitKind
        public var transistors: [Double]
        public var gates: [Double]
    }

    /// `remap`, or its stored result (key: the unit's file, the backends' inputs, the scripts, the code).
    static func measure(_ unit: ArithmeticUnit, file: String, flow: SynthesisFlow) throws -> [Measure] {
        guard let cache = flow.cache else { return try remap(unit, file: file, flow: flow) }
        var generic = flow
        generic.power = nil   // the effort table maps to generic gates only
        let job = try generic.job("effort", top: unit.moduleName, sources: [file],
                                  extra: ["effort.scripts": scripts.map { "\($0.name): \($0.commands)" }.joined(separator: "; ")])
        return try cache.result(job) { try remap(unit, file: file, flow: flow) }
    }

    /// Re-maps `unit` (its Verilog in `file`) with every script (one yosys process: the netlist
    /// before ABC is built once) and returns its gate and transistor counts under each.
    static func remap(_ unit: ArithmeticUnit, file: String, flow: SynthesisFlow) throws -> [Measure] {
        let fm = FileManager.default
        let module = unit.moduleName
        let dir = (flow.workDirectory as NSString).appendingPathComponent("effort/\(module)")
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let absolute = { (p: String) in p.hasPrefix("/") ? p : (fm.currentDirectoryPath as NSString).appendingPathComponent(p) }
        var text = """
        read_verilog -noautowire \(absolute(file))
        hierarchy -check -top \(module)
        proc; flatten; opt_clean
        script \(absolute(flow.flowScript)) map:gates

        """
        for (k, script) in scripts.enumerated() {
            let abc = "+" + script.commands.replacingOccurrences(of: "; ", with: ";").replacingOccurrences(of: " ", with: ",")
            text += """
            design -load pre
            abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX -script \(abc)
            opt_clean -purge
            tee -q -o gates-\(k).stat.json stat -json
            design -load pre
            abc -g cmos2 -script \(abc)
            opt_clean -purge
            tee -q -o cmos-\(k).stat.json stat -json -tech cmos

            """
        }
        try text.write(toFile: (dir as NSString).appendingPathComponent("effort.ys"), atomically: true, encoding: .utf8)
        let y = try Tools.run("yosys", ["-q", "effort.ys"], in: dir, limit: ToolBudget.synthesis(sources: [file]))
        if let stopped = y.timeLimitMessage(on: "\(module) (effort.ys)") { throw SynthesisFlow.Failure(description: stopped) }
        guard y.status == 0 else {
            throw SynthesisFlow.Failure(description: "\(module): yosys failed re-mapping with the effort scripts (script \(dir)/effort.ys)")
        }
        let read = { (name: String) throws -> Data in try Data(contentsOf: URL(fileURLWithPath: (dir as NSString).appendingPathComponent(name))) }
        return try scripts.enumerated().map { k, script in
            let gates = try SynthesisFlow.stat(read("gates-\(k).stat.json"), module: module)
            let cmos = try SynthesisFlow.stat(read("cmos-\(k).stat.json"), module: module)
            guard let transistors = cmos.transistors, transistors > 0 else {
                throw SynthesisFlow.Failure(description: "\(module): no transistor estimate with ABC script '\(script.name)'")
            }
            return Measure(module: module, script: script.name, gates: gates.total, transistors: transistors)
        }
    }

    /// Every unit of `files` (each with its Verilog file; `units`: their flow results) under every
    /// stronger script, as ratio rows beside the flow's own.
    public static func run(_ files: [(unit: ArithmeticUnit, file: String)], units: [SynthesisFlow.Result], flow: SynthesisFlow, jobs: Int,
                           kinds: [UnitKind] = UnitKind.allCases, progress: @escaping @Sendable (String) -> Void) throws -> [Row] {
        // the multipliers only: the ratios compare approximate units with exact baselines
        let jobsList = files.filter { $0.unit.kind.role.isMultiplier }
        let start = monotonicSeconds()
        let outcomes = WorkerPool.map(jobsList.count, jobs: jobs) { n -> Result<[Measure], SynthesisFlow.Failure> in
            do { return .success(try measure(jobsList[n].unit, file: jobsList[n].file, flow: flow)) } catch {
                return .failure(error as? SynthesisFlow.Failure ?? SynthesisFlow.Failure(description: "\(error)"))
            }
        }
        let measures = try outcomes.map { try $0.get() }.flatMap { $0 }
        progress(String(format: "effort: %d units under %d stronger ABC scripts in %.0f s", jobsList.count, scripts.count, monotonicSeconds() - start))
        var rows: [Row] = []
        for f in SynthesisReport.formats(units) {
            for (lm, base) in kinds.comparisons {
                guard let u = units.first(where: { $0.format == f && $0.unit == lm && $0.overflow == .saturate }),
                      let b = units.first(where: { $0.format == f && $0.unit == base && $0.overflow == .saturate }) else { continue }
                var t = [SynthesisReport.r3(Double(u.transistors) / Double(b.transistors))]
                var g = [SynthesisReport.r3(Double(u.gates) / Double(b.gates))]
                for s in scripts {
                    guard let mu = measures.first(where: { $0.module == u.module && $0.script == s.name }),
                          let mb = measures.first(where: { $0.module == b.module && $0.script == s.name }) else { continue }
                    t.append(SynthesisReport.r3(Double(mu.transistors) / Double(mb.transistors)))
                    g.append(SynthesisReport.r3(Double(mu.gates) / Double(mb.gates)))
                }
                rows.append(Row(format: f, unit: lm, baseline: base, transistors: t, gates: g))
            }
        }
        return rows
    }
}

extension SynthesisReport {
    /// The report section on the ABC script: which one the flow uses, and the ratios under stronger ones.
    func effortSection() -> String {
        guard !effort.isEmpty else { return "" }
        var s = """
        ## Synthesis effort

        **The ABC script.** Every unit, behavioural twin, PE, cell and array is mapped with the same script, the one
        yosys 0.23 runs for `abc -g` when none is given, spelt out in [`flow.ys`](flow.ys):
        `strash; &get -n; &fraig -x; &put; scorr; dc2; dretime; strash; &get -n; &dch -f; &nf; &put` (structural
        hashing, one `dc2` rewriting pass, choice computation and delay-oriented mapping with area recovery). It is
        chosen because anyone running `abc -g` on these files gets the same netlists, and because no unit is
        favoured: the script is fixed, not tuned per unit. Stronger, area-oriented scripts change the figures; the
        table gives, per format, the L-Mul unit's transistors over the baseline's (gates in brackets) under the flow's
        script and under each stronger one, re-mapped from the same netlist before ABC.


        """
        s += "| format | L-Mul unit | baseline | flow script | " + SynthesisEffort.scripts.map { "\($0.name)" }.joined(separator: " | ") + " |\n"
        s += "|---|---|---|" + String(repeating: "---:|", count: SynthesisEffort.scripts.count + 1) + "\n"
        for r in effort {
            let cells = zip(r.transistors, r.gates).map { "\(Self.fixed($0.0, 3)) (\(Self.fixed($0.1, 3)))" }
            s += "| \(r.format.tag) | `\(r.unit)` | `\(r.baseline)` | " + cells.joined(separator: " | ") + " |\n"
        }
        let resyn2 = SynthesisEffort.resyn2
        s += "\nThe scripts, with *resyn2* = `\(resyn2)`: " + SynthesisEffort.scripts.map {
            "*\($0.name)*: `\($0.commands.replacingOccurrences(of: resyn2, with: "resyn2"))`"
        }.joined(separator: "; ") + ". Their netlists are not proven or kept; only their counts are.\n\n"
        return s
    }
}

import FloatArith
import Foundation
import Units
import Toolchain
import Generation

/// One unit through `synth/flow.ys`: generic gates, CMOS transistors, depth, a formal proof that
/// both netlists equal the RTL (yosys-abc `cec`), and switching activity on realistic operands.
public struct SynthesisFlow: Sendable {
    public var flowScript = "synth/flow.ys"
    public var workDirectory = "build/synth/work"
    /// Seconds `cec` may spend proving one netlist against the RTL.
    public var proofTimeout = 60
    /// Operations simulated for the switching-activity proxy (operands drawn from N(0, 1) and
    /// rounded to the format, seeded).
    public var activityOperations = 65_536
    public var seed: UInt64 = 1
    /// When set, each unit is also mapped to standard cells, timed and its energy measured.
    public var power: PowerAnalysis?
    /// Also simulate each netlist on the golden vectors of its format (every operand pair up to 8
    /// bits, `VectorPlan.standard` above) and fail on any difference: for designs that no other
    /// check simulates (the behavioural twins; a netlist proven equal to its RTL checks the RTL).
    public var checkGoldenVectors = false
    /// Where results are kept by job key (`CostCache`); nil: always measure.
    public var cache: CostCache?

    public init() {}

    /// The backends a unit's figures come from: generic gates always, standard cells with `power`.
    public var backends: [CostBackend] {
        [GenericGatesBackend(flowScript: flowScript)] + (power.map { [StandardCellBackend(liberty: $0.liberty.libertyPath)] } ?? [])
    }

    /// The job "measure `top` from `sources` with this flow": its key covers the sources, the
    /// backends' inputs, the measuring code and the flow's parameters.
    public func job(_ kind: String, top: String, sources: [String], extra: [String: String] = [:]) throws -> CostJob {
        var job = CostJob("\(kind) \(top)")
        for (i, f) in sources.enumerated() { try job.addFile("rtl.\(i).\((f as NSString).lastPathComponent)", path: f) }
        for b in backends { try job.add(backend: b) }
        job.add("flow.activity_operations", String(activityOperations))
        job.add("flow.seed", String(seed))
        job.add("flow.proof_timeout", String(proofTimeout))
        job.add("flow.check_golden_vectors", String(checkGoldenVectors))
        for (k, v) in extra { job.add(k, v) }
        return job
    }

    public enum Proof: String, Codable, Sendable {
        /// yosys-abc `cec` proved gold == coarse == pre == netlist for both netlists: gold is the
        /// RTL bit-blasted by yosys `techmap`, coarse yosys' word-level synthesis bit-blasted, pre
        /// its netlist before ABC maps it.
        case proven
        /// coarse == pre == netlist proven; gold == coarse did not finish within the time limit
        /// (SAT-based equivalence of differently structured wide multipliers), so yosys'
        /// word-level synthesis passes are trusted, not proven, for this unit.
        case fromWordLevel = "proven-from-word-level"

        /// How tables show it.
        public var label: String {
            switch self {
            case .proven: return "proven = RTL"
            case .fromWordLevel: return "proven = word-level netlist †"
            }
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// The unit instance synthesised. The row's `module`, `unit`, `format` and `overflow` are
        /// written from it (and, read back, checked against each other: see `ArithmeticUnit`'s coding).
        public var instance: ArithmeticUnit
        public var module: String { instance.moduleName }
        /// The unit kind, written as its name.
        public var unit: UnitKind { instance.kind }
        public var format: FloatFormat { instance.format }
        public var overflow: OverflowMode { instance.overflow }
        /// Cells of the generic mapping (NOT counted; MUX counted as one gate).
        public var gates: Int
        public var cellsByType: [String: Int]
        public var depth: Int
        public var flipFlops: Int
        /// Transistors of the CMOS mapping (yosys `stat -tech cmos`) and NAND2 equivalents.
        public var transistors: Int
        public var gateEquivalents: Double
        public var cmosCells: Int
        public var togglesPerOperation: Double
        public var weightedTogglesPerOperation: Double
        /// Both netlists proven equal to the RTL (see `Proof`).
        public var equivalence: Proof
        /// Operations of the activity run whose netlist output equals the golden model (all).
        public var checkedOperations: Int
        /// Standard-cell area, timing and energy (`PowerAnalysis`), when measured.
        public var liberty: LibertyFigures? = nil

        public init(_ instance: ArithmeticUnit, gates: Int, cellsByType: [String: Int], depth: Int, flipFlops: Int, transistors: Int,
                    gateEquivalents: Double, cmosCells: Int, togglesPerOperation: Double, weightedTogglesPerOperation: Double,
                    equivalence: Proof, checkedOperations: Int, liberty: LibertyFigures? = nil) {
            self.instance = instance
            self.gates = gates
            self.cellsByType = cellsByType
            self.depth = depth
            self.flipFlops = flipFlops
            self.transistors = transistors
            self.gateEquivalents = gateEquivalents
            self.cmosCells = cmosCells
            self.togglesPerOperation = togglesPerOperation
            self.weightedTogglesPerOperation = weightedTogglesPerOperation
            self.equivalence = equivalence
            self.checkedOperations = checkedOperations
            self.liberty = liberty
        }

        /// The figures' keys; the unit's (`module`, `unit`, `format`, `overflow`) are `ArithmeticUnit`'s.
        enum CodingKeys: String, CodingKey {
            case gates, depth, transistors, cmosCells = "cmos_cells"
            case cellsByType = "cells_by_type", flipFlops = "flip_flops", gateEquivalents = "gate_equivalents"
            case togglesPerOperation = "toggles_per_op", weightedTogglesPerOperation = "toggle_energy"
            case equivalence, checkedOperations = "checked_operations", liberty
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(try ArithmeticUnit(from: decoder),
                      gates: try c.decode(Int.self, forKey: .gates), cellsByType: try c.decode([String: Int].self, forKey: .cellsByType),
                      depth: try c.decode(Int.self, forKey: .depth), flipFlops: try c.decode(Int.self, forKey: .flipFlops),
                      transistors: try c.decode(Int.self, forKey: .transistors), gateEquivalents: try c.decode(Double.self, forKey: .gateEquivalents),
                      cmosCells: try c.decode(Int.self, forKey: .cmosCells), togglesPerOperation: try c.decode(Double.self, forKey: .togglesPerOperation),
                      weightedTogglesPerOperation: try c.decode(Double.self, forKey: .weightedTogglesPerOperation),
                      equivalence: try c.decode(Proof.self, forKey: .equivalence), checkedOperations: try c.decode(Int.self, forKey: .checkedOperations),
                      liberty: try c.decodeIfPresent(LibertyFigures.self, forKey: .liberty))
        }

        public func encode(to encoder: Encoder) throws {
            try instance.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(gates, forKey: .gates)
            try c.encode(cellsByType, forKey: .cellsByType)
            try c.encode(depth, forKey: .depth)
            try c.encode(flipFlops, forKey: .flipFlops)
            try c.encode(transistors, forKey: .transistors)
            try c.encode(gateEquivalents, forKey: .gateEquivalents)
            try c.encode(cmosCells, forKey: .cmosCells)
            try c.encode(togglesPerOperation, forKey: .togglesPerOperation)
            try c.encode(weightedTogglesPerOperation, forKey: .weightedTogglesPerOperation)
            try c.encode(equivalence, forKey: .equivalence)
            try c.encode(checkedOperations, forKey: .checkedOperations)
            try c.encodeIfPresent(liberty, forKey: .liberty)
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The operands of the activity run: pairs of N(0, 1) samples rounded to the format.
    public static func activityOperands(_ f: FloatFormat, count: Int, seed: UInt64) -> (a: [UInt32], b: [UInt32]) {
        var normal = NormalSampler(seed: seed, method: .boxMuller)
        var a: [UInt32] = [], b: [UInt32] = []
        a.reserveCapacity(count)
        b.reserveCapacity(count)
        for _ in 0..<count {
            a.append(f.encode(normal.next()))
            b.append(f.encode(normal.next()))
        }
        return (a, b)
    }

    /// Runs the flow on `unit`, whose Verilog is `file` (module `unit.moduleName`), and returns its
    /// figures; throws `Failure` when a tool fails, a netlist is not equivalent, or the netlist
    /// disagrees with the golden model.
    public func run(_ unit: ArithmeticUnit, file: String) throws -> Result {
        guard let cache else { return try measure(unit, file: file) }
        let job = try self.job("unit", top: unit.moduleName, sources: [file], extra: ["unit.overflow": unit.overflow.rawValue])
        return try cache.result(job) { try measure(unit, file: file) }
    }

    /// `run` without the cache.
    public func measure(_ unit: ArithmeticUnit, file: String) throws -> Result {
        let module = unit.moduleName
        let m = try synthesize(sources: [file], top: module)
        guard let proof = m.proof else { throw Failure(description: "\(module): no equivalence proof") }
        // Activity on the CMOS netlist, whose output is also checked against the golden model.
        let netlist: GateNetlist
        do { netlist = try GateNetlist(json: try m.read("cmos.json"), module: module) } catch let e as GateNetlist.ParseError {
            throw Failure(description: "\(module): \(e.description)")
        }
        guard netlist.cmosTransistors == m.transistors else {
            throw Failure(description: "\(module): the activity model's transistor weights (\(netlist.cmosTransistors.map(String.init) ?? "none")) disagree with yosys' \(m.transistors)")
        }
        let (a, b) = Self.activityOperands(unit.format, count: activityOperations, seed: seed)
        let (outputs, activity) = try netlist.simulate(a: a, b: b)
        let golden = unit.golden
        for i in a.indices where outputs[i] != golden(a[i], b[i]) {
            throw Failure(description: "\(module): the synthesised netlist gives \(hex(outputs[i], unit.format)) for a=\(hex(a[i], unit.format)) b=\(hex(b[i], unit.format)); the golden model gives \(hex(golden(a[i], b[i]), unit.format))")
        }
        var checked = a.count
        if checkGoldenVectors {
            let pairs = Vectors.pairs(unit.format, plan: .standard(for: unit.format))
            let (va, vb) = (pairs.map(\.0), pairs.map(\.1))
            let (vy, _) = try netlist.simulate(a: va, b: vb)
            for i in va.indices where vy[i] != golden(va[i], vb[i]) {
                throw Failure(description: "\(file): the synthesised netlist gives \(hex(vy[i], unit.format)) for a=\(hex(va[i], unit.format)) b=\(hex(vb[i], unit.format)); the golden model gives \(hex(golden(va[i], vb[i]), unit.format))")
            }
            checked += pairs.count
        }
        var result = Result(unit,
                      gates: m.gates.total, cellsByType: m.gates.cells, depth: m.depth, flipFlops: m.flipFlops,
                      transistors: m.transistors, gateEquivalents: Double(m.transistors) / 4, cmosCells: m.cmos.total,
                      togglesPerOperation: Self.rounded(activity.togglesPerOperation),
                      weightedTogglesPerOperation: Self.rounded(activity.weightedTogglesPerOperation),
                      equivalence: proof, checkedOperations: checked)
        if let power {
            result.liberty = try power.unit(unit, sources: [file], dir: m.directory, operations: activityOperations, seed: seed, proofTimeout: proofTimeout)
        }
        return result
    }

    /// What the flow measured and proved for one top module.
    public struct Mapped {
        public var directory: String
        var gates: Stat
        var cmos: Stat
        public var depth: Int
        public var transistors: Int
        /// nil when black boxes were read (no proof attempted).
        public var proof: Proof?
        public var flipFlops: Int { gates.cells.filter { $0.key.contains("DFF") || $0.key.contains("DLATCH") }.values.reduce(0, +) }
        /// Transistors of the CMOS mapping in flip-flops: all but the NAND2/NOR2 (4) and NOT (2) cells.
        public var flipFlopTransistors: Int {
            transistors - 4 * ((cmos.cells["$_NAND_"] ?? 0) + (cmos.cells["$_NOR_"] ?? 0)) - 2 * (cmos.cells["$_NOT_"] ?? 0)
        }
        /// The flow script that wrote this directory's files (named in a missing file's message).
        var flowScript = ""
        func read(_ name: String) throws -> Data {
            do { return try Data(contentsOf: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(name))) } catch {
                throw Failure(description: "yosys ran \(flowScript) without an error but wrote no \(name) in \(directory): the flow script must write it (as synth/flow.ys does with 'tee -o \(name)'); use the repository's synth/flow.ys or add that step")
            }
        }
    }

    /// The flow on `top` read from `sources` (dependencies first): both mappings, their figures and
    /// the equivalence proof. `blackBoxes` are read as empty cells (`read_verilog -lib`); then no
    /// proof is attempted (ABC cannot compare netlists with opaque cells), `proof` is nil, and the
    /// figures exclude the black-box instances.
    public func synthesize(sources: [String], top: String, blackBoxes: [String] = [], scratchName: String? = nil) throws -> Mapped {
        let fm = FileManager.default
        for f in sources + blackBoxes where !fm.fileExists(atPath: f) {
            throw Failure(description: "\(f) does not exist; generate it with rtlgen or make rtl")
        }
        guard fm.fileExists(atPath: flowScript) else { throw Failure(description: "synthesis flow \(flowScript) not found; run from the repository root") }
        let dir = (workDirectory as NSString).appendingPathComponent(scratchName ?? top)
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let absolute = { (p: String) in p.hasPrefix("/") ? p : (fm.currentDirectoryPath as NSString).appendingPathComponent(p) }
        var prelude = blackBoxes.map { "read_verilog -lib -noautowire \(absolute($0))\n" }.joined()
        prelude += "read_verilog -noautowire \(sources.map(absolute).joined(separator: " "))\nhierarchy -check -top \(top)\nproc; flatten; opt_clean\n"
        // Three fresh processes: the reference, the word-level step, the mappings (see synth/flow.ys for why).
        let steps = blackBoxes.isEmpty ? [("gold.ys", "gold:coarse"), ("coarse.ys", "coarse:map"), ("map.ys", "map:")] : [("map.ys", "map:")]
        for (script, labels) in steps {
            try (prelude + "script \(absolute(flowScript)) \(labels)\n")
                .write(toFile: (dir as NSString).appendingPathComponent(script), atomically: true, encoding: .utf8)
            let y = try Tools.run("yosys", ["-q", script], in: dir, limit: ToolBudget.synthesis(sources: sources + blackBoxes))
            if let stopped = y.timeLimitMessage(on: "\(top) (\(script))") { throw Failure(description: stopped) }
            guard y.status == 0 else {
                let line = y.output.split(separator: "\n").first { $0.contains("ERROR") } ?? Substring(y.output.split(separator: "\n").last ?? "")
                throw Failure(description: "\(top): yosys failed: \(line) (script \(dir)/\(script))")
            }
            if let warning = y.output.split(separator: "\n").first(where: { $0.contains("Warning") }) {
                throw Failure(description: "\(top): yosys warned: \(warning)")
            }
        }
        var m = Mapped(directory: dir, gates: Stat(total: 0, cells: [:], transistors: nil), cmos: Stat(total: 0, cells: [:], transistors: nil),
                       depth: 0, transistors: 0, proof: .proven)
        m.flowScript = flowScript
        m.gates = try Self.stat(m.read("gates.stat.json"), module: top)
        m.cmos = try Self.stat(m.read("cmos.stat.json"), module: top)
        let ltp = String(decoding: try m.read("gates.ltp.txt"), as: UTF8.self)
        guard let depth = Self.longestPath(ltp) else { throw Failure(description: "\(top): no 'Longest topological path' in ltp output") }
        if !blackBoxes.isEmpty {
            // stat counts each black-box instance as a cell, and its transistors as unknown ("N+")
            let boxes = Set(blackBoxes.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension })
            for b in boxes {
                m.gates.total -= m.gates.cells.removeValue(forKey: b) ?? 0
                m.cmos.total -= m.cmos.cells.removeValue(forKey: b) ?? 0
            }
        }
        guard let transistors = m.cmos.transistors else { throw Failure(description: "\(top): stat -tech cmos gave no transistor estimate") }
        m.depth = depth
        m.transistors = transistors
        if blackBoxes.isEmpty { m.proof = try prove(module: top, dir: dir) }
        return m
    }

    private func hex(_ x: UInt32, _ f: FloatFormat) -> String {
        let digits = String(x, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, (f.width + 3) / 4 - digits.count)) + digits
    }

    static func rounded(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    /// Proves coarse == pre == gates and pre == cmos (a timeout or a difference stops the flow),
    /// then gold == coarse (a difference stops the flow; a timeout is reported).
    private func prove(module: String, dir: String) throws -> Proof {
        for (gold, gate) in [("coarse.blif", "pre.blif"), ("pre.blif", "gates.blif"), ("pre.blif", "cmos.blif")] {
            switch try Self.cec(dir: dir, gold: gold, gate: gate, timeout: proofTimeout) {
            case .equivalent: continue
            case .different(let detail):
                throw Failure(description: "\(module): \(gate) is NOT equivalent to \(gold) (\(detail)); the netlists are in \(dir)")
            case .timeout:
                throw Failure(description: "\(module): yosys-abc cec did not prove \(gate) equal to \(gold) within \(proofTimeout) s; raise --proof-timeout (files in \(dir))")
            }
        }
        // Combinational units: ABC's miter engine. With flip-flops, `cec -n`, which pairs them by
        // name and proves every output and every next-state function equal (a miter would leave
        // the two copies of each flip-flop unrelated).
        let sequential = (try? String(contentsOfFile: (dir as NSString).appendingPathComponent("gold.blif"), encoding: .utf8))?.contains("\n.latch ") ?? false
        switch try Self.cec(dir: dir, gold: "gold.blif", gate: "coarse.blif", timeout: proofTimeout, miter: !sequential) {
        case .equivalent: return .proven
        case .timeout: return .fromWordLevel
        case .different(let detail):
            throw Failure(description: "\(module): yosys' word-level synthesis (coarse.blif) is NOT equivalent to the RTL (gold.blif) (\(detail)); the netlists are in \(dir)")
        }
    }

    enum CEC { case equivalent, different(String), timeout }

    /// yosys-abc `cec -n gold gate`; with `miter`, ABC's newer engine on their miter (`&cec -m`),
    /// which proves differently structured multipliers (bf16 fpmul: about 12 s) where `cec` takes
    /// three times as long.
    static func cec(dir: String, gold: String, gate: String, timeout: Int, miter: Bool = false) throws -> CEC {
        let abc = try Tools.find("yosys-abc")
        let (gold, gate) = (try latchesSorted(dir: dir, gold), try latchesSorted(dir: dir, gate))
        let command = miter ? "miter -n \(gold) \(gate); &get -n; &cec -m" : "cec -n \(gold) \(gate)"
        let r = try Tools.run("timeout", ["-s", "KILL", String(timeout), abc, "-c", command], in: dir,
                              limit: ToolBudget.bounded(by: timeout, option: "--proof-timeout"))
        if let stopped = r.timeLimitMessage(on: "\(gate) against \(gold) in \(dir)") { throw Failure(description: stopped) }
        // timeout -s KILL: 124 or 137, or 9 when the signal is reported as the status
        if [124, 137, 9].contains(r.status) { return .timeout }
        if r.output.contains("Networks are equivalent") { return .equivalent }
        let line = r.output.split(separator: "\n").first { $0.contains("NOT EQUIVALENT") || $0.contains("rror") } ?? "yosys-abc exit \(r.status)"
        return .different(String(line).trimmingCharacters(in: .whitespaces))
    }

    /// `cec` pairs flip-flops by position, so a netlist with `.latch` lines gets a copy with them
    /// sorted by output name (their order has no meaning in BLIF); others are used as they are.
    static func latchesSorted(dir: String, _ name: String) throws -> String {
        let path = (dir as NSString).appendingPathComponent(name)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard text.contains("\n.latch ") else { return name }
        let lines = text.components(separatedBy: "\n")
        let latches = lines.filter { $0.hasPrefix(".latch ") }.sorted {
            ($0.split(separator: " ").dropFirst(2).first ?? "", $0) < ($1.split(separator: " ").dropFirst(2).first ?? "", $1)
        }
        var rest = lines.filter { !$0.hasPrefix(".latch ") }
        guard let end = rest.firstIndex(of: ".end") else { return name }
        rest.insert(contentsOf: latches, at: end)
        let sorted = (name as NSString).deletingPathExtension + ".latches-sorted.blif"
        try rest.joined(separator: "\n").write(toFile: (dir as NSString).appendingPathComponent(sorted), atomically: true, encoding: .utf8)
        return sorted
    }

    struct Stat { var total: Int; var cells: [String: Int]; var transistors: Int? }

    static func stat(_ data: Data, module: String) throws -> Stat {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let design = root["design"] as? [String: Any],
              let total = (design["num_cells"] as? NSNumber)?.intValue else {
            throw Failure(description: "\(module): unreadable yosys stat -json output")
        }
        var cells: [String: Int] = [:]
        for (k, v) in design["num_cells_by_type"] as? [String: Any] ?? [:] { cells[k] = (v as? NSNumber)?.intValue ?? 0 }
        var transistors: Int?
        if let t = design["estimated_num_transistors"] {
            // a string; "N+" when the design has cells of unknown cost (black boxes)
            transistors = (t as? NSNumber)?.intValue ?? (t as? String).flatMap { Int($0.hasSuffix("+") ? String($0.dropLast()) : $0) }
        }
        return Stat(total: total, cells: cells, transistors: transistors)
    }

    /// The length yosys `ltp` reports.
    static func longestPath(_ text: String) -> Int? {
        guard let r = text.range(of: #"\(length=(\d+)\)"#, options: .regularExpression) else { return nil }
        return Int(text[r].dropFirst(8).dropLast())
    }
}

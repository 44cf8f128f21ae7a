import FloatArith
import Foundation
import Generation
import Toolchain
import Units

/// The MX block dot products' cost (issue 25 item 4): each `mxdot_<unit>_<elem>_k<K>` through the
/// generic flow (`synth/flow.ys`: gates, transistors, depth, the netlists' proofs), the standard
/// cells (liberty area, OpenSTA delay, energy per block dot from the activity of seeded random
/// blocks of N(0, 1) data quantised by OCP's conversion) and the iCE40 UP5K (logic cells, fmax, or
/// "does not fit"). Each design is one `CostJob`, so a second run measures nothing.
///
/// Unlike a unit's, an MX dot's proofs may not finish: the design holds K multipliers and an adder
/// tree, and SAT-based `cec` of a 32-product netlist can run past the limit. A step that times out
/// is recorded ("not proven within N s"), not an error; a step that finds a difference is.
public struct MXDotSynthesis: Sendable {
    public var flow: SynthesisFlow
    /// Block pairs of the activity run (a multiple of 64: 64 lanes of consecutive block pairs).
    public var blocks = 8192
    public var seed: UInt64 { flow.seed }

    public init(flow: SynthesisFlow) { self.flow = flow }

    /// The measuring code of these jobs, beside the backends' own.
    public static let backend = MXDotCostBackend()

    /// How far the proofs of one design got.
    public enum Proof: String, Codable, Sendable {
        /// gold == coarse == pre == gates, pre == cmos (and liberty == pre): the netlists equal the RTL.
        case proven
        /// Every netlist proven equal to yosys' word-level synthesis; gold == coarse ran past the limit.
        case fromWordLevel = "proven-from-word-level"
        /// A netlist step ran past the limit: the figures are of a netlist not proven equal to the RTL.
        case notProven = "not-proven"
    }

    /// One MX dot's ASIC figures: per block dot (one result of K products); per MAC is these / K.
    public struct Row: Codable, Sendable, Equatable {
        public var module: String
        public var unit: UnitKind
        public var element: String
        public var blockSize: Int
        public var gates: Int
        public var transistors: Int
        public var depth: Int
        public var proof: Proof
        /// The steps that ran past the limit ("gold == coarse", "pre == gates", ...), in order.
        public var unprovenSteps: [String]
        public var proofTimeout: Int
        /// Block pairs whose liberty-netlist output equals the golden MX dot (all of them).
        public var checkedBlocks: Int
        public var liberty: LibertyFigures?
        /// The liberty netlist proven equal to the pre-mapping netlist (false: ran past the limit).
        public var libertyProven: Bool?

        enum CodingKeys: String, CodingKey {
            case module, unit, element, gates, transistors, depth, proof, liberty
            case blockSize = "block_size", unprovenSteps = "unproven_steps", proofTimeout = "proof_timeout_s"
            case checkedBlocks = "checked_blocks", libertyProven = "liberty_proven"
        }
    }

    /// The job of `design` whose Verilog is `file`.
    public func job(_ design: MXDotDesign, file: String) throws -> CostJob {
        var job = try flow.job("mxdot", top: design.moduleName, sources: [file])
        try job.add(backend: Self.backend)
        job.add("mxdot.blocks", String(blocks))
        job.add("mxdot.activity", "N(0,1) quantised by BlockFormat.quantize, seed \(seed)")
        return job
    }

    /// The stored figures of `design`, or measured and stored (no cache: measured).
    public func run(_ design: MXDotDesign, file: String) throws -> Row {
        guard let cache = flow.cache else { return try measure(design, file: file) }
        return try cache.result(try job(design, file: file)) { try measure(design, file: file) }
    }

    /// The activity blocks: `count` pairs of blocks of N(0, 1) reals quantised by OCP's conversion.
    public static func activityBlocks(_ design: MXDotDesign, count: Int, seed: UInt64) -> [MXDotDesign.BlockPair] {
        var normal = NormalSampler(seed: seed, method: .boxMuller)
        let k = design.blockSize
        return (0..<count).map { _ in
            let xs = (0..<k).map { _ in normal.next() }, ys = (0..<k).map { _ in normal.next() }
            let (qa, qb) = (design.block.quantize(xs), design.block.quantize(ys))
            return MXDotDesign.BlockPair(a: qa.elements, b: qb.elements, xa: qa.scale, xb: qb.scale)
        }
    }

    public func measure(_ design: MXDotDesign, file: String) throws -> Row {
        let top = design.moduleName
        var (m, unproven) = try synthesize(sources: [file], top: top)
        var row = Row(module: top, unit: design.kind, element: design.element.tag, blockSize: design.blockSize,
                      gates: m.gates.total, transistors: m.transistors, depth: m.depth, proof: .proven, unprovenSteps: [],
                      proofTimeout: flow.proofTimeout, checkedBlocks: 0, liberty: nil, libertyProven: nil)
        if let power = flow.power {
            let mapped = try map(power.liberty, sources: [file], top: top, dir: m.directory)
            if !mapped.proven { unproven.append("liberty == pre") }
            let lanes = 64, cycles = max(blocks / lanes, 2)
            let pairs = Self.activityBlocks(design, count: cycles * lanes, seed: seed)
            let n = mapped.netlist
            let w = design.element.width
            guard let pa = n.inputs["a"], let pb = n.inputs["b"], n.outputs["y"] != nil else {
                throw SynthesisFlow.Failure(description: "\(top): the liberty netlist lacks port a, b or y")
            }
            let activity = try n.simulate(cycles: cycles, drive: { cycle, nets in
                for (bit, net) in pa.enumerated() {
                    var word: UInt64 = 0
                    for lane in 0..<lanes where (pairs[lane * cycles + cycle].a[bit / w] >> UInt32(bit % w)) & 1 == 1 { word |= 1 << UInt64(lane) }
                    nets[net] = word
                }
                for (bit, net) in pb.enumerated() {
                    var word: UInt64 = 0
                    for lane in 0..<lanes where (pairs[lane * cycles + cycle].b[bit / w] >> UInt32(bit % w)) & 1 == 1 { word |= 1 << UInt64(lane) }
                    nets[net] = word
                }
                n.set("xa", (0..<lanes).map { UInt64(pairs[$0 * cycles + cycle].xa) }, &nets)
                n.set("xb", (0..<lanes).map { UInt64(pairs[$0 * cycles + cycle].xb) }, &nets)
            }, observe: { cycle, nets in
                for lane in 0..<lanes {
                    let p = pairs[lane * cycles + cycle]
                    let y = UInt32(n.value("y", lane: lane, nets)), g = design.golden(p)
                    guard y == g else {
                        throw SynthesisFlow.Failure(description: String(format: "%@: the liberty netlist gives %08x for block pair %d; the golden MX dot gives %08x", top, y, lane * cycles + cycle, g))
                    }
                }
            })
            row.checkedBlocks = pairs.count
            row.liberty = try power.figures(mapped, top: top, sequential: false, activity: activity)
            row.libertyProven = mapped.proven
        }
        m.proof = nil
        row.unprovenSteps = unproven
        row.proof = unproven.contains { $0 != "gold == coarse" } ? .notProven : unproven.isEmpty ? .proven : .fromWordLevel
        return row
    }

    /// `SynthesisFlow.synthesize` for one combinational design, with proofs that may time out:
    /// the steps that ran past `proofTimeout` are returned (a difference still throws).
    func synthesize(sources: [String], top: String) throws -> (SynthesisFlow.Mapped, [String]) {
        let fm = FileManager.default
        for f in sources where !fm.fileExists(atPath: f) {
            throw SynthesisFlow.Failure(description: "\(f) does not exist; generate it with rtlgen mxdot")
        }
        let dir = (flow.workDirectory as NSString).appendingPathComponent("mx/\(top)")
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let absolute = { (p: String) in p.hasPrefix("/") ? p : (fm.currentDirectoryPath as NSString).appendingPathComponent(p) }
        let prelude = "read_verilog -noautowire \(sources.map(absolute).joined(separator: " "))\nhierarchy -check -top \(top)\nproc; flatten; opt_clean\n"
        for (script, labels) in [("gold.ys", "gold:coarse"), ("coarse.ys", "coarse:map"), ("map.ys", "map:")] {
            try (prelude + "script \(absolute(flow.flowScript)) \(labels)\n")
                .write(toFile: (dir as NSString).appendingPathComponent(script), atomically: true, encoding: .utf8)
            let y = try Tools.run("yosys", ["-q", script], in: dir)
            guard y.status == 0 else {
                let line = y.output.split(separator: "\n").first { $0.contains("ERROR") } ?? Substring(y.output.split(separator: "\n").last ?? "")
                throw SynthesisFlow.Failure(description: "\(top): yosys failed: \(line) (script \(dir)/\(script))")
            }
            if let warning = y.output.split(separator: "\n").first(where: { $0.contains("Warning") }) {
                throw SynthesisFlow.Failure(description: "\(top): yosys warned: \(warning)")
            }
        }
        var m = SynthesisFlow.Mapped(directory: dir, gates: .init(total: 0, cells: [:], transistors: nil), cmos: .init(total: 0, cells: [:], transistors: nil),
                                     depth: 0, transistors: 0, proof: nil)
        m.gates = try SynthesisFlow.stat(m.read("gates.stat.json"), module: top)
        m.cmos = try SynthesisFlow.stat(m.read("cmos.stat.json"), module: top)
        guard let depth = SynthesisFlow.longestPath(String(decoding: try m.read("gates.ltp.txt"), as: UTF8.self)),
              let transistors = m.cmos.transistors else {
            throw SynthesisFlow.Failure(description: "\(top): no 'Longest topological path' or transistor estimate in yosys' output")
        }
        m.depth = depth
        m.transistors = transistors
        var unproven: [String] = []
        for (gold, gate, miter) in [("coarse.blif", "pre.blif", false), ("pre.blif", "gates.blif", false), ("pre.blif", "cmos.blif", false),
                                    ("gold.blif", "coarse.blif", true)] {
            let step = "\(gold.dropLast(5)) == \(gate.dropLast(5))"
            switch try SynthesisFlow.cec(dir: dir, gold: gold, gate: gate, timeout: flow.proofTimeout, miter: miter) {
            case .equivalent: continue
            case .timeout: unproven.append(step)
            case .different(let detail):
                throw SynthesisFlow.Failure(description: "\(top): \(gate) is NOT equivalent to \(gold) (\(detail)); the netlists are in \(dir)")
            }
        }
        return (m, unproven)
    }

    /// `LibertyFlow.map` for one combinational design whose proof may time out (`proven` false).
    func map(_ liberty: LibertyFlow, sources: [String], top: String, dir: String) throws -> LibertyFlow.Mapped {
        let fm = FileManager.default
        let absolute = { (p: String) in p.hasPrefix("/") ? p : (fm.currentDirectoryPath as NSString).appendingPathComponent(p) }
        let prelude = "read_verilog -noautowire \(sources.map(absolute).joined(separator: " "))\nhierarchy -check -top \(top)\nproc; flatten; opt_clean\n"
        // combinational: no flip-flops to map, but the proof script loads dffmap.v
        try "".write(toFile: (dir as NSString).appendingPathComponent("dffmap.v"), atomically: true, encoding: .utf8)
        try liberty.script(prelude: prelude, blackBoxes: false)
            .write(toFile: (dir as NSString).appendingPathComponent("liberty.ys"), atomically: true, encoding: .utf8)
        let y = try Tools.run("yosys", ["-q", "liberty.ys"], in: dir)
        guard y.status == 0 else {
            let line = y.output.split(separator: "\n").first { $0.contains("ERROR") } ?? Substring(y.output.split(separator: "\n").last ?? "")
            throw SynthesisFlow.Failure(description: "\(top): yosys liberty mapping failed: \(line) (script \(dir)/liberty.ys)")
        }
        let json: Data
        do { json = try Data(contentsOf: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("liberty.json"))) } catch {
            throw SynthesisFlow.Failure(description: "\(top): yosys did not write liberty.json in \(dir)")
        }
        let netlist = try CellNetlist(json: json, module: top, library: liberty.library)
        var byType: [String: Int] = [:]
        for i in netlist.instances { byType[i.type, default: 0] += 1 }
        var areaByType: [String: Double] = [:]
        for (t, n) in byType { areaByType[t] = Double(n) * (liberty.library.cells[t]?.area ?? 0) }
        var proven = false
        switch try SynthesisFlow.cec(dir: dir, gold: "pre.blif", gate: "liberty.blif", timeout: flow.proofTimeout, miter: true) {
        case .equivalent: proven = true
        case .timeout: proven = false
        case .different(let detail):
            throw SynthesisFlow.Failure(description: "\(top): the liberty netlist is NOT equivalent to pre.blif (\(detail)); files in \(dir)")
        }
        return LibertyFlow.Mapped(netlist: netlist, directory: dir, area: areaByType.values.reduce(0, +), cells: netlist.instances.count,
                                  cellsByType: byType, areaByType: areaByType,
                                  flipFlops: netlist.instances.filter { liberty.library.cells[$0.type]?.isSequential == true }.count, proven: proven)
    }
}

/// The MX dot's own post-processing as a job input: `CostJob.add(backend:)` puts its version into
/// the key (the generic, standard-cell and iCE40 backends add their own).
public struct MXDotCostBackend: CostBackend {
    public init() {}
    public var name: String { "mxdot" }
    public var version: Int { 1 }
    public var tools: [String] { [] }
    public func inputs() throws -> [(String, String)] { [] }
}

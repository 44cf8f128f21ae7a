import Foundation
import Generation
import HDL
import Toolchain
import Units
import FloatArith

/// The iCE40 FPGA backend: yosys `synth_ice40` then `nextpnr-ice40` for the UP5K (`--up5k
/// --package sg48`, fixed seed). Any `Design` is placed inside the same wrapper: its inputs come
/// from a shift register loaded one bit per cycle from a pin, its outputs are captured in
/// registers whose parity drives the one output pin, so every path through the design is register
/// to register (the post-route fmax is the design's), every output bit stays observable (nothing
/// is optimised away) and designs of any port width fit the package's pins. The counts include
/// the wrapper: one flip-flop per input bit and per output bit and a parity tree of about one LUT
/// per three output bits. No DSP mapping (`synth_ice40` without `-dsp`: multipliers are in LUTs).
public struct ICE40Backend: DesignCostBackend {
    public var seed = 1
    /// The target frequency nextpnr is given (MHz); fmax is reported whether or not it is met.
    public var targetMHz = 12
    /// Seconds one yosys or nextpnr run may take.
    public var timeLimit: Double = 1800

    public init() {}

    public var name: String { "ice40" }
    public var tools: [String] { ["yosys", "nextpnr-ice40"] }
    public var version: Int { 1 }
    public var device: String { "up5k" }
    public var package: String { "sg48" }

    public func inputs() throws -> [(String, String)] {
        [("yosys", try ToolVersions.version("yosys", ["-V"])),
         ("nextpnr", try ToolVersions.version("nextpnr-ice40", ["--version"])),
         ("device", "\(device)/\(package)"), ("seed", String(seed)), ("target_mhz", String(targetMHz))]
    }

    public var metrics: [MetricDefinition] {
        [MetricDefinition("lc", "logic cells", unit: "ICESTORM_LC"),
         MetricDefinition("carry", "carry cells", unit: "SB_CARRY"),
         MetricDefinition("ff", "flip-flops", unit: "SB_DFF*"),
         MetricDefinition("ram", "RAM blocks", unit: "ICESTORM_RAM"),
         MetricDefinition("dsp", "DSP blocks", unit: "ICESTORM_DSP"),
         MetricDefinition("fmax", "post-route fmax", unit: "MHz", decimals: 1)]
    }

    /// The wrapper around `d` (module `ice40_wrap`).
    public static func wrapper(_ d: MeasuredDesign) -> String {
        let inBits = max(1, d.inputs.reduce(0) { $0 + $1.width })
        let outBits = d.outputs.reduce(0) { $0 + $1.width }
        var s = """
        // ice40_wrap: \(d.top) between registers for nextpnr-ice40 (rtlgen synth, ICE40Backend).
        // chain: the design's \(inBits) input bits, shifted in from sin one per cycle; y_q: its \(outBits)
        // output bits, registered; sout: their parity, registered.
        module ice40_wrap (
            input  wire clk,
            input  wire sin,
            output reg  sout
        );
            reg  [\(inBits - 1):0] chain;
            always @(posedge clk) chain <= {chain[\(max(inBits - 2, 0)):0], sin};

        """
        if inBits == 1 { s = s.replacingOccurrences(of: "{chain[0:0], sin}", with: "sin") }
        var lo = 0
        var connections: [String] = []
        if let clock = d.clock { connections.append(".\(clock)(clk)") }
        for p in d.inputs {
            connections.append(".\(p.name)(chain[\(lo + p.width - 1):\(lo)])")
            lo += p.width
        }
        lo = 0
        var outs: [String] = []
        for p in d.outputs {
            s += "    wire [\(p.width - 1):0] y_\(p.name);\n"
            connections.append(".\(p.name)(y_\(p.name))")
            outs.append("y_\(p.name)")
            lo += p.width
        }
        s += "    \(d.top) dut (\(connections.joined(separator: ", ")));\n"
        s += "    reg  [\(outBits - 1):0] y_q;\n"
        s += "    always @(posedge clk) y_q <= {\(outs.reversed().joined(separator: ", "))};\n"
        s += "    always @(posedge clk) sout <= ^y_q;\n"
        s += "endmodule\n"
        return s
    }

    public func measure(_ d: MeasuredDesign, work: String) throws -> [Metric] {
        let fm = FileManager.default
        try? fm.removeItem(atPath: work)
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        let absolute = { (p: String) in p.hasPrefix("/") ? p : (fm.currentDirectoryPath as NSString).appendingPathComponent(p) }
        let path = { (n: String) in (work as NSString).appendingPathComponent(n) }
        try Self.wrapper(d).write(toFile: path("ice40_wrap.v"), atomically: true, encoding: .utf8)
        let script = """
        read_verilog -noautowire \((d.sources + [path("ice40_wrap.v")]).map(absolute).joined(separator: " "))
        hierarchy -check -top ice40_wrap
        synth_ice40 -top ice40_wrap -json ice40.json
        tee -q -o ice40.stat.json stat -json

        """
        try script.write(toFile: path("ice40.ys"), atomically: true, encoding: .utf8)
        let y = try Tools.run("yosys", ["-q", "ice40.ys"], in: work, timeLimit: timeLimit)
        guard y.status == 0, y.timedOut == nil else {
            let line = y.output.split(separator: "\n").first { $0.contains("ERROR") } ?? Substring(y.output.split(separator: "\n").last ?? "")
            throw SynthesisFlow.Failure(description: "\(d.top): yosys synth_ice40 failed: \(line) (script \(work)/ice40.ys)")
        }
        let stat = try SynthesisFlow.stat(Data(contentsOf: URL(fileURLWithPath: path("ice40.stat.json"))), module: d.top)
        let p = try Tools.run("nextpnr-ice40", ["--\(device)", "--package", package, "--json", "ice40.json", "--freq", String(targetMHz),
                                                "--seed", String(seed), "--log", "nextpnr.log", "-q"], in: work, timeLimit: timeLimit)
        let log = (try? String(contentsOfFile: path("nextpnr.log"), encoding: .utf8)) ?? p.output
        guard p.status == 0, p.timedOut == nil else {
            let line = log.split(separator: "\n").first { $0.contains("ERROR") } ?? "exit \(p.status)"
            throw SynthesisFlow.Failure(description: "\(d.top): nextpnr-ice40 failed: \(line) (log \(work)/nextpnr.log)")
        }
        let parsed = try Self.parse(log: log, module: d.top)
        let ff = stat.cells.filter { $0.key.hasPrefix("SB_DFF") }.values.reduce(0, +)
        let tool = MetricProof.toolReported
        return [Metric(key: "lc", value: Double(parsed.lc), unit: "ICESTORM_LC", proof: tool),
                Metric(key: "carry", value: Double(stat.cells["SB_CARRY"] ?? 0), unit: "SB_CARRY", proof: tool),
                Metric(key: "ff", value: Double(ff), unit: "SB_DFF*", proof: tool),
                Metric(key: "ram", value: Double(parsed.ram), unit: "ICESTORM_RAM", proof: tool),
                Metric(key: "dsp", value: Double(parsed.dsp), unit: "ICESTORM_DSP", proof: tool),
                Metric(key: "fmax", value: (parsed.fmax * 100).rounded() / 100, unit: "MHz", proof: tool)]
    }

    /// The utilisation lines (`ICESTORM_LC:   54/ 5280     1%`) of the last report and the last
    /// `Max frequency for clock` line (after routing) of a nextpnr-ice40 log.
    public static func parse(log: String, module: String) throws -> (lc: Int, ram: Int, dsp: Int, fmax: Double) {
        func used(_ cell: String) -> Int? {
            var found: Int?
            for line in log.split(separator: "\n") {
                guard let r = line.range(of: "\(cell):") else { continue }
                let rest = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
                if let n = Int(rest.split(separator: "/").first?.trimmingCharacters(in: .whitespaces) ?? "") { found = n }
            }
            return found
        }
        var fmax: Double?
        for line in log.split(separator: "\n") where line.contains("Max frequency for clock") {
            if let r = line.range(of: #"[0-9.]+ MHz"#, options: .regularExpression) { fmax = Double(line[r].dropLast(4)) }
        }
        guard let lc = used("ICESTORM_LC"), let fmax else {
            throw SynthesisFlow.Failure(description: "\(module): the nextpnr-ice40 log has no ICESTORM_LC utilisation or no 'Max frequency for clock' line")
        }
        return (lc, used("ICESTORM_RAM") ?? 0, used("ICESTORM_DSP") ?? 0, fmax)
    }
}

extension MeasuredDesign {
    /// `design`'s modules written as Verilog files into `directory` (dependencies first), with its ports.
    public init(_ design: Design, directory: String) throws {
        let modules = try design.modules()
        var files: [(String, Data)] = []
        var seen = Set<String>()
        for m in modules where !seen.contains(m.name) {
            seen.insert(m.name)
            files.append(("\(m.name).v", Data(VerilogEmitter.emit(m).utf8)))
        }
        try OutputWriter.write(files, into: directory)
        let sig = design.signature
        self.init(top: design.moduleName, sources: files.map { (directory as NSString).appendingPathComponent($0.0) },
                  inputs: sig.driven.map { ($0.name, $0.width) }, outputs: sig.outputs.map { ($0.name, $0.width) },
                  clock: sig.ports.first { $0.role == .clock }?.name)
    }
}

/// One design's iCE40 figures in the report.
public struct ICE40Row: Codable, Sendable, Equatable {
    /// "unit", "pe", "array".
    public var kind: String
    public var module: String
    public var unit: UnitKind
    public var format: FloatFormat
    public var overflow: OverflowMode
    public var accumulation: String?
    public var metrics: [Metric]
}

/// The iCE40 rows of a synthesis run: each design a job in the cost cache.
public enum ICE40Synthesis {
    public static func run(_ designs: [(kind: String, design: Design, unit: ArithmeticUnit, accumulation: String?)], backend: ICE40Backend,
                           work: String, cache: CostCache?, jobs: Int, progress: @escaping @Sendable (String) -> Void) throws -> [ICE40Row] {
        let outcomes = WorkerPool.map(designs.count, jobs: jobs) { i -> Result<ICE40Row, SynthesisFlow.Failure> in
            let (kind, design, unit, acc) = designs[i]
            do {
                let t0 = monotonicSeconds()
                let dir = (work as NSString).appendingPathComponent("ice40/\(design.moduleName)")
                let measured = try MeasuredDesign(design, directory: (dir as NSString).appendingPathComponent("rtl"))
                var job = CostJob("ice40 \(design.moduleName)")
                for f in measured.sources { try job.addFile("rtl.\((f as NSString).lastPathComponent)", path: f) }
                try job.add(backend: backend)
                let measure = { try backend.measure(measured, work: (dir as NSString).appendingPathComponent("pnr")) }
                let metrics = try cache.map { try $0.result(job, measure) } ?? measure()
                progress(String(format: "ice40 %-28@ %5.0f LCs %4.0f carry %5.1f MHz  %.1f s", design.moduleName as NSString,
                                metrics["lc"] ?? 0, metrics["carry"] ?? 0, metrics["fmax"] ?? 0, monotonicSeconds() - t0))
                return .success(ICE40Row(kind: kind, module: design.moduleName, unit: unit.kind, format: unit.format, overflow: unit.overflow, accumulation: acc, metrics: metrics))
            } catch {
                return .failure(error as? SynthesisFlow.Failure ?? SynthesisFlow.Failure(description: "\(error)"))
            }
        }
        return try outcomes.map { try $0.get() }
    }
}

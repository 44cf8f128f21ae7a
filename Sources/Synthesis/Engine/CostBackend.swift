import Foundation
import Generation
import Toolchain

/// A cost backend: a way of turning a design into figures. It declares the tools it runs and the
/// inputs outside the design that decide its figures (scripts and libraries by content hash, tool
/// versions, fixed options); `CostJob.add(backend:)` puts them into a job's key, so a changed script,
/// library or tool version re-measures exactly the jobs of that backend. A backend that measures
/// designs generically (`DesignCostBackend`) returns keyed `Metric`s, and report columns are data
/// over those metrics; a new backend is one file and a line in `CostBackends.all`.
public protocol CostBackend: Sendable {
    /// Short, stable name: the prefix of its inputs in a job key and its id on the command line.
    var name: String { get }
    /// Programs on PATH it runs (a missing one is a one-line error before any work).
    var tools: [String] { get }
    /// name -> content hash or version of everything outside the design that decides its figures.
    func inputs() throws -> [(String, String)]
    /// The version of the Swift code that turns this backend's tool output into figures (parsing,
    /// pricing, checks), raised by hand whenever that code changes what it reports. `CostJob.add(backend:)`
    /// puts it into the job's key as `<name>.version`, beside the content of what the tools are given,
    /// so moving or refactoring Swift code re-measures nothing, and a guard test per backend
    /// (CostGuardTests) re-measures one small design against its committed result to catch a change
    /// of post-processing without a raise.
    var version: Int { get }
}

/// A backend that measures any `MeasuredDesign` (its Verilog and port signature) into metrics.
public protocol DesignCostBackend: CostBackend {
    /// The metrics it reports, in column order (a report section shows them all).
    var metrics: [MetricDefinition] { get }
    func measure(_ design: MeasuredDesign, work: String) throws -> [Metric]
}

/// A design ready to be costed: its top module, its Verilog files (dependencies first) and the
/// ports a wrapper must drive.
public struct MeasuredDesign: Sendable {
    public var top: String
    public var sources: [String]
    public var inputs: [(name: String, width: Int)]
    public var outputs: [(name: String, width: Int)]
    /// The clock input, if the design has registers.
    public var clock: String?

    public init(top: String, sources: [String], inputs: [(name: String, width: Int)], outputs: [(name: String, width: Int)], clock: String?) {
        self.top = top
        self.sources = sources
        self.inputs = inputs
        self.outputs = outputs
        self.clock = clock
    }
}

/// How a metric was obtained, shown beside it.
public enum MetricProof: String, Codable, Sendable {
    /// Counted from a netlist proven equal to the RTL.
    case proven
    /// Reported by a tool (placer, router, timer) on a netlist not proven equal to the RTL.
    case toolReported = "tool-reported"
}

public struct MetricDefinition: Sendable, Equatable {
    public var key: String
    public var title: String
    /// "cells", "MHz", ...
    public var unit: String
    public var decimals: Int
    public init(_ key: String, _ title: String, unit: String, decimals: Int = 0) {
        self.key = key
        self.title = title
        self.unit = unit
        self.decimals = decimals
    }
}

/// One measured figure: a key the backend declares, its value and unit, and how it was obtained.
public struct Metric: Codable, Sendable, Equatable {
    public var key: String
    public var value: Double
    public var unit: String
    public var proof: MetricProof
    public init(key: String, value: Double, unit: String, proof: MetricProof) {
        self.key = key
        self.value = value
        self.unit = unit
        self.proof = proof
    }
}

extension Array where Element == Metric {
    public subscript(key: String) -> Double? { first { $0.key == key }?.value }
}

/// yosys generic gates and CMOS transistors (`synth/flow.ys`), with the netlists' proofs.
public struct GenericGatesBackend: CostBackend {
    public var flowScript: String
    public init(flowScript: String) { self.flowScript = flowScript }
    public var name: String { "generic" }
    public var tools: [String] { ["yosys", "yosys-abc", "timeout"] }
    public func inputs() throws -> [(String, String)] {
        guard let flow = FileManager.default.contents(atPath: flowScript) else {
            throw SynthesisFlow.Failure(description: "synthesis flow \(flowScript) not found; run from the repository root")
        }
        return [("flow.ys", SHA256.hex(flow)), ("yosys", try ToolVersions.version("yosys", ["-V"]))]
    }
    public var version: Int { 1 }
}

/// Standard cells: the liberty mapping, OpenSTA timing and energy (`LibertyFlow`, `PowerAnalysis`).
public struct StandardCellBackend: CostBackend {
    public var liberty: String
    public init(liberty: String) { self.liberty = liberty }
    public var name: String { "stdcell" }
    public var tools: [String] { ["yosys", "sta"] }
    public func inputs() throws -> [(String, String)] {
        guard let lib = FileManager.default.contents(atPath: liberty) else {
            throw SynthesisFlow.Failure(description: "liberty file \(liberty) not found: run 'bash scripts/install-tools.sh' (or give LIBERTY=/path/to/osu018_stdcells.lib)")
        }
        return [("liberty", SHA256.hex(lib)), ("yosys", try ToolVersions.version("yosys", ["-V"])),
                ("sta", try ToolVersions.version("sta", ["-version"]))]
    }
    public var version: Int { 1 }
}

/// The registered backends, by name (the CLI's `--backends` and the report read this list).
public enum CostBackends {
    public enum Name: String, CaseIterable, Sendable {
        case generic, stdcell, ice40
    }
}

/// Tool versions, asked once per process.
public enum ToolVersions {
    static let known = Locked([String: String]())

    public static func version(_ tool: String, _ arguments: [String]) throws -> String {
        if let v = known.withLock({ $0[tool] }) { return v }
        let r: (status: Int32, output: String)
        do {
            let run = try Tools.run(tool, arguments)
            r = (run.status, run.output)
        } catch {
            throw SynthesisFlow.Failure(description: "\(tool) is not on PATH: run 'bash scripts/install-tools.sh'")
        }
        guard r.status == 0, let line = r.output.split(separator: "\n").first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw SynthesisFlow.Failure(description: "\(tool) \(arguments.joined(separator: " ")) failed (exit \(r.status)); is \(tool) installed correctly?")
        }
        let v = line.trimmingCharacters(in: .whitespaces)
        known.withLock { $0[tool] = v }
        return v
    }
}

/// Where the costing engine's files are. Every lookup of `synth/flow.ys`, the committed result
/// directory and the measuring code goes through `repositoryRoot()`, so a resource locator can
/// redirect all of them in one place.
public enum CostResources {
    /// The checkout rtlgen runs in: the current directory when it holds `synth/flow.ys`, else the
    /// nearest ancestor of the executable that does (`.build/release/rtlgen` in a checkout).
    public static func repositoryRoot() -> String? {
        let fm = FileManager.default
        let holds = { (dir: String) in fm.fileExists(atPath: (dir as NSString).appendingPathComponent("synth/flow.ys")) }
        if holds(fm.currentDirectoryPath) { return fm.currentDirectoryPath }
        var dir = (CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path } ?? "") as NSString
        while dir.length > 1 {
            dir = dir.deletingLastPathComponent as NSString
            if holds(dir as String) { return dir as String }
        }
        return nil
    }

    /// The default flow script.
    public static var flowScript: String { "synth/flow.ys" }
    /// The default result directory (committed): `synth/results`.
    public static var resultsDirectory: String { "synth/results" }
}

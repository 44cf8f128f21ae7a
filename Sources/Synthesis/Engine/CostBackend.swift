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
    /// Repository-relative directories whose `.swift` files (directly in each, not recursively)
    /// are the code that decides its figures; `CostJob.add(backend:)` puts their SHA-256 into the
    /// job's key as `<name>.code`, so an edit there re-measures exactly this backend's jobs.
    /// Rendering code lives in `Sources/Synthesis/Reports`, which no backend lists.
    var codeDirectories: [String] { get }
}

extension CostBackend {
    /// The engine (job keys, result files) and the generic flow every yosys-based backend runs first.
    public static var engineCode: [String] { ["Sources/Synthesis/Engine"] }
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
    public var codeDirectories: [String] { Self.engineCode + ["Sources/Synthesis/Generic"] }
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
    /// The liberty mapping starts from the generic flow's netlist.
    public var codeDirectories: [String] { Self.engineCode + ["Sources/Synthesis/Generic", "Sources/Synthesis/StandardCells"] }
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

    /// The directory every backend lists: checked by `--cache` before any work.
    public static let engineSources = ["Sources/Synthesis/Engine"]

    static let fingerprintCache = Locked([[String]: String]())

    /// SHA-256 over the `.swift` files directly in `directories` (names and contents, sorted): a
    /// backend's code fingerprint, part of its jobs' keys, so a change to the code that measures
    /// re-measures. Read from the checkout (see `repositoryRoot`).
    public static func codeFingerprint(_ directories: [String], root explicitRoot: String? = nil) throws -> String {
        let dirs = Array(Set(directories)).sorted()
        let cacheKey = [explicitRoot ?? ""] + dirs
        if let f = fingerprintCache.withLock({ $0[cacheKey] }) { return f }
        guard let root = explicitRoot ?? repositoryRoot() else {
            throw SynthesisFlow.Failure(description: "cannot find the checkout (synth/flow.ys) to fingerprint the measuring code; run from the repository root or pass --cache none")
        }
        var text = Data()
        let fm = FileManager.default
        for dir in dirs {
            let path = (root as NSString).appendingPathComponent(dir)
            guard let names = try? fm.contentsOfDirectory(atPath: path), names.contains(where: { $0.hasSuffix(".swift") }) else {
                throw SynthesisFlow.Failure(description: "cannot read the measuring code \(dir) in \(root) to fingerprint it; run from the repository root or pass --cache none")
            }
            for name in names.filter({ $0.hasSuffix(".swift") }).sorted() {
                guard let d = fm.contents(atPath: (path as NSString).appendingPathComponent(name)) else { continue }
                text.append(Data("\(dir)/\(name)\n".utf8))
                text.append(Data(SHA256.hex(d).utf8))
                text.append(0x0a)
            }
        }
        let f = SHA256.hex(text)
        fingerprintCache.withLock { $0[cacheKey] = f }
        return f
    }
}

import Foundation

public struct BuildFailure: Error, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
}

/// FNV-1a, 64 bit: a stable content hash for build caches (not for security).
public struct ContentHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public init() {}
    public mutating func add(_ data: Data) {
        for byte in data {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
    }
    public mutating func add(_ string: String) { add(Data(string.utf8)); add(Data([0])) }
    public mutating func add(file path: String) throws { add(try Data(contentsOf: URL(fileURLWithPath: path))) }
    public var hex: String { String(value, radix: 16) }
}

/// Writes `data` to `path` unless the file already holds exactly it (keeps its timestamp for
/// tools that rebuild on change).
public func writeIfChanged(_ data: Data, to path: String) throws {
    if (try? Data(contentsOf: URL(fileURLWithPath: path))) != data { try data.write(to: URL(fileURLWithPath: path)) }
}

func absolutePath(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.path }

/// The one way a Verilator model is built: `verilator --cc --exe --build -O3` of a top module with
/// its testbench sources, into `directory/obj/<output>`, skipped when a stamp says the files read,
/// the arguments and Verilator are unchanged since the last build. Unit and array testbenches
/// (an executable linked against the shared runtime) and the exhaustive stream (a shared library
/// loaded in-process) are all built this way.
public struct VerilatorModel: Sendable {
    public var top: String
    /// Files on the command line (Verilog, then C++), absolute.
    public var sources: [String]
    /// Other files the build reads (modules found through `-y`), for the stamp.
    public var dependencies: [String] = []
    /// Options before `-Mdir` (`--trace`, `-G`, `-D`, `-CFLAGS`, ...).
    public var options: [String] = []
    public var prefix = "Vdut"
    public var output = "tb"
    /// The prebuilt runtime objects to link instead of compiling them again (`Verilator.runtime`).
    public var runtime: [String]?
    /// Absolute; the build goes to `directory/obj` and its stamp to `directory/stamp`.
    public var directory: String

    public init(top: String, sources: [String], directory: String) {
        self.top = top
        self.sources = sources.map(absolutePath)
        self.directory = absolutePath(directory)
    }

    public var arguments: [String] {
        var args = ["--cc", "--exe", "--build", "-O3", "-Wno-fatal"] + options + ["--prefix", prefix, "--top-module", top, "-Mdir", "\(directory)/obj"]
        if let runtime { args += ["-MAKEFLAGS", "VK_GLOBAL_OBJS=", "-LDFLAGS", runtime.joined(separator: " ")] }
        return args + ["-o", output] + sources
    }

    /// The built file, or why it could not be built. `announce` is called only when a build runs.
    public func build(announce: () -> Void = {}) -> Result<String, BuildFailure> {
        let product = "\(directory)/obj/\(output)"
        let args = arguments
        var h = ContentHash()
        do {
            for f in sources + dependencies { try h.add(file: f) }
        } catch {
            return .failure(BuildFailure(message: "cannot read the design files: \(error.localizedDescription)"))
        }
        h.add(Verilator.version)
        args.forEach { h.add($0) }
        let stamp = "\(directory)/stamp"
        if (try? String(contentsOfFile: stamp, encoding: .utf8)) == h.hex, FileManager.default.fileExists(atPath: product) {
            return .success(product)
        }
        announce()
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard let r = try? Tools.run("verilator", args, limit: ToolBudget.build(sources: sources + dependencies)) else {
            return .failure(BuildFailure(message: "verilator did not start"))
        }
        if let stopped = r.timeLimitMessage(on: "the model of \(top)") { return .failure(BuildFailure(message: stopped)) }
        guard r.status == 0, FileManager.default.fileExists(atPath: product) else {
            let errors = r.output.split(separator: "\n").filter { $0.contains("%Error") || $0.contains("error:") }
            return .failure(BuildFailure(message: "verilator build failed: " + (errors.first.map(String.init) ?? r.output.split(separator: "\n").suffix(2).joined(separator: " | "))))
        }
        try? h.hex.write(toFile: stamp, atomically: true, encoding: .utf8)
        return .success(product)
    }
}

public enum Verilator {
    /// `verilator --version`, read once per run (it is part of every stamp).
    public static let version: String =
        (try? Tools.run("verilator", ["--version"], limit: ToolBudget.query()).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "unknown"

    /// The Verilator runtime (verilated.o and friends), compiled once per Verilator version and
    /// linked into every testbench executable, so a model build compiles only its own design.
    /// `testbench` is the cycle testbench (tb_cycle.cpp: the runtime is built with a seed design
    /// of its wrapper's ports).
    private static let runtimeLock = NSLock()

    public static func runtime(buildDirectory: String, testbench: String, log: (String) -> Void) throws -> [String] {
        let dir = absolutePath("\(buildDirectory)/verilator/runtime")
        // One builder at a time: threads of this process (a lock) and other processes (flock on a
        // file beside the directory, which a rebuild deletes), so no run deletes or reads a
        // half-built runtime another is compiling.
        runtimeLock.lock()
        defer { runtimeLock.unlock() }
        try FileManager.default.createDirectory(atPath: (dir as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let lock = try FileLock(dir + ".lock", advice: "check that \(buildDirectory) is writable")
        defer { lock.release() }
        let objects = ["verilated.o", "verilated_vcd_c.o", "verilated_threads.o"].map { "\(dir)/\($0)" }
        let stamp = "\(dir)/stamp"
        if (try? String(contentsOfFile: stamp, encoding: .utf8)) == version, objects.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
            return objects
        }
        log("sim: compiling the Verilator runtime once (\(version))")
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let seed = "\(dir)/seed.v"
        try "module seed (input wire clk, input wire [7:0] stim, output wire [7:0] out);\n    assign out = stim ^ {8{clk}};\nendmodule\n"
            .write(toFile: seed, atomically: true, encoding: .utf8)
        let r = try Tools.run("verilator", ["--cc", "--exe", "--build", "-O3", "--trace", "-j", "2", "--prefix", "Vdut", "--top-module", "seed",
                                            "-Mdir", "\(dir)/obj", "-o", "seed_tb", seed, absolutePath(testbench)],
                              limit: ToolBudget.build(sources: [seed, absolutePath(testbench)]))
        if let stopped = r.timeLimitMessage(on: "the Verilator runtime") { throw HarnessError(stopped) }
        guard r.status == 0 else { throw HarnessError("compiling the Verilator runtime failed: \(r.firstErrorLine)") }
        for o in objects {
            try FileManager.default.copyItem(atPath: "\(dir)/obj/\((o as NSString).lastPathComponent)", toPath: o)
        }
        try version.write(toFile: stamp, atomically: true, encoding: .utf8)
        return objects
    }
}

/// The one way an Icarus model is built: `iverilog -g2005` of a testbench module around `DUT`,
/// with testbench parameters, into `directory/tb.vvp` (fast enough to build every time).
public struct IcarusModel: Sendable {
    public var top: String
    /// The testbench file; its module is `testbenchModule`.
    public var testbench: String
    public var testbenchModule: String
    public var parameters: [(String, String)] = []
    /// Library directories (`-y`) for the modules the top instantiates.
    public var libraries: [String] = []
    public var sources: [String]
    public var directory: String

    public init(top: String, testbench: String, sources: [String], directory: String) {
        self.top = top
        self.testbench = testbench
        testbenchModule = ((testbench as NSString).lastPathComponent as NSString).deletingPathExtension
        self.sources = sources
        self.directory = directory
    }

    public func build() -> Result<String, BuildFailure> {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let out = "\(directory)/tb.vvp"
        let args = ["-g2005", "-DDUT=\(top)"] + parameters.map { "-P\(testbenchModule).\($0.0)=\($0.1)" }
            + libraries.flatMap { ["-y", $0] } + ["-o", out, testbench] + sources
        guard let r = try? Tools.run("iverilog", args, limit: ToolBudget.build(sources: [testbench] + sources)) else {
            return .failure(BuildFailure(message: "iverilog did not start"))
        }
        if let stopped = r.timeLimitMessage(on: "the model of \(top)") { return .failure(BuildFailure(message: stopped)) }
        guard r.status == 0 else {
            return .failure(BuildFailure(message: "iverilog failed: " + r.firstErrorLine))
        }
        return .success(out)
    }
}

/// Builds one simulator model per (task, simulator) on the worker pool, `jobs` at a time, behind a
/// progress line `<command>: building models`, and logs `<command>: built N models in T s`.
/// Results are keyed `"<simulator>/<module>"`.
public enum ModelBuilds {
    public static func build<Task: Sendable>(_ tasks: [(Task, SimulatorKind)], module: @escaping @Sendable (Task) -> String, jobs: Int,
                                             command: String, quiet: Bool = false, log: (String) -> Void,
                                             _ make: @escaping @Sendable (Task, SimulatorKind) -> Result<String, BuildFailure>)
        -> [String: Result<String, BuildFailure>] {
        let started = monotonicSeconds()
        let progress = ProgressReporter("\(command): building models", quiet: quiet)
        let results = WorkerPool.map(tasks.count, jobs: jobs, progress: { progress.update(done: $0, total: $1, detail: "\($0)/\($1)") }) { i in
            let (task, sim) = tasks[i]
            return ("\(sim.rawValue)/\(module(task))", make(task, sim))
        }
        progress.finish()
        log(String(format: "%@: built %d models in %.1f s", command, tasks.count, monotonicSeconds() - started))
        return Dictionary(results, uniquingKeysWith: { a, _ in a })
    }
}

import Foundation

/// Runs external tools (verilator, iverilog, vvp, yosys) and says how to install a missing one.
public enum Tools {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// The time limit the run was stopped at, if it was.
        public var timedOut: Double? = nil
        /// The program run (its name as given) and the limit it ran under.
        public var tool = ""
        public var limit: ToolLimit? = nil
        public var output: String { stdout + stderr }

        /// The line a person needs from a failed run: the first that says "error" (yosys'
        /// `ERROR:`, Verilator's `%Error`, g++'s `error:`), else the last non-empty line; not the
        /// banner a tool prints first.
        public var firstErrorLine: String {
            let lines = output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let line = lines.first { $0.lowercased().contains("error") } ?? lines.last ?? "no output"
            return line.count > 300 ? String(line.prefix(300)) + "..." : line
        }
    }

    /// The Debian package that provides each tool.
    public static let packages: [String: String] = [
        "verilator": "verilator", "iverilog": "iverilog", "vvp": "iverilog", "yosys": "yosys", "yosys-abc": "yosys",
        "make": "make", "g++": "g++", "sta": "opensta", "nextpnr-ice40": "nextpnr-ice40", "icepack": "fpga-icestorm",
    ]

    /// The absolute path of `tool` on PATH, or a one-line error saying what to install.
    public static func find(_ tool: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let pkg = packages[tool] ?? tool
        throw HarnessError("\(tool) not found on PATH; run 'bash scripts/install-tools.sh' (or: sudo apt-get install -y \(pkg))")
    }

    public static func available(_ tool: String) -> Bool { (try? find(tool)) != nil }

    /// Finds every tool the simulators need (one-line error naming the first missing one).
    public static func require(_ simulators: [SimulatorKind]) throws {
        for sim in simulators { for tool in sim.tools { _ = try find(tool) } }
    }

    /// Runs `tool` with `arguments`, capturing both streams. The tool runs in a process group of
    /// its own (so its children, such as verilator's make and g++, are found with it), registered
    /// while it runs so `ChildProcesses.stopAll` can stop it when rtlgen is stopped; past
    /// `limit` (every run names one: `ToolBudget` computes them) the group is terminated, then
    /// killed, and the result says so (`timeLimitMessage`). Throws only when the tool is missing
    /// or cannot start.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String]? = nil, stdin: Data? = nil, limit: ToolLimit) throws -> Result {
        let exe = tool.hasPrefix("/") ? tool : try find(tool)
        var env = ProcessInfo.processInfo.environment
        if let extra = environment { env.merge(extra) { _, new in new } }
        let child = try SpawnedProcess(exe, arguments, directory: directory, environment: env, stdin: stdin != nil)
        if let data = stdin { child.write(data) }
        let timedOut = !child.wait(seconds: limit.seconds)
        if timedOut { child.stop() }
        let (status, out, err) = child.finish()
        return Result(status: status, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                      timedOut: timedOut ? limit.seconds : nil, tool: (tool as NSString).lastPathComponent, limit: limit)
    }

    final class DataBox: @unchecked Sendable { var data = Data() }
}

/// The two simulators every check runs on.
public enum SimulatorKind: String, CaseIterable, Sendable {
    case verilator, icarus

    /// The programs a build and run on this simulator need.
    public var tools: [String] {
        self == .verilator ? ["verilator", "make", "g++"] : ["iverilog", "vvp"]
    }
}

public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

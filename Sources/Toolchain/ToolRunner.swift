import Foundation

/// Runs external tools (verilator, iverilog, vvp, yosys) and says how to install a missing one.
public enum Tools {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var output: String { stdout + stderr }
    }

    /// The Debian package that provides each tool.
    public static let packages: [String: String] = [
        "verilator": "verilator", "iverilog": "iverilog", "vvp": "iverilog", "yosys": "yosys", "yosys-abc": "yosys",
        "make": "make", "g++": "g++",
    ]

    /// The absolute path of `tool` on PATH, or a one-line error saying what to install.
    public static func find(_ tool: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let pkg = packages[tool] ?? tool
        throw HarnessError("\(tool) not found on PATH; install it with: sudo apt-get install -y \(pkg)")
    }

    public static func available(_ tool: String) -> Bool { (try? find(tool)) != nil }

    /// Finds every tool the simulators need (one-line error naming the first missing one).
    public static func require(_ simulators: [SimulatorKind]) throws {
        for sim in simulators { for tool in sim.tools { _ = try find(tool) } }
    }

    /// Runs `tool` with `arguments`, capturing both streams. Throws only when the tool is missing.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String]? = nil, stdin: Data? = nil) throws -> Result {
        let exe = tool.hasPrefix("/") ? tool : try find(tool)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        if let d = directory { p.currentDirectoryURL = URL(fileURLWithPath: d) }
        if let env = environment {
            p.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
        }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try p.run()
        if let data = stdin {
            input.fileHandleForWriting.write(data)
            try? input.fileHandleForWriting.close()
        }
        // Drain both pipes concurrently so neither fills and blocks the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        Thread.detachNewThread {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errBox.data, as: UTF8.self))
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

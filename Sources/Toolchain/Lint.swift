import Foundation

/// The three readers every generated file must satisfy silently: `verilator --lint-only -Wall`,
/// `iverilog -Wall` and yosys `read_verilog`.
public enum Lint {
    public struct Finding: Sendable {
        public let tool: String
        public let file: String
        public let output: String
    }

    /// Lints `file` (its submodules are looked up in `directory`); returns every tool that printed
    /// anything or failed.
    public static func check(_ file: String, top: String, directory: String) throws -> [Finding] {
        var findings: [Finding] = []
        let sources = submoduleFiles(file, directory: directory) + [file]
        let limit = ToolBudget.lint(sources: sources)
        let report = { (tool: String, r: Tools.Result) in
            if r.status != 0 || !r.output.isEmpty {
                findings.append(Finding(tool: tool, file: file, output: r.timeLimitMessage(on: file) ?? r.output))
            }
        }
        report("verilator", try Tools.run("verilator", ["--lint-only", "-Wall", "-y", directory, "--top-module", top, file], limit: limit))
        report("iverilog", try Tools.run("iverilog", ["-Wall", "-y", directory, "-s", top, "-o", "/dev/null", file], limit: limit))
        let script = sources.map { "read_verilog \($0)" }.joined(separator: "; ") + "; hierarchy -check -top \(top)"
        report("yosys", try Tools.run("yosys", ["-q", "-p", script], limit: limit))
        return findings
    }

    /// Files of the modules `file` instantiates, found by name in `directory`, dependencies first.
    static func submoduleFiles(_ file: String, directory: String) -> [String] {
        var out: [String] = []
        var seen: Set<String> = [file]
        func visit(_ f: String) {
            guard let text = try? String(contentsOfFile: f, encoding: .utf8) else { return }
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ", omittingEmptySubsequences: true)
                guard words.count >= 3, words[2] == "(" else { continue }
                let candidate = (directory as NSString).appendingPathComponent("\(words[0]).v")
                if !seen.contains(candidate) && FileManager.default.fileExists(atPath: candidate) {
                    seen.insert(candidate)
                    visit(candidate)
                    out.append(candidate)
                }
            }
        }
        visit(file)
        return out
    }
}

import Foundation
import Generation
import Toolchain

/// The clocked standard-cell backend (`ClockedCost`): the liberty mapping of `--clock-ns`, a
/// sequential equivalence proof, OpenSTA with a clock and a cycle simulation. Its jobs' keys hold
/// the liberty file, the tool versions and the code of every directory that decides its figures.
public struct ClockedBackend: CostBackend {
    public var liberty: String
    public init(liberty: String) { self.liberty = liberty }
    public var name: String { "clocked" }
    public var tools: [String] { ["yosys", "yosys-abc", "sta", "timeout"] }
    public var version: Int { 1 }
    public func inputs() throws -> [(String, String)] {
        guard let lib = FileManager.default.contents(atPath: liberty) else {
            throw SynthesisFlow.Failure(description: "liberty file \(liberty) not found: run 'bash scripts/install-tools.sh' (or give LIBERTY=/path/to/osu018_stdcells.lib)")
        }
        return [("liberty", SHA256.hex(lib)), ("yosys", try ToolVersions.version("yosys", ["-V"])),
                ("sta", try ToolVersions.version("sta", ["-version"]))]
    }
}

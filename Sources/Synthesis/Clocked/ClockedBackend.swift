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
    /// The engine, the standard-cell code it calls (LibertyFlow, StaticTiming, CellNetlist) and its own.
    public var codeDirectories: [String] { ["Sources/Synthesis/Engine", "Sources/Synthesis/StandardCells", "Sources/Synthesis/Clocked"] }
    public func inputs() throws -> [(String, String)] {
        guard let lib = FileManager.default.contents(atPath: liberty) else {
            throw SynthesisFlow.Failure(description: "liberty file \(liberty) not found: run 'bash scripts/install-tools.sh' (or give LIBERTY=/path/to/osu018_stdcells.lib)")
        }
        return [("liberty", SHA256.hex(lib)), ("yosys", try ToolVersions.version("yosys", ["-V"])),
                ("sta", try ToolVersions.version("sta", ["-version"]))]
    }

    /// SHA-256 over the .swift files directly in `codeDirectories` (names and contents, sorted).
    public func codeFingerprint() throws -> String {
        guard let root = CostResources.repositoryRoot() else {
            throw SynthesisFlow.Failure(description: "cannot find the checkout (synth/flow.ys) to fingerprint the measuring code; run from the repository root or pass --cache none")
        }
        var text = Data()
        let fm = FileManager.default
        for dir in codeDirectories {
            let path = (root as NSString).appendingPathComponent(dir)
            guard let names = try? fm.contentsOfDirectory(atPath: path) else {
                if dir != "Sources/Synthesis/Clocked" { continue }    // before the engine's layout (Engine/, StandardCells/) landed
                throw SynthesisFlow.Failure(description: "cannot read \(dir) in \(root) to fingerprint the measuring code; run from the repository root or pass --cache none")
            }
            for name in names.filter({ $0.hasSuffix(".swift") }).sorted() {
                guard let d = fm.contents(atPath: (path as NSString).appendingPathComponent(name)) else { continue }
                text.append(Data("\(dir)/\(name)\n\(SHA256.hex(d))\n".utf8))
            }
        }
        return SHA256.hex(text)
    }
}

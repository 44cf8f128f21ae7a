import ArgumentParser
import Foundation
import Synthesis

/// `--technology NAME|FILE` and `--pdk-root DIR`: the standard-cell library a costing command maps
/// to. osu018 (Debian's, the default) needs no root; another technology is a committed
/// `technologies/<name>.json` (or a file of that form) whose files are found under the PDK root
/// (`--pdk-root`, else `PDK_ROOT`) and checked against their SHA-256 before any work.
struct TechnologyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Standard-cell technology: osu018 (default, Debian's), \(Technology.known.dropFirst().joined(separator: ", ")), or the path of a technology file (technologies/*.json form).",
                               valueName: "name"))
    var technology: String?

    @Option(name: .customLong("pdk-root"), help: ArgumentHelp("Root of the PDK checkout holding the technology's files (default: $PDK_ROOT), e.g. ../shared/pdk.", valueName: "dir"))
    var pdkRoot: String?

    /// The technology and the liberty file the flow hands the tools (merged, unzipped and marked
    /// where the technology needs it), or nil for the default (osu018 through --liberty).
    func resolve() throws -> (technology: Technology, liberty: String)? {
        let root: String?
        do { root = try Technology.pdkRoot(pdkRoot) } catch let f as Technology.Failure { throw UsageError(f.description) }
        guard let name = technology else { return nil }
        do {
            let t = try Technology.load(name)
            return (t, try LibertyPreparation.prepare(t, root: root))
        } catch let f as Technology.Failure {
            throw UsageError(f.description)
        }
    }
}

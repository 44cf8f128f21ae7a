import ArgumentParser
import Generation
import Synthesis

/// `--cache`: where cost results are kept by job key (`rtlgen synth`, `rtlgen sweep run`).
struct CostCacheOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Directory of cost results kept by job key (one file per measured design; make synth's are committed), or 'none' to measure everything afresh and keep nothing.",
                               valueName: "dir"))
    var cache: String = CostResources.resultsDirectory

    func check() throws {
        guard cache != "none" else { return }
        try OutputWriter.checkDirectory(cache, flag: "--cache")
    }

    func store() throws -> CostCache? { cache == "none" ? nil : CostCache(directory: cache) }
}

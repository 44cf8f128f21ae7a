import ArgumentParser
import FloatArith
import Foundation
import HDL
import Synthesis
import Toolchain
import Units

/// `rtlgen synth --clocks`: the iso-throughput table (issue 23 item 4). For each clock, format and
/// unit the least multiplier stages S meeting it (measured: `IsoThroughput`), and the same for the
/// PEs of --pe-format.
struct ClockedOptions: ParsableArguments {
    @Option(name: .customLong("clocks"), parsing: .unconditional, help: ArgumentHelp(
        "Clock targets in MHz for the iso-throughput table (each \(ClockedOptions.range.lowerBound)...\(ClockedOptions.range.upperBound), e.g. 100,200,400,600), or 'none'.",
        valueName: "list"), transform: { try ClockedOptions.parseClocks($0) })
    var clocks: [Double] = []

    @Option(name: .customLong("clock-formats"), help: ArgumentHelp("Formats of the iso-throughput units (a --format name each).", valueName: "list"),
            transform: { try formatList($0, flag: "--clock-formats", example: "e4m3,e5m2,bf16") })
    var clockFormats: [FloatFormat] = [.e4m3, .e5m2, .bf16]

    @Option(name: .customLong("clock-units"), help: ArgumentHelp("Multipliers of the iso-throughput table, or 'none'.", valueName: "list"),
            transform: { $0 == "none" ? UnitList(kinds: []) : try UnitList.multipliers($0) })
    var clockUnits: UnitList = try! UnitList.multipliers("lmul,fpmul,fpmul_ftz")

    @Option(name: .customLong("clock-pe-acc"), help: ArgumentHelp("Accumulators of the iso-throughput PEs (of --pe-format, with --clock-units), or 'none'.", valueName: "list"),
            transform: { s in s == "none" ? [] : try listItems(s, what: "--clock-pe-acc", example: "fixed,fp32").map { item in
                guard let a = Accumulation(rawValue: item) else { throw UsageError("--clock-pe-acc: \(shortQuote(item, limit: 200)) is not an accumulator; give fixed, fp32, bf16 or fp16") }
                return a
            } })
    var clockPEAcc: [Accumulation] = [.fixed, .fp32]

    @Option(name: .customLong("clock-max-stages"), parsing: .unconditional, help: ArgumentHelp("The largest S the iso-throughput search tries, 1...16.", valueName: "S"),
            transform: wholeNumber)
    var clockMaxStages: Int = 8

    static let range = 1.0...5000.0

    /// The generator's estimated longest stage of `u` with `s` stages (s = 0: the whole path), gate levels.
    static func estimate(_ u: ArithmeticUnit, _ s: Int) throws -> Double {
        s == 0 ? (try u.withStages(1).elaboratePlanned().plan?.combinationalDelay ?? 1) : (try u.withStages(s).elaboratePlanned().plan?.stageDelays.max() ?? 1)
    }

    /// `flag`'s clocks in MHz (`--clocks` here, `--clock` of sweep plan): each message names the option given.
    static func parseClocks(_ s: String, flag: String = "--clocks") throws -> [Double] {
        if s == "none" && flag == "--clocks" { return [] }
        let example = flag == "--clocks" ? "100,200,400,600" : "400"
        return try listItems(s, what: flag, example: example).map { item in
            let digits = item.filter { $0 != "." }
            guard !digits.isEmpty, item.filter({ $0 == "." }).count <= 1, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Double(item) else {
                throw UsageError("\(flag): \(shortQuote(item, limit: 20)) is not a frequency in MHz; give \(flag == "--clocks" ? "positive decimal numbers" : "a positive decimal number"), e.g. \(example)")
            }
            guard range.contains(v) else { throw UsageError("\(flag): \(item) MHz is out of range; give \(range.lowerBound)...\(range.upperBound) MHz") }
            return v
        }
    }

    func check(peFormat: FloatFormat) throws {
        try ClockedOptions.checkMaxStages(clockMaxStages)
        for acc in clockPEAcc { try acc.check(element: peFormat) }
    }

    static func checkMaxStages(_ s: Int) throws { try RTLGenCommands.check("--clock-max-stages", s, in: 1...16) }

    /// The search of every unit and PE; nil when --clocks is none.
    func run(peFormat: FloatFormat, liberty: String, work: String, cache: CostCache?, seed: UInt64,
             say: @escaping @Sendable (String) -> Void) throws -> ClockedSection? {
        guard !clocks.isEmpty, !clockUnits.kinds.isEmpty else { return nil }
        let start = monotonicSeconds()
        var cost = ClockedCost(liberty: try LibertyFlow(libertyPath: liberty))
        cost.seed = seed
        let fm = FileManager.default
        let absoluteWork = (work.hasPrefix("/") ? work : (fm.currentDirectoryPath as NSString).appendingPathComponent(work)) + "/clocked"
        var iso = IsoThroughput(cost: cost, backend: ClockedBackend(liberty: liberty), cache: cache, work: absoluteWork)
        iso.maxStages = clockMaxStages
        // one family per thread, two at most (each family's S steps depend on one another)
        var families: [(kind: String, unit: ArithmeticUnit, acc: FloatFormat?, isPE: Bool)] = []
        for f in clockFormats { for k in clockUnits.kinds { families.append(("unit", ArithmeticUnit(k, f), nil, false)) } }
        for acc in clockPEAcc { for k in clockUnits.kinds { families.append(("pe", ArithmeticUnit(k, peFormat), acc.format, true)) } }
        let clocks = self.clocks, isoSearch = iso, familyList = families
        let outcomes = WorkerPool.map(families.count, jobs: 2) { i -> Result<[IsoThroughput.Entry], SynthesisFlow.Failure> in
            let fam = familyList[i]
            do {
                if !fam.isPE {
                    return .success(try isoSearch.search(clocks: clocks, kind: "unit", unit: fam.unit, accumulation: nil, module: fam.unit.moduleName,
                                                         design: { s in
                                                             let u = fam.unit.withStages(s)
                                                             return ClockedDesign(kind: .unit(u), module: u.moduleName, files: [(u.fileName, try u.verilog())])
                                                         }, estimate: { try Self.estimate(fam.unit, $0) }, progress: say))
                }
                let pe0 = ProcessingElement(fam.unit, floatAccumulator: fam.acc)
                return .success(try isoSearch.search(clocks: clocks, kind: "pe", unit: fam.unit, accumulation: fam.acc.map(ProcessingElement.accumulationName) ?? "fixed",
                                                     module: pe0.moduleName, design: { s in
                                                         let pe = ProcessingElement(fam.unit.withStages(s), floatAccumulator: fam.acc)
                                                         return ClockedDesign(kind: .pe(pe), module: pe.moduleName,
                                                                              files: try pe.modules().map { ("\($0.name).v", VerilogEmitter.emit($0)) })
                                                     }, estimate: { try Self.estimate(fam.unit, $0) }, progress: say))
            } catch {
                return .failure(error as? SynthesisFlow.Failure ?? SynthesisFlow.Failure(description: "\(error)"))
            }
        }
        var units: [IsoThroughput.Entry] = [], pes: [IsoThroughput.Entry] = []
        for (i, o) in outcomes.enumerated() {
            if families[i].isPE { pes += try o.get() } else { units += try o.get() }
        }
        var section = ClockedSection(conditions: cost.conditions, clocksMHz: clocks, maxStages: clockMaxStages, units: units, pes: pes)
        section.seconds = monotonicSeconds() - start
        return section
    }
}

import FloatArith
import Foundation
import Units

/// The iso-throughput answer (issue 23 item 4): for each clock, each design's least number of
/// multiplier stages S whose measured minimum period meets it, with its area and energy per
/// operation at that clock. S is searched upward from an estimate (the S = 0 measurement scaled by
/// the generator's estimated stage delays), then downward while a smaller S still meets the
/// clock, so the S given is the least one measured to meet it; every step is one cached
/// `ClockedCost` job, shared by every clock that asks for it.
public struct IsoThroughput: Sendable {
    /// One design at one clock.
    public struct Entry: Codable, Sendable, Equatable {
        public var clockMHz: Double
        /// "unit" or "pe".
        public var kind: String
        public var unit: UnitKind
        public var format: FloatFormat
        /// PEs: "fixed" or the float accumulation format.
        public var accumulation: String?
        /// The combinational module (`fpmul_e4m3`, `pe_fpmul_e4m3`).
        public var module: String
        /// The least S meeting the clock, or nil when none up to `searchedUpTo` does.
        public var stages: Int?
        public var searchedUpTo: Int
        /// Why the search stopped without meeting the clock (nil when it met it).
        public var limit: String?
        /// The chosen design's figures (nil when none met the clock).
        public var figures: ClockedFigures?
        /// At the clock: pJ per operation (units) or per MAC (PEs).
        public var energy: Double?
        /// The best minimum period any tried S reached, ns.
        public var bestPeriod: Double

        enum CodingKeys: String, CodingKey {
            case kind, unit, format, accumulation, module, stages, limit, figures, energy
            case clockMHz = "clock_mhz", searchedUpTo = "searched_up_to", bestPeriod = "best_period_ns"
        }
    }

    public var cost: ClockedCost
    public var backend: ClockedBackend
    public var cache: CostCache?
    public var work: String
    /// The largest S tried.
    public var maxStages = 8

    public init(cost: ClockedCost, backend: ClockedBackend, cache: CostCache?, work: String) {
        self.cost = cost
        self.backend = backend
        self.cache = cache
        self.work = work
    }

    /// Each clock's entry for one design family: `design(S)` the design with S multiplier stages,
    /// `estimate(S)` the generator's estimated longest stage (S = 0: the whole path).
    public func search(clocks: [Double], kind: String, unit: ArithmeticUnit, accumulation: String?, module: String,
                       design: (Int) throws -> ClockedDesign, estimate: (Int) throws -> Double,
                       progress: (String) -> Void) throws -> [Entry] {
        var measured: [Int: ClockedFigures] = [:]
        func at(_ s: Int) throws -> ClockedFigures {
            if let f = measured[s] { return f }
            let t0 = Date()
            let d = try design(s)
            let f = try cost.figures(d, backend: backend, cache: cache, work: work)
            measured[s] = f
            progress(String(format: "clocked %-28@ S=%d  min period %.3f ns (%.0f MHz)  %.1f um2  %d FFs  %.3f pJ/cycle + %.1f nW  %.1f s",
                            d.module as NSString, s, f.minPeriod, f.fmaxMHz, f.area, f.flipFlops, f.dataEnergy + f.clockEnergy, f.leakagePower,
                            Date().timeIntervalSince(t0)))
            return f
        }
        let e0 = try estimate(0)
        var entries: [Entry] = []
        for mhz in clocks {
            let period = 1000 / mhz
            let base = try at(0)
            var chosen: Int?
            var limit: String?
            var tried = 0
            if base.meets(mhz: mhz) {
                chosen = 0
            } else {
                // the estimate: the least S whose estimated longest stage, scaled by the measured S = 0 period, fits
                var start = maxStages
                for s in 1...maxStages where base.minPeriod * (try estimate(s)) / max(e0, 1e-9) <= period { start = s; break }
                var s = start
                while s <= maxStages {
                    tried = max(tried, s)
                    let f = try at(s)
                    if f.meets(mhz: mhz) { chosen = s; break }
                    if s > 1, let prev = measured[s - 1], f.minPeriod >= prev.minPeriod - 1e-3 {
                        limit = String(format: "S=%d is no faster than S=%d (%.3f ns): the path outside the multiplier's stages limits it", s, s - 1, f.minPeriod)
                        break
                    }
                    s += 1
                }
                if var c = chosen {
                    while c > 1, try at(c - 1).meets(mhz: mhz) { c -= 1 }
                    chosen = c
                } else if limit == nil {
                    limit = "not reached up to S = \(maxStages)"
                }
            }
            tried = max(tried, measured.keys.max() ?? 0)
            let f = chosen.map { measured[$0]! }
            entries.append(Entry(clockMHz: mhz, kind: kind, unit: unit.kind, format: unit.format, accumulation: accumulation, module: module,
                                 stages: chosen, searchedUpTo: tried, limit: chosen == nil ? limit : nil, figures: f,
                                 energy: f.map { (($0.energy(atMHz: mhz)) * 10_000).rounded() / 10_000 },
                                 bestPeriod: measured.values.map(\.minPeriod).min() ?? base.minPeriod))
        }
        return entries
    }
}

/// The report section: the conditions and every entry (units and PEs), plus the 16 x 16 arrays
/// counted by instance.
public struct ClockedSection: Codable, Sendable, Equatable {
    public var conditions: String
    public var clocksMHz: [Double]
    public var maxStages: Int
    public var units: [IsoThroughput.Entry]
    public var pes: [IsoThroughput.Entry]
    /// Seconds the jobs measured in this run took (not written to JSON: a timing, not a figure).
    public var seconds: Double = 0

    enum CodingKeys: String, CodingKey {
        case conditions, units, pes
        case clocksMHz = "clocks_mhz", maxStages = "max_stages"
    }

    public init(conditions: String, clocksMHz: [Double], maxStages: Int, units: [IsoThroughput.Entry], pes: [IsoThroughput.Entry]) {
        self.conditions = conditions
        self.clocksMHz = clocksMHz
        self.maxStages = maxStages
        self.units = units
        self.pes = pes
    }
}

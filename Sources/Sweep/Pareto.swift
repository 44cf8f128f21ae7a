/// Cost/error Pareto frontiers. A point dominates another when it costs no more and errs no more,
/// and is strictly better in one of the two; the frontier is the points nothing dominates.
public enum Pareto {
    public struct Point: Sendable, Equatable {
        public var cost: Double
        public var error: Double
        public init(cost: Double, error: Double) {
            self.cost = cost
            self.error = error
        }

        public func dominates(_ o: Point) -> Bool {
            cost <= o.cost && error <= o.error && (cost < o.cost || error < o.error)
        }
    }

    /// Indices of the undominated points, by increasing cost (then error, then index).
    public static func frontier(_ points: [Point]) -> [Int] {
        points.indices.filter { i in !points.contains { $0.dominates(points[i]) } }
            .sorted { (points[$0].cost, points[$0].error, $0) < (points[$1].cost, points[$1].error, $1) }
    }

    /// The answer for a dominated point: of the points that dominate it, the cheapest (then the one
    /// with the least error, then the first); that point is on the frontier. Nil when nothing
    /// dominates `i`.
    public static func cheapestDominator(of i: Int, in points: [Point]) -> Int? {
        points.indices.filter { points[$0].dominates(points[i]) }
            .min { (points[$0].cost, points[$0].error, $0) < (points[$1].cost, points[$1].error, $1) }
    }
}

/// A report's frontier under one criterion `C` (the scalar sweep's, the MX families'): its members by
/// increasing cost.
public struct ParetoFrontier<C: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var criterion: C
    public var members: [String]
}

/// One configuration under one criterion. Nil `dominatedBy`: on the frontier. Otherwise the cheapest
/// configuration that dominates it, what fraction of its cost that one saves, and that one's error as a
/// multiple of its own.
public struct ParetoJudgement<C: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var criterion: C
    public var dominatedBy: String?
    public var costSaving: Double?
    public var errorRatio: Double?

    public init(criterion: C, dominatedBy: String? = nil, costSaving: Double? = nil, errorRatio: Double? = nil) {
        self.criterion = criterion
        self.dominatedBy = dominatedBy
        self.costSaving = costSaving
        self.errorRatio = errorRatio
    }

    enum CodingKeys: String, CodingKey {
        case criterion, dominatedBy = "dominated_by", costSaving = "cost_saving", errorRatio = "error_ratio"
    }
}

public struct ParetoVerdict<C: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var id: String
    public var judgements: [ParetoJudgement<C>]
}

extension Pareto {
    /// Every criterion's frontier over configurations `ids`, and a verdict under each for the
    /// configurations at `judged` (indices into `ids`); `point(i, c)` is configuration i under c.
    static func judge<C>(ids: [String], judged: [Int], criteria: [C], point: (Int, C) -> Point)
        -> (frontiers: [ParetoFrontier<C>], verdicts: [ParetoVerdict<C>]) {
        var frontiers: [ParetoFrontier<C>] = []
        var verdicts = judged.map { ParetoVerdict<C>(id: ids[$0], judgements: []) }
        for c in criteria {
            let points = ids.indices.map { point($0, c) }
            frontiers.append(ParetoFrontier(criterion: c, members: frontier(points).map { ids[$0] }))
            for (v, i) in judged.enumerated() {
                if let d = cheapestDominator(of: i, in: points) {
                    verdicts[v].judgements.append(ParetoJudgement(criterion: c, dominatedBy: ids[d], costSaving: 1 - points[d].cost / points[i].cost,
                                                                  errorRatio: points[i].error > 0 ? points[d].error / points[i].error : nil))
                } else {
                    verdicts[v].judgements.append(ParetoJudgement(criterion: c))
                }
            }
        }
        return (frontiers, verdicts)
    }
}

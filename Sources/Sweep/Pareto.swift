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

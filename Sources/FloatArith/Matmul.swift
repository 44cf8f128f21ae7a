/// SPEC "Processing elements and arrays": the golden matrix product of a PE array. Each output
/// element is one PE: every product comes from the unit's golden model, exactly as the unit gives
/// it, and is added into an `AccumulatorModel` (exact fixed point, sticky invalid). The result is
/// independent of summation order, so this is bit-exact against any array schedule.
public enum Matmul {
    /// One output element: the accumulator's bits and its sticky invalid flag.
    public struct Element: Hashable, Sendable {
        public let sum: WideInt
        public let invalid: Bool
        public init(sum: WideInt, invalid: Bool) {
            self.sum = sum
            self.invalid = invalid
        }
    }

    /// `A (R x K) * B (K x C)` on encodings, with `product` the unit's golden model and every
    /// output element summed by a fresh accumulator, products entering in order k = 0 ... K-1.
    public static func multiply<Acc: ProductAccumulator>(_ a: [[UInt32]], _ b: [[UInt32]], fresh: () -> Acc,
                                                         product: (UInt32, UInt32) -> UInt32) -> [[Element]] {
        let k = b.count
        precondition(a.allSatisfy { $0.count == k }, "A has \(k) columns in every row, one per row of B")
        let c = b.first?.count ?? 0
        precondition(b.allSatisfy { $0.count == c })
        return a.map { rowA in
            (0..<c).map { j in
                var acc = fresh()
                for kk in 0..<k { acc.accumulate(product: product(rowA[kk], b[kk][j])) }
                return acc.result
            }
        }
    }

    /// With SPEC's exact fixed-point accumulator. `multiplierStages` S (a pipelined multiplier's
    /// latency, SPEC "Pipelined PEs") changes no value: the same results, S cycles later.
    public static func multiply(_ a: [[UInt32]], _ b: [[UInt32]], accumulator: AccumulatorFormat, multiplierStages: Int = 0,
                                product: (UInt32, UInt32) -> UInt32) -> [[Element]] {
        precondition(multiplierStages >= 0)
        return multiply(a, b, fresh: { AccumulatorModel(accumulator) }, product: product)
    }
}

/// A PE's accumulator as the golden matmul drives it: products in, the result element out.
public protocol ProductAccumulator {
    mutating func accumulate(product y: UInt32)
    /// The accumulator's bits and its sticky invalid flag.
    var result: Matmul.Element { get }
}

extension AccumulatorModel: ProductAccumulator {
    public var result: Matmul.Element { Matmul.Element(sum: sum, invalid: invalid) }
}

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

    /// `A (R x K) * B (K x C)` on encodings, with `product` the unit's golden model.
    public static func multiply(_ a: [[UInt32]], _ b: [[UInt32]], accumulator: AccumulatorFormat,
                                product: (UInt32, UInt32) -> UInt32) -> [[Element]] {
        let r = a.count, k = b.count
        precondition(a.allSatisfy { $0.count == k }, "A has \(k) columns in every row, one per row of B")
        let c = b.first?.count ?? 0
        precondition(b.allSatisfy { $0.count == c })
        var out: [[Element]] = []
        out.reserveCapacity(r)
        for i in 0..<r {
            var row: [Element] = []
            row.reserveCapacity(c)
            for j in 0..<c {
                var acc = AccumulatorModel(accumulator)
                for kk in 0..<k { acc.accumulate(product: product(a[i][kk], b[kk][j])) }
                row.append(Element(sum: acc.sum, invalid: acc.invalid))
            }
            out.append(row)
        }
        return out
    }
}

/// SPEC "Floating-point accumulation": IEEE 754 addition in an IEEE-style format, the exact sum
/// rounded to nearest, ties to even, with gradual underflow; and the exact conversion of a
/// product into the accumulation format.
public enum FPAdd {
    /// `round(a + b)` in `f` (IEEE-style formats only). An exact zero sum of operands of opposite
    /// sign is `+0`, `(-0) + (-0)` is `-0`; overflow gives infinity of the sum's sign; a NaN operand
    /// or `inf + (-inf)` gives the canonical NaN; inf plus anything finite is that inf.
    @inlinable
    public static func add(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> UInt32 {
        precondition(f.hasInfinity, "SPEC's accumulation formats are IEEE-style")
        let ca = f.classify(a), cb = f.classify(b)
        if ca == .nan || cb == .nan { return f.canonicalNaN }
        let sa = f.sign(a), sb = f.sign(b)
        if ca == .infinity || cb == .infinity {
            if ca == .infinity && cb == .infinity && sa != sb { return f.canonicalNaN }
            return ca == .infinity ? a : b
        }
        if ca == .zero && cb == .zero { return (sa & sb) << UInt32(f.width - 1) }
        if ca == .zero { return b }
        if cb == .zero { return a }
        // Both finite and nonzero: value = (-1)^s * sig * 2^(max(e, 1) - bias - M).
        let m = f.mantissaBits
        func parts(_ x: UInt32) -> (sig: Int64, e: Int) {
            let e = f.exponentField(x)
            return (Int64(f.fraction(x) | (e == 0 ? 0 : 1 << UInt32(m))), Int(max(e, 1)))
        }
        var (sigL, eL) = parts(a), (sigS, eS) = parts(b)
        var negL = sa == 1, negS = sb == 1
        if eS > eL {
            swap(&sigL, &sigS)
            swap(&eL, &eS)
            swap(&negL, &negS)
        }
        // Align the smaller exponent's operand to the larger one, exactly, in units of
        // 2^(eL - bias - M - shift). With M <= 23 the significands are below 2^24, so a shift of up
        // to 38 keeps every value below 2^62. Past that, the smaller operand t (|t| < 2^(u - 15),
        // u = eL - bias - M the larger's last place) is replaced by one unit of the same sign: both
        // lie strictly between the larger operand (on the 2^u grid) and the nearest rounding
        // boundary (a midpoint at least 2^(u - 2) away), so the rounded sum is the same.
        let d = eL - eS
        let shift = min(d, 38)
        let big = sigL << Int64(shift)
        let small = d <= 38 ? sigS : 1
        let sum = (negL ? -big : big) + (negS ? -small : small)
        if sum == 0 { return 0 }                 // exact cancellation: +0 under round to nearest
        return Rounding.round(f, sign: sum < 0 ? 1 : 0, significand: UInt64(sum.magnitude),
                              exponent: eL - f.bias - m - shift, flushSubnormals: false, overflow: .infinity)
    }

    /// Whether every finite value of `element` is exactly a value of `acc` (SPEC: the generator
    /// refuses an element format / accumulation format pair where some product is not).
    public static func widens(_ element: FloatFormat, into acc: FloatFormat) -> Bool {
        guard acc.hasInfinity, acc.mantissaBits >= element.mantissaBits else { return false }
        let smallestElement = 1 - element.bias - element.mantissaBits      // log2 of the smallest subnormal
        let smallestAcc = 1 - acc.bias - acc.mantissaBits
        let maxElement = element.maxFiniteExponentField - element.bias       // binade of max finite
        let maxAcc = acc.maxFiniteExponentField - acc.bias
        return smallestElement >= smallestAcc && maxElement <= maxAcc
    }

    /// The encoding in `acc` of the value `x` of `element`, exactly (precondition: `widens`). NaN
    /// gives `acc`'s canonical NaN, infinity and zero keep their sign.
    public static func widen(_ x: UInt32, from element: FloatFormat, to acc: FloatFormat) -> UInt32 {
        precondition(widens(element, into: acc), "\(element) does not widen exactly into \(acc)")
        let s = element.sign(x)
        switch element.classify(x) {
        case .nan: return acc.canonicalNaN
        case .infinity: return (s << UInt32(acc.width - 1)) | acc.infinity!
        case .zero: return s << UInt32(acc.width - 1)
        case .subnormal, .normal:
            let v = element.exactValue(x)!
            return Rounding.round(acc, sign: s, significand: v.significand, exponent: v.exponent,
                                  flushSubnormals: false, overflow: .infinity)
        }
    }
}

/// SPEC "Floating-point accumulation": the PE's accumulator register holding a value of the
/// accumulation format. A job starts from `+0`; each valid beat, in arrival order, sets
/// `acc = round(acc + p)` with the product widened exactly; a NaN or infinite product sets the
/// sticky `invalid` and also enters the sum.
///
/// SPEC "Pipelined PEs": with `partialSums` L >= 2 (an accumulation adder of L register stages)
/// the `j`-th product of a job (j = 0, 1, ...) goes into partial sum `j mod L`, each starting at
/// `+0`, and the result is `((s0 + s1) + s2) + ... + s(L-1)`, each `+` the same rounded addition.
/// L = 1 is the single accumulator. (A pipelined multiplier's S stages change no value.)
public struct FPAccumulatorModel: Hashable, Sendable {
    public let element: FloatFormat
    public let accumulation: FloatFormat
    /// L: the partial sums a job keeps (1: the single accumulator).
    public let partialSums: Int
    /// The partial sums s0 ... s(L-1), encodings in the accumulation format.
    public private(set) var sums: [UInt32]
    /// Products accumulated since the last clear (the next one goes into `sums[beats % L]`).
    public private(set) var beats = 0
    public private(set) var invalid = false

    /// The most partial sums a PE may keep (`--acc-stages`).
    public static let maxPartialSums = 16

    public init(element: FloatFormat, accumulation: FloatFormat, partialSums: Int = 1) {
        precondition(FPAdd.widens(element, into: accumulation), "\(element) products do not widen exactly into \(accumulation)")
        precondition((1...Self.maxPartialSums).contains(partialSums), "1...\(Self.maxPartialSums) partial sums")
        self.element = element
        self.accumulation = accumulation
        self.partialSums = partialSums
        sums = [UInt32](repeating: 0, count: partialSums)
    }

    public mutating func clear() {
        sums = [UInt32](repeating: 0, count: partialSums)
        beats = 0
        invalid = false
    }

    public mutating func accumulate(product p: UInt32) {
        let c = element.classify(p)
        if c == .nan || c == .infinity { invalid = true }
        let q = beats % partialSums
        sums[q] = FPAdd.add(sums[q], FPAdd.widen(p, from: element, to: accumulation), accumulation)
        beats += 1
    }

    /// The job's result: the partial sums combined in SPEC's fixed order (the sum itself for L = 1).
    public var value: UInt32 { sums.dropFirst().reduce(sums[0]) { FPAdd.add($0, $1, accumulation) } }
}

extension FPAccumulatorModel: ProductAccumulator {
    /// `sum` holds the accumulation format's encoding (its width).
    public var result: Matmul.Element { Matmul.Element(sum: WideInt(width: accumulation.width, limbs: [UInt64(value)]), invalid: invalid) }
}

extension Matmul {
    /// With a floating-point accumulator in `accumulation` (SPEC's arrival order), keeping
    /// `partialSums` L partial sums (SPEC "Pipelined PEs": product k into partial sum k mod L,
    /// combined in the order ((s0 + s1) + s2) + ...). `multiplierStages` S, the latency of a
    /// pipelined multiplier, is taken for the record and changes no value (SPEC: the same results,
    /// S cycles later).
    public static func multiply(_ a: [[UInt32]], _ b: [[UInt32]], element: FloatFormat, accumulation: FloatFormat,
                                partialSums: Int = 1, multiplierStages: Int = 0,
                                product: (UInt32, UInt32) -> UInt32) -> [[Element]] {
        precondition(multiplierStages >= 0)
        return multiply(a, b, fresh: { FPAccumulatorModel(element: element, accumulation: accumulation, partialSums: partialSums) }, product: product)
    }
}

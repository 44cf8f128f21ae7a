import FloatArith
import Units

/// The exact product of two doubles as the unevaluated sum `p + e` (`p = x*y` rounded,
/// `e = fma(x, y, -p)`, so `x*y = p + e` exactly), and the relative error of an approximation
/// against it. The one error measure of section 2 (`PaperClaims`) and of the design-space sweep.
public struct ExactProduct: Sendable {
    public let p: Double
    public let e: Double

    @inlinable public init(_ x: Double, _ y: Double) {
        p = x * y
        e = (-p).addingProduct(x, y)
    }

    /// `(r - x*y) / (x*y)`, signed, to double precision (`x*y` nonzero).
    @inlinable public func relativeError(of r: Double) -> Double { ((r - p) - e) / p }
}

/// Where the sweep's real operands come from. Every configuration of a sweep sees the same draws
/// (the same seeded stream), quantised into its own format.
public enum OperandDistribution: String, Codable, Sendable, CaseIterable {
    /// The standard normal N(0, 1).
    case normal
    /// Student's t with 3 degrees of freedom, `z / sqrt(chi2_3 / 3)` from four normal deviates:
    /// heavy tailed (variance 3, infinite kurtosis; 1 draw in 100 beyond +-5.84, 1 in 10,000
    /// beyond +-28), the kind of outliers activations have.
    case studentT3 = "student_t3"

    public var label: String {
        switch self {
        case .normal: return "N(0, 1)"
        case .studentT3: return "Student t, 3 d.o.f."
        }
    }

    /// Index in seed derivations (stable: never reorder).
    var seedPath: UInt64 {
        switch self {
        case .normal: return 1
        case .studentT3: return 2
        }
    }
}

/// The relative-error statistics of one multiplier on one distribution's operand pairs.
public struct ProductErrorStats: Codable, Sendable, Equatable {
    public var samples: Int
    /// Mean and root mean square of `|r - xy| / |xy|`.
    public var mean: Double
    public var rms: Double
    /// Nearest-rank 99th percentile and maximum of `|r - xy| / |xy|`.
    public var p99: Double
    public var max: Double
    /// Mean signed error (bias).
    public var bias: Double
    /// Pairs the unit returned as zero although `xy` is not (underflow, or a flushed operand).
    public var zeros: Int
    /// Pairs with an operand beyond the format's largest finite value (it saturates when quantised).
    public var saturatedOperands: Int

    enum CodingKeys: String, CodingKey {
        case samples, mean, rms, p99, max, bias, zeros, saturatedOperands = "saturated_operands"
    }
}

/// Error of one multiplier on the same real inputs as every other: `samples` pairs `(x, y)` from a
/// distribution, both quantised into the unit's format with RNE (saturating, as SPEC's overflow
/// rule `sat`), multiplied by the unit's golden model, and compared with the exact product of the
/// unquantised reals. Nothing is excluded: underflow, subnormals and saturation count, so a narrow
/// exponent pays for its range here and a wide one for its area in the synthesis columns.
public enum ProductError {
    /// Pairs per seeded chunk (each chunk's stream starts from its own derived seed, so the draws do
    /// not depend on how a caller splits the work).
    public static let chunk = 65_536

    /// The operand pairs of `distribution`: the same for every configuration of a sweep.
    public static func operands(_ distribution: OperandDistribution, count: Int, seed: UInt64) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        out.reserveCapacity(count)
        var k: UInt64 = 0
        while out.count < count {
            var normal = NormalSampler(seed: derivedSeed(seed, 7, distribution.seedPath, k))
            for _ in 0..<Swift.min(chunk, count - out.count) {
                switch distribution {
                case .normal:
                    out.append((normal.next(), normal.next()))
                case .studentT3:
                    out.append((studentT3(&normal), studentT3(&normal)))
                }
            }
            k += 1
        }
        return out
    }

    static func studentT3(_ normal: inout NormalSampler) -> Double {
        let z = normal.next()
        let a = normal.next(), b = normal.next(), c = normal.next()
        return z / ((a * a + b * b + c * c) / 3).squareRoot()   // sqrt is correctly rounded: same bits everywhere
    }

    /// The statistics of `kind` on format `f` over `pairs`.
    public static func measure(_ kind: UnitKind, _ f: FloatFormat, pairs: [(Double, Double)]) -> ProductErrorStats {
        precondition(!pairs.isEmpty, "ProductError.measure: no operand pairs")
        let maxValue = f.doubleValue(f.maxFinite)
        var errors = [Double](repeating: 0, count: pairs.count)
        var sumAbs = CompensatedSum(), sumSquares = CompensatedSum(), sumSigned = CompensatedSum()
        var worst = 0.0, zeros = 0, saturated = 0
        for (i, (x, y)) in pairs.enumerated() {
            let a = f.encode(x), b = f.encode(y)
            if Swift.abs(x) > maxValue || Swift.abs(y) > maxValue { saturated += 1 }
            let r = f.doubleValue(kind.evaluate(a, b, f))
            let e = ExactProduct(x, y).relativeError(of: r)
            let m = Swift.abs(e)
            errors[i] = m
            sumAbs.add(m)
            sumSquares.add(m * m)
            sumSigned.add(e)
            worst = Swift.max(worst, m)
            if r == 0 { zeros += 1 }
        }
        let n = Double(pairs.count)
        return ProductErrorStats(samples: pairs.count, mean: sumAbs.value / n, rms: (sumSquares.value / n).squareRoot(),
                                 p99: nearestRankPercentile(errors, 99, of: 100), max: worst, bias: sumSigned.value / n,
                                 zeros: zeros, saturatedOperands: saturated)
    }
}

import Foundation

/// Seeded normal deviates that are the same bits on every IEEE 754 machine: the polar (Marsaglia)
/// method on SplitMix64 uniforms, with a logarithm written here from `+ - * /` only (the platform's
/// `log` differs between C libraries in the last bit, which would change the committed report).
///
/// The one normal sampler. `.boxMuller` is the stream the synthesis report's activity operands
/// were drawn from (platform `log` and `cos`, two uniforms per deviate, no spare); it stays so the
/// committed synth/report.* keeps its figures, and new uses take the default `.polar`.
public struct NormalSampler: Sendable {
    public enum Method: Sendable { case polar, boxMuller }

    public let method: Method
    public private(set) var rng: SplitMix64
    private var spare: Double?

    public init(seed: UInt64, method: Method = .polar) {
        rng = SplitMix64(seed: seed)
        self.method = method
    }

    /// Uniform in [0, 1), 53 random bits.
    public static func unit(_ rng: inout SplitMix64) -> Double {
        Double(rng.next() >> 11) * 0x1p-53
    }

    /// A standard normal deviate (mean 0, variance 1).
    public mutating func next() -> Double {
        if method == .boxMuller {
            // Box-Muller on two uniforms in (0, 1] and [0, 1).
            let u1 = (Double(rng.next() >> 11) + 1) * 0x1p-53
            let u2 = Double(rng.next() >> 11) * 0x1p-53
            return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
        }
        if let s = spare { spare = nil; return s }
        while true {
            let u = 2 * NormalSampler.unit(&rng) - 1
            let v = 2 * NormalSampler.unit(&rng) - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let k = (-2 * NormalSampler.log(s) / s).squareRoot()
                spare = v * k
                return u * k
            }
        }
    }

    static let ln2 = 0.693147180559945309417232121458
    static let sqrt2 = 1.41421356237309504880168872421
    /// 2 / (2i + 1), the coefficients of 2 atanh(s) = log((1 + s) / (1 - s)).
    static let atanhCoefficients: [Double] = (0..<14).map { 2 / Double(2 * $0 + 1) }

    /// Natural logarithm of a positive normal Double, to a few ulps, from `+ - * /` only:
    /// `x = m * 2^k` with `m` in [sqrt(1/2), sqrt(2)), then `log m = 2 atanh((m - 1) / (m + 1))`,
    /// whose series in `s^2 <= 0.0295` is summed to 14 terms (the last below 1e-20).
    public static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isNormal)
        var k = Int(x.exponent)
        var m = x.significand               // [1, 2), exact
        if m >= sqrt2 { m *= 0.5; k += 1 }  // exact
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        let c = atanhCoefficients
        var poly = c[c.count - 1]
        for i in stride(from: c.count - 2, through: 0, by: -1) { poly = poly * s2 + c[i] }
        return Double(k) * ln2 + s * poly
    }
}

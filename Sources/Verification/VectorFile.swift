import FloatArith
import Foundation
import Units
import Toolchain
import HDL

/// Golden vectors as `$readmemh` text: a comment header, then one `a b y` line per vector in
/// hexadecimal (three memory words per vector).
public enum VectorFile {
    public static func text(for unit: ArithmeticUnit, plan: VectorPlan) -> (text: String, count: Int) {
        let pairs = Vectors.pairs(unit.format, plan: plan)
        let digits = (unit.format.width + 3) / 4
        let f = unit.format
        var out = "// golden vectors for \(unit.moduleName): \(unit.kind.summary)\n"
        out += "// format \(f), SPEC.md \"\(unit.kind.specRule)\", overflow=\(unit.overflow.rawValue)\n"
        switch plan {
        case .exhaustive:
            out += "// plan: exhaustive, all \(pairs.count) pairs, a major\n"
        case .sampled(let random, let seed):
            out += "// plan: \(pairs.count - random) corner pairs (exponent extremes x fraction patterns, specials), then \(random) random pairs, seed \(seed)\n"
        }
        out += "// count: \(pairs.count)\n"
        out += "// columns: a b y (\(f.width)-bit words, hexadecimal)\n"
        // One string grown in place (not an array of lines joined): --count 10,000,000 of fp32
        // then needs the pairs and the text, about 0.4 GB, rather than three times that.
        out.reserveCapacity(out.utf8.count + pairs.count * (3 * digits + 3))
        for (a, b) in pairs {
            let y = unit.emulate(a, b)
            out += hex(a, digits)
            out += " "
            out += hex(b, digits)
            out += " "
            out += hex(y, digits)
            out += "\n"
        }
        return (out, pairs.count)
    }

    static func hex(_ v: UInt32, _ digits: Int) -> String {
        let s = String(v, radix: 16)
        return s.count >= digits ? s : String(repeating: "0", count: digits - s.count) + s
    }

    /// Reads a vector file back: (a, b, y) triples.
    public static func parse(_ text: String) -> [(UInt32, UInt32, UInt32)] {
        var out: [(UInt32, UInt32, UInt32)] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("//") {
            let w = line.split(separator: " ").compactMap { UInt32($0, radix: 16) }
            if w.count == 3 { out.append((w[0], w[1], w[2])) }
        }
        return out
    }
}

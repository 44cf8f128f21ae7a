import FloatArith
import Units
import Toolchain

/// Independent seeds for the parts of a measurement, derived from the user's seed and a path of
/// integers (section, scale, chunk, trial ...), so that chunks can be generated in any order.
public func derivedSeed(_ base: UInt64, _ path: UInt64...) -> UInt64 {
    var h = SplitMix64(seed: base ^ 0x6C6D_756C_2D61_6363)   // "lmul-acc"
    var x = h.next()
    for p in path {
        h = SplitMix64(seed: x ^ (p &* 0xD6E8_FEB8_6659_FD93))
        x = h.next()
    }
    return x
}

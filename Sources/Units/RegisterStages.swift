/// Register stages S (SPEC "Ports": `<module>_p<S>`; 0 is the combinational module): the one range
/// every option and module name that gives S is checked against, before any work, and the one
/// message for a value outside it. `--stages` of generate, sim, testbench, array, sim-array,
/// bench-array, matmul and mxdot, the `_p<S>` of `--modules` and of `prove --modules` all read it.
public enum RegisterStages {
    /// What is being pipelined: the range depends on it and on nothing else.
    public enum Design: Sendable {
        /// A multiplier or adder (`ArithmeticUnit`), pipelined at balanced cut points.
        case unit
        /// An MX block dot (`MXDotDesign`), pipelined at fixed cut points.
        case mxDot
    }

    /// The register stages `design` can be built with.
    /// - unit: 0...32, more stages than any unit has operations on its longest path (beyond that the
    ///   balanced cuts only add registers; `prove` of S = 300 took yosys to 7 GB).
    /// - mxDot: 0...8: an MX dot has two cut points (after the adder tree, after the product terms);
    ///   every stage past 2 is one more register on the output `y`, so a longer pipeline only delays.
    public static func range(_ design: Design) -> ClosedRange<Int> {
        switch design {
        case .unit: return 0...32
        case .mxDot: return 0...8
        }
    }

    /// nil when `stages` is in `design`'s range; else one line: "<spelled> is out of range; give
    /// 0...32 register stages (...)", `spelled` being how the user wrote it ("--stages 33",
    /// "'lmul_e4m3_p33': _p33").
    public static func refusal(_ stages: Int, spelled: String, _ design: Design = .unit) -> String? {
        range(design).contains(stages) ? nil : outOfRange(spelled: spelled, design)
    }

    /// The message for a stage count known to be outside `design`'s range (one too large for an Int included).
    public static func outOfRange(spelled: String, _ design: Design = .unit) -> String {
        let r = range(design)
        let what = design == .unit ? "a unit's" : "an MX dot's"
        return "\(spelled) is out of range; give \(r.lowerBound)...\(r.upperBound), \(what) register stages S (0: combinational; SPEC \"Ports\")"
    }
}

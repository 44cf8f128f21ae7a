import ArgumentParser
import Foundation
import Units

/// `--stages S`: register stages of the units a command writes or checks (SPEC "Ports": the
/// `<module>_p<S>` variant; 0 is the combinational module).
struct StagesOption: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Register stages S, 0...\(ArithmeticUnit.maxStages): the pipelined <module>_p<S> (SPEC \"Ports\"; registers at cut points balanced by estimated delay, listed in the header). 0: the combinational module.",
        valueName: "S"), transform: wholeNumber)
    var stages: Int?

    mutating func validate() throws {
        if let stages { try check("--stages", stages, in: 0...ArithmeticUnit.maxStages) }
    }
}

/// `--clock-ns T`: the clock period a pipelined unit must meet; the generator picks the least S.
struct ClockOption: ParsableArguments {
    @Option(name: .customLong("clock-ns"), parsing: .unconditional, help: ArgumentHelp(
        "Clock period T in ns, \(ClockOption.range.lowerBound)...\(ClockOption.range.upperBound): write each unit with the least S whose standard-cell netlist (yosys, osu018, OpenSTA; the unit between input and output registers) meets T, and say which S. Instead of --stages.",
        valueName: "T"), transform: ClockOption.parse)
    var clockNs: Double?

    static let range = 0.01...1000.0

    static func parse(_ s: String) throws -> Double {
        let digits = s.filter { $0 != "." }
        guard !s.isEmpty, !digits.isEmpty, s.filter({ $0 == "." }).count <= 1, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let v = Double(s) else {
            throw UsageError("not a period in ns; give a positive decimal number, e.g. 2.5")
        }
        guard range.contains(v) else { throw UsageError("\(s) ns is out of range; give \(range.lowerBound)...\(range.upperBound) ns") }
        return v
    }
}

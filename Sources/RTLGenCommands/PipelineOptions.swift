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
        if let stages { try checkStages(stages) }
    }
}

/// `--stages S` of a unit, checked against the one range (`RegisterStages`) with its one message.
func checkStages(_ stages: Int, _ design: RegisterStages.Design = .unit) throws {
    if let why = RegisterStages.refusal(stages, spelled: "--stages \(stages)", design) { throw UsageError(why) }
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

/// `--acc-stages L`: register stages of the floating-point accumulation adder (SPEC "Pipelined
/// PEs": L >= 2 keeps L partial sums, combined at the job's end; the result depends on L). Only
/// with a floating-point `--acc`.
struct AccStagesOption: ParsableArguments {
    @Option(name: .customLong("acc-stages"), parsing: .unconditional, help: ArgumentHelp(
        "Register stages L of the floating-point accumulation adder, 1...\(ProcessingElement.maxAccumulatorStages) (only with --acc fp32, bf16 or fp16): L >= 2 keeps L partial sums, beat j into sum j mod L, combined at the job's end as ((s0 + s1) + s2) + ... (SPEC \"Pipelined PEs\"; the result depends on L). Default 1: the single accumulator.",
        valueName: "L"), transform: wholeNumber)
    var accStages: Int = 1

    mutating func validate() throws {
        try check("--acc-stages", accStages, in: 1...ProcessingElement.maxAccumulatorStages)
    }

    /// Refuses L >= 2 with the fixed-point accumulator.
    func refuseFixed(_ acc: Accumulation) throws {
        if accStages >= 2 && acc == .fixed {
            throw UsageError("--acc-stages \(accStages) needs a floating-point accumulator (--acc fp32, bf16 or fp16): the fixed-point sum is exact and keeps no partial sums; drop --acc-stages or add --acc fp32")
        }
    }
}

/// `--stages S` of a PE array's multiplier (SPEC "Pipelined PEs": the same results S cycles later).
struct ArrayStagesOption: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Register stages S of the multiplier, 0...\(ArithmeticUnit.maxStages): the PEs use <unit>_p<S> and pass clear, valid and last beside it (SPEC \"Pipelined PEs\"; every result S cycles later). Default 0: combinational.",
        valueName: "S"), transform: wholeNumber)
    var stages: Int = 0

    mutating func validate() throws {
        try checkStages(stages)
    }
}

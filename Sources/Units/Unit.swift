import FloatArith
import HDL

/// What a unit is in the comparisons: an approximate multiplier (L-Mul and its relatives), an
/// exact baseline multiplier it is measured against, or the adder of a floating-point accumulator.
public enum UnitRole: String, Sendable {
    case approximate
    case exactBaseline
    case accumulationAdder

    public var isMultiplier: Bool { self != .accumulationAdder }
}

/// One kind of unit: everything the generator, the harness and the reports know of it. Adding a
/// unit is one file with a type conforming to this protocol (its golden model reads SPEC, its
/// `build` writes the datapath in the DSL) and one line in `UnitKind.registry`. Every unit is a
/// two-operand datapath `a, b -> y` on one format; its instances (`ArithmeticUnit`, any format,
/// overflow rule and stage count) are `Design`s, so generation, both simulators, exhaustive
/// streaming, mutation and synthesis serve every unit alike.
public protocol UnitDefinition: MultiplierFunction {
    /// Name in module names (`<name>_e<E>m<M>`), command-line lists and reports.
    static var name: String { get }
    /// One line for headers, `--help` and reports.
    static var summary: String { get }
    /// A sentence for the reports' method lists (Markdown); defaults to `summary`.
    static var note: String { get }
    /// The SPEC.md section the unit implements.
    static var specRule: String { get }
    static var role: UnitRole { get }
    /// Subnormal inputs read as zero (SPEC: both L-Mul forms, Mitchell, fpmul_ftz).
    static var subnormalInputsAreZero: Bool { get }
    /// Parameters beyond E, M, bias and overflow, as the header and the manifest write them.
    static func parameters(_ f: FloatFormat) -> [(String, String)]
    /// The datapath from operands to result, in the DSL; ends in the shared result packing.
    static func build(_ m: ModuleBuilder, a: Signal, b: Signal, _ f: FloatFormat, _ overflow: OverflowMode) -> Signal
    /// The unit's own SPEC rule behind the result `y` of two finite nonzero (for units that flush
    /// subnormal inputs: normal) operands, for mismatch reports.
    static func explain(result y: UInt32, _ f: FloatFormat) -> String
    /// The whole explanation for an operand pair, where the multipliers' shared special-value rules
    /// do not apply (nil: use them, then `explain(result:)`).
    static func explainPair(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> String?
    /// Why the unit does not exist for a format and overflow rule (nil: it does).
    static func unsupported(_ f: FloatFormat, _ overflow: OverflowMode) -> String?
    /// The header's overflow line, where the unit has its own rule (nil: the `--overflow` rule).
    static func overflowText(_ f: FloatFormat) -> String?

    // The unit's part in the reports: every ratio, claim, plot and verdict picks its rows from these.

    /// The exact baselines an approximate unit is compared with, in report order; the first is the
    /// reference the claims quote (the correctly rounded multiplier). Empty for baselines and adders.
    static var baselines: [UnitKind] { get }
    /// The unit the paper's headline claims (95% less energy per multiply, 80% on dot products, the
    /// precision of fp8) are about; the reports' readings quote it.
    static var isPaperSubject: Bool { get }
    /// An implementation of L-Mul (either form), as opposed to a relative such as Mitchell's method:
    /// the sweep's and the claims' verdicts are about these.
    static var isLMulForm: Bool { get }
    /// The unit's colour in every plot.
    static var plotColour: String { get }
    /// How the claims section labels the method (`L-Mul (bit-add)`); defaults to the name.
    static var claimLabel: String { get }
    /// How a reading's prose names the unit (Markdown); defaults to the name in backticks.
    static var readingName: String { get }
}

extension UnitDefinition {
    public static var note: String { summary }
    public static func parameters(_ f: FloatFormat) -> [(String, String)] { [] }
    public static func explainPair(_ a: UInt32, _ b: UInt32, _ f: FloatFormat) -> String? { nil }
    public static func unsupported(_ f: FloatFormat, _ overflow: OverflowMode) -> String? { nil }
    public static func overflowText(_ f: FloatFormat) -> String? { nil }
    public static var baselines: [UnitKind] { [] }
    public static var isPaperSubject: Bool { false }
    public static var isLMulForm: Bool { false }
    public static var plotColour: String { "#333" }
    public static var claimLabel: String { name }
    public static var readingName: String { "`\(name)`" }
}

/// A unit kind: a registered `UnitDefinition` type, compared, hashed and coded by its name.
public struct UnitKind: Hashable, Sendable, Codable, CustomStringConvertible {
    public let type: any UnitDefinition.Type

    public init(_ type: any UnitDefinition.Type) { self.type = type }

    /// The registered unit of that name.
    public init?(rawValue: String) {
        guard let k = UnitKind.registry.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = k
    }

    /// Every multiplier, in the registry's order: the default set of generation, simulation,
    /// PEs and the reports.
    public static var allCases: [UnitKind] { registry.filter { $0.role.isMultiplier } }

    /// The accumulation adders (SPEC "Floating-point accumulation").
    public static var adders: [UnitKind] { registry.filter { !$0.role.isMultiplier } }

    /// The registered names, for messages and `--help`: "lmul, lmul_formula, ..., or mitchell".
    public static func nameList(all: Bool = false) -> String {
        let names = (all ? registry : allCases).map(\.rawValue)
        guard names.count > 1 else { return names.joined() }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    public var rawValue: String { type.name }
    public var description: String { rawValue }
    public var summary: String { type.summary }
    public var note: String { type.note }
    public var specRule: String { type.specRule }
    public var role: UnitRole { type.role }
    public var baselines: [UnitKind] { type.baselines }
    public var isPaperSubject: Bool { type.isPaperSubject }
    public var isLMulForm: Bool { type.isLMulForm }
    public var plotColour: String { type.plotColour }
    public var claimLabel: String { type.claimLabel }
    public var readingName: String { type.readingName }

    public static func == (l: UnitKind, r: UnitKind) -> Bool { l.rawValue == r.rawValue }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let k = UnitKind(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown unit '\(name)'"))
        }
        self = k
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public func moduleName(_ format: FloatFormat, overflow: OverflowMode) -> String {
        "\(rawValue)_\(format.tag)" + (overflow == .saturate ? "" : "_ovf_inf")
    }
}

/// A list of units (the registry, or a test's own) read by role: the reports take one as a value and
/// pick every comparison from it, so a unit added to the list appears wherever its roles say.
extension Array where Element == UnitKind {
    /// The approximate units, in list order.
    public var approximate: [UnitKind] { filter { $0.role == .approximate } }
    /// The unit the paper's headline claims are about (the first so marked).
    public var paperSubject: UnitKind? { first { $0.isPaperSubject } }
    /// The L-Mul forms, in list order.
    public var lmulForms: [UnitKind] { filter { $0.isLMulForm } }
    /// Every (approximate unit, exact baseline) pair the ratios show, in report order: the units in
    /// list order, each with the baselines it declares that are in the list.
    public var comparisons: [(unit: UnitKind, baseline: UnitKind)] {
        approximate.flatMap { u in u.baselines.filter { contains($0) }.map { (unit: u, baseline: $0) } }
    }
    /// The unit of that name in the list.
    public func named(_ name: String) -> UnitKind? { first { $0.rawValue == name } }
}

/// One unit's function `(a, b) -> y` on encodings, for a format and overflow rule: the unit
/// itself, called (`GoldenModel(.lmul, .e4m3)(a, b)`).
public typealias GoldenModel = ArithmeticUnit

extension Matmul {
    /// The golden matmul with a unit kind's golden model.
    public static func multiply(_ a: [[UInt32]], _ b: [[UInt32]], unit: GoldenModel, accumulatorWidth: Int? = nil) -> [[Element]] {
        multiply(a, b, accumulator: AccumulatorFormat(unit.format, width: accumulatorWidth)) { unit($0, $1) }
    }
}

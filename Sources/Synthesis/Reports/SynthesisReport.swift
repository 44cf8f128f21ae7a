import FloatArith
import Units
import Foundation
import Toolchain
import Generation

/// The synthesis report: one row per unit, L-Mul over baseline ratios, and the paper's figures.
/// Rendered deterministically from the results alone (no times, no paths beyond the repo's).
public struct SynthesisReport: Codable, Sendable, Equatable {
    public var generator = "rtlgen synth (make synth)"
    public var tool: String
    public var flow: String
    public var activity: Activity
    /// Seconds each yosys-abc `cec` proof was allowed.
    public var proofTimeout: Int
    public var units: [SynthesisFlow.Result]
    public var ratios: [Ratio]
    /// PE and array rows (`ArraySynthesis`), when measured.
    public var pes: [ArraySynthesis.PERow] = []
    public var arrays: [ArraySynthesis.ArrayRow] = []
    /// How the standard-cell figures were measured, when they were (`LibertyReport.swift`).
    public var libertySetup: LibertySetup?
    /// The behavioural twins of the exact multipliers (`BehaviouralSynthesis`), when measured.
    public var behavioural: [SynthesisFlow.Result] = []
    /// The L-Mul ratios under stronger ABC scripts (`SynthesisEffort`), when measured.
    public var effort: [SynthesisEffort.Row] = []
    /// The units the report compares, read by role (not written to the JSON): the registry's
    /// multipliers, or a test's own list.
    public var kinds: [UnitKind] = UnitKind.allCases
    /// iCE40 place-and-route rows (`ICE40Backend`), when measured.
    public var ice40: ICE40Section?
    /// Energy with glitches (`TimedSynthesis`), when measured.
    public var timed: TimedSection?
    /// The iso-throughput tables (`IsoThroughput`, `rtlgen synth --clocks`), when measured.
    public var clocked: ClockedSection?
    /// MX block dot products (`MXDotSynthesis`, `MXDotICE40`), when measured.
    public var mx: MXDotSection?

    public struct Activity: Codable, Sendable, Equatable {
        public var operands: String
        public var operations: Int
        public var seed: UInt64
        public var model: String
    }

    /// An L-Mul unit's figures divided by a baseline's, same format.
    public struct Ratio: Codable, Sendable, Equatable {
        public var format: FloatFormat
        public var unit: UnitKind
        public var baseline: UnitKind
        public var gates: Double
        public var transistors: Double
        public var depth: Double
        public var toggleEnergy: Double

        enum CodingKeys: String, CodingKey {
            case format, unit, baseline, gates, transistors, depth, toggleEnergy = "toggle_energy"
        }
    }

    enum CodingKeys: String, CodingKey {
        case generator, tool, flow, activity, units, ratios, pes, arrays, behavioural, effort, proofTimeout = "proof_timeout_s", libertySetup = "liberty"
        case ice40, timed, clocked, mx
    }

    public init(tool: String, flow: String, activityOperations: Int, seed: UInt64, proofTimeout: Int, units: [SynthesisFlow.Result],
                kinds: [UnitKind] = UnitKind.allCases) {
        self.kinds = kinds
        self.proofTimeout = proofTimeout
        self.tool = tool
        self.flow = flow
        activity = Activity(operands: "a and b each drawn from N(0, 1) and rounded to the format (RNE, saturating)",
                            operations: activityOperations, seed: seed,
                            model: "zero-delay: output transitions of every CMOS cell between consecutive operations, weighted by the cell's transistors")
        let order = kinds.map(\.rawValue)
        self.units = units.sorted { Self.order($0, order) < Self.order($1, order) }
        var ratios: [Ratio] = []
        for f in Self.formats(self.units) {
            for (lm, base) in kinds.comparisons {
                guard let u = self.units.first(where: { $0.format == f && $0.unit == lm && $0.overflow == .saturate }),
                      let b = self.units.first(where: { $0.format == f && $0.unit == base && $0.overflow == .saturate }) else { continue }
                ratios.append(Ratio(format: f, unit: lm, baseline: base,
                                    gates: Self.r3(Double(u.gates) / Double(b.gates)),
                                    transistors: Self.r3(Double(u.transistors) / Double(b.transistors)),
                                    depth: Self.r3(Double(u.depth) / Double(b.depth)),
                                    toggleEnergy: Self.r3(u.weightedTogglesPerOperation / b.weightedTogglesPerOperation)))
            }
        }
        self.ratios = ratios
    }

    static func r3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    /// The row of `kind` in `format` with the default overflow rule.
    func unit(_ kind: UnitKind, _ format: FloatFormat) -> SynthesisFlow.Result? {
        units.first { $0.format == format && $0.unit == kind && $0.overflow == .saturate }
    }

    func ratio(_ kind: UnitKind, _ baseline: UnitKind, _ format: FloatFormat) -> Ratio? {
        ratios.first { $0.format == format && $0.unit == kind && $0.baseline == baseline }
    }

    /// The paper's subject and the baselines it declares (first: the correctly rounded one), when
    /// both are in the report's list.
    var paperComparison: (unit: UnitKind, baselines: [UnitKind])? {
        guard let l = kinds.paperSubject else { return nil }
        return (l, l.baselines.filter { kinds.contains($0) })
    }

    /// By width, then exponent: e4m3, e5m2, e5m10, e8m7 (the finite formats first, as when this
    /// key was read from the tag and theirs had no IEEE-style reading).
    static func formatKey(_ f: FloatFormat) -> (Int, Int) {
        f.isFinite ? (0, 0) : (f.exponentBits + f.mantissaBits, f.exponentBits)
    }

    static func order(_ u: SynthesisFlow.Result, _ unitOrder: [String]) -> String {
        let (w, e) = formatKey(u.format)
        let k = unitOrder.firstIndex(of: u.unit.rawValue) ?? 9
        return String(format: "%02d-%02d-%d-%@", w, e, k, u.module)
    }

    static func formats(_ units: [SynthesisFlow.Result]) -> [FloatFormat] {
        var seen: [FloatFormat] = []
        for u in units where !seen.contains(u.format) { seen.append(u.format) }
        return seen
    }

    public func json() throws -> Data {
        try canonicalJSON(self)
    }

    public static func load(_ data: Data) throws -> SynthesisReport { try JSONDecoder().decode(SynthesisReport.self, from: data) }

    // MARK: rendering

    static func formatName(_ f: FloatFormat) -> String {
        if let common = f.commonName {
            return "\(f.tag) (\(common))"
        }
        return f.tag
    }

    static func grouped(_ n: Int) -> String { groupedCount(n) }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
    static func percent(_ ratio: Double) -> String { String(format: "%.0f%%", ratio * 100) }

    func proofText(_ u: SynthesisFlow.Result) -> String {
        u.equivalence.label
    }

    public func markdown() -> String {
        var s = """
        # Synthesis report: L-Mul against the exact baseline

        Written by `make synth` (`rtlgen synth`) with \(tool), flow [`flow.ys`](flow.ys); the same numbers are in
        [`report.json`](report.json). Do not edit by hand: a test fails when the committed report differs from a fresh run.

        **What each column is.** *Gates*: cells after `abc -g AND,NAND,OR,NOR,XOR,XNOR,ANDNOT,ORNOT,MUX` (inverters
        included, a MUX counts as one gate). *Transistors*: yosys `stat -tech cmos` of a separate mapping to static CMOS
        NAND2/NOR2/NOT cells (`abc -g cmos2`); *GE* (NAND2 gate equivalents) = transistors / 4. *Depth*: the longest
        path in gates of the generic netlist (`ltp -noff`). *Toggles/op*: output transitions of the CMOS cells between
        consecutive operations, averaged over \(Self.grouped(activity.operations)) operations whose operands `a` and `b`
        are drawn from N(0, 1) and rounded to the format (seed \(activity.seed)); *toggle energy* weights each
        transition by its cell's transistor count (a proxy for switched capacitance). *Equivalence*: yosys-abc `cec` proved, for every
        input, that both mapped netlists (generic and CMOS) equal yosys' netlist before ABC, that this equals yosys'
        word-level synthesis bit-blasted, and that this equals the RTL as yosys reads it (bit-blasted by `techmap`,
        no optimisation), so each netlist equals the RTL.\(units.contains { $0.equivalence != .proven } ? " † marks units where the last step, which compares two differently structured adder trees for the significand product, did not finish within the \(proofTimeout) s limit: for them yosys' word-level passes are trusted, not proven, and `make synth-exhaustive` simulates their generic netlists on every operand pair against the golden model." : "")
        A difference found at any step stops `make synth`. Every netlist's output
        was also checked against the golden model on the \(Self.grouped(activity.operations)) activity operations.


        """
        for f in Self.formats(units) {
            s += "## \(Self.formatName(f))\n\n"
            s += "| unit | module | gates | transistors | GE | depth | flip-flops | toggles/op | toggle energy | equivalence |\n"
            s += "|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
            for u in units where u.format == f {
                s += "| `\(u.unit)` | `\(u.module)` | \(Self.grouped(u.gates)) | \(Self.grouped(u.transistors)) | \(Self.fixed(u.gateEquivalents, 1)) | \(u.depth) | \(u.flipFlops) | \(Self.fixed(u.togglesPerOperation, 1)) | \(Self.fixed(u.weightedTogglesPerOperation, 1)) | \(proofText(u)) |\n"
            }
            s += "\n"
        }
        if !ratios.isEmpty {
            s += """
            ## L-Mul over the baseline

            Each figure is the L-Mul unit's divided by the baseline's in the same format (below 1: L-Mul is smaller,
            shallower or switches less). `fpmul` is the exact multiplier with subnormals and round-to-nearest-even;
            `fpmul_ftz` is the like-for-like comparison with the paper's kernel, which has no subnormal path either.

            | format | L-Mul unit | baseline | gates | transistors | depth | toggle energy |
            |---|---|---|---:|---:|---:|---:|

            """
            for r in ratios {
                s += "| \(r.format.tag) | `\(r.unit)` | `\(r.baseline)` | \(Self.fixed(r.gates, 3)) | \(Self.fixed(r.transistors, 3)) | \(Self.fixed(r.depth, 3)) | \(Self.fixed(r.toggleEnergy, 3)) |\n"
            }
            s += "\n"
        }
        s += behaviouralSection()
        s += effortSection()
        s += arraySection()
        s += ice40Section()
        s += timedSection()
        s += clockedSection()
        s += timedClockedSection()
        s += mxSection()
        s += cellTable()
        s += paperContext()
        s += libertySections()
        s += """
        ## What these proxies can and cannot tell

        - **Transistors and gate equivalents** measure area of the combinational datapath after a generic,
          technology-independent optimisation (ABC). They track the silicon area and the leakage of a real library
          only roughly: real cells (full adders, AOI/OAI, XOR built from pass gates) and sizing for a clock target change
          both the absolute numbers and, less, the ratios.
        - **Depth** counts gates on the longest path with every gate weighted equally; it is a proxy for delay, not
          a timing analysis (no wire load, fan-out or cell delay).
        - **Toggle energy** adds activity: a unit that is smaller but switches more per operation saves less dynamic
          energy than its area suggests. The model is zero-delay, so it misses glitches, which are larger in deep
          arithmetic (the multiplier array) than in an adder; it depends on the operand distribution chosen here.
        - **None of these numbers includes data movement**: operand fetch from SRAM or registers, the network to the
          PEs, and writing results back, which in a real accelerator commonly cost more energy than the multiply
          itself. The paper's 95% (per multiply) and 80% (dot product) figures come from counting operations and
          applying 45 nm energy-per-operation tables; they are not hardware measurements, and neither are these.

        """
        return s
    }

    func cellTable() -> String {
        let types = Set(units.flatMap { $0.cellsByType.keys }).sorted()
        guard !types.isEmpty else { return "" }
        let short = types.map { $0.replacingOccurrences(of: "$_", with: "").replacingOccurrences(of: "_", with: "") }
        var s = "## Generic cells by type\n\n| module | " + short.joined(separator: " | ") + " |\n|---|" + String(repeating: "---:|", count: types.count) + "\n"
        for u in units {
            s += "| `\(u.module)` | " + types.map { String(u.cellsByType[$0] ?? 0) }.joined(separator: " | ") + " |\n"
        }
        return s + "\n"
    }

    func paperContext() -> String {
        var s = """
        ## The paper's cost claims next to these measurements

        Luo & Sun (arXiv 2410.00907) estimate an fp8 multiplication at about 325 gate-level operations against 157
        for L-Mul (a ratio of 0.483), and claim 95% less energy per element-wise multiplication and 80% less for dot
        products, from operation counts and 45 nm energy tables, without building hardware.


        """
        let fp8 = [FloatFormat.e4m3, .e5m2].filter { f in ratios.contains { $0.format == f } }
        guard !fp8.isEmpty, let (lmul, baselines) = paperComparison else { return s }
        s += "| format | comparison | paper, gate operations | measured gates | measured transistors | measured toggle energy |\n|---|---|---:|---:|---:|---:|\n"
        for f in fp8 {
            for base in baselines {
                guard let r = ratio(lmul, base, f) else { continue }
                s += "| \(f.tag) | `\(lmul)` / `\(base)` | 0.483 | \(Self.fixed(r.gates, 3)) | \(Self.fixed(r.transistors, 3)) | \(Self.fixed(r.toggleEnergy, 3)) |\n"
            }
        }
        s += "\n"
        if baselines.count >= 2, let r = ratio(lmul, baselines[0], .e4m3), let rz = ratio(lmul, baselines[1], .e4m3),
           let exact = units.first(where: { $0.format == .e4m3 && $0.unit == baselines[0] }),
           let ftz = units.first(where: { $0.format == .e4m3 && $0.unit == baselines[1] }) {
            s += """
            **Reading.** For e4m3, the L-Mul unit uses \(Self.percent(r.transistors)) of the transistors of the exact
            multiplier with subnormals and round-to-nearest-even, and \(Self.percent(r.toggleEnergy)) of its
            transistor-weighted switching: a saving of \(Self.percent(1 - r.transistors)) in area and
            \(Self.percent(1 - r.toggleEnergy)) in this activity proxy, where the paper claims 95% in energy. Against the
            flush-to-zero multiplier, closer to what the paper's count models, the savings are
            \(Self.percent(1 - rz.transistors)) and \(Self.percent(1 - rz.toggleEnergy)). The paper's count models an fp8
            multiplier as a significand multiply plus an exponent add; the exact unit here also normalises, rounds to
            nearest even and handles subnormals and special values, and flushing subnormals alone removes
            \(Self.percent(1 - Double(ftz.transistors) / Double(exact.transistors))) of its transistors; the L-Mul unit, in
            turn, needs special-value and saturation logic besides its adder.

            """
            // How the transistor ratio against the exact multiplier moves with the significand width.
            let trend = Self.formats(units).compactMap { f -> (String, Int, Double)? in
                guard let x = ratio(lmul, baselines[0], f) else { return nil }
                return (f.tag, Self.formatKey(f).0 - Self.formatKey(f).1, x.transistors)
            }.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            if trend.count > 1 {
                let falls = zip(trend, trend.dropFirst()).allSatisfy { $0.2 >= $1.2 }
                s += "By significand width, `\(lmul)` / `\(baselines[0])` transistors are "
                    + trend.map { "\(Self.fixed($0.2, 3)) (\($0.0))" }.joined(separator: ", ")
                    + (falls ? ": the wider the significand, the larger the share L-Mul saves, consistent with the exact unit's significand product growing with the square of its width and L-Mul's adder linearly."
                             : ": the ratio does not fall steadily with the significand width.")
                s += " Neither proxy includes data movement.\n\n"
            }
        }
        return s
    }

    func arraySection() -> String {
        guard !pes.isEmpty else { return "" }
        func pct(_ part: Int, _ whole: Int) -> String { String(format: "%.0f%%", 100 * Double(part) / Double(whole)) }
        var s = """
        ## Processing elements and arrays

        A PE is the multiplier, an accumulator and the sticky `invalid`, registered (docs/array.md). The accumulator
        is SPEC's exact fixed-point one at its default width (*fixed*), or a float register summed by an instance of
        `fpadd` in fp32 (`--acc fp32`, SPEC "Floating-point accumulation"), as the paper's L-Matmul and GPUs sum. Flip-flops are mapped as plain D flip-flops (`dfflegalize`; enables and the synchronous
        clear become gates) and cost 16 transistors each in `stat -tech cmos`. Gates here exclude flip-flops; depth is
        the longest register-to-register path. The PE's transistors are split into the multiplier (the unit
        synthesised alone), the registers, and the rest: accumulator adder, product alignment and sign, clear and
        invalid logic (for a float accumulator: the adder and the product's
        widening; *adder alone* is the fp32 adder synthesised by itself, larger than its share inside the PE, where
        one input is always a widened e4m3 product). Flattening lets ABC optimise across the boundaries, so the
        split is approximate.
        The cell adds the systolic operand and flag registers, the result capture and one drain stage. PE and cell
        netlists are proven equal to their RTL as the units are.

        | unit | PE | accumulator | gates | flip-flops | transistors | depth | multiplier | accumulator logic | adder alone | registers | equivalence |
        |---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|

        """
        for p in pes {
            s += "| `\(p.unit)` | `\(p.module)` | \(p.accumulation ?? "\(p.accumulatorWidth)-bit fixed") | \(Self.grouped(p.gates)) | \(p.flipFlops) | \(Self.grouped(p.transistors)) | \(p.depth) | "
                + "\(Self.grouped(p.multiplierTransistors)) (\(pct(p.multiplierTransistors, p.transistors))) | "
                + "\(Self.grouped(p.accumulatorTransistors)) (\(pct(p.accumulatorTransistors, p.transistors))) | "
                + (p.adderTransistors.map { "\(Self.grouped($0)) (\(pct($0, p.transistors)))" } ?? "") + " | "
                + "\(Self.grouped(p.registerTransistors)) (\(pct(p.registerTransistors, p.transistors))) | \(p.equivalence.label) |\n"
        }
        s += "\n| cell | gates | flip-flops | transistors | depth | equivalence |\n|---|---:|---:|---:|---:|---|\n"
        for p in pes {
            s += "| `\(p.cellModule)` | \(Self.grouped(p.cellGates)) | \(p.cellFlipFlops) | \(Self.grouped(p.cellTransistors)) | \(p.cellDepth) | \(p.cellEquivalence.label) |\n"
        }
        if !arrays.isEmpty {
            s += """

            **Arrays, counted by instance.** An `R x C` array is `R*C` cells plus its glue (skew registers for A, B and
            the flags, drain control), which is synthesised with the cell as a black box; yosys is not asked to flatten
            a 16 x 16 array. The glue is registers and a few gates and is not separately proven. *Multiplier share*: the
            `R*C` multipliers' transistors (synthesised alone) over the array's; *register share*: all flip-flops'.

            | unit | array | gates | flip-flops | transistors | depth | multiplier share | register share | transistors / PE |
            |---|---|---:|---:|---:|---:|---:|---:|---:|

            """
            for a in arrays {
                s += "| `\(a.unit)` | `\(a.module)` | \(Self.grouped(a.gates)) | \(Self.grouped(a.flipFlops)) | \(Self.grouped(a.transistors)) | \(a.depth) | "
                    + "\(Self.percent(a.multiplierShare)) | \(Self.percent(a.registerShare)) | \(Self.grouped(a.transistors / (a.rows * a.cols))) |\n"
            }
            var lines: [String] = []
            for a in arrays {
                guard let unit = kinds.approximate.first(where: { $0 == a.unit }) else { continue }
                for base in unit.baselines where kinds.contains(base) {
                    guard let b = arrays.first(where: { $0.unit == base && $0.format == a.format && $0.rows == a.rows && $0.cols == a.cols && $0.accumulation == a.accumulation }) else { continue }
                    lines.append("| \(a.rows) x \(a.cols) | \(a.accumulation ?? "fixed") | `\(a.unit)` | `\(base)` | \(Self.fixed(Double(a.transistors) / Double(b.transistors), 3)) | \(Self.percent(1 - Double(a.transistors) / Double(b.transistors))) |")
                }
            }
            if !lines.isEmpty {
                s += "\n| array | accumulator | approximate unit | baseline | transistors, unit / baseline | saving |\n|---|---|---|---|---:|---:|\n" + lines.joined(separator: "\n") + "\n"
            }
            if let (lmul, baselines) = paperComparison, let fpmul = baselines.first,
               let l = pes.first(where: { $0.unit == lmul && $0.accumulation == nil }), let f = pes.first(where: { $0.unit == fpmul && $0.accumulation == nil }),
               let la = arrays.last(where: { $0.unit == lmul && $0.accumulation == nil }),
               let fa = arrays.last(where: { $0.unit == fpmul && $0.accumulation == nil && $0.rows == la.rows && $0.cols == la.cols }) {
                s += """

                **Reading.** The paper claims 80% less energy for dot products. In these arrays (\(l.format.tag)), the multiplier is
                \(pct(l.multiplierTransistors, l.transistors)) of an `\(lmul)` PE's transistors and \(pct(f.multiplierTransistors, f.transistors)) of an
                `\(fpmul)` PE's; the exact accumulator and the registers, which L-Mul does not change, make up the rest. A
                \(la.rows) x \(la.cols) `\(lmul)` array has \(Self.fixed(Double(la.transistors) / Double(fa.transistors), 3)) times the transistors of the
                `\(fpmul)` array, a saving of \(Self.percent(1 - Double(la.transistors) / Double(fa.transistors))) in this area proxy. These are
                static counts of logic and flip-flops: no activity, no SRAM, no operand delivery.

                """
                if let lf = pes.first(where: { $0.unit == lmul && $0.accumulation != nil }),
                   let ff = pes.first(where: { $0.unit == fpmul && $0.accumulation == lf.accumulation }),
                   let lfa = arrays.last(where: { $0.unit == lmul && $0.accumulation == lf.accumulation }),
                   let ffa = arrays.last(where: { $0.unit == fpmul && $0.accumulation == lf.accumulation && $0.rows == lfa.rows && $0.cols == lfa.cols }) {
                    let adder = lf.adderTransistors ?? 0
                    s += """
                    With an \(lf.accumulation!) accumulator, the configuration the paper's L-Matmul and fp8 tensor hardware use, the
                    multiplier is \(pct(lf.multiplierTransistors, lf.transistors)) of the `\(lmul)` PE and \(pct(ff.multiplierTransistors, ff.transistors)) of the
                    `\(fpmul)` PE; the \(lf.accumulation!) adder alone is \(Self.grouped(adder)) transistors, \(Self.fixed(Double(adder) / Double(lf.multiplierTransistors), 1))
                    times the `\(lmul)` multiplier. A \(lfa.rows) x \(lfa.cols) `\(lmul)` array with \(lf.accumulation!) accumulation has
                    \(Self.fixed(Double(lfa.transistors) / Double(ffa.transistors), 3)) times the transistors of the `\(fpmul)` one (a saving of
                    \(Self.percent(1 - Double(lfa.transistors) / Double(ffa.transistors)))): the float accumulator makes the multiplier's share smaller still.

                    """
                }
            }
        }
        return s + "\n"
    }
}

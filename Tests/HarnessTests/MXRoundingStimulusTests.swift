import FloatArith
import Foundation
import Testing
import Toolchain
import Units
import Verification

/// Issue 38 item 3: sim-mx's blocks are built from the decisions of the MX dot's rounding to fp32
/// (MXRoundingStimulus.swift) and catch rounding bugs the element pairs, corners and random
/// blocks missed.
@Suite(.serialized) struct MXRoundingStimulusTests {
    func scratch(_ tag: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mxround-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static let lmulE4m3k2 = { () -> MXDotDesign in try! MXDotDesign(.lmul, try! BlockFormat(element: .e4m3, blockSize: 2)) }()

    /// The issue's three hand-made bugs in mxdot_lmul_e4m3_k2, each one line of the generated
    /// Verilog changed: they passed all 67,874 block pairs of the old stimulus.
    static let bugs: [(name: String, line: String, from: String, to: String)] = [
        ("overflow compare < made <=", "wire        overflow = ", " < encoded", " <= encoded"),
        ("denormal sticky OR made AND", "wire        denorm_sticky = ", "= |(", "= &("),
        ("lost-bits mask shift reversed", "wire [33:0] denorm_lost_mask = ", " << right_shift", " >> right_shift"),
    ]

    @Test(arguments: 0..<3)
    func aHandMadeRoundingBugIsCaught(_ index: Int) throws {
        let d = Self.lmulE4m3k2
        let bug = Self.bugs[index]
        let good = try d.verilog()
        var lines = good.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let i = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(bug.line.trimmingCharacters(in: .whitespaces)) },
                             "\(bug.name): no line \(bug.line)")
        #expect(lines[i].contains(bug.from))
        lines[i] = lines[i].replacingOccurrences(of: bug.from, with: bug.to)
        let dir = try scratch("bug\(index)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try lines.joined(separator: "\n").write(toFile: "\(dir)/\(d.fileName)", atomically: true, encoding: .utf8)
        // sim-mx's stimulus, every set (the element pairs, corners, rounding blocks, random blocks)
        let trace = d.trace(d.blocks(MXDotDesign.VectorSet.allCases, random: 2000, seed: 1))
        let runs = try CycleTestbench.check(d, trace: trace, rtlDirectory: dir, simulators: [.icarus], buildDirectory: dir + "/build",
                                            testbench: repoRoot + "/testbench", report: 3)
        for (sim, r) in runs {
            #expect(r.failure == nil && (r.mismatchCount ?? 0) > 0, "\(bug.name) passed sim-mx's stimulus on \(sim)")
        }
        // the rounding blocks alone catch it
        let rounding = d.trace(d.roundingBlocks())
        let alone = try CycleTestbench.check(d, trace: rounding, rtlDirectory: dir, simulators: [.icarus], buildDirectory: dir + "/build2",
                                             testbench: repoRoot + "/testbench", report: 3)
        for (_, r) in alone { #expect((r.mismatchCount ?? 0) > 0, "\(bug.name) passed the rounding blocks") }
    }

    /// The issue's two blocks (`xa xb a0 a1 b0 b1`): the rounding blocks hold one of the same
    /// decision class (region, L, G, R, S, overflow side; sticky bits at least as far below R).
    @Test func theIssuesBlocksAreCoveredByTheirClasses() throws {
        let d = Self.lmulE4m3k2
        let examples: [([UInt8], UInt32)] = [([0xfe, 0x73, 0x6f, 0x88, 0x68, 0x0f], 0x7f7f_ffff), ([0x25, 0x3f, 0x4d, 0x26, 0x5b, 0x0d], 0x0000_0005)]
        let stimulus = d.blocks(MXDotDesign.VectorSet.allCases)
        let decisions = stimulus.compactMap { p in
            MXDot.scaledSum(p.a, p.b, xa: p.xa, xb: p.xb, element: d.element, rule: d.rule).map {
                RoundingDecision.classify(magnitude: $0.magnitude, exponent: $0.exponent, format: .fp32)
            }
        }
        for (bytes, golden) in examples {
            let p = MXDotDesign.BlockPair(a: [UInt32(bytes[2]), UInt32(bytes[3])], b: [UInt32(bytes[4]), UInt32(bytes[5])], xa: bytes[0], xb: bytes[1])
            #expect(d.golden(p) == golden)
            let s = try #require(MXDot.scaledSum(p.a, p.b, xa: p.xa, xb: p.xb, element: d.element, rule: d.rule))
            let e = RoundingDecision.classify(magnitude: s.magnitude, exponent: s.exponent, format: .fp32)
            #expect(decisions.contains { $0.region == e.region && $0.lsb == e.lsb && $0.grs == e.grs && $0.overflow == e.overflow
                && $0.stickyDistance >= e.stickyDistance }, "no block of the class of \(bytes): \(e)")
        }
        // the first is fp32's largest finite value exactly, the second a subnormal rounded up by a far sticky bit
        let first = try #require(MXDot.scaledSum([0x6f, 0x88], [0x68, 0x0f], xa: 0xfe, xb: 0x73, element: .e4m3, rule: d.rule))
        #expect(RoundingDecision.classify(magnitude: first.magnitude, exponent: first.exponent, format: .fp32).overflow == .maxFiniteExact)
    }

    /// Every element format's MX dots reach every decision class they can (K = 2, and K = 1 with
    /// its narrower list), the counts all nonzero, and the list is not empty of the hard ones.
    @Test(arguments: BlockFormat.elementFormats)
    func everyRequiredDecisionIsExercised(_ f: FloatFormat) throws {
        for (kind, k) in [(UnitKind.lmul, 2), (.fpmul, 2), (.lmulFormula, 4), (.fpmul, 1)] {
            let d = try MXDotDesign(kind, try BlockFormat(element: f, blockSize: k))
            let c = d.roundingCoverage(d.blocks([.corners, .rounding]))
            let req = d.roundingRequirements(c)
            let missing = req.filter { !$0.reached }.map(\.name)
            #expect(missing.isEmpty, "\(d.moduleName): \(missing); \(c.summary())")
            #expect(c.normalFields.count == 254 && c.subnormalBinades.count == 23 && c.belowSubnormal > 0, "\(d.moduleName): \(c.summary())")
            #expect(req.count >= 8)
            // sums wide enough for fp32's guard (e4m3, e5m2 at K = 2): every class in the list
            if d.blockSize >= 2 && d.sumBits - 1 >= 27 {
                let names = req.map(\.name)
                #expect(req.count == 30, "\(d.moduleName): \(names)")
                #expect(c.grs.allSatisfy { $0.allSatisfy { $0 > 0 } } && c.ties.allSatisfy { $0.allSatisfy { $0 > 0 } })
                #expect(RoundingDecision.OverflowSide.allCases.allSatisfy { (c.overflow[$0] ?? 0) > 0 }, "\(d.moduleName): \(c.summary())")
            }
        }
    }

    /// The classifier on values whose decisions are known.
    @Test func theClassifierReadsKnownValues() {
        func classify(_ m: UInt128, _ e: Int) -> RoundingDecision { RoundingDecision.classify(magnitude: m, exponent: e, format: .fp32) }
        let maxFinite = classify((1 << 24) - 1, 104)
        #expect(maxFinite.region == .normal(field: 254) && maxFinite.overflow == .maxFiniteExact && maxFinite.grs == 0)
        #expect(classify((1 << 25) - 1, 103).overflow == .atThreshold)            // max + ulp/2
        #expect(classify((1 << 26) - 1, 102).overflow == .aboveThreshold)
        #expect(classify((1 << 26) - 3, 102).overflow == .roundsDownToMaxFinite) // max + ulp/4
        #expect(classify(1, 128).region == .beyondRange)
        let tie = classify(0b11, -150)                                             // 1.5 * 2^-149
        #expect(tie.region == .subnormal(h: 0) && tie.isTie && tie.lsb)
        let half = classify(1, -150)
        #expect(half.region == .belowSubnormal && half.isTie && !half.lsb)
        let carry = classify((1 << 24) - 1, -150)                                  // 23 ones and G: rounds up to 2^-126
        #expect(carry.carries && carry.region == .subnormal(h: 22))
        let far = classify((1 << 40) | 1, -40)
        #expect(far.sticky && !far.guardBit && far.stickyDistance == 15)
    }
}

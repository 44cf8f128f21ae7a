import FloatArith
import Foundation
import HDL
import Units
import Toolchain

/// One matrix job for an array: `a` is R x K, `b` is K x C (encodings). A job without `last`
/// is abandoned: its beats run, but the next job's clear restarts the accumulators and nothing
/// is drained. `valid[k] == false` makes beat k a bubble: it still carries the job's clear (first
/// beat) or last (last beat) flag, but its operands are not a term of the product.
public struct ArrayJob: Sendable {
    public var label: String
    public var a: [[UInt32]]
    public var b: [[UInt32]]
    public var last = true
    public var valid: [Bool]?
    public var k: Int { b.count }

    public init(_ label: String, a: [[UInt32]], b: [[UInt32]], last: Bool = true, valid: [Bool]? = nil) {
        self.label = label
        self.a = a
        self.b = b
        self.last = last
        self.valid = valid
    }

    public func isValid(beat k: Int) -> Bool { valid?[k] ?? true }

    /// The product terms only: A's columns and B's rows of the valid beats.
    public var terms: (a: [[UInt32]], b: [[UInt32]]) {
        let ks = (0..<k).filter(isValid(beat:))
        return (a.map { row in ks.map { row[$0] } }, ks.map { b[$0] })
    }
}

/// The cycle-level stimulus of a job sequence and the outputs the array must show, per
/// docs/array.md: beats back to back, idle beats only where `in_last` spacing needs them (jobs
/// shorter than C); idle beats carry random operand bits (NaN included), which the array must
/// ignore because in_valid is 0; results of PE(i,j) on row i's port `resultDelay(i,j)` cycles after the last
/// beat. Expected values come from the golden matmul (`Matmul`, `AccumulatorModel`).
public struct ArrayStimulus: Sendable {
    public struct Beat: Sendable {
        public var rst = false, valid = false, clear = false, last = false
        public var a: [UInt32] = [], b: [UInt32] = []
    }
    public struct Output: Sendable {
        public var row: Int, col: Int, job: Int
        public var element: Matmul.Element
    }

    public let design: ArrayDesign
    public private(set) var beats: [Beat] = []
    /// Per cycle, per row: the result the port must carry, or nil (out_valid = 0).
    public private(set) var expected: [[Output?]] = []
    public private(set) var results = 0
    /// Products accumulated (valid beats x R x C), for rates.
    public private(set) var macs = 0
    public private(set) var idleBeats = 0

    public init(design d: ArrayDesign, jobs: [ArrayJob], seed: UInt64 = 1) {
        self.design = d
        let R = d.rows, C = d.cols
        var noise = SplitMix64(seed: seed ^ 0x1d1e_bea7)
        let mask = UInt64((1 << d.format.width) - 1)
        func idle() -> Beat { Beat(a: (0..<R).map { _ in UInt32(noise.next() & mask) }, b: (0..<C).map { _ in UInt32(noise.next() & mask) }) }
        beats.append(Beat(rst: true, a: Array(repeating: 0, count: R), b: Array(repeating: 0, count: C)))
        var prevLast: Int? = nil
        var pending: [(cycle: Int, row: Int, out: Output)] = []
        for (n, job) in jobs.enumerated() {
            precondition(job.a.count == R && job.b.allSatisfy { $0.count == C } && job.a.allSatisfy { $0.count == job.k } && job.k >= 1)
            if job.last, let p = prevLast {
                // in_last beats at least C cycles apart
                while beats.count + job.k - 1 - p < d.minLastSpacing {
                    beats.append(idle())
                    idleBeats += 1
                }
            }
            for k in 0..<job.k {
                beats.append(Beat(valid: job.isValid(beat: k), clear: k == 0, last: job.last && k == job.k - 1,
                                  a: (0..<R).map { job.a[$0][k] }, b: job.b[k]))
            }
            let terms = job.terms
            macs += terms.b.count * R * C
            guard job.last else { continue }
            let t = beats.count - 1
            prevLast = t
            let result = terms.b.isEmpty
                ? Array(repeating: Array(repeating: Matmul.Element(sum: WideInt(width: d.accumulatorWidth), invalid: false), count: C), count: R)
                : d.pe.goldenMatmul(terms.a, terms.b)
            for i in 0..<R {
                for j in 0..<C {
                    pending.append((t + d.resultDelay(row: i, col: j), i, Output(row: i, col: j, job: n, element: result[i][j])))
                }
            }
        }
        let cycles = max(beats.count, (pending.map(\.cycle).max() ?? 0) + 1) + 2
        while beats.count < cycles { beats.append(idle()) }
        expected = Array(repeating: Array(repeating: nil, count: R), count: cycles)
        for p in pending {
            precondition(expected[p.cycle][p.row] == nil, "two results on row \(p.row) in cycle \(p.cycle): the schedule breaks the in_last spacing")
            expected[p.cycle][p.row] = p.out
        }
        results = pending.count
    }

    public var cycles: Int { beats.count }

    /// The stimulus and expected outputs in the one testbench protocol. Every cycle after the
    /// first (whose outputs are the power-up values) checks each row's out_valid; where it is 1,
    /// that row's out_invalid and out_acc too.
    public func trace() -> CycleTrace {
        let d = design, n = d.format.width, W = d.accumulatorWidth
        var t = CycleTrace(d.signature, reserve: cycles)
        for (c, beat) in beats.enumerated() {
            t.addCycle()
            t.drive("rst", beat.rst ? 1 : 0, cycle: c)
            t.drive("in_valid", beat.valid ? 1 : 0, cycle: c)
            t.drive("in_clear", beat.clear ? 1 : 0, cycle: c)
            t.drive("in_last", beat.last ? 1 : 0, cycle: c)
            for (i, a) in beat.a.enumerated() { t.drive("in_a", UInt64(a), cycle: c, at: i * n, width: n) }
            for (j, b) in beat.b.enumerated() { t.drive("in_b", UInt64(b), cycle: c, at: j * n, width: n) }
            guard c > 0 else { continue }
            for (i, o) in expected[c].enumerated() {
                t.expect("out_valid", o == nil ? 0 : 1, cycle: c, at: i, width: 1)
                guard let o else { continue }
                t.expect("out_invalid", o.element.invalid ? 1 : 0, cycle: c, at: i, width: 1)
                for (l, limb) in o.element.sum.limbs.enumerated() where l * 64 < W {
                    t.expect("out_acc", limb, cycle: c, at: i * W + l * 64, width: min(64, W - l * 64))
                }
            }
        }
        return t
    }
}

/// The job lists `rtlgen sim-array` runs: seeded random matrices of normal values quantised to the
/// format (several scales), K = 1, 2, 17 and 256, corner matrices, back-to-back jobs and an
/// abandoned job cleared by the next.
public enum ArrayTestPlan {
    /// Normal values with standard deviation `sigma`, rounded into the format (saturating).
    public static func normalMatrix(rows: Int, cols: Int, sigma: Double, format f: FloatFormat, sampler: inout NormalSampler) -> [[UInt32]] {
        (0..<rows).map { _ in (0..<cols).map { _ in f.encode(sampler.next() * sigma) } }
    }

    public static func randomJob(_ label: String, _ d: ArrayDesign, k: Int, sigma: Double, sampler: inout NormalSampler, last: Bool = true) -> ArrayJob {
        ArrayJob(label, a: normalMatrix(rows: d.rows, cols: k, sigma: sigma, format: d.format, sampler: &sampler),
                 b: normalMatrix(rows: k, cols: d.cols, sigma: sigma, format: d.format, sampler: &sampler), last: last)
    }

    /// Corner matrices for one design.
    public static func cornerJobs(_ d: ArrayDesign, sampler: inout NormalSampler) -> [ArrayJob] {
        let f = d.format, R = d.rows, C = d.cols
        let maxF = f.maxFinite, neg = f.signMask
        var jobs: [ArrayJob] = []
        // every entry max finite: every product saturates (or is max^2 exactly in a wide format)
        jobs.append(ArrayJob("all max finite", a: Array(repeating: Array(repeating: maxF, count: 17), count: R),
                             b: Array(repeating: Array(repeating: maxF, count: C), count: 17)))
        jobs.append(ArrayJob("max finite, signs mixed", a: (0..<R).map { i in (0..<17).map { k in (i + k) % 3 == 0 ? maxF | neg : maxF } },
                             b: Array(repeating: Array(repeating: maxF, count: C), count: 17)))
        // alternating signs that cancel exactly: beats 2m and 2m+1 give x*y and x*(-y)
        let x = normalMatrix(rows: R, cols: 8, sigma: 4, format: f, sampler: &sampler)
        let y = normalMatrix(rows: 8, cols: C, sigma: 4, format: f, sampler: &sampler)
        jobs.append(ArrayJob("alternating signs cancel", a: (0..<R).map { i in (0..<16).map { x[i][$0 / 2] } },
                             b: (0..<16).map { k in y[k / 2].map { k % 2 == 0 ? $0 : $0 ^ neg } }))
        // zeros of both signs
        jobs.append(ArrayJob("zeros", a: (0..<R).map { i in (0..<3).map { k in (i + k) % 2 == 0 ? 0 : neg } },
                             b: (0..<3).map { k in (0..<C).map { j in (k + j) % 2 == 0 ? neg : 0 } }))
        // subnormals times normals of a few binades, and subnormal times subnormal
        var rng = sampler.rng
        let sub = { (r: inout SplitMix64) -> UInt32 in
            let frac = UInt32(r.next() % UInt64(f.fractionMask)) + 1
            return (r.next() & 1 == 1 ? neg : 0) | frac
        }
        jobs.append(ArrayJob("subnormal x normal", a: (0..<R).map { _ in (0..<17).map { _ in sub(&rng) } },
                             b: normalMatrix(rows: 17, cols: C, sigma: 64, format: f, sampler: &sampler)))
        jobs.append(ArrayJob("subnormal x subnormal", a: (0..<R).map { _ in (0..<5).map { _ in sub(&rng) } },
                             b: (0..<5).map { _ in (0..<C).map { _ in sub(&rng) } }))
        // NaN (and infinity where the format has one) entries: the PEs they reach set invalid
        // (a finite format has neither: its all-ones encodings are covered by the max-finite jobs)
        var a = normalMatrix(rows: R, cols: 17, sigma: 2, format: f, sampler: &sampler)
        var b = normalMatrix(rows: 17, cols: C, sigma: 2, format: f, sampler: &sampler)
        if f.hasNaN {
            a[0][3] = f.canonicalNaN
            a[R - 1][9] = f.canonicalNaN | neg
            b[12][C - 1] = f.canonicalNaN
            if let inf = f.infinity {
                a[R / 2][5] = inf
                b[14][C / 2] = inf | neg
                b[5][0] = 0           // inf * 0: NaN in PE(R/2, 0)
            }
            jobs.append(ArrayJob("NaN and inf entries", a: a, b: b))
        }
        // bubbles: beats with in_valid = 0 inside a job (the first, carrying in_clear, and the last,
        // carrying in_last, among them) whose operands are random bits with NaNs: not terms
        let k = 12
        let bubble: Set<Int> = [0, 3, 4, 7, k - 1]
        let noise = { (r: inout SplitMix64) -> UInt32 in UInt32(r.next() & UInt64((1 << f.width) - 1)) }
        a = normalMatrix(rows: R, cols: k, sigma: 2, format: f, sampler: &sampler)
        b = normalMatrix(rows: k, cols: C, sigma: 2, format: f, sampler: &sampler)
        for kk in bubble {
            for i in 0..<R { a[i][kk] = kk == 3 && f.hasNaN ? f.canonicalNaN : noise(&rng) }
            for j in 0..<C { b[kk][j] = noise(&rng) }
        }
        jobs.append(ArrayJob("bubbles (in_valid = 0 beats with NaN and random operands)", a: a, b: b,
                             valid: (0..<k).map { !bubble.contains($0) }))
        jobs.append(ArrayJob("only bubbles (every beat in_valid = 0)", a: (0..<R).map { _ in [f.hasNaN ? f.canonicalNaN : noise(&rng), noise(&rng)] },
                             b: (0..<2).map { _ in (0..<C).map { _ in noise(&rng) } }, valid: [false, false]))
        if let acc = d.pe.floatAccumulator { jobs += floatCornerJobs(d, acc, sampler: &sampler) }
        return jobs
    }

    /// The corners of a floating-point accumulator (SPEC "Floating-point accumulation"): sums that
    /// overflow to infinity (where the accumulation format's range allows), inf + (-inf), exact
    /// cancellation reached from either sign, the order of the beats deciding a rounded sum, and
    /// sums in the accumulation format's subnormal range (where the element format reaches it).
    static func floatCornerJobs(_ d: ArrayDesign, _ acc: FloatFormat, sampler: inout NormalSampler) -> [ArrayJob] {
        let f = d.format, R = d.rows, C = d.cols, neg = f.signMask, one = f.encode(1)
        var jobs: [ArrayJob] = []
        let ones = { (k: Int) in (0..<k).map { _ in Array(repeating: one, count: C) } }
        // 256 products of max magnitude: past fp16's range for the 8-bit formats, exact in fp32
        jobs.append(ArrayJob("float: 256 max-magnitude products (overflow to infinity where the range ends)",
                             a: (0..<R).map { i in Array(repeating: i % 2 == 0 ? f.maxFinite : f.maxFinite | neg, count: 256) }, b: ones(256)))
        if let inf = f.infinity {
            jobs.append(ArrayJob("float: inf + (-inf) and inf + finite", a: (0..<R).map { i in i % 2 == 0 ? [inf, one, inf | neg] : [one, inf, one] }, b: ones(3)))
        }
        // x, then -x: exact cancellation to +0 from either sign, then a small term after it
        let x = normalMatrix(rows: R, cols: 1, sigma: 8, format: f, sampler: &sampler)
        let small = f.encode(0.125)
        jobs.append(ArrayJob("float: cancellation from + then -, and - then +",
                             a: (0..<R).map { i in i % 2 == 0 ? [x[i][0], x[i][0] ^ neg] : [x[i][0] ^ neg, x[i][0]] }, b: ones(2)))
        jobs.append(ArrayJob("float: cancellation, then a small term",
                             a: (0..<R).map { i in [x[i][0], x[i][0] ^ neg, small] }, b: ones(3)))
        // a large term absorbs small ones that would survive in another order
        let big = f.encode(Swift.min(f.doubleValue(f.maxFinite), 4096)), tiny = UInt32(1)    // the smallest subnormal
        jobs.append(ArrayJob("float: order decides (big + tiny - big vs big - big + tiny)",
                             a: (0..<R).map { i in i % 2 == 0 ? [big, tiny, big | neg] : [big, big | neg, tiny] }, b: ones(3)))
        // element subnormals and their sums (subnormal in the accumulation format where its range reaches them)
        func subnormal(_ i: Int, _ k: Int) -> UInt32 {
            let magnitude = UInt32(1 + (i + k) % 3)
            return (i + k) % 4 == 3 ? magnitude | neg : magnitude
        }
        jobs.append(ArrayJob("float: sums of the smallest subnormals", a: (0..<R).map { i in (0..<9).map { k in subnormal(i, k) } }, b: ones(9)))
        if let tie = stickyTie(d, acc) {
            jobs.append(ArrayJob("float: round to nearest even decided by the sticky bit (a term just above half an ulp of a sum ~2^\(acc.mantissaBits + 1) times larger)"
                                 + (d.pe.hasPartialSums ? ", all in partial sum 0" : ""),
                                 a: (0..<R).map { _ in tie.a }, b: tie.b.map { Array(repeating: $0, count: C) }))
        }
        if d.pe.hasPartialSums, let halves = partialSumHalves(d, acc) {
            jobs.append(ArrayJob("float: L partial sums decide (two half-ulp terms, bubbles between, in partial sum 1: exact there, each a tie to even in sequence)",
                                 a: (0..<R).map { _ in halves.a }, b: halves.b.map { Array(repeating: $0, count: C) }, valid: halves.valid))
        }
        if d.pe.accumulatorStages >= 3, let order = partialSumOrder(d, acc) {
            jobs.append(ArrayJob("float: the combine order decides (S in partial sum 0, a term just above half an ulp in 1, minus half an ulp in 2)",
                                 a: (0..<R).map { _ in order.a }, b: order.b.map { Array(repeating: $0, count: C) }))
        }
        return jobs
    }

    /// SPEC "Pipelined PEs", L >= 3: a sum S of n maximal products in partial sum 0, a product p
    /// between half and one ulp of S in partial sum 1, minus half an ulp in partial sum 2 (the
    /// other partial sums +0): SPEC's `(S + p) - h` rounds S + ulp - h, a tie, to the even S, while
    /// `(S - h) + p` gives S + ulp. A combine in another order changes the result. Chosen from the
    /// golden model (both orders computed); nil if no such pair.
    static func partialSumOrder(_ d: ArrayDesign, _ acc: FloatFormat) -> (a: [UInt32], b: [UInt32])? {
        let f = d.format, unit = d.unit, one = f.encode(1), l = d.pe.accumulatorStages
        let bigP = FPAdd.widen(unit(f.maxFinite, one), from: f, to: acc)
        var smalls: [(element: UInt32, product: UInt32)] = []
        for small in 0..<(UInt32(1) << UInt32(f.width)) {
            let p = FPAdd.widen(unit(small, one), from: f, to: acc)
            if acc.classify(p) == .normal { smalls.append((small, p)) }
        }
        var sum: UInt32 = 0
        for n in 1...4096 {
            sum = FPAdd.add(sum, bigP, acc)
            guard acc.classify(sum) == .normal, sum & 1 == 0 else { continue }
            let ulp = acc.doubleValue(sum + 1) - acc.doubleValue(sum)
            guard let h = smalls.first(where: { acc.doubleValue($0.product) == -ulp / 2 }) else { continue }
            for p in smalls where acc.doubleValue(p.product) > ulp / 2 && acc.doubleValue(p.product) < ulp {
                let spec = FPAdd.add(FPAdd.add(sum, p.product, acc), h.product, acc)
                let swapped = FPAdd.add(FPAdd.add(sum, h.product, acc), p.product, acc)
                guard spec != swapped else { continue }
                let bigs = (0..<n).flatMap { _ in [f.maxFinite] + [UInt32](repeating: 0, count: l - 1) }
                let a = bigs + [0, p.element, h.element] + [UInt32](repeating: 0, count: l - 3)
                return (a, [UInt32](repeating: one, count: a.count))
            }
        }
        return nil
    }

    /// SPEC "Pipelined PEs", L >= 2: a sum S of n maximal products in partial sum 0 (the other
    /// partial sums get +0 products), then two products of exactly half an ulp of S in partial
    /// sum 1, each after a bubble (in_valid = 0, NaN operands): one partial sum at a time they
    /// are 2h = ulp(S), so the result is S + ulp; added in sequence each would be a tie to the
    /// even S. A beat put in the wrong partial sum, a bubble counted as a beat or a partial sum
    /// combined wrongly changes the result. Chosen from the golden model; nil if no such pair.
    static func partialSumHalves(_ d: ArrayDesign, _ acc: FloatFormat) -> (a: [UInt32], b: [UInt32], valid: [Bool])? {
        let f = d.format, unit = d.unit, one = f.encode(1), zero: UInt32 = 0, l = d.pe.accumulatorStages
        let bigP = FPAdd.widen(unit(f.maxFinite, one), from: f, to: acc)
        var smalls: [UInt32: UInt32] = [:]     // product bits in acc -> the element giving it (times 1.0)
        for small in 0..<(UInt32(1) << UInt32(f.width)) where small & f.signMask == 0 {
            let p = FPAdd.widen(unit(small, one), from: f, to: acc)
            if acc.classify(p) == .normal && smalls[p] == nil { smalls[p] = small }
        }
        var sum: UInt32 = 0
        for n in 1...4096 {
            sum = FPAdd.add(sum, bigP, acc)
            guard acc.classify(sum) == .normal, sum & 1 == 0 else { continue }
            let ulp = acc.doubleValue(sum + 1) - acc.doubleValue(sum)
            guard let hBits = smalls.keys.sorted().first(where: { acc.doubleValue($0) == ulp / 2 }), let h = smalls[hBits] else { continue }
            var a: [UInt32] = [], valid: [Bool] = []
            for _ in 0..<n {
                a += [f.maxFinite] + [UInt32](repeating: zero, count: l - 1)
                valid += [Bool](repeating: true, count: l)
            }
            for _ in 0..<2 {
                // beat index = 0 mod L: +0 into partial sum 0; a bubble; h into partial sum 1; +0 into the rest
                a += [zero, f.hasNaN ? f.canonicalNaN : f.maxFinite, h] + [UInt32](repeating: zero, count: l - 2)
                valid += [true, false, true] + [Bool](repeating: true, count: l - 2)
            }
            return (a, [UInt32](repeating: one, count: a.count), valid)
        }
        return nil
    }

    /// Beats whose golden sum `big` is many (up to 2,048) maximal products and then one small
    /// product `p` with `p / ulp(big)` strictly between 1/2 and 3/4 and not a multiple of 1/4:
    /// guard 1, round 0, sticky 1, so only the sticky bit tells the sum to round up rather than tie
    /// to even (the sum's last bit is even); `big` is about 2^(M+1) times `p`. Chosen from the
    /// golden model (the unit's own products); nil when the formats have no such pair.
    /// With L >= 2 partial sums (SPEC "Pipelined PEs") every big product is followed by L - 1
    /// +0 products, so the whole sum, and the small term, are in partial sum 0 and the tie is the same.
    static func stickyTie(_ d: ArrayDesign, _ acc: FloatFormat) -> (a: [UInt32], b: [UInt32])? {
        let f = d.format, unit = d.unit, one = f.encode(1), l = d.pe.accumulatorStages
        let bigP = FPAdd.widen(unit(f.maxFinite, one), from: f, to: acc)
        var smalls: [(UInt32, Double)] = []
        for small in 0..<(UInt32(1) << UInt32(f.width)) where small & f.signMask == 0 {
            let p = FPAdd.widen(unit(small, one), from: f, to: acc)
            if acc.classify(p) == .normal || acc.classify(p) == .subnormal { smalls.append((small, acc.doubleValue(p))) }
        }
        var sum: UInt32 = 0
        for n in 1...2048 {
            sum = FPAdd.add(sum, bigP, acc)
            guard acc.classify(sum) == .normal, sum & 1 == 0 else { continue }
            let ulp = acc.doubleValue(sum + 1) - acc.doubleValue(sum)
            for (small, p) in smalls {
                let q = p / ulp
                if q > 0.5 && q < 0.75 && (q * 4).rounded() != q * 4 {
                    let bigs = (0..<n).flatMap { _ in [f.maxFinite] + [UInt32](repeating: 0, count: l - 1) }
                    return (bigs + [small], [UInt32](repeating: one, count: bigs.count + 1))
                }
            }
        }
        return nil
    }

    /// The standard list: random jobs of K = 1 (three back to back), 2, 17 (twice), 256, then the
    /// corners, an abandoned job, and a closing random job.
    public static func standard(_ d: ArrayDesign, seed: UInt64 = 1) -> [ArrayJob] {
        var s = NormalSampler(seed: seed &+ UInt64(d.rows * 1000 + d.cols))
        var jobs: [ArrayJob] = []
        for n in 0..<3 { jobs.append(randomJob("random K=1 #\(n)", d, k: 1, sigma: 1, sampler: &s)) }
        jobs.append(randomJob("random K=2", d, k: 2, sigma: 1, sampler: &s))
        jobs.append(randomJob("random K=17 sigma 1", d, k: 17, sigma: 1, sampler: &s))
        jobs.append(randomJob("random K=17 sigma 16", d, k: 17, sigma: 16, sampler: &s))
        jobs.append(randomJob("random K=256 sigma 1", d, k: 256, sigma: 1, sampler: &s))
        jobs += cornerJobs(d, sampler: &s)
        jobs.append(randomJob("abandoned (no last beat)", d, k: 5, sigma: 8, sampler: &s, last: false))
        jobs.append(randomJob("random K=17 sigma 0.25 after the abandoned job", d, k: 17, sigma: 0.25, sampler: &s))
        jobs.append(randomJob("random K=2 sigma 4", d, k: 2, sigma: 4, sampler: &s))
        return jobs
    }
}

/// Runs array designs on Verilator and Icarus through the one cycle testbench (`CycleTestbench`)
/// against the golden stimulus and expected outputs.
public struct ArraySimulation: Sendable {
    public var rtlDirectory: String
    public var designs: [ArrayDesign]
    public var simulators: [SimulatorKind] = [.verilator, .icarus]
    public var buildDirectory = "build/sim-array"
    public var testbenchDirectory = "testbench"
    public var report = 10
    public var jobs = 2
    public var seed: UInt64 = 1
    /// Seconds one simulation run may take (a FAIL row past it); nil: `ToolBudget.simulation`'s
    /// limit for the array and its trace.
    public var timeLimit: Double? = nil
    /// No progress lines (mutation runs call this once per mutant).
    public var quiet = false
    /// Replaces the standard job list (benchmarks, tests).
    public var jobList: (@Sendable (ArrayDesign) -> [ArrayJob])?

    public init(rtlDirectory: String, designs: [ArrayDesign]) {
        self.rtlDirectory = rtlDirectory
        self.designs = designs
    }

    public struct Outcome: Sendable {
        public let design: ArrayDesign
        public let simulator: SimulatorKind
        public let cycles: Int
        public let expectedResults: Int
        public let results: Int
        public let mismatches: Int
        public let macs: Int
        public let seconds: Double
        /// The clocked loop alone (Verilator), when the testbench reported it.
        public let simSeconds: Double?
        public let failure: String?
        public let firstMismatches: [String]
        public var passed: Bool { failure == nil && mismatches == 0 && results == expectedResults && results > 0 }
    }

    public func run(log: @escaping @Sendable (String) -> Void) throws -> [Outcome] {
        try Tools.require(simulators)
        for d in designs {
            for m in try d.modules() where !FileManager.default.fileExists(atPath: "\(rtlDirectory)/\(m.name).v") {
                throw HarnessError("\(rtlDirectory)/\(m.name).v not found; generate it with: \(d.command) --out \(rtlDirectory)")
            }
        }
        var tasks: [Task] = []
        for d in designs {
            let s = ArrayStimulus(design: d, jobs: jobList?(d) ?? ArrayTestPlan.standard(d, seed: seed), seed: seed)
            let trace = s.trace()
            tasks.append(Task(design: d, stimulus: s, trace: trace,
                              files: try CycleTestbench.write(trace, name: d.moduleName, directory: "\(buildDirectory)/vectors")))
        }
        let runtime = simulators.contains(.verilator)
            ? try Verilator.runtime(buildDirectory: "build/sim", testbench: "\(testbenchDirectory)/\(CycleTestbench.verilatorFile)", log: log) : []
        let me = self
        let models = ModelBuilds.build(tasks.flatMap { t in simulators.map { (t, $0) } }, module: { $0.design.moduleName }, jobs: jobs,
                                       command: "sim-array", quiet: quiet, log: log) { task, sim in
            me.build(task, sim, runtime: runtime)
        }
        var outcomes: [Outcome] = []
        for t in tasks {
            for sim in simulators {
                switch models["\(sim.rawValue)/\(t.design.moduleName)"]! {
                case .failure(let f):
                    outcomes.append(Outcome(design: t.design, simulator: sim, cycles: t.stimulus.cycles, expectedResults: t.stimulus.results, results: 0,
                                            mismatches: 0, macs: t.stimulus.macs, seconds: 0, simSeconds: nil, failure: f.message, firstMismatches: []))
                case .success(let exe):
                    outcomes.append(runOne(t, sim, exe))
                }
            }
        }
        return outcomes
    }

    struct Task: Sendable {
        let design: ArrayDesign
        let stimulus: ArrayStimulus
        let trace: CycleTrace
        let files: (stimulus: String, expected: String)
    }

    func build(_ t: Task, _ sim: SimulatorKind, runtime: [String]) -> Result<String, BuildFailure> {
        let d = t.design
        let rtl = URL(fileURLWithPath: rtlDirectory).standardizedFileURL.path
        let modules: [Module]
        do { modules = try d.modules() } catch { return .failure(BuildFailure(message: "cannot elaborate \(d.moduleName): \(error)")) }
        // the top module's file first, then the files of the modules it instantiates (found through -y)
        let files = ["\(rtl)/\(d.fileName)"] + modules.dropLast().map { "\(rtl)/\($0.name).v" }
        let dir = "\(buildDirectory)/\(sim.rawValue)/\(d.moduleName)"
        switch sim {
        case .verilator:
            return CycleTestbench.verilator(d, files: files, libraries: [rtl], directory: dir, testbench: testbenchDirectory, runtime: runtime)
        case .icarus:
            return CycleTestbench.icarus(d, files: files, libraries: [rtl], cycles: t.trace.cycles, report: report, directory: dir,
                                         testbench: testbenchDirectory)
        }
    }

    func runOne(_ t: Task, _ sim: SimulatorKind, _ exe: String) -> Outcome {
        let d = t.design, s = t.stimulus
        let start = monotonicSeconds()
        let r = CycleTestbench.run(sim, d, executable: exe, trace: t.trace, files: t.files, report: report, timeLimit: timeLimit)
        let seconds = monotonicSeconds() - start
        // a run that applied every cycle checked every result the stimulus expects
        let results = r.cycles == s.cycles ? s.results : 0
        return Outcome(design: d, simulator: sim, cycles: r.cycles ?? 0, expectedResults: s.results, results: results,
                       mismatches: r.mismatchCount ?? 0, macs: s.macs, seconds: seconds, simSeconds: r.simSeconds, failure: r.failure,
                       firstMismatches: r.mismatches.flatMap { describeMismatch(d, s, $0) })
    }

    /// "cycle 412, row 2 (PE(2,1) of job 7): acc expected ... got ...", one line per row and port
    /// that differs.
    func describeMismatch(_ d: ArrayDesign, _ s: ArrayStimulus, _ m: CycleMismatch) -> [String] {
        let sig = d.signature, W = d.accumulatorWidth
        var lines: [String] = []
        for i in 0..<d.rows {
            var what = "cycle \(m.cycle), row \(i)"
            if m.cycle < s.expected.count, let o = s.expected[m.cycle][i] {
                what += " (PE(\(o.row),\(o.col)) of job \(o.job))"
            } else {
                what += " (no result due)"
            }
            func text(_ v: UInt64?) -> String { v.map { String($0, radix: 16) } ?? "x" }
            if let (e, g) = m.differs(sig, "out_valid", at: i, width: 1) { lines.append("  \(what): valid expected \(e), got \(text(g))") }
            if let (e, g) = m.differs(sig, "out_invalid", at: i, width: 1) { lines.append("  \(what): invalid expected \(e), got \(text(g))") }
            let lo = sig.offset(of: "out_acc") + i * W
            let limbs = (W + 63) / 64
            let e = (0..<limbs).compactMap { m.expected.field(lo + $0 * 64, min(64, W - $0 * 64)) }
            let g = (0..<limbs).compactMap { m.got.field(lo + $0 * 64, min(64, W - $0 * 64)) }
            let checked = (0..<limbs).contains { (m.mask.field(lo + $0 * 64, min(64, W - $0 * 64)) ?? 0) != 0 }
            if checked, e != g {
                let eHex = hex(e, W), gHex = g.count == limbs ? hex(g, W) : "x"
                let gValue = g.count == limbs ? "\(d.pe.value(ofAccumulator: WideInt(width: W, limbs: g)))" : "x"
                lines.append("  \(what): acc expected \(eHex) (\(d.pe.value(ofAccumulator: WideInt(width: W, limbs: e)))), got \(gHex) (\(gValue))")
            }
        }
        return lines
    }

    func hex(_ limbs: [UInt64], _ width: Int) -> String {
        var out = ""
        CycleTrace.appendHex(&out, limbs, base: 0, width: width)
        return out
    }

    public static func render(_ outcomes: [Outcome], decode: Int = 3) -> String {
        var table = TextTable(header: ["array", "simulator", "cycles", "results", "mismatches", "seconds", "MAC/s", "result"],
                              rightAligned: [2, 3, 4, 5, 6])
        for o in outcomes {
            let t = o.simSeconds ?? o.seconds
            table.rows.append([o.design.moduleName, o.simulator.rawValue, "\(o.cycles)", "\(o.results)/\(o.expectedResults)", "\(o.mismatches)",
                               String(format: "%.2f", o.seconds), t > 0 ? compactCount(Double(o.macs) / t) : "-", SimulationReport.verdict(o.passed, o.failure)])
        }
        return SimulationReport.checks(table, outcomes, passed: \.passed,
                                       error: { o in o.failure.map { "\(o.design.moduleName) on \(o.simulator.rawValue): \($0)" } }) { o in
            "FAIL \(o.design.moduleName) on \(o.simulator.rawValue): \(counted(o.mismatches, "mismatch", "mismatches")), \(o.results) of \(counted(o.expectedResults, "result")) seen (SPEC \"Processing elements and arrays\"; protocol docs/array.md); first \(min(decode, o.firstMismatches.count)):\n"
                + o.firstMismatches.prefix(decode).map { $0 + "\n" }.joined()
        }
    }
}

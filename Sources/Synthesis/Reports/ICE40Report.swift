import FloatArith
import Foundation
import Units

/// The iCE40 part of the synthesis report: the backend's setup and one row per design.
public struct ICE40Section: Codable, Sendable, Equatable {
    public var device: String
    public var tools: [String]
    public var seed: Int
    public var targetMHz: Int
    public var rows: [ICE40Row]

    enum CodingKeys: String, CodingKey { case device, tools, seed, rows, targetMHz = "target_mhz" }

    public init(backend: ICE40Backend, rows: [ICE40Row]) {
        device = "iCE40 \(backend.device.uppercased()) (\(backend.package))"
        tools = (try? backend.inputs().filter { ["yosys", "nextpnr"].contains($0.0) }.map(\.1)) ?? []
        seed = backend.seed
        targetMHz = backend.targetMHz
        self.rows = rows
    }

    /// L-Mul's LCs and fmax over each baseline's, per format, from the unit rows (roles, not names).
    public func ratios(kinds: [UnitKind]) -> [(format: FloatFormat, unit: UnitKind, baseline: UnitKind, lc: Double, fmax: Double)] {
        guard let l = kinds.paperSubject else { return [] }
        var out: [(FloatFormat, UnitKind, UnitKind, Double, Double)] = []
        var formats: [FloatFormat] = []
        for r in rows where r.kind == "unit" && !formats.contains(r.format) { formats.append(r.format) }
        for f in formats {
            guard let u = rows.first(where: { $0.kind == "unit" && $0.format == f && $0.unit == l && $0.overflow == .saturate }) else { continue }
            for b in l.baselines.filter(kinds.contains) {
                guard let base = rows.first(where: { $0.kind == "unit" && $0.format == f && $0.unit == b && $0.overflow == .saturate }),
                      let ul = u.metrics["lc"], let bl = base.metrics["lc"], let uf = u.metrics["fmax"], let bf = base.metrics["fmax"] else { continue }
                out.append((f, l, b, SynthesisReport.r3(ul / bl), SynthesisReport.r3(uf / bf)))
            }
        }
        return out
    }
}

extension SynthesisReport {
    func ice40Section() -> String {
        guard let section = ice40, !section.rows.isEmpty else { return "" }
        let defs = ICE40Backend().metrics
        var s = """
        ## FPGA: iCE40 UP5K

        Each design placed and routed on the \(section.device) by \(section.tools.joined(separator: " and ")): yosys
        `synth_ice40` (no `-dsp`: no multiplier is mapped to the SB_MAC16 DSP blocks, so products are built from LUTs and
        carry chains), then `nextpnr-ice40 --up5k --package sg48 --freq \(section.targetMHz) --seed \(section.seed)`. The
        design sits inside one wrapper for all rows: its inputs come from a shift register loaded one bit per cycle
        from a pin, its outputs are registered and their parity drives the one output pin, so every path is register to
        register and *fmax* is nextpnr's post-route estimate for the design's slowest register-to-register path, at
        one seed (other seeds move it by a few percent). *Logic cells* (ICESTORM_LC, a 4-input LUT with an optional
        flip-flop and carry) include the wrapper's flip-flops (one per input and output bit) and its parity tree (about
        one LUT per three output bits). The netlists are not proven equal to the RTL here (the ASIC flow's are); the
        figures are the tools' reports. Transistors and standard-cell area are the ASIC rows' above, where measured.


        """
        s += "| design | kind | " + defs.map { "\($0.title) (\($0.unit))" }.joined(separator: " | ") + " | transistors | standard-cell area (um2) |\n"
        s += "|---|---|" + String(repeating: "---:|", count: defs.count + 2) + "\n"
        for r in section.rows {
            var asic: (Int, Double?)?
            switch r.kind {
            case "unit":
                if let u = units.first(where: { $0.module == r.module }) { asic = (u.transistors, u.liberty?.area) }
            case "pe":
                if let p = pes.first(where: { $0.module == r.module }) { asic = (p.transistors, p.liberty?.area) }
            default:
                if let a = arrays.first(where: { $0.module == r.module }) { asic = (a.transistors, a.liberty?.area) }
            }
            let cells = defs.map { d in r.metrics[d.key].map { Self.fixed($0, d.decimals) } ?? "—" }
            let t = asic.map { Self.grouped($0.0) } ?? "—"
            let area = asic?.1.map { Self.area($0) } ?? "—"
            s += "| `\(r.module)` | \(r.kind)\(r.accumulation.map { " (\($0))" } ?? "") | " + cells.joined(separator: " | ") + " | \(t) | \(area) |\n"
        }
        let ratios = section.ratios(kinds: kinds)
        if !ratios.isEmpty {
            s += "\n" + ratios.map { r in
                "\(r.format.tag): `\(r.unit)` takes \(Self.fixed(r.lc, 3)) of `\(r.baseline)`'s logic cells at \(Self.fixed(r.fmax, 3)) times its fmax."
            }.joined(separator: " ") + "\n"
        }
        s += "\n"
        return s
    }
}

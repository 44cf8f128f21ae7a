import FloatArith
import Foundation
import Generation
import Toolchain
import Units

/// The MX dot products on the iCE40 UP5K (`ICE40Backend`, its wrapper and seed): a K = 32 block of
/// exact multipliers may not fit the device's 5,280 logic cells. A design that does not fit is a
/// row saying so (with the cells it needs when nextpnr says), and the largest smaller K that fits
/// is measured as a row of its own.
public enum MXDotICE40 {
    public static let deviceCells = 5280

    /// One design's iCE40 result: its metrics, or that it does not fit.
    public struct Row: Codable, Sendable, Equatable {
        public var module: String
        public var unit: UnitKind
        public var element: String
        public var blockSize: Int
        public var fits: Bool
        /// Logic cells nextpnr's packer asked for when the design does not fit (nil: not reported).
        public var cellsNeeded: Int?
        public var metrics: [Metric]

        enum CodingKeys: String, CodingKey {
            case module, unit, element, fits, metrics
            case blockSize = "block_size", cellsNeeded = "cells_needed"
        }
    }

    /// The job of one design (its generated files, the backend's inputs, this code).
    static func job(_ measured: MeasuredDesign, top: String, backend: ICE40Backend) throws -> CostJob {
        var job = CostJob("ice40 mxdot \(top)")
        for f in measured.sources { try job.addFile("rtl.\((f as NSString).lastPathComponent)", path: f) }
        try job.add(backend: backend)
        try job.add(backend: MXDotSynthesis.backend)
        return job
    }

    /// `design` placed and routed, or "does not fit".
    public static func measure(_ design: MXDotDesign, backend: ICE40Backend, work: String, cache: CostCache?) throws -> Row {
        let dir = (work as NSString).appendingPathComponent("ice40-mx/\(design.moduleName)")
        let measured = try MeasuredDesign(design, directory: (dir as NSString).appendingPathComponent("rtl"))
        let pnr = (dir as NSString).appendingPathComponent("pnr")
        let run = { () throws -> Row in
            do {
                let metrics = try backend.measure(measured, work: pnr)
                return Row(module: design.moduleName, unit: design.kind, element: design.element.tag, blockSize: design.blockSize,
                           fits: true, cellsNeeded: nil, metrics: metrics)
            } catch let failure as SynthesisFlow.Failure {
                // nextpnr refuses a design larger than the device: its log's utilisation line says by how much
                let log = (try? String(contentsOfFile: (pnr as NSString).appendingPathComponent("nextpnr.log"), encoding: .utf8)) ?? ""
                guard let needed = overUtilised(log) else { throw failure }
                return Row(module: design.moduleName, unit: design.kind, element: design.element.tag, blockSize: design.blockSize,
                           fits: false, cellsNeeded: needed, metrics: [])
            }
        }
        guard let cache else { return try run() }
        return try cache.result(try job(measured, top: design.moduleName, backend: backend), run)
    }

    /// The logic cells of a log whose ICESTORM_LC utilisation is over the device's, else nil.
    public static func overUtilised(_ log: String) -> Int? {
        for line in log.split(separator: "\n") {
            guard let r = line.range(of: "ICESTORM_LC:") else { continue }
            let fields = line[r.upperBound...].split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2, let used = Int(fields[0]),
                  let total = Int(fields[1].split(separator: " ").first ?? "") else { continue }
            if used > total { return used }
        }
        return nil
    }

    /// Each design at its K, then, for one that does not fit, the largest smaller K that does.
    public static func run(_ designs: [MXDotDesign], backend: ICE40Backend, work: String, cache: CostCache?, jobs: Int,
                           progress: @escaping @Sendable (String) -> Void) throws -> [Row] {
        let outcomes = WorkerPool.map(designs.count, jobs: jobs) { i -> Result<[Row], SynthesisFlow.Failure> in
            do {
                var rows: [Row] = []
                var d = designs[i]
                while true {
                    let t0 = monotonicSeconds()
                    let r = try measure(d, backend: backend, work: work, cache: cache)
                    rows.append(r)
                    progress(r.fits
                             ? String(format: "ice40 %-28@ %5.0f LCs %5.1f MHz  %.1f s", r.module as NSString, r.metrics["lc"] ?? 0, r.metrics["fmax"] ?? 0, monotonicSeconds() - t0)
                             : String(format: "ice40 %-28@ does not fit (%@ LCs of %d)  %.1f s", r.module as NSString,
                                      (r.cellsNeeded.map(String.init) ?? "?") as NSString, deviceCells, monotonicSeconds() - t0))
                    guard !r.fits, d.blockSize > 1 else { break }
                    d = try MXDotDesign(d.kind, try BlockFormat(element: d.element, blockSize: d.blockSize / 2), stages: d.stages)
                }
                return .success(rows)
            } catch {
                return .failure(error as? SynthesisFlow.Failure ?? SynthesisFlow.Failure(description: "\(error)"))
            }
        }
        return try outcomes.flatMap { try $0.get() }
    }
}

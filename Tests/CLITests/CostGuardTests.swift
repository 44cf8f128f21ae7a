import Foundation
import Testing

/// The guard of the version-keyed cost cache: a job's key holds what the tools are given and each
/// backend's hand-raised version, not the Swift code that reads the tools' output. So a change of
/// that code without a version raise would leave committed results current that the code no longer
/// reproduces. Here every backend re-measures one small design afresh (the e4m3 L-Mul unit through
/// generic gates, standard cells, timed activity, iCE40 and the clocked search; the K = 2 e2m1fn
/// L-Mul MX dot through the MX, iCE40 and timed-MX jobs) and each result must be committed in
/// synth/results under the same key with the same figures.
@Suite(.serialized) struct CostGuardTests {
    @Test func everyBackendReproducesItsCommittedResult() throws {
        let cli = CLITests()
        let dir = cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try cli.rtlgen([
            "synth", "--files", "rtl/lmul_e4m3.v", "--out", dir + "/report", "--cache", dir + "/cache", "--work", dir + "/work",
            "--behavioural", "none", "--no-effort", "--pe-units", "none", "--ice40-formats", "e4m3", "--ice40-array-sizes", "none",
            "--mx-units", "lmul", "--mx-formats", "e2m1fn", "--mx-block", "2", "--mx-timed-formats", "e2m1fn",
            "--clocks", "100", "--clock-formats", "e4m3", "--clock-units", "lmul", "--clock-pe-acc", "none",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let fresh = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/cache"))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
        var backends = Set<String>()
        for name in fresh {
            let measured = try Data(contentsOf: URL(fileURLWithPath: dir + "/cache/" + name))
            let stored = try JSONSerialization.jsonObject(with: measured) as? [String: Any] ?? [:]
            let job = stored["job"] as? String ?? name
            for line in stored["inputs"] as? [String] ?? [] where line.contains(".version=") {
                backends.insert(String(line.prefix { $0 != "." }))
            }
            guard let committed = FileManager.default.contents(atPath: "synth/results/" + name) else {
                Issue.record("\(job): no committed result under its key \(name); its tool inputs changed: run make synth and commit synth/results")
                continue
            }
            // the same key, so the same file byte for byte: figures, inputs and checksum
            #expect(committed == measured, "\(job): re-measured figures differ from the committed ones; raise the backend's version")
        }
        #expect(backends == ["generic", "stdcell", "timed", "ice40", "clocked", "mxdot", "timed_mx"], "backends exercised: \(backends.sorted())")
    }
}

import Foundation

/// Builds one simulator model per (task, simulator), `jobs` at a time, behind a progress line
/// `<command>: building models`, and logs `<command>: built N models in T s`. Results are keyed
/// `"<simulator>/<module>"`. `rtlgen sim` (units) and `rtlgen sim-array` both build this way.
enum ModelBuilds {
    static func build<Task: Sendable>(_ tasks: [(Task, SimulatorKind)], module: (Task) -> String, jobs: Int, command: String,
                                      quiet: Bool = false, log: (String) -> Void,
                                      _ make: @escaping @Sendable (Task, SimulatorKind) -> Result<String, BuildFailure>)
        -> [String: Result<String, BuildFailure>] {
        let results = Locked<[String: Result<String, BuildFailure>]>([:])
        let started = monotonicSeconds()
        let progress = ProgressLine("\(command): building models", quiet: quiet)
        let semaphore = DispatchSemaphore(value: max(1, jobs))
        let group = DispatchGroup()
        for (task, sim) in tasks {
            let name = module(task), key = "\(sim.rawValue)/\(name)"
            let total = tasks.count
            semaphore.wait()
            group.enter()
            DispatchQueue.global().async {
                let result = make(task, sim)
                let done = results.withLock { r -> Int in
                    r[key] = result
                    return r.count
                }
                progress.update(done: Double(done), total: Double(total), detail: "\(done)/\(total) (\(sim.rawValue) \(name))")
                semaphore.signal()
                group.leave()
            }
        }
        group.wait()
        progress.finish()
        log(String(format: "%@: built %d models in %.1f s", command, tasks.count, monotonicSeconds() - started))
        return results.withLock { $0 }
    }
}

/// Writes `data` to `path` unless the file already holds exactly it (keeps its timestamp for
/// tools that rebuild on change).
func writeIfChanged(_ data: Data, to path: String) throws {
    if (try? Data(contentsOf: URL(fileURLWithPath: path))) != data { try data.write(to: URL(fileURLWithPath: path)) }
}

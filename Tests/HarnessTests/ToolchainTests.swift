import Foundation
import Accuracy
import Generation
import Synthesis
import Toolchain
import Verification
import Testing

/// The shared worker pool: every index once, results in index order whatever the number of
/// threads, and per-worker state made once per worker thread and finished once.
@Suite struct ToolchainTests {
    @Test(arguments: [1, 2, 3, 8])
    func workerPoolReturnsEveryResultInIndexOrder(jobs: Int) {
        let squares = WorkerPool.map(101, jobs: jobs) { i -> Int in
            if i % 7 == 0 { usleep(200) }   // uneven items, so workers finish out of order
            return i * i
        }
        #expect(squares == (0..<101).map { $0 * $0 })
        #expect(WorkerPool.map(0, jobs: jobs) { $0 }.isEmpty)
    }

    @Test func workerStateIsMadeAndFinishedOncePerWorker() {
        let made = Locked(0), finished = Locked([Int]())
        let seen = WorkerPool.map(50, jobs: 3, worker: { () -> [Int] in
            made.withLock { $0 += 1 }
            return []
        }, finish: { items in
            finished.withLock { $0.append(items.count) }
        }, body: { items, i -> Int in
            items.append(i)
            return items.count
        })
        #expect(seen.count == 50)
        #expect(made.withLock { $0 } == 3)
        // each worker's state saw exactly the items it ran, and together they ran all 50
        #expect(finished.withLock { $0.count } == 3)
        #expect(finished.withLock { $0.reduce(0, +) } == 50)
        // fewer items than jobs: no idle workers are started
        let few = Locked(0)
        _ = WorkerPool.map(2, jobs: 8, worker: { few.withLock { $0 += 1 } }, body: { _, i in i })
        #expect(few.withLock { $0 } == 2)
    }

    @Test func progressSeesEveryItemFinish() {
        let calls = Locked([Int]())
        _ = WorkerPool.map(20, jobs: 4, progress: { done, total in
            #expect(total == 20)
            calls.withLock { $0.append(done) }
        }) { $0 }
        #expect(calls.withLock { $0.sorted() } == Array(1...20))
    }
}

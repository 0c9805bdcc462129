import Foundation
import Synchronization
import Testing
@testable import Flint
import FlintTestSupport

/// The worker pool runs every chunk of every job exactly once, whatever the timing.
@Suite("Worker pool")
struct WorkerPoolTests {
    @Test func everyChunkRunsExactlyOnceAcrossManyJobs() {
        let pool = WorkerPool(workerCount: 3)
        for job in 0..<2_000 {
            let chunks = 1 + job % 9
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: chunks)
            counts.initialize(repeating: 0, count: chunks)
            defer { counts.deallocate() }
            let address = UncheckedSendableBox(counts)
            pool.run(chunks: chunks) { chunk in address.value[chunk] += 1 }
            #expect((0..<chunks).allSatisfy { counts[$0] == 1 }, "job \(job)")
        }
    }

    @Test func nestedRegionsRunOnTheCallingThread() {
        let pool = WorkerPool(workerCount: 1)
        let total = Atomic<Int>(0)
        pool.run(chunks: 4) { _ in
            pool.run(chunks: 5) { _ in total.add(1, ordering: .relaxed) }
        }
        #expect(total.load(ordering: .relaxed) == 20)
    }

    @Test func concurrentCallersEachGetTheirWholeJob() async {
        let pool = WorkerPool(workerCount: 1)
        let total = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<500 { pool.run(chunks: 3) { _ in total.value.add(1, ordering: .relaxed) } }
                }
            }
        }
        #expect(total.value.load(ordering: .relaxed) == 4 * 500 * 3)
    }

    /// A counter several tasks share.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    @Test func workersWakeAfterSleeping() throws {
        let pool = WorkerPool(workerCount: 1)
        let total = Atomic<Int>(0)
        for _ in 0..<3 {
            // Longer than the spin, so the worker has gone to sleep before the next job.
            Thread.sleep(forTimeInterval: 0.002)
            pool.run(chunks: 2) { _ in total.add(1, ordering: .relaxed) }
        }
        #expect(total.load(ordering: .relaxed) == 6)
    }

    @Test func phasesRunInOrderAndSeeTheEarlierPhasesWrites() {
        for workers in [1, 3] {
            let pool = WorkerPool(workerCount: workers)
            for job in 0..<600 {
                let phases = 1 + job % 5, perPhase = 1 + job % 4
                // Chunk c of phase p writes the sum of phase p-1's values (1 in phase 0): perPhase^p
                // when every chunk of the earlier phase was written before it read them.
                let values = UnsafeMutablePointer<Int>.allocate(capacity: phases * perPhase)
                values.initialize(repeating: 0, count: phases * perPhase)
                defer { values.deallocate() }
                let runs = Atomic<Int>(0)
                let address = UncheckedSendableBox(values)
                pool.run(phases: phases, chunksPerPhase: perPhase) { phase, chunk in
                    let earlier = phase == 0 ? 1 : (0..<perPhase).reduce(0) { $0 + address.value[(phase - 1) * perPhase + $1] }
                    address.value[phase * perPhase + chunk] = earlier
                    runs.add(1, ordering: .relaxed)
                }
                #expect(runs.load(ordering: .relaxed) == phases * perPhase, "job \(job)")
                for phase in 0..<phases {
                    let expected = (0..<phase).reduce(1) { result, _ in result * perPhase }
                    #expect((0..<perPhase).allSatisfy { values[phase * perPhase + $0] == expected }, "job \(job), phase \(phase)")
                }
            }
        }
    }

    @Test func splitProductsEqualTheSingleThreadedProduct() {
        Flint.seed(7)
        // A product split by rows, one by columns, a matrix-vector product split by rows, and one large
        // enough (2^28 multiply-adds) to go to OpenBLAS's own threads.
        let cases = [(Tensor.randn([300, 170]), Tensor.randn([170, 90])),
                     (Tensor.randn([40, 170]), Tensor.randn([170, 300]).transposed(0, 1).contiguous().transposed(0, 1)),
                     (Tensor.randn([1, 700]), Tensor.randn([700, 64])),
                     (Tensor.randn([512, 1024]), Tensor.randn([1024, 512]))]
        for (a, b) in cases {
            let split = a.matmul(b)
            let previous = Flint.threadCount
            Flint.threadCount = 1
            let single = a.matmul(b)
            Flint.threadCount = previous
            #expect(maximumDifference(split, single) < 1e-3)
        }
    }
}

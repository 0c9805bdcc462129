import CFlintSupport
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Flint's own threads: one fewer than ``ThreadSettings/threadCount``, started once, that run the
/// chunks of ``parallelChunks(_:costPerItem:_:)`` alongside the calling thread.
///
/// Why not `DispatchQueue.concurrentPerform`: waking a Dispatch worker costs tens of microseconds,
/// and a training step runs hundreds of parallel regions of a few microseconds each (the profile of
/// gpt-train showed 10-15% of its time in thread wake-ups). After a job a worker spins on the job
/// counter for ``spinDuration`` (with the processor's `pause`), so the next region starts within
/// a fraction of a microsecond, and only then sleeps on a condition variable.
///
/// One job runs at a time: a region started while another runs (a nested `parallelChunks`, or a
/// second thread of the application) runs on its caller's thread alone, which is always correct.
final class WorkerPool: @unchecked Sendable {
    /// The pool the kernels use.
    static let shared = WorkerPool(workerCount: ThreadSettings.threadCount - 1)

    /// How long an idle worker spins before it sleeps.
    static let spinDuration: Duration = .microseconds(300)

    /// The number of threads besides the caller.
    let workerCount: Int

    /// The current job in one word, so a claim can never mix two jobs: its number (bits 32...),
    /// its chunk count (bits 16-31) and the next unclaimed chunk (bits 0-15).
    private let jobState = Atomic<Int>(0)
    private let finishedChunks = Atomic<Int>(0)
    /// Chunks of a phased job (``run(phases:chunksPerPhase:_:)``) finished so far, counted one by one
    /// so that a chunk can wait for the phase before its own; zero for other jobs.
    private let finishedPhaseChunks = Atomic<Int>(0)
    /// The chunks in each phase of the current job, or 0 when the job has no phases.
    private var chunksPerPhase = 0
    private let sleepingWorkers = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    /// The job's body: written by the caller before `jobState` is published, read by a worker only
    /// after it claimed a chunk of that job, and cleared only once every chunk has finished.
    private var body: ((Int) -> Void)?
    private let sleepLock: UnsafeMutablePointer<pthread_mutex_t>
    private let wakeUp: UnsafeMutablePointer<pthread_cond_t>

    init(workerCount: Int) {
        self.workerCount = max(0, workerCount)
        sleepLock = .allocate(capacity: 1)
        wakeUp = .allocate(capacity: 1)
        pthread_mutex_init(sleepLock, nil)
        pthread_cond_init(wakeUp, nil)
        for index in 0..<self.workerCount {
            // Workers keep their pool alive: a pool lives as long as the process (Flint makes one).
            let thread = Thread { self.workerLoop() }
            thread.name = "flint-worker-\(index + 1)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `body(chunk)` for every chunk in `0..<chunks`, on the workers and the calling thread,
    /// and returns when all have finished.
    func run(chunks: Int, _ body: (Int) -> Void) {
        run(chunks: chunks, chunksPerPhase: 0, body)
    }

    /// Runs `phases` parallel loops one after another as one job: `body(phase, chunk)` for every
    /// chunk in `0..<chunksPerPhase` of phase 0, then of phase 1 once all of phase 0 has finished
    /// (and its writes are visible), and so on; returns when the last phase has finished.
    ///
    /// A chain of dependent steps (the layers of a batch-1 forward pass) pays one hand-off to the
    /// workers instead of one per step, and the threads go from one step to the next without
    /// returning to the caller. Chunks are claimed in order, so a chunk only ever waits for chunks
    /// already being run: with no worker free, the caller runs every chunk itself.
    ///
    /// ```swift
    /// WorkerPool.shared.run(phases: 3, chunksPerPhase: 2) { layer, chunk in computeRows(of: layer, part: chunk) }
    /// ```
    func run(phases: Int, chunksPerPhase: Int, _ body: (_ phase: Int, _ chunk: Int) -> Void) {
        guard phases > 0 && chunksPerPhase > 0 else { return }
        run(chunks: phases * chunksPerPhase, chunksPerPhase: phases > 1 ? chunksPerPhase : 0) { chunk in
            body(chunk / chunksPerPhase, chunk % chunksPerPhase)
        }
    }

    /// ``run(chunks:_:)``, with chunk `c` waiting for the first `c / chunksPerPhase * chunksPerPhase`
    /// chunks to finish when `chunksPerPhase` is positive.
    private func run(chunks: Int, chunksPerPhase: Int, _ body: (Int) -> Void) {
        if chunks <= 1 || workerCount == 0 || chunks > 0xFFFF || !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        withoutActuallyEscaping(body) { body in
            self.body = body
            self.chunksPerPhase = chunksPerPhase
            finishedChunks.store(0, ordering: .relaxed)
            finishedPhaseChunks.store(0, ordering: .relaxed)
            let job = ((jobState.load(ordering: .relaxed) >> 32) &+ 1) & 0x7FFF_FFFF
            jobState.store(job << 32 | chunks << 16, ordering: .sequentiallyConsistent)
            if sleepingWorkers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(sleepLock)
                pthread_cond_broadcast(wakeUp)
                pthread_mutex_unlock(sleepLock)
            }
            let done = runAvailableChunks(of: job)
            if done < chunks {
                var finished = finishedChunks.add(done, ordering: .acquiringAndReleasing).newValue
                while finished < chunks {
                    flint_cpu_relax()
                    finished = finishedChunks.load(ordering: .acquiring)
                }
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// Claims and runs chunks of the current job until none is left; returns how many it ran.
    /// Kept out of line so that the worker's copy of the job closure is released before the caller
    /// learns the chunks are finished (and leaves `withoutActuallyEscaping`).
    @inline(never)
    private func runAvailableChunks(of job: Int) -> Int {
        var done = 0
        var state = jobState.load(ordering: .acquiring)
        var body: ((Int) -> Void)? = nil
        var chunksPerPhase = 0
        while state >> 32 == job {
            let chunk = state & 0xFFFF
            if chunk >= (state >> 16) & 0xFFFF { break }
            let (claimed, latest) = jobState.compareExchange(
                expected: state, desired: state + 1, ordering: .acquiringAndReleasing)
            if !claimed { state = latest; continue }
            if body == nil {
                body = self.body
                chunksPerPhase = self.chunksPerPhase
            }
            if chunksPerPhase > 0 {
                // Every chunk of the earlier phases is claimed (chunks go in order) and being run.
                let needed = chunk / chunksPerPhase * chunksPerPhase
                var spins = 0
                while finishedPhaseChunks.load(ordering: .acquiring) < needed {
                    flint_cpu_relax()
                    spins += 1
                    // A thread running an earlier chunk may have been preempted: let it have the core.
                    if spins & 0x3FFF == 0 { sched_yield() }
                }
            }
            body?(chunk)
            if chunksPerPhase > 0 { finishedPhaseChunks.add(1, ordering: .releasing) }
            done += 1
            state = jobState.load(ordering: .acquiring)
        }
        return done
    }

    private func workerLoop() {
        var seen = jobState.load(ordering: .acquiring) >> 32
        let clock = ContinuousClock()
        while true {
            var current = jobState.load(ordering: .acquiring) >> 32
            if current == seen {
                let deadline = clock.now.advanced(by: Self.spinDuration)
                var spins = 0
                while current == seen {
                    flint_cpu_relax()
                    spins += 1
                    if spins & 255 == 0 && clock.now > deadline {
                        sleep(untilJobDiffersFrom: seen)
                    }
                    current = jobState.load(ordering: .acquiring) >> 32
                }
            }
            seen = current
            // A worker that arrives after the last chunk was claimed runs nothing.
            let done = runAvailableChunks(of: current)
            if done > 0 { finishedChunks.add(done, ordering: .releasing) }
        }
    }

    private func sleep(untilJobDiffersFrom seen: Int) {
        pthread_mutex_lock(sleepLock)
        sleepingWorkers.add(1, ordering: .sequentiallyConsistent)
        while jobState.load(ordering: .sequentiallyConsistent) >> 32 == seen {
            pthread_cond_wait(wakeUp, sleepLock)
        }
        sleepingWorkers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(sleepLock)
    }
}

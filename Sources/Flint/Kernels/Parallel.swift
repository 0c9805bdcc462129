import Dispatch
import Foundation
import Synchronization

/// Flint's own thread settings for its elementwise and reduction kernels (BLAS has its own).
enum ThreadSettings {
    /// Elements below which a kernel stays on the calling thread: splitting costs more than it saves.
    static let minimumElementsPerThread = 32_768

    private static let storedThreadCount = Mutex<Int>(defaultThreadCount())

    /// The number of threads kernels split work across.
    static var threadCount: Int {
        get { storedThreadCount.withLock { $0 } }
        set { storedThreadCount.withLock { $0 = Swift.max(1, newValue) } }
    }

    /// `FLINT_NUM_THREADS` when set, else the number of active processors.
    static func defaultThreadCount() -> Int {
        if let value = EnvironmentSettings.integer("FLINT_NUM_THREADS", minimum: 1, meaning: "a thread count") {
            return value
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }
}

/// Runs `body` over `0..<count` split into contiguous chunks, one per thread, when `count` times
/// `costPerItem` is large enough to be worth it; on the calling thread otherwise.
///
/// Chunks never overlap, so bodies may write disjoint parts of one output without locks. Other
/// Flint modules (the optimizers) use it through `package` access; it is not public API.
///
/// ```swift
/// parallelChunks(values.count, costPerItem: 8) { range in
///     for index in range { values[index] *= 2 }
/// }
/// ```
@inline(__always)
package func parallelChunks(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = ThreadSettings.threadCount
    let work = count &* costPerItem
    if threads <= 1 || work < 2 * ThreadSettings.minimumElementsPerThread || count < 2 {
        body(0..<count)
        return
    }
    let chunks = Swift.min(threads, Swift.max(1, work / ThreadSettings.minimumElementsPerThread), count)
    WorkerPool.shared.run(chunks: chunks) { chunk in
        let start = count * chunk / chunks
        let end = count * (chunk + 1) / chunks
        if start < end { body(start..<end) }
    }
}

/// Carries a value into concurrent code whose safety the type system cannot check.
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

import Flint
import Foundation

/// How a ``Batcher`` merges requests and how long it lets them wait.
///
/// ```swift
/// let settings = BatchSettings(maxBatchSize: 32, maxBatchDelay: .milliseconds(2), maxQueue: 256, timeout: .seconds(10))
/// ```
public struct BatchSettings: Sendable, Equatable {
    /// The most rows one forward pass takes (a single larger request still runs alone).
    public var maxBatchSize: Int
    /// How long the first queued request waits for others before its batch runs.
    public var maxBatchDelay: Duration
    /// The most requests waiting to run; one more is answered 503 with Retry-After.
    public var maxQueue: Int
    /// How long a request may take from arrival to answer before it gets 504.
    public var timeout: Duration

    /// Batch settings (the defaults are `flint serve`'s).
    ///
    /// ```swift
    /// let settings = BatchSettings(maxBatchSize: 8)
    /// ```
    public init(maxBatchSize: Int = 32, maxBatchDelay: Duration = .milliseconds(2), maxQueue: Int = 256, timeout: Duration = .seconds(30)) {
        self.maxBatchSize = maxBatchSize
        self.maxBatchDelay = maxBatchDelay
        self.maxQueue = maxQueue
        self.timeout = timeout
    }
}

/// Dynamic batching for one model version: concurrent requests queue, are merged into one forward
/// pass of up to ``BatchSettings/maxBatchSize`` rows (or whatever has arrived after
/// ``BatchSettings/maxBatchDelay``), and each gets its own rows of the outputs back. One batch runs at
/// a time; requests arriving meanwhile form the next one.
///
/// ```swift
/// let batcher = Batcher(model: served, settings: BatchSettings(), metrics: metrics)
/// let outputs = try await batcher.submit(features: rows)
/// ```
public actor Batcher {
    /// The model version this batcher runs.
    public nonisolated let model: ServedModel
    /// Its settings.
    public nonisolated let settings: BatchSettings
    private let metrics: ServerMetrics?

    private struct Pending {
        let id: UInt64
        let features: Tensor
        /// When the request gets 504 if it is still unanswered.
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<ModelOutputs, any Error>
    }

    /// Requests waiting for a batch, in arrival order (so their deadlines are in order too).
    private var queue: [Pending] = []
    private var queuedRows = 0
    /// The requests of the batch being computed, in arrival order.
    private var runningBatch: [Pending] = []
    /// Requests of the running batch already answered with a 504.
    private var expiredWhileRunning: Set<UInt64> = []
    private var nextID: UInt64 = 0
    private var loopActive = false
    private var watchdogActive = false
    private var sleeper: Task<Void, Never>?

    /// A batcher for `model`; `metrics` (optional) records batch sizes and queue depth.
    ///
    /// ```swift
    /// let batcher = Batcher(model: served, settings: BatchSettings(maxBatchSize: 16))
    /// ```
    public init(model: ServedModel, settings: BatchSettings, metrics: ServerMetrics? = nil) {
        self.model = model
        self.settings = settings
        self.metrics = metrics
    }

    /// The number of requests waiting for a batch.
    ///
    /// ```swift
    /// await batcher.queueDepth  // 0
    /// ```
    public var queueDepth: Int { queue.count }

    /// Runs `features` (raw rows `[n, featureCount]`, float64) in the next batch and returns its rows
    /// of the outputs. Throws a 503 ``ServeError`` when the queue is full and a 504 when the answer
    /// takes longer than the timeout.
    ///
    /// ```swift
    /// let outputs = try await batcher.submit(features: Tensor([5.1, 3.5, 1.4, 0.2], shape: [1, 4]))
    /// ```
    public func submit(features: Tensor) async throws -> ModelOutputs {
        guard queue.count < settings.maxQueue else {
            throw ServeError(503, "model '\(model.name)' has \(queue.count) requests queued (the --max-queue limit); retry shortly",
                             retryAfter: 1)
        }
        nextID += 1
        let id = nextID
        let deadline = ContinuousClock.now + settings.timeout
        return try await withCheckedThrowingContinuation { continuation in
            queue.append(Pending(id: id, features: features, deadline: deadline, continuation: continuation))
            queuedRows += features.shape[0]
            metrics?.setQueueDepth(model: model.name, queue.count)
            if queuedRows >= settings.maxBatchSize { sleeper?.cancel() }
            if !loopActive {
                loopActive = true
                Task { await self.runLoop() }
            }
            if !watchdogActive {
                watchdogActive = true
                Task { await self.watchDeadlines() }
            }
        }
    }

    /// One task per batcher, alive while requests are unanswered, instead of a timer per request:
    /// it sleeps until the oldest unanswered request's deadline and answers the overdue ones 504.
    private func watchDeadlines() async {
        while let deadline = oldestDeadline() {
            try? await Task.sleep(until: deadline, clock: .continuous)
            expireOverdue(now: .now)
        }
        watchdogActive = false
    }

    /// The deadline of the oldest unanswered request (deadlines follow arrival order).
    private func oldestDeadline() -> ContinuousClock.Instant? {
        let running = runningBatch.first { !expiredWhileRunning.contains($0.id) }?.deadline
        switch (running, queue.first?.deadline) {
        case let (running?, queued?): return min(running, queued)
        case let (running, queued): return running ?? queued
        }
    }

    /// Answers every request whose deadline has passed with a 504.
    private func expireOverdue(now: ContinuousClock.Instant) {
        let milliseconds = settings.timeout.components.seconds * 1000 + settings.timeout.components.attoseconds / 1_000_000_000_000_000
        let timedOut = ServeError(504, "model '\(model.name)' did not answer within \(milliseconds) ms (the --timeout-ms limit); "
                                  + "retry, or raise the limit")
        for pending in runningBatch where pending.deadline <= now && !expiredWhileRunning.contains(pending.id) {
            expiredWhileRunning.insert(pending.id)
            pending.continuation.resume(throwing: timedOut)
        }
        var expiredQueued = false
        while let first = queue.first, first.deadline <= now {
            queue.removeFirst()
            queuedRows -= first.features.shape[0]
            first.continuation.resume(throwing: timedOut)
            expiredQueued = true
        }
        if expiredQueued { metrics?.setQueueDepth(model: model.name, queue.count) }
    }

    private func runLoop() async {
        while !queue.isEmpty {
            let deadline = ContinuousClock.now + settings.maxBatchDelay
            if queuedRows < settings.maxBatchSize && settings.maxBatchDelay > .zero {
                let wait = Task { _ = try? await Task.sleep(until: deadline, clock: .continuous) }
                sleeper = wait
                await wait.value
                sleeper = nil
            }
            runningBatch = takeBatch()
            guard !runningBatch.isEmpty else { continue }
            let model = self.model
            let result: Result<ModelOutputs, any Error> = await Self.run(model: model, batch: runningBatch.map(\.features))
            metrics?.recordBatch(model: model.name, rows: runningBatch.reduce(0) { $0 + $1.features.shape[0] })
            var start = 0
            for pending in runningBatch {
                let rows = pending.features.shape[0]
                if !expiredWhileRunning.contains(pending.id) {
                    pending.continuation.resume(with: result.map { $0.slice(start..<(start + rows)) })
                }
                start += rows
            }
            runningBatch = []
            expiredWhileRunning.removeAll(keepingCapacity: true)
        }
        loopActive = false
    }

    /// Takes queued requests up to the batch size (at least one).
    private func takeBatch() -> [Pending] {
        var batch: [Pending] = []
        var rows = 0
        while let first = queue.first, batch.isEmpty || rows + first.features.shape[0] <= settings.maxBatchSize {
            queue.removeFirst()
            rows += first.features.shape[0]
            batch.append(first)
        }
        queuedRows -= rows
        metrics?.setQueueDepth(model: model.name, queue.count)
        return batch
    }

    /// One forward pass over the requests' rows, off the actor.
    private nonisolated static func run(model: ServedModel, batch: [Tensor]) async -> Result<ModelOutputs, any Error> {
        Result { try model.predict(features: batch.count == 1 ? batch[0] : Tensor.concatenate(batch)) }
    }
}

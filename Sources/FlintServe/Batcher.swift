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
        let continuation: CheckedContinuation<ModelOutputs, any Error>
    }

    private var queue: [Pending] = []
    private var queuedRows = 0
    /// Requests taken into the running batch, by id, still waiting for their answer.
    private var running: Set<UInt64> = []
    /// Every unanswered request's continuation, queued or running.
    private var unanswered: [UInt64: CheckedContinuation<ModelOutputs, any Error>] = [:]
    private var nextID: UInt64 = 0
    private var loopActive = false
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
        let timeout = settings.timeout
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { await self?.expire(id) }
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            queue.append(Pending(id: id, features: features, continuation: continuation))
            unanswered[id] = continuation
            queuedRows += features.shape[0]
            metrics?.setQueueDepth(model: model.name, queue.count)
            if queuedRows >= settings.maxBatchSize { sleeper?.cancel() }
            if !loopActive {
                loopActive = true
                Task { await self.runLoop() }
            }
        }
    }

    /// Answers request `id` with a 504 if it has not been answered yet.
    private func expire(_ id: UInt64) {
        guard let continuation = unanswered.removeValue(forKey: id) else { return }
        if let index = queue.firstIndex(where: { $0.id == id }) {
            queuedRows -= queue[index].features.shape[0]
            queue.remove(at: index)
            metrics?.setQueueDepth(model: model.name, queue.count)
        }
        running.remove(id)
        let milliseconds = settings.timeout.components.seconds * 1000 + settings.timeout.components.attoseconds / 1_000_000_000_000_000
        continuation.resume(throwing: ServeError(504, "model '\(model.name)' did not answer within \(milliseconds) ms (the --timeout-ms limit); "
                                                 + "retry, or raise the limit"))
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
            let batch = takeBatch()
            guard !batch.isEmpty else { continue }
            let model = self.model
            let result: Result<ModelOutputs, any Error> = await Self.run(model: model, batch: batch.map(\.features))
            metrics?.recordBatch(model: model.name, rows: batch.reduce(0) { $0 + $1.features.shape[0] })
            var start = 0
            for pending in batch {
                let rows = pending.features.shape[0]
                running.remove(pending.id)
                if let continuation = unanswered.removeValue(forKey: pending.id) {
                    continuation.resume(with: result.map { $0.slice(start..<(start + rows)) })
                }
                start += rows
            }
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
            running.insert(first.id)
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

import Flint
import Synchronization

/// Batches a dataset for training: batch size, seeded shuffling, samplers, drop last, per-sample and
/// per-batch transforms, collation into tensors, and background prefetching of a bounded number of
/// batches so that loading overlaps compute (PyTorch's `DataLoader`).
///
/// Every random choice of epoch k (its order and its random transforms) derives from (`seed`, k), so a
/// `for` loop over the loader gives a new order each epoch and a resumed run replays epoch k exactly
/// with ``batches(epoch:)`` or by setting ``epoch``.
///
/// ```swift
/// let loader = try DataLoader(TensorDataset(inputs: images, targets: labels),
///                             batchSize: 64, shuffle: true, seed: 42)
/// for epoch in 0..<10 {
///     for batch in loader {          // epoch 0, then 1, … each in its own order
///         step(batch.inputs, batch.targets)
///     }
/// }
/// ```
public final class DataLoader: Sequence, Sendable {
    /// Where the samples come from.
    enum Source: Sendable {
        case randomAccess(any Dataset, any Sampler)
        case streaming(StreamingDataset)
    }

    /// A function that stacks samples into a batch.
    ///
    /// ```swift
    /// let loader = try DataLoader(dataset, batchSize: 8, collate: { samples in Batch.stacking(samples) })
    /// ```
    public typealias Collate = @Sendable ([Sample]) -> Batch

    /// The number of samples per batch (the last one may be smaller unless ``dropLast``).
    public let batchSize: Int
    /// Whether an incomplete last batch is left out.
    public let dropLast: Bool
    /// How many batches a background thread prepares ahead (0: each batch is made when asked for).
    public let prefetchCount: Int
    /// The seed for the shuffling order (when `shuffle` is on) and the random transforms.
    public let seed: UInt64
    let source: Source
    let transform: (any Transform)?
    let targetTransform: (any Transform)?
    let batchTransform: (any Transform)?
    let collate: Collate?
    private let nextEpoch = Mutex(0)

    /// A loader over a random-access dataset.
    ///
    /// - Parameters:
    ///   - batchSize: samples per batch, at least 1.
    ///   - shuffle: a fresh random order every epoch (from `seed` and the epoch); not with `sampler`.
    ///   - sampler: which positions each epoch visits (sequential when nil and not shuffling).
    ///   - dropLast: leave out the last batch when it is incomplete.
    ///   - seed: derives the shuffled orders and the generator the random transforms draw from.
    ///   - prefetchCount: batches a background thread prepares ahead (0 to load on the calling thread).
    ///   - transform: applied to each sample's input, with the epoch's seeded generator.
    ///   - targetTransform: applied to each sample's target.
    ///   - batchTransform: applied to each batch's inputs after collation.
    ///   - collate: stacks samples into a batch (default ``Batch/stacking(_:)``; with no per-sample
    ///     transform the dataset's own ``Dataset/batch(at:)`` is used, which gathers rows directly).
    ///
    /// ```swift
    /// let loader = try DataLoader(dataset, batchSize: 32, shuffle: true, dropLast: true, seed: 1,
    ///                             transform: RandomHorizontalFlip())
    /// ```
    public init(_ dataset: some Dataset, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                dropLast: Bool = false, seed: UInt64 = 0, prefetchCount: Int = 2,
                transform: (any Transform)? = nil, targetTransform: (any Transform)? = nil,
                batchTransform: (any Transform)? = nil, collate: Collate? = nil) throws {
        try Self.validate(batchSize: batchSize, prefetchCount: prefetchCount)
        if shuffle && sampler != nil {
            throw DataPipelineError(.conflictingOptions,
                "DataLoader: shuffle and a sampler cannot be used together; shuffle with RandomSampler(count:seed:) instead")
        }
        let order: any Sampler = try sampler ?? (shuffle ? RandomSampler(count: dataset.count, seed: seed) : SequentialSampler(count: dataset.count))
        self.source = .randomAccess(dataset, order)
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.seed = seed
        self.prefetchCount = prefetchCount
        self.transform = transform
        self.targetTransform = targetTransform
        self.batchTransform = batchTransform
        self.collate = collate
    }

    /// A loader over a streaming dataset: batches are filled in the stream's order as it comes.
    ///
    /// ```swift
    /// let loader = try DataLoader(stream, batchSize: 16)
    /// for batch in loader { … }
    /// ```
    public init(_ dataset: StreamingDataset, batchSize: Int = 1, dropLast: Bool = false, seed: UInt64 = 0,
                prefetchCount: Int = 2, transform: (any Transform)? = nil, targetTransform: (any Transform)? = nil,
                batchTransform: (any Transform)? = nil, collate: Collate? = nil) throws {
        try Self.validate(batchSize: batchSize, prefetchCount: prefetchCount)
        self.source = .streaming(dataset)
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.seed = seed
        self.prefetchCount = prefetchCount
        self.transform = transform
        self.targetTransform = targetTransform
        self.batchTransform = batchTransform
        self.collate = collate
    }

    private static func validate(batchSize: Int, prefetchCount: Int) throws {
        guard batchSize >= 1 else {
            throw DataPipelineError(.invalidBatchSize, "DataLoader: the batch size must be at least 1, got \(batchSize)")
        }
        guard prefetchCount >= 0 else {
            throw DataPipelineError(.invalidPrefetchCount,
                "DataLoader: prefetchCount must be 0 (no background loading) or more, got \(prefetchCount)")
        }
    }

    /// The number of batches per epoch; nil for a streaming dataset of unknown length.
    ///
    /// ```swift
    /// try DataLoader(TensorDataset(inputs: Tensor.zeros([10, 2]), targets: Tensor.zeros([10])), batchSize: 4).count  // 3
    /// ```
    public var count: Int? {
        let samples: Int?
        switch source {
        case .randomAccess(_, let sampler): samples = sampler.count
        case .streaming(let stream): samples = stream.count
        }
        return samples.map { dropLast ? $0 / batchSize : ($0 + batchSize - 1) / batchSize }
    }

    /// The number of samples per epoch (before dropping an incomplete batch); nil when unknown.
    ///
    /// ```swift
    /// loader.sampleCount  // 60000
    /// ```
    public var sampleCount: Int? {
        switch source {
        case .randomAccess(_, let sampler): return sampler.count
        case .streaming(let stream): return stream.count
        }
    }

    /// The epoch the next `for` loop over the loader produces; each loop moves it on by one.
    /// Set it to resume a run at a given epoch.
    ///
    /// ```swift
    /// loader.epoch = checkpoint.epoch  // the next loop replays that epoch's order
    /// ```
    public var epoch: Int {
        get { nextEpoch.withLock { $0 } }
        set { nextEpoch.withLock { $0 = newValue } }
    }

    /// The batches of the next epoch (see ``epoch``), which this call moves on by one.
    ///
    /// ```swift
    /// for batch in loader { train(batch) }
    /// ```
    public func makeIterator() -> EpochIterator {
        let current = nextEpoch.withLock { value -> Int in
            defer { value += 1 }
            return value
        }
        return batches(epoch: current).makeIterator()
    }

    /// The batches of `epoch`, the same on every call; it does not move ``epoch`` on.
    ///
    /// ```swift
    /// let replay = Array(loader.batches(epoch: 3))
    /// ```
    public func batches(epoch: Int) -> EpochBatches { EpochBatches(loader: self, epoch: epoch) }

    /// The batches of one epoch, as a sequence that can be walked more than once.
    ///
    /// ```swift
    /// for batch in loader.batches(epoch: 0) { … }
    /// ```
    public struct EpochBatches: Sequence, Sendable {
        let loader: DataLoader
        /// The epoch whose order and random transforms these batches use.
        public let epoch: Int

        /// A fresh walk over the epoch's batches (starting its background thread when prefetching).
        ///
        /// ```swift
        /// var iterator = loader.batches(epoch: 0).makeIterator()
        /// ```
        public func makeIterator() -> EpochIterator {
            let produce = loader.makeProducer(epoch: epoch)
            if loader.prefetchCount == 0 { return EpochIterator(mode: .direct(DirectProducer(produce))) }
            return EpochIterator(mode: .prefetching(PrefetchingProducer(capacity: loader.prefetchCount, produce: produce)))
        }
    }

    /// Walks one epoch's batches. Stopping early (leaving a `for` loop) stops the background thread.
    ///
    /// ```swift
    /// var iterator = loader.makeIterator()
    /// let first = iterator.next()
    /// ```
    public struct EpochIterator: IteratorProtocol {
        enum Mode {
            case direct(DirectProducer)
            case prefetching(PrefetchingProducer<Batch>)
        }
        let mode: Mode

        /// The next batch, or nil at the end of the epoch.
        ///
        /// ```swift
        /// while let batch = iterator.next() { … }
        /// ```
        public mutating func next() -> Batch? {
            switch mode {
            case .direct(let producer): return producer.produce()
            case .prefetching(let producer): return producer.next()
            }
        }
    }

    /// The closure that makes epoch `epoch`'s batches one by one (nil at the end); called from one thread.
    func makeProducer(epoch: Int) -> () -> Batch? {
        let generator = SeededRandom.generator(seed: seed, epoch: epoch, stream: .transforms)
        let perSample = transform != nil || targetTransform != nil || collate != nil
        let finish: ([Sample]) -> Batch = { [transform, targetTransform, batchTransform, collate] samples in
            var prepared = samples
            if transform != nil || targetTransform != nil {
                for position in prepared.indices {
                    if let transform { prepared[position].input = transform.apply(prepared[position].input, generator: generator) }
                    if let targetTransform { prepared[position].target = targetTransform.apply(prepared[position].target, generator: generator) }
                }
            }
            var batch = (collate ?? Batch.stacking)(prepared)
            if let batchTransform { batch.inputs = batchTransform.apply(batch.inputs, generator: generator) }
            return batch
        }
        let batchSize = self.batchSize, dropLast = self.dropLast, batchTransform = self.batchTransform
        switch source {
        case .randomAccess(let dataset, let sampler):
            let order = sampler.indices(epoch: epoch)
            var start = 0
            return {
                let end = Swift.min(start + batchSize, order.count)
                guard start < end, !(dropLast && end - start < batchSize) else { return nil }
                let positions = Array(order[start..<end])
                start = end
                if perSample { return finish(positions.map { dataset[$0] }) }
                var batch = dataset.batch(at: positions)
                if let batchTransform { batch.inputs = batchTransform.apply(batch.inputs, generator: generator) }
                return batch
            }
        case .streaming(let stream):
            var iterator: AnyIterator<Sample>? = nil
            var exhausted = false
            return {
                if exhausted { return nil }
                if iterator == nil { iterator = stream.makeIterator(epoch: epoch) }
                var samples: [Sample] = []
                samples.reserveCapacity(batchSize)
                while samples.count < batchSize, let sample = iterator?.next() { samples.append(sample) }
                if samples.count < batchSize { exhausted = true }
                if samples.isEmpty || (dropLast && samples.count < batchSize) { return nil }
                return finish(samples)
            }
        }
    }
}

/// Makes batches on the calling thread (no prefetching).
final class DirectProducer {
    let produce: () -> Batch?
    init(_ produce: @escaping () -> Batch?) { self.produce = produce }
}

import Flint
@testable import FlintData
import Foundation
import Synchronization
import Testing

/// `count` samples whose input is `[index, index]` (float32) and target the index (int64).
func numberedDataset(_ count: Int) -> TensorDataset {
    let values = (0..<count).flatMap { [Float($0), Float($0)] }
    return TensorDataset(inputs: Tensor(values, shape: [count, 2]), targets: Tensor(Array(0..<count)))
}

/// The targets of every batch of one pass, as Swift arrays.
func targetOrder(_ batches: some Sequence<Batch>) -> [[Int]] {
    batches.map { $0.targets.scalars(as: Int.self) }
}

/// A dataset that counts batch requests and can be slowed down.
final class InstrumentedDataset: Dataset {
    let requestedBatches = Atomic<Int>(0)
    let delay: Double
    let size: Int

    init(size: Int, delay: Double = 0) {
        self.size = size
        self.delay = delay
    }

    var count: Int { size }
    subscript(index: Int) -> Sample { Sample(input: Tensor([Float(index)]), target: Tensor(Int64(index))) }
    func batch(at indices: [Int]) -> Batch {
        requestedBatches.add(1, ordering: .relaxed)
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        return Batch.stacking(indices.map { self[$0] })
    }
}

/// Polls `condition` for up to `seconds`.
func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return condition()
}

@Suite struct DataLoaderTests {
    @Test func batchesHaveTheRightShapesAndRows() throws {
        let images = Tensor.randn([10, 1, 28, 28], generator: RandomGenerator(seed: 1))
        let dataset = TensorDataset(inputs: images, targets: Tensor(Array(0..<10)))
        let loader = try DataLoader(dataset, batchSize: 4, shuffle: true, seed: 3)
        let batches = Array(loader)
        #expect(batches.map(\.inputs.shape) == [[4, 1, 28, 28], [4, 1, 28, 28], [2, 1, 28, 28]])
        #expect(batches.map(\.targets.shape) == [[4], [4], [2]])
        #expect(batches.map(\.count) == [4, 4, 2])
        for batch in batches {
            for (row, index) in batch.targets.scalars(as: Int.self).enumerated() {
                #expect(batch.inputs[row].scalars(as: Float.self) == images[index].scalars(as: Float.self))
            }
        }
        #expect(targetOrder(batches).flatMap { $0 }.sorted() == Array(0..<10))
    }

    @Test func countAndDropLast() throws {
        let dataset = numberedDataset(10)
        let keep = try DataLoader(dataset, batchSize: 4)
        let drop = try DataLoader(dataset, batchSize: 4, dropLast: true)
        #expect(keep.count == 3 && drop.count == 2)
        #expect(targetOrder(keep) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        #expect(targetOrder(drop) == [[0, 1, 2, 3], [4, 5, 6, 7]])
        #expect(try DataLoader(dataset, batchSize: 5, dropLast: true).count == 2)
        #expect(Array(try DataLoader(dataset, batchSize: 11, dropLast: true)).isEmpty)
    }

    @Test func sameSeedSameOrderAndEachEpochDiffers() throws {
        let dataset = numberedDataset(40)
        let first = try DataLoader(dataset, batchSize: 8, shuffle: true, seed: 7)
        let second = try DataLoader(dataset, batchSize: 8, shuffle: true, seed: 7)
        let other = try DataLoader(dataset, batchSize: 8, shuffle: true, seed: 8)
        let epoch0 = targetOrder(first), epoch1 = targetOrder(first)
        #expect(epoch0 == targetOrder(second))
        #expect(epoch1 == targetOrder(second))
        #expect(epoch0 != epoch1)
        #expect(epoch0 != targetOrder(other))
        #expect(epoch0.flatMap { $0 }.sorted() == Array(0..<40))
        #expect(first.epoch == 2)
        // A resumed run replays epoch 1 exactly, by number or by setting the epoch.
        #expect(targetOrder(first.batches(epoch: 1)) == epoch1)
        let resumed = try DataLoader(dataset, batchSize: 8, shuffle: true, seed: 7)
        resumed.epoch = 1
        #expect(targetOrder(resumed) == epoch1)
    }

    @Test func withoutShuffleTheOrderIsSequentialAndPrefetchDoesNotChangeIt() throws {
        let dataset = numberedDataset(9)
        let direct = try DataLoader(dataset, batchSize: 4, prefetchCount: 0)
        let prefetched = try DataLoader(dataset, batchSize: 4, prefetchCount: 3)
        #expect(targetOrder(direct) == [[0, 1, 2, 3], [4, 5, 6, 7], [8]])
        #expect(targetOrder(prefetched) == targetOrder(direct))
    }

    @Test func samplerDrivesTheOrder() throws {
        let dataset = numberedDataset(6)
        let sampler = try WeightedRandomSampler(weights: [0, 0, 1, 0, 0, 0], sampleCount: 5)
        let loader = try DataLoader(dataset, batchSize: 2, sampler: sampler)
        #expect(loader.count == 3)
        #expect(targetOrder(loader) == [[2, 2], [2, 2], [2]])
    }

    @Test func perSampleTransformsAndCustomCollate() throws {
        let dataset = numberedDataset(6)
        let doubled = try DataLoader(dataset, batchSize: 3, transform: TransformClosure { input, _ in input * 2 },
                                     targetTransform: OneHot(classCount: 6))
        let batch = try #require(Array(doubled).first)
        #expect(batch.inputs.scalars(as: Float.self) == [0, 0, 2, 2, 4, 4])
        #expect(batch.targets.shape == [3, 6])
        #expect(batch.targets.rows(as: Float.self)[1] == [0, 1, 0, 0, 0, 0])

        let summed = try DataLoader(dataset, batchSize: 3, batchTransform: TransformClosure { inputs, _ in inputs + 1 },
                                    collate: { samples in
            Batch(inputs: Tensor.stack(samples.map(\.input)).sum(axis: 1), targets: Tensor.stack(samples.map(\.target)))
        })
        #expect(Array(summed).map { $0.inputs.scalars(as: Float.self) } == [[1, 3, 5], [7, 9, 11]])
    }

    @Test func randomTransformsAreReproducibleAndVaryByEpoch() throws {
        let images = Tensor.randn([16, 1, 6, 6], generator: RandomGenerator(seed: 2))
        let dataset = TensorDataset(inputs: images, targets: Tensor(Array(0..<16)))
        func makeLoader() throws -> DataLoader {
            try DataLoader(dataset, batchSize: 16, seed: 11, transform: Compose(RandomCrop(size: 6, padding: 2), RandomHorizontalFlip()))
        }
        let first = try makeLoader(), second = try makeLoader()
        let epoch0 = Array(first)[0].inputs.scalars(as: Float.self)
        let epoch1 = Array(first)[0].inputs.scalars(as: Float.self)
        #expect(epoch0 == Array(second)[0].inputs.scalars(as: Float.self))
        #expect(epoch1 == Array(second)[0].inputs.scalars(as: Float.self))
        #expect(epoch0 != epoch1)
        #expect(epoch0 != images.scalars(as: Float.self))
    }

    @Test func streamingDatasetsAreBatchedInOrder() throws {
        let samples = (0..<10).map { Sample(input: Tensor([Float($0)]), target: Tensor(Int64($0))) }
        let stream = StreamingDataset(samples)
        #expect(stream.count == 10)
        let loader = try DataLoader(stream, batchSize: 4)
        #expect(loader.count == 3)
        #expect(targetOrder(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        #expect(targetOrder(try DataLoader(stream, batchSize: 4, dropLast: true, prefetchCount: 0)) == [[0, 1, 2, 3], [4, 5, 6, 7]])

        // A generated stream of unknown length, different each epoch.
        let generated = StreamingDataset { epoch in
            var next = 0
            return AnyIterator {
                defer { next += 1 }
                return next < 5 ? Sample(input: Tensor([Float(next)]), target: Tensor(Int64(epoch * 100 + next))) : nil
            }
        }
        let generatedLoader = try DataLoader(generated, batchSize: 2)
        #expect(generatedLoader.count == nil)
        #expect(targetOrder(generatedLoader) == [[0, 1], [2, 3], [4]])
        #expect(targetOrder(generatedLoader) == [[100, 101], [102, 103], [104]])
    }

    @Test func subsetKeepsTheFastGatherAndMapsPositions() throws {
        let dataset = numberedDataset(10)
        let subset = Subset(dataset, indices: [9, 3, 5])
        #expect(subset.count == 3)
        #expect(subset[0].target.item(as: Int.self) == 9)
        #expect(subset.batch(at: [2, 0]).targets.scalars(as: Int.self) == [5, 9])
        #expect(targetOrder(try DataLoader(subset, batchSize: 2)) == [[9, 3], [5]])
    }

    @Test func prefetchingWorksAheadButStaysBounded() throws {
        let dataset = InstrumentedDataset(size: 40)
        let loader = try DataLoader(dataset, batchSize: 2, prefetchCount: 3)
        var iterator = loader.makeIterator()
        _ = iterator.next()
        // While the consumer holds batch 0 and asks for nothing, the producer makes the next 3 and stops.
        #expect(eventually { dataset.requestedBatches.load(ordering: .relaxed) == 4 })
        Thread.sleep(forTimeInterval: 0.1)
        #expect(dataset.requestedBatches.load(ordering: .relaxed) == 4)
        var seen = 1
        while iterator.next() != nil { seen += 1 }
        #expect(seen == 20)
    }

    @Test func loadingOverlapsCompute() throws {
        // 8 batches taking 40 ms to load and 40 ms to use: 640 ms one after the other, about 360 ms overlapped.
        let dataset = InstrumentedDataset(size: 8, delay: 0.04)
        let loader = try DataLoader(dataset, batchSize: 1, prefetchCount: 2)
        let start = Date()
        for _ in loader { Thread.sleep(forTimeInterval: 0.04) }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed < 0.56, "prefetching did not overlap loading with compute: \(elapsed) s for 0.64 s of serial work")
    }

    @Test func stoppingEarlyEndsTheProducerAndFreesTheDataset() throws {
        weak var watched: InstrumentedDataset?
        do {
            let dataset = InstrumentedDataset(size: 1000, delay: 0.001)
            watched = dataset
            let loader = try DataLoader(dataset, batchSize: 10, prefetchCount: 2)
            for batch in loader {
                #expect(batch.count == 10)
                break
            }
            // The loader still works after an early stop.
            #expect(Array(loader.batches(epoch: 0).prefix(3)).count == 3)
        }
        // The producer threads held the dataset; once they have returned it is freed.
        #expect(eventually { watched == nil })
    }

    @Test func badSettingsAreClearErrors() throws {
        let dataset = numberedDataset(4)
        #expect(throws: DataPipelineError(.invalidBatchSize, "DataLoader: the batch size must be at least 1, got 0")) {
            try DataLoader(dataset, batchSize: 0)
        }
        #expect { try DataLoader(dataset, batchSize: 2, prefetchCount: -1) } throws: {
            ($0 as? DataPipelineError)?.kind == .invalidPrefetchCount
        }
        #expect { try DataLoader(dataset, shuffle: true, sampler: SequentialSampler(count: 4)) } throws: {
            ($0 as? DataPipelineError)?.kind == .conflictingOptions
        }
        #expect { try DataLoader(StreamingDataset([Sample]()), batchSize: -3) } throws: {
            ($0 as? DataPipelineError)?.kind == .invalidBatchSize
        }
    }
}

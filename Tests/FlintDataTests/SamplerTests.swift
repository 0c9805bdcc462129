@testable import FlintData
import Testing

@Suite struct SamplerTests {
    @Test func sequentialIsInOrderEveryEpoch() {
        let sampler = SequentialSampler(count: 5)
        #expect(sampler.indices(epoch: 0) == [0, 1, 2, 3, 4])
        #expect(sampler.indices(epoch: 9) == [0, 1, 2, 3, 4])
    }

    @Test func randomWithoutReplacementIsASeededPermutationPerEpoch() throws {
        let sampler = try RandomSampler(count: 50, seed: 4)
        let epoch0 = sampler.indices(epoch: 0)
        #expect(epoch0.sorted() == Array(0..<50))
        #expect(epoch0 != Array(0..<50))
        #expect(epoch0 == (try RandomSampler(count: 50, seed: 4)).indices(epoch: 0))
        #expect(epoch0 != sampler.indices(epoch: 1))
        #expect(epoch0 != (try RandomSampler(count: 50, seed: 5)).indices(epoch: 0))
        let partial = try RandomSampler(count: 50, sampleCount: 10, seed: 4)
        #expect(partial.count == 10 && Set(partial.indices(epoch: 0)).count == 10)
    }

    @Test func randomWithReplacementDrawsUniformly() throws {
        let sampler = try RandomSampler(count: 4, replacement: true, sampleCount: 8000, seed: 1)
        let draws = sampler.indices(epoch: 0)
        #expect(draws.count == 8000)
        for value in 0..<4 {
            let share = Double(draws.filter { $0 == value }.count) / 8000
            #expect(abs(share - 0.25) < 0.02, "position \(value) drawn \(share) of the time")
        }
    }

    @Test func weightedDrawsFollowTheWeights() throws {
        let weights = [1.0, 3.0, 0.0, 6.0]
        let draws = try WeightedRandomSampler(weights: weights, sampleCount: 20_000, seed: 2).indices(epoch: 0)
        for (position, weight) in weights.enumerated() {
            let share = Double(draws.filter { $0 == position }.count) / 20_000
            #expect(abs(share - weight / 10) < 0.015, "position \(position) drawn \(share) of the time, weight \(weight / 10)")
        }
        #expect(!draws.contains(2))

        let once = try WeightedRandomSampler(weights: weights, sampleCount: 3, replacement: false, seed: 2).indices(epoch: 0)
        #expect(once.sorted() == [0, 1, 3])
        // Without replacement the heaviest position comes first most often.
        var firsts = [0, 0, 0, 0]
        let sampler = try WeightedRandomSampler(weights: weights, sampleCount: 1, replacement: false, seed: 9)
        for epoch in 0..<2000 { firsts[sampler.indices(epoch: epoch)[0]] += 1 }
        #expect(firsts[2] == 0)
        #expect(abs(Double(firsts[3]) / 2000 - 0.6) < 0.04)
    }

    @Test func stratifiedOrderKeepsClassProportionsInEveryBatch() {
        let labels = [Int](repeating: 0, count: 30) + [Int](repeating: 1, count: 60) + [Int](repeating: 2, count: 90)
        let sampler = StratifiedSampler(labels: labels, seed: 3)
        for epoch in 0..<3 {
            let order = sampler.indices(epoch: epoch)
            #expect(order.sorted() == Array(0..<180))
            for start in stride(from: 0, to: 180, by: 18) {
                let batch = order[start..<(start + 18)].map { labels[$0] }
                let counts = (0..<3).map { label in batch.filter { $0 == label }.count }
                #expect(abs(counts[0] - 3) <= 1 && abs(counts[1] - 6) <= 1 && abs(counts[2] - 9) <= 1, "batch counts \(counts)")
            }
        }
        #expect(sampler.indices(epoch: 0) != sampler.indices(epoch: 1))
        #expect(sampler.indices(epoch: 0) == StratifiedSampler(labels: labels, seed: 3).indices(epoch: 0))
    }

    @Test func badSamplerSettingsAreErrors() {
        #expect { try RandomSampler(count: 3, sampleCount: 4) } throws: { ($0 as? DataPipelineError)?.kind == .invalidSampleCount }
        #expect { try RandomSampler(count: 3, sampleCount: -1) } throws: { ($0 as? DataPipelineError)?.kind == .invalidSampleCount }
        #expect { try WeightedRandomSampler(weights: [1, -1], sampleCount: 2) } throws: { ($0 as? DataPipelineError)?.kind == .invalidWeights }
        #expect { try WeightedRandomSampler(weights: [0, 0], sampleCount: 2) } throws: { ($0 as? DataPipelineError)?.kind == .invalidWeights }
        #expect { try WeightedRandomSampler(weights: [1, .nan], sampleCount: 2) } throws: { ($0 as? DataPipelineError)?.kind == .invalidWeights }
        #expect { try WeightedRandomSampler(weights: [1, 0, 2], sampleCount: 3, replacement: false) } throws: {
            ($0 as? DataPipelineError)?.kind == .invalidSampleCount
        }
    }
}

import Flint
@testable import FlintData
import Testing

@Suite struct SplitTests {
    @Test func partsHaveTheRightSizesAndCoverEveryIndexOnce() throws {
        let parts = try splitIndices(count: 100, fractions: [0.7, 0.15, 0.15], seed: 1)
        #expect(parts.map(\.count) == [70, 15, 15])
        #expect(parts.flatMap { $0 }.sorted() == Array(0..<100))
        #expect(parts == (try splitIndices(count: 100, fractions: [0.7, 0.15, 0.15], seed: 1)))
        #expect(parts != (try splitIndices(count: 100, fractions: [0.7, 0.15, 0.15], seed: 2)))
        // Largest remainders: 10 x [0.55, 0.25, 0.2] = 5.5, 2.5, 2 -> 6, 2, 2 (the earlier part wins the tie).
        #expect(try splitIndices(count: 10, fractions: [0.55, 0.25, 0.2], seed: 0).map(\.count) == [6, 2, 2])
        #expect(try splitIndices(count: 5, fractions: [0.6, 0.4], shuffle: false) == [[0, 1, 2], [3, 4]])
    }

    @Test func stratifiedPartsKeepClassProportions() throws {
        let labels = [Int](repeating: 7, count: 50) + [Int](repeating: 1, count: 30) + [Int](repeating: 4, count: 20)
        let parts = try splitIndices(count: 100, fractions: [0.6, 0.2, 0.2], stratifyBy: labels, seed: 3)
        func counts(_ part: [Int]) -> [Int] { [7, 1, 4].map { label in part.filter { labels[$0] == label }.count } }
        #expect(parts.map(counts) == [[30, 18, 12], [10, 6, 4], [10, 6, 4]])
        #expect(parts.flatMap { $0 }.sorted() == Array(0..<100))

        // Uneven: 3 classes of 10, 7 and 4 into 70/30: class shares within one of exact, sizes exact.
        let uneven = [Int](repeating: 0, count: 10) + [Int](repeating: 1, count: 7) + [Int](repeating: 2, count: 4)
        let split = try trainValidationTestSplit(count: 21, validationFraction: 0.3, testFraction: 0, stratifyBy: uneven, seed: 5)
        #expect(split.train.count == 15 && split.validation.count == 6 && split.test.isEmpty)
        for (label, total) in [(0, 10), (1, 7), (2, 4)] {
            let share = Double(split.validation.filter { uneven[$0] == label }.count)
            #expect(abs(share - Double(total) * 0.3) < 1, "class \(label): \(share) in validation")
        }
        #expect((split.train + split.validation).sorted() == Array(0..<21))
    }

    @Test func datasetSplitGivesSubsets() throws {
        let dataset = TensorDataset(inputs: Tensor.zeros([12, 2]), targets: Tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]))
        let parts = try dataset.split(fractions: [0.5, 0.5], stratifyBy: dataset.classLabels, seed: 0)
        #expect(parts.map(\.count) == [6, 6])
        for part in parts {
            let labels = part.indices.map { dataset.classLabels[$0] }.sorted()
            #expect(labels == [0, 0, 1, 1, 2, 2])
        }
    }

    @Test func badFractionsAndLabelsAreErrors() {
        func kind(_ body: () throws -> Any) -> DataPipelineError.Kind? {
            do { _ = try body() } catch let error as DataPipelineError { return error.kind } catch { return nil }
            return nil
        }
        #expect(kind { try splitIndices(count: 10, fractions: [0.5, 0.4]) } == .invalidFractions)
        #expect(kind { try splitIndices(count: 10, fractions: [1.2, -0.2]) } == .invalidFractions)
        #expect(kind { try splitIndices(count: 10, fractions: []) } == .invalidFractions)
        #expect(kind { try trainValidationTestSplit(count: 10, validationFraction: 0.6, testFraction: 0.6) } == .invalidFractions)
        #expect(kind { try splitIndices(count: 10, fractions: [0.5, 0.5], stratifyBy: [0, 1]) } == .countMismatch)
        #expect(kind { try splitIndices(count: 2, fractions: [0.5, 0.5], stratifyBy: [0, 1], shuffle: false) } == .conflictingOptions)
    }

    @Test func kFoldMatchesScikitLearnAndCoversEveryIndexOnce() throws {
        // sklearn.model_selection.KFold(3).split(range(7)) test folds.
        let folds = try KFold(splitCount: 3).splits(count: 7)
        #expect(folds.map(\.validation) == [[0, 1, 2], [3, 4], [5, 6]])
        #expect(folds[1].train == [0, 1, 2, 5, 6])
        let shuffled = try KFold(splitCount: 4, shuffle: true, seed: 9).splits(count: 30)
        #expect(shuffled.flatMap(\.validation).sorted() == Array(0..<30))
        #expect(shuffled.map(\.validation.count) == [8, 8, 7, 7])
        #expect(shuffled.allSatisfy { Set($0.train).isDisjoint(with: $0.validation) && $0.train.count + $0.validation.count == 30 })
        #expect(shuffled.map(\.validation) != folds.map(\.validation))
        #expect(shuffled == (try KFold(splitCount: 4, shuffle: true, seed: 9).splits(count: 30)))
    }

    @Test func stratifiedKFoldMatchesScikitLearn() throws {
        // sklearn.model_selection.StratifiedKFold(3).split(X, y) test folds for these labels.
        let labels = [2, 2, 0, 2, 0, 2, 1, 1, 2, 0, 2, 2]
        let folds = try StratifiedKFold(splitCount: 3).splits(labels: labels)
        #expect(folds.map(\.validation) == [[0, 1, 2, 3], [4, 5, 6, 8], [7, 9, 10, 11]])
        let shuffled = try StratifiedKFold(splitCount: 3, shuffle: true, seed: 1).splits(labels: labels)
        #expect(shuffled.flatMap(\.validation).sorted() == Array(0..<12))
        func classCounts(_ fold: Fold) -> [Int] { [0, 1, 2].map { label in fold.validation.filter { labels[$0] == label }.count } }
        #expect(shuffled.map(classCounts) == folds.map(classCounts))
    }

    @Test func badFoldCountsAreErrors() {
        #expect { try KFold(splitCount: 1) } throws: { ($0 as? DataPipelineError)?.kind == .invalidSplitCount }
        #expect { try KFold(splitCount: 5).splits(count: 4) } throws: { ($0 as? DataPipelineError)?.kind == .invalidSplitCount }
        #expect { try StratifiedKFold(splitCount: 0) } throws: { ($0 as? DataPipelineError)?.kind == .invalidSplitCount }
        #expect { try StratifiedKFold(splitCount: 3).splits(labels: [0, 0, 1, 1]) } throws: {
            ($0 as? DataPipelineError)?.kind == .invalidSplitCount
        }
        #expect { try StratifiedKFold(splitCount: 5).splits(labels: [0, 1, 2]) } throws: {
            ($0 as? DataPipelineError)?.kind == .invalidSplitCount
        }
    }
}

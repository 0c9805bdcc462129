import Flint
import FlintLearn
import Testing

/// KNeighborsClassifier/Regressor against scikit-learn's cross-validated scores; brute force and the KD-tree agree.
@Suite struct NeighborsTests {
    @Test(arguments: ["iris", "wine", "breast-cancer", "digits"])
    func crossValidatedAccuracyMatchesScikitLearn(dataset: String) throws {
        let (features, labels, _) = try UnsupervisedFixtures.dataset(dataset, standardized: true)
        for (name, weights) in [("knn-uniform", NeighborsWeights.uniform), ("knn-distance", .distance)] {
            let reference = UnsupervisedFixtures.number(try UnsupervisedFixtures.fixtureCase("\(name)-\(dataset)"), "accuracy")
            let accuracy = try UnsupervisedFixtures.crossValidatedAccuracy(features, labels) {
                KNeighborsClassifier(weights: weights, algorithm: .brute)
            }
            #expect(Swift.abs(accuracy - reference) <= 0.01, "\(name) \(dataset): \(accuracy), scikit-learn \(reference)")
        }
    }

    @Test func bruteForceAndKDTreeFindTheSameNeighbours() throws {
        for dataset in ["iris", "breast-cancer"] {
            let (features, labels, _) = try UnsupervisedFixtures.dataset(dataset, standardized: true)
            let targets = Tensor(labels.map { Int64($0) })
            let brute = KNeighborsClassifier(neighborCount: 7, weights: .distance, algorithm: .brute)
            let tree = KNeighborsClassifier(neighborCount: 7, weights: .distance, algorithm: .kdTree, leafSize: 5)
            try brute.fit(features, targets)
            try tree.fit(features, targets)
            let (bruteDistances, bruteIndices) = try brute.neighbors(of: features)
            let (treeDistances, treeIndices) = try tree.neighbors(of: features)
            let differing = zip(bruteIndices.scalars(as: Int64.self), treeIndices.scalars(as: Int64.self)).filter { $0 != $1 }.count
            #expect(differing == 0, "\(dataset): \(differing) neighbour indices differ")
            #expect((bruteDistances - treeDistances).abs().max().item(as: Double.self) < 1e-12)
            #expect(bruteDistances.scalars(as: Double.self)[0] == 0)   // each row is its own nearest neighbour
            #expect((try brute.predictProbabilities(features) - tree.predictProbabilities(features)).abs().max().item(as: Double.self) == 0)
            #expect(try tree.score(features, targets) == 1)            // distance weights: a training row is its own answer
        }
    }

    @Test func regressorMatchesScikitLearnOnDiabetes() throws {
        let reference = UnsupervisedFixtures.number(try UnsupervisedFixtures.fixtureCase("knn-regressor-diabetes"), "r2")
        let (features, _, targets) = try UnsupervisedFixtures.dataset("diabetes", standardized: true)
        let values = targets.to(.float64).scalars(as: Double.self), rows = values.count
        var total = 0.0
        for fold in 0..<5 {   // scikit-learn's unshuffled KFold(5)
            let sizes = (0..<5).map { rows / 5 + ($0 < rows % 5 ? 1 : 0) }
            let begin = sizes[0..<fold].reduce(0, +), end = begin + sizes[fold]
            let validation = Array(begin..<end), train = Array(0..<begin) + Array(end..<rows)
            let model = KNeighborsRegressor(algorithm: fold % 2 == 0 ? .brute : .kdTree)
            try model.fit(UnsupervisedFixtures.rows(features, train), Tensor(train.map { values[$0] }))
            total += try model.score(UnsupervisedFixtures.rows(features, validation), Tensor(validation.map { values[$0] }))
        }
        #expect(Swift.abs(total / 5 - reference) < 0.01, "R² \(total / 5), scikit-learn \(reference)")

        let line = Tensor([[0.0], [1.0], [2.0], [3.0]])
        let weighted = KNeighborsRegressor(neighborCount: 2, weights: .distance)
        try weighted.fit(line, Tensor([0.0, 10, 20, 30]))
        #expect(try weighted.predict(Tensor([[0.25], [2.0]])).scalars(as: Double.self) == [2.5, 20])
    }

    @Test func errors() throws {
        let features = Tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]), labels = Tensor([Int64(0), 1, 1])
        #expect(throws: LearnError.self) { try KNeighborsClassifier().predict(features) }
        #expect(throws: LearnError.self) { try KNeighborsClassifier().fit(features, labels) }          // 5 neighbours, 3 rows
        #expect(throws: LearnError.self) { try KNeighborsClassifier(neighborCount: 0).fit(features, labels) }
        #expect(throws: LearnError.self) { try KNeighborsClassifier(neighborCount: 1).fit(features, Tensor([Int64(0), -1, 1])) }
        #expect(throws: LearnError.self) { try KNeighborsClassifier(neighborCount: 1).fit(features, Tensor([0.5, 1, 1])) }
        #expect(throws: LearnError.self) { try KNeighborsRegressor(neighborCount: 1).fit(features, Tensor([0.0, .nan, 1])) }
        let model = KNeighborsClassifier(neighborCount: 1)
        try model.fit(features, labels)
        #expect(throws: LearnError.self) { try model.predict(Tensor([[1.0, 2.0, 3.0]])) }
        #expect(throws: LearnError.self) { try model.predict(Tensor([[1.0, .infinity]])) }
        #expect(throws: LearnError.self) { try model.neighbors(of: features, count: 4) }
    }
}

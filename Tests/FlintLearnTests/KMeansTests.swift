import Flint
import FlintLearn
import Testing

/// KMeans and the adjusted Rand index against scikit-learn on digits.
@Suite struct KMeansTests {
    @Test func adjustedRandIndexMatchesScikitLearn() throws {
        // Values from sklearn.metrics.adjusted_rand_score.
        #expect(try ClusteringMetrics.adjustedRandIndex(labelsTrue: [0, 0, 1, 1], labelsPredicted: [1, 1, 0, 0]) == 1)
        #expect(Swift.abs(try ClusteringMetrics.adjustedRandIndex(labelsTrue: [0, 0, 1, 2], labelsPredicted: [0, 0, 1, 1]) - 0.5714285714285714) < 1e-12)
        #expect(Swift.abs(try ClusteringMetrics.adjustedRandIndex(labelsTrue: [0, 0, 1, 1], labelsPredicted: [0, 1, 0, 1]) + 0.5) < 1e-12)
        #expect(try ClusteringMetrics.adjustedRandIndex(labelsTrue: [0, 1, 2], labelsPredicted: [5, 6, 7]) == 1)
        #expect(throws: LearnError.self) { try ClusteringMetrics.adjustedRandIndex(labelsTrue: [0, 1], labelsPredicted: [0]) }
    }

    @Test func digitsClusteringIsAsGoodAsScikitLearn() throws {
        let entry = try UnsupervisedFixtures.fixtureCase("kmeans-digits")
        let (features, labels, _) = try UnsupervisedFixtures.dataset("digits", standardized: false)
        let kmeans = KMeans(clusterCount: 10, initCount: 10, randomState: 0)
        try kmeans.fit(features)
        let score = try ClusteringMetrics.adjustedRandIndex(labelsTrue: Tensor(labels.map { Int64($0) }), labelsPredicted: kmeans.labels)
        let reference = UnsupervisedFixtures.number(entry, "ari_n_init_10")
        #expect(score >= reference - 0.02, "ARI \(score), scikit-learn \(reference)")
        let referenceInertia = UnsupervisedFixtures.number(entry, "inertia_n_init_10")
        #expect(kmeans.inertia <= referenceInertia * 1.01, "inertia \(kmeans.inertia), scikit-learn \(referenceInertia)")
        #expect(kmeans.clusterCenters.shape == [10, 64])
        #expect(try kmeans.predict(features).scalars(as: Int64.self) == kmeans.labels.scalars(as: Int64.self))

        // Single k-means++ runs (initCount "auto" = 1), averaged over seeds as the fixture is.
        var total = 0.0
        for seed in 0..<5 {
            let single = KMeans(clusterCount: 10, randomState: UInt64(seed))
            total += try ClusteringMetrics.adjustedRandIndex(labelsTrue: Tensor(labels.map { Int64($0) }), labelsPredicted: single.fitPredict(features))
        }
        let singleReference = UnsupervisedFixtures.number(entry, "ari_single_run_mean")
        #expect(total / 5 >= singleReference - 0.05, "mean single-run ARI \(total / 5), scikit-learn \(singleReference)")
    }

    @Test func separatedBlobsAreFoundExactlyAndTransformGivesDistances() throws {
        let points: [[Double]] = [[0, 0], [0.1, 0], [0, 0.1], [10, 10], [10.1, 10], [10, 10.1], [-10, 10], [-10, 10.1]]
        let features = Tensor(points)
        for initialization in [KMeans.Initialization.kMeansPlusPlus, .random] {
            let kmeans = KMeans(clusterCount: 3, initialization: initialization, randomState: 3)
            let labels = try kmeans.fitPredict(features).scalars(as: Int64.self)
            #expect(labels[0] == labels[1] && labels[1] == labels[2] && labels[3] == labels[4] && labels[4] == labels[5] && labels[6] == labels[7])
            #expect(Set(labels).count == 3)
            let distances = try kmeans.transform(features)
            #expect(distances.shape == [8, 3])
            let nearest = distances.rows(as: Double.self).map { $0.min()! * $0.min()! }.reduce(0, +)
            #expect(Swift.abs(nearest - kmeans.inertia) < 1e-9)
        }
        let seeded = KMeans(clusterCount: 2, initialization: .centers(Tensor([[0.0, 0.0], [10.0, 10.0]])))
        try seeded.fit(features.narrowed(axis: 0, start: 0, length: 6))
        #expect(Swift.abs(seeded.clusterCenters.scalars(as: Double.self)[0] - 0.1 / 3) < 1e-12)
    }

    @Test func errors() throws {
        let features = Tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
        #expect(throws: LearnError.self) { try KMeans().predict(features) }
        #expect(throws: LearnError.self) { try KMeans(clusterCount: 4).fit(features) }
        #expect(throws: LearnError.self) { try KMeans(clusterCount: 0).fit(features) }
        #expect(throws: LearnError.self) { try KMeans(clusterCount: 2, maxIterations: 0).fit(features) }
        #expect(throws: LearnError.self) { try KMeans(clusterCount: 2, initialization: .centers(Tensor([[0.0, 1.0]]))).fit(features) }
        let kmeans = KMeans(clusterCount: 2)
        try kmeans.fit(features)
        #expect(throws: LearnError.self) { try kmeans.predict(Tensor([[1.0, 2.0, 3.0]])) }
        #expect(throws: LearnError.self) { try kmeans.fit(Tensor([[1.0, .nan], [2.0, 3.0]])) }
    }
}

/// MiniBatchKMeans against scikit-learn's on digits.
@Suite struct MiniBatchKMeansTests {
    @Test func digitsClusteringIsAsGoodAsScikitLearn() throws {
        let entry = try UnsupervisedFixtures.fixtureCase("minibatch-kmeans-digits")
        let (features, labels, _) = try UnsupervisedFixtures.dataset("digits", standardized: false)
        let truth = Tensor(labels.map { Int64($0) })
        var total = 0.0
        for seed in 0..<10 {
            let model = MiniBatchKMeans(clusterCount: 10, initCount: 3, randomState: UInt64(seed))
            try model.fit(features)
            total += try ClusteringMetrics.adjustedRandIndex(labelsTrue: truth, labelsPredicted: model.labels)
            #expect(try model.predict(features).scalars(as: Int64.self) == model.labels.scalars(as: Int64.self))
        }
        let reference = UnsupervisedFixtures.number(entry, "ari_mean")
        // Single mini-batch runs vary (ARI standard deviation about 0.04 across seeds), hence the wider margin.
        #expect(total / 10 >= reference - 0.05, "mean ARI \(total / 10), scikit-learn \(reference)")
    }

    @Test func errors() throws {
        let features = Tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
        #expect(throws: LearnError.self) { try MiniBatchKMeans().predict(features) }
        #expect(throws: LearnError.self) { try MiniBatchKMeans(clusterCount: 4).fit(features) }
        #expect(throws: LearnError.self) { try MiniBatchKMeans(clusterCount: 2, batchSize: 0).fit(features) }
        #expect(throws: LearnError.self) { try MiniBatchKMeans(clusterCount: 2, reassignmentRatio: -1).fit(features) }
        let model = MiniBatchKMeans(clusterCount: 2)
        try model.fit(features)
        #expect(try model.transform(features).shape == [3, 2])
        #expect(throws: LearnError.self) { try model.transform(Tensor([[1.0, 2.0, 3.0]])) }
    }
}

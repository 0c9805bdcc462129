import Flint
import FlintLearn
import Testing

/// DBSCAN against scikit-learn's labels on standardized iris.
@Suite struct DBSCANTests {
    @Test(arguments: [(0.5, 5), (0.8, 4)])
    func labelsMatchScikitLearnExactly(eps: Double, minSamples: Int) throws {
        let entry = try UnsupervisedFixtures.fixtureCase("dbscan-iris-\(eps)-\(minSamples)")
        let features = try UnsupervisedFixtures.dataset("iris", standardized: true).features
        let dbscan = DBSCAN(eps: eps, minSamples: minSamples)
        let labels = try dbscan.fitPredict(features).scalars(as: Int64.self)
        let expected = UnsupervisedFixtures.numbers(entry, "labels").map { Int64($0) }
        #expect(labels == expected)
        #expect(dbscan.clusterCount == Int(expected.max()!) + 1)
        #expect(labels.contains(-1))
    }

    @Test func coreBorderAndNoisePoints() throws {
        // A dense run 0, 0.1, ..., 0.4; 0.85 has only 0.4 within eps (a border point); 10 is noise.
        let features = Tensor([[0.0], [0.1], [0.2], [0.3], [0.4], [0.85], [10.0]])
        let dbscan = DBSCAN(eps: 0.5, minSamples: 3)
        #expect(try dbscan.fitPredict(features).scalars(as: Int64.self) == [0, 0, 0, 0, 0, 0, -1])
        #expect(dbscan.coreSampleIndices == [0, 1, 2, 3, 4])
        #expect(dbscan.components.shape == [5, 1])
        let sparse = DBSCAN()
        #expect(try sparse.fitPredict(Tensor([[0.0, 0.0], [5.0, 5.0]])).scalars(as: Int64.self) == [-1, -1])
        #expect(sparse.clusterCount == 0 && sparse.components.shape == [0, 2])
    }

    @Test func errors() throws {
        let features = Tensor([[0.0, 1.0], [1.0, 0.0]])
        #expect(throws: LearnError.self) { try DBSCAN(eps: 0).fit(features) }
        #expect(throws: LearnError.self) { try DBSCAN(minSamples: 0).fit(features) }
        #expect(throws: LearnError.self) { try DBSCAN().fit(Tensor([[.nan, 1.0]])) }
        #expect(throws: LearnError.self) { try DBSCAN().fit(Tensor([1.0, 2.0])) }
    }
}

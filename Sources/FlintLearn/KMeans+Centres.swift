import Flint

/// Fitted cluster centres and what both k-means estimators do with them: the nearest centre of each
/// row (`predict`) and the distances to every centre (`transform`).
struct FittedCentres {
    let estimator: String
    /// The centres row-major, `count × featureCount`.
    let values: [Double]
    /// The same centres as a `[count, featureCount]` tensor.
    let tensor: Tensor
    let count: Int
    let featureCount: Int

    /// The index of the nearest centre of each row, int64 `[n]`.
    func nearest(_ features: Tensor) throws -> Tensor {
        let data = KMeansData(try LearnValidation.features(features, estimator: estimator, expectedFeatures: featureCount))
        return Tensor(data.assign(values, count: count).labels.map { Int64($0) }, shape: [data.rows])
    }

    /// The Euclidean distance of each row to each centre, `[n, count]`.
    func distances(_ features: Tensor) throws -> Tensor {
        let data = KMeansData(try LearnValidation.features(features, estimator: estimator, expectedFeatures: featureCount))
        let squared = SquaredDistances.matrix(data.matrix, data.norms, tensor,
                                              SquaredDistances.rowNorms(values, rows: count, columns: featureCount))
        return Tensor(squared.map { $0.squareRoot() }, shape: [data.rows, count])
    }
}

/// What both k-means estimators save: the centres, the training labels and the inertia.
struct KMeansFittedState {
    var centres: Tensor
    var labels: Tensor
    var inertia: Double

    /// The saved values (`featureCount`, `clusterCenters`, `labels`, `inertia`).
    var state: EstimatorState {
        var state = EstimatorState()
        state.set("featureCount", integer: centres.shape[1])
        state.set("clusterCenters", centres)
        state.set("labels", labels)
        state.set("inertia", inertia)
        return state
    }

    /// The values read back, labels checked to name a centre.
    init(state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        centres = try state.matrix("clusterCenters", columns: featureCount)
        guard centres.shape[0] >= 1 else { throw state.damaged("clusterCenters", "holds no centres") }
        labels = Tensor(try state.integers("labels", in: 0..<centres.shape[0]).map { Int64($0) })
        inertia = try state.double("inertia")
    }

    init(centres: Tensor, labels: Tensor, inertia: Double) {
        self.centres = centres
        self.labels = labels
        self.inertia = inertia
    }
}

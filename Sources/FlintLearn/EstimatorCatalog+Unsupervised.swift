import Flint
import Foundation

/// The clustering, decomposition and preprocessing estimators of the catalogue.
extension EstimatorCatalog {
    /// The catalogued clustering and decomposition estimators.
    ///
    /// ```swift
    /// print(EstimatorCatalog.unsupervised.map(\.name))   // ["k-means", "mini-batch-k-means", "dbscan", "pca", "truncated-svd"]
    /// ```
    public static var unsupervised: [EstimatorEntry] {
        [
            EstimatorEntry("k-means", { KMeans() }, task: .clustering, scaling: .none, "Lloyd's k-means with k-means++ seeding and several initialisations", [
                .integer("n_clusters", \KMeans.clusterCount, "number of clusters (default 8)"),
                .custom("init", \KMeans.initialization, "k-means++ (default) or random", expected: "k-means++ or random", parse: { text in
                    switch text.lowercased() {
                    case "k-means++": return .kMeansPlusPlus
                    case "random": return .random
                    default: return nil
                    }
                }, format: { initialization in
                    if case .random = initialization { return "random" }
                    return "k-means++"
                }),
                .optionalInteger("n_init", \KMeans.initCount, "initialisations, the best kept, or none for scikit-learn's auto (default none)"),
                .integer("max_iter", \KMeans.maxIterations, "most Lloyd iterations per initialisation (default 300)"),
                .number("tol", \KMeans.tolerance, "centre shift tolerance, relative to the data variance (default 1e-4)"),
                .seed("random_state", \KMeans.randomState),
            ]),
            EstimatorEntry("mini-batch-k-means", { MiniBatchKMeans() }, task: .clustering, scaling: .none, "k-means on random mini-batches", [
                .integer("n_clusters", \MiniBatchKMeans.clusterCount, "number of clusters (default 8)"),
                .integer("batch_size", \MiniBatchKMeans.batchSize, "rows per mini-batch (default 1024)"),
                .integer("max_iter", \MiniBatchKMeans.maxIterations, "most passes over the data (default 100)"),
                .number("tol", \MiniBatchKMeans.tolerance, "centre change tolerance, 0 to turn it off (default 0)"),
                .optionalInteger("max_no_improvement", \MiniBatchKMeans.maxNoImprovement, "batches without a better smoothed inertia before stopping (default 10)"),
                .optionalInteger("init_size", \MiniBatchKMeans.initSize, "rows used to initialise, or none for 3 × batch_size (default none)"),
                .optionalInteger("n_init", \MiniBatchKMeans.initCount, "initialisations, the best kept, or none for 3 (default none)"),
                .number("reassignment_ratio", \MiniBatchKMeans.reassignmentRatio, "how readily small clusters are reseeded (default 0.01)"),
                .seed("random_state", \MiniBatchKMeans.randomState),
            ]),
            EstimatorEntry("dbscan", { DBSCAN() }, task: .clustering, "density-based clustering; noise rows get the label -1", [
                .number("eps", \DBSCAN.eps, "neighbourhood radius (default 0.5)"),
                .integer("min_samples", \DBSCAN.minSamples, "rows within eps that make a core row, itself included (default 5)"),
            ]),
            EstimatorEntry("pca", { PCA() }, task: .decomposition, "principal component analysis by SVD", [
                .custom("n_components", \PCA.componentCount, "components kept: a count, a variance fraction in (0, 1), or none for all (default none)",
                        expected: "an integer, a fraction in (0, 1) or none", parse: { text in
                    if text.lowercased() == "none" { return .all }
                    if let count = Int(text) { return .count(count) }
                    return Double(text).map { .varianceFraction($0) }
                }, format: { count in
                    switch count {
                    case .all: return "none"
                    case .count(let count): return "\(count)"
                    case .varianceFraction(let fraction): return "\(fraction)"
                    }
                }),
                .flag("whiten", \PCA.whiten, "scale projections to unit variance (default false)"),
            ]),
            EstimatorEntry("truncated-svd", { TruncatedSVD() }, task: .decomposition, scaling: .none, "truncated SVD without centring (latent semantic analysis)", [
                .integer("n_components", \TruncatedSVD.componentCount, "components kept (default 2)"),
                .choice("algorithm", \TruncatedSVD.algorithm, "randomized (default) or exact", [("randomized", .randomized), ("exact", .exact), ("arpack", .exact)]),
                .integer("n_iter", \TruncatedSVD.iterationCount, "power iterations of the randomized SVD (default 5)"),
                .integer("n_oversamples", \TruncatedSVD.oversampleCount, "extra random directions of the randomized SVD (default 10)"),
                .seed("random_state", \TruncatedSVD.randomState),
            ]),
        ]
    }

    /// The catalogued preprocessing steps (what `flint learn --scale` puts first, and pipeline steps of saved estimators).
    ///
    /// ```swift
    /// let scaler = try EstimatorCatalog.entry(named: "standard-scaler").make()
    /// ```
    public static var preprocessing: [EstimatorEntry] {
        [
            EstimatorEntry("standard-scaler", { StandardScaler() }, task: .preprocessing, scaling: .none, "zero mean and unit variance per feature", [
                .flag("with_mean", \StandardScaler.withMean, "subtract the mean (default true)"),
                .flag("with_std", \StandardScaler.withStd, "divide by the standard deviation (default true)"),
            ]),
            EstimatorEntry("min-max-scaler", { MinMaxScaler() }, task: .preprocessing, scaling: .none, "each feature into a range", [
                .custom("feature_range", \MinMaxScaler.featureRange, "the target range as lower,upper (default 0,1)",
                        expected: "two numbers lower,upper", parse: parseRange, format: { "\($0.lower),\($0.upper)" }),
            ]),
            EstimatorEntry("robust-scaler", { RobustScaler() }, task: .preprocessing, scaling: .none, "median and interquartile range per feature", [
                .flag("with_centering", \RobustScaler.withCentering, "subtract the median (default true)"),
                .flag("with_scaling", \RobustScaler.withScaling, "divide by the quantile range (default true)"),
                .custom("quantile_range", \RobustScaler.quantileRange, "the quantiles of the range as lower,upper (default 25,75)",
                        expected: "two numbers lower,upper", parse: parseRange, format: { "\($0.lower),\($0.upper)" }),
            ]),
            EstimatorEntry("simple-imputer", { SimpleImputer() }, task: .preprocessing, scaling: .none, "fills missing values (NaN) per feature", [
                .custom("strategy", \SimpleImputer.strategy, "mean (default), median, most_frequent or constant:VALUE",
                        expected: "mean, median, most_frequent or constant:VALUE", parse: { text in
                    switch text.lowercased() {
                    case "mean": return .mean
                    case "median": return .median
                    case "most_frequent": return .mostFrequent
                    default:
                        guard text.lowercased().hasPrefix("constant:"), let value = Double(text.dropFirst("constant:".count)) else { return nil }
                        return .constant(value)
                    }
                }, format: { strategy in
                    switch strategy {
                    case .mean: return "mean"
                    case .median: return "median"
                    case .mostFrequent: return "most_frequent"
                    case .constant(let value): return "constant:\(value)"
                    }
                }),
            ]),
            EstimatorEntry("polynomial-features", { PolynomialFeatures() }, task: .preprocessing, scaling: .none, "products of features up to a degree", [
                .integer("degree", \PolynomialFeatures.degree, "highest total degree (default 2)"),
                .flag("interaction_only", \PolynomialFeatures.interactionOnly, "only products of distinct features (default false)"),
                .flag("include_bias", \PolynomialFeatures.includeBias, "add a column of ones (default true)"),
            ]),
            EstimatorEntry("one-hot-encoder", { OneHotEncoder() }, task: .preprocessing, scaling: .none, "one column per category of each integer feature", [
                .choice("handle_unknown", \OneHotEncoder.handleUnknown, "error (default) or ignore for categories unseen in fitting",
                        [("error", .error), ("ignore", .ignore)]),
            ]),
        ]
    }

    static func parseRange(_ text: String) -> (lower: Double, upper: Double)? {
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }
}

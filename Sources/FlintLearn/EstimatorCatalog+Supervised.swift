import Flint
import Foundation

/// The classifiers and regressors of the catalogue, with their hyperparameters under scikit-learn's names.
extension EstimatorCatalog {
    static let treeScaling = FeatureScaling.none

    /// The catalogued classifiers.
    ///
    /// ```swift
    /// print(EstimatorCatalog.classifiers.map(\.name))
    /// ```
    public static var classifiers: [EstimatorEntry] {
        [
            EstimatorEntry("logistic-regression", { LogisticRegression() }, task: .classification,
                           "multinomial logistic regression, L2 penalty, L-BFGS", [
                .number("C", \LogisticRegression.c, "inverse of the L2 strength (default 1)"),
                .choice("penalty", \LogisticRegression.penalty, "l2 (default) or none", [("l2", .l2), ("none", .none)]),
                .flag("fit_intercept", \LogisticRegression.fitIntercept, "learn intercepts (default true)"),
                .number("tol", \LogisticRegression.tol, "gradient tolerance to stop (default 1e-4)"),
                .integer("max_iter", \LogisticRegression.maxIter, "most L-BFGS iterations (default 100)"),
            ]),
            EstimatorEntry("svc", { SVC() }, task: .classification,
                           "support vector classifier (SMO as LIBSVM, kernels linear/poly/rbf/sigmoid, one-vs-one)", [
                .number("C", \SVC.c, "inverse regularisation strength (default 1)"),
            ] + kernelParameters(SVC.self) + [
                .flag("shrinking", \SVC.shrinking, "shrink the active set during SMO (default true)"),
                .flag("probability", \SVC.probability, "fit Platt probabilities by internal 5-fold cross-validation (default false)"),
                .number("tol", \SVC.tol, "stopping tolerance of SMO (default 0.001)"),
                .number("cache_size", \SVC.cacheSize, "kernel cache in MB (default 200)"),
                .custom("class_weight", \SVC.classWeight, "none (default), balanced, or label:weight pairs like 0:1,1:5",
                        expected: "none, balanced or label:weight pairs", parse: parseClassWeight, format: formatClassWeight),
                .integer("max_iter", \SVC.maxIter, "most SMO iterations, -1 for no limit (default -1)"),
                .named("decision_function_shape", \SVC.decisionFunctionShape, "ovr (default) or ovo"),
                .seed("random_state", \SVC.randomState),
            ]),
            EstimatorEntry("linear-svc", { LinearSVC() }, task: .classification,
                           "linear support vector classifier (squared hinge, dual coordinate descent as liblinear), one-vs-rest", [
                .number("C", \LinearSVC.c, "inverse regularisation strength (default 1)"),
                .number("tol", \LinearSVC.tol, "stopping tolerance (default 0.0001)"),
                .integer("max_iter", \LinearSVC.maxIter, "most passes (default 1000)"),
                .flag("fit_intercept", \LinearSVC.fitIntercept, "learn intercepts (default true)"),
                .number("intercept_scaling", \LinearSVC.interceptScaling, "value of the constant feature that carries the intercept (default 1)"),
                .seed("random_state", \LinearSVC.randomState),
            ]),
            EstimatorEntry("sgd-classifier", { SGDClassifier() }, task: .classification,
                           "linear classifier by stochastic gradient descent (hinge, log_loss, modified_huber, …), one-vs-rest",
                           [.named("loss", \SGDClassifier.loss, "hinge (default), log_loss, modified_huber, squared_hinge, perceptron, …")]
                           + sgdParameters(SGDClassifier.self, learningRate: "optimal", eta0: "0.0", powerT: "0.5") + [
                .custom("class_weight", \SGDClassifier.classWeight, "none (default), balanced, or label:weight pairs like 0:1,1:5",
                        expected: "none, balanced or label:weight pairs", parse: parseClassWeight, format: formatClassWeight),
            ]),
            EstimatorEntry("k-neighbors-classifier", { KNeighborsClassifier() }, task: .classification,
                           "vote of the k nearest training rows (brute force on BLAS or a KD-tree)", neighborParameters(KNeighborsClassifier.self)),
            EstimatorEntry("gaussian-nb", { GaussianNB() }, task: .classification, "Gaussian naive Bayes", [
                .number("var_smoothing", \GaussianNB.varSmoothing, "share of the largest variance added to all (default 1e-9)"),
                .custom("priors", \GaussianNB.priors, "class priors, comma-separated, or none to learn them (default none)",
                        expected: "comma-separated numbers or none", parse: parsePriors, format: { $0.map { $0.map { "\($0)" }.joined(separator: ",") } ?? "none" }),
            ]),
            EstimatorEntry("multinomial-nb", { MultinomialNB() }, task: .classification, scaling: .none,
                           "multinomial naive Bayes for counts (features must be non-negative)", [
                .number("alpha", \MultinomialNB.alpha, "additive smoothing (default 1)"),
                .flag("fit_prior", \MultinomialNB.fitPrior, "learn class priors, else uniform (default true)"),
            ]),
            EstimatorEntry("decision-tree-classifier", { DecisionTreeClassifier() }, task: .classification, scaling: treeScaling,
                           "CART classification tree", [criterion(\DecisionTreeClassifier.criterion)] + treeParameters(DecisionTreeClassifier.self, maxFeaturesDefault: "none")),
            EstimatorEntry("random-forest-classifier", { RandomForestClassifier() }, task: .classification, scaling: treeScaling,
                           "bootstrap forest of classification trees, grown in parallel", [
                .integer("n_estimators", \RandomForestClassifier.nEstimators, "number of trees (default 100)"),
                criterion(\RandomForestClassifier.criterion),
                .flag("bootstrap", \RandomForestClassifier.bootstrap, "grow each tree on a bootstrap sample (default true)"),
            ] + treeParameters(RandomForestClassifier.self, maxFeaturesDefault: "sqrt")),
            EstimatorEntry("gradient-boosting-classifier", { GradientBoostingClassifier() }, task: .classification, scaling: treeScaling,
                           "gradient-boosted regression trees on the log loss", boostingParameters(GradientBoostingClassifier.self)),
        ]
    }

    /// The catalogued regressors.
    ///
    /// ```swift
    /// print(EstimatorCatalog.regressors.map(\.name))
    /// ```
    public static var regressors: [EstimatorEntry] {
        [
            EstimatorEntry("linear-regression", { LinearRegression() }, task: .regression, "ordinary least squares", [
                .flag("fit_intercept", \LinearRegression.fitIntercept, "learn an intercept (default true)"),
            ]),
            EstimatorEntry("ridge", { Ridge() }, task: .regression, "least squares with an L2 penalty", [
                .number("alpha", \Ridge.alpha, "L2 strength (default 1)"),
                .flag("fit_intercept", \Ridge.fitIntercept, "learn an intercept (default true)"),
            ]),
            EstimatorEntry("lasso", { Lasso() }, task: .regression, "least squares with an L1 penalty (coordinate descent)", [
                .number("alpha", \Lasso.alpha, "L1 strength (default 1)"),
                .flag("fit_intercept", \Lasso.fitIntercept, "learn an intercept (default true)"),
                .integer("max_iter", \Lasso.maxIter, "most coordinate-descent sweeps (default 1000)"),
                .number("tol", \Lasso.tol, "duality-gap tolerance (default 1e-4)"),
            ]),
            EstimatorEntry("elastic-net", { ElasticNet() }, task: .regression, "least squares with L1 and L2 penalties (coordinate descent)", [
                .number("alpha", \ElasticNet.alpha, "penalty strength (default 1)"),
                .number("l1_ratio", \ElasticNet.l1Ratio, "share of L1 in the penalty (default 0.5)"),
                .flag("fit_intercept", \ElasticNet.fitIntercept, "learn an intercept (default true)"),
                .integer("max_iter", \ElasticNet.maxIter, "most coordinate-descent sweeps (default 1000)"),
                .number("tol", \ElasticNet.tol, "duality-gap tolerance (default 1e-4)"),
            ]),
            EstimatorEntry("svr", { SVR() }, task: .regression, "epsilon-support vector regression (SMO as LIBSVM)", [
                .number("C", \SVR.c, "inverse regularisation strength (default 1)"),
                .number("epsilon", \SVR.epsilon, "width of the loss-free tube (default 0.1)"),
            ] + kernelParameters(SVR.self) + [
                .flag("shrinking", \SVR.shrinking, "shrink the active set during SMO (default true)"),
                .number("tol", \SVR.tol, "stopping tolerance of SMO (default 0.001)"),
                .number("cache_size", \SVR.cacheSize, "kernel cache in MB (default 200)"),
                .integer("max_iter", \SVR.maxIter, "most SMO iterations, -1 for no limit (default -1)"),
            ]),
            EstimatorEntry("sgd-regressor", { SGDRegressor() }, task: .regression,
                           "linear regression by stochastic gradient descent (squared error, huber, epsilon-insensitive)",
                           [.named("loss", \SGDRegressor.loss, "squared_error (default), huber, epsilon_insensitive, squared_epsilon_insensitive")]
                           + sgdParameters(SGDRegressor.self, learningRate: "invscaling", eta0: "0.01", powerT: "0.25")),
            EstimatorEntry("k-neighbors-regressor", { KNeighborsRegressor() }, task: .regression,
                           "mean of the k nearest training rows' targets", neighborParameters(KNeighborsRegressor.self)),
            EstimatorEntry("decision-tree-regressor", { DecisionTreeRegressor() }, task: .regression, scaling: treeScaling,
                           "CART regression tree (squared error)", treeParameters(DecisionTreeRegressor.self, maxFeaturesDefault: "none")),
            EstimatorEntry("random-forest-regressor", { RandomForestRegressor() }, task: .regression, scaling: treeScaling,
                           "bootstrap forest of regression trees, grown in parallel", [
                .integer("n_estimators", \RandomForestRegressor.nEstimators, "number of trees (default 100)"),
                .flag("bootstrap", \RandomForestRegressor.bootstrap, "grow each tree on a bootstrap sample (default true)"),
            ] + treeParameters(RandomForestRegressor.self, maxFeaturesDefault: "none")),
            EstimatorEntry("gradient-boosting-regressor", { GradientBoostingRegressor() }, task: .regression, scaling: treeScaling,
                           "gradient-boosted regression trees on the squared error", boostingParameters(GradientBoostingRegressor.self)),
        ]
    }

    static func parsePriors(_ text: String) -> [Double]?? {
        if text.lowercased() == "none" { return .some(nil) }
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { return nil }
        return .some(values.map { $0! })
    }

    static func kernelParameters<Model: KernelParameters>(_ model: Model.Type) -> [EstimatorParameter] {
        [
            .named("kernel", \Model.kernel, "linear, poly, rbf (default) or sigmoid"),
            .integer("degree", \Model.degree, "degree of the poly kernel (default 3)"),
            .custom("gamma", \Model.gamma, "kernel coefficient: scale (default, 1 / (features · variance)), auto (1 / features) or a number",
                    expected: "scale, auto or a positive number", parse: { text in
                switch text.lowercased() {
                case "scale": return .scale
                case "auto": return .auto
                default: return Double(text).map { .value($0) }
                }
            }, format: { gamma in
                switch gamma {
                case .scale: return "scale"
                case .auto: return "auto"
                case .value(let value): return "\(value)"
                }
            }),
            .number("coef0", \Model.coef0, "constant term of the poly and sigmoid kernels (default 0)"),
        ]
    }

    static func sgdParameters<Model: SGDParameters>(_ model: Model.Type, learningRate: String, eta0: String, powerT: String) -> [EstimatorParameter] {
        [
            .named("penalty", \Model.penalty, "l2 (default), l1, elasticnet or none"),
            .number("alpha", \Model.alpha, "penalty strength (default 0.0001)"),
            .number("l1_ratio", \Model.l1Ratio, "share of L1 in the elasticnet penalty (default 0.15)"),
            .flag("fit_intercept", \Model.fitIntercept, "learn an intercept (default true)"),
            .integer("max_iter", \Model.maxIter, "most epochs (default 1000)"),
            .optionalNumber("tol", \Model.tol, "stop when the loss improves less than this, or none (default 0.001)"),
            .flag("shuffle", \Model.shuffle, "shuffle rows each epoch (default true)"),
            .number("epsilon", \Model.epsilon, "the epsilon of huber and epsilon-insensitive losses (default 0.1)"),
            .seed("random_state", \Model.randomState),
            .named("learning_rate", \Model.learningRate, "optimal, constant, invscaling, adaptive, pa1 or pa2 (default \(learningRate))"),
            .number("eta0", \Model.eta0, "initial step of constant, invscaling and adaptive (default \(eta0))"),
            .number("power_t", \Model.powerT, "exponent of invscaling (default \(powerT))"),
            .flag("early_stopping", \Model.earlyStopping, "stop on a held-out validation score (default false)"),
            .number("validation_fraction", \Model.validationFraction, "share held out for early stopping (default 0.1)"),
            .integer("n_iter_no_change", \Model.nIterNoChange, "epochs without improvement before stopping (default 5)"),
            .custom("average", \Model.average, "average the weights: false (default), true, or from this many updates on",
                    expected: "true, false or a positive integer", parse: { text in
                switch text.lowercased() {
                case "true": return 1
                case "false": return 0
                default: return Int(text).flatMap { $0 >= 0 ? $0 : nil }
                }
            }, format: { $0 == 0 ? "false" : $0 == 1 ? "true" : "\($0)" }),
        ]
    }

    static func parseClassWeight(_ text: String) -> ClassWeight?? {
        switch text.lowercased() {
        case "none": return .some(nil)
        case "balanced": return .some(.balanced)
        default:
            var table: [Int: Double] = [:]
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: ":")
                guard parts.count == 2, let label = Int(parts[0].trimmingCharacters(in: .whitespaces)),
                      let weight = Double(parts[1].trimmingCharacters(in: .whitespaces)) else { return nil }
                table[label] = weight
            }
            return table.isEmpty ? nil : .some(.weights(table))
        }
    }

    static func formatClassWeight(_ weight: ClassWeight?) -> String {
        switch weight {
        case nil: return "none"
        case .balanced?: return "balanced"
        case .weights(let table)?: return table.keys.sorted().map { "\($0):\(table[$0]!)" }.joined(separator: ",")
        }
    }

    static func criterion<Model: AnyObject>(_ keyPath: ReferenceWritableKeyPath<Model, ClassificationCriterion>) -> EstimatorParameter {
        .choice("criterion", keyPath, "split impurity: gini (default) or entropy (also log_loss)",
                [("gini", .gini), ("entropy", .entropy), ("log_loss", .entropy)])
    }

    static func neighborParameters<Model: KNeighborsParameters>(_ model: Model.Type) -> [EstimatorParameter] {
        [
            .integer("n_neighbors", \Model.neighborCount, "neighbours that vote (default 5)"),
            .choice("weights", \Model.weights, "uniform (default) or distance (closer neighbours count more)",
                    [("uniform", .uniform), ("distance", .distance)]),
            .choice("algorithm", \Model.algorithm, "auto (default), brute or kd_tree",
                    [("auto", .auto), ("brute", .brute), ("kd_tree", .kdTree)]),
            .integer("leaf_size", \Model.leafSize, "rows per KD-tree leaf (default 30)"),
        ]
    }

    static func treeParameters<Model: TreeParameters>(_ model: Model.Type, maxFeaturesDefault: String) -> [EstimatorParameter] {
        [
            .optionalInteger("max_depth", \Model.maxDepth, "deepest a leaf may be, or none (default none)"),
            .integer("min_samples_split", \Model.minSamplesSplit, "fewest rows a node needs to be split (default 2)"),
            .integer("min_samples_leaf", \Model.minSamplesLeaf, "fewest rows each leaf keeps (default 1)"),
            .maxFeatures(\Model.maxFeatures, "features tried per split: sqrt, log2, none, a count or a fraction (default \(maxFeaturesDefault))"),
            .seed("random_state", \Model.randomState),
        ]
    }

    static func boostingParameters<Model: BoostingParameters>(_ model: Model.Type) -> [EstimatorParameter] {
        [
            .integer("n_estimators", \Model.nEstimators, "boosting stages (default 100)"),
            .number("learning_rate", \Model.learningRate, "shrinkage of each stage (default 0.1)"),
            .optionalInteger("max_depth", \Model.maxDepth, "depth of each tree, or none (default 3)"),
            .integer("min_samples_split", \Model.minSamplesSplit, "fewest rows a node needs to be split (default 2)"),
            .integer("min_samples_leaf", \Model.minSamplesLeaf, "fewest rows each leaf keeps (default 1)"),
            .number("subsample", \Model.subsample, "share of rows each stage sees (default 1)"),
            .seed("random_state", \Model.randomState),
        ]
    }
}

/// The hyperparameters both k-nearest-neighbours estimators have (so one parameter list serves both).
protocol KNeighborsParameters: AnyObject {
    var neighborCount: Int { get set }
    var weights: NeighborsWeights { get set }
    var algorithm: NeighborsAlgorithm { get set }
    var leafSize: Int { get set }
}

extension KNeighborsClassifier: KNeighborsParameters {}
extension KNeighborsRegressor: KNeighborsParameters {}

/// The kernel hyperparameters both kernel SVMs have.
protocol KernelParameters: AnyObject {
    var kernel: SVMKernel { get set }
    var degree: Int { get set }
    var gamma: SVMGamma { get set }
    var coef0: Double { get set }
}

extension SVC: KernelParameters {}
extension SVR: KernelParameters {}

/// The hyperparameters both stochastic-gradient-descent estimators have.
protocol SGDParameters: AnyObject {
    var penalty: SGDPenalty { get set }
    var alpha: Double { get set }
    var l1Ratio: Double { get set }
    var fitIntercept: Bool { get set }
    var maxIter: Int { get set }
    var tol: Double? { get set }
    var shuffle: Bool { get set }
    var epsilon: Double { get set }
    var randomState: UInt64? { get set }
    var learningRate: SGDLearningRate { get set }
    var eta0: Double { get set }
    var powerT: Double { get set }
    var earlyStopping: Bool { get set }
    var validationFraction: Double { get set }
    var nIterNoChange: Int { get set }
    var average: Int { get set }
}

extension SGDClassifier: SGDParameters {}
extension SGDRegressor: SGDParameters {}

/// The hyperparameters every tree and forest has.
protocol TreeParameters: AnyObject {
    var maxDepth: Int? { get set }
    var minSamplesSplit: Int { get set }
    var minSamplesLeaf: Int { get set }
    var maxFeatures: MaxFeatures { get set }
    var randomState: UInt64? { get set }
}

extension DecisionTreeClassifier: TreeParameters {}
extension DecisionTreeRegressor: TreeParameters {}
extension RandomForestClassifier: TreeParameters {}
extension RandomForestRegressor: TreeParameters {}

/// The hyperparameters both gradient-boosting estimators have.
protocol BoostingParameters: AnyObject {
    var nEstimators: Int { get set }
    var learningRate: Double { get set }
    var maxDepth: Int? { get set }
    var minSamplesSplit: Int { get set }
    var minSamplesLeaf: Int { get set }
    var subsample: Double { get set }
    var randomState: UInt64? { get set }
}

extension GradientBoostingClassifier: BoostingParameters {}
extension GradientBoostingRegressor: BoostingParameters {}

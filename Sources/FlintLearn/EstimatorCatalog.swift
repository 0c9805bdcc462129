import Flint
import Foundation

/// What a catalogued estimator learns, which decides how `flint learn` scores it.
///
/// ```swift
/// if entry.task == .classification { print("scored by accuracy") }
/// ```
public enum EstimatorTask: String, Sendable, Equatable, CaseIterable {
    /// Predicts class labels; scored by accuracy.
    case classification
    /// Predicts real values; scored by R².
    case regression
    /// Groups rows without labels; scored by the adjusted Rand index against the dataset's labels.
    case clustering
    /// Projects rows onto fewer components; scored by the explained variance ratio kept.
    case decomposition
    /// Rescales or encodes features, as a pipeline step.
    case preprocessing
}

/// How `flint learn` prepares features before the estimator, as a pipeline's first step.
///
/// ```swift
/// let entry = try EstimatorCatalog.entry(named: "svc")
/// print(entry.defaultScaling)   // .standard
/// ```
public enum FeatureScaling: String, Sendable, Equatable, CaseIterable {
    /// ``StandardScaler``: zero mean, unit variance per feature.
    case standard
    /// ``MinMaxScaler``: each feature into [0, 1].
    case minmax
    /// ``RobustScaler``: median and interquartile range.
    case robust
    /// The features as they are.
    case none

    /// The catalogue name of the scaler, nil for ``none``.
    ///
    /// ```swift
    /// FeatureScaling.standard.scalerName   // "standard-scaler"
    /// ```
    public var scalerName: String? {
        switch self {
        case .standard: return "standard-scaler"
        case .minmax: return "min-max-scaler"
        case .robust: return "robust-scaler"
        case .none: return nil
        }
    }
}

/// One estimator the command line and saved files know by name: its lower-case hyphenated name
/// (`random-forest-classifier`), what it learns, its hyperparameters under scikit-learn's names, and
/// how to make one.
///
/// ```swift
/// let entry = try EstimatorCatalog.entry(named: "svc")
/// let model = try entry.make(parameters: ["C": "10", "kernel": "rbf"])
/// ```
public struct EstimatorEntry {
    /// The command-line name, lower case with hyphens.
    public let name: String
    /// The Swift class name (scikit-learn's class name).
    public let typeName: String
    /// What the estimator learns.
    public let task: EstimatorTask
    /// One line on what it is.
    public let summary: String
    /// The scaling `flint learn` puts in front of it unless told otherwise.
    public let defaultScaling: FeatureScaling
    /// Its hyperparameters, under scikit-learn's names.
    public let parameters: [EstimatorParameter]
    let makeDefault: () -> AnyObject
    let type: ObjectIdentifier

    init<Model: AnyObject>(_ name: String, _ make: @escaping () -> Model, task: EstimatorTask, scaling: FeatureScaling = .standard,
                           _ summary: String, _ parameters: [EstimatorParameter]) {
        self.name = name
        self.typeName = String(describing: Model.self)
        self.task = task
        self.summary = summary
        self.defaultScaling = scaling
        self.parameters = parameters
        self.makeDefault = make
        self.type = ObjectIdentifier(Model.self)
    }

    /// A new estimator with scikit-learn's defaults, then `parameters` (scikit-learn names, text
    /// values; `-` in a name reads as `_`, and case is ignored) applied. An unknown name or a value
    /// that does not parse throws, naming the parameters there are.
    ///
    /// ```swift
    /// let forest = try EstimatorCatalog.entry(named: "random-forest-classifier").make(parameters: ["n_estimators": "50"])
    /// ```
    public func make(parameters values: [String: String] = [:]) throws -> AnyObject {
        let estimator = makeDefault()
        for (given, text) in values.sorted(by: { $0.key < $1.key }) {
            try parameter(named: given).write(estimator, text)
        }
        return estimator
    }

    /// The parameter called `given` (scikit-learn's spelling, hyphens or underscores, any case).
    ///
    /// ```swift
    /// let trees = try entry.parameter(named: "n-estimators")
    /// ```
    public func parameter(named given: String) throws -> EstimatorParameter {
        let wanted = given.replacingOccurrences(of: "-", with: "_").lowercased()
        guard let parameter = parameters.first(where: { $0.name.lowercased() == wanted }) else {
            let known = parameters.isEmpty ? "it has none" : "it has " + parameters.map(\.name).joined(separator: ", ")
            throw LearnError(.invalidParameter, "\(name) has no parameter '\(given)'; \(known)")
        }
        return parameter
    }

    /// Every parameter's current value on `estimator`, as text (what a saved estimator records).
    ///
    /// ```swift
    /// print(entry.parameterValues(of: forest))   // ["n_estimators": "100", "max_depth": "none", ...]
    /// ```
    public func parameterValues(of estimator: AnyObject) -> [String: String] {
        var values: [String: String] = [:]
        for parameter in parameters { values[parameter.name] = parameter.read(estimator) }
        return values
    }

    /// Whether `estimator` is an instance of this entry's class (exactly, not a subclass).
    ///
    /// ```swift
    /// entry.describes(Ridge())   // true for the "ridge" entry
    /// ```
    public func describes(_ estimator: AnyObject) -> Bool {
        ObjectIdentifier(Swift.type(of: estimator)) == type
    }
}

/// Every estimator Flint offers by name: the command line (`flint learn <name>`), `flint bench learn`
/// and saved estimators go through it.
///
/// ```swift
/// for entry in EstimatorCatalog.entries where entry.task == .classification { print(entry.name) }
/// ```
public enum EstimatorCatalog {
    /// Every catalogued estimator: supervised ones first, then clustering, decomposition and preprocessing.
    public static var entries: [EstimatorEntry] {
        classifiers + regressors + unsupervised + preprocessing
    }

    /// The entry called `name` (lower case with hyphens, as `flint learn` takes it). An unknown name
    /// throws, listing the known ones.
    ///
    /// ```swift
    /// let entry = try EstimatorCatalog.entry(named: "logistic-regression")
    /// ```
    public static func entry(named name: String) throws -> EstimatorEntry {
        let wanted = name.lowercased().replacingOccurrences(of: "_", with: "-")
        guard let entry = entries.first(where: { $0.name == wanted }) else {
            throw LearnError(.invalidParameter, "unknown estimator '\(name)'; choose from: " + entries.map(\.name).joined(separator: ", "))
        }
        return entry
    }

    /// The entry describing `estimator`'s class, nil for a class the catalogue does not hold.
    ///
    /// ```swift
    /// EstimatorCatalog.entry(for: Ridge())?.name   // "ridge"
    /// ```
    public static func entry(for estimator: AnyObject) -> EstimatorEntry? {
        entries.first { $0.describes(estimator) }
    }
}

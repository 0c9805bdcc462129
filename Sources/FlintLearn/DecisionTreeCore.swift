import Flint
import Foundation

/// A fitted tree in flat arrays (scikit-learn's `tree_`): node `i` splits on `feature[i]` at
/// `threshold[i]` (rows with `value <= threshold` go to `left[i]`), or is a leaf when `feature[i] < 0`;
/// `values[i * outputs ..< (i + 1) * outputs]` holds a leaf's class fractions or its mean target.
struct TreeStructure: Sendable {
    var feature: [Int32] = []
    var threshold: [Double] = []
    var left: [Int32] = []
    var right: [Int32] = []
    var values: [Double] = []
    var outputs: Int
    /// Weighted impurity decrease per feature, not normalized.
    var importances: [Double]
    /// Depth of the deepest leaf (the root alone has depth 0).
    var depth = 0

    var nodeCount: Int { feature.count }
    var leafCount: Int { feature.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    init(outputs: Int, features: Int) {
        self.outputs = outputs
        importances = [Double](repeating: 0, count: features)
    }

    /// The leaf each row of a row-major `[rows, columns]` buffer lands in.
    func leaves(rows: UnsafeBufferPointer<Double>, columns: Int) -> [Int] {
        let count = rows.count / max(columns, 1)
        return feature.withUnsafeBufferPointer { feature in
            threshold.withUnsafeBufferPointer { threshold in
                left.withUnsafeBufferPointer { left in
                    right.withUnsafeBufferPointer { right in
                        (0..<count).map { row in
                            var node = 0
                            let base = row * columns
                            while feature[node] >= 0 {
                                node = Int(rows[base + Int(feature[node])] <= threshold[node] ? left[node] : right[node])
                            }
                            return node
                        }
                    }
                }
            }
        }
    }

    /// Adds `scale` times each row's leaf values into `output` (`[rows, outputs]`, row-major).
    func accumulate(rows: UnsafeBufferPointer<Double>, columns: Int, scale: Double, into output: inout [Double]) {
        let leaves = leaves(rows: rows, columns: columns)
        values.withUnsafeBufferPointer { values in
            output.withUnsafeMutableBufferPointer { output in
                for (row, leaf) in leaves.enumerated() {
                    for k in 0..<outputs { output[row * outputs + k] += scale * values[leaf * outputs + k] }
                }
            }
        }
    }
}

/// How many features a split looks at (scikit-learn's `max_features`).
///
/// ```swift
/// let forest = RandomForestClassifier(maxFeatures: .log2)
/// ```
public enum MaxFeatures: Sendable, Equatable {
    /// Every feature (`None`, or `1.0`).
    case all
    /// `max(1, Int(sqrt(features)))` (`"sqrt"`).
    case sqrt
    /// `max(1, Int(log2(features)))` (`"log2"`).
    case log2
    /// A fixed number of features (an int), at least 1.
    case count(Int)
    /// A fraction of the features, `max(1, Int(fraction * features))` (a float in (0, 1]).
    case fraction(Double)

    /// The number of features for a table with `features` columns.
    ///
    /// ```swift
    /// MaxFeatures.sqrt.resolved(features: 64)   // 8
    /// ```
    public func resolved(features: Int) -> Int {
        switch self {
        case .all: return features
        case .sqrt: return max(1, Int(Double(features).squareRoot()))
        case .log2: return max(1, Int(Foundation.log2(Double(features))))
        case .count(let count): return min(count, features)
        case .fraction(let fraction): return max(1, Int(fraction * Double(features)))
        }
    }

    func validate(_ estimator: String) throws {
        switch self {
        case .count(let count) where count < 1:
            throw LearnError(.invalidParameter, "\(estimator): maxFeatures .count(\(count)) must be at least 1")
        case .fraction(let fraction) where !(fraction > 0 && fraction <= 1):
            throw LearnError(.invalidParameter, "\(estimator): maxFeatures .fraction(\(fraction)) must be in (0, 1]")
        default: return
        }
    }
}

/// The impurity a classification tree minimizes (scikit-learn's `criterion`).
///
/// ```swift
/// let tree = DecisionTreeClassifier(criterion: .entropy)
/// ```
public enum ClassificationCriterion: Sendable, Equatable {
    /// Gini impurity, 1 - Σ p².
    case gini
    /// Shannon entropy, -Σ p log₂ p (scikit-learn's `"entropy"` and `"log_loss"`).
    case entropy
}

/// A small, fast seeded generator (SplitMix64) for the trees' feature draws and bootstraps.
struct TreeRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in 0..<bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    /// The seed of the `index`-th sub-generator of `seed`, independent of the order they are made in.
    static func derived(_ seed: UInt64, _ index: Int) -> UInt64 {
        var generator = TreeRandom(seed: seed ^ (UInt64(index) &* 0xD6E8_FEB8_6659_FD93))
        return generator.next()
    }
    /// A fresh seed when the user gave none.
    static func seed(_ randomState: UInt64?) -> UInt64 { randomState ?? UInt64.random(in: 0...UInt64.max) }
}

/// Hyperparameters the builder reads.
struct TreeSettings: Sendable {
    var maxDepth: Int?
    var minSamplesSplit = 2
    var minSamplesLeaf = 1
    var maxFeatures: Int
    var criterion: ClassificationCriterion? = .gini   // nil: squared error (regression)
    var classCount = 0

    /// Checks the ranges scikit-learn checks.
    static func validate(estimator: String, maxDepth: Int?, minSamplesSplit: Int, minSamplesLeaf: Int, maxFeatures: MaxFeatures) throws {
        if let maxDepth, maxDepth < 1 { throw LearnError(.invalidParameter, "\(estimator): maxDepth must be at least 1 (or nil), got \(maxDepth)") }
        guard minSamplesSplit >= 2 else { throw LearnError(.invalidParameter, "\(estimator): minSamplesSplit must be at least 2, got \(minSamplesSplit)") }
        guard minSamplesLeaf >= 1 else { throw LearnError(.invalidParameter, "\(estimator): minSamplesLeaf must be at least 1, got \(minSamplesLeaf)") }
        try maxFeatures.validate(estimator)
    }
}

/// A feature table stored column by column (`columns[feature * rows + row]`) with the targets, shared
/// read-only by every tree of an ensemble.
struct TreeTrainingData: Sendable {
    let rows: Int
    let features: Int
    let columns: [Double]
    /// Class index per row (classification), or empty.
    let classIndex: [Int32]
    /// Target per row (regression), or empty.
    let targets: [Double]
    /// For each feature, the rows in ascending order of its value (`sortedRows[feature * rows ..< (feature + 1) * rows]`),
    /// or empty: the splitter then sorts each node's rows itself.
    private(set) var sortedRows: [Int32] = []

    init(rowMajor: [Double], rows: Int, features: Int, classIndex: [Int32] = [], targets: [Double] = []) {
        self.rows = rows
        self.features = features
        var columns = [Double](repeating: 0, count: rows * features)
        rowMajor.withUnsafeBufferPointer { source in
            columns.withUnsafeMutableBufferPointer { columns in
                for row in 0..<rows { for feature in 0..<features { columns[feature * rows + row] = source[row * features + feature] } }
            }
        }
        self.columns = columns
        self.classIndex = classIndex
        self.targets = targets
    }

    /// The same features with other regression targets (gradient boosting's residuals).
    init(sharing data: TreeTrainingData, targets: [Double]) {
        rows = data.rows
        features = data.features
        columns = data.columns
        classIndex = []
        self.targets = targets
        sortedRows = data.sortedRows
    }

    /// The same data with every column presorted once (worth it when many trees share the rows).
    func presorted() -> TreeTrainingData {
        var copy = self
        var order = [Int32](repeating: 0, count: rows * features)
        for feature in 0..<features {
            let base = feature * rows
            let sorted = (0..<rows).sorted { columns[base + $0] < columns[base + $1] }
            for (position, row) in sorted.enumerated() { order[base + position] = Int32(row) }
        }
        copy.sortedRows = order
        return copy
    }
}

/// How classes are weighted in fitting (scikit-learn's `class_weight`): each row's penalty (SVC's C,
/// SGD's step) is multiplied by its class's weight.
///
/// ```swift
/// let model = SVC(classWeight: .balanced)
/// let skewed = SGDClassifier(classWeight: .weights([0: 1, 1: 5]))
/// ```
public enum ClassWeight: Sendable, Equatable {
    /// `samples / (classes · count(class))`: rare classes weigh more.
    case balanced
    /// A weight per class label; classes not listed weigh 1.
    case weights([Int: Double])

    /// The weight of each of `classes` (ascending labels) given the fitted `targets`; no weighting
    /// gives 1 for every class. A negative or non-finite weight throws.
    ///
    /// ```swift
    /// try ClassWeight.weights(.balanced, classes: [0, 1], targets: [0, 0, 0, 1], estimator: "SVC")   // [0.667, 2]
    /// ```
    public static func weights(_ weighting: ClassWeight?, classes: [Int], targets: [Int], estimator: String) throws -> [Double] {
        switch weighting {
        case nil:
            return [Double](repeating: 1, count: classes.count)
        case .balanced?:
            var counts = [Int: Int]()
            for label in targets { counts[label, default: 0] += 1 }
            return classes.map { Double(targets.count) / (Double(classes.count) * Double(counts[$0]!)) }
        case .weights(let table)?:
            if let bad = table.first(where: { !($0.value >= 0 && $0.value.isFinite) }) {
                throw LearnError(.invalidParameter, "\(estimator): class weight \(bad.value) for class \(bad.key) must be finite and >= 0")
            }
            return classes.map { table[$0] ?? 1 }
        }
    }
}

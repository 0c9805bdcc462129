import Foundation

/// The regularization penalty of `SGDClassifier` and `SGDRegressor` (scikit-learn `penalty`).
///
/// ```swift
/// let model = SGDClassifier(penalty: .elasticnet, l1Ratio: 0.5)
/// ```
public enum SGDPenalty: String, Sendable, Equatable, CaseIterable {
    /// `alpha · ‖w‖² / 2`, applied by rescaling the weights each step (scikit-learn's default "l2").
    case l2
    /// `alpha · ‖w‖₁`, applied by cumulative truncated gradients (Tsuruoka et al. 2009).
    case l1
    /// `alpha · (l1Ratio · ‖w‖₁ + (1 - l1Ratio) · ‖w‖² / 2)`.
    case elasticnet
    /// No penalty (scikit-learn `penalty=None`).
    case none
}

/// The step-size schedule of `SGDClassifier` and `SGDRegressor` (scikit-learn `learning_rate`); `t` counts
/// the samples seen, from 1.
///
/// ```swift
/// let model = SGDRegressor(learningRate: .constant, eta0: 0.001)
/// ```
public enum SGDLearningRate: String, Sendable, Equatable, CaseIterable {
    /// `1 / (alpha · (t0 + t - 1))`, with Bottou's heuristic `t0` (the classifier's default).
    case optimal
    /// `eta0` throughout.
    case constant
    /// `eta0 / t^powerT` (the regressor's default).
    case invscaling
    /// `eta0`, divided by 5 each time the stopping criterion has not improved for `nIterNoChange` epochs.
    case adaptive
    /// Passive-aggressive I: step `min(eta0, loss / ‖x‖²)` (hinge or epsilon-insensitive loss only).
    case pa1
    /// Passive-aggressive II: step `loss / (‖x‖² + 1 / (2 · eta0))` (hinge or epsilon-insensitive loss only).
    case pa2
}

/// A loss of one sample as a function of the target `y` and the linear score `p`, with its derivative in
/// `p` (scikit-learn's `_sgd_fast` loss classes). Classification targets are ±1, except the log loss,
/// whose targets are 0/1 as scikit-learn's `CyHalfBinomialLoss` takes them.
enum SGDLossFunction: Sendable, Equatable {
    /// `max(0, threshold - y·p)`: threshold 1 is the SVM hinge, 0 the perceptron.
    case hinge(threshold: Double)
    /// `max(0, threshold - y·p)²`.
    case squaredHinge(threshold: Double)
    /// `log(1 + e^p) - y·p` with y in {0, 1}.
    case logLoss
    /// Zhang's smoothed hinge: 0 above 1, `(1 - y·p)²` down to -1, then `-4·y·p`.
    case modifiedHuber
    /// `(p - y)² / 2`.
    case squaredError
    /// Squared error within `epsilon`, linear beyond.
    case huber(epsilon: Double)
    /// `max(0, |y - p| - epsilon)`.
    case epsilonInsensitive(epsilon: Double)
    /// `max(0, |y - p| - epsilon)²`.
    case squaredEpsilonInsensitive(epsilon: Double)

    /// Whether targets are encoded 0/1 (log loss) rather than -1/+1.
    var encodesNegativeAsZero: Bool { self == .logLoss }

    /// The loss of one sample.
    @inline(__always)
    func loss(_ y: Double, _ p: Double) -> Double {
        switch self {
        case .hinge(let threshold):
            let z = p * y
            return z <= threshold ? threshold - z : 0
        case .squaredHinge(let threshold):
            let z = threshold - p * y
            return z > 0 ? z * z : 0
        case .logLoss:
            // log(1 + e^p) - y·p, stable for large |p|.
            let softplus = p > 0 ? p + log1p(exp(-p)) : log1p(exp(p))
            return softplus - y * p
        case .modifiedHuber:
            let z = p * y
            if z >= 1 { return 0 }
            return z >= -1 ? (1 - z) * (1 - z) : -4 * z
        case .squaredError:
            return 0.5 * (p - y) * (p - y)
        case .huber(let epsilon):
            let difference = abs(y - p)
            return difference <= epsilon ? 0.5 * difference * difference : epsilon * (difference - 0.5 * epsilon)
        case .epsilonInsensitive(let epsilon):
            return max(0, abs(y - p) - epsilon)
        case .squaredEpsilonInsensitive(let epsilon):
            let excess = abs(y - p) - epsilon
            return excess > 0 ? excess * excess : 0
        }
    }

    /// The derivative of the loss in `p`.
    @inline(__always)
    func gradient(_ y: Double, _ p: Double) -> Double {
        switch self {
        case .hinge(let threshold):
            return p * y <= threshold ? -y : 0
        case .squaredHinge(let threshold):
            let z = threshold - p * y
            return z > 0 ? -2 * y * z : 0
        case .logLoss:
            let sigmoid = p >= 0 ? 1 / (1 + exp(-p)) : exp(p) / (1 + exp(p))
            return sigmoid - y
        case .modifiedHuber:
            let z = p * y
            if z >= 1 { return 0 }
            return z >= -1 ? -2 * (1 - z) * y : -4 * y
        case .squaredError:
            return p - y
        case .huber(let epsilon):
            let difference = p - y
            if abs(difference) <= epsilon { return difference }
            return difference > 0 ? epsilon : -epsilon
        case .epsilonInsensitive(let epsilon):
            if y - p > epsilon { return -1 }
            return p - y > epsilon ? 1 : 0
        case .squaredEpsilonInsensitive(let epsilon):
            let z = y - p
            if z > epsilon { return -2 * (z - epsilon) }
            return z < -epsilon ? 2 * (-z - epsilon) : 0
        }
    }

    /// Whether this is a hinge loss (the passive-aggressive steps take the label's sign for it).
    var isHinge: Bool { if case .hinge = self { return true } else { return false } }

    /// The `t0` of the "optimal" schedule, chosen so the first step is `typw / max(1, loss'(1, -typw))`
    /// with `typw = 1 / alpha^(1/4)` (Bottou's heuristic, as scikit-learn computes it).
    func optimalInit(alpha: Double) -> Double {
        let typicalWeight = (1 / alpha.squareRoot()).squareRoot()
        let initialEta = typicalWeight / max(1, gradient(1, -typicalWeight))
        return 1 / (initialEta * alpha)
    }
}

import Flint
import Foundation

/// The mean log-loss of a binomial (`rows == 1`) or multinomial logistic model plus
/// `penaltyWeight / 2 · ‖W‖²`, and its gradient. Parameters are laid out as `rows × features`
/// weights followed by `rows` intercepts; the matrix products go through BLAS.
struct LogisticObjective {
    let features: Tensor
    let labels: [Int]
    let rows: Int
    let fitIntercept: Bool
    let penaltyWeight: Double

    func evaluate(_ parameters: [Double], _ gradient: inout [Double]) -> Double {
        let samples = features.shape[0], featureCount = features.shape[1]
        let weights = Tensor(Array(parameters[0..<(rows * featureCount)]), shape: [rows, featureCount])
        var scores = features.matmul(weights.transposed()).contiguous().scalars(as: Double.self)
        let intercepts = Array(parameters[(rows * featureCount)...])
        var loss = 0.0
        // `scores` becomes the residual (probability - indicator) used by the gradient.
        scores.withUnsafeMutableBufferPointer { residual in
            for sample in 0..<samples {
                let base = sample * rows
                if rows == 1 {
                    let z = residual[base] + intercepts[0], positive = labels[sample] == 1
                    // log(1 + exp(-y·z)) computed stably.
                    let margin = positive ? z : -z
                    loss += margin > 0 ? log1p(exp(-margin)) : -margin + log1p(exp(margin))
                    let probability = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
                    residual[base] = probability - (positive ? 1 : 0)
                } else {
                    var largest = -Double.infinity
                    for row in 0..<rows {
                        residual[base + row] += intercepts[row]
                        largest = Swift.max(largest, residual[base + row])
                    }
                    var total = 0.0
                    for row in 0..<rows { total += exp(residual[base + row] - largest) }
                    let logTotal = largest + log(total)
                    loss += logTotal - residual[base + labels[sample]]
                    for row in 0..<rows { residual[base + row] = exp(residual[base + row] - logTotal) }
                    residual[base + labels[sample]] -= 1
                }
            }
        }
        let scale = 1 / Double(samples)
        let residual = Tensor(scores, shape: [samples, rows])
        let weightGradient = residual.transposed().matmul(features).contiguous().scalars(as: Double.self)
        var penalty = 0.0
        for index in 0..<(rows * featureCount) {
            penalty += parameters[index] * parameters[index]
            gradient[index] = weightGradient[index] * scale + penaltyWeight * parameters[index]
        }
        for row in 0..<rows {
            var sum = 0.0
            if fitIntercept { for sample in 0..<samples { sum += scores[sample * rows + row] } }
            gradient[rows * featureCount + row] = sum * scale
        }
        return loss * scale + penaltyWeight / 2 * penalty
    }
}

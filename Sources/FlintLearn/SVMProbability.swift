import Foundation

/// Platt scaling as LIBSVM does it: a sigmoid `1 / (1 + exp(A·f + B))` fitted to decision values from an
/// internal 5-fold cross-validation (Lin, Lin and Weng's robust Newton method), and pairwise coupling of
/// the one-vs-one probabilities for more than two classes (Wu, Lin and Weng's second method).
enum SVMProbability {
    /// The sigmoid `(A, B)` fitted to `decisions` with labels ±1.
    static func sigmoidTrain(decisions: [Double], labels: [Double]) -> (a: Double, b: Double) {
        let positives = Double(labels.filter { $0 > 0 }.count), negatives = Double(labels.count) - positives
        let maxIterations = 100, minStep = 1e-10, sigma = 1e-12, epsilon = 1e-5
        let highTarget = (positives + 1) / (positives + 2), lowTarget = 1 / (negatives + 2)
        let targets = labels.map { $0 > 0 ? highTarget : lowTarget }
        var a = 0.0, b = Foundation.log((negatives + 1) / (positives + 1))
        func objective(_ a: Double, _ b: Double) -> Double {
            var value = 0.0
            for (decision, target) in zip(decisions, targets) {
                let fApB = decision * a + b
                value += fApB >= 0 ? target * fApB + Foundation.log(1 + Foundation.exp(-fApB))
                                   : (target - 1) * fApB + Foundation.log(1 + Foundation.exp(fApB))
            }
            return value
        }
        var value = objective(a, b)
        for _ in 0..<maxIterations {
            var h11 = sigma, h22 = sigma, h21 = 0.0, g1 = 0.0, g2 = 0.0
            for (decision, target) in zip(decisions, targets) {
                let fApB = decision * a + b
                let p: Double, q: Double
                if fApB >= 0 {
                    let e = Foundation.exp(-fApB); p = e / (1 + e); q = 1 / (1 + e)
                } else {
                    let e = Foundation.exp(fApB); p = 1 / (1 + e); q = e / (1 + e)
                }
                let d2 = p * q
                h11 += decision * decision * d2; h22 += d2; h21 += decision * d2
                let d1 = target - p
                g1 += decision * d1; g2 += d1
            }
            if abs(g1) < epsilon && abs(g2) < epsilon { break }
            let determinant = h11 * h22 - h21 * h21
            let dA = -(h22 * g1 - h21 * g2) / determinant, dB = -(-h21 * g1 + h11 * g2) / determinant
            let gd = g1 * dA + g2 * dB
            var step = 1.0
            while step >= minStep {
                let newA = a + step * dA, newB = b + step * dB, newValue = objective(newA, newB)
                if newValue < value + 0.0001 * step * gd { a = newA; b = newB; value = newValue; break }
                step /= 2
            }
            if step < minStep { break }
        }
        return (a, b)
    }

    /// `P(first class | decision)` under the sigmoid `(a, b)`.
    static func sigmoidPredict(_ decision: Double, a: Double, b: Double) -> Double {
        let fApB = decision * a + b
        return fApB >= 0 ? Foundation.exp(-fApB) / (1 + Foundation.exp(-fApB)) : 1 / (1 + Foundation.exp(fApB))
    }

    /// Class probabilities from pairwise ones `r[i][j] = P(i | i or j)` (`[k, k]` row-major).
    static func coupled(_ r: [Double], classes k: Int) -> [Double] {
        var p = [Double](repeating: 1 / Double(k), count: k)
        var q = [Double](repeating: 0, count: k * k), qp = [Double](repeating: 0, count: k)
        for t in 0..<k {
            for j in 0..<k where j != t {
                q[t * k + t] += r[j * k + t] * r[j * k + t]
                q[t * k + j] = -r[j * k + t] * r[t * k + j]
            }
        }
        let maxIterations = Swift.max(100, k), epsilon = 0.005 / Double(k)
        for _ in 0..<maxIterations {
            var pqp = 0.0
            for t in 0..<k {
                qp[t] = 0
                for j in 0..<k { qp[t] += q[t * k + j] * p[j] }
                pqp += p[t] * qp[t]
            }
            var maxError = 0.0
            for t in 0..<k { maxError = Swift.max(maxError, abs(qp[t] - pqp)) }
            if maxError < epsilon { break }
            for t in 0..<k {
                let difference = (-qp[t] + pqp) / q[t * k + t]
                p[t] += difference
                pqp = (pqp + difference * (difference * q[t * k + t] + 2 * qp[t])) / (1 + difference) / (1 + difference)
                for j in 0..<k {
                    qp[j] = (qp[j] + difference * q[t * k + j]) / (1 + difference)
                    p[j] /= 1 + difference
                }
            }
        }
        return p
    }

    /// Probabilities `[rows, k]` from pairwise decision values `[rows, pairs]` and one sigmoid per pair.
    static func probabilities(decisions: [Double], rows: Int, classes k: Int, sigmoids: [(a: Double, b: Double)]) -> [Double] {
        let pairs = k * (k - 1) / 2, minimum = 1e-7
        var result = [Double](repeating: 0, count: rows * k)
        for row in 0..<rows {
            var r = [Double](repeating: 0, count: k * k)
            var pair = 0
            for first in 0..<k {
                for second in (first + 1)..<k {
                    let sigmoid = sigmoids[pair]
                    let value = Swift.min(Swift.max(sigmoidPredict(decisions[row * pairs + pair], a: sigmoid.a, b: sigmoid.b), minimum), 1 - minimum)
                    r[first * k + second] = value
                    r[second * k + first] = 1 - value
                    pair += 1
                }
            }
            let p = k == 2 ? [r[1], r[2]] : coupled(r, classes: k)
            for c in 0..<k { result[row * k + c] = p[c] }
        }
        return result
    }

    /// LIBSVM's `svm_binary_svc_probability`: decision values of `indices` from a shuffled 5-fold
    /// cross-validation of the binary machine, then the sigmoid fitted to them.
    static func crossValidatedSigmoid(access: SVMKernelAccess, indices: [Int], signs: [Double], upperBounds: [Double],
                                      tolerance: Double, shrinking: Bool, maxIterations: Int,
                                      random: inout TreeRandom) -> (a: Double, b: Double) {
        let l = indices.count, folds = 5
        var permutation = Array(0..<l)
        for i in 0..<l { permutation.swapAt(i, i + random.below(l - i)) }
        var decisions = [Double](repeating: 0, count: l)
        for fold in 0..<folds {
            let begin = fold * l / folds, end = (fold + 1) * l / folds
            let held = Array(permutation[begin..<end])
            let train = Array(permutation[0..<begin]) + Array(permutation[end..<l])
            let trainSigns = train.map { signs[$0] }
            let positives = trainSigns.filter { $0 > 0 }.count, negatives = train.count - positives
            if positives == 0 || negatives == 0 {
                for j in held { decisions[j] = positives > 0 ? 1 : (negatives > 0 ? -1 : 0) }
                continue
            }
            let fit = access.solveBinary(train.map { indices[$0] }, signs: trainSigns, upperBounds: train.map { upperBounds[$0] },
                                         tolerance: tolerance, shrinking: shrinking, maxIterations: maxIterations)
            let support = fit.coefficients.indices.filter { fit.coefficients[$0] != 0 }
            let kernelValues = access.block(held.map { indices[$0] }, support.map { indices[train[$0]] })
            for (row, j) in held.enumerated() {
                var sum = 0.0
                for (column, s) in support.enumerated() { sum += fit.coefficients[s] * kernelValues[row * support.count + column] }
                decisions[j] = sum - fit.rho
            }
        }
        return sigmoidTrain(decisions: decisions, labels: signs)
    }
}

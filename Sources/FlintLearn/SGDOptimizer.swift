import Foundation

/// The hyperparameters scikit-learn's `_plain_sgd` reads, shared by `SGDClassifier` and `SGDRegressor`.
struct SGDSettings: Sendable {
    var loss: SGDLossFunction
    var penalty: SGDPenalty
    var alpha: Double
    var l1Ratio: Double
    var fitIntercept: Bool
    var maxIter: Int
    var tol: Double?
    var shuffle: Bool
    var learningRate: SGDLearningRate
    var eta0: Double
    var powerT: Double
    var earlyStopping: Bool
    var validationFraction: Double
    var nIterNoChange: Int
    var average: Int

    /// Checks the ranges and combinations scikit-learn checks; `lossName` and `paLoss` name the loss in
    /// messages and the loss the passive-aggressive schedules need.
    func validate(estimator: String, lossName: String, paLossAllowed: Bool, paLoss: String) throws {
        func invalid(_ message: String) -> LearnError { LearnError(.invalidParameter, "\(estimator): \(message)") }
        guard alpha >= 0, alpha.isFinite else { throw invalid("alpha must be finite and >= 0, got \(alpha)") }
        if learningRate == .optimal && alpha == 0 {
            throw invalid("alpha must be > 0 since learningRate is .optimal (alpha sets the optimal learning rate)")
        }
        guard eta0 > 0, eta0.isFinite else { throw invalid("eta0 must be finite and > 0, got \(eta0)") }
        guard (0...1).contains(l1Ratio) else { throw invalid("l1Ratio must be in [0, 1], got \(l1Ratio)") }
        guard maxIter >= 1 else { throw invalid("maxIter must be at least 1, got \(maxIter)") }
        if let tol, !(tol >= 0) { throw invalid("tol must be >= 0 (or nil to run all maxIter epochs), got \(tol)") }
        guard powerT.isFinite else { throw invalid("powerT must be finite, got \(powerT)") }
        guard nIterNoChange >= 1 else { throw invalid("nIterNoChange must be at least 1, got \(nIterNoChange)") }
        guard validationFraction > 0, validationFraction < 1 else {
            throw invalid("validationFraction must be in (0, 1), got \(validationFraction)")
        }
        guard average >= 0 else { throw invalid("average must be >= 0 (0: no averaging), got \(average)") }
        if (learningRate == .pa1 || learningRate == .pa2) && !paLossAllowed {
            throw invalid("learningRate .\(learningRate) only works with loss .\(paLoss), got .\(lossName)")
        }
    }
}

/// One binary (or regression) problem: row-major features, targets (±1, 0/1 for the log loss, or values),
/// the rows held out for early stopping, and the class weights of positive and negative targets.
struct SGDProblem: @unchecked Sendable {
    let features: UnsafeBufferPointer<Double>
    let rows: Int
    let columns: Int
    let targets: [Double]
    let validation: [Bool]
    let weightPositive: Double
    let weightNegative: Double
    /// Early stopping scores the held-out rows by accuracy (true) or R² (false).
    let classification: Bool
}

/// What one run of plain SGD learned.
struct SGDSolution: Sendable {
    var weights: [Double]
    var intercept: Double
    /// The averaged weights and intercept, when averaging was on.
    var averageWeights: [Double]?
    var averageIntercept: Double
    var epochs: Int
}

/// scikit-learn's `_plain_sgd`: epochs over (shuffled) rows, one gradient step per row, with the weights
/// stored as `scale · v` so the L2 shrinkage of a step costs O(1).
enum SGDPlain {
    static func run(_ problem: SGDProblem, settings: SGDSettings, seed: UInt64, estimator: String) throws -> SGDSolution {
        let rows = problem.rows, columns = problem.columns, loss = settings.loss
        let alpha = settings.alpha, eta0 = settings.eta0
        let l1Ratio: Double = switch settings.penalty { case .l2, .none: 0; case .l1: 1; case .elasticnet: settings.l1Ratio }
        let shrinks = settings.penalty == .l2 || settings.penalty == .elasticnet
        let truncates = settings.penalty == .l1 || settings.penalty == .elasticnet
        let passiveAggressive = settings.learningRate == .pa1 || settings.learningRate == .pa2
        let optimalInit = settings.learningRate == .optimal ? loss.optimalInit(alpha: alpha) : 0
        let trainCount = Double(max(1, problem.validation.lazy.filter { !$0 }.count))
        let hasValidation = settings.earlyStopping

        var weights = [Double](repeating: 0, count: columns)
        var cumulative = [Double](repeating: 0, count: truncates ? columns : 0)   // q: L1 applied so far
        var averageWeights = [Double](repeating: 0, count: settings.average > 0 ? columns : 0)
        var order = Array(0..<rows)
        var random = TreeRandom(seed: seed)
        var scale = 1.0, squaredNorm = 0.0, l1Norm = 0.0, intercept = 0.0, averageIntercept = 0.0
        var penaltyTotal = 0.0   // u
        var t = 1.0, eta = eta0
        var bestObjective = Double.infinity, bestScore = -Double.infinity, noImprovement = 0
        var epochsRun = 0

        try weights.withUnsafeMutableBufferPointer { weightBuffer in
            try cumulative.withUnsafeMutableBufferPointer { cumulativeBuffer in
                try averageWeights.withUnsafeMutableBufferPointer { averageBuffer in
                    let w = weightBuffer.baseAddress!, x = problem.features.baseAddress!
                    let q = cumulativeBuffer.baseAddress, averaged = averageBuffer.baseAddress
                    for epoch in 0..<settings.maxIter {
                        epochsRun = epoch + 1
                        if settings.shuffle {
                            for index in stride(from: rows - 1, to: 0, by: -1) { order.swapAt(index, random.below(index + 1)) }
                        }
                        var objectiveSum = 0.0
                        for sample in order where !problem.validation[sample] {
                            let row = x + sample * columns, y = problem.targets[sample]
                            let p = SGDKernels.dot(w, row, columns) * scale + intercept
                            switch settings.learningRate {
                            case .optimal: eta = 1 / (alpha * (optimalInit + t - 1))
                            case .invscaling: eta = eta0 / pow(t, settings.powerT)
                            default: break
                            }
                            if !hasValidation {
                                objectiveSum += loss.loss(y, p)
                                if !passiveAggressive && settings.penalty != .none {
                                    objectiveSum += alpha * ((1 - l1Ratio) * 0.5 * squaredNorm + l1Ratio * l1Norm)
                                }
                            }
                            var update: Double
                            if passiveAggressive {
                                var rowNorm = 0.0
                                for j in 0..<columns { rowNorm += row[j] * row[j] }
                                if settings.learningRate == .pa1 {
                                    if rowNorm == 0 { continue }
                                    update = min(eta0, loss.loss(y, p) / rowNorm)
                                } else {
                                    update = loss.loss(y, p) / (rowNorm + 0.5 / eta0)
                                }
                                if loss.isHinge { update *= y } else if y - p < 0 { update = -update }
                            } else {
                                update = -eta * min(1e12, max(-1e12, loss.gradient(y, p)))
                            }
                            update *= y > 0 ? problem.weightPositive : problem.weightNegative
                            if shrinks {
                                let factor = max(0, 1 - (1 - l1Ratio) * eta * alpha)
                                scale *= factor
                                squaredNorm *= factor * factor
                                l1Norm *= factor
                                if scale < 1e-9 {
                                    for j in 0..<columns { w[j] *= scale }
                                    scale = 1
                                }
                            }
                            if update != 0 {
                                let (squares, absolutes) = SGDKernels.add(row, times: update / scale, to: w, columns)
                                squaredNorm = squares * scale * scale
                                l1Norm = absolutes * scale
                            }
                            if settings.fitIntercept { intercept += update }
                            if settings.average > 0 && Double(settings.average) <= t, let averaged {
                                let rate = 1 / (t - Double(settings.average) + 1)
                                for j in 0..<columns { averaged[j] += (w[j] * scale - averaged[j]) * rate }
                                averageIntercept += (intercept - averageIntercept) * rate
                            }
                            if truncates, let q {
                                penaltyTotal += l1Ratio * eta * alpha
                                for j in 0..<columns {
                                    let before = w[j]
                                    if scale * before > 0 {
                                        w[j] = max(0, before - (penaltyTotal + q[j]) / scale)
                                    } else if scale * before < 0 {
                                        w[j] = min(0, before + (penaltyTotal - q[j]) / scale)
                                    }
                                    q[j] += scale * (w[j] - before)
                                }
                            }
                            t += 1
                        }
                        if !intercept.isFinite || (0..<columns).contains(where: { !w[$0].isFinite }) {
                            throw LearnError(.notConverged, "\(estimator): floating-point overflow at epoch \(epoch + 1); "
                                             + "scale the features (StandardScaler) or lower eta0/alpha")
                        }
                        if hasValidation {
                            let score = validationScore(problem, weights: w, scale: scale, intercept: intercept)
                            if let tol = settings.tol, score < bestScore + tol { noImprovement += 1 } else { noImprovement = 0 }
                            bestScore = max(bestScore, score)
                        } else {
                            let objective = objectiveSum / trainCount
                            if let tol = settings.tol, objective > bestObjective - tol { noImprovement += 1 } else { noImprovement = 0 }
                            bestObjective = min(bestObjective, objective)
                        }
                        if noImprovement >= settings.nIterNoChange {
                            if settings.learningRate == .adaptive && eta > 1e-6 {
                                eta /= 5
                                noImprovement = 0
                            } else {
                                break
                            }
                        }
                    }
                    for j in 0..<columns { w[j] *= scale }
                }
            }
        }
        return SGDSolution(weights: weights, intercept: intercept, averageWeights: settings.average > 0 ? averageWeights : nil,
                           averageIntercept: averageIntercept, epochs: epochsRun)
    }

    /// Accuracy (targets positive when > 0) or R² of the current model on the held-out rows.
    private static func validationScore(_ problem: SGDProblem, weights: UnsafeMutablePointer<Double>, scale: Double, intercept: Double) -> Double {
        let columns = problem.columns, x = problem.features.baseAddress!
        var predictions = [Double](), targets = [Double]()
        for sample in 0..<problem.rows where problem.validation[sample] {
            var dot = 0.0
            for j in 0..<columns { dot += weights[j] * x[sample * columns + j] }
            predictions.append(dot * scale + intercept)
            targets.append(problem.targets[sample])
        }
        if problem.classification {
            let correct = zip(predictions, targets).filter { ($0 > 0) == ($1 > 0) }.count
            return Double(correct) / Double(max(1, targets.count))
        }
        let mean = targets.reduce(0, +) / Double(max(1, targets.count))
        let residual = zip(predictions, targets).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let total = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0)
    }

    /// The rows held out for early stopping (scikit-learn's `ShuffleSplit`, or `StratifiedShuffleSplit` when
    /// `strata` are given): `ceil(fraction · n)` rows drawn at random, spread over the strata in proportion.
    static func validationMask(rows: Int, fraction: Double, strata: [Int]?, seed: UInt64, estimator: String) throws -> [Bool] {
        let testCount = Int((fraction * Double(rows)).rounded(.up))
        guard testCount > 0, testCount < rows else {
            throw LearnError(.invalidInput, "\(estimator): splitting \(rows) samples with validationFraction \(fraction) "
                             + "leaves an empty training or validation set; change validationFraction or turn earlyStopping off")
        }
        var random = TreeRandom(seed: seed)
        var mask = [Bool](repeating: false, count: rows)
        let groups = Dictionary(grouping: 0..<rows, by: { strata?[$0] ?? 0 }).sorted { $0.key < $1.key }.map(\.value)
        if strata != nil && testCount < groups.count {
            throw LearnError(.invalidInput, "\(estimator): the validation set (\(testCount) rows) must hold at least one row "
                             + "of each of the \(groups.count) classes; raise validationFraction")
        }
        // Proportional shares, the remainder going to the largest fractional parts.
        let exact = groups.map { Double($0.count) * Double(testCount) / Double(rows) }
        var shares = exact.map { Int($0) }
        let byFraction = exact.indices.sorted { exact[$0] - Double(shares[$0]) > exact[$1] - Double(shares[$1]) }
        for index in byFraction.prefix(testCount - shares.reduce(0, +)) { shares[index] += 1 }
        for (group, share) in zip(groups, shares) {
            var members = group
            for index in 0..<min(share, members.count) {
                members.swapAt(index, index + random.below(members.count - index))
                mask[members[index]] = true
            }
        }
        return mask
    }
}

/// The per-sample vector loops, as plain `while` loops over pointers, four lanes at a time.
enum SGDKernels {
    /// `Σ a[j]·b[j]` over `count` entries.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var sum0 = 0.0, sum1 = 0.0, sum2 = 0.0, sum3 = 0.0, j = 0
        while j + 4 <= count {
            sum0 += a[j] * b[j]; sum1 += a[j + 1] * b[j + 1]; sum2 += a[j + 2] * b[j + 2]; sum3 += a[j + 3] * b[j + 3]
            j += 4
        }
        while j < count { sum0 += a[j] * b[j]; j += 1 }
        return (sum0 + sum1) + (sum2 + sum3)
    }

    /// `w += factor · x`, returning the new `Σ w[j]²` and `Σ |w[j]|`.
    @inline(__always)
    static func add(_ x: UnsafePointer<Double>, times factor: Double, to w: UnsafeMutablePointer<Double>, _ count: Int) -> (Double, Double) {
        var squares = 0.0, absolutes = 0.0, j = 0
        while j + 2 <= count {
            let first = w[j] + x[j] * factor, second = w[j + 1] + x[j + 1] * factor
            w[j] = first; w[j + 1] = second
            squares += first * first + second * second
            absolutes += abs(first) + abs(second)
            j += 2
        }
        if j < count {
            let last = w[j] + x[j] * factor
            w[j] = last
            squares += last * last
            absolutes += abs(last)
        }
        return (squares, absolutes)
    }
}

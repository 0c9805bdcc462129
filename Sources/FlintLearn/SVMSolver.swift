/// LIBSVM's SMO solver for `min ½ αᵀQα + pᵀα` subject to `yᵀα = 0`, `0 ≤ α_i ≤ C_i` (Fan, Chen and Lin
/// 2005): second-order working-set selection (WSS3), gradient updates, shrinking of bounded variables with
/// gradient reconstruction, and the bias ρ from the free variables.
struct SVMSolver {
    /// The solution: multipliers α (in the problem's order), the bias ρ, iterations run, and whether the
    /// stopping tolerance was met before the iteration limit.
    struct Solution {
        var alpha: [Double]
        var rho: Double
        var iterations: Int
        var converged: Bool
    }

    private enum Bound: UInt8 { case lower, upper, free }
    private static let tau = 1e-12

    let q: SVMQMatrix
    let linear: [Double]
    let labels: [Double]
    let upperBounds: [Double]
    let tolerance: Double
    let shrinking: Bool
    let maxIterations: Int

    /// Solves from α = 0 (a feasible start for both problems LIBSVM poses here).
    func solve() -> Solution {
        let l = q.size
        var alpha = [Double](repeating: 0, count: l)
        var gradient = linear
        var gradientBar = [Double](repeating: 0, count: l)
        var status = (0..<l).map { upperBounds[$0] <= 0 ? Bound.upper : Bound.lower }
        var active = [Int](0..<l)
        var unshrink = false
        let limit = maxIterations >= 0 ? maxIterations : Swift.max(10_000_000, l > Int(Int32.max) / 100 ? Int(Int32.max) : 100 * l)
        var iterations = 0
        var converged = false
        let diagonal = q.diagonal

        @inline(__always) func updateStatus(_ i: Int) {
            status[i] = alpha[i] >= upperBounds[i] ? .upper : (alpha[i] <= 0 ? .lower : .free)
        }

        func reconstructGradient() {
            guard active.count < l else { return }
            var isActive = [Bool](repeating: false, count: l)
            for i in active { isActive[i] = true }
            let inactive = (0..<l).filter { !isActive[$0] }
            for j in inactive { gradient[j] = gradientBar[j] + linear[j] }
            let free = active.filter { status[$0] == .free }
            if free.count <= inactive.count {
                for i in free {
                    let row = q.row(i), alphaI = alpha[i]
                    for j in inactive { gradient[j] += alphaI * row[j] }
                }
            } else {
                for i in inactive {
                    let row = q.row(i)
                    var sum = 0.0
                    for j in free { sum += alpha[j] * row[j] }
                    gradient[i] += sum
                }
            }
        }

        func beShrunk(_ i: Int, _ gMax1: Double, _ gMax2: Double) -> Bool {
            switch status[i] {
            case .upper: return labels[i] > 0 ? -gradient[i] > gMax1 : -gradient[i] > gMax2
            case .lower: return labels[i] > 0 ? gradient[i] > gMax2 : gradient[i] > gMax1
            case .free: return false
            }
        }

        func doShrinking() {
            var gMax1 = -Double.infinity, gMax2 = -Double.infinity
            for i in active {
                if labels[i] > 0 {
                    if status[i] != .upper, -gradient[i] >= gMax1 { gMax1 = -gradient[i] }
                    if status[i] != .lower, gradient[i] >= gMax2 { gMax2 = gradient[i] }
                } else {
                    if status[i] != .upper, -gradient[i] >= gMax2 { gMax2 = -gradient[i] }
                    if status[i] != .lower, gradient[i] >= gMax1 { gMax1 = gradient[i] }
                }
            }
            if !unshrink, gMax1 + gMax2 <= tolerance * 10 {
                unshrink = true
                reconstructGradient()
                active = Array(0..<l)
            }
            active.removeAll { beShrunk($0, gMax1, gMax2) }
        }

        /// WSS3: i maximizes the violation, j the second-order decrease of the objective. Nil when optimal.
        func selectWorkingSet() -> (Int, Int)? {
            var gMax = -Double.infinity, gMax2 = -Double.infinity
            var gMaxIndex = -1, gMinIndex = -1
            var objectiveDifferenceMin = Double.infinity
            for t in active {
                if labels[t] > 0 {
                    if status[t] != .upper, -gradient[t] >= gMax { gMax = -gradient[t]; gMaxIndex = t }
                } else {
                    if status[t] != .lower, gradient[t] >= gMax { gMax = gradient[t]; gMaxIndex = t }
                }
            }
            let i = gMaxIndex
            if i >= 0 {
                let rowI = q.row(i), yI = labels[i], diagonalI = diagonal[i]
                for j in active {
                    if labels[j] > 0 {
                        guard status[j] != .lower else { continue }
                        let gradientDifference = gMax + gradient[j]
                        if gradient[j] >= gMax2 { gMax2 = gradient[j] }
                        if gradientDifference > 0 {
                            let quadratic = diagonalI + diagonal[j] - 2 * yI * rowI[j]
                            let difference = -(gradientDifference * gradientDifference) / (quadratic > 0 ? quadratic : Self.tau)
                            if difference <= objectiveDifferenceMin { gMinIndex = j; objectiveDifferenceMin = difference }
                        }
                    } else {
                        guard status[j] != .upper else { continue }
                        let gradientDifference = gMax - gradient[j]
                        if -gradient[j] >= gMax2 { gMax2 = -gradient[j] }
                        if gradientDifference > 0 {
                            let quadratic = diagonalI + diagonal[j] + 2 * yI * rowI[j]
                            let difference = -(gradientDifference * gradientDifference) / (quadratic > 0 ? quadratic : Self.tau)
                            if difference <= objectiveDifferenceMin { gMinIndex = j; objectiveDifferenceMin = difference }
                        }
                    }
                }
            }
            if gMax + gMax2 < tolerance || gMinIndex == -1 { return nil }
            return (gMaxIndex, gMinIndex)
        }

        var counter = Swift.min(l, 1000) + 1
        while iterations < limit {
            counter -= 1
            if counter == 0 {
                counter = Swift.min(l, 1000)
                if shrinking { doShrinking() }
            }
            var pair = selectWorkingSet()
            if pair == nil {
                reconstructGradient()
                active = Array(0..<l)
                pair = selectWorkingSet()
                guard pair != nil else { converged = true; break }
                counter = 1
            }
            let (i, j) = pair!
            iterations += 1
            let rowI = q.row(i), rowJ = q.row(j)
            let cI = upperBounds[i], cJ = upperBounds[j]
            let oldAlphaI = alpha[i], oldAlphaJ = alpha[j]
            if labels[i] != labels[j] {
                var quadratic = diagonal[i] + diagonal[j] + 2 * rowI[j]
                if quadratic <= 0 { quadratic = Self.tau }
                let delta = (-gradient[i] - gradient[j]) / quadratic
                let difference = alpha[i] - alpha[j]
                alpha[i] += delta; alpha[j] += delta
                if difference > 0 {
                    if alpha[j] < 0 { alpha[j] = 0; alpha[i] = difference }
                } else if alpha[i] < 0 { alpha[i] = 0; alpha[j] = -difference }
                if difference > cI - cJ {
                    if alpha[i] > cI { alpha[i] = cI; alpha[j] = cI - difference }
                } else if alpha[j] > cJ { alpha[j] = cJ; alpha[i] = cJ + difference }
            } else {
                var quadratic = diagonal[i] + diagonal[j] - 2 * rowI[j]
                if quadratic <= 0 { quadratic = Self.tau }
                let delta = (gradient[i] - gradient[j]) / quadratic
                let sum = alpha[i] + alpha[j]
                alpha[i] -= delta; alpha[j] += delta
                if sum > cI {
                    if alpha[i] > cI { alpha[i] = cI; alpha[j] = sum - cI }
                } else if alpha[j] < 0 { alpha[j] = 0; alpha[i] = sum }
                if sum > cJ {
                    if alpha[j] > cJ { alpha[j] = cJ; alpha[i] = sum - cJ }
                } else if alpha[i] < 0 { alpha[i] = 0; alpha[j] = sum }
            }
            let deltaI = alpha[i] - oldAlphaI, deltaJ = alpha[j] - oldAlphaJ
            gradient.withUnsafeMutableBufferPointer { g in
                active.withUnsafeBufferPointer { indices in
                    if indices.count == l {
                        for k in 0..<l { g[k] += rowI[k] * deltaI + rowJ[k] * deltaJ }
                    } else {
                        for k in indices { g[k] += rowI[k] * deltaI + rowJ[k] * deltaJ }
                    }
                }
            }
            for (index, bound, wasUpper) in [(i, cI, status[i] == .upper), (j, cJ, status[j] == .upper)] {
                updateStatus(index)
                let isUpper = status[index] == .upper
                guard wasUpper != isUpper else { continue }
                let row = q.row(index), factor = isUpper ? bound : -bound
                gradientBar.withUnsafeMutableBufferPointer { bar in
                    for k in 0..<l { bar[k] += factor * row[k] }
                }
            }
        }
        if !converged, active.count < l {
            reconstructGradient()
            active = Array(0..<l)
        }
        return Solution(alpha: alpha, rho: computeRho(alpha: alpha, gradient: gradient, status: status), iterations: iterations, converged: converged)
    }

    /// ρ: the mean of `y_i ∇_i` over free variables, or the middle of the feasible interval when none is free.
    private func computeRho(alpha: [Double], gradient: [Double], status: [Bound]) -> Double {
        var freeCount = 0, freeSum = 0.0
        var upper = Double.infinity, lower = -Double.infinity
        for i in 0..<alpha.count {
            let yGradient = labels[i] * gradient[i]
            switch status[i] {
            case .upper: if labels[i] < 0 { upper = Swift.min(upper, yGradient) } else { lower = Swift.max(lower, yGradient) }
            case .lower: if labels[i] > 0 { upper = Swift.min(upper, yGradient) } else { lower = Swift.max(lower, yGradient) }
            case .free: freeCount += 1; freeSum += yGradient
            }
        }
        return freeCount > 0 ? freeSum / Double(freeCount) : (upper + lower) / 2
    }
}

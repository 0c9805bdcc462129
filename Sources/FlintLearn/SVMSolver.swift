/// LIBSVM's SMO solver for `min ½ αᵀQα + pᵀα` subject to `yᵀα = 0`, `0 ≤ α_i ≤ C_i` (Fan, Chen and Lin
/// 2005): second-order working-set selection (WSS3), gradient updates, shrinking of bounded variables with
/// gradient reconstruction, and the bias ρ from the free variables. Shrunk variables leave an ordered
/// active list (LIBSVM swaps them to the end instead); rows of Q are always full length.
struct SVMSolver {
    /// The solution: multipliers α (in the problem's order), the bias ρ, iterations run, and whether the
    /// stopping tolerance was met before the iteration limit.
    struct Solution {
        var alpha: [Double]
        var rho: Double
        var iterations: Int
        var converged: Bool
    }

    private static let lower: UInt8 = 0, upper: UInt8 = 1, free: UInt8 = 2
    private static let tau = 1e-12

    let q: SVMQMatrix
    let linear: [Double]
    let labels: [Double]
    let upperBounds: [Double]
    let tolerance: Double
    let shrinking: Bool
    let maxIterations: Int

    /// A buffer of `count` copies of `value`, or of `values`.
    private static func buffer<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(count, 1))
        pointer.initialize(repeating: value, count: count)
        return pointer
    }
    private static func buffer(_ values: [Double]) -> UnsafeMutablePointer<Double> {
        let pointer = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(values.count, 1))
        values.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: values.count) }
        return pointer
    }

    /// Solves from α = 0 (a feasible start for both problems LIBSVM poses here).
    func solve() -> Solution {
        let l = q.size, tolerance = self.tolerance, q = self.q
        let alpha = Self.buffer(l, 0.0), gradient = Self.buffer(linear), gradientBar = Self.buffer(l, 0.0)
        let p = Self.buffer(linear), y = Self.buffer(labels), bounds = Self.buffer(upperBounds), diagonal = Self.buffer(q.diagonal)
        let status = Self.buffer(l, Self.lower), active = Self.buffer(l, 0), isActive = Self.buffer(l, true)
        defer { for pointer in [alpha, gradient, gradientBar, p, y, bounds, diagonal] { pointer.deallocate() }
                status.deallocate(); active.deallocate(); isActive.deallocate() }
        for i in 0..<l { active[i] = i; if bounds[i] <= 0 { status[i] = Self.upper } }
        var activeCount = l, unshrink = false
        let limit = maxIterations > 0 ? maxIterations : Swift.max(10_000_000, l > Int(Int32.max) / 100 ? Int(Int32.max) : 100 * l)
        var iterations = 0, converged = false

        func activateAll() {
            for i in 0..<l { active[i] = i; isActive[i] = true }
            activeCount = l
        }

        func reconstructGradient() {
            guard activeCount < l else { return }
            var inactive: [Int] = [], free: [Int] = []
            for j in 0..<l where !isActive[j] { inactive.append(j); gradient[j] = gradientBar[j] + p[j] }
            for t in 0..<activeCount where status[active[t]] == Self.free { free.append(active[t]) }
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

        func doShrinking() {
            var gMax1 = -Double.infinity, gMax2 = -Double.infinity
            for t in 0..<activeCount {
                let i = active[t], g = gradient[i], s = status[i]
                if y[i] > 0 {
                    if s != Self.upper, -g >= gMax1 { gMax1 = -g }
                    if s != Self.lower, g >= gMax2 { gMax2 = g }
                } else {
                    if s != Self.upper, -g >= gMax2 { gMax2 = -g }
                    if s != Self.lower, g >= gMax1 { gMax1 = g }
                }
            }
            if !unshrink, gMax1 + gMax2 <= tolerance * 10 {
                unshrink = true
                reconstructGradient()
                activateAll()
            }
            var kept = 0
            for t in 0..<activeCount {
                let i = active[t], g = gradient[i]
                let shrunk: Bool
                switch status[i] {
                case Self.upper: shrunk = y[i] > 0 ? -g > gMax1 : -g > gMax2
                case Self.lower: shrunk = y[i] > 0 ? g > gMax2 : g > gMax1
                default: shrunk = false
                }
                if shrunk { isActive[i] = false } else { active[kept] = i; kept += 1 }
            }
            activeCount = kept
        }

        /// WSS3: i maximizes the violation, j the second-order decrease of the objective. Nil when optimal.
        func selectWorkingSet() -> (Int, Int)? {
            var gMax = -Double.infinity, gMax2 = -Double.infinity
            var gMaxIndex = -1, gMinIndex = -1
            var objectiveDifferenceMin = Double.infinity
            for t in 0..<activeCount {
                let i = active[t]
                if y[i] > 0 {
                    if status[i] != Self.upper, -gradient[i] >= gMax { gMax = -gradient[i]; gMaxIndex = i }
                } else if status[i] != Self.lower, gradient[i] >= gMax { gMax = gradient[i]; gMaxIndex = i }
            }
            let i = gMaxIndex
            if i >= 0 {
                let rowI = q.row(i), yI = y[i], diagonalI = diagonal[i]
                for t in 0..<activeCount {
                    let j = active[t], g = gradient[j]
                    if y[j] > 0 {
                        if status[j] == Self.lower { continue }
                        let gradientDifference = gMax + g
                        if g >= gMax2 { gMax2 = g }
                        if gradientDifference > 0 {
                            let quadratic = diagonalI + diagonal[j] - 2 * yI * rowI[j]
                            let difference = -(gradientDifference * gradientDifference) / (quadratic > 0 ? quadratic : Self.tau)
                            if difference <= objectiveDifferenceMin { gMinIndex = j; objectiveDifferenceMin = difference }
                        }
                    } else {
                        if status[j] == Self.upper { continue }
                        let gradientDifference = gMax - g
                        if -g >= gMax2 { gMax2 = -g }
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

        func updateStatus(_ i: Int) {
            status[i] = alpha[i] >= bounds[i] ? Self.upper : (alpha[i] <= 0 ? Self.lower : Self.free)
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
                activateAll()
                pair = selectWorkingSet()
                guard pair != nil else { converged = true; break }
                counter = 1
            }
            let (i, j) = pair!
            iterations += 1
            let rowI = q.row(i), rowJ = q.row(j)
            let cI = bounds[i], cJ = bounds[j]
            let oldAlphaI = alpha[i], oldAlphaJ = alpha[j]
            var ai = oldAlphaI, aj = oldAlphaJ
            if y[i] != y[j] {
                var quadratic = diagonal[i] + diagonal[j] + 2 * rowI[j]
                if quadratic <= 0 { quadratic = Self.tau }
                let delta = (-gradient[i] - gradient[j]) / quadratic
                let difference = ai - aj
                ai += delta; aj += delta
                if difference > 0 {
                    if aj < 0 { aj = 0; ai = difference }
                } else if ai < 0 { ai = 0; aj = -difference }
                if difference > cI - cJ {
                    if ai > cI { ai = cI; aj = cI - difference }
                } else if aj > cJ { aj = cJ; ai = cJ + difference }
            } else {
                var quadratic = diagonal[i] + diagonal[j] - 2 * rowI[j]
                if quadratic <= 0 { quadratic = Self.tau }
                let delta = (gradient[i] - gradient[j]) / quadratic
                let sum = ai + aj
                ai -= delta; aj += delta
                if sum > cI {
                    if ai > cI { ai = cI; aj = sum - cI }
                } else if aj < 0 { aj = 0; ai = sum }
                if sum > cJ {
                    if aj > cJ { aj = cJ; ai = sum - cJ }
                } else if ai < 0 { ai = 0; aj = sum }
            }
            alpha[i] = ai; alpha[j] = aj
            let deltaI = ai - oldAlphaI, deltaJ = aj - oldAlphaJ
            if activeCount == l {
                for k in 0..<l { gradient[k] += rowI[k] * deltaI + rowJ[k] * deltaJ }
            } else {
                for t in 0..<activeCount { let k = active[t]; gradient[k] += rowI[k] * deltaI + rowJ[k] * deltaJ }
            }
            let wasUpperI = status[i] == Self.upper, wasUpperJ = status[j] == Self.upper
            updateStatus(i); updateStatus(j)
            for (index, bound, wasUpper) in [(i, cI, wasUpperI), (j, cJ, wasUpperJ)] where wasUpper != (status[index] == Self.upper) {
                let row = q.row(index), factor = wasUpper ? -bound : bound
                for k in 0..<l { gradientBar[k] += factor * row[k] }
            }
        }
        if !converged, activeCount < l {
            reconstructGradient()
            activateAll()
        }
        // ρ: the mean of y_i ∇_i over free variables, or the middle of the feasible interval when none is free.
        var freeCount = 0, freeSum = 0.0, upperLimit = Double.infinity, lowerLimit = -Double.infinity
        for i in 0..<l {
            let yGradient = y[i] * gradient[i]
            switch status[i] {
            case Self.upper: if y[i] < 0 { upperLimit = Swift.min(upperLimit, yGradient) } else { lowerLimit = Swift.max(lowerLimit, yGradient) }
            case Self.lower: if y[i] > 0 { upperLimit = Swift.min(upperLimit, yGradient) } else { lowerLimit = Swift.max(lowerLimit, yGradient) }
            default: freeCount += 1; freeSum += yGradient
            }
        }
        let rho = freeCount > 0 ? freeSum / Double(freeCount) : (upperLimit + lowerLimit) / 2
        return Solution(alpha: Array(UnsafeBufferPointer(start: alpha, count: l)), rho: rho, iterations: iterations, converged: converged)
    }
}

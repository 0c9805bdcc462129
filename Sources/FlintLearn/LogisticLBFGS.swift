/// A compact limited-memory BFGS minimizer (the two-loop recursion with an Armijo backtracking line
/// search), stopping as SciPy's L-BFGS-B does for scikit-learn: largest gradient component <= `tolerance`,
/// relative decrease of the objective <= `functionTolerance`, or `maxIterations` iterations.
struct LBFGS {
    /// Stored correction pairs (SciPy's `maxcor`).
    var memory = 10
    var tolerance = 1e-4
    var functionTolerance = 64 * Double.ulpOfOne
    var maxIterations = 100

    /// The outcome: the minimizer, its objective value, the iterations run and whether a stopping test passed.
    struct Result {
        var point: [Double]
        var value: Double
        var iterations: Int
        var converged: Bool
    }

    /// Minimizes `objective`, which returns the value and fills the gradient, from `start`.
    func minimize(from start: [Double], _ objective: ([Double], inout [Double]) -> Double) -> Result {
        var point = start
        var gradient = [Double](repeating: 0, count: point.count)
        var value = objective(point, &gradient)
        var steps: [[Double]] = [], changes: [[Double]] = [], curvatures: [Double] = []
        var iteration = 0
        while iteration < maxIterations {
            if gradient.reduce(0, { Swift.max($0, abs($1)) }) <= tolerance {
                return Result(point: point, value: value, iterations: iteration, converged: true)
            }
            // Two-loop recursion: direction = -H·gradient.
            var direction = gradient
            var alphas = [Double](repeating: 0, count: steps.count)
            for index in stride(from: steps.count - 1, through: 0, by: -1) {
                alphas[index] = curvatures[index] * dot(steps[index], direction)
                axpy(-alphas[index], changes[index], &direction)
            }
            if let lastStep = steps.last, let lastChange = changes.last {
                let gamma = dot(lastStep, lastChange) / dot(lastChange, lastChange)
                for index in direction.indices { direction[index] *= gamma }
            }
            for index in steps.indices {
                let beta = curvatures[index] * dot(changes[index], direction)
                axpy(alphas[index] - beta, steps[index], &direction)
            }
            for index in direction.indices { direction[index] = -direction[index] }
            var slope = dot(gradient, direction)
            if slope >= 0 {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                steps.removeAll(); changes.removeAll(); curvatures.removeAll()
                direction = gradient.map { -$0 }
                slope = dot(gradient, direction)
            }
            var stepLength = steps.isEmpty ? Swift.min(1, 1 / dot(direction, direction).squareRoot()) : 1
            var candidate = point, candidateGradient = gradient, candidateValue = value
            var accepted = false
            for _ in 0..<40 {
                for index in point.indices { candidate[index] = point[index] + stepLength * direction[index] }
                candidateValue = objective(candidate, &candidateGradient)
                if candidateValue.isFinite && candidateValue <= value + 1e-4 * stepLength * slope { accepted = true; break }
                stepLength *= 0.5
            }
            iteration += 1
            guard accepted else { return Result(point: point, value: value, iterations: iteration, converged: false) }
            var step = candidate, change = candidateGradient
            for index in step.indices {
                step[index] -= point[index]
                change[index] -= gradient[index]
            }
            let curvature = dot(step, change)
            if curvature > 1e-10 * dot(change, change) {
                steps.append(step); changes.append(change); curvatures.append(1 / curvature)
                if steps.count > memory { steps.removeFirst(); changes.removeFirst(); curvatures.removeFirst() }
            }
            let decrease = (value - candidateValue) / Swift.max(abs(value), abs(candidateValue), 1)
            point = candidate
            gradient = candidateGradient
            value = candidateValue
            if decrease <= functionTolerance {
                return Result(point: point, value: value, iterations: iteration, converged: true)
            }
        }
        let converged = gradient.reduce(0, { Swift.max($0, abs($1)) }) <= tolerance
        return Result(point: point, value: value, iterations: iteration, converged: converged)
    }

    private func dot(_ left: [Double], _ right: [Double]) -> Double {
        var sum = 0.0
        for index in left.indices { sum += left[index] * right[index] }
        return sum
    }

    private func axpy(_ factor: Double, _ x: [Double], _ y: inout [Double]) {
        for index in y.indices { y[index] += factor * x[index] }
    }
}

import Flint
import Foundation

/// The numerical core shared by `KMeans` and `MiniBatchKMeans`: k-means++ seeding, nearest-centre
/// assignment through BLAS, and Lloyd's iterations. Data are row-major `[rows, columns]` buffers.
struct KMeansData {
    let matrix: Tensor
    let values: [Double]
    let rows: Int
    let columns: Int
    let norms: [Double]

    init(_ matrix: Tensor) {
        self.matrix = matrix
        values = matrix.scalars(as: Double.self)
        rows = matrix.shape[0]
        columns = matrix.shape[1]
        norms = SquaredDistances.rowNorms(values, rows: rows, columns: columns)
    }

    /// The mean of the per-feature variances (scikit-learn scales `tol` by it).
    var meanVariance: Double {
        var total = 0.0
        for column in 0..<columns {
            var sum = 0.0, squares = 0.0
            for row in 0..<rows { let value = values[row * columns + column]; sum += value; squares += value * value }
            let mean = sum / Double(rows)
            total += Swift.max(squares / Double(rows) - mean * mean, 0)
        }
        return total / Double(columns)
    }

    /// The nearest centre of each row and its squared distance.
    func assign(_ centers: [Double], count: Int) -> (labels: [Int], distances: [Double]) {
        let centerNorms = SquaredDistances.rowNorms(centers, rows: count, columns: columns)
        let distances = SquaredDistances.matrix(matrix, norms, Tensor(centers, shape: [count, columns]), centerNorms)
        var labels = [Int](repeating: 0, count: rows), nearest = [Double](repeating: 0, count: rows)
        distances.withUnsafeBufferPointer { pointer in
            labels.withUnsafeMutableBufferPointer { labels in
                nearest.withUnsafeMutableBufferPointer { nearest in
                    for row in 0..<rows {
                        var best = 0, bestDistance = pointer[row * count]
                        for center in 1..<Swift.max(count, 1) where pointer[row * count + center] < bestDistance {
                            best = center
                            bestDistance = pointer[row * count + center]
                        }
                        labels[row] = best
                        nearest[row] = bestDistance
                    }
                }
            }
        }
        return (labels, nearest)
    }

    /// scikit-learn's greedy k-means++: each new centre is the best of `2 + ⌊ln k⌋` candidates drawn with
    /// probability proportional to the squared distance to the nearest chosen centre.
    func kMeansPlusPlus(count: Int, random: SeededUniform) -> [Double] {
        let data = self
        let trials = 2 + Int(Foundation.log(Double(count)))
        var centers = [Double](repeating: 0, count: count * data.columns)
        let first = random.integers(1, below: data.rows)[0]
        for column in 0..<columns { centers[column] = data.values[first * columns + column] }
        var closest = SquaredDistances.matrix(SquaredDistances.rows(data.matrix, first..<first + 1), [data.norms[first]],
                                              data.matrix, data.norms)
        var potential = closest.reduce(0, +)
        for center in 1..<count {
            var cumulative = closest
            for index in 1..<cumulative.count { cumulative[index] += cumulative[index - 1] }
            let candidates = random.uniform(trials).map { draw -> Int in
                let target = draw * potential
                var low = 0, high = cumulative.count
                while low < high { let middle = (low + high) / 2; if cumulative[middle] < target { low = middle + 1 } else { high = middle } }
                return Swift.min(low, data.rows - 1)
            }
            let candidateMatrix = SquaredDistances.gather(data.values, columns: columns, indices: candidates)
            let distances = SquaredDistances.matrix(candidateMatrix, candidates.map { data.norms[$0] }, data.matrix, data.norms)
            var bestTrial = 0, bestPotential = Double.infinity
            for trial in 0..<trials {
                var sum = 0.0
                for row in 0..<data.rows { sum += Swift.min(closest[row], distances[trial * data.rows + row]) }
                if sum < bestPotential { bestPotential = sum; bestTrial = trial }
            }
            for row in 0..<data.rows { closest[row] = Swift.min(closest[row], distances[bestTrial * data.rows + row]) }
            potential = bestPotential
            for column in 0..<columns { centers[center * columns + column] = data.values[candidates[bestTrial] * columns + column] }
        }
        return centers
    }

    /// `count` distinct rows picked at random (scikit-learn's `init="random"`).
    func randomCenters(count: Int, random: SeededUniform) -> [Double] {
        SquaredDistances.gather(values, columns: columns, indices: random.sample(count, from: rows)).scalars(as: Double.self)
    }

    /// The means of the rows of each label; an empty cluster takes the row farthest from its centre.
    func means(labels: [Int], distances: [Double], count: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: count * columns), sizes = [Int](repeating: 0, count: count)
        var labels = labels
        let columns = columns
        values.withUnsafeBufferPointer { values in
            labels.withUnsafeBufferPointer { labels in
                sums.withUnsafeMutableBufferPointer { sums in
                    sizes.withUnsafeMutableBufferPointer { sizes in
                        for row in 0..<rows {
                            let label = labels[row]
                            sizes[label] += 1
                            let target = sums.baseAddress! + label * columns, source = values.baseAddress! + row * columns
                            for column in 0..<columns { target[column] += source[column] }
                        }
                    }
                }
            }
        }
        let empty = (0..<count).filter { sizes[$0] == 0 }
        if !empty.isEmpty {
            let farthest = (0..<rows).sorted { distances[$0] > distances[$1] }
            for (cluster, row) in zip(empty, farthest) where sizes[labels[row]] > 1 {
                for column in 0..<columns {
                    sums[labels[row] * columns + column] -= values[row * columns + column]
                    sums[cluster * columns + column] = values[row * columns + column]
                }
                sizes[labels[row]] -= 1
                sizes[cluster] = 1
                labels[row] = cluster
            }
        }
        for cluster in 0..<count where sizes[cluster] > 0 {
            for column in 0..<columns { sums[cluster * columns + column] /= Double(sizes[cluster]) }
        }
        return sums
    }

    /// Lloyd's algorithm from `initial` centres: returns the centres, labels, inertia and iteration count.
    func lloyd(initial: [Double], count: Int, maxIterations: Int, tolerance: Double)
        -> (centers: [Double], labels: [Int], inertia: Double, iterations: Int) {
        var centers = initial, previousLabels: [Int]? = nil, iterations = 0
        while iterations < maxIterations {
            iterations += 1
            let (labels, distances) = assign(centers, count: count)
            if labels == previousLabels { break }   // strict convergence
            let updated = means(labels: labels, distances: distances, count: count)
            var shift = 0.0
            for index in 0..<updated.count { shift += (updated[index] - centers[index]) * (updated[index] - centers[index]) }
            centers = updated
            previousLabels = labels
            if shift <= tolerance { break }
        }
        let (labels, distances) = assign(centers, count: count)
        return (centers, labels, distances.reduce(0, +), iterations)
    }
}

import Flint
import Foundation

/// Kernel values over a training set: the whole Gram matrix from one GEMM when it fits in the cache
/// budget, otherwise rows computed on demand (and cached) per sub-problem.
final class SVMKernelAccess: @unchecked Sendable {
    let rows: SVMTrainingRows
    let kernel: KernelFunction
    let cacheBytes: Int
    /// The full `[n, n]` kernel matrix, when `n² · 8` bytes fit in `cacheBytes`.
    let gram: [Double]?

    init(rows: SVMTrainingRows, kernel: KernelFunction, cacheBytes: Int) {
        self.rows = rows
        self.kernel = kernel
        self.cacheBytes = cacheBytes
        gram = rows.rows * rows.rows * MemoryLayout<Double>.stride <= cacheBytes ? rows.gram(kernel) : nil
    }

    /// The classification Q of the rows `indices` with labels `signs` (±1).
    func classificationQ(_ indices: [Int], signs: [Double]) -> SVMQMatrix {
        if let gram {
            return gram.withUnsafeBufferPointer {
                SVMQMatrix.classification(gram: $0.baseAddress!, gramSize: rows.rows, indices: indices, signs: signs)
            }
        }
        return SVMQMatrix.classification(rows: rows.subset(indices), kernel: kernel, signs: signs, cacheBytes: cacheBytes)
    }

    /// Kernel values `K(x_a, x_b)` for a in `left`, b in `right`, row-major `[left.count, right.count]`.
    func block(_ left: [Int], _ right: [Int]) -> [Double] {
        if let gram {
            let size = rows.rows
            var result = [Double](); result.reserveCapacity(left.count * right.count)
            for a in left { let base = a * size; for b in right { result.append(gram[base + b]) } }
            return result
        }
        let a = rows.subset(left), b = rows.subset(right)
        return a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                kernel.block(pa.baseAddress!, aRows: a.rows, normsA: a.norms, pb.baseAddress!, bRows: b.rows, normsB: b.norms, columns: rows.columns)
            }
        }
    }

    /// Solves the binary C-SVC on `indices` (labels `signs` ±1, bounds `upperBounds`) and returns
    /// `α_i y_i` per row and ρ.
    func solveBinary(_ indices: [Int], signs: [Double], upperBounds: [Double], tolerance: Double, shrinking: Bool, maxIterations: Int) -> (coefficients: [Double], rho: Double, converged: Bool) {
        let q = classificationQ(indices, signs: signs)
        let solver = SVMSolver(q: q, linear: [Double](repeating: -1, count: indices.count), labels: signs,
                               upperBounds: upperBounds, tolerance: tolerance, shrinking: shrinking, maxIterations: maxIterations)
        let solution = solver.solve()
        return (zip(solution.alpha, signs).map { $0 * $1 }, solution.rho, solution.converged)
    }
}

/// A fitted one-vs-one machine in LIBSVM's layout: support vectors grouped by class, `coefficients[c-1]`
/// rows of `[classes-1, supportCount]`, one ρ per pair (0,1), (0,2), …, (1,2), ….
struct SVMOneVsOneModel {
    var classCount: Int
    var supportVectors: SVMTrainingRows
    var supportCountPerClass: [Int]
    /// `[classes-1][supportCount]`, LIBSVM's `sv_coef`.
    var coefficients: [[Double]]
    var rho: [Double]
    var kernel: KernelFunction

    /// The start of each class's support vectors.
    var classStarts: [Int] {
        var starts = [0]
        for count in supportCountPerClass.dropLast() { starts.append(starts.last! + count) }
        return starts
    }

    /// Pairwise decision values `[n, pairs]` (positive: the first class of the pair), LIBSVM's `dec_values`.
    func pairDecisions(_ features: SVMTrainingRows) -> [Double] {
        let supportCount = supportVectors.rows, n = features.rows
        let kernelValues = features.values.withUnsafeBufferPointer { x in
            supportVectors.values.withUnsafeBufferPointer { s in
                kernel.block(x.baseAddress!, aRows: n, normsA: features.norms, s.baseAddress!, bRows: supportCount, normsB: supportVectors.norms, columns: features.columns)
            }
        }
        let pairs = classCount * (classCount - 1) / 2, starts = classStarts
        var result = [Double](repeating: 0, count: n * pairs)
        for row in 0..<n {
            let values = row * supportCount
            var pair = 0
            for first in 0..<classCount {
                for second in (first + 1)..<classCount {
                    var sum = 0.0
                    let coefficientsFirst = coefficients[second - 1], coefficientsSecond = coefficients[first]
                    for k in starts[first]..<(starts[first] + supportCountPerClass[first]) { sum += coefficientsFirst[k] * kernelValues[values + k] }
                    for k in starts[second]..<(starts[second] + supportCountPerClass[second]) { sum += coefficientsSecond[k] * kernelValues[values + k] }
                    result[row * pairs + pair] = sum - rho[pair]
                    pair += 1
                }
            }
        }
        return result
    }

    /// The class index each row votes for (LIBSVM: ties go to the lower class).
    func votes(_ decisions: [Double], rows: Int) -> [Int] {
        let pairs = classCount * (classCount - 1) / 2
        return (0..<rows).map { row in
            var count = [Int](repeating: 0, count: classCount)
            var pair = 0
            for first in 0..<classCount {
                for second in (first + 1)..<classCount {
                    if decisions[row * pairs + pair] > 0 { count[first] += 1 } else { count[second] += 1 }
                    pair += 1
                }
            }
            var best = 0
            for index in 1..<classCount where count[index] > count[best] { best = index }
            return best
        }
    }

    /// scikit-learn's `_ovr_decision_function`: votes plus confidences squashed into (-1/3, 1/3).
    func oneVsRest(_ decisions: [Double], rows: Int) -> [Double] {
        let pairs = classCount * (classCount - 1) / 2
        var result = [Double](repeating: 0, count: rows * classCount)
        for row in 0..<rows {
            var votes = [Double](repeating: 0, count: classCount), confidences = votes
            var pair = 0
            for first in 0..<classCount {
                for second in (first + 1)..<classCount {
                    let decision = decisions[row * pairs + pair]
                    confidences[first] += decision
                    confidences[second] -= decision
                    if decision < 0 { votes[second] += 1 } else { votes[first] += 1 }
                    pair += 1
                }
            }
            for c in 0..<classCount { result[row * classCount + c] = votes[c] + confidences[c] / (3 * (abs(confidences[c]) + 1)) }
        }
        return result
    }
}

/// Per-pair results written by worker threads.
final class SVMPairSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value?]
    init(count: Int) { values = [Value?](repeating: nil, count: count) }
    func store(_ value: Value, at index: Int) { lock.lock(); values[index] = value; lock.unlock() }
    var all: [Value] { values.map { $0! } }

    /// `body(index)` for every index in `0..<count`, spread over the cores.
    static func run(count: Int, _ body: @escaping @Sendable (Int) -> Value) -> [Value] {
        let slots = SVMPairSlots<Value>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { slots.store(body($0), at: $0) }
        return slots.all
    }
}

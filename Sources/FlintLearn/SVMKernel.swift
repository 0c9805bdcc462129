import Flint
import Foundation

/// The kernel of a support vector machine (scikit-learn's `kernel`).
///
/// ```swift
/// let model = SVC(kernel: .poly, degree: 2)
/// ```
public enum SVMKernel: String, Sendable, Equatable, CaseIterable {
    /// `⟨x, y⟩`.
    case linear
    /// `(γ⟨x, y⟩ + coef0)^degree`.
    case poly
    /// `exp(-γ‖x − y‖²)` (the default).
    case rbf
    /// `tanh(γ⟨x, y⟩ + coef0)`.
    case sigmoid
}

/// The kernel coefficient γ of the rbf, poly and sigmoid kernels (scikit-learn's `gamma`).
///
/// ```swift
/// let model = SVC(gamma: .value(0.05))
/// ```
public enum SVMGamma: Sendable, Equatable {
    /// `1 / (features · X.var())`, the variance over every entry of the training matrix (the default).
    case scale
    /// `1 / features`.
    case auto
    /// A fixed value, > 0.
    case value(Double)

    /// γ for a training matrix of `count` entries in `columns` columns.
    func resolved(_ values: UnsafeBufferPointer<Double>, columns: Int) -> Double {
        switch self {
        case .value(let gamma): return gamma
        case .auto: return 1 / Double(columns)
        case .scale:
            var mean = 0.0
            for value in values { mean += value }
            mean /= Double(values.count)
            var variance = 0.0
            for value in values { let d = value - mean; variance += d * d }
            variance /= Double(values.count)
            return variance > 0 ? 1 / (Double(columns) * variance) : 1
        }
    }
}

/// A kernel with resolved parameters; evaluates blocks of kernel values from dot products made by GEMM.
struct KernelFunction: Sendable {
    let kind: SVMKernel
    let gamma: Double
    let degree: Int
    let coef0: Double

    /// Checks the hyperparameters the way scikit-learn does.
    static func validated(kind: SVMKernel, gamma: SVMGamma, degree: Int, coef0: Double, estimator: String) throws -> (SVMKernel, SVMGamma, Int, Double) {
        if case .value(let value) = gamma, !(value > 0 && value.isFinite) {
            throw LearnError(.invalidParameter, "\(estimator): gamma must be finite and > 0, got \(value); or use .scale / .auto")
        }
        guard degree >= 0 else { throw LearnError(.invalidParameter, "\(estimator): degree must be >= 0, got \(degree)") }
        guard coef0.isFinite else { throw LearnError(.invalidParameter, "\(estimator): coef0 must be finite, got \(coef0)") }
        return (kind, gamma, degree, coef0)
    }

    /// Squared norms of the `rows` rows of a row-major `[rows, columns]` matrix.
    static func squaredNorms(_ matrix: UnsafePointer<Double>, rows: Int, columns: Int) -> [Double] {
        [Double](unsafeUninitializedCapacity: rows) { buffer, count in
            for row in 0..<rows {
                var sum = 0.0
                let base = matrix + row * columns
                for column in 0..<columns { sum += base[column] * base[column] }
                buffer[row] = sum
            }
            count = rows
        }
    }

    /// Turns a block of dot products `⟨a_i, b_j⟩` (`[rows, columns]`, row-major) into kernel values in place;
    /// `normsA`/`normsB` are the squared norms of the rows of a and b (used by rbf only).
    func apply(_ block: UnsafeMutablePointer<Double>, rows: Int, columns: Int, normsA: UnsafePointer<Double>, normsB: UnsafePointer<Double>) {
        let total = rows * columns
        switch kind {
        case .linear: return
        case .rbf:
            let gamma = self.gamma
            for row in 0..<rows {
                let base = block + row * columns, normA = normsA[row]
                for column in 0..<columns {
                    let squared = Swift.max(normA + normsB[column] - 2 * base[column], 0)
                    base[column] = Foundation.exp(-gamma * squared)
                }
            }
        case .poly:
            for index in 0..<total { block[index] = Self.power(gamma * block[index] + coef0, degree) }
        case .sigmoid:
            for index in 0..<total { block[index] = Foundation.tanh(gamma * block[index] + coef0) }
        }
    }

    /// `base^exponent` by squaring (the degree is a small integer).
    @inline(__always) static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0, factor = base, remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result *= factor }
            factor *= factor
            remaining >>= 1
        }
        return result
    }

    /// The kernel matrix between the rows of `a` `[aRows, columns]` and `b` `[bRows, columns]`, row-major
    /// `[aRows, bRows]`, from one GEMM.
    func block(_ a: UnsafePointer<Double>, aRows: Int, normsA: [Double], _ b: UnsafePointer<Double>, bRows: Int, normsB: [Double], columns: Int) -> [Double] {
        var result = [Double](repeating: 0, count: aRows * bRows)
        result.withUnsafeMutableBufferPointer { output in
            CPUBackend.shared.gemm(transposeA: false, transposeB: true, m: aRows, n: bRows, k: columns, alpha: 1.0,
                                   a: a, lda: columns, b: b, ldb: columns, beta: 0.0, c: output.baseAddress!, ldc: bRows)
            normsA.withUnsafeBufferPointer { na in
                normsB.withUnsafeBufferPointer { nb in
                    apply(output.baseAddress!, rows: aRows, columns: bRows, normsA: na.baseAddress!, normsB: nb.baseAddress!)
                }
            }
        }
        return result
    }

    /// One kernel row `K(x_index, x_j)` for every row j of `matrix` into `output` (a GEMV through GEMM).
    func row(_ index: Int, matrix: UnsafePointer<Double>, rows: Int, columns: Int, norms: UnsafePointer<Double>, into output: UnsafeMutablePointer<Double>) {
        CPUBackend.shared.gemm(transposeA: false, transposeB: true, m: 1, n: rows, k: columns, alpha: 1.0,
                               a: matrix + index * columns, lda: columns, b: matrix, ldb: columns, beta: 0.0, c: output, ldc: rows)
        apply(output, rows: 1, columns: rows, normsA: norms + index, normsB: norms)
    }

    /// `K(x, x)` from the squared norm of x.
    func diagonal(squaredNorm: Double) -> Double {
        switch kind {
        case .linear: return squaredNorm
        case .rbf: return 1
        case .poly: return Self.power(gamma * squaredNorm + coef0, degree)
        case .sigmoid: return Foundation.tanh(gamma * squaredNorm + coef0)
        }
    }
}

/// A training matrix copied to contiguous row-major storage with its squared row norms.
struct SVMTrainingRows {
    let values: [Double]
    let rows: Int
    let columns: Int
    let norms: [Double]

    init(_ values: [Double], rows: Int, columns: Int) {
        self.values = values
        self.rows = rows
        self.columns = columns
        norms = values.withUnsafeBufferPointer { KernelFunction.squaredNorms($0.baseAddress!, rows: rows, columns: columns) }
    }

    /// The rows `indices` as a new matrix.
    func subset(_ indices: [Int]) -> SVMTrainingRows {
        var gathered = [Double](); gathered.reserveCapacity(indices.count * columns)
        for index in indices { gathered.append(contentsOf: values[(index * columns)..<((index + 1) * columns)]) }
        return SVMTrainingRows(gathered, rows: indices.count, columns: columns)
    }

    /// The full kernel matrix `[rows, rows]`.
    func gram(_ kernel: KernelFunction) -> [Double] {
        values.withUnsafeBufferPointer { x in
            kernel.block(x.baseAddress!, aRows: rows, normsA: norms, x.baseAddress!, bRows: rows, normsB: norms, columns: columns)
        }
    }
}

import Flint

/// A row-major float64 matrix the linear models and preprocessors work on in plain loops.
struct RowMatrix {
    var rows: Int
    var columns: Int
    var values: [Double]

    init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "RowMatrix: \(values.count) values for \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    init(rows: Int, columns: Int, repeating value: Double = 0) {
        self.init(rows: rows, columns: columns, values: [Double](repeating: value, count: rows * columns))
    }

    /// The float64 contiguous values of a `[n, f]` tensor (no checks beyond the rank).
    init(_ tensor: Tensor) {
        precondition(tensor.rank == 2, "RowMatrix: expected a matrix, got shape \(tensor.shape)")
        let matrix = (tensor.dtype == .float64 ? tensor : tensor.to(.float64)).contiguous()
        self.init(rows: matrix.shape[0], columns: matrix.shape[1], values: matrix.scalars(as: Double.self))
    }

    var tensor: Tensor { Tensor(values, shape: [rows, columns]) }

    subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// One column's values.
    func column(_ index: Int) -> [Double] {
        (0..<rows).map { values[$0 * columns + index] }
    }

    /// The matrix product `self · other` through BLAS.
    func multiplied(by other: RowMatrix) -> RowMatrix {
        RowMatrix(tensor.matmul(other.tensor))
    }

    /// The transpose.
    var transposed: RowMatrix {
        var result = RowMatrix(rows: columns, columns: rows)
        values.withUnsafeBufferPointer { source in
            result.values.withUnsafeMutableBufferPointer { target in
                for row in 0..<rows {
                    for column in 0..<columns { target[column * rows + row] = source[row * columns + column] }
                }
            }
        }
        return result
    }

    /// Column means.
    func columnMeans() -> [Double] {
        var sums = [Double](repeating: 0, count: columns)
        let columns = columns
        values.withUnsafeBufferPointer { source in
            sums.withUnsafeMutableBufferPointer { sums in
                for row in 0..<rows {
                    for column in 0..<columns { sums[column] += source[row * columns + column] }
                }
            }
        }
        return sums.map { $0 / Double(rows) }
    }

    /// Population variances of the columns (divided by the row count, NumPy's `var`).
    func columnVariances() -> [Double] {
        let means = columnMeans(), columns = columns
        var squares = [Double](repeating: 0, count: columns)
        values.withUnsafeBufferPointer { source in
            squares.withUnsafeMutableBufferPointer { squares in
                means.withUnsafeBufferPointer { means in
                    for row in 0..<rows {
                        for column in 0..<columns {
                            let difference = source[row * columns + column] - means[column]
                            squares[column] += difference * difference
                        }
                    }
                }
            }
        }
        return squares.map { $0 / Double(rows) }
    }

    /// Subtracts `offsets` from every row.
    mutating func subtractFromRows(_ offsets: [Double]) {
        let columns = columns
        values.withUnsafeMutableBufferPointer { target in
            offsets.withUnsafeBufferPointer { offsets in
                for row in 0..<rows {
                    for column in 0..<columns { target[row * columns + column] -= offsets[column] }
                }
            }
        }
    }
}

/// Checks shared by the supervised estimators.
enum LearnTargets {
    /// Integer class labels `[n]` as `[Int]`, checked against `samples` rows and non-negative.
    static func labels(_ targets: Tensor, samples: Int, estimator: String) throws -> [Int] {
        guard targets.rank == 1 else {
            throw LearnError(.invalidInput, "\(estimator): labels must be a vector [samples], got shape \(targets.shape)")
        }
        guard targets.dtype == .int64 || targets.dtype == .int32 else {
            throw LearnError(.invalidInput, "\(estimator): labels must be integers (int64), got \(targets.dtype); convert with .to(.int64)")
        }
        guard targets.shape[0] == samples else {
            throw LearnError(.invalidInput, "\(estimator): \(samples) rows of features but \(targets.shape[0]) labels")
        }
        let labels = targets.to(.int64).contiguous().scalars(as: Int64.self).map { Int($0) }
        if let negative = labels.first(where: { $0 < 0 }) {
            throw LearnError(.invalidInput, "\(estimator): labels must be non-negative integers, got \(negative)")
        }
        return labels
    }

    /// Float64 regression targets `[n]`, checked against `samples` rows and for finiteness.
    static func values(_ targets: Tensor, samples: Int, estimator: String) throws -> [Double] {
        guard targets.rank == 1 else {
            throw LearnError(.invalidInput, "\(estimator): targets must be a vector [samples], got shape \(targets.shape)")
        }
        guard targets.shape[0] == samples else {
            throw LearnError(.invalidInput, "\(estimator): \(samples) rows of features but \(targets.shape[0]) targets")
        }
        let values = targets.to(.float64).contiguous().scalars(as: Double.self)
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw LearnError(.nonFiniteInput, "\(estimator): target \(values[index]) at row \(index); targets must be finite")
        }
        return values
    }

    /// The error for using an estimator before `fit`.
    static func notFitted(_ estimator: String, fit: String = "fit(_:_:)") -> LearnError {
        LearnError(.notFitted, "\(estimator): not fitted; call \(fit) first")
    }
}

/// Dense float64 vector kernels for the solvers' inner loops, with four independent SIMD
/// accumulators (a plain Swift reduction is sequential: the compiler may not reorder float adds).
enum VectorKernels {
    /// `Σ a[i]·b[i]` over `count` values.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var sum0 = SIMD4<Double>(), sum1 = SIMD4<Double>()
        var index = 0
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        while index + 8 <= count {
            let offset = index * MemoryLayout<Double>.stride
            sum0 += rawA.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
                * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
            sum1 += rawA.loadUnaligned(fromByteOffset: offset + 32, as: SIMD4<Double>.self)
                * rawB.loadUnaligned(fromByteOffset: offset + 32, as: SIMD4<Double>.self)
            index += 8
        }
        var total = (sum0 + sum1).sum()
        while index < count { total += a[index] * b[index]; index += 1 }
        return total
    }

    /// `y[i] += scale·x[i]` over `count` values.
    @inline(__always)
    static func axpy(_ scale: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ count: Int) {
        var index = 0
        let rawX = UnsafeRawPointer(x), rawY = UnsafeMutableRawPointer(y)
        let factor = SIMD4<Double>(repeating: scale)
        while index + 4 <= count {
            let offset = index * MemoryLayout<Double>.stride
            let updated = rawY.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
                + factor * rawX.loadUnaligned(fromByteOffset: offset, as: SIMD4<Double>.self)
            rawY.storeBytes(of: updated, toByteOffset: offset, as: SIMD4<Double>.self)
            index += 4
        }
        while index < count { y[index] += scale * x[index]; index += 1 }
    }
}

/// Dense linear algebra on float32 and float64 tensors, as `torch.linalg` offers it: solving
/// systems, factorizations (Cholesky, QR, SVD, symmetric eigendecomposition), inverse,
/// determinant and least squares.
///
/// Inputs are matrices `[m, n]` or batches of them `[..., m, n]`. The work goes to LAPACK in
/// the loaded OpenBLAS (the `s` routines for float32, `d` for float64); without OpenBLAS,
/// Flint's pure-Swift routines give the same answers, more slowly. Every function that has a
/// gradient in PyTorch records one here too.
///
/// ```swift
/// let a = Tensor([[4.0, 1.0], [1.0, 3.0]])
/// let x = try LinearAlgebra.solve(a, Tensor([1.0, 2.0]))  // a · x = [1, 2]
/// let l = try LinearAlgebra.cholesky(a)                  // l · lᵀ = a
/// ```
public enum LinearAlgebra {}

/// Why a linear-algebra routine could not produce an answer for the given numbers.
///
/// Shape and dtype mistakes are programmer errors and stop the program with a message instead;
/// these errors depend on the values, so code that handles user data can catch them.
///
/// ```swift
/// do {
///     _ = try LinearAlgebra.inverse(Tensor([[1.0, 2.0], [2.0, 4.0]]))
/// } catch {
///     print(error)  // inverse: the matrix is singular …
/// }
/// ```
public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable {
    /// The matrix has no inverse: its LU factorization has an exactly zero pivot at (1-based)
    /// position `pivot` (for triangular solves, a zero on the diagonal).
    ///
    /// ```swift
    /// try LinearAlgebra.solve(Tensor([[1.0, 2.0], [2.0, 4.0]]), Tensor([1.0, 1.0]))  // throws singularMatrix
    /// ```
    case singularMatrix(operation: String, pivot: Int)

    /// The matrix is not symmetric positive definite: its leading minor of (1-based) order
    /// `minorOrder` is not positive, so it has no Cholesky factor.
    ///
    /// ```swift
    /// try LinearAlgebra.cholesky(Tensor([[1.0, 2.0], [2.0, 1.0]]))  // throws notPositiveDefinite
    /// ```
    case notPositiveDefinite(operation: String, minorOrder: Int)

    /// An iterative routine (SVD, eigendecomposition, least squares) did not converge; `info`
    /// is LAPACK's code. The input usually holds NaN or infinite values.
    ///
    /// ```swift
    /// try LinearAlgebra.svd(Tensor([[Double.nan, 1.0], [1.0, 1.0]]))  // may throw didNotConverge
    /// ```
    case didNotConverge(operation: String, info: Int)

    /// The routine needs LAPACK, which comes with OpenBLAS, and OpenBLAS was not found.
    ///
    /// ```swift
    /// print(LinearAlgebraError.lapackUnavailable(operation: "svd"))  // … sudo apt-get install libopenblas0-pthread …
    /// ```
    case lapackUnavailable(operation: String)

    /// A message that says what went wrong and what to do about it.
    ///
    /// ```swift
    /// print(LinearAlgebraError.singularMatrix(operation: "solve", pivot: 2).description)
    /// ```
    public var description: String {
        switch self {
        case .singularMatrix(let operation, let pivot):
            return "\(operation): the matrix is singular (pivot \(pivot) of its factorization is exactly zero), so the system "
                + "has no unique solution; LinearAlgebra.leastSquares gives the minimum-norm least-squares answer"
        case .notPositiveDefinite(let operation, let minorOrder):
            return "\(operation): the matrix is not positive definite (its leading minor of order \(minorOrder) is not positive); "
                + "check that it is symmetric, or add a small multiple of the identity (e.g. A + 1e-6 · I)"
        case .didNotConverge(let operation, let info):
            return "\(operation): the iteration did not converge (LAPACK info \(info)); check the input for NaN or infinite values"
        case .lapackUnavailable(let operation):
            return "\(operation): needs LAPACK, which comes with OpenBLAS, and OpenBLAS was not found. "
                + "Install it with `sudo apt-get install libopenblas0-pthread` or run `make setup` in the Flint checkout"
        }
    }
}

extension LinearAlgebra {
    /// The solution `x` of `a · x = b` for a square, invertible `a` (LU with partial pivoting,
    /// LAPACK gesv).
    ///
    /// `b` is a vector `[n]` (or a batch `[..., n]` matching `a`'s batch) or a matrix of
    /// right-hand sides `[..., n, k]`; batch dimensions broadcast. Gradients flow to both.
    ///
    /// ```swift
    /// let a = Tensor([[3.0, 1.0], [1.0, 2.0]])
    /// let x = try LinearAlgebra.solve(a, Tensor([9.0, 8.0]))  // [2, 3]
    /// ```
    /// - Throws: ``LinearAlgebraError/singularMatrix(operation:pivot:)`` when `a` is singular.
    public static func solve(_ a: Tensor, _ b: Tensor) throws(LinearAlgebraError) -> Tensor {
        let type = linearAlgebraScalarType([a, b], operation: "solve")
        requireSquareMatrices(a, operation: "solve")
        let system = RightHandSide(a, b, operation: "solve")
        let solution = try solveBatch(type, system.a, system.b, operation: "solve")
        let x = system.isVector ? solution.squeezed(axis: -1) : solution
        return recordGradient(x, a, b) { .linearSolve(a, b, output: x.detach()) }
    }

    /// The solution `x` of `a · x = b` for a triangular `a` (LAPACK trtrs). Only the `upper`
    /// (or lower) triangle of `a` is read, the rest may hold anything.
    ///
    /// ```swift
    /// let lower = Tensor([[2.0, 0.0], [1.0, 3.0]])
    /// let x = try LinearAlgebra.solveTriangular(lower, Tensor([2.0, 7.0]), upper: false)  // [1, 2]
    /// ```
    /// - Throws: ``LinearAlgebraError/singularMatrix(operation:pivot:)`` when the diagonal has a zero.
    public static func solveTriangular(_ a: Tensor, _ b: Tensor, upper: Bool) throws(LinearAlgebraError) -> Tensor {
        let type = linearAlgebraScalarType([a, b], operation: "solveTriangular")
        requireSquareMatrices(a, operation: "solveTriangular")
        let system = RightHandSide(a, b, operation: "solveTriangular")
        let solution = try solveTriangularBatch(type, system.a, system.b, upper: upper, operation: "solveTriangular")
        let x = system.isVector ? solution.squeezed(axis: -1) : solution
        return recordGradient(x, a, b) { .triangularSolve(a, b, upper: upper, output: x.detach()) }
    }

    /// The lower-triangular `l` with a positive diagonal such that `l · lᵀ = a`, for a symmetric
    /// positive-definite `a` (LAPACK potrf; only the lower triangle of `a` is read), like
    /// `torch.linalg.cholesky`.
    ///
    /// ```swift
    /// let l = try LinearAlgebra.cholesky(Tensor([[4.0, 2.0], [2.0, 5.0]]))  // [[2, 0], [1, 2]]
    /// ```
    /// - Throws: ``LinearAlgebraError/notPositiveDefinite(operation:minorOrder:)``.
    public static func cholesky(_ a: Tensor) throws(LinearAlgebraError) -> Tensor {
        let type = linearAlgebraScalarType([a], operation: "cholesky")
        requireSquareMatrices(a, operation: "cholesky")
        let factor = try choleskyBatch(type, a, operation: "cholesky")
        return recordGradient(factor, a) { .cholesky(a, output: factor.detach()) }
    }

    /// The inverse of a square matrix (LU with partial pivoting). To apply it to a vector,
    /// ``solve(_:_:)`` is faster and more accurate.
    ///
    /// ```swift
    /// let inverse = try LinearAlgebra.inverse(Tensor([[2.0, 0.0], [0.0, 4.0]]))  // [[0.5, 0], [0, 0.25]]
    /// ```
    /// - Throws: ``LinearAlgebraError/singularMatrix(operation:pivot:)`` when `a` is singular.
    public static func inverse(_ a: Tensor) throws(LinearAlgebraError) -> Tensor {
        let type = linearAlgebraScalarType([a], operation: "inverse")
        requireSquareMatrices(a, operation: "inverse")
        let n = a.shape[a.rank - 1]
        let identity = Tensor.eye(n, dtype: a.dtype).expanded(to: a.shape)
        let result = try solveBatch(type, a, identity, operation: "inverse")
        return recordGradient(result, a) { .inverse(a, output: result.detach()) }
    }

    /// The determinant of a square matrix (a scalar tensor), or of each matrix in a batch
    /// (shape `[...]`), from its LU factorization; exactly 0 when a pivot is exactly 0. The
    /// gradient is defined for singular matrices too (it is the cofactor matrix).
    ///
    /// ```swift
    /// let d = try LinearAlgebra.determinant(Tensor([[1.0, 2.0], [3.0, 4.0]]))  // -2
    /// ```
    /// - Throws: only ``LinearAlgebraError/lapackUnavailable(operation:)``, when LAPACK is required and missing.
    public static func determinant(_ a: Tensor) throws(LinearAlgebraError) -> Tensor {
        let type = linearAlgebraScalarType([a], operation: "determinant")
        requireSquareMatrices(a, operation: "determinant")
        let result = try determinantBatch(type, a, operation: "determinant")
        return recordGradient(result, a) { .determinant(a, output: result.detach()) }
    }

    // MARK: batch loops

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    static func solveBatch<T: LinearAlgebraScalar>(_ type: T.Type, _ a: Tensor, _ b: Tensor,
                                                   operation: String) throws(LinearAlgebraError) -> Tensor {
        let left = columnMajorMatrices(of: a, as: T.self), right = columnMajorMatrices(of: b, as: T.self)
        var solutions: [ColumnMajorMatrix<T>] = []
        for index in left.indices { solutions.append(try MatrixKernels.solve(left[index], right[index], operation: operation)) }
        return makeTensor(from: solutions, batchShape: b.matrixBatchShape, rows: b.shape[b.rank - 2], columns: b.shape[b.rank - 1])
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    private static func solveTriangularBatch<T: LinearAlgebraScalar>(_ type: T.Type, _ a: Tensor, _ b: Tensor, upper: Bool,
                                                                     operation: String) throws(LinearAlgebraError) -> Tensor {
        let left = columnMajorMatrices(of: a, as: T.self), right = columnMajorMatrices(of: b, as: T.self)
        var solutions: [ColumnMajorMatrix<T>] = []
        for index in left.indices {
            solutions.append(try MatrixKernels.solveTriangular(left[index], right[index], upper: upper, operation: operation))
        }
        return makeTensor(from: solutions, batchShape: b.matrixBatchShape, rows: b.shape[b.rank - 2], columns: b.shape[b.rank - 1])
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    private static func choleskyBatch<T: LinearAlgebraScalar>(_ type: T.Type, _ a: Tensor,
                                                              operation: String) throws(LinearAlgebraError) -> Tensor {
        var factors: [ColumnMajorMatrix<T>] = []
        for matrix in columnMajorMatrices(of: a, as: T.self) { factors.append(try MatrixKernels.cholesky(matrix, operation: operation)) }
        let n = a.shape[a.rank - 1]
        return makeTensor(from: factors, batchShape: a.matrixBatchShape, rows: n, columns: n)
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    private static func determinantBatch<T: LinearAlgebraScalar>(_ type: T.Type, _ a: Tensor,
                                                                 operation: String) throws(LinearAlgebraError) -> Tensor {
        var values: [T] = []
        for matrix in columnMajorMatrices(of: a, as: T.self) { values.append(try MatrixKernels.determinant(matrix, operation: operation)) }
        return Tensor(values, shape: a.matrixBatchShape)
    }
}

/// The right-hand side of `a · x = b` as a batch of matrices broadcast against `a`'s batch.
///
/// `b` counts as a vector (PyTorch's rule) when it has rank 1, or rank one less than `a` with
/// `a`'s shape minus its last dimension; vectors get a trailing axis of size 1.
struct RightHandSide {
    let isVector: Bool
    /// `a`, broadcast to the common batch shape (detached).
    let a: Tensor
    /// `b` as `[batch..., rows of a, k]` (detached).
    let b: Tensor

    init(_ a: Tensor, _ b: Tensor, operation: String) {
        requireMatrices(a, operation: operation)
        isVector = RightHandSide.isVector(a, b)
        let matrix = isVector ? b.detach().unsqueezed(axis: -1) : b.detach()
        let rows = a.shape[a.rank - 2]
        precondition(matrix.rank >= 2 && matrix.shape[matrix.rank - 2] == rows,
                     "\(operation): the right-hand side of shape \(describeShape(b.shape)) does not match the matrix of shape "
                        + "\(describeShape(a.shape)); it needs \(rows) rows (shape [\(rows)] or [..., \(rows), k])")
        let batch = broadcastShapes(a.matrixBatchShape, matrix.matrixBatchShape, op: operation)
        self.a = a.detach().expanded(to: batch + Array(a.shape.suffix(2)))
        self.b = matrix.expanded(to: batch + Array(matrix.shape.suffix(2)))
    }

    /// Whether `b` is a (batch of) vector(s) for the matrix (batch) `a`.
    static func isVector(_ a: Tensor, _ b: Tensor) -> Bool {
        b.rank == 1 || (b.rank == a.rank - 1 && b.shape == Array(a.shape.dropLast()))
    }
}

import Foundation

/// QR, SVD, symmetric eigendecomposition and least squares.
extension LinearAlgebra {
    /// The reduced QR decomposition `a = q · r` (Householder reflections, LAPACK geqrf and
    /// orgqr): for `a` of shape `[m, n]` and k = min(m, n), `q` is `[m, k]` with orthonormal
    /// columns and `r` is `[k, n]` upper triangular. Signs follow LAPACK (the diagonal of `r`
    /// may be negative), as in `torch.linalg.qr`.
    ///
    /// ```swift
    /// let (q, r) = try LinearAlgebra.qr(Tensor.randn([5, 3], dtype: .float64))
    /// // q.shape == [5, 3], r.shape == [3, 3], q.matmul(r) ≈ a
    /// ```
    public static func qr(_ a: Tensor) throws(LinearAlgebraError) -> (q: Tensor, r: Tensor) {
        let type = linearAlgebraScalarType([a], operation: "qr")
        requireMatrices(a, operation: "qr")
        let (qValue, rValue) = try qrBatch(type, a)
        let q = recordGradient(qValue, a) { .qrQ(a, q: qValue.detach(), r: rValue.detach()) }
        let r = recordGradient(rValue, a) { .qrR(a, q: qValue.detach(), r: rValue.detach()) }
        return (q, r)
    }

    /// The singular value decomposition `a = u · diag(s) · vt` (LAPACK gesdd), like
    /// `torch.linalg.svd`: `s` holds the k = min(m, n) singular values in descending order.
    /// By default `u` is `[m, k]` and `vt` is `[k, n]`; with `fullMatrices` they are the square
    /// `[m, m]` and `[n, n]`. Singular vectors are unique only up to sign.
    ///
    /// Gradients follow PyTorch's formula; they need distinct singular values, and with
    /// `fullMatrices` they exist only for square matrices.
    ///
    /// ```swift
    /// let (u, s, vt) = try LinearAlgebra.svd(Tensor.randn([4, 3], dtype: .float64))
    /// // u: [4, 3], s: [3], vt: [3, 3]
    /// ```
    /// - Throws: ``LinearAlgebraError/didNotConverge(operation:info:)``.
    public static func svd(_ a: Tensor, fullMatrices: Bool = false) throws(LinearAlgebraError) -> (u: Tensor, s: Tensor, vt: Tensor) {
        let type = linearAlgebraScalarType([a], operation: "svd")
        requireMatrices(a, operation: "svd")
        let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1]
        precondition(!fullMatrices || m == n || !(a.requiresGrad && GradientMode.isEnabled),
                     "svd: gradients are not defined with fullMatrices: true for the non-square shape \(describeShape(a.shape)) "
                        + "(as in PyTorch); use fullMatrices: false, or compute it inside withoutGradients { }")
        let (uValue, sValue, vtValue) = try svdBatch(type, a, fullMatrices: fullMatrices)
        let u = recordGradient(uValue, a) { .svdU(a, u: uValue.detach(), s: sValue.detach(), vt: vtValue.detach()) }
        let s = recordGradient(sValue, a) { .svdS(a, u: uValue.detach(), s: sValue.detach(), vt: vtValue.detach()) }
        let vt = recordGradient(vtValue, a) { .svdVt(a, u: uValue.detach(), s: sValue.detach(), vt: vtValue.detach()) }
        return (u, s, vt)
    }

    /// The eigenvalues (ascending) and orthonormal eigenvectors (the columns of `eigenvectors`)
    /// of a symmetric matrix (LAPACK syevd), like `torch.linalg.eigh`: only the lower triangle
    /// of `a` is read, and `a = V · diag(λ) · Vᵀ`. Eigenvectors are unique only up to sign.
    ///
    /// Gradients follow PyTorch's formula; the eigenvector gradient needs distinct eigenvalues.
    ///
    /// ```swift
    /// let (values, vectors) = try LinearAlgebra.eigh(Tensor([[2.0, 1.0], [1.0, 2.0]]))
    /// // values == [1, 3]
    /// ```
    /// - Throws: ``LinearAlgebraError/didNotConverge(operation:info:)``.
    public static func eigh(_ a: Tensor) throws(LinearAlgebraError) -> (eigenvalues: Tensor, eigenvectors: Tensor) {
        let type = linearAlgebraScalarType([a], operation: "eigh")
        requireSquareMatrices(a, operation: "eigh")
        let (valuesValue, vectorsValue) = try eighBatch(type, a)
        let values = recordGradient(valuesValue, a) {
            .symmetricEigenvalues(a, values: valuesValue.detach(), vectors: vectorsValue.detach())
        }
        let vectors = recordGradient(vectorsValue, a) {
            .symmetricEigenvectors(a, values: valuesValue.detach(), vectors: vectorsValue.detach())
        }
        return (values, vectors)
    }

    /// The `x` minimizing `‖a · x - b‖²`, and among those the one of smallest norm (LAPACK gelsd,
    /// through the SVD), like `torch.linalg.lstsq(a, b, driver="gelsd").solution`. Works for tall,
    /// wide and rank-deficient `a`.
    ///
    /// `b` is a vector `[m]` or a matrix `[..., m, k]` (batch dimensions broadcast); the result is
    /// `[n]` or `[..., n, k]`. Singular values at or below `cutoff` times the largest count as
    /// zero; the default is machine epsilon × max(m, n), PyTorch's. Gradients (to both inputs)
    /// need a full-column-rank `a` with m ≥ n.
    ///
    /// ```swift
    /// let features = Tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    /// let coefficients = try LinearAlgebra.leastSquares(features, Tensor([1.0, 3.0, 5.0]))  // [1, 2]
    /// ```
    /// - Throws: ``LinearAlgebraError/didNotConverge(operation:info:)``.
    public static func leastSquares(_ a: Tensor, _ b: Tensor, cutoff: Double? = nil) throws(LinearAlgebraError) -> Tensor {
        let type = linearAlgebraScalarType([a, b], operation: "leastSquares")
        let system = RightHandSide(a, b, operation: "leastSquares")
        let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1]
        precondition(m >= n || !((a.requiresGrad || b.requiresGrad) && GradientMode.isEnabled),
                     "leastSquares: gradients need a matrix with at least as many rows as columns, got shape \(describeShape(a.shape)); "
                        + "compute it inside withoutGradients { } or transpose the problem")
        let epsilon = a.dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
        let solution = try leastSquaresBatch(type, system.a, system.b, cutoff: cutoff ?? epsilon * Double(Swift.max(m, n)))
        let x = system.isVector ? solution.squeezed(axis: -1) : solution
        return recordGradient(x, a, b) { .leastSquares(a, b, output: x.detach()) }
    }

    // MARK: batch loops

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    private static func qrBatch<T: LinearAlgebraScalar>(_ type: T.Type, _ a: Tensor) throws(LinearAlgebraError) -> (Tensor, Tensor) {
        let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1], k = Swift.min(m, n)
        var qs: [ColumnMajorMatrix<T>] = [], rs: [ColumnMajorMatrix<T>] = []
        for matrix in columnMajorMatrices(of: a, as: T.self) {
            let (q, r) = try MatrixKernels.qr(matrix, operation: "qr")
            qs.append(q)
            rs.append(r)
        }
        return (makeTensor(from: qs, batchShape: a.matrixBatchShape, rows: m, columns: k),
                makeTensor(from: rs, batchShape: a.matrixBatchShape, rows: k, columns: n))
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    private static func svdBatch<T: LinearAlgebraScalar>(_ type: T.Type, _ a: Tensor,
                                                         fullMatrices: Bool) throws(LinearAlgebraError) -> (Tensor, Tensor, Tensor) {
        let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1], k = Swift.min(m, n)
        var us: [ColumnMajorMatrix<T>] = [], ss: [[T]] = [], vts: [ColumnMajorMatrix<T>] = []
        for matrix in columnMajorMatrices(of: a, as: T.self) {
            let (u, s, vt) = try MatrixKernels.singularValueDecomposition(matrix, fullMatrices: fullMatrices, operation: "svd")
            us.append(u)
            ss.append(s)
            vts.append(vt)
        }
        let batch = a.matrixBatchShape
        return (makeTensor(from: us, batchShape: batch, rows: m, columns: fullMatrices ? m : k),
                makeTensor(fromVectors: ss, batchShape: batch, length: k),
                makeTensor(from: vts, batchShape: batch, rows: fullMatrices ? n : k, columns: n))
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    private static func eighBatch<T: LinearAlgebraScalar>(_ type: T.Type, _ a: Tensor) throws(LinearAlgebraError) -> (Tensor, Tensor) {
        let n = a.shape[a.rank - 1]
        var values: [[T]] = [], vectors: [ColumnMajorMatrix<T>] = []
        for matrix in columnMajorMatrices(of: a, as: T.self) {
            let result = try MatrixKernels.symmetricEigen(matrix, operation: "eigh")
            values.append(result.values)
            vectors.append(result.vectors)
        }
        return (makeTensor(fromVectors: values, batchShape: a.matrixBatchShape, length: n),
                makeTensor(from: vectors, batchShape: a.matrixBatchShape, rows: n, columns: n))
    }

    @_specialize(where T == Double)
    @_specialize(where T == Float)
    private static func leastSquaresBatch<T: LinearAlgebraScalar>(_ type: T.Type, _ a: Tensor, _ b: Tensor,
                                                                  cutoff: Double) throws(LinearAlgebraError) -> Tensor {
        let left = columnMajorMatrices(of: a, as: T.self), right = columnMajorMatrices(of: b, as: T.self)
        var solutions: [ColumnMajorMatrix<T>] = []
        for index in left.indices {
            solutions.append(try MatrixKernels.leastSquares(left[index], right[index], cutoff: cutoff, operation: "leastSquares"))
        }
        return makeTensor(from: solutions, batchShape: b.matrixBatchShape, rows: a.shape[a.rank - 1], columns: b.shape[b.rank - 1])
    }
}

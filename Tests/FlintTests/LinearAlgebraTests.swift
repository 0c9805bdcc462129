import Testing
@testable import Flint
import FlintTestSupport

/// Identities, errors and gradients of `LinearAlgebra`, on LAPACK (`.automatic`, which falls
/// back to Swift when OpenBLAS is missing) and on the pure-Swift routines (`.swift`).
@Suite("LinearAlgebra")
struct LinearAlgebraTests {
    static let backends: [LinearAlgebraBackend] = [.automatic, .swift]
    static let dtypes: [DType] = [.float64, .float32]

    // MARK: identities

    @Test("A · solve(A, b) = b", arguments: dtypes, backends)
    func solve(dtype: DType, backend: LinearAlgebraBackend) throws {
        try on(backend) {
            let a = wellConditioned(5, dtype: dtype, seed: 1)
            let vector = random([5], dtype: dtype, seed: 2)
            let matrix = random([5, 3], dtype: dtype, seed: 3)
            let x = try LinearAlgebra.solve(a, vector)
            #expect(x.shape == [5])
            expectClose(a.matmul(x), vector, dtype)
            expectClose(a.matmul(try LinearAlgebra.solve(a, matrix)), matrix, dtype)
        }
    }

    @Test("solve broadcasts batches and batches of vectors", arguments: backends)
    func solveBatched(backend: LinearAlgebraBackend) throws {
        try on(backend) {
            let a = Tensor.stack([wellConditioned(4, dtype: .float64, seed: 4), wellConditioned(4, dtype: .float64, seed: 5)])
            let shared = random([4, 2], dtype: .float64, seed: 6)
            expectClose(a.matmul(try LinearAlgebra.solve(a, shared)), shared.expanded(to: [2, 4, 2]), .float64)
            let vectors = random([2, 4], dtype: .float64, seed: 7)
            let x = try LinearAlgebra.solve(a, vectors)
            #expect(x.shape == [2, 4])
            expectClose(a.matmul(x.unsqueezed(axis: -1)).squeezed(axis: -1), vectors, .float64)
        }
    }

    @Test("solveTriangular reads one triangle", arguments: dtypes, backends)
    func solveTriangular(dtype: DType, backend: LinearAlgebraBackend) throws {
        try on(backend) {
            let full = wellConditioned(4, dtype: dtype, seed: 8)
            let b = random([4, 2], dtype: dtype, seed: 9)
            for upper in [true, false] {
                let triangle = triangularPart(full, upper: upper)
                let x = try LinearAlgebra.solveTriangular(full, b, upper: upper)
                expectClose(triangle.matmul(x), b, dtype)
            }
        }
    }

    @Test("L · Lᵀ = A with L lower triangular", arguments: dtypes, backends)
    func cholesky(dtype: DType, backend: LinearAlgebraBackend) throws {
        try on(backend) {
            let a = positiveDefinite(5, dtype: dtype, seed: 10)
            let l = try LinearAlgebra.cholesky(a)
            expectClose(l.matmul(l.transposed()), a, dtype)
            #expect(triangularPart(l, upper: true, strictly: true).abs().max().item(as: Double.self) == 0)
            #expect(isClose(try LinearAlgebra.cholesky(Tensor([[4.0, 2.0], [2.0, 5.0]])), Tensor([[2.0, 0.0], [1.0, 2.0]])))
            let batch = Tensor.stack([a, a * 2])
            let factors = try LinearAlgebra.cholesky(batch)
            expectClose(factors.matmul(factors.transposed()), batch, dtype)
        }
    }

    @Test("Q · R = A, Q orthonormal, R upper triangular", arguments: dtypes, backends)
    func qr(dtype: DType, backend: LinearAlgebraBackend) throws {
        try on(backend) {
            for shape in [[6, 4], [4, 4], [3, 5], [2, 6, 3]] {
                let a = random(shape, dtype: dtype, seed: 11)
                let (q, r) = try LinearAlgebra.qr(a)
                let k = Swift.min(shape[shape.count - 2], shape[shape.count - 1])
                #expect(q.shape.suffix(2) == [shape[shape.count - 2], k] && r.shape.suffix(2) == [k, shape[shape.count - 1]])
                expectClose(q.matmul(r), a, dtype)
                expectClose(q.transposed().matmul(q), Tensor.eye(k, dtype: dtype).expanded(to: q.transposed().matmul(q).shape), dtype)
                #expect(triangularPart(r, upper: false, strictly: true).abs().max().item(as: Double.self) == 0)
            }
        }
    }

    @Test("U · diag(S) · Vᵀ = A with orthonormal U, V and descending S", arguments: dtypes, backends)
    func svd(dtype: DType, backend: LinearAlgebraBackend) throws {
        try on(backend) {
            for shape in [[6, 4], [4, 4], [3, 5], [2, 5, 3]] {
                let a = random(shape, dtype: dtype, seed: 12)
                let (u, s, vt) = try LinearAlgebra.svd(a)
                expectClose((u * s.unsqueezed(axis: -2)).matmul(vt), a, dtype)
                expectOrthonormalColumns(u, dtype)
                expectOrthonormalColumns(vt.transposed(), dtype)
                let values = s.scalars(as: Double.self)
                let perMatrix = s.shape[s.rank - 1]
                for start in stride(from: 0, to: values.count, by: perMatrix) {
                    #expect(zip(values[start..<(start + perMatrix - 1)], values[(start + 1)..<(start + perMatrix)]).allSatisfy { $0 >= $1 })
                    #expect(values[start..<(start + perMatrix)].allSatisfy { $0 >= 0 })
                }
                let (fullU, fullS, fullVt) = try LinearAlgebra.svd(a, fullMatrices: true)
                let m = shape[shape.count - 2], n = shape[shape.count - 1]
                #expect(fullU.shape.suffix(2) == [m, m] && fullVt.shape.suffix(2) == [n, n])
                expectOrthonormalColumns(fullU, dtype)
                expectOrthonormalColumns(fullVt.transposed(), dtype)
                expectClose(fullS, s, dtype)
            }
        }
    }

    @Test("SVD of a rank-deficient matrix still has orthonormal factors", arguments: backends)
    func svdRankDeficient(backend: LinearAlgebraBackend) throws {
        try on(backend) {
            let column = random([5, 1], dtype: .float64, seed: 13)
            let a = column.matmul(Tensor([[1.0, 2.0, -1.0]]))
            let (u, s, vt) = try LinearAlgebra.svd(a, fullMatrices: true)
            expectOrthonormalColumns(u, .float64)
            expectOrthonormalColumns(vt.transposed(), .float64)
            #expect(s.scalars(as: Double.self).dropFirst().allSatisfy { $0 < 1e-12 })
            let reduced = try LinearAlgebra.svd(a)
            expectClose((reduced.u * reduced.s.unsqueezed(axis: -2)).matmul(reduced.vt), a, .float64)
        }
    }

    @Test("A · V = V · diag(λ), λ ascending", arguments: dtypes, backends)
    func eigh(dtype: DType, backend: LinearAlgebraBackend) throws {
        try on(backend) {
            let x = random([5, 5], dtype: dtype, seed: 14)
            let a = x + x.transposed()
            let (values, vectors) = try LinearAlgebra.eigh(a)
            expectClose(a.matmul(vectors), vectors * values.unsqueezed(axis: 0), dtype)
            expectOrthonormalColumns(vectors, dtype)
            let list = values.scalars(as: Double.self)
            #expect(zip(list, list.dropFirst()).allSatisfy { $0 <= $1 })
            let known = try LinearAlgebra.eigh(Tensor([[2.0, 1.0], [1.0, 2.0]]).to(dtype)).eigenvalues
            expectClose(known, Tensor([1.0, 3.0]).to(dtype), dtype)
            // Only the lower triangle is read, as in torch.linalg.eigh.
            let lowerOnly = try LinearAlgebra.eigh(triangularPart(a, upper: false)).eigenvalues
            expectClose(lowerOnly, values, dtype)
        }
    }

    @Test("inverse · A = I", arguments: dtypes, backends)
    func inverse(dtype: DType, backend: LinearAlgebraBackend) throws {
        try on(backend) {
            let a = wellConditioned(5, dtype: dtype, seed: 15)
            expectClose(try LinearAlgebra.inverse(a).matmul(a), Tensor.eye(5, dtype: dtype), dtype)
            let batch = Tensor.stack([a, a.transposed()])
            expectClose(batch.matmul(try LinearAlgebra.inverse(batch)), Tensor.eye(5, dtype: dtype).expanded(to: [2, 5, 5]), dtype)
        }
    }

    @Test("det = product of eigenvalues", arguments: dtypes, backends)
    func determinant(dtype: DType, backend: LinearAlgebraBackend) throws {
        try on(backend) {
            let x = random([4, 4], dtype: dtype, seed: 16)
            let a = x + x.transposed()
            let determinant = try LinearAlgebra.determinant(a)
            #expect(determinant.shape == [])
            expectClose(determinant, try LinearAlgebra.eigh(a).eigenvalues.prod(), dtype)
            expectClose(try LinearAlgebra.determinant(Tensor([[1.0, 2.0], [3.0, 4.0]]).to(dtype)), Tensor(-2.0).to(dtype), dtype)
            #expect(try LinearAlgebra.determinant(Tensor([[1.0, 2.0], [2.0, 4.0]]).to(dtype)).item(as: Double.self) == 0)
            let batch = try LinearAlgebra.determinant(Tensor.stack([a, a * 2]))
            #expect(batch.shape == [2])
            expectClose(batch[1], determinant * 16, dtype)
        }
    }

    @Test("leastSquares matches the normal equations and the minimum-norm solution", arguments: dtypes, backends)
    func leastSquares(dtype: DType, backend: LinearAlgebraBackend) throws {
        try on(backend) {
            let a = random([8, 3], dtype: dtype, seed: 17)
            let b = random([8], dtype: dtype, seed: 18)
            let x = try LinearAlgebra.leastSquares(a, b)
            #expect(x.shape == [3])
            expectClose(x, try LinearAlgebra.solve(a.transposed().matmul(a), a.transposed().matmul(b)), dtype)
            let matrix = random([8, 2], dtype: dtype, seed: 19)
            expectClose(try LinearAlgebra.leastSquares(a, matrix),
                        try LinearAlgebra.solve(a.transposed().matmul(a), a.transposed().matmul(matrix)), dtype)
            // Wide: the minimum-norm solution Aᵀ (A Aᵀ)⁻¹ b.
            let wide = random([2, 4], dtype: dtype, seed: 20)
            let rightHandSide = random([2], dtype: dtype, seed: 21)
            expectClose(try LinearAlgebra.leastSquares(wide, rightHandSide),
                        wide.transposed().matmul(try LinearAlgebra.solve(wide.matmul(wide.transposed()), rightHandSide)), dtype)
            // The README example: y = 1 + 2 t.
            let line = try LinearAlgebra.leastSquares(Tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]).to(dtype), Tensor([1.0, 3.0, 5.0]).to(dtype))
            expectClose(line, Tensor([1.0, 2.0]).to(dtype), dtype)
        }
    }

    @Test("leastSquares with a rank-deficient matrix gives the minimum-norm solution", arguments: backends)
    func leastSquaresRankDeficient(backend: LinearAlgebraBackend) throws {
        try on(backend) {
            // Two identical columns: the minimum-norm solution splits the weight equally.
            let t = Tensor([0.0, 1.0, 2.0, 3.0]).unsqueezed(axis: 1)
            let a = Tensor.concatenate([t, t], axis: 1)
            let x = try LinearAlgebra.leastSquares(a, Tensor([0.0, 2.0, 4.0, 6.0]))
            expectClose(x, Tensor([1.0, 1.0]), .float64)
        }
    }

    @Test("The Swift routines agree with LAPACK")
    func backendsAgree() throws {
        let a = random([5, 4], dtype: .float64, seed: 22)
        let square = wellConditioned(4, dtype: .float64, seed: 23)
        func results() throws -> [Tensor] {
            let (q, r) = try LinearAlgebra.qr(a)
            return [q, r, try LinearAlgebra.svd(a).s, try LinearAlgebra.determinant(square), try LinearAlgebra.inverse(square),
                    try LinearAlgebra.eigh(square + square.transposed()).eigenvalues,
                    try LinearAlgebra.cholesky(square.matmul(square.transposed())), try LinearAlgebra.leastSquares(a, a.sum(axis: 1))]
        }
        let automatic = try on(.automatic) { try results() }
        let swift = try on(.swift) { try results() }
        for (first, second) in zip(automatic, swift) { expectClose(first, second, .float64) }
    }

    // MARK: errors

    @Test("A singular matrix throws singularMatrix", arguments: dtypes, backends)
    func singular(dtype: DType, backend: LinearAlgebraBackend) {
        on(backend) {
            let a = Tensor([[1.0, 2.0], [2.0, 4.0]]).to(dtype)
            #expect(throws: LinearAlgebraError.singularMatrix(operation: "solve", pivot: 2)) {
                try LinearAlgebra.solve(a, Tensor([1.0, 1.0]).to(dtype))
            }
            #expect(throws: LinearAlgebraError.singularMatrix(operation: "inverse", pivot: 2)) { try LinearAlgebra.inverse(a) }
            #expect(throws: LinearAlgebraError.singularMatrix(operation: "solveTriangular", pivot: 1)) {
                try LinearAlgebra.solveTriangular(Tensor([[0.0, 1.0], [0.0, 1.0]]).to(dtype), Tensor([1.0, 1.0]).to(dtype), upper: true)
            }
        }
    }

    @Test("A matrix that is not positive definite throws notPositiveDefinite", arguments: dtypes, backends)
    func notPositiveDefinite(dtype: DType, backend: LinearAlgebraBackend) {
        on(backend) {
            #expect(throws: LinearAlgebraError.notPositiveDefinite(operation: "cholesky", minorOrder: 2)) {
                try LinearAlgebra.cholesky(Tensor([[1.0, 2.0], [2.0, 1.0]]).to(dtype))
            }
            #expect(throws: LinearAlgebraError.notPositiveDefinite(operation: "cholesky", minorOrder: 1)) {
                try LinearAlgebra.cholesky(Tensor([[-1.0, 0.0], [0.0, 1.0]]).to(dtype))
            }
        }
    }

    @Test("Error messages say what to do")
    func errorMessages() {
        let unavailable = LinearAlgebraError.lapackUnavailable(operation: "svd").description
        #expect(unavailable.contains("sudo apt-get install libopenblas0-pthread") && unavailable.contains("make setup"))
        #expect(LinearAlgebraError.singularMatrix(operation: "solve", pivot: 2).description.hasPrefix("solve: the matrix is singular"))
        #expect(LinearAlgebraError.notPositiveDefinite(operation: "cholesky", minorOrder: 3).description.contains("order 3"))
        #expect(LinearAlgebraError.didNotConverge(operation: "eigh", info: 4).description.contains("info 4"))
    }

    @Test("Requiring LAPACK works when OpenBLAS is loaded and throws lapackUnavailable otherwise")
    func requiredLAPACK() {
        on(.lapack) {
            let a = Tensor([[2.0, 0.0], [0.0, 4.0]])
            if Double.lapackRoutines == nil {
                #expect(throws: LinearAlgebraError.lapackUnavailable(operation: "inverse")) { try LinearAlgebra.inverse(a) }
            } else {
                #expect(throws: Never.self) { try LinearAlgebra.inverse(a) }
            }
        }
    }

    // MARK: gradients (float64 finite differences)

    @Test("solve and solveTriangular gradients", arguments: backends)
    func solveGradients(backend: LinearAlgebraBackend) throws {
        on(backend) {
            let a = wellConditioned(4, dtype: .float64, seed: 30)
            let matrix = random([4, 2], dtype: .float64, seed: 31)
            let vector = random([4], dtype: .float64, seed: 32)
            expectGradients([a, matrix]) { try LinearAlgebra.solve($0[0], $0[1]) }
            expectGradients([a, vector]) { try LinearAlgebra.solve($0[0], $0[1]) }
            expectGradients([Tensor.stack([a, a.transposed()]), vector]) { try LinearAlgebra.solve($0[0], $0[1]) }
            for upper in [true, false] {
                expectGradients([a, matrix]) { try LinearAlgebra.solveTriangular($0[0], $0[1], upper: upper) }
                expectGradients([a, vector]) { try LinearAlgebra.solveTriangular($0[0], $0[1], upper: upper) }
            }
        }
    }

    @Test("cholesky gradient", arguments: backends)
    func choleskyGradient(backend: LinearAlgebraBackend) {
        on(backend) {
            let x = random([4, 4], dtype: .float64, seed: 33)
            expectGradients([x]) { inputs in
                try LinearAlgebra.cholesky(inputs[0].matmul(inputs[0].transposed()) + Tensor.eye(4, dtype: .float64) * 4)
            }
            expectGradients([Tensor.stack([x, x * 0.5])]) { inputs in
                try LinearAlgebra.cholesky(inputs[0].matmul(inputs[0].transposed()) + Tensor.eye(4, dtype: .float64) * 4)
            }
        }
    }

    @Test("inverse and determinant gradients", arguments: backends)
    func inverseAndDeterminantGradients(backend: LinearAlgebraBackend) {
        on(backend) {
            let a = wellConditioned(4, dtype: .float64, seed: 34)
            expectGradients([a]) { try LinearAlgebra.inverse($0[0]) }
            expectGradients([a]) { try LinearAlgebra.determinant($0[0]) }
            expectGradients([Tensor.stack([a, a * 0.5])]) { try LinearAlgebra.determinant($0[0]) }
            // Singular (rank 2): the gradient is the cofactor matrix, through the SVD.
            let singular = Tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
            expectGradients([singular]) { try LinearAlgebra.determinant($0[0]) }
        }
    }

    @Test("eigh gradients (eigenvalues and eigenvectors)", arguments: backends)
    func eighGradients(backend: LinearAlgebraBackend) {
        on(backend) {
            let x = random([4, 4], dtype: .float64, seed: 35)
            expectGradients([x]) { try LinearAlgebra.eigh($0[0] + $0[0].transposed()).eigenvalues }
            // v[i, j] · v[0, j] does not depend on each eigenvector's sign.
            expectGradients([x]) { inputs in
                let vectors = try LinearAlgebra.eigh(inputs[0] + inputs[0].transposed()).eigenvectors
                return vectors * vectors.narrowed(axis: 0, start: 0, length: 1)
            }
            expectGradients([x]) { inputs in
                let (values, vectors) = try LinearAlgebra.eigh(inputs[0] + inputs[0].transposed())
                return (vectors * values.unsqueezed(axis: 0)).matmul(vectors.transposed())
            }
        }
    }

    @Test("qr gradients, tall, square and wide", arguments: backends)
    func qrGradients(backend: LinearAlgebraBackend) {
        on(backend) {
            for shape in [[5, 3], [3, 3], [3, 5]] {
                let a = random(shape, dtype: .float64, seed: 36)
                expectGradients([a]) { try LinearAlgebra.qr($0[0]).q }
                expectGradients([a]) { try LinearAlgebra.qr($0[0]).r }
                expectGradients([a]) { inputs in
                    let (q, r) = try LinearAlgebra.qr(inputs[0])
                    return Tensor.concatenate([q.flattened(), r.flattened()])
                }
            }
        }
    }

    @Test("svd gradients, tall, square and wide", arguments: backends)
    func svdGradients(backend: LinearAlgebraBackend) {
        on(backend) {
            for shape in [[5, 3], [3, 3], [3, 5]] {
                let a = random(shape, dtype: .float64, seed: 37)
                expectGradients([a]) { try LinearAlgebra.svd($0[0]).s }
                expectGradients([a]) { inputs in
                    let u = try LinearAlgebra.svd(inputs[0]).u
                    return u * u.narrowed(axis: 0, start: 0, length: 1)
                }
                expectGradients([a]) { inputs in
                    let vt = try LinearAlgebra.svd(inputs[0]).vt
                    return vt * vt.narrowed(axis: 1, start: 0, length: 1)
                }
                expectGradients([a]) { inputs in
                    let (u, s, vt) = try LinearAlgebra.svd(inputs[0])
                    return (u * s.unsqueezed(axis: 0)).matmul(vt)
                }
            }
        }
    }

    @Test("leastSquares gradients", arguments: backends)
    func leastSquaresGradients(backend: LinearAlgebraBackend) {
        on(backend) {
            let a = random([6, 3], dtype: .float64, seed: 38)
            expectGradients([a, random([6], dtype: .float64, seed: 39)]) { try LinearAlgebra.leastSquares($0[0], $0[1]) }
            expectGradients([a, random([6, 2], dtype: .float64, seed: 40)]) { try LinearAlgebra.leastSquares($0[0], $0[1]) }
        }
    }

    @Test("Gradients accumulate through two outputs of one factorization")
    func sharedFactorizationGradient() throws {
        let x = random([3, 3], dtype: .float64, seed: 41).requiringGrad()
        let (u, s, vt) = try LinearAlgebra.svd(x)
        ((u * s.unsqueezed(axis: 0)).matmul(vt) * 3).sum().backward()
        // u · diag(s) · vt = x, so the gradient of 3 · sum(x) is 3 everywhere.
        expectClose(x.grad!, Tensor.full([3, 3], 3, dtype: .float64), .float64)
    }
}

// MARK: helpers

/// Runs `body` with the linear-algebra backend set for this task.
private func on<Result>(_ backend: LinearAlgebraBackend, _ body: () throws -> Result) rethrows -> Result {
    try LinearAlgebra.$backend.withValue(backend) { try body() }
}

private func random(_ shape: [Int], dtype: DType, seed: UInt64) -> Tensor {
    Tensor.randn(shape, dtype: .float64, generator: RandomGenerator(seed: seed)).to(dtype)
}

/// A random square matrix with a strong diagonal (far from singular).
private func wellConditioned(_ n: Int, dtype: DType, seed: UInt64) -> Tensor {
    random([n, n], dtype: dtype, seed: seed) + Tensor.eye(n, dtype: dtype) * Double(n)
}

/// `X Xᵀ + n I` for a random X.
private func positiveDefinite(_ n: Int, dtype: DType, seed: UInt64) -> Tensor {
    let x = random([n, n], dtype: dtype, seed: seed)
    return x.matmul(x.transposed()) + Tensor.eye(n, dtype: dtype) * Double(n)
}

private func expectClose(_ actual: Tensor, _ expected: Tensor, _ dtype: DType, sourceLocation: SourceLocation = #_sourceLocation) {
    let tolerance = dtype == .float64 ? 1e-9 : 2e-4
    #expect(actual.shape == expected.shape, "shapes \(actual.shape) and \(expected.shape)", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    #expect(isClose(actual, expected, tolerance: tolerance),
            "largest difference \(maximumDifference(actual, expected))", sourceLocation: sourceLocation)
}

/// Checks `Qᵀ Q = I` for the columns of each matrix in `q`.
private func expectOrthonormalColumns(_ q: Tensor, _ dtype: DType, sourceLocation: SourceLocation = #_sourceLocation) {
    let gram = q.transposed().matmul(q)
    let k = q.shape[q.rank - 1]
    expectClose(gram, Tensor.eye(k, dtype: dtype).expanded(to: gram.shape), dtype, sourceLocation: sourceLocation)
}

/// Finite-difference check of a throwing linear-algebra function (float64).
private func expectGradients(_ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation,
                             _ function: @escaping ([Tensor]) throws -> Tensor) {
    let result = checkGradients(inputs) { values in
        do { return try function(values) } catch { fatalError("gradient check: \(error)") }
    }
    #expect(result.maximumError < 1e-6, "\(result)", sourceLocation: sourceLocation)
}

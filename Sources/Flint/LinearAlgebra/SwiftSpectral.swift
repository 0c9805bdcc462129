import Foundation

/// The pure-Swift spectral routines: symmetric eigendecomposition, SVD and least squares.
extension SwiftLinearAlgebra {
    /// The most Jacobi sweeps before giving up (they converge quadratically; 10 is typical).
    static let maximumSweeps = 60

    /// Eigenvalues (ascending) and orthonormal eigenvectors (columns) of the symmetric matrix
    /// whose lower triangle is `input`, by cyclic Jacobi rotations; `info` is 1 when the sweeps
    /// did not converge.
    static func symmetricEigen(_ input: Matrix) -> (values: [Double], vectors: Matrix, info: Int) {
        let n = input.rows
        var a = input
        for column in 0..<n {
            for row in 0..<column { a[row, column] = a[column, row] }
        }
        var vectors = Matrix.identity(rows: n, columns: n)
        // Off-diagonal entries this small change no eigenvalue by more than LAPACK's own error.
        let negligible = Double.ulpOfOne * 1e-2 * frobeniusNorm(a)
        var converged = false
        for _ in 0..<maximumSweeps {
            var rotated = false
            for p in 0..<Swift.max(n - 1, 0) {
                for q in (p + 1)..<n {
                    let apq = a[p, q], app = a[p, p], aqq = a[q, q]
                    if Swift.abs(apq) <= negligible || Swift.abs(apq) <= Double.ulpOfOne * (Swift.abs(app) * Swift.abs(aqq)).squareRoot() {
                        continue
                    }
                    rotated = true
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    rotateColumns(&a, p, q, c, s)
                    rotateRows(&a, p, q, c, s)
                    rotateColumns(&vectors, p, q, c, s)
                    a[p, q] = 0
                    a[q, p] = 0
                }
            }
            if !rotated {
                converged = true
                break
            }
        }
        let order = (0..<n).sorted { a[$0, $0] < a[$1, $1] }
        var sortedVectors = Matrix(rows: n, columns: n)
        for (position, column) in order.enumerated() {
            for row in 0..<n { sortedVectors[row, position] = vectors[row, column] }
        }
        return (order.map { a[$0, $0] }, sortedVectors, converged ? 0 : 1)
    }

    /// The SVD `A = U diag(s) Vᵀ` by one-sided Jacobi: `s` descending; `u` is m × k and `vt`
    /// k × n (k = min(m, n)), or m × m and n × n with `fullMatrices`. `info` is 1 when the
    /// sweeps did not converge.
    static func singularValueDecomposition(_ a: Matrix, fullMatrices: Bool) -> (u: Matrix, s: [Double], vt: Matrix, info: Int) {
        if a.rows < a.columns {
            // Aᵀ = U' S V'ᵀ, so A = V' S U'ᵀ.
            let transposed = singularValueDecomposition(a.transposed(), fullMatrices: fullMatrices)
            return (transposed.vt.transposed(), transposed.s, transposed.u.transposed(), transposed.info)
        }
        let m = a.rows, n = a.columns
        var w = a
        var v = Matrix.identity(rows: n, columns: n)
        // A column this short is a zero singular value up to rounding: it is not rotated further
        // (its direction is noise) and its left singular vector comes from completing the basis.
        let negligible = Double.ulpOfOne * frobeniusNorm(a)
        var converged = false
        for _ in 0..<maximumSweeps {
            var rotated = false
            for p in 0..<Swift.max(n - 1, 0) {
                for q in (p + 1)..<n {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for row in 0..<m {
                        let wp = w[row, p], wq = w[row, q]
                        alpha += wp * wp
                        beta += wq * wq
                        gamma += wp * wq
                    }
                    if Swift.min(alpha, beta).squareRoot() <= negligible || Swift.abs(gamma) <= Double.ulpOfOne * (alpha * beta).squareRoot() {
                        continue
                    }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (Swift.abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    rotateColumns(&w, p, q, c, s)
                    rotateColumns(&v, p, q, c, s)
                }
            }
            if !rotated {
                converged = true
                break
            }
        }
        var norms = [Double](repeating: 0, count: n)
        for column in 0..<n {
            var sum = 0.0
            for row in 0..<m { sum += w[row, column] * w[row, column] }
            norms[column] = sum.squareRoot()
        }
        let order = (0..<n).sorted { norms[$0] > norms[$1] }
        var u = Matrix(rows: m, columns: fullMatrices ? m : n)
        var filled = [Bool](repeating: false, count: u.columns)
        var vt = Matrix(rows: n, columns: n)
        for (position, column) in order.enumerated() {
            for row in 0..<n { vt[position, row] = v[row, column] }
            let norm = norms[column]
            if norm > negligible && norm.isFinite {
                for row in 0..<m { u[row, position] = w[row, column] / norm }
                filled[position] = true
            }
        }
        completeOrthonormalColumns(&u, filled: filled)
        return (u, order.map { norms[$0] }, vt, converged ? 0 : 1)
    }

    /// The minimum-norm least-squares solution of `A X ≈ B` through the SVD, treating singular
    /// values at or below `cutoff` × the largest as zero (LAPACK gelsd's rule).
    static func leastSquares(_ a: Matrix, _ b: Matrix, cutoff: Double) -> (solution: Matrix, info: Int) {
        let (u, s, vt, info) = singularValueDecomposition(a, fullMatrices: false)
        let n = a.columns, k = s.count
        var solution = Matrix(rows: n, columns: b.columns)
        let threshold = cutoff * (s.first ?? 0)
        for column in 0..<b.columns {
            for index in 0..<k where s[index] > threshold {
                var projection = 0.0
                for row in 0..<a.rows { projection += u[row, index] * b[row, column] }
                projection /= s[index]
                for row in 0..<n { solution[row, column] += vt[index, row] * projection }
            }
        }
        return (solution, info)
    }

    /// The square root of the sum of squared elements.
    private static func frobeniusNorm(_ matrix: Matrix) -> Double {
        matrix.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// Replaces `(column p, column q)` by `(c·p - s·q, s·p + c·q)`.
    private static func rotateColumns(_ matrix: inout Matrix, _ p: Int, _ q: Int, _ c: Double, _ s: Double) {
        let rows = matrix.rows
        matrix.elements.withUnsafeMutableBufferPointer { e in
            for row in 0..<rows {
                let x = e[p * rows + row], y = e[q * rows + row]
                e[p * rows + row] = c * x - s * y
                e[q * rows + row] = s * x + c * y
            }
        }
    }

    /// Replaces `(row p, row q)` by `(c·p - s·q, s·p + c·q)`.
    private static func rotateRows(_ matrix: inout Matrix, _ p: Int, _ q: Int, _ c: Double, _ s: Double) {
        let rows = matrix.rows, columns = matrix.columns
        matrix.elements.withUnsafeMutableBufferPointer { e in
            for column in 0..<columns {
                let x = e[column * rows + p], y = e[column * rows + q]
                e[column * rows + p] = c * x - s * y
                e[column * rows + q] = s * x + c * y
            }
        }
    }

    /// Fills the columns of `matrix` not marked `filled` with unit vectors orthogonal to every
    /// other column (Gram-Schmidt, twice, on standard basis vectors), so that the columns are
    /// orthonormal. Used where a singular value is zero and for the extra columns of a full SVD.
    static func completeOrthonormalColumns(_ matrix: inout Matrix, filled: [Bool]) {
        var filled = filled
        let m = matrix.rows
        var candidate = 0
        for column in 0..<matrix.columns where !filled[column] {
            var chosen: [Double]? = nil
            var bestSoFar: (norm: Double, vector: [Double]) = (-1, [])
            var tries = 0
            while chosen == nil && tries < m {
                let vector = orthogonalized(unitVector: candidate % m, against: matrix, filled: filled)
                let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 0.5 { chosen = vector.map { $0 / norm } }
                if norm > bestSoFar.norm { bestSoFar = (norm, vector) }
                candidate += 1
                tries += 1
            }
            let vector = chosen ?? bestSoFar.vector.map { $0 / bestSoFar.norm }
            for row in 0..<m { matrix[row, column] = vector[row] }
            filled[column] = true
        }
    }

    /// The standard basis vector `index` minus its projections onto the filled columns.
    private static func orthogonalized(unitVector index: Int, against matrix: Matrix, filled: [Bool]) -> [Double] {
        var vector = [Double](repeating: 0, count: matrix.rows)
        vector[index] = 1
        for _ in 0..<2 {
            for column in 0..<matrix.columns where filled[column] {
                var dot = 0.0
                for row in 0..<matrix.rows { dot += matrix[row, column] * vector[row] }
                for row in 0..<matrix.rows { vector[row] -= dot * matrix[row, column] }
            }
        }
        return vector
    }
}

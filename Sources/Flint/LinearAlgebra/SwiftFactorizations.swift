import Foundation

/// Flint's pure-Swift linear algebra, used when LAPACK is not loaded (and by tests of that path).
///
/// Textbook algorithms in float64 on column-major copies: LU with partial pivoting, Cholesky,
/// substitution, Householder QR, cyclic Jacobi for symmetric eigenproblems and one-sided
/// (Hestenes) Jacobi for the SVD. They follow LAPACK's conventions (the `info` codes, the sign
/// of the Householder reflectors) so that both paths give the same answers up to rounding.
/// Their cost is fine for the small and medium matrices of classic ML; LAPACK is much faster
/// on large ones.
enum SwiftLinearAlgebra {
    typealias Matrix = ColumnMajorMatrix<Double>

    /// LU factorization with partial pivoting of a square matrix, in place (unit L below the
    /// diagonal, U on and above it). `pivots[k]` is the row swapped with row `k` at step `k`;
    /// `info` is the 1-based position of the first exactly-zero pivot, 0 when there is none.
    static func luFactor(_ a: inout Matrix) -> (pivots: [Int], info: Int) {
        let n = a.rows
        var pivots = Array(0..<n)
        var info = 0
        a.elements.withUnsafeMutableBufferPointer { e in
            for k in 0..<n {
                var pivot = k
                var largest = Swift.abs(e[k * n + k])
                for row in (k + 1)..<n where Swift.abs(e[k * n + row]) > largest {
                    largest = Swift.abs(e[k * n + row])
                    pivot = row
                }
                pivots[k] = pivot
                if largest == 0 {
                    if info == 0 { info = k + 1 }
                    continue
                }
                if pivot != k {
                    for column in 0..<n { e.swapAt(column * n + k, column * n + pivot) }
                }
                let inversePivot = 1 / e[k * n + k]
                for row in (k + 1)..<n { e[k * n + row] *= inversePivot }
                for column in (k + 1)..<n {
                    let factor = e[column * n + k]
                    if factor == 0 { continue }
                    for row in (k + 1)..<n { e[column * n + row] -= e[k * n + row] * factor }
                }
            }
        }
        return (pivots, info)
    }

    /// Solves `A X = B` given `luFactor`'s output for `A`; overwrites `b` with `X`.
    static func luSolve(_ lu: Matrix, pivots: [Int], _ b: inout Matrix) {
        let n = lu.rows
        for k in 0..<n where pivots[k] != k {
            for column in 0..<b.columns { b.elements.swapAt(column * n + k, column * n + pivots[k]) }
        }
        for column in 0..<b.columns {
            for k in 0..<n {
                let value = b[k, column]
                if value == 0 { continue }
                for row in (k + 1)..<n { b[row, column] -= lu[row, k] * value }
            }
            for k in stride(from: n - 1, through: 0, by: -1) {
                b[k, column] /= lu[k, k]
                let value = b[k, column]
                for row in 0..<k { b[row, column] -= lu[row, k] * value }
            }
        }
    }

    /// `A X = B` for square `A`, with LAPACK gesv's `info` (positive when `A` is singular).
    static func solve(_ a: Matrix, _ b: Matrix) -> (solution: Matrix, info: Int) {
        var lu = a
        let (pivots, info) = luFactor(&lu)
        if info > 0 { return (b, info) }
        var solution = b
        luSolve(lu, pivots: pivots, &solution)
        return (solution, 0)
    }

    /// The determinant from the LU factorization (exactly 0 when a pivot is exactly 0).
    static func determinant(_ a: Matrix) -> Double {
        var lu = a
        let (pivots, _) = luFactor(&lu)
        var result = 1.0
        for k in 0..<a.rows {
            result *= lu[k, k]
            if pivots[k] != k { result = -result }
        }
        return result
    }

    /// The lower Cholesky factor from the lower triangle of `a`, with LAPACK potrf's `info` (the
    /// order of the first leading minor that is not positive definite, 0 on success).
    static func cholesky(_ a: Matrix) -> (factor: Matrix, info: Int) {
        let n = a.rows
        var factor = Matrix(rows: n, columns: n)
        for j in 0..<n {
            var diagonal = a[j, j]
            for k in 0..<j { diagonal -= factor[j, k] * factor[j, k] }
            guard diagonal > 0 else { return (factor, j + 1) }
            let root = diagonal.squareRoot()
            factor[j, j] = root
            for i in (j + 1)..<n {
                var value = a[i, j]
                for k in 0..<j { value -= factor[i, k] * factor[j, k] }
                factor[i, j] = value / root
            }
        }
        return (factor, 0)
    }

    /// `A X = B` for triangular `A` (only its `upper` or lower triangle is read), with LAPACK
    /// trtrs's `info` (the 1-based position of the first zero on the diagonal).
    static func solveTriangular(_ a: Matrix, _ b: Matrix, upper: Bool) -> (solution: Matrix, info: Int) {
        let n = a.rows
        for k in 0..<n where a[k, k] == 0 { return (b, k + 1) }
        var x = b
        for column in 0..<b.columns {
            if upper {
                for k in stride(from: n - 1, through: 0, by: -1) {
                    x[k, column] /= a[k, k]
                    let value = x[k, column]
                    for row in 0..<k { x[row, column] -= a[row, k] * value }
                }
            } else {
                for k in 0..<n {
                    x[k, column] /= a[k, k]
                    let value = x[k, column]
                    for row in (k + 1)..<n { x[row, column] -= a[row, k] * value }
                }
            }
        }
        return (x, 0)
    }

    /// Reduced QR by Householder reflections, with LAPACK's reflector convention
    /// (`R[j, j] = -sign(a) · norm`): `q` is m × k, `r` is k × n, k = min(m, n).
    static func qr(_ input: Matrix) -> (q: Matrix, r: Matrix) {
        var a = input
        let m = a.rows, n = a.columns, k = Swift.min(m, n)
        // Reflector j is I - tau[j] v vᵀ with v = [0…0, 1, tails[j]] (the 1 at row j).
        var tau = [Double](repeating: 0, count: k)
        var tails = [[Double]](repeating: [], count: k)
        for j in 0..<k {
            var tailSquared = 0.0
            for row in (j + 1)..<m { tailSquared += a[row, j] * a[row, j] }
            if tailSquared == 0 { continue }
            let alpha = a[j, j]
            let beta = -Double(signOf: alpha, magnitudeOf: (alpha * alpha + tailSquared).squareRoot())
            tau[j] = (beta - alpha) / beta
            let scale = 1 / (alpha - beta)
            tails[j] = ((j + 1)..<m).map { a[$0, j] * scale }
            for row in (j + 1)..<m { a[row, j] = 0 }
            a[j, j] = beta
            for column in (j + 1)..<n { applyReflector(tails[j], at: j, tau: tau[j], to: &a, column: column) }
        }
        var r = Matrix(rows: k, columns: n)
        for column in 0..<n {
            for row in 0..<Swift.min(column + 1, k) { r[row, column] = a[row, column] }
        }
        var q = Matrix.identity(rows: m, columns: k)
        for j in stride(from: k - 1, through: 0, by: -1) where tau[j] != 0 {
            for column in 0..<k { applyReflector(tails[j], at: j, tau: tau[j], to: &q, column: column) }
        }
        return (q, r)
    }

    /// Applies `I - tau v vᵀ` (v = [1, tail] from row `start` on) to one column of `target`.
    private static func applyReflector(_ tail: [Double], at start: Int, tau: Double, to target: inout Matrix, column: Int) {
        var dot = target[start, column]
        for (offset, value) in tail.enumerated() { dot += value * target[start + 1 + offset, column] }
        let scaled = dot * tau
        target[start, column] -= scaled
        for (offset, value) in tail.enumerated() { target[start + 1 + offset, column] -= scaled * value }
    }
}

/// One matrix at a time: LAPACK when it is loaded, Flint's pure-Swift routines (in float64)
/// otherwise. Errors name `operation`, the public function the user called.
enum MatrixKernels {
    typealias Error = LinearAlgebraError

    /// `A X = B` for square `A` (gesv).
    static func solve<T: LinearAlgebraScalar>(_ a: ColumnMajorMatrix<T>, _ b: ColumnMajorMatrix<T>,
                                              operation: String) throws(Error) -> ColumnMajorMatrix<T> {
        let n = a.rows
        if n == 0 || b.columns == 0 { return b }
        guard let lapack = try LinearAlgebra.lapackRoutines(for: T.self, operation: operation) else {
            let (solution, info) = SwiftLinearAlgebra.solve(a.converted(to: Double.self), b.converted(to: Double.self))
            if info > 0 { throw .singularMatrix(operation: operation, pivot: info) }
            return solution.converted(to: T.self)
        }
        var factors = a.elements, solution = b.elements
        var pivots = [Int32](repeating: 0, count: n)
        let info = lapack.gesv(n: n, rightHandSides: b.columns, a: &factors, lda: a.leadingDimension, pivots: &pivots,
                               b: &solution, ldb: b.leadingDimension)
        checkLAPACKArguments(info, routine: lapack.precision + "gesv")
        if info > 0 { throw .singularMatrix(operation: operation, pivot: info) }
        return ColumnMajorMatrix(rows: b.rows, columns: b.columns, elements: solution)
    }

    /// The determinant from an LU factorization (getrf); exactly 0 for an exactly singular `A`.
    static func determinant<T: LinearAlgebraScalar>(_ a: ColumnMajorMatrix<T>, operation: String) throws(Error) -> T {
        let n = a.rows
        if n == 0 { return 1 }
        guard let lapack = try LinearAlgebra.lapackRoutines(for: T.self, operation: operation) else {
            return T(SwiftLinearAlgebra.determinant(a.converted(to: Double.self)))
        }
        var factors = a.elements
        var pivots = [Int32](repeating: 0, count: n)
        let info = lapack.getrf(m: n, n: n, a: &factors, lda: a.leadingDimension, pivots: &pivots)
        checkLAPACKArguments(info, routine: lapack.precision + "getrf")
        var result: T = 1
        for k in 0..<n {
            result *= factors[k * n + k]
            if pivots[k] != Int32(k + 1) { result = -result }
        }
        return result
    }

    /// The lower Cholesky factor of the matrix whose lower triangle is `a` (potrf).
    static func cholesky<T: LinearAlgebraScalar>(_ a: ColumnMajorMatrix<T>, operation: String) throws(Error) -> ColumnMajorMatrix<T> {
        let n = a.rows
        if n == 0 { return a }
        guard let lapack = try LinearAlgebra.lapackRoutines(for: T.self, operation: operation) else {
            let (factor, info) = SwiftLinearAlgebra.cholesky(a.converted(to: Double.self))
            if info > 0 { throw .notPositiveDefinite(operation: operation, minorOrder: info) }
            return factor.converted(to: T.self)
        }
        var factor = a.elements
        let info = lapack.potrf(lower: true, n: n, a: &factor, lda: a.leadingDimension)
        checkLAPACKArguments(info, routine: lapack.precision + "potrf")
        if info > 0 { throw .notPositiveDefinite(operation: operation, minorOrder: info) }
        return ColumnMajorMatrix(rows: n, columns: n, elements: factor).triangle(upper: false)
    }

    /// `A X = B` for triangular `A`, reading only its `upper` or lower triangle (trtrs).
    static func solveTriangular<T: LinearAlgebraScalar>(_ a: ColumnMajorMatrix<T>, _ b: ColumnMajorMatrix<T>, upper: Bool,
                                                        operation: String) throws(Error) -> ColumnMajorMatrix<T> {
        let n = a.rows
        if n == 0 || b.columns == 0 { return b }
        guard let lapack = try LinearAlgebra.lapackRoutines(for: T.self, operation: operation) else {
            let (solution, info) = SwiftLinearAlgebra.solveTriangular(a.converted(to: Double.self), b.converted(to: Double.self), upper: upper)
            if info > 0 { throw .singularMatrix(operation: operation, pivot: info) }
            return solution.converted(to: T.self)
        }
        var triangle = a.elements, solution = b.elements
        let info = lapack.trtrs(upper: upper, n: n, rightHandSides: b.columns, a: &triangle, lda: a.leadingDimension,
                                b: &solution, ldb: b.leadingDimension)
        checkLAPACKArguments(info, routine: lapack.precision + "trtrs")
        if info > 0 { throw .singularMatrix(operation: operation, pivot: info) }
        return ColumnMajorMatrix(rows: b.rows, columns: b.columns, elements: solution)
    }

    /// Reduced QR: `q` is m × k with orthonormal columns, `r` is k × n upper triangular (geqrf, orgqr).
    static func qr<T: LinearAlgebraScalar>(_ a: ColumnMajorMatrix<T>,
                                           operation: String) throws(Error) -> (q: ColumnMajorMatrix<T>, r: ColumnMajorMatrix<T>) {
        let m = a.rows, n = a.columns, k = Swift.min(m, n)
        guard k > 0, let lapack = try LinearAlgebra.lapackRoutines(for: T.self, operation: operation) else {
            let (q, r) = SwiftLinearAlgebra.qr(a.converted(to: Double.self))
            return (q.converted(to: T.self), r.converted(to: T.self))
        }
        var factors = a.elements
        var tau = [T](repeating: 0, count: k)
        var query: T = 0
        var info = lapack.geqrf(m: m, n: n, a: &factors, lda: a.leadingDimension, tau: &tau, work: &query, workCount: -1)
        var work = [T](repeating: 0, count: Swift.max(1, Int(query)))
        info = lapack.geqrf(m: m, n: n, a: &factors, lda: a.leadingDimension, tau: &tau, work: &work, workCount: work.count)
        checkLAPACKArguments(info, routine: lapack.precision + "geqrf")
        let r = ColumnMajorMatrix(rows: m, columns: n, elements: factors).block(rows: k, columns: n).triangle(upper: true)
        var q = Array(factors.prefix(m * k))
        info = lapack.orgqr(m: m, n: k, reflectors: k, a: &q, lda: a.leadingDimension, tau: &tau, work: &query, workCount: -1)
        work = [T](repeating: 0, count: Swift.max(1, Int(query)))
        info = lapack.orgqr(m: m, n: k, reflectors: k, a: &q, lda: a.leadingDimension, tau: &tau, work: &work, workCount: work.count)
        checkLAPACKArguments(info, routine: lapack.precision + "orgqr")
        return (ColumnMajorMatrix(rows: m, columns: k, elements: q), r)
    }

    /// The SVD (gesdd): `s` descending; `u` m × k and `vt` k × n, or m × m and n × n with `fullMatrices`.
    static func singularValueDecomposition<T: LinearAlgebraScalar>(
        _ a: ColumnMajorMatrix<T>, fullMatrices: Bool, operation: String
    ) throws(Error) -> (u: ColumnMajorMatrix<T>, s: [T], vt: ColumnMajorMatrix<T>) {
        let m = a.rows, n = a.columns, k = Swift.min(m, n)
        guard k > 0, let lapack = try LinearAlgebra.lapackRoutines(for: T.self, operation: operation) else {
            let (u, s, vt, info) = SwiftLinearAlgebra.singularValueDecomposition(a.converted(to: Double.self), fullMatrices: fullMatrices)
            if info > 0 { throw .didNotConverge(operation: operation, info: info) }
            return (u.converted(to: T.self), s.map { T($0) }, vt.converted(to: T.self))
        }
        let uColumns = fullMatrices ? m : k, vtRows = fullMatrices ? n : k
        var input = a.elements
        var s = [T](repeating: 0, count: k)
        var u = [T](repeating: 0, count: m * uColumns), vt = [T](repeating: 0, count: vtRows * n)
        var integerWork = [Int32](repeating: 0, count: 8 * k)
        var query: T = 0
        let job = fullMatrices ? "A" : "S"
        var info = lapack.gesdd(job: job, m: m, n: n, a: &input, lda: m, s: &s, u: &u, ldu: m, vt: &vt, ldvt: vtRows,
                                work: &query, workCount: -1, integerWork: &integerWork)
        var work = [T](repeating: 0, count: Swift.max(1, Int(query)))
        info = lapack.gesdd(job: job, m: m, n: n, a: &input, lda: m, s: &s, u: &u, ldu: m, vt: &vt, ldvt: vtRows,
                            work: &work, workCount: work.count, integerWork: &integerWork)
        checkLAPACKArguments(info, routine: lapack.precision + "gesdd")
        if info > 0 { throw .didNotConverge(operation: operation, info: info) }
        return (ColumnMajorMatrix(rows: m, columns: uColumns, elements: u), s,
                ColumnMajorMatrix(rows: vtRows, columns: n, elements: vt))
    }

    /// Eigenvalues (ascending) and eigenvectors (columns) of the symmetric matrix whose lower
    /// triangle is `a` (syevd).
    static func symmetricEigen<T: LinearAlgebraScalar>(_ a: ColumnMajorMatrix<T>,
                                                       operation: String) throws(Error) -> (values: [T], vectors: ColumnMajorMatrix<T>) {
        let n = a.rows
        guard n > 0, let lapack = try LinearAlgebra.lapackRoutines(for: T.self, operation: operation) else {
            let (values, vectors, info) = SwiftLinearAlgebra.symmetricEigen(a.converted(to: Double.self))
            if info > 0 { throw .didNotConverge(operation: operation, info: info) }
            return (values.map { T($0) }, vectors.converted(to: T.self))
        }
        var vectors = a.elements
        var values = [T](repeating: 0, count: n)
        var query: T = 0
        var integerQuery: Int32 = 0
        var info = lapack.syevd(n: n, a: &vectors, lda: n, eigenvalues: &values, work: &query, workCount: -1,
                                integerWork: &integerQuery, integerWorkCount: -1)
        var work = [T](repeating: 0, count: Swift.max(1, Int(query)))
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, Int(integerQuery)))
        info = lapack.syevd(n: n, a: &vectors, lda: n, eigenvalues: &values, work: &work, workCount: work.count,
                            integerWork: &integerWork, integerWorkCount: integerWork.count)
        checkLAPACKArguments(info, routine: lapack.precision + "syevd")
        if info > 0 { throw .didNotConverge(operation: operation, info: info) }
        return (values, ColumnMajorMatrix(rows: n, columns: n, elements: vectors))
    }

    /// The minimum-norm least-squares solution of `A X ≈ B` (gelsd); singular values at or below
    /// `cutoff` × the largest count as zero.
    static func leastSquares<T: LinearAlgebraScalar>(_ a: ColumnMajorMatrix<T>, _ b: ColumnMajorMatrix<T>, cutoff: Double,
                                                     operation: String) throws(Error) -> ColumnMajorMatrix<T> {
        let m = a.rows, n = a.columns, columns = b.columns
        if m == 0 || n == 0 || columns == 0 { return ColumnMajorMatrix(rows: n, columns: columns) }
        guard let lapack = try LinearAlgebra.lapackRoutines(for: T.self, operation: operation) else {
            let (solution, info) = SwiftLinearAlgebra.leastSquares(a.converted(to: Double.self), b.converted(to: Double.self), cutoff: cutoff)
            if info > 0 { throw .didNotConverge(operation: operation, info: info) }
            return solution.converted(to: T.self)
        }
        // gelsd overwrites B (ldb = max(m, n) rows) with the n-row solution.
        let ldb = Swift.max(m, n)
        var input = a.elements
        var rightHandSide = [T](repeating: 0, count: ldb * columns)
        for column in 0..<columns {
            for row in 0..<m { rightHandSide[column * ldb + row] = b[row, column] }
        }
        var s = [T](repeating: 0, count: Swift.min(m, n))
        var cutoffValue = T(cutoff)
        var rank: Int32 = 0
        var query: T = 0
        var integerQuery = [Int32](repeating: 0, count: 1)
        var info = lapack.gelsd(m: m, n: n, rightHandSides: columns, a: &input, lda: m, b: &rightHandSide, ldb: ldb, s: &s,
                                cutoff: &cutoffValue, rank: &rank, work: &query, workCount: -1, integerWork: &integerQuery)
        var work = [T](repeating: 0, count: Swift.max(1, Int(query)))
        var integerWork = [Int32](repeating: 0, count: Swift.max(1, Int(integerQuery[0])))
        info = lapack.gelsd(m: m, n: n, rightHandSides: columns, a: &input, lda: m, b: &rightHandSide, ldb: ldb, s: &s,
                            cutoff: &cutoffValue, rank: &rank, work: &work, workCount: work.count, integerWork: &integerWork)
        checkLAPACKArguments(info, routine: lapack.precision + "gelsd")
        if info > 0 { throw .didNotConverge(operation: operation, info: info) }
        var solution = ColumnMajorMatrix<T>(rows: n, columns: columns)
        for column in 0..<columns {
            for row in 0..<n { solution[row, column] = rightHandSide[column * ldb + row] }
        }
        return solution
    }
}

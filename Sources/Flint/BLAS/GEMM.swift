/// One matrix product, `C = alpha * op(A) * op(B) + beta * C` on row-major buffers, sent to
/// OpenBLAS when it is loaded and to ``BuiltinGEMM`` otherwise.
///
/// OpenBLAS runs single-threaded: Flint splits a large product itself, by rows or columns of the
/// output, over its ``WorkerPool`` (one pool of threads for every kernel: OpenBLAS's own threads
/// competed with Flint's for the two cores, and waking them cost more than a small product). Below
/// `smallProductWork` multiply-adds a product runs on the calling thread; `matmulKernel` spreads a
/// batch of such products (attention heads) over the threads instead, a run of products per thread,
/// and a batch of products up to `batchedProductWork` too when it has at least two per thread, each
/// product multiplied with `onCallingThread`.
enum GEMM {
    /// Multiply-adds below which a matrix product runs on one thread.
    static let smallProductWork = 1 << 17
    /// Multiply-adds below which a matrix-vector product runs on one thread: it streams its matrix
    /// from memory, so two cores pay off much earlier than for a product that computes.
    static let smallMatrixVectorWork = 1 << 14
    /// Multiply-adds from which a product goes to OpenBLAS's own threads instead: a product this
    /// large (1024x1024x256 and up) gains from OpenBLAS sharing packed panels between its threads
    /// (measured on 1024^3: 175 GFLOP/s against 145-175 split in halves), and runs long enough that
    /// waking OpenBLAS's threads costs nothing. No product of the nn benchmarks is this large.
    static let largeProductWork = 1 << 28
    /// Multiply-adds below which the products of a batch (attention's per-head products) with at
    /// least two products per thread run on one thread each, instead of each being split over the
    /// threads: split in two, a 64x64x32 product took 6.7 µs of wall time against 4.8 µs on one
    /// thread (the parts' start and finish cost as much as half the product), and both parts
    /// packed the same operand.
    static let batchedProductWork = 1 << 21
    /// Output rows or columns per part are a multiple of this, the width OpenBLAS's kernels block by.
    private static let partAlignment = 16

    private static let rowMajor: Int32 = 101
    private static let noTranspose: Int32 = 111
    private static let transpose: Int32 = 112

    /// `C = alpha * op(A) * op(B) + beta * C` for row-major `A` (`m × k` after `op`), `B` (`k × n`)
    /// and `C` (`m × n`) with leading dimensions `lda`, `ldb`, `ldc`. With `onCallingThread` the
    /// product is never split over Flint's threads or handed to OpenBLAS's (the caller is already
    /// one of several threads working on a batch).
    ///
    /// ```swift
    /// GEMM.multiply(transposeA: false, transposeB: true, m: 64, n: 64, k: 32, alpha: Float(1),
    ///               a: q, lda: 128, b: k, ldb: 128, beta: 0, c: scores, ldc: 64)
    /// ```
    static func multiply<T: FloatElement>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: T,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int, forceBuiltin: Bool = false, onCallingThread: Bool = false
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for row in 0..<m {
                for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] }
            }
            return
        }
        let threads = onCallingThread ? 1 : ThreadSettings.threadCount
        let matrixVector = m == 1 || n == 1
        if threads > 1, !forceBuiltin, !matrixVector, m &* n &* k >= largeProductWork, let library = BLASLibrary.shared {
            library.threadCount = threads
            defer { library.threadCount = 1 }
            multiplyOnOneThread(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, forceBuiltin: false)
            return
        }
        if threads > 1, m &* n &* k >= (matrixVector ? smallMatrixVectorWork : smallProductWork),
           max(m, n) >= 2 * partAlignment {
            // Split the longer side of the output; each part is an independent product.
            let splitRows = m >= n
            let length = splitRows ? m : n
            let parts = min(threads, length / partAlignment)
            WorkerPool.shared.run(chunks: parts) { part in
                let start = (length * part / parts) / partAlignment * partAlignment
                let end = part == parts - 1 ? length : (length * (part + 1) / parts) / partAlignment * partAlignment
                if start >= end { return }
                if splitRows {
                    multiplyOnOneThread(
                        transposeA: transposeA, transposeB: transposeB, m: end - start, n: n, k: k, alpha: alpha,
                        a: a + (transposeA ? start : start * lda), lda: lda, b: b, ldb: ldb,
                        beta: beta, c: c + start * ldc, ldc: ldc, forceBuiltin: forceBuiltin)
                } else {
                    multiplyOnOneThread(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: end - start, k: k, alpha: alpha,
                        a: a, lda: lda, b: b + (transposeB ? start * ldb : start), ldb: ldb,
                        beta: beta, c: c + start, ldc: ldc, forceBuiltin: forceBuiltin)
                }
            }
            return
        }
        multiplyOnOneThread(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, forceBuiltin: forceBuiltin)
    }

    /// One product on the calling thread (OpenBLAS is set to one thread when Flint loads it, and
    /// only a product of `largeProductWork` or more sets it to more for its duration).
    private static func multiplyOnOneThread<T: FloatElement>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: T,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int, forceBuiltin: Bool
    ) {
        if !forceBuiltin, let library = BLASLibrary.shared, m == 1 || n == 1 {
            matrixVector(library, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                         a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        if !forceBuiltin, let library = BLASLibrary.shared {
            let ta = transposeA ? transpose : noTranspose
            let tb = transposeB ? transpose : noTranspose
            // With beta 0, OpenBLAS first zeroes C in a loop of its own (`sgemm_beta`: 4-5% of
            // gpt-train's step); clearing the rows with the C library's memset and passing beta 1,
            // which skips that loop, takes half as long (the whole step about 3% faster).
            var beta = beta
            if beta == 0 {
                if ldc == n { c.update(repeating: 0, count: m * n) } else {
                    for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) }
                }
                beta = 1
            }
            if T.self == Float.self {
                library.sgemm(rowMajor, ta, tb, Int32(m), Int32(n), Int32(k), alpha as! Float,
                              UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), Int32(lda),
                              UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), Int32(ldb), beta as! Float,
                              UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
                return
            }
            if T.self == Double.self {
                library.dgemm(rowMajor, ta, tb, Int32(m), Int32(n), Int32(k), alpha as! Double,
                              UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), Int32(lda),
                              UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), Int32(ldb), beta as! Double,
                              UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
                return
            }
        }
        BLASLibrary.warnOnceIfMissing
        BuiltinGEMM.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                             a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// A product with a single row or column of output as a matrix-vector product: GEMM would
    /// repack the whole matrix for one row (the profile of batch-1 inference showed half its time in
    /// that packing).
    private static func matrixVector<T: FloatElement>(
        _ library: BLASLibrary, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: T,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        // Row output: c[0, :] = op(B)ᵀ-times-vector over B's storage; column output: over A's.
        let matrix: UnsafePointer<T>, leading: Int, rows: Int, columns: Int, transposeMatrix: Bool
        let vector: UnsafePointer<T>, vectorStride: Int, outputStride: Int
        if m == 1 {
            // op(B) is k×n; B's storage is n×k when transposed (use it as is), else k×n (transpose it).
            (matrix, leading) = (b, ldb)
            (rows, columns, transposeMatrix) = transposeB ? (n, k, false) : (k, n, true)
            (vector, vectorStride) = (a, transposeA ? lda : 1)
            outputStride = 1
        } else {
            // op(A) is m×k; A's storage is k×m when transposed.
            (matrix, leading) = (a, lda)
            (rows, columns, transposeMatrix) = transposeA ? (k, m, true) : (m, k, false)
            (vector, vectorStride) = (b, transposeB ? 1 : ldb)
            outputStride = ldc
        }
        let trans = transposeMatrix ? transpose : noTranspose
        // With beta 0 the output is cleared here and beta 1 passed: C may be a reused buffer holding
        // anything (NaN included), and not every BLAS build ignores C's old values when beta is 0.
        var beta = beta
        if beta == 0 {
            let length = m == 1 ? n : m
            for index in 0..<length { c[index * outputStride] = 0 }
            beta = 1
        }
        if T.self == Float.self {
            library.sgemv(rowMajor, trans, Int32(rows), Int32(columns), alpha as! Float,
                          UnsafeRawPointer(matrix).assumingMemoryBound(to: Float.self), Int32(leading),
                          UnsafeRawPointer(vector).assumingMemoryBound(to: Float.self), Int32(vectorStride), beta as! Float,
                          UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(outputStride))
        } else {
            library.dgemv(rowMajor, trans, Int32(rows), Int32(columns), alpha as! Double,
                          UnsafeRawPointer(matrix).assumingMemoryBound(to: Double.self), Int32(leading),
                          UnsafeRawPointer(vector).assumingMemoryBound(to: Double.self), Int32(vectorStride), beta as! Double,
                          UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(outputStride))
        }
    }
}

/// One matrix product, `C = alpha * op(A) * op(B) + beta * C` on row-major buffers, sent to
/// OpenBLAS when it is loaded and to ``BuiltinGEMM`` otherwise.
enum GEMM {
    private static let rowMajor: Int32 = 101
    private static let noTranspose: Int32 = 111
    private static let transpose: Int32 = 112

    static func multiply<T: FloatElement>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: T,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int, forceBuiltin: Bool = false
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for row in 0..<m {
                for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] }
            }
            return
        }
        if !forceBuiltin, let library = BLASLibrary.shared {
            let ta = transposeA ? transpose : noTranspose
            let tb = transposeB ? transpose : noTranspose
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
}

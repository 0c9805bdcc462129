/// Flint's own matrix product, used when OpenBLAS is not installed: a register-blocked micro-kernel
/// (4 rows × 16 columns of accumulators) over cache-sized blocks, split across threads by rows.
enum BuiltinGEMM {
    /// `C = alpha * op(A) * op(B) + beta * C`, all row-major; `op` transposes when asked.
    static func multiply<T: FloatElement>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: T,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        // Pack A (scaled by alpha) as m × k and B as k × n, both dense row-major.
        let packedA = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(m * k, 1))
        let packedB = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(k * n, 1))
        defer { packedA.deallocate(); packedB.deallocate() }
        for row in 0..<m {
            for column in 0..<k {
                packedA[row * k + column] = alpha * (transposeA ? a[column * lda + row] : a[row * lda + column])
            }
        }
        for row in 0..<k {
            for column in 0..<n {
                packedB[row * n + column] = transposeB ? b[column * ldb + row] : b[row * ldb + column]
            }
        }
        let packedAddressA = UnsafePointer(packedA)
        let packedAddressB = UnsafePointer(packedB)
        parallelChunks((m + 3) / 4, costPerItem: 4 * n * k) { rowBlocks in
            let firstRow = rowBlocks.lowerBound * 4
            let endRow = Swift.min(rowBlocks.upperBound * 4, m)
            for row in firstRow..<endRow {
                let destination = c + row * ldc
                if beta == 0 {
                    destination.update(repeating: 0, count: n)
                } else if beta != 1 {
                    for column in 0..<n { destination[column] *= beta }
                }
            }
            multiplyRows(firstRow..<endRow, n: n, k: k, a: packedAddressA, b: packedAddressB, c: c, ldc: ldc)
        }
    }

    private static let depthBlock = 256
    private static let columnBlock = 512

    private static func multiplyRows<T: FloatElement>(
        _ rows: Range<Int>, n: Int, k: Int, a: UnsafePointer<T>, b: UnsafePointer<T>,
        c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        for depthStart in stride(from: 0, to: k, by: depthBlock) {
            let depthEnd = Swift.min(depthStart + depthBlock, k)
            for columnStart in stride(from: 0, to: n, by: columnBlock) {
                let columnEnd = Swift.min(columnStart + columnBlock, n)
                var row = rows.lowerBound
                while row + 4 <= rows.upperBound {
                    var column = columnStart
                    while column + 16 <= columnEnd {
                        microKernel(row: row, column: column, depth: depthStart..<depthEnd, k: k, n: n, a: a, b: b, c: c, ldc: ldc)
                        column += 16
                    }
                    if column < columnEnd {
                        for r in row..<(row + 4) {
                            edge(row: r, columns: column..<columnEnd, depth: depthStart..<depthEnd, k: k, n: n, a: a, b: b, c: c, ldc: ldc)
                        }
                    }
                    row += 4
                }
                while row < rows.upperBound {
                    edge(row: row, columns: columnStart..<columnEnd, depth: depthStart..<depthEnd, k: k, n: n, a: a, b: b, c: c, ldc: ldc)
                    row += 1
                }
            }
        }
    }

    @inline(__always)
    private static func microKernel<T: FloatElement>(
        row: Int, column: Int, depth: Range<Int>, k: Int, n: Int,
        a: UnsafePointer<T>, b: UnsafePointer<T>, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        var accumulator0 = SIMD16<T>(), accumulator1 = SIMD16<T>()
        var accumulator2 = SIMD16<T>(), accumulator3 = SIMD16<T>()
        let rawB = UnsafeRawPointer(b)
        let stride = MemoryLayout<T>.stride
        for p in depth {
            let vector = rawB.loadUnaligned(fromByteOffset: (p * n + column) * stride, as: SIMD16<T>.self)
            accumulator0 += a[row * k + p] * vector
            accumulator1 += a[(row + 1) * k + p] * vector
            accumulator2 += a[(row + 2) * k + p] * vector
            accumulator3 += a[(row + 3) * k + p] * vector
        }
        addInto(c + row * ldc + column, accumulator0)
        addInto(c + (row + 1) * ldc + column, accumulator1)
        addInto(c + (row + 2) * ldc + column, accumulator2)
        addInto(c + (row + 3) * ldc + column, accumulator3)
    }

    @inline(__always)
    private static func addInto<T: FloatElement>(_ pointer: UnsafeMutablePointer<T>, _ vector: SIMD16<T>) {
        let destination = UnsafeMutableRawPointer(pointer)
        destination.storeBytes(of: destination.loadUnaligned(as: SIMD16<T>.self) + vector, as: SIMD16<T>.self)
    }

    @inline(__always)
    private static func edge<T: FloatElement>(
        row: Int, columns: Range<Int>, depth: Range<Int>, k: Int, n: Int,
        a: UnsafePointer<T>, b: UnsafePointer<T>, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        let destination = c + row * ldc
        for p in depth {
            let factor = a[row * k + p]
            let source = b + p * n
            for column in columns { destination[column] += factor * source[column] }
        }
    }
}

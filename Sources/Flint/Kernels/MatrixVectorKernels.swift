/// Float32 matrix-vector rows for batch-1 inference: `y[r] = W[r, :] · x + b[r]`, four rows at a
/// time so each load of `x` feeds four multiply-adds, with the bias added in the same pass.
///
/// A batch-1 forward pass of an MLP is bound by streaming its weights from memory, not by
/// arithmetic; OpenBLAS's sgemv plus a separate bias pass and Flint's bookkeeping around them took
/// twice the time that streaming the weights takes (the profile of `mlp-infer-b1`).

@inline(__always)
private func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}

/// Writes `output[row] = dot(weight[row, 0..<columns], input) + (bias?[row] ?? 0)` for every row in
/// `rows`; `weight` is row-major with `columns` values per row.
func matrixVectorRowsFloat(weight: UnsafePointer<Float>, columns: Int, input: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                           output: UnsafeMutablePointer<Float>, rows: Range<Int>) {
    let vectorEnd = columns & ~15
    var row = rows.lowerBound
    while row + 4 <= rows.upperBound {
        let w0 = weight + row * columns, w1 = w0 + columns, w2 = w1 + columns, w3 = w2 + columns
        var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
        var index = 0
        while index < vectorEnd {
            let x0 = load8(input + index), x1 = load8(input + index + 8)
            a0 = multiplyAdd(load8(w0 + index), x0, a0)
            a1 = multiplyAdd(load8(w1 + index), x0, a1)
            a2 = multiplyAdd(load8(w2 + index), x0, a2)
            a3 = multiplyAdd(load8(w3 + index), x0, a3)
            b0 = multiplyAdd(load8(w0 + index + 8), x1, b0)
            b1 = multiplyAdd(load8(w1 + index + 8), x1, b1)
            b2 = multiplyAdd(load8(w2 + index + 8), x1, b2)
            b3 = multiplyAdd(load8(w3 + index + 8), x1, b3)
            index += 16
        }
        var s0 = (a0 + b0).sum(), s1 = (a1 + b1).sum(), s2 = (a2 + b2).sum(), s3 = (a3 + b3).sum()
        while index < columns {
            let x = input[index]
            s0 += w0[index] * x
            s1 += w1[index] * x
            s2 += w2[index] * x
            s3 += w3[index] * x
            index += 1
        }
        if let bias {
            s0 += bias[row]
            s1 += bias[row + 1]
            s2 += bias[row + 2]
            s3 += bias[row + 3]
        }
        output[row] = s0
        output[row + 1] = s1
        output[row + 2] = s2
        output[row + 3] = s3
        row += 4
    }
    while row < rows.upperBound {
        let w0 = weight + row * columns
        var a0 = SIMD8<Float>()
        var index = 0
        while index + 8 <= columns {
            a0 = multiplyAdd(load8(w0 + index), load8(input + index), a0)
            index += 8
        }
        var s0 = a0.sum()
        while index < columns {
            s0 += w0[index] * input[index]
            index += 1
        }
        output[row] = s0 + (bias?[row] ?? 0)
        row += 1
    }
}

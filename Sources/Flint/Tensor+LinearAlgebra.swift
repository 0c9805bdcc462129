/// Matrix products through BLAS (OpenBLAS's sgemm/dgemm, or Flint's built-in GEMM).
extension Tensor {
    /// The matrix product with PyTorch's rules: vectors are promoted to matrices and back, and
    /// leading (batch) dimensions broadcast.
    ///
    /// ```swift
    /// let a = Tensor.randn([8, 4, 3]), b = Tensor.randn([3, 5])
    /// a.matmul(b).shape                                  // [8, 4, 5]
    /// Tensor([1.0, 2.0]).matmul(Tensor([3.0, 4.0]))     // 11 (a dot product)
    /// ```
    public func matmul(_ other: Tensor) -> Tensor {
        recordGradient(matmulKernel(self, other), self, other) { .matmul(self, other) }
    }

    /// The dot product of two vectors.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]).dot(Tensor([3.0, 4.0]))  // 11
    /// ```
    public func dot(_ other: Tensor) -> Tensor {
        precondition(rank == 1 && other.rank == 1,
                     "dot: needs two vectors, got shapes \(describeShape(shape)) and \(describeShape(other.shape))")
        return matmul(other)
    }

    /// The outer product of two vectors: `result[i, j] = self[i] * other[j]`.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]).outer(Tensor([3.0, 4.0, 5.0])).shape  // [2, 3]
    /// ```
    public func outer(_ other: Tensor) -> Tensor {
        precondition(rank == 1 && other.rank == 1,
                     "outer: needs two vectors, got shapes \(describeShape(shape)) and \(describeShape(other.shape))")
        return unsqueezed(axis: 1).matmul(other.unsqueezed(axis: 0))
    }
}

extension Tensor {
    /// A linear layer's affine map, `self.matmul(weight.transposed()) + bias`, as PyTorch's
    /// `torch.nn.functional.linear`: `self` is `[..., in]`, `weight` `[out, in]`, `bias` `[out]`.
    ///
    /// One float32 row outside gradient recording (batch-1 inference) takes a fused
    /// matrix-vector kernel that adds the bias in the same pass and splits the rows of `weight`
    /// over Flint's threads. Otherwise, with a bias of the input's dtype, the product starts from
    /// the bias, as PyTorch's `addmm`: every output row is set to the bias and the matrix product is
    /// accumulated onto it (GEMM with beta 1), which saves the separate addition pass and its buffer
    /// (and the pass that zeroes the output before a product); the backward pass is one record with
    /// the three gradients. Without a bias (or with one of another dtype) it is the matrix product
    /// (plus the bias), recorded as those operations.
    ///
    /// ```swift
    /// let x = Tensor.randn([1, 784]), w = Tensor.randn([512, 784]), b = Tensor.zeros([512])
    /// let y = withoutGradients { x.linear(weight: w, bias: b) }   // shape [1, 512]
    /// ```
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(weight.rank == 2, "linear: the weight must be [out, in], got shape \(describeShape(weight.shape))")
        if let bias {
            precondition(bias.shape == [weight.shape[0]],
                         "linear: the bias must be [\(weight.shape[0])] for a weight of shape \(describeShape(weight.shape)), got \(describeShape(bias.shape))")
        }
        if let row = linearChainRow([LinearChainStep(weight: weight, bias: bias, relu: false)]) { return row }
        guard let bias, bias.dtype == dtype, weight.dtype == dtype, dtype.isFloatingPoint else {
            let product = matmul(weight.transposed())
            return bias.map { product + $0 } ?? product
        }
        let output = matmulKernel(self, weight.transposed(), rowAddend: bias)
        return recordGradient(output, inputs: [self, weight, bias]) { .linear(self, weight: weight, bias: bias) }
    }
}

/// How a matrix operand is handed to GEMM without copying: row-major with a leading dimension,
/// or transposed.
private struct MatrixOperand {
    let transposed: Bool
    let leadingDimension: Int
    let tensor: Tensor

    /// `tensor`'s last two axes as a GEMM operand, copying only when neither layout fits.
    init(_ tensor: Tensor) {
        let rank = tensor.rank
        let rows = tensor.shape[rank - 2], columns = tensor.shape[rank - 1]
        let rowStride = tensor.strides[rank - 2], columnStride = tensor.strides[rank - 1]
        if (columnStride == 1 || columns == 1) && rowStride >= Swift.max(columns, 1) {
            self.init(transposed: false, leadingDimension: rowStride, tensor: tensor)
        } else if (rowStride == 1 || rows == 1) && columnStride >= Swift.max(rows, 1) {
            self.init(transposed: true, leadingDimension: columnStride, tensor: tensor)
        } else {
            let packed = copyToContiguous(tensor)
            self.init(transposed: false, leadingDimension: Swift.max(columns, 1), tensor: packed)
        }
    }

    private init(transposed: Bool, leadingDimension: Int, tensor: Tensor) {
        self.transposed = transposed
        self.leadingDimension = leadingDimension
        self.tensor = tensor
    }
}

/// The forward matrix product (no recording); with `rowAddend` (a vector as long as the output's
/// last axis, same dtype), that vector is added to every output row as the product's starting value.
func matmulKernel(_ a: Tensor, _ b: Tensor, forceBuiltin: Bool = false, rowAddend: Tensor? = nil) -> Tensor {
    precondition(a.rank >= 1 && b.rank >= 1,
                 "matmul: needs tensors of rank 1 or more, got shapes \(describeShape(a.shape)) and \(describeShape(b.shape))")
    precondition(a.dtype == b.dtype,
                 "matmul: the tensors have different dtypes (\(a.dtype) and \(b.dtype)); convert one with .to(.\(a.dtype)) first")
    precondition(a.dtype.isFloatingPoint, "matmul: needs float32 or float64 tensors, got \(a.dtype); convert with .to(.float32)")
    var left = a.rank == 1 ? a.detach().reshaped([1, a.shape[0]]) : a.detach()
    let right = b.rank == 1 ? b.detach().reshaped([b.shape[0], 1]) : b.detach()
    let k = left.shape[left.rank - 1]
    precondition(k == right.shape[right.rank - 2],
                 "matmul: shapes \(describeShape(a.shape)) and \(describeShape(b.shape)) do not match (inner dimensions \(k) and \(right.shape[right.rank - 2]))")
    let n = left.shape[left.rank - 2], m = right.shape[right.rank - 1]
    var resultShape = Array(broadcastShapes(Array(left.shape.dropLast(2)), Array(right.shape.dropLast(2)), op: "matmul")) + [n, m]
    if a.rank == 1 { resultShape.remove(at: resultShape.count - 2) }
    if b.rank == 1 { resultShape.removeLast() }

    // A batch of matrices times one matrix is a single taller product.
    if right.rank == 2 && left.rank > 2 {
        left = left.reshaped([-1, k])
    }
    let batchShape = Array(broadcastShapes(Array(left.shape.dropLast(2)), Array(right.shape.dropLast(2)), op: "matmul"))
    let rows = left.shape[left.rank - 2]
    let output = Tensor(uninitializedShape: batchShape + [rows, m], dtype: a.dtype)
    let leftBatch = left.detach().expanded(to: batchShape + [rows, k])
    let rightBatch = right.detach().expanded(to: batchShape + [k, m])
    let leftOperand = MatrixOperand(leftBatch)
    let rightOperand = MatrixOperand(rightBatch)
    let batchCount = batchShape.reduce(1, *)
    if let rowAddend {
        precondition(rowAddend.shape == [m] && rowAddend.dtype == a.dtype,
                     "matmul: a row addend must be [\(m)] \(a.dtype), got \(describeShape(rowAddend.shape)) \(rowAddend.dtype)")
        fillRows(of: output, rowCount: batchCount * rows, with: contiguousData(rowAddend))
    }
    let beta: Double = rowAddend == nil ? 0 : 1
    let leftBatchStrides = Array(leftOperand.tensor.strides.dropLast(2))
    let rightBatchStrides = Array(rightOperand.tensor.strides.dropLast(2))
    // One product per batch entry. A batch of small products is spread over Flint's threads, a
    // contiguous run of products per thread, each product on one thread; products from
    // `smallProductWork` up to `batchedProductWork` only when there are at least two per thread
    // (with fewer, an uneven split would leave a thread idle for half the batch). Larger ones run
    // in turn, each split over the threads by GEMM.
    let work = rows * m * k
    let spreadBatch = batchCount > 1
        && (work < GEMM.smallProductWork || work < GEMM.batchedProductWork && batchCount >= 2 * ThreadSettings.threadCount)
    let outputAddress = UncheckedSendableBox(output)
    parallelChunks(spreadBatch ? batchCount : 1, costPerItem: work) { chunk in
        for batch in (spreadBatch ? chunk : 0..<batchCount) {
            var remainder = batch
            var leftOffset = 0, rightOffset = 0
            for axis in stride(from: batchShape.count - 1, through: 0, by: -1) {
                let position = remainder % batchShape[axis]
                remainder /= batchShape[axis]
                leftOffset += position * leftBatchStrides[axis]
                rightOffset += position * rightBatchStrides[axis]
            }
            let outputOffset = batch * rows * m
            switch a.dtype {
            case .float32:
                GEMM.multiply(transposeA: leftOperand.transposed, transposeB: rightOperand.transposed, m: rows, n: m, k: k,
                              alpha: Float(1), a: leftOperand.tensor.pointer(as: Float.self) + leftOffset, lda: leftOperand.leadingDimension,
                              b: rightOperand.tensor.pointer(as: Float.self) + rightOffset, ldb: rightOperand.leadingDimension,
                              beta: Float(beta), c: outputAddress.value.pointer(as: Float.self) + outputOffset, ldc: m,
                              forceBuiltin: forceBuiltin, onCallingThread: spreadBatch)
            default:
                GEMM.multiply(transposeA: leftOperand.transposed, transposeB: rightOperand.transposed, m: rows, n: m, k: k,
                              alpha: Double(1), a: leftOperand.tensor.pointer(as: Double.self) + leftOffset, lda: leftOperand.leadingDimension,
                              b: rightOperand.tensor.pointer(as: Double.self) + rightOffset, ldb: rightOperand.leadingDimension,
                              beta: beta, c: outputAddress.value.pointer(as: Double.self) + outputOffset, ldc: m,
                              forceBuiltin: forceBuiltin, onCallingThread: spreadBatch)
            }
        }
    }
    return output.reshaped(resultShape)
}

/// Copies the contiguous vector `row` into each of the first `rowCount` rows of the contiguous
/// float `output` (rows as long as `row`), split over Flint's threads.
private func fillRows(of output: Tensor, rowCount: Int, with row: Tensor) {
    let rowBytes = row.count * row.dtype.byteSize
    let isSingle = row.dtype == .float32
    let destination = isSingle ? UnsafeMutableRawPointer(output.pointer(as: Float.self)) : UnsafeMutableRawPointer(output.pointer(as: Double.self))
    let source = isSingle ? UnsafeRawPointer(row.pointer(as: Float.self)) : UnsafeRawPointer(row.pointer(as: Double.self))
    withExtendedLifetime(row) {
        parallelChunks(rowCount, costPerItem: row.count) { rows in
            for index in rows { (destination + index * rowBytes).copyMemory(from: source, byteCount: rowBytes) }
        }
    }
}

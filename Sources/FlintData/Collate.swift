import Flint

extension Batch {
    /// Stacks samples into a batch: inputs along a new first axis, targets likewise (PyTorch's
    /// `default_collate`). Each sample is copied once, straight into the batch tensor.
    ///
    /// ```swift
    /// let batch = Batch.stacking([dataset[0], dataset[1]])
    /// batch.inputs.shape  // [2] + input shape
    /// ```
    public static func stacking(_ samples: [Sample]) -> Batch {
        precondition(!samples.isEmpty, "Batch.stacking: needs at least one sample")
        return Batch(inputs: stackRows(samples.map(\.input), role: "inputs"),
                     targets: stackRows(samples.map(\.target), role: "targets"))
    }
}

/// `rows` (same shape and dtype) stacked along a new first axis with one memory copy per row.
func stackRows(_ rows: [Tensor], role: String) -> Tensor {
    let first = rows[0]
    for row in rows where row.shape != first.shape || row.dtype != first.dtype {
        preconditionFailure("Batch.stacking: the \(role) differ: \(first.dtype) \(first.shape) and \(row.dtype) \(row.shape); "
            + "resize them in a transform or pass a custom collate")
    }
    var result = Tensor.zeros([rows.count] + first.shape, dtype: first.dtype)
    switch first.dtype {
    case .float32: copyRows(rows, into: &result, as: Float.self)
    case .float64: copyRows(rows, into: &result, as: Double.self)
    case .int32: copyRows(rows, into: &result, as: Int32.self)
    case .int64: copyRows(rows, into: &result, as: Int64.self)
    case .bool: copyRows(rows, into: &result, as: Bool.self)
    case .int8: copyRows(rows, into: &result, as: Int8.self)
    case .uint8: copyRows(rows, into: &result, as: UInt8.self)
    }
    return result
}

private func copyRows<T: TensorScalar>(_ rows: [Tensor], into result: inout Tensor, as type: T.Type) {
    let rowSize = rows[0].count
    result.withUnsafeMutableBufferPointer(as: T.self) { destination in
        guard let base = destination.baseAddress else { return }
        for (position, row) in rows.enumerated() {
            row.withUnsafeBufferPointer(as: T.self) { source in
                if let origin = source.baseAddress { (base + position * rowSize).update(from: origin, count: rowSize) }
            }
        }
    }
}

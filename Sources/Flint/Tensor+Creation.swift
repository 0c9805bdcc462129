/// Making tensors: from Swift arrays, constants, ranges and the identity.
extension Tensor {
    /// A tensor holding `scalars` with the given shape (a flat vector when `shape` is omitted).
    /// The dtype follows the Swift element type (`Float` → float32, `Double` → float64,
    /// `Int` → int64, `Bool` → bool) unless `dtype` asks for another.
    ///
    /// ```swift
    /// let x = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
    /// let y = Tensor([1.0, 2.0], dtype: .float32)
    /// ```
    public init<T: TensorScalar>(_ scalars: [T], shape: [Int]? = nil, dtype: DType? = nil) {
        let shape = shape ?? [scalars.count]
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(_:shape:): the shape \(describeShape(shape)) has a negative size")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor(_:shape:): \(scalars.count) values cannot fill the shape \(describeShape(shape)) (\(shape.reduce(1, *)) elements)")
        let native = Tensor(uninitializedShape: shape, dtype: T.dtype)
        let pointer = native.pointer(as: T.self)
        scalars.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { pointer.update(from: base, count: buffer.count) }
        }
        self = dtype.map { native.to($0) } ?? native
    }

    /// A rank-0 (scalar) tensor.
    ///
    /// ```swift
    /// let t = Tensor(Float(2.5))  // tensor(2.5000)
    /// ```
    public init<T: TensorScalar>(_ scalar: T, dtype: DType? = nil) {
        self.init([scalar], shape: [], dtype: dtype)
    }

    /// A matrix from nested Swift arrays (every row the same length).
    ///
    /// ```swift
    /// let m = Tensor([[1.0, 2.0], [3.0, 4.0]])  // shape [2, 2], float64
    /// ```
    public init<T: TensorScalar>(_ rows: [[T]], dtype: DType? = nil) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor(_:): the rows have different lengths \(rows.map(\.count))")
        self.init(rows.flatMap { $0 }, shape: [rows.count, columns], dtype: dtype)
    }

    /// A rank-3 tensor from triply nested Swift arrays.
    ///
    /// ```swift
    /// let batch = Tensor([[[1.0], [2.0]], [[3.0], [4.0]]])  // shape [2, 2, 1]
    /// ```
    public init<T: TensorScalar>(_ planes: [[[T]]], dtype: DType? = nil) {
        let rows = planes.first?.count ?? 0
        let columns = planes.first?.first?.count ?? 0
        precondition(planes.allSatisfy { $0.count == rows && $0.allSatisfy { $0.count == columns } },
                     "Tensor(_:): the nested arrays are ragged; every plane needs \(rows) rows of \(columns) values")
        self.init(planes.flatMap { $0.flatMap { $0 } }, shape: [planes.count, rows, columns], dtype: dtype)
    }

    /// A tensor of `shape` with every element equal to `value`.
    ///
    /// ```swift
    /// Tensor.full([2, 2], 7)  // float32 sevens
    /// ```
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) -> Tensor {
        precondition(shape.allSatisfy { $0 >= 0 }, "full: the shape \(describeShape(shape)) has a negative size")
        let result = Tensor(uninitializedShape: shape, dtype: dtype)
        result.fill(with: value)
        return result
    }

    /// A tensor of zeros.
    ///
    /// ```swift
    /// Tensor.zeros([2, 3])                   // float32
    /// Tensor.zeros([4], dtype: .int64)
    /// ```
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        precondition(shape.allSatisfy { $0 >= 0 }, "zeros: the shape \(describeShape(shape)) has a negative size")
        let count = shape.reduce(1, *)
        return Tensor(storage: TensorStorage(zeroedByteCount: count * dtype.byteSize), dtype: dtype,
                      shape: shape, strides: contiguousStrides(shape), offset: 0)
    }

    /// A tensor of ones.
    ///
    /// ```swift
    /// Tensor.ones([3])  // [1, 1, 1]
    /// ```
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, 1, dtype: dtype) }

    /// Zeros with the shape and dtype of `other` (or another dtype).
    ///
    /// ```swift
    /// let g = Tensor.zeros(like: weights)
    /// ```
    public static func zeros(like other: Tensor, dtype: DType? = nil) -> Tensor { zeros(other.shape, dtype: dtype ?? other.dtype) }

    /// Ones with the shape and dtype of `other` (or another dtype).
    ///
    /// ```swift
    /// let mask = Tensor.ones(like: x, dtype: .bool)
    /// ```
    public static func ones(like other: Tensor, dtype: DType? = nil) -> Tensor { ones(other.shape, dtype: dtype ?? other.dtype) }

    /// `0, 1, …, end - 1`.
    ///
    /// ```swift
    /// Tensor.arange(4)  // [0, 1, 2, 3], int64
    /// ```
    public static func arange(_ end: Int, dtype: DType = .int64) -> Tensor {
        arange(from: 0, to: Double(end), step: 1, dtype: dtype)
    }

    /// `start, start + step, …` up to but excluding `end`.
    ///
    /// ```swift
    /// Tensor.arange(from: 0, to: 1, step: 0.25)  // [0, 0.25, 0.5, 0.75], float32
    /// ```
    public static func arange(from start: Double, to end: Double, step: Double = 1, dtype: DType = .float32) -> Tensor {
        precondition(step != 0, "arange: step must not be zero")
        precondition((end - start) / step >= 0, "arange: cannot reach \(end) from \(start) with step \(step)")
        let count = Int(((end - start) / step).rounded(.up))
        return Tensor((0..<count).map { start + Double($0) * step }, dtype: dtype)
    }

    /// `count` evenly spaced values from `start` to `end`, both included.
    ///
    /// ```swift
    /// Tensor.linspace(from: 0, through: 1, count: 5)  // [0, 0.25, 0.5, 0.75, 1]
    /// ```
    public static func linspace(from start: Double, through end: Double, count: Int, dtype: DType = .float32) -> Tensor {
        precondition(count >= 0, "linspace: count must not be negative, got \(count)")
        if count == 1 { return Tensor([start], dtype: dtype) }
        let step = (end - start) / Double(Swift.max(count - 1, 1))
        return Tensor((0..<count).map { $0 == count - 1 ? end : start + Double($0) * step }, dtype: dtype)
    }

    /// The identity matrix (`rows` × `columns`, square by default).
    ///
    /// ```swift
    /// Tensor.eye(3)  // 3x3 identity, float32
    /// ```
    public static func eye(_ rows: Int, columns: Int? = nil, dtype: DType = .float32) -> Tensor {
        let columns = columns ?? rows
        var values = [Double](repeating: 0, count: rows * columns)
        for index in 0..<Swift.min(rows, columns) { values[index * columns + index] = 1 }
        return Tensor(values, shape: [rows, columns], dtype: dtype)
    }

    /// A rank-0 tensor holding `value` in `other`'s dtype (used to broadcast a number).
    static func scalar(_ value: Double, like other: Tensor) -> Tensor {
        let result = Tensor(uninitializedShape: [], dtype: other.dtype)
        result.fill(with: value)
        return result
    }

    /// Writes `value` into every element of this freshly made contiguous tensor.
    func fill(with value: Double) {
        switch dtype {
        case .float32: pointer(as: Float.self).update(repeating: Float(value), count: count)
        case .float64: pointer(as: Double.self).update(repeating: value, count: count)
        case .int32: pointer(as: Int32.self).update(repeating: Int32(fromDouble: value), count: count)
        case .int64: pointer(as: Int64.self).update(repeating: Int64(fromDouble: value), count: count)
        case .bool: pointer(as: Bool.self).update(repeating: value != 0, count: count)
        case .int8: pointer(as: Int8.self).update(repeating: Int8(fromDouble: value), count: count)
        case .uint8: pointer(as: UInt8.self).update(repeating: UInt8(fromDouble: value), count: count)
        }
    }
}

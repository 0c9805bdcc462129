/// A matrix in LAPACK's column-major layout: column `j` is `elements[j * rows ..< (j + 1) * rows]`.
///
/// The linear-algebra kernels work on these copies; the tensors around them stay row-major.
struct ColumnMajorMatrix<Element: LinearAlgebraScalar> {
    var rows: Int
    var columns: Int
    var elements: [Element]

    /// A matrix over existing column-major elements.
    init(rows: Int, columns: Int, elements: [Element]) {
        precondition(elements.count == rows * columns, "linear algebra: internal element count mismatch")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A zero matrix.
    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        self.elements = [Element](repeating: 0, count: rows * columns)
    }

    /// The identity (`rows` × `columns`, ones on the main diagonal).
    static func identity(rows: Int, columns: Int) -> ColumnMajorMatrix {
        var result = ColumnMajorMatrix(rows: rows, columns: columns)
        for index in 0..<Swift.min(rows, columns) { result[index, index] = 1 }
        return result
    }

    subscript(row: Int, column: Int) -> Element {
        @inline(__always) get { elements[column * rows + row] }
        @inline(__always) set { elements[column * rows + row] = newValue }
    }

    /// LAPACK's leading dimension: at least 1 even for an empty matrix.
    var leadingDimension: Int { Swift.max(rows, 1) }

    /// The same matrix in another precision.
    func converted<Other: LinearAlgebraScalar>(to type: Other.Type) -> ColumnMajorMatrix<Other> {
        var result = ColumnMajorMatrix<Other>(rows: rows, columns: columns)
        for index in elements.indices { result.elements[index] = Other(elements[index]) }
        return result
    }

    /// The top-left `rows` × `columns` block.
    func block(rows newRows: Int, columns newColumns: Int) -> ColumnMajorMatrix {
        var result = ColumnMajorMatrix(rows: newRows, columns: newColumns)
        for column in 0..<newColumns {
            for row in 0..<newRows { result[row, column] = self[row, column] }
        }
        return result
    }

    /// This matrix with the entries above (`upper: false`) or below (`upper: true`) the main
    /// diagonal set to zero.
    func triangle(upper: Bool) -> ColumnMajorMatrix {
        var result = self
        for column in 0..<columns {
            for row in 0..<rows where upper ? row > column : row < column { result[row, column] = 0 }
        }
        return result
    }

    /// The transpose.
    func transposed() -> ColumnMajorMatrix {
        var result = ColumnMajorMatrix(rows: columns, columns: rows)
        for column in 0..<columns {
            for row in 0..<rows { result[column, row] = self[row, column] }
        }
        return result
    }
}

/// The matrices held in the last two dimensions of `tensor` (any layout, any batch shape), as
/// column-major copies in batch order.
@_specialize(where T == Double)
@_specialize(where T == Float)
func columnMajorMatrices<T: LinearAlgebraScalar>(of tensor: Tensor, as type: T.Type) -> [ColumnMajorMatrix<T>] {
    precondition(tensor.dtype == T.dtype, "linear algebra: internal dtype mismatch \(tensor.dtype) vs \(T.dtype)")
    let rows = tensor.shape[tensor.rank - 2], columns = tensor.shape[tensor.rank - 1]
    let batchCount = tensor.shape.dropLast(2).reduce(1, *)
    let source = tensor.isContiguous ? tensor.detach() : copyToContiguous(tensor.detach())
    let pointer = source.pointer(as: T.self)
    return (0..<batchCount).map { batch in
        var matrix = ColumnMajorMatrix<T>(rows: rows, columns: columns)
        let base = pointer + batch * rows * columns
        matrix.elements.withUnsafeMutableBufferPointer { elements in
            for row in 0..<rows {
                for column in 0..<columns { elements[column * rows + row] = base[row * columns + column] }
            }
        }
        return matrix
    }
}

/// A row-major tensor of shape `batchShape + [rows, columns]` holding `matrices` in batch order.
@_specialize(where T == Double)
@_specialize(where T == Float)
func makeTensor<T: LinearAlgebraScalar>(from matrices: [ColumnMajorMatrix<T>], batchShape: [Int], rows: Int, columns: Int) -> Tensor {
    let result = Tensor(uninitializedShape: batchShape + [rows, columns], dtype: T.dtype)
    let pointer = result.pointer(as: T.self)
    for (batch, matrix) in matrices.enumerated() {
        precondition(matrix.rows == rows && matrix.columns == columns, "linear algebra: internal shape mismatch")
        let base = pointer + batch * rows * columns
        matrix.elements.withUnsafeBufferPointer { elements in
            for row in 0..<rows {
                for column in 0..<columns { base[row * columns + column] = elements[column * rows + row] }
            }
        }
    }
    return result
}

/// A tensor of shape `batchShape + [length]` holding `vectors` in batch order.
@_specialize(where T == Double)
@_specialize(where T == Float)
func makeTensor<T: LinearAlgebraScalar>(fromVectors vectors: [[T]], batchShape: [Int], length: Int) -> Tensor {
    let result = Tensor(uninitializedShape: batchShape + [length], dtype: T.dtype)
    let pointer = result.pointer(as: T.self)
    for (batch, vector) in vectors.enumerated() {
        precondition(vector.count == length, "linear algebra: internal length mismatch")
        for index in 0..<length { pointer[batch * length + index] = vector[index] }
    }
    return result
}

/// The Swift element type linear algebra uses for `dtype`, after checking the op's inputs.
func linearAlgebraScalarType(_ tensors: [Tensor], operation: String) -> any LinearAlgebraScalar.Type {
    let dtype = tensors[0].dtype
    precondition(dtype.isFloatingPoint,
                 "\(operation): needs float32 or float64 tensors, got \(dtype); convert with .to(.float64)")
    for tensor in tensors.dropFirst() {
        precondition(tensor.dtype == dtype,
                     "\(operation): the tensors have different dtypes (\(dtype) and \(tensor.dtype)); convert one with .to(.\(dtype))")
    }
    return dtype == .float32 ? Float.self : Double.self
}

/// Stops unless `tensor` is a (batch of) square matrices.
func requireSquareMatrices(_ tensor: Tensor, operation: String) {
    precondition(tensor.rank >= 2 && tensor.shape[tensor.rank - 1] == tensor.shape[tensor.rank - 2],
                 "\(operation): needs a square matrix (or a batch of them, shape [..., n, n]), got shape \(describeShape(tensor.shape))")
}

/// Stops unless `tensor` is a (batch of) matrices.
func requireMatrices(_ tensor: Tensor, operation: String) {
    precondition(tensor.rank >= 2,
                 "\(operation): needs a matrix (or a batch of them, shape [..., m, n]), got shape \(describeShape(tensor.shape))")
}

extension Tensor {
    /// The leading (batch) dimensions of a matrix or batch of matrices.
    var matrixBatchShape: [Int] { Array(shape.dropLast(2)) }
}

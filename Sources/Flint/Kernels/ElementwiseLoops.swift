/// A function applied to each element of one tensor (a tiny struct, so that the loop that calls it
/// is specialised and vectorised for each operation).
protocol UnaryFunctor {
    associatedtype Input
    associatedtype Output
    func callAsFunction(_ x: Input) -> Output
}

/// A function applied to pairs of elements of two broadcast tensors.
protocol BinaryFunctor {
    associatedtype Input
    associatedtype Output
    func callAsFunction(_ a: Input, _ b: Input) -> Output
}

/// Applies `function` to every element of `input` (any layout) into a new contiguous tensor.
@inline(__always)
func mapElements<F: UnaryFunctor>(_ input: Tensor, outputType: DType, _ function: F) -> Tensor {
    let output = Tensor(uninitializedShape: input.shape, dtype: outputType)
    let out = output.pointer(as: F.Output.self)
    let source = input.pointer(as: F.Input.self)
    if input.isContiguous {
        parallelChunks(input.count) { range in
            for index in range { out[index] = function(source[index]) }
        }
        return output
    }
    if input.count == 0 { return output }  // an empty view (a [3, 0] transposed, say): nothing to walk
    let layout = StridedLayout(shape: input.shape, operandStrides: [output.strides, input.strides])
    let inner = layout.innerCount
    let inputStride = layout.innerStride(1)
    let dimensions = layout.shape.count
    if dimensions >= 2 && inputStride != 1 && layout.strides[1][dimensions - 2] == 1 {
        mapTransposedTiles(layout, out, source, function)
        return output
    }
    parallelChunks(layout.rowCount, costPerItem: inner) { rows in
        layout.forEachRow(in: rows) { offsets in
            let o = out + offsets[0]
            let s = source + offsets[1]
            for position in 0..<inner { o[position] = function(s[position * inputStride]) }
        }
    }
    return output
}

/// The strided walk of ``mapElements(_:outputType:_:)`` for inputs whose last two dimensions are
/// transposed (the input is contiguous down the columns): 32×32 tiles, so that both the reads and
/// the writes stay within a few cache lines instead of striding through memory.
@inline(__always)
private func mapTransposedTiles<F: UnaryFunctor>(_ layout: StridedLayout, _ out: UnsafeMutablePointer<F.Output>,
                                                 _ source: UnsafeMutablePointer<F.Input>, _ function: F) {
    let dimensions = layout.shape.count
    let (rows, columns) = (layout.shape[dimensions - 2], layout.shape[dimensions - 1])
    let outputRowStride = layout.strides[0][dimensions - 2]
    let inputColumnStride = layout.strides[1][dimensions - 1]
    let tile = 32
    parallelChunks(layout.rowCount / rows, costPerItem: rows * columns) { blocks in
        for block in blocks {
            layout.forEachRow(in: (block * rows)..<(block * rows + 1)) { offsets in
                let o = out + offsets[0]
                let s = source + offsets[1]
                for rowStart in stride(from: 0, to: rows, by: tile) {
                    let rowEnd = Swift.min(rowStart + tile, rows)
                    for columnStart in stride(from: 0, to: columns, by: tile) {
                        let columnEnd = Swift.min(columnStart + tile, columns)
                        for row in rowStart..<rowEnd {
                            for column in columnStart..<columnEnd {
                                o[row * outputRowStride + column] = function(s[row + column * inputColumnStride])
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Applies `function` to each broadcast pair of elements of `a` and `b` into a new contiguous
/// tensor of the broadcast shape.
@inline(__always)
func zipElements<F: BinaryFunctor>(_ a: Tensor, _ b: Tensor, outputType: DType, op: String, _ function: F) -> Tensor {
    let shape = a.shape == b.shape ? a.shape : broadcastShapes(a.shape, b.shape, op: op)
    let output = Tensor(uninitializedShape: shape, dtype: outputType)
    let out = output.pointer(as: F.Output.self)
    let left = a.pointer(as: F.Input.self)
    let right = b.pointer(as: F.Input.self)
    if a.isContiguous && b.isContiguous {
        if a.shape == b.shape {
            parallelChunks(output.count) { range in
                for index in range { out[index] = function(left[index], right[index]) }
            }
            return output
        }
        if b.count == 1 {
            let value = right[0]
            parallelChunks(output.count) { range in
                for index in range { out[index] = function(left[index], value) }
            }
            return output
        }
        if a.count == 1 {
            let value = left[0]
            parallelChunks(output.count) { range in
                for index in range { out[index] = function(value, right[index]) }
            }
            return output
        }
    }
    let layout = StridedLayout(shape: shape, operandStrides: [
        output.strides,
        broadcastStrides(shape: a.shape, strides: a.strides, to: shape),
        broadcastStrides(shape: b.shape, strides: b.strides, to: shape),
    ])
    let inner = layout.innerCount
    let leftStride = layout.innerStride(1)
    let rightStride = layout.innerStride(2)
    parallelChunks(layout.rowCount, costPerItem: inner) { rows in
        layout.forEachRow(in: rows) { offsets in
            let o = out + offsets[0]
            let l = left + offsets[1]
            let r = right + offsets[2]
            if leftStride == 1 && rightStride == 1 {
                for position in 0..<inner { o[position] = function(l[position], r[position]) }
            } else if leftStride == 1 && rightStride == 0 {
                let value = r[0]
                for position in 0..<inner { o[position] = function(l[position], value) }
            } else if leftStride == 0 && rightStride == 1 {
                let value = l[0]
                for position in 0..<inner { o[position] = function(value, r[position]) }
            } else {
                for position in 0..<inner { o[position] = function(l[position * leftStride], r[position * rightStride]) }
            }
        }
    }
    return output
}

/// Applies `function` to elements of three broadcast tensors (used by `where`).
func zipThree<A, B, Output>(_ a: Tensor, _ b: Tensor, _ c: Tensor, outputType: DType, op: String,
                            _ aType: A.Type, _ bType: B.Type,
                            _ function: (A, B, B) -> Output) -> Tensor {
    let shape = broadcastShapes(broadcastShapes(a.shape, b.shape, op: op), c.shape, op: op)
    let output = Tensor(uninitializedShape: shape, dtype: outputType)
    let out = output.pointer(as: Output.self)
    let first = a.pointer(as: A.self)
    let second = b.pointer(as: B.self)
    let third = c.pointer(as: B.self)
    let layout = StridedLayout(shape: shape, operandStrides: [
        output.strides,
        broadcastStrides(shape: a.shape, strides: a.strides, to: shape),
        broadcastStrides(shape: b.shape, strides: b.strides, to: shape),
        broadcastStrides(shape: c.shape, strides: c.strides, to: shape),
    ])
    let inner = layout.innerCount
    let (s1, s2, s3) = (layout.innerStride(1), layout.innerStride(2), layout.innerStride(3))
    parallelChunks(layout.rowCount, costPerItem: inner) { rows in
        layout.forEachRow(in: rows) { offsets in
            let o = out + offsets[0]
            let p1 = first + offsets[1], p2 = second + offsets[2], p3 = third + offsets[3]
            for position in 0..<inner {
                o[position] = function(p1[position * s1], p2[position * s2], p3[position * s3])
            }
        }
    }
    return output
}

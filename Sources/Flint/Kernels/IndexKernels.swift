/// Reads an index tensor as int64 values, checking each against `size`.
@inline(__always)
private func checkedIndex(_ value: Int64, size: Int, op: String, axis: Int) -> Int {
    let position = Int(value) < 0 ? Int(value) + size : Int(value)
    precondition(position >= 0 && position < size,
                 "\(op): index \(value) is out of range for dimension \(axis) of size \(size)")
    return position
}

/// `result[i…] = input[… index[i…] along axis …]`, output shaped like `index`.
func gatherKernel(_ input: Tensor, axis: Int, index: Tensor) -> Tensor {
    let indices = index.to(.int64)
    let output = Tensor(uninitializedShape: index.shape, dtype: input.dtype)
    var inputStrides = input.strides
    let axisStride = inputStrides[axis]
    inputStrides[axis] = 0
    let layout = StridedLayout(shape: index.shape, operandStrides: [output.strides, indices.strides, inputStrides])
    let size = input.shape[axis]
    func run<T>(_ type: T.Type) {
        let out = output.pointer(as: T.self)
        let source = input.pointer(as: T.self)
        let positions = indices.pointer(as: Int64.self)
        let inner = layout.innerCount
        let (s0, s1, s2) = (layout.innerStride(0), layout.innerStride(1), layout.innerStride(2))
        layout.forEachRow(in: 0..<layout.rowCount) { offsets in
            for element in 0..<inner {
                let position = checkedIndex(positions[offsets[1] + element * s1], size: size, op: "gather", axis: axis)
                out[offsets[0] + element * s0] = source[offsets[2] + element * s2 + position * axisStride]
            }
        }
    }
    switch input.dtype.byteSize {
    case 1: run(UInt8.self)
    case 4: run(UInt32.self)
    default: run(UInt64.self)
    }
    return output
}

/// `destination[… index[i…] along axis …] += source[i…]`, in place on a contiguous destination.
func scatterAddKernel(into destination: Tensor, axis: Int, index: Tensor, source: Tensor) {
    let indices = index.to(.int64)
    var destinationStrides = destination.strides
    let axisStride = destinationStrides[axis]
    destinationStrides[axis] = 0
    let layout = StridedLayout(shape: index.shape, operandStrides: [destinationStrides, indices.strides, source.strides])
    let size = destination.shape[axis]
    func run<T: ArithmeticElement>(_ type: T.Type) {
        let out = destination.pointer(as: T.self)
        let input = source.pointer(as: T.self)
        let positions = indices.pointer(as: Int64.self)
        let inner = layout.innerCount
        let (s0, s1, s2) = (layout.innerStride(0), layout.innerStride(1), layout.innerStride(2))
        layout.forEachRow(in: 0..<layout.rowCount) { offsets in
            for element in 0..<inner {
                let position = checkedIndex(positions[offsets[1] + element * s1], size: size, op: "scatterAdd", axis: axis)
                out[offsets[0] + element * s0 + position * axisStride] += input[offsets[2] + element * s2]
            }
        }
    }
    switch destination.dtype {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    case .int32: run(Int32.self)
    case .int64: run(Int64.self)
    default: preconditionFailure("scatterAdd: not supported for \(destination.dtype) tensors")
    }
}

/// The slices of `input` along `axis` at the positions of the vector `index`.
func indexSelectKernel(_ input: Tensor, axis: Int, index: Tensor) -> Tensor {
    precondition(index.dtype == .int64 || index.dtype == .int32, "indexSelect: the index must be an int64 tensor, got \(index.dtype)")
    let positions = index.to(.int64).scalars(as: Int64.self)
    let source = input.isContiguous ? input : copyToContiguous(input)
    var shape = input.shape
    let size = shape[axis]
    shape[axis] = positions.count
    let output = Tensor(uninitializedShape: shape, dtype: input.dtype)
    let outer = input.shape[..<axis].reduce(1, *)
    let inner = input.shape[(axis + 1)...].reduce(1, *)
    let width = input.dtype.byteSize
    let from = source.impl.storage.base + source.offset * width
    let to = output.impl.storage.base
    let resolved = positions.map { checkedIndex($0, size: size, op: "indexSelect", axis: axis) }
    for block in 0..<outer {
        for (slot, position) in resolved.enumerated() {
            (to + ((block * positions.count + slot) * inner) * width)
                .copyMemory(from: from + ((block * size + position) * inner) * width, byteCount: inner * width)
        }
    }
    return output
}

/// `destination` (contiguous, owned) with the slices of `source` added at `index` along `axis`.
func indexAdd(into destination: Tensor, axis: Int, index: Tensor, source: Tensor) -> Tensor {
    let positions = index.to(.int64).scalars(as: Int64.self)
    let values = source.isContiguous ? source : copyToContiguous(source)
    let size = destination.shape[axis]
    let outer = destination.shape[..<axis].reduce(1, *)
    let inner = destination.shape[(axis + 1)...].reduce(1, *)
    func run<T: ArithmeticElement>(_ type: T.Type) {
        let out = destination.pointer(as: T.self)
        let input = values.pointer(as: T.self)
        for block in 0..<outer {
            for (slot, value) in positions.enumerated() {
                let position = checkedIndex(value, size: size, op: "indexAdd", axis: axis)
                let target = out + (block * size + position) * inner
                let origin = input + (block * positions.count + slot) * inner
                for element in 0..<inner { target[element] += origin[element] }
            }
        }
    }
    switch destination.dtype {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    default: preconditionFailure("indexAdd: not supported for \(destination.dtype) tensors")
    }
    return destination
}

/// `destination` (contiguous, owned) with `source`'s values written, in order, where `mask` is true.
func maskedScatter(into destination: Tensor, mask: Tensor, source: Tensor) -> Tensor {
    let flags = mask.pointer(as: Bool.self)
    let values = source.isContiguous ? source : copyToContiguous(source)
    let width = destination.dtype.byteSize
    let output = destination.impl.storage.base
    let input = values.impl.storage.base + values.offset * width
    var next = 0
    for position in 0..<destination.count where flags[position] {
        (output + position * width).copyMemory(from: input + next * width, byteCount: width)
        next += 1
    }
    return destination
}

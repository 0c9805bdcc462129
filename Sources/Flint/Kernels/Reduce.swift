/// A reduction written as an identity and a combining step, so one loop serves sum, product,
/// maximum and minimum.
protocol ReduceFunctor {
    associatedtype Element
    var identity: Element { get }
    func combine(_ accumulated: Element, _ next: Element) -> Element
}

struct SumReduce<T: ArithmeticElement>: ReduceFunctor {
    var identity: T { 0 }
    @inline(__always) func combine(_ a: T, _ b: T) -> T { a + b }
}
struct ProductReduce<T: ArithmeticElement>: ReduceFunctor {
    var identity: T { 1 }
    @inline(__always) func combine(_ a: T, _ b: T) -> T { a * b }
}

/// A tensor seen as `[outer, reduced, inner]`: the reduced axes form the middle block.
struct ReductionLayout {
    let source: Tensor
    let outer: Int
    let reduced: Int
    let inner: Int
    let axes: [Int]
    /// The result's shape (with or without the reduced axes kept as size 1).
    let resultShape: [Int]

    init(_ tensor: Tensor, axes requested: [Int]?, keepDims: Bool, op: String) {
        let rank = tensor.rank
        let axes = requested.map { list in
            Array(Set(list.map { normalizeAxis($0, rank: rank, op: op) })).sorted()
        } ?? Array(0..<rank)
        self.axes = axes
        let isReduced = (0..<rank).map { axes.contains($0) }
        resultShape = keepDims
            ? (0..<rank).map { isReduced[$0] ? 1 : tensor.shape[$0] }
            : (0..<rank).filter { !isReduced[$0] }.map { tensor.shape[$0] }
        let isRun = axes.isEmpty || axes.last! - axes.first! + 1 == axes.count
        if tensor.isContiguous && isRun {
            source = tensor
            let first = axes.first ?? rank
            let last = axes.last ?? (rank - 1)
            outer = tensor.shape[..<first].reduce(1, *)
            reduced = axes.isEmpty ? 1 : tensor.shape[first...last].reduce(1, *)
            inner = tensor.shape[(last + 1)...].reduce(1, *)
        } else {
            let kept = (0..<rank).filter { !isReduced[$0] }
            let permuted = tensor.detach().permuted(kept + axes)
            source = copyToContiguous(permuted)
            outer = kept.map { tensor.shape[$0] }.reduce(1, *)
            reduced = axes.map { tensor.shape[$0] }.reduce(1, *)
            inner = 1
        }
    }
}

/// Sums `count` contiguous values with several independent accumulators (vectorised).
@inline(__always)
func sumContiguous<T: FloatElement>(_ pointer: UnsafePointer<T>, _ count: Int) -> T {
    var vector = SIMD16<T>()
    var index = 0
    let raw = UnsafeRawPointer(pointer)
    while index + 16 <= count {
        vector += raw.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.stride, as: SIMD16<T>.self)
        index += 16
    }
    var total = vector.sum()
    while index < count {
        total += pointer[index]
        index += 1
    }
    return total
}

/// Runs a reduction over a layout into a new tensor of the result shape.
func reduce<F: ReduceFunctor>(_ layout: ReductionLayout, dtype: DType, _ functor: F) -> Tensor where F.Element: TensorScalar {
    let output = Tensor(uninitializedShape: layout.resultShape, dtype: dtype)
    let out = output.pointer(as: F.Element.self)
    let input = layout.source.pointer(as: F.Element.self)
    let (outer, reduced, inner) = (layout.outer, layout.reduced, layout.inner)
    if inner == 1 {
        parallelChunks(outer, costPerItem: reduced) { rows in
            for row in rows {
                let base = input + row * reduced
                var accumulated = functor.identity
                for index in 0..<reduced { accumulated = functor.combine(accumulated, base[index]) }
                out[row] = accumulated
            }
        }
    } else {
        parallelChunks(outer, costPerItem: reduced * inner) { rows in
            for row in rows {
                let destination = out + row * inner
                destination.update(repeating: functor.identity, count: inner)
                for step in 0..<reduced {
                    let source = input + (row * reduced + step) * inner
                    for column in 0..<inner { destination[column] = functor.combine(destination[column], source[column]) }
                }
            }
        }
    }
    return output
}

/// Sum of floats over a layout; contiguous rows use the vectorised summation, and a whole-tensor
/// sum is split into fixed blocks so the result does not depend on the thread count.
func sumFloat<T: FloatElement & ArithmeticElement>(_ layout: ReductionLayout, _ type: T.Type) -> Tensor {
    guard layout.inner == 1 else { return sumMiddleAxesFloat(layout, type) }
    let output = Tensor(uninitializedShape: layout.resultShape, dtype: T.dtype)
    let out = output.pointer(as: T.self)
    let input = layout.source.pointer(as: T.self)
    let reduced = layout.reduced
    if layout.outer == 1 && reduced >= 2 * ThreadSettings.minimumElementsPerThread {
        let blockSize = 16_384
        let blocks = (reduced + blockSize - 1) / blockSize
        var partial = [T](repeating: 0, count: blocks)
        partial.withUnsafeMutableBufferPointer { partialSums in
            parallelChunks(blocks, costPerItem: blockSize) { range in
                for block in range {
                    let start = block * blockSize
                    partialSums[block] = sumContiguous(input + start, Swift.min(blockSize, reduced - start))
                }
            }
        }
        out[0] = partial.reduce(0, +)
        return output
    }
    parallelChunks(layout.outer, costPerItem: reduced) { rows in
        for row in rows { out[row] = sumContiguous(input + row * reduced, reduced) }
    }
    return output
}

/// Sum of floats over the middle block of a layout whose inner block is more than one value: a bias
/// gradient, `[tokens, features]` summed over tokens, is the common case.
///
/// The work is split by blocks of output columns, not by rows, so a sum over the leading axis uses
/// every thread (it ran on one: 3% of a transformer's training step). Each output value is summed in
/// row order by one thread, so the result does not depend on the thread count.
private func sumMiddleAxesFloat<T: FloatElement & ArithmeticElement>(_ layout: ReductionLayout, _ type: T.Type) -> Tensor {
    let output = Tensor(uninitializedShape: layout.resultShape, dtype: T.dtype)
    let out = output.pointer(as: T.self)
    let input = layout.source.pointer(as: T.self)
    let (outer, reduced, inner) = (layout.outer, layout.reduced, layout.inner)
    let blockWidth = 64
    let blocksPerRow = (inner + blockWidth - 1) / blockWidth
    parallelChunks(outer * blocksPerRow, costPerItem: reduced * blockWidth) { items in
        for item in items {
            let row = item / blocksPerRow, start = (item % blocksPerRow) * blockWidth
            let width = Swift.min(blockWidth, inner - start)
            let destination = out + row * inner + start
            destination.update(repeating: 0, count: width)
            for step in 0..<reduced {
                addContiguous(input + (row * reduced + step) * inner + start, into: destination, width)
            }
        }
    }
    return output
}

/// `destination[i] += source[i]` for `count` contiguous values (vectorised): the accumulation
/// step of column sums and of the embedding gradient.
///
/// ```swift
/// addContiguous(row, into: totals, width)   // totals[0..<width] += row[0..<width]
/// ```
@inline(__always)
func addContiguous<T: FloatElement>(_ source: UnsafePointer<T>, into destination: UnsafeMutablePointer<T>, _ count: Int) {
    let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(destination)
    let stride = MemoryLayout<T>.stride
    var index = 0
    while index + 16 <= count {
        let sum = to.loadUnaligned(fromByteOffset: index * stride, as: SIMD16<T>.self)
            + from.loadUnaligned(fromByteOffset: index * stride, as: SIMD16<T>.self)
        to.storeBytes(of: sum, toByteOffset: index * stride, as: SIMD16<T>.self)
        index += 16
    }
    while index < count {
        destination[index] += source[index]
        index += 1
    }
}

/// The largest (or smallest) value along the middle block of a layout, with its position.
func extremumWithIndex<T: ArithmeticElement>(_ layout: ReductionLayout, _ type: T.Type, largest: Bool) -> (Tensor, Tensor) {
    let values = Tensor(uninitializedShape: layout.resultShape, dtype: T.dtype)
    let indices = Tensor(uninitializedShape: layout.resultShape, dtype: .int64)
    let valueOut = values.pointer(as: T.self)
    let indexOut = indices.pointer(as: Int64.self)
    let input = layout.source.pointer(as: T.self)
    let (reduced, inner) = (layout.reduced, layout.inner)
    precondition(reduced > 0, "max/min: cannot reduce over an empty dimension")
    parallelChunks(layout.outer, costPerItem: reduced * inner) { rows in
        for row in rows {
            for column in 0..<inner {
                let base = input + row * reduced * inner + column
                var best = base[0]
                var bestIndex = 0
                for step in 1..<Swift.max(reduced, 1) {
                    let value = base[step * inner]
                    // The first NaN wins, as in PyTorch (`value != value` only for NaN).
                    if (largest ? value > best : value < best) || (value != value && best == best) {
                        best = value
                        bestIndex = step
                    }
                }
                valueOut[row * inner + column] = best
                indexOut[row * inner + column] = Int64(bestIndex)
            }
        }
    }
    return (values, indices)
}

/// Running sums along the middle block of a layout (shape kept).
func cumulativeSum<T: ArithmeticElement>(_ layout: ReductionLayout, shape: [Int], _ type: T.Type) -> Tensor {
    let output = Tensor(uninitializedShape: shape, dtype: T.dtype)
    let out = output.pointer(as: T.self)
    let input = layout.source.pointer(as: T.self)
    let (reduced, inner) = (layout.reduced, layout.inner)
    // An empty axis leaves nothing to sum (and no first element to copy).
    if reduced == 0 { return output }
    parallelChunks(layout.outer, costPerItem: reduced * inner) { rows in
        for row in rows {
            let base = row * reduced * inner
            for column in 0..<inner { out[base + column] = input[base + column] }
            for step in 1..<reduced {
                let current = base + step * inner
                for column in 0..<inner { out[current + column] = out[current - inner + column] + input[current + column] }
            }
        }
    }
    return output
}

/// One item of a tensor subscript: an index, a range with an optional step, every element,
/// or a new axis of size 1.
///
/// ```swift
/// x[TensorIndex.all, 0]                                 // first column
/// x[TensorIndex.range(0, nil, step: 2)]                 // every other row
/// x[TensorIndex.newAxis]                                // shape [1, ...]
/// ```
public enum TensorIndex: Sendable, TensorIndexExpression {
    /// One position (negative counts from the end); the dimension is removed.
    case index(Int)
    /// `start..<end` by `step` (nil bounds mean the ends of the dimension; negative bounds count
    /// from the end).
    case range(Int?, Int?, step: Int)
    /// Every element of the dimension.
    case all
    /// Inserts a dimension of size 1.
    case newAxis

    /// Itself.
    ///
    /// ```swift
    /// TensorIndex.all.tensorIndex  // .all
    /// ```
    public var tensorIndex: TensorIndex { self }
}

/// Anything that can appear inside a tensor subscript: `Int`, Swift ranges, `stride(from:to:by:)`
/// and ``TensorIndex``.
///
/// ```swift
/// x[1]           // row 1
/// x[1..<3, 2...] // rows 1-2, columns from 2
/// ```
public protocol TensorIndexExpression {
    /// The index this expression stands for.
    var tensorIndex: TensorIndex { get }
}

extension Int: TensorIndexExpression {
    /// A single position.
    ///
    /// ```swift
    /// x[2]
    /// ```
    public var tensorIndex: TensorIndex { .index(self) }
}
extension Range: TensorIndexExpression where Bound == Int {
    /// `start..<end`.
    ///
    /// ```swift
    /// x[1..<3]
    /// ```
    public var tensorIndex: TensorIndex { .range(lowerBound, upperBound, step: 1) }
}
extension ClosedRange: TensorIndexExpression where Bound == Int {
    /// `start...end`.
    ///
    /// ```swift
    /// x[1...2]
    /// ```
    public var tensorIndex: TensorIndex { .range(lowerBound, upperBound == -1 ? nil : upperBound + 1, step: 1) }
}
extension PartialRangeFrom: TensorIndexExpression where Bound == Int {
    /// `start...`.
    ///
    /// ```swift
    /// x[2...]
    /// ```
    public var tensorIndex: TensorIndex { .range(lowerBound, nil, step: 1) }
}
extension PartialRangeUpTo: TensorIndexExpression where Bound == Int {
    /// `..<end`.
    ///
    /// ```swift
    /// x[..<2]
    /// ```
    public var tensorIndex: TensorIndex { .range(nil, upperBound, step: 1) }
}
extension PartialRangeThrough: TensorIndexExpression where Bound == Int {
    /// `...end`.
    ///
    /// ```swift
    /// x[...2]
    /// ```
    public var tensorIndex: TensorIndex { .range(nil, upperBound == -1 ? nil : upperBound + 1, step: 1) }
}
extension StrideTo: TensorIndexExpression where Element == Int {
    /// `stride(from: start, to: end, by: step)` (positive steps).
    ///
    /// ```swift
    /// x[stride(from: 0, to: 10, by: 2)]
    /// ```
    public var tensorIndex: TensorIndex {
        // StrideTo hides its fields; recover them from its elements.
        let elements = Array(self)
        guard let first = elements.first else { return .range(0, 0, step: 1) }
        let step = elements.count > 1 ? elements[1] - first : 1
        return .range(first, first + elements.count * step, step: step)
    }
}

extension Tensor {
    /// Indexes and slices like NumPy: integers remove a dimension, ranges keep it, missing
    /// trailing items mean "all". The result is a view (no copy) and gradients flow through it.
    ///
    /// ```swift
    /// let m = Tensor.arange(12).reshaped([3, 4])
    /// m[1]                      // row 1, shape [4]
    /// m[0..<2, 1...]            // shape [2, 3]
    /// m[TensorIndex.all, 0]     // first column
    /// m[stride(from: 0, to: 3, by: 2)]  // rows 0 and 2
    /// ```
    public subscript(_ items: any TensorIndexExpression...) -> Tensor {
        let indices = items.map(\.tensorIndex)
        let consumed = indices.filter { if case .newAxis = $0 { return false } else { return true } }.count
        precondition(consumed <= rank, "subscript: \(consumed) indices for a tensor of rank \(rank) (shape \(describeShape(shape)))")
        var ranges: [StridedRange] = []
        var finalShape: [Int] = []
        var axis = 0
        for index in indices {
            switch index {
            case .newAxis:
                finalShape.append(1)
            case .all:
                ranges.append(StridedRange(start: 0, step: 1, count: shape[axis]))
                finalShape.append(shape[axis])
                axis += 1
            case .index(let position):
                let size = shape[axis]
                let resolved = position < 0 ? position + size : position
                precondition(resolved >= 0 && resolved < size,
                             "subscript: index \(position) is out of range for dimension \(axis) of size \(size) (shape \(describeShape(shape)))")
                ranges.append(StridedRange(start: resolved, step: 1, count: 1))
                axis += 1
            case .range(let start, let end, let step):
                precondition(step > 0, "subscript: the step must be positive, got \(step)")
                let size = shape[axis]
                func resolve(_ bound: Int?, default value: Int) -> Int {
                    guard let bound else { return value }
                    return Swift.min(Swift.max(bound < 0 ? bound + size : bound, 0), size)
                }
                let lower = resolve(start, default: 0)
                let upper = resolve(end, default: size)
                let length = upper > lower ? (upper - lower + step - 1) / step : 0
                ranges.append(StridedRange(start: lower, step: step, count: length))
                finalShape.append(length)
                axis += 1
            }
        }
        while axis < rank {
            ranges.append(StridedRange(start: 0, step: 1, count: shape[axis]))
            finalShape.append(shape[axis])
            axis += 1
        }
        let view = sliced(ranges)
        return view.shape == finalShape ? view : view.reshaped(finalShape)
    }
}

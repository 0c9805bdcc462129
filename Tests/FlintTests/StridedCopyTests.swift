import Flint
import Testing

/// Copies of strided views (the tiled transpose path and the general row walk) put every element
/// where row-major order says.
@Suite struct StridedCopyTests {
    @Test(arguments: [[37, 70], [3, 33, 65], [2, 64, 31], [1, 5, 1]])
    func transposedCopiesMatchIndexArithmetic(shape: [Int]) {
        let source = Tensor.arange(shape.reduce(1, *)).reshaped(shape)
        let values = source.scalars(as: Int64.self)
        let transposed = source.transposed().contiguous()
        #expect(transposed.isContiguous)
        let rows = shape[shape.count - 2], columns = shape[shape.count - 1]
        let copied = transposed.scalars(as: Int64.self)
        let batches = shape.count == 3 ? shape[0] : 1
        var expected: [Int64] = []
        for batch in 0..<batches {
            for column in 0..<columns {
                for row in 0..<rows { expected.append(values[(batch * rows + row) * columns + column]) }
            }
        }
        #expect(copied == expected)
        // A function applied through the same path.
        let doubled = (source.to(.float64).transposed() * 2).scalars(as: Double.self)
        #expect(doubled == expected.map { Double($0) * 2 })
    }

    @Test func permutedAndSteppedViewsCopyInRowMajorOrder() {
        let source = Tensor.arange(2 * 3 * 4).reshaped([2, 3, 4])
        let permuted = source.permuted([2, 0, 1]).contiguous().scalars(as: Int64.self)
        var expected: [Int64] = []
        for k in 0..<4 { for i in 0..<2 { for j in 0..<3 { expected.append(Int64(i * 12 + j * 4 + k)) } } }
        #expect(permuted == expected)
        let stepped = source[TensorIndex.all, stride(from: 0, to: 3, by: 2), stride(from: 1, to: 4, by: 2)]
        #expect(stepped.contiguous().scalars(as: Int64.self) == [1, 3, 9, 11, 13, 15, 21, 23])
    }
}

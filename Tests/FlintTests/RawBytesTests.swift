import Flint
import Testing

/// `withUnsafeRawBytes` gives a view's elements in row-major order, for every element size.
@Suite struct RawBytesTests {
    @Test func aSlicedTransposedViewGivesItsOwnElements() {
        let matrix = Tensor([1.0, 2, 3, 4, 5, 6], shape: [2, 3])
        let view = matrix[1...].transposed(0, 1)          // an offset, non-contiguous view: [[4], [5], [6]]
        let doubles = view.withUnsafeRawBytes { Array($0.bindMemory(to: Double.self)) }
        #expect(doubles == [4, 5, 6])
        let bytes = Tensor([7, 8, 9] as [UInt8])[1...].withUnsafeRawBytes { Array($0) }
        #expect(bytes == [8, 9])
    }
}

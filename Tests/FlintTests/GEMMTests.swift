@testable import Flint
import FlintTestSupport
import Testing

/// Flint's built-in GEMM (used when OpenBLAS is missing) must agree with OpenBLAS, on every layout
/// matmul hands it: plain, transposed, strided rows, batched and broadcast.
@Suite struct GEMMTests {
    static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (3, 5, 7), (17, 33, 9), (64, 64, 64), (5, 130, 300), (129, 17, 257)]

    @Test(arguments: shapes)
    func builtinAgreesWithBLASFloat32(shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        let a = Tensor.randn([m, k]), b = Tensor.randn([k, n])
        let viaLibrary = matmulKernel(a, b)
        let viaBuiltin = matmulKernel(a, b, forceBuiltin: true)
        #expect(maximumDifference(viaLibrary, viaBuiltin) < 1e-4 * Double(k).squareRoot())
    }

    @Test(arguments: shapes)
    func builtinAgreesWithBLASFloat64(shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        let a = Tensor.randn([m, k], dtype: .float64), b = Tensor.randn([k, n], dtype: .float64)
        #expect(maximumDifference(matmulKernel(a, b), matmulKernel(a, b, forceBuiltin: true)) < 1e-11)
    }

    @Test func transposedAndStridedOperands() {
        let a = Tensor.randn([40, 30], dtype: .float64), b = Tensor.randn([50, 40], dtype: .float64)
        // aᵀ (transposed layout), bᵀ (transposed layout), and a column slice (row stride > columns).
        let left = a.transposed(), right = b.transposed()
        let expected = naiveMatmul(left, right)
        #expect(maximumDifference(matmulKernel(left, right), expected) < 1e-11)
        #expect(maximumDifference(matmulKernel(left, right, forceBuiltin: true), expected) < 1e-11)
        let slice = a[TensorIndex.all, 5..<25]
        let other = Tensor.randn([20, 7], dtype: .float64)
        #expect(maximumDifference(matmulKernel(slice, other), naiveMatmul(slice, other)) < 1e-11)
        let stepped = a[stride(from: 0, to: 40, by: 2), stride(from: 0, to: 30, by: 3)]
        let third = Tensor.randn([10, 4], dtype: .float64)
        #expect(maximumDifference(matmulKernel(stepped, third), naiveMatmul(stepped, third)) < 1e-11)
    }

    @Test func batchedAndBroadcast() {
        let a = Tensor.randn([2, 3, 4, 5], dtype: .float64), b = Tensor.randn([3, 5, 6], dtype: .float64)
        let product = a.matmul(b)
        #expect(product.shape == [2, 3, 4, 6])
        for i in 0..<2 {
            for j in 0..<3 {
                #expect(maximumDifference(product[i, j], naiveMatmul(a[i, j], b[j])) < 1e-11)
            }
        }
        let vector = Tensor.randn([5], dtype: .float64)
        #expect(a.matmul(vector).shape == [2, 3, 4])
        #expect(vector.matmul(b).shape == [3, 6])
    }

    /// A batch of attention-sized products (64x32 by 32x64, and transposed operands) runs one
    /// product per thread (16 products: at least two per thread up to 8 threads); every product
    /// must still be right.
    @Test func batchOfSmallProductsSpreadOverThreads() {
        let queries = Tensor.randn([2, 8, 64, 32], dtype: .float64), keys = Tensor.randn([2, 8, 64, 32], dtype: .float64)
        let scores = queries.matmul(keys.transposed(2, 3))
        let singles = Tensor.randn([2, 8, 64, 32]), singleScores = singles.matmul(singles.transposed(2, 3))
        for i in 0..<2 {
            for j in 0..<8 {
                #expect(maximumDifference(scores[i, j], naiveMatmul(queries[i, j], keys[i, j].transposed())) < 1e-11)
                let expected = naiveMatmul(singles[i, j].to(.float64), singles[i, j].to(.float64).transposed())
                #expect(maximumDifference(singleScores[i, j].to(.float64), expected) < 1e-4)
            }
        }
    }

    /// A direct triple loop, independent of every GEMM path.
    func naiveMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let left = a.rows(as: Double.self), right = b.rows(as: Double.self)
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        var result = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { result[i * n + j] += left[i][p] * right[p][j] } } }
        return Tensor(result, shape: [m, n])
    }
}

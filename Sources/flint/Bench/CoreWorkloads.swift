import Flint

/// The core suite of BENCHMARKS.md: `gemm` and `small-op`.
enum CoreWorkloads {
    static let all: [BenchWorkload] = [gemm, smallOp]

    /// 1024×1024 float32 matmul, in GFLOP/s.
    static let gemm = BenchWorkload(name: "gemm", unit: "GFLOP/s", higherIsBetter: true) { seconds in
        Flint.seed(0)
        let a = Tensor.randn([1024, 1024]), b = Tensor.randn([1024, 1024])
        let perCall = bestSecondsPerCall(seconds: seconds) { _ = a.matmul(b) }
        return 2 * 1024 * 1024 * 1024 / perCall / 1e9
    }

    /// Per-op overhead: a 16-element tensor that requires grad; 100 × (z = z * 1.0001 + 0.0001),
    /// sum, backward; time per op (201 ops), recording and backward included, in microseconds.
    static let smallOp = BenchWorkload(name: "small-op", unit: "us/op", higherIsBetter: false) { seconds in
        let start = Tensor.randn([16]).requiringGrad()
        let perCall = bestSecondsPerCall(seconds: seconds) {
            var z = start
            for _ in 0..<100 { z = z * 1.0001 + 0.0001 }
            z.sum().backward()
            start.zeroGrad()
        }
        return perCall / 201 * 1e6
    }
}

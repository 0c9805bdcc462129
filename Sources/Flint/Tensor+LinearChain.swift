/// One step of ``Tensor/linearChainRow(_:)``: an affine map, as ``Tensor/linear(weight:bias:)``
/// takes it, and whether ReLU follows it.
///
/// ```swift
/// let step = LinearChainStep(weight: Tensor.randn([512, 784]), bias: Tensor.zeros([512]), relu: true)
/// ```
package struct LinearChainStep {
    /// `[out, in]`.
    package let weight: Tensor
    /// `[out]`, or nil.
    package let bias: Tensor?
    /// Whether `relu()` is applied to the step's output.
    package let relu: Bool

    /// A step of the chain.
    ///
    /// ```swift
    /// LinearChainStep(weight: layer.weight.value, bias: layer.bias?.value, relu: false)
    /// ```
    package init(weight: Tensor, bias: Tensor?, relu: Bool) {
        self.weight = weight
        self.bias = bias
        self.relu = relu
    }
}

extension Tensor {
    /// A single float32 row through a chain of linear steps in one parallel job: what
    /// `linear(weight:bias:)` then `relu()` (where asked) step after step gives, or nil when the
    /// row, the steps or gradient recording rule the fused path out (the caller then runs the steps
    /// one by one; errors are theirs to report).
    ///
    /// ``linear(weight:bias:)`` takes this path for a single row (one step), so one layer and a
    /// chain of them split rows the same way and give the same bits on any thread count.
    ///
    /// Batch-1 inference through an MLP streams every weight once and does little else, so the
    /// time between layers counts: returning from a parallel region, a ReLU pass and its tensor, the
    /// next layer's checks and output, each touching memory the weights just pushed out of the
    /// caches (1.3-1.5 µs per layer on `mlp-infer-b1`, a sixth of the call). Here each layer is a
    /// phase of one ``WorkerPool`` job: the threads run their rows of a layer (matrix-vector rows
    /// with the bias, then ReLU on the same rows) and go on to the next layer once every row of
    /// this one is written. Rows are split in multiples of four, as the matrix-vector kernel
    /// groups them; a layer too small to split runs whole on one thread.
    ///
    /// `Sequential` uses it for a chain of `Linear` and `ReLU` layers (FlintNN).
    ///
    /// ```swift
    /// let x = Tensor.randn([1, 784])
    /// let steps = [LinearChainStep(weight: Tensor.randn([512, 784]), bias: nil, relu: true),
    ///              LinearChainStep(weight: Tensor.randn([10, 512]), bias: nil, relu: false)]
    /// let logits = withoutGradients { x.linearChainRow(steps) }  // shape [1, 10]
    /// ```
    package func linearChainRow(_ steps: [LinearChainStep]) -> Tensor? {
        guard let plan = LinearChainPlan(input: self, steps: steps) else { return nil }
        let output = Tensor(uninitializedShape: Array(shape.dropLast()) + [plan.layers[plan.layers.count - 1].rows], dtype: .float32)
        // One layer (`linear` on a row) writes straight to the output and needs no hidden buffer.
        let hidden = plan.hiddenCount > 0 ? Tensor(uninitializedShape: [plan.hiddenCount], dtype: .float32) : nil
        withExtendedLifetime((self, steps, hidden, output)) {
            let layers = plan.pointers(input: UnsafePointer(pointer(as: Float.self)), hidden: hidden?.pointer(as: Float.self),
                                       output: output.pointer(as: Float.self), steps: steps)
            let threads = ThreadSettings.threadCount
            let chunks = layers.map { $0.chunkCount(threads: threads) }.max() ?? 1
            if chunks <= 1 {
                for layer in layers { layer.run(rows: 0..<layer.rows) }
                return
            }
            WorkerPool.shared.run(phases: layers.count, chunksPerPhase: chunks) { phase, chunk in
                let layer = layers[phase]
                let rows = layer.rows(ofChunk: chunk, threads: threads)
                if !rows.isEmpty { layer.run(rows: rows) }
            }
        }
        return output
    }
}

/// The shapes of a chain that ``Tensor/linearChainRow(_:)`` can take, checked once.
private struct LinearChainPlan {
    struct Layer {
        let rows: Int
        let columns: Int
    }
    let layers: [Layer]
    /// Floats of the intermediate outputs (every layer's but the last).
    let hiddenCount: Int

    init?(input: Tensor, steps: [LinearChainStep]) {
        guard !steps.isEmpty, input.dtype == .float32, input.rank >= 1, input.isContiguous else { return nil }
        var columns = input.shape[input.rank - 1]
        guard columns > 0, input.count == columns else { return nil }
        let recording = GradientMode.isEnabled
        if recording && input.impl.requiresGrad { return nil }
        var layers: [Layer] = []
        for step in steps {
            let weight = step.weight
            guard weight.rank == 2, weight.dtype == .float32, weight.isContiguous, weight.shape[1] == columns, weight.shape[0] > 0 else { return nil }
            if let bias = step.bias {
                guard bias.dtype == .float32, bias.isContiguous, bias.shape == [weight.shape[0]] else { return nil }
            }
            if recording && (weight.impl.requiresGrad || step.bias?.impl.requiresGrad == true) { return nil }
            layers.append(Layer(rows: weight.shape[0], columns: columns))
            columns = weight.shape[0]
        }
        self.layers = layers
        hiddenCount = layers.dropLast().reduce(0) { $0 + $1.rows }
    }

    /// Where each layer reads and writes: the input row, then the hidden buffer, then the output.
    func pointers(input: UnsafePointer<Float>, hidden: UnsafeMutablePointer<Float>?, output: UnsafeMutablePointer<Float>,
                  steps: [LinearChainStep]) -> [LinearChainLayer] {
        var result: [LinearChainLayer] = []
        var source = input
        var offset = 0
        for (index, layer) in layers.enumerated() {
            let step = steps[index]
            let destination = index == layers.count - 1 ? output : hidden! + offset
            result.append(LinearChainLayer(
                weight: UnsafePointer(step.weight.pointer(as: Float.self)), bias: step.bias.map { UnsafePointer($0.pointer(as: Float.self)) },
                input: source, output: destination, rows: layer.rows, columns: layer.columns, relu: step.relu))
            source = UnsafePointer(destination)
            offset += layer.rows
        }
        return result
    }
}

/// One layer of a running chain: raw pointers the job's threads share (each writes its own rows).
private struct LinearChainLayer: @unchecked Sendable {
    let weight: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let rows: Int
    let columns: Int
    let relu: Bool

    /// The chunks `parallelChunks` would split this much work into on `threads` threads (1 when
    /// the layer is too small to be worth splitting).
    func chunkCount(threads: Int) -> Int {
        let work = rows &* columns, minimum = ThreadSettings.minimumElementsPerThread
        return work < 2 * minimum ? 1 : Swift.max(1, Swift.min(threads, work / minimum, (rows + 3) / 4))
    }

    /// Chunk `chunk` of the layer's ``chunkCount(threads:)``: whole groups of four rows; chunks past
    /// the layer's count are empty.
    func rows(ofChunk chunk: Int, threads: Int) -> Range<Int> {
        let used = chunkCount(threads: threads)
        let perChunk = ((rows + 3) / 4 + used - 1) / used * 4
        let start = Swift.min(rows, chunk * perChunk)
        return start..<Swift.min(rows, start + perChunk)
    }

    /// Writes `rows` of this layer's output, ReLU included.
    func run(rows range: Range<Int>) {
        matrixVectorRowsFloat(weight: weight, columns: columns, input: input, bias: bias, output: output, rows: range)
        if relu {
            for row in range where !(output[row] > 0) { output[row] = 0 }
        }
    }
}

/// Pooling over the last two dimensions of `[N, C, H, W]` (or `[C, H, W]`), PyTorch semantics.
extension Tensor {
    /// The largest value in each `kernelSize` window, moving by `stride` (the kernel size by
    /// default) over the input padded with −∞, as `torch.nn.functional.max_pool2d`.
    /// NaN wins over any number. The gradient flows to the position of each maximum.
    ///
    /// ```swift
    /// let features = Tensor.randn([64, 32, 26, 26])
    /// features.maxPool2d(kernelSize: (2, 2)).shape  // [64, 32, 13, 13]
    /// ```
    public func maxPool2d(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                          dilation: (Int, Int) = (1, 1)) -> Tensor {
        let geometry = poolingGeometry(op: "maxPool2d", kernelSize: kernelSize, stride: stride ?? kernelSize,
                                       padding: padding, dilation: dilation)
        let input = contiguousData(self)
        let output = Tensor(uninitializedShape: poolingOutputShape(geometry), dtype: dtype)
        let indices = Tensor(uninitializedShape: output.shape, dtype: .int64)
        switch dtype {
        case .float32: PoolingKernels.maxForward(input, output, indices, geometry, Float.self)
        default: PoolingKernels.maxForward(input, output, indices, geometry, Double.self)
        }
        return recordGradient(output, self) { .maxPool2d(self, indices: indices, geometry: geometry) }
    }

    /// The mean of each `kernelSize` window, moving by `stride` (the kernel size by default) over
    /// the input padded with zeros, as `torch.nn.functional.avg_pool2d`. With
    /// `countIncludePad: false` the padding is left out of each window's count.
    ///
    /// ```swift
    /// let x = Tensor.randn([8, 16, 10, 10])
    /// x.avgPool2d(kernelSize: (3, 3), stride: (2, 2), padding: (1, 1)).shape  // [8, 16, 5, 5]
    /// ```
    public func avgPool2d(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                          countIncludePad: Bool = true) -> Tensor {
        let geometry = poolingGeometry(op: "avgPool2d", kernelSize: kernelSize, stride: stride ?? kernelSize,
                                       padding: padding, dilation: (1, 1))
        let input = contiguousData(self)
        let output = Tensor(uninitializedShape: poolingOutputShape(geometry), dtype: dtype)
        switch dtype {
        case .float32: PoolingKernels.averageForward(input, output, geometry, countIncludePad, Float.self)
        default: PoolingKernels.averageForward(input, output, geometry, countIncludePad, Double.self)
        }
        return recordGradient(output, self) { .avgPool2d(self, geometry: geometry, countIncludePad: countIncludePad) }
    }

    /// The mean over windows chosen so that the output is `outputSize` whatever the input's size,
    /// as `torch.nn.functional.adaptive_avg_pool2d`: output row `i` of `outH` averages input rows
    /// `⌊i·H / outH⌋ ..< ⌈(i + 1)·H / outH⌉` (likewise for columns).
    ///
    /// ```swift
    /// let features = Tensor.randn([8, 512, 7, 7])
    /// features.adaptiveAvgPool2d(outputSize: (1, 1)).shape  // [8, 512, 1, 1]
    /// ```
    public func adaptiveAvgPool2d(outputSize: (Int, Int)) -> Tensor {
        let op = "adaptiveAvgPool2d"
        checkPoolingInput(op: op)
        precondition(outputSize.0 > 0 && outputSize.1 > 0, "\(op): the output size must be positive, got \(outputSize)")
        let (height, width) = (shape[rank - 2], shape[rank - 1])
        precondition(height > 0 && width > 0, "\(op): the input \(describeShape(shape)) has an empty plane")
        var geometry = PoolingGeometry(planes: shape.dropLast(2).reduce(1, *), height: height, width: width,
                                       kernelHeight: 0, kernelWidth: 0, strideHeight: 0, strideWidth: 0,
                                       paddingHeight: 0, paddingWidth: 0, dilationHeight: 1, dilationWidth: 1,
                                       outputHeight: outputSize.0, outputWidth: outputSize.1)
        geometry.leadingShape = Array(shape.dropLast(2))
        let input = contiguousData(self)
        let output = Tensor(uninitializedShape: poolingOutputShape(geometry), dtype: dtype)
        switch dtype {
        case .float32: PoolingKernels.adaptiveAverage(input, output, geometry, backward: false, Float.self)
        default: PoolingKernels.adaptiveAverage(input, output, geometry, backward: false, Double.self)
        }
        return recordGradient(output, self) { .adaptiveAvgPool2d(self, geometry: geometry) }
    }

    private func checkPoolingInput(op: String) {
        precondition(rank == 3 || rank == 4, "\(op): expected an input [N, C, H, W] or [C, H, W], got shape \(describeShape(shape))")
        precondition(dtype.isFloatingPoint, "\(op): needs a float32 or float64 tensor, got \(dtype) (shape \(describeShape(shape)))")
    }

    private func poolingGeometry(op: String, kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int),
                                 dilation: (Int, Int)) -> PoolingGeometry {
        checkPoolingInput(op: op)
        precondition(kernelSize.0 > 0 && kernelSize.1 > 0, "\(op): the kernel size must be positive, got \(kernelSize)")
        precondition(stride.0 > 0 && stride.1 > 0, "\(op): the stride must be positive, got \(stride)")
        precondition(dilation.0 > 0 && dilation.1 > 0, "\(op): the dilation must be positive, got \(dilation)")
        let spanHeight = dilation.0 * (kernelSize.0 - 1) + 1, spanWidth = dilation.1 * (kernelSize.1 - 1) + 1
        precondition(padding.0 >= 0 && padding.1 >= 0 && padding.0 <= spanHeight / 2 && padding.1 <= spanWidth / 2,
                     "\(op): the padding \(padding) must be at most half the kernel size \(kernelSize) (with dilation \(dilation))")
        let (height, width) = (shape[rank - 2], shape[rank - 1])
        let outputHeight = (height + 2 * padding.0 - spanHeight) / stride.0 + 1
        let outputWidth = (width + 2 * padding.1 - spanWidth) / stride.1 + 1
        precondition(height + 2 * padding.0 >= spanHeight && width + 2 * padding.1 >= spanWidth,
                     "\(op): the kernel \(kernelSize) (dilation \(dilation)) is bigger than the padded input \(describeShape(shape)) with padding \(padding)")
        var geometry = PoolingGeometry(planes: shape.dropLast(2).reduce(1, *), height: height, width: width,
                                       kernelHeight: kernelSize.0, kernelWidth: kernelSize.1,
                                       strideHeight: stride.0, strideWidth: stride.1,
                                       paddingHeight: padding.0, paddingWidth: padding.1,
                                       dilationHeight: dilation.0, dilationWidth: dilation.1,
                                       outputHeight: outputHeight, outputWidth: outputWidth)
        geometry.leadingShape = Array(shape.dropLast(2))
        return geometry
    }

    private func poolingOutputShape(_ geometry: PoolingGeometry) -> [Int] {
        geometry.leadingShape + [geometry.outputHeight, geometry.outputWidth]
    }
}

// MARK: backward

/// Gradient of `maxPool2d`: each output gradient goes to the input position of its maximum.
func maxPool2dBackward(_ input: Tensor, indices: Tensor, geometry: PoolingGeometry, _ g: Tensor) {
    let result = Tensor(uninitializedShape: input.shape, dtype: input.dtype)
    let gradient = contiguousData(g)
    switch input.dtype {
    case .float32: PoolingKernels.maxBackward(gradient, indices, result, geometry, Float.self)
    default: PoolingKernels.maxBackward(gradient, indices, result, geometry, Double.self)
    }
    deliver(result, to: input)
}

/// Gradient of `avgPool2d`: each output gradient is shared by its window's elements.
func avgPool2dBackward(_ input: Tensor, geometry: PoolingGeometry, countIncludePad: Bool, _ g: Tensor) {
    let result = Tensor(uninitializedShape: input.shape, dtype: input.dtype)
    let gradient = contiguousData(g)
    switch input.dtype {
    case .float32: PoolingKernels.averageBackward(gradient, result, geometry, countIncludePad, Float.self)
    default: PoolingKernels.averageBackward(gradient, result, geometry, countIncludePad, Double.self)
    }
    deliver(result, to: input)
}

/// Gradient of `adaptiveAvgPool2d`.
func adaptiveAvgPool2dBackward(_ input: Tensor, geometry: PoolingGeometry, _ g: Tensor) {
    let result = Tensor(uninitializedShape: input.shape, dtype: input.dtype)
    let gradient = contiguousData(g)
    switch input.dtype {
    case .float32: PoolingKernels.adaptiveAverage(result, gradient, geometry, backward: true, Float.self)
    default: PoolingKernels.adaptiveAverage(result, gradient, geometry, backward: true, Double.self)
    }
    deliver(result, to: input)
}

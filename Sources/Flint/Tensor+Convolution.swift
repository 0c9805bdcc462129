/// Convolutions (NCHW, PyTorch semantics) through im2col and GEMM.
extension Tensor {
    /// The 2-D convolution (cross-correlation, as in every deep-learning library) of a batch of
    /// images `[N, C, H, W]` (or one image `[C, H, W]`) with filters `[O, C / groups, kH, kW]`,
    /// giving `[N, O, outH, outW]` where `outH = (H + 2·padding.0 − dilation.0·(kH − 1) − 1) / stride.0 + 1`.
    ///
    /// Equivalent to `torch.nn.functional.conv2d`. With `groups > 1` the channels are split into
    /// `groups` independent convolutions (`groups == C` is a depthwise convolution).
    ///
    /// ```swift
    /// let images = Tensor.randn([64, 1, 28, 28])
    /// let filters = Tensor.randn([32, 1, 3, 3]).requiringGrad()
    /// let features = images.conv2d(filters, bias: Tensor.zeros([32]), padding: (1, 1))  // [64, 32, 28, 28]
    /// ```
    public func conv2d(_ weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                       dilation: (Int, Int) = (1, 1), groups: Int = 1) -> Tensor {
        let shapes = "input \(describeShape(shape)), weight \(describeShape(weight.shape))"
        precondition(rank == 4 || rank == 3, "conv2d: expected an input [N, C, H, W] or [C, H, W], got \(shapes)")
        precondition(weight.rank == 4, "conv2d: expected a weight [outChannels, inChannels / groups, kH, kW], got \(shapes)")
        if rank == 3 {
            return unsqueezed(axis: 0).conv2d(weight, bias: bias, stride: stride, padding: padding,
                                              dilation: dilation, groups: groups).squeezed(axis: 0)
        }
        return convolution2d(op: "conv2d", shapes: shapes, weight, bias: bias, stride: stride, padding: padding,
                             dilation: dilation, groups: groups)
    }

    /// The 1-D convolution of a batch of sequences `[N, C, L]` (or one sequence `[C, L]`) with
    /// filters `[O, C / groups, k]`, giving `[N, O, outL]`, as `torch.nn.functional.conv1d`.
    ///
    /// ```swift
    /// let signal = Tensor.randn([8, 4, 100])
    /// let filters = Tensor.randn([16, 4, 5])
    /// signal.conv1d(filters, stride: 2, padding: 2).shape  // [8, 16, 50]
    /// ```
    public func conv1d(_ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
                       groups: Int = 1) -> Tensor {
        let shapes = "input \(describeShape(shape)), weight \(describeShape(weight.shape))"
        precondition(rank == 3 || rank == 2, "conv1d: expected an input [N, C, L] or [C, L], got \(shapes)")
        precondition(weight.rank == 3, "conv1d: expected a weight [outChannels, inChannels / groups, k], got \(shapes)")
        if rank == 2 {
            return unsqueezed(axis: 0).conv1d(weight, bias: bias, stride: stride, padding: padding,
                                              dilation: dilation, groups: groups).squeezed(axis: 0)
        }
        return unsqueezed(axis: 2)
            .convolution2d(op: "conv1d", shapes: shapes, weight.unsqueezed(axis: 2), bias: bias, stride: (1, stride),
                           padding: (0, padding), dilation: (1, dilation), groups: groups)
            .squeezed(axis: 2)
    }

    /// The transposed 2-D convolution (the gradient of ``conv2d(_:bias:stride:padding:dilation:groups:)``
    /// with respect to its input, sometimes called deconvolution) of `[N, Cin, H, W]` (or
    /// `[Cin, H, W]`) with a weight `[Cin, Cout / groups, kH, kW]`, giving `[N, Cout, outH, outW]`
    /// where `outH = (H − 1)·stride.0 − 2·padding.0 + dilation.0·(kH − 1) + outputPadding.0 + 1`.
    ///
    /// Equivalent to `torch.nn.functional.conv_transpose2d`; `outputPadding` (smaller than the
    /// stride or the dilation) picks among the output sizes a strided convolution maps to the same size.
    ///
    /// ```swift
    /// let codes = Tensor.randn([8, 16, 7, 7])
    /// let weight = Tensor.randn([16, 8, 4, 4])
    /// codes.convTranspose2d(weight, stride: (2, 2), padding: (1, 1)).shape  // [8, 8, 14, 14]
    /// ```
    public func convTranspose2d(_ weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                                padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0),
                                dilation: (Int, Int) = (1, 1), groups: Int = 1) -> Tensor {
        let shapes = "input \(describeShape(shape)), weight \(describeShape(weight.shape))"
        precondition(rank == 4 || rank == 3, "convTranspose2d: expected an input [N, C, H, W] or [C, H, W], got \(shapes)")
        precondition(weight.rank == 4, "convTranspose2d: expected a weight [inChannels, outChannels / groups, kH, kW], got \(shapes)")
        if rank == 3 {
            return unsqueezed(axis: 0).convTranspose2d(weight, bias: bias, stride: stride, padding: padding,
                                                       outputPadding: outputPadding, dilation: dilation,
                                                       groups: groups).squeezed(axis: 0)
        }
        let op = "convTranspose2d"
        checkConvolutionTypes(op: op, shapes: shapes, weight: weight, bias: bias)
        checkConvolutionSettings(op: op, stride: stride, padding: padding, dilation: dilation, groups: groups)
        let (batch, inputChannels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let (kernelHeight, kernelWidth) = (weight.shape[2], weight.shape[3])
        precondition(weight.shape[0] == inputChannels,
                     "\(op): the input has \(inputChannels) channels but the weight expects \(weight.shape[0]) (\(shapes))")
        precondition(inputChannels % groups == 0, "\(op): groups \(groups) does not divide the \(inputChannels) input channels (\(shapes))")
        let outputChannels = weight.shape[1] * groups
        precondition(outputPadding.0 >= 0 && outputPadding.1 >= 0, "\(op): outputPadding must not be negative, got \(outputPadding)")
        precondition((outputPadding.0 < stride.0 || outputPadding.0 < dilation.0) && (outputPadding.1 < stride.1 || outputPadding.1 < dilation.1),
                     "\(op): outputPadding \(outputPadding) must be smaller than either the stride \(stride) or the dilation \(dilation)")
        let outputHeight = (height - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kernelHeight - 1) + outputPadding.0 + 1
        let outputWidth = (width - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kernelWidth - 1) + outputPadding.1 + 1
        precondition(outputHeight > 0 && outputWidth > 0,
                     "\(op): the output would be \(outputHeight) × \(outputWidth); the padding \(padding) is too large (\(shapes))")
        if let bias {
            precondition(bias.rank == 1 && bias.count == outputChannels,
                         "\(op): the bias must be a vector of \(outputChannels) values, got shape \(describeShape(bias.shape)) (\(shapes))")
        }
        // The transposed convolution runs the convolution from its output (the image) backwards.
        let geometry = ConvolutionGeometry(
            batch: batch, channels: outputChannels, height: outputHeight, width: outputWidth, filters: inputChannels,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideHeight: stride.0, strideWidth: stride.1,
            paddingHeight: padding.0, paddingWidth: padding.1, dilationHeight: dilation.0, dilationWidth: dilation.1,
            groups: groups, outputHeight: height, outputWidth: width)
        let output = Tensor(uninitializedShape: [batch, outputChannels, outputHeight, outputWidth], dtype: dtype)
        let input = contiguousData(self), filters = contiguousData(weight), shift = bias.map(contiguousData)
        switch dtype {
        case .float32: transposedForward(Float.self, input, filters, shift, output, geometry)
        default: transposedForward(Double.self, input, filters, shift, output, geometry)
        }
        return recordConvolution(output, self, weight, bias) {
            .convolutionTranspose2d(self, weight: weight, bias: bias, geometry: geometry)
        }
    }

    /// The shared body of conv1d and conv2d on a 4-D input: checks, sizes, forward, record.
    private func convolution2d(op: String, shapes: String, _ weight: Tensor, bias: Tensor?, stride: (Int, Int),
                               padding: (Int, Int), dilation: (Int, Int), groups: Int) -> Tensor {
        checkConvolutionTypes(op: op, shapes: shapes, weight: weight, bias: bias)
        checkConvolutionSettings(op: op, stride: stride, padding: padding, dilation: dilation, groups: groups)
        let (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let (filterCount, kernelHeight, kernelWidth) = (weight.shape[0], weight.shape[2], weight.shape[3])
        precondition(channels % groups == 0, "\(op): groups \(groups) does not divide the \(channels) input channels (\(shapes))")
        precondition(filterCount % groups == 0, "\(op): groups \(groups) does not divide the \(filterCount) output channels (\(shapes))")
        precondition(weight.shape[1] * groups == channels,
                     "\(op): the input has \(channels) channels but the weight expects \(weight.shape[1]) × \(groups) groups = \(weight.shape[1] * groups) (\(shapes))")
        let spanHeight = dilation.0 * (kernelHeight - 1) + 1, spanWidth = dilation.1 * (kernelWidth - 1) + 1
        precondition(spanHeight <= height + 2 * padding.0 && spanWidth <= width + 2 * padding.1,
                     "\(op): the kernel (\(spanHeight) × \(spanWidth) with dilation) is bigger than the padded input (\(height + 2 * padding.0) × \(width + 2 * padding.1)) (\(shapes))")
        if let bias {
            precondition(bias.rank == 1 && bias.count == filterCount,
                         "\(op): the bias must be a vector of \(filterCount) values, got shape \(describeShape(bias.shape)) (\(shapes))")
        }
        let geometry = ConvolutionGeometry(
            batch: batch, channels: channels, height: height, width: width, filters: filterCount,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideHeight: stride.0, strideWidth: stride.1,
            paddingHeight: padding.0, paddingWidth: padding.1, dilationHeight: dilation.0, dilationWidth: dilation.1,
            groups: groups, outputHeight: (height + 2 * padding.0 - spanHeight) / stride.0 + 1,
            outputWidth: (width + 2 * padding.1 - spanWidth) / stride.1 + 1)
        let output = Tensor(uninitializedShape: [batch, filterCount, geometry.outputHeight, geometry.outputWidth], dtype: dtype)
        let input = contiguousData(self), filters = contiguousData(weight), shift = bias.map(contiguousData)
        switch dtype {
        case .float32: convolutionForward(Float.self, input, filters, shift, output, geometry)
        default: convolutionForward(Double.self, input, filters, shift, output, geometry)
        }
        return recordConvolution(output, self, weight, bias) {
            .convolution2d(self, weight: weight, bias: bias, geometry: geometry)
        }
    }

    private func checkConvolutionTypes(op: String, shapes: String, weight: Tensor, bias: Tensor?) {
        precondition(dtype.isFloatingPoint, "\(op): needs float32 or float64 tensors, got \(dtype) (\(shapes)); convert with .to(.float32)")
        precondition(weight.dtype == dtype, "\(op): the input is \(dtype) but the weight is \(weight.dtype); convert one first")
        if let bias { precondition(bias.dtype == dtype, "\(op): the input is \(dtype) but the bias is \(bias.dtype); convert one first") }
    }

    private func checkConvolutionSettings(op: String, stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), groups: Int) {
        precondition(stride.0 > 0 && stride.1 > 0, "\(op): the stride must be positive, got \(stride)")
        precondition(dilation.0 > 0 && dilation.1 > 0, "\(op): the dilation must be positive, got \(dilation)")
        precondition(padding.0 >= 0 && padding.1 >= 0, "\(op): the padding must not be negative, got \(padding)")
        precondition(groups > 0, "\(op): groups must be positive, got \(groups)")
    }
}

/// The elements of `tensor` as a contiguous tensor that records nothing (itself when possible).
func contiguousData(_ tensor: Tensor) -> Tensor {
    tensor.isContiguous ? tensor.detach() : copyToContiguous(tensor)
}

/// Records a convolution with an optional bias.
private func recordConvolution(_ result: Tensor, _ input: Tensor, _ weight: Tensor, _ bias: Tensor?,
                               _ record: () -> GradientRecord) -> Tensor {
    guard let bias else { return recordGradient(result, input, weight, record) }
    return recordGradient(result, inputs: [input, weight, bias], record)
}

private func convolutionForward<T: FloatElement>(_ type: T.Type, _ input: Tensor, _ weight: Tensor, _ bias: Tensor?,
                                                 _ output: Tensor, _ geometry: ConvolutionGeometry) {
    withExtendedLifetime((input, weight, bias)) {
        ConvolutionKernels.forward(image: input.pointer(as: T.self), weight: weight.pointer(as: T.self),
                                   bias: bias.map { UnsafePointer($0.pointer(as: T.self)) },
                                   output: output.pointer(as: T.self), geometry)
    }
}

private func transposedForward<T: FloatElement>(_ type: T.Type, _ input: Tensor, _ weight: Tensor, _ bias: Tensor?,
                                                _ output: Tensor, _ geometry: ConvolutionGeometry) {
    withExtendedLifetime((input, weight, bias)) {
        ConvolutionKernels.imageGradient(outputGradient: input.pointer(as: T.self), weight: weight.pointer(as: T.self),
                                         image: output.pointer(as: T.self), geometry)
        if let bias {
            ConvolutionKernels.addChannelBias(output.pointer(as: T.self), bias: bias.pointer(as: T.self), batch: geometry.batch,
                                              channels: geometry.channels, planeSize: geometry.planeSize)
        }
    }
}

// MARK: backward

/// Gradients of `conv2d` (and `conv1d`, which runs through it) given the output gradient `g`.
func convolution2dBackward(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry, _ g: Tensor) {
    switch input.dtype {
    case .float32: convolutionBackward(Float.self, transposed: false, input, weight, bias, geometry, g)
    default: convolutionBackward(Double.self, transposed: false, input, weight, bias, geometry, g)
    }
}

/// Gradients of `convTranspose2d` given the output gradient `g`.
func convolutionTranspose2dBackward(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry, _ g: Tensor) {
    switch input.dtype {
    case .float32: convolutionBackward(Float.self, transposed: true, input, weight, bias, geometry, g)
    default: convolutionBackward(Double.self, transposed: true, input, weight, bias, geometry, g)
    }
}

/// For the convolution, the image is the input and the filter side the output; for the transposed
/// convolution the other way round. The same three products serve both.
private func convolutionBackward<T: FloatElement>(_ type: T.Type, transposed: Bool, _ input: Tensor, _ weight: Tensor,
                                                  _ bias: Tensor?, _ geometry: ConvolutionGeometry, _ g: Tensor) {
    let gradient = contiguousData(g)
    let image = transposed ? gradient : contiguousData(input)
    let filterSide = transposed ? contiguousData(input) : gradient
    withExtendedLifetime((gradient, image, filterSide)) {
        if input.requiresGrad {
            let filters = contiguousData(weight)
            let result = Tensor(uninitializedShape: input.shape, dtype: input.dtype)
            withExtendedLifetime(filters) {
                if transposed {
                    ConvolutionKernels.forward(image: image.pointer(as: T.self), weight: filters.pointer(as: T.self), bias: nil,
                                               output: result.pointer(as: T.self), geometry)
                } else {
                    ConvolutionKernels.imageGradient(outputGradient: filterSide.pointer(as: T.self), weight: filters.pointer(as: T.self),
                                                     image: result.pointer(as: T.self), geometry)
                }
            }
            deliver(result, to: input)
        }
        if weight.requiresGrad {
            let result = Tensor(uninitializedShape: weight.shape, dtype: weight.dtype)
            ConvolutionKernels.weightGradient(image: image.pointer(as: T.self), outputGradient: filterSide.pointer(as: T.self),
                                              weightGradient: result.pointer(as: T.self), geometry)
            deliver(result, to: weight)
        }
        if let bias, bias.requiresGrad {
            let result = Tensor(uninitializedShape: bias.shape, dtype: bias.dtype)
            let (channels, planeSize) = transposed ? (geometry.channels, geometry.planeSize) : (geometry.filters, geometry.positions)
            ConvolutionKernels.channelSums(gradient.pointer(as: T.self), batch: geometry.batch, channels: channels,
                                           planeSize: planeSize, into: result.pointer(as: T.self))
            deliver(result, to: bias)
        }
    }
}

/// Resizing images `[N, C, H, W]` (or `[C, H, W]`) by nearest-neighbour or bilinear interpolation,
/// with PyTorch's index formulas (`aten/src/ATen/native/UpSample.h`).
///
/// Both are built from ``indexSelect(axis:index:)`` along the height and then the width, with the
/// interpolation weights as constant tensors, so their gradients (the transposed scatter) come from
/// the recorded index selections and products.
extension Tensor {
    /// Each output pixel copies the input pixel at `⌊i · scale⌋` (PyTorch's `"nearest"` mode, as
    /// `torch.nn.functional.interpolate(x, size:, scale_factor:, mode="nearest")`): give either the
    /// output `size` or a `scaleFactor` (the output is then `⌊H · scaleFactor.0⌋ × ⌊W · scaleFactor.1⌋`
    /// and the source index uses `1 / scaleFactor`, as PyTorch does).
    ///
    /// ```swift
    /// let image = Tensor.randn([1, 3, 4, 4])
    /// image.upsampleNearest2d(scaleFactor: (2, 2)).shape  // [1, 3, 8, 8]
    /// image.upsampleNearest2d(size: (5, 7)).shape         // [1, 3, 5, 7]
    /// ```
    public func upsampleNearest2d(size: (Int, Int)? = nil, scaleFactor: (Double, Double)? = nil) -> Tensor {
        let op = "upsampleNearest2d"
        let (outputHeight, outputWidth) = upsampleOutputSize(op: op, size: size, scaleFactor: scaleFactor)
        let (height, width) = (shape[rank - 2], shape[rank - 1])
        let rows = nearestSourceIndices(inputSize: height, outputSize: outputHeight, scaleFactor: scaleFactor?.0)
        let columns = nearestSourceIndices(inputSize: width, outputSize: outputWidth, scaleFactor: scaleFactor?.1)
        return indexSelect(axis: rank - 2, index: Tensor(rows.map(Int64.init)))
            .indexSelect(axis: rank - 1, index: Tensor(columns.map(Int64.init)))
    }

    /// Each output pixel mixes the four nearest input pixels with bilinear weights (PyTorch's
    /// `"bilinear"` mode): give either the output `size` or a `scaleFactor`. With `alignCorners`
    /// the corner pixels of input and output are aligned (source `i · (H − 1) / (outH − 1)`);
    /// without, pixel centres are (source `(i + ½) · scale − ½`, clamped at 0).
    ///
    /// ```swift
    /// let features = Tensor.randn([2, 16, 7, 7])
    /// features.upsampleBilinear2d(size: (14, 14), alignCorners: true).shape  // [2, 16, 14, 14]
    /// ```
    public func upsampleBilinear2d(size: (Int, Int)? = nil, scaleFactor: (Double, Double)? = nil,
                                   alignCorners: Bool = false) -> Tensor {
        let op = "upsampleBilinear2d"
        let (outputHeight, outputWidth) = upsampleOutputSize(op: op, size: size, scaleFactor: scaleFactor)
        let (height, width) = (shape[rank - 2], shape[rank - 1])
        let rows = linearSourceIndices(inputSize: height, outputSize: outputHeight, alignCorners: alignCorners,
                                       scaleFactor: scaleFactor?.0)
        let columns = linearSourceIndices(inputSize: width, outputSize: outputWidth, alignCorners: alignCorners,
                                          scaleFactor: scaleFactor?.1)
        // Rows first: every row of the output height is a blend of two input rows.
        let rowWeights = (Tensor(rows.lowWeight, dtype: dtype).reshaped([outputHeight, 1]),
                          Tensor(rows.highWeight, dtype: dtype).reshaped([outputHeight, 1]))
        let blendedRows = indexSelect(axis: rank - 2, index: Tensor(rows.low)) * rowWeights.0
            + indexSelect(axis: rank - 2, index: Tensor(rows.high)) * rowWeights.1
        let columnWeights = (Tensor(columns.lowWeight, dtype: dtype), Tensor(columns.highWeight, dtype: dtype))
        return blendedRows.indexSelect(axis: rank - 1, index: Tensor(columns.low)) * columnWeights.0
            + blendedRows.indexSelect(axis: rank - 1, index: Tensor(columns.high)) * columnWeights.1
    }

    /// Checks the input and the arguments; returns the output height and width.
    private func upsampleOutputSize(op: String, size: (Int, Int)?, scaleFactor: (Double, Double)?) -> (Int, Int) {
        precondition(rank == 3 || rank == 4, "\(op): expected an input [N, C, H, W] or [C, H, W], got shape \(describeShape(shape))")
        precondition(dtype.isFloatingPoint, "\(op): needs a float32 or float64 tensor, got \(dtype) (shape \(describeShape(shape)))")
        let (height, width) = (shape[rank - 2], shape[rank - 1])
        precondition(height > 0 && width > 0, "\(op): the input \(describeShape(shape)) has an empty plane")
        switch (size, scaleFactor) {
        case (let size?, nil):
            precondition(size.0 > 0 && size.1 > 0, "\(op): the output size must be positive, got \(size)")
            return size
        case (nil, let scale?):
            precondition(scale.0 > 0 && scale.1 > 0, "\(op): the scale factor must be positive, got \(scale)")
            let result = (Int((Double(height) * scale.0).rounded(.down)), Int((Double(width) * scale.1).rounded(.down)))
            precondition(result.0 > 0 && result.1 > 0,
                         "\(op): scale factor \(scale) makes the input \(describeShape(shape)) empty (\(result.0) × \(result.1))")
            return result
        default:
            preconditionFailure("\(op): give exactly one of size and scaleFactor (input shape \(describeShape(shape)))")
        }
    }

    /// The source row (or column) of each output position in nearest mode, with PyTorch's float32
    /// arithmetic (`nearest_idx`).
    private func nearestSourceIndices(inputSize: Int, outputSize: Int, scaleFactor: Double?) -> [Int] {
        if outputSize == inputSize { return Array(0..<outputSize) }
        if outputSize == 2 * inputSize { return (0..<outputSize).map { $0 >> 1 } }
        let scale: Float = scaleFactor.map { Float(1 / $0) } ?? Float(inputSize) / Float(outputSize)
        return (0..<outputSize).map { Swift.min(Int((Float($0) * scale).rounded(.down)), inputSize - 1) }
    }

    /// The two source rows (or columns) of each output position in bilinear mode and their
    /// weights, computed in the tensor's precision as PyTorch does.
    private func linearSourceIndices(inputSize: Int, outputSize: Int, alignCorners: Bool, scaleFactor: Double?)
        -> (low: [Int64], high: [Int64], lowWeight: [Double], highWeight: [Double]) {
        switch dtype {
        case .float32:
            return linearSourceIndices(Float.self, inputSize: inputSize, outputSize: outputSize,
                                       alignCorners: alignCorners, scaleFactor: scaleFactor)
        default:
            return linearSourceIndices(Double.self, inputSize: inputSize, outputSize: outputSize,
                                       alignCorners: alignCorners, scaleFactor: scaleFactor)
        }
    }

    private func linearSourceIndices<T: BinaryFloatingPoint>(
        _ type: T.Type, inputSize: Int, outputSize: Int, alignCorners: Bool, scaleFactor: Double?
    ) -> (low: [Int64], high: [Int64], lowWeight: [Double], highWeight: [Double]) {
        // area_pixel_compute_scale
        let scale: T
        if alignCorners {
            scale = outputSize > 1 ? T(inputSize - 1) / T(outputSize - 1) : 0
        } else {
            scale = scaleFactor.map { T(1 / $0) } ?? T(inputSize) / T(outputSize)
        }
        var result: (low: [Int64], high: [Int64], lowWeight: [Double], highWeight: [Double]) = ([], [], [], [])
        for index in 0..<outputSize {
            // area_pixel_compute_source_index (not cubic): clamped at 0 without aligned corners.
            let source = alignCorners ? scale * T(index) : Swift.max(scale * (T(index) + 0.5) - 0.5, 0)
            let low = Int(source)
            let high = low + (low < inputSize - 1 ? 1 : 0)
            let highWeight = Swift.min(Swift.max(source - T(low), 0), 1)
            result.low.append(Int64(low))
            result.high.append(Int64(high))
            result.lowWeight.append(Double(1 - highWeight))
            result.highWeight.append(Double(highWeight))
        }
        return result
    }
}

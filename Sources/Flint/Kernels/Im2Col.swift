/// The sizes of one 2-D convolution seen as a matrix product.
///
/// An image of `channels` planes of `height` × `width` is unfolded (im2col) into a matrix with
/// one row per (channel, kernel row, kernel column) and one column per position of the
/// `outputHeight` × `outputWidth` grid; each group of `filters / groups` filters is a matrix of
/// `groupRows` columns that multiplies its group's rows.
///
/// For ``Tensor/conv2d(_:bias:stride:padding:dilation:groups:)`` the image is the input and the
/// filters are the output channels. The transposed convolution is the same product run
/// backwards: its *output* is the image and its input channels are the filters. Either way the
/// weight is laid out `[filters, channels / groups, kernelHeight, kernelWidth]`.
struct ConvolutionGeometry: Sendable {
    var batch: Int
    var channels: Int
    var height: Int
    var width: Int
    var filters: Int
    var kernelHeight: Int
    var kernelWidth: Int
    var strideHeight: Int
    var strideWidth: Int
    var paddingHeight: Int
    var paddingWidth: Int
    var dilationHeight: Int
    var dilationWidth: Int
    var groups: Int
    var outputHeight: Int
    var outputWidth: Int

    /// Elements in one image plane.
    var planeSize: Int { height * width }
    /// Positions of the output grid (columns per sample).
    var positions: Int { outputHeight * outputWidth }
    /// Rows of the unfolded image for one group: (channels / groups) · kernel area.
    var groupRows: Int { channels / groups * kernelHeight * kernelWidth }
    /// Rows of the unfolded image for all groups.
    var rows: Int { channels * kernelHeight * kernelWidth }
    /// Filters in one group.
    var groupFilters: Int { filters / groups }
    /// Elements of one sample of the image.
    var imageSampleSize: Int { channels * planeSize }
    /// Elements of one sample on the filter side (`filters` × positions).
    var filterSampleSize: Int { filters * positions }
}

/// The convolution products on raw buffers: unfold with im2col, multiply with one GEMM per group
/// over a block of samples, fold back with col2im. All buffers are contiguous NCHW.
enum ConvolutionKernels {
    /// The most elements the unfolded-image buffer may hold; the batch is processed in blocks of
    /// as many samples as fit (at least one).
    static let columnElementBudget = 1 << 22

    /// How many samples go through one GEMM together.
    static func samplesPerBlock(_ geometry: ConvolutionGeometry) -> Int {
        let perSample = Swift.max(1, geometry.rows * geometry.positions)
        return Swift.max(1, Swift.min(geometry.batch, columnElementBudget / perSample))
    }

    /// Runs `body` with the scratch buffers of a pass over the batch in blocks of `block` samples:
    /// the unfolded columns (`[rows, block · positions]`) and, for blocks of more than one sample,
    /// a filter-major buffer (`[filters, block · positions]`); both come from and go back to the
    /// memory cache.
    private static func withScratchBuffers<T>(_ type: T.Type, block: Int, _ geometry: ConvolutionGeometry,
                                              _ body: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>?) -> Void) {
        let columnCount = geometry.rows * block * geometry.positions
        let columns = HostMemoryCache.shared.allocate(T.self, count: columnCount)
        defer { HostMemoryCache.shared.release(columns, count: columnCount) }
        let filterMajorCount = geometry.filters * block * geometry.positions
        let filterMajor = block > 1 ? HostMemoryCache.shared.allocate(T.self, count: filterMajorCount) : nil
        defer { filterMajor.map { HostMemoryCache.shared.release($0, count: filterMajorCount) } }
        body(columns, filterMajor)
    }

    /// `output[n, f, position] = Σ weight[f, row] · unfold(image[n])[row, position] (+ bias[f])`:
    /// the forward convolution (and the input gradient of the transposed one).
    static func forward<T: FloatElement>(image: UnsafePointer<T>, weight: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                         output: UnsafeMutablePointer<T>, _ geometry: ConvolutionGeometry) {
        let block = samplesPerBlock(geometry)
        let positions = geometry.positions
        withScratchBuffers(T.self, block: block, geometry) { columns, product in
            var first = 0
            while first < geometry.batch {
                let count = Swift.min(block, geometry.batch - first)
                let width = count * positions
                unfold(image + first * geometry.imageSampleSize, count: count, into: columns, rowStride: width, geometry)
                // With one sample the product's layout [filters, positions] is the output's.
                let target = product ?? output + first * geometry.filterSampleSize
                for group in 0..<geometry.groups {
                    GEMM.multiply(transposeA: false, transposeB: false, m: geometry.groupFilters, n: width, k: geometry.groupRows,
                                  alpha: T(1), a: weight + group * geometry.groupFilters * geometry.groupRows, lda: geometry.groupRows,
                                  b: columns + group * geometry.groupRows * width, ldb: width,
                                  beta: T(0), c: target + group * geometry.groupFilters * width, ldc: width)
                }
                if product != nil || bias != nil {
                    addBiasAndScatter(product, bias: bias, into: output + first * geometry.filterSampleSize,
                                      count: count, geometry)
                }
                first += count
            }
        }
    }

    /// `image[n] = fold(weightᵀ · gradient[n])`: the input gradient of the convolution (and the
    /// forward transposed convolution). Overwrites `image`.
    static func imageGradient<T: FloatElement>(outputGradient: UnsafePointer<T>, weight: UnsafePointer<T>,
                                               image: UnsafeMutablePointer<T>, _ geometry: ConvolutionGeometry) {
        let block = samplesPerBlock(geometry)
        let positions = geometry.positions
        withScratchBuffers(T.self, block: block, geometry) { columns, gathered in
            var first = 0
            while first < geometry.batch {
                let count = Swift.min(block, geometry.batch - first)
                let width = count * positions
                let gradient = filterMajor(outputGradient + first * geometry.filterSampleSize, count: count,
                                           buffer: gathered, geometry)
                for group in 0..<geometry.groups {
                    GEMM.multiply(transposeA: true, transposeB: false, m: geometry.groupRows, n: width, k: geometry.groupFilters,
                                  alpha: T(1), a: weight + group * geometry.groupFilters * geometry.groupRows, lda: geometry.groupRows,
                                  b: gradient + group * geometry.groupFilters * width, ldb: width,
                                  beta: T(0), c: columns + group * geometry.groupRows * width, ldc: width)
                }
                fold(columns, rowStride: width, count: count, into: image + first * geometry.imageSampleSize, geometry)
                first += count
            }
        }
    }

    /// `weightGradient[f, row] = Σₙ gradient[n, f, :] · unfold(image[n])[row, :]`. Overwrites
    /// `weightGradient` (`[filters, groupRows]`).
    static func weightGradient<T: FloatElement>(image: UnsafePointer<T>, outputGradient: UnsafePointer<T>,
                                                weightGradient: UnsafeMutablePointer<T>, _ geometry: ConvolutionGeometry) {
        let block = samplesPerBlock(geometry)
        let positions = geometry.positions
        withScratchBuffers(T.self, block: block, geometry) { columns, gathered in
            if geometry.batch == 0 || positions == 0 {
                weightGradient.update(repeating: 0, count: geometry.filters * geometry.groupRows)
                return
            }
            var first = 0
            while first < geometry.batch {
                let count = Swift.min(block, geometry.batch - first)
                let width = count * positions
                unfold(image + first * geometry.imageSampleSize, count: count, into: columns, rowStride: width, geometry)
                let gradient = filterMajor(outputGradient + first * geometry.filterSampleSize, count: count,
                                           buffer: gathered, geometry)
                for group in 0..<geometry.groups {
                    GEMM.multiply(transposeA: false, transposeB: true, m: geometry.groupFilters, n: geometry.groupRows, k: width,
                                  alpha: T(1), a: gradient + group * geometry.groupFilters * width, lda: width,
                                  b: columns + group * geometry.groupRows * width, ldb: width,
                                  beta: first == 0 ? T(0) : T(1),
                                  c: weightGradient + group * geometry.groupFilters * geometry.groupRows, ldc: geometry.groupRows)
                }
                first += count
            }
        }
    }

    /// `result[c] = Σ over samples and plane positions of values[n, c, :]` for `values` shaped
    /// `[batch, channels, planeSize]`.
    static func channelSums<T: FloatElement>(_ values: UnsafePointer<T>, batch: Int, channels: Int, planeSize: Int,
                                             into result: UnsafeMutablePointer<T>) {
        parallelChunks(channels, costPerItem: batch * planeSize) { range in
            for channel in range {
                var total: T = 0
                for sample in 0..<batch {
                    let plane = values + (sample * channels + channel) * planeSize
                    for position in 0..<planeSize { total += plane[position] }
                }
                result[channel] = total
            }
        }
    }

    /// `values[n, c, :] += bias[c]` for `values` shaped `[batch, channels, planeSize]`.
    static func addChannelBias<T: FloatElement>(_ values: UnsafeMutablePointer<T>, bias: UnsafePointer<T>, batch: Int,
                                                channels: Int, planeSize: Int) {
        parallelChunks(batch * channels, costPerItem: planeSize) { range in
            for item in range {
                let shift = bias[item % channels]
                let plane = values + item * planeSize
                for position in 0..<planeSize { plane[position] += shift }
            }
        }
    }

    /// Copies a `[filters, count · positions]` product (when given) into `count` samples of
    /// `[filters, positions]` at `destination`, adding `bias[filter]` (when given).
    private static func addBiasAndScatter<T: FloatElement>(_ product: UnsafeMutablePointer<T>?, bias: UnsafePointer<T>?,
                                                           into destination: UnsafeMutablePointer<T>, count: Int,
                                                           _ geometry: ConvolutionGeometry) {
        let positions = geometry.positions, filters = geometry.filters
        let width = count * positions
        parallelChunks(count * filters, costPerItem: positions) { range in
            for item in range {
                let sample = item / filters, filter = item % filters
                let row = destination + item * positions
                let shift = bias?[filter] ?? 0
                if let product {
                    let source = product + filter * width + sample * positions
                    for position in 0..<positions { row[position] = source[position] + shift }
                } else {
                    for position in 0..<positions { row[position] += shift }
                }
            }
        }
    }

    /// `count` samples of `[filters, positions]` rearranged as one `[filters, count · positions]`
    /// matrix in `buffer`; the samples themselves when there is only one.
    private static func filterMajor<T>(_ values: UnsafePointer<T>, count: Int, buffer: UnsafeMutablePointer<T>?,
                                       _ geometry: ConvolutionGeometry) -> UnsafePointer<T> {
        guard count > 1, let buffer else { return values }
        let positions = geometry.positions, filters = geometry.filters
        let width = count * positions
        parallelChunks(count * filters, costPerItem: positions) { range in
            for item in range {
                let sample = item / filters, filter = item % filters
                (buffer + filter * width + sample * positions).update(from: values + item * positions, count: positions)
            }
        }
        return UnsafePointer(buffer)
    }

    /// im2col for `count` samples: row `(c · kH + i) · kW + j`, column `sample · positions + p`
    /// holds the image value under kernel tap (i, j) at output position p (zero in the padding).
    private static func unfold<T: FloatElement>(_ image: UnsafePointer<T>, count: Int, into columns: UnsafeMutablePointer<T>,
                                                rowStride: Int, _ geometry: ConvolutionGeometry) {
        parallelChunks(count, costPerItem: geometry.rows * geometry.positions) { samples in
            for sample in samples {
                unfoldSample(image + sample * geometry.imageSampleSize, into: columns + sample * geometry.positions,
                             rowStride: rowStride, geometry)
            }
        }
    }

    /// col2im for `count` samples: each image element receives the sum of the column entries that
    /// were read from it. Overwrites the images.
    private static func fold<T: FloatElement>(_ columns: UnsafePointer<T>, rowStride: Int, count: Int,
                                              into image: UnsafeMutablePointer<T>, _ geometry: ConvolutionGeometry) {
        parallelChunks(count, costPerItem: geometry.rows * geometry.positions) { samples in
            for sample in samples {
                let target = image + sample * geometry.imageSampleSize
                target.update(repeating: 0, count: geometry.imageSampleSize)
                foldSample(columns + sample * geometry.positions, rowStride: rowStride, into: target, geometry)
            }
        }
    }

    /// The output columns `[start, end)` whose input column `column · stride + offset` lies in `0..<size`.
    @inline(__always)
    private static func validRange(offset: Int, stride: Int, size: Int, count: Int) -> (start: Int, end: Int) {
        let start = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let remaining = size - offset
        let end = remaining <= 0 ? 0 : (remaining + stride - 1) / stride
        let clampedStart = Swift.min(start, count)
        return (clampedStart, Swift.max(clampedStart, Swift.min(end, count)))
    }

    private static func unfoldSample<T: FloatElement>(_ image: UnsafePointer<T>, into columns: UnsafeMutablePointer<T>,
                                                      rowStride: Int, _ g: ConvolutionGeometry) {
        let outputWidth = g.outputWidth, strideWidth = g.strideWidth
        for channel in 0..<g.channels {
            let plane = image + channel * g.planeSize
            for kernelRow in 0..<g.kernelHeight {
                for kernelColumn in 0..<g.kernelWidth {
                    let row = columns + ((channel * g.kernelHeight + kernelRow) * g.kernelWidth + kernelColumn) * rowStride
                    let columnOffset = kernelColumn * g.dilationWidth - g.paddingWidth
                    let (start, end) = validRange(offset: columnOffset, stride: strideWidth, size: g.width, count: outputWidth)
                    for outputRow in 0..<g.outputHeight {
                        let destination = row + outputRow * outputWidth
                        let inputRow = outputRow * g.strideHeight - g.paddingHeight + kernelRow * g.dilationHeight
                        if inputRow < 0 || inputRow >= g.height {
                            destination.update(repeating: 0, count: outputWidth)
                            continue
                        }
                        let source = plane + inputRow * g.width + columnOffset
                        for column in 0..<start { destination[column] = 0 }
                        if strideWidth == 1 {
                            for column in start..<end { destination[column] = source[column] }
                        } else {
                            for column in start..<end { destination[column] = source[column * strideWidth] }
                        }
                        for column in end..<outputWidth { destination[column] = 0 }
                    }
                }
            }
        }
    }

    private static func foldSample<T: FloatElement>(_ columns: UnsafePointer<T>, rowStride: Int,
                                                    into image: UnsafeMutablePointer<T>, _ g: ConvolutionGeometry) {
        let outputWidth = g.outputWidth, strideWidth = g.strideWidth
        for channel in 0..<g.channels {
            let plane = image + channel * g.planeSize
            for kernelRow in 0..<g.kernelHeight {
                for kernelColumn in 0..<g.kernelWidth {
                    let row = columns + ((channel * g.kernelHeight + kernelRow) * g.kernelWidth + kernelColumn) * rowStride
                    let columnOffset = kernelColumn * g.dilationWidth - g.paddingWidth
                    let (start, end) = validRange(offset: columnOffset, stride: strideWidth, size: g.width, count: outputWidth)
                    if start >= end { continue }
                    for outputRow in 0..<g.outputHeight {
                        let inputRow = outputRow * g.strideHeight - g.paddingHeight + kernelRow * g.dilationHeight
                        if inputRow < 0 || inputRow >= g.height { continue }
                        let source = row + outputRow * outputWidth
                        let destination = plane + inputRow * g.width + columnOffset
                        if strideWidth == 1 {
                            for column in start..<end { destination[column] += source[column] }
                        } else {
                            for column in start..<end { destination[column * strideWidth] += source[column] }
                        }
                    }
                }
            }
        }
    }
}

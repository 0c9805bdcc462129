/// The sizes of a 2-D pooling: `planes` independent `height` × `width` planes (every leading
/// dimension merged), windows of `kernelHeight` × `kernelWidth` taps spaced by the dilation,
/// moved by the stride over the padded plane.
struct PoolingGeometry: Sendable {
    var planes: Int
    var height: Int
    var width: Int
    var kernelHeight: Int
    var kernelWidth: Int
    var strideHeight: Int
    var strideWidth: Int
    var paddingHeight: Int
    var paddingWidth: Int
    var dilationHeight: Int
    var dilationWidth: Int
    var outputHeight: Int
    var outputWidth: Int
    /// The input's dimensions before the last two (`[N, C]` or `[C]`).
    var leadingShape: [Int] = []

    var planeSize: Int { height * width }
    var outputPlaneSize: Int { outputHeight * outputWidth }
}

/// Pooling loops over contiguous planes, split across threads by plane.
enum PoolingKernels {
    /// Max pooling; `indices` receives each maximum's flat position in its input plane, as PyTorch's.
    ///
    /// The window is clipped to the plane before the scan, so the inner loop is a branch-free
    /// running maximum; windows holding a NaN are scanned again with PyTorch's NaN rule.
    static func maxForward<T: FloatElement>(_ input: Tensor, _ output: Tensor, _ indices: Tensor,
                                            _ g: PoolingGeometry, _ type: T.Type) {
        withExtendedLifetime(input) {
            let source = input.pointer(as: T.self), destination = output.pointer(as: T.self)
            let positions = indices.pointer(as: Int64.self)
            let (width, dilationWidth) = (g.width, g.dilationWidth)
            parallelChunks(g.planes, costPerItem: g.outputPlaneSize * g.kernelHeight * g.kernelWidth) { planes in
                for plane in planes {
                    let image = source + plane * g.planeSize
                    let out = destination + plane * g.outputPlaneSize
                    let maxima = positions + plane * g.outputPlaneSize
                    for outputRow in 0..<g.outputHeight {
                        let top = outputRow * g.strideHeight - g.paddingHeight
                        let rows = tapRange(start: top, dilation: g.dilationHeight, taps: g.kernelHeight, size: g.height)
                        for outputColumn in 0..<g.outputWidth {
                            let left = outputColumn * g.strideWidth - g.paddingWidth
                            let columns = tapRange(start: left, dilation: dilationWidth, taps: g.kernelWidth, size: width)
                            // PyTorch starts from the window's first element inside the plane.
                            var best = -T.infinity
                            var bestIndex = (top + rows.lowerBound * g.dilationHeight) * width + left + columns.lowerBound * dilationWidth
                            var sawNaN = false
                            for kernelRow in rows {
                                let rowBase = (top + kernelRow * g.dilationHeight) * width + left
                                for kernelColumn in columns {
                                    let index = rowBase + kernelColumn * dilationWidth
                                    let value = image[index]
                                    let greater = value > best
                                    best = greater ? value : best
                                    bestIndex = greater ? index : bestIndex
                                    sawNaN = sawNaN || value != value
                                }
                            }
                            if sawNaN {
                                for kernelRow in rows {
                                    let rowBase = (top + kernelRow * g.dilationHeight) * width + left
                                    for kernelColumn in columns {
                                        let index = rowBase + kernelColumn * dilationWidth
                                        if image[index].isNaN { best = image[index]; bestIndex = index }
                                    }
                                }
                            }
                            out[outputRow * g.outputWidth + outputColumn] = best
                            maxima[outputRow * g.outputWidth + outputColumn] = Int64(bestIndex)
                        }
                    }
                }
            }
        }
    }

    /// The kernel taps `k` whose position `start + k · dilation` lies in `0..<size`.
    @inline(__always)
    private static func tapRange(start: Int, dilation: Int, taps: Int, size: Int) -> Range<Int> {
        var first = 0
        while first < taps && start + first * dilation < 0 { first += 1 }
        var end = taps
        while end > first && start + (end - 1) * dilation >= size { end -= 1 }
        return first..<end
    }

    /// Max pooling's gradient: `result[plane][indices[o]] += gradient[o]`. Overwrites `result`.
    static func maxBackward<T: FloatElement>(_ gradient: Tensor, _ indices: Tensor, _ result: Tensor,
                                             _ g: PoolingGeometry, _ type: T.Type) {
        withExtendedLifetime((gradient, indices)) {
            let source = gradient.pointer(as: T.self), destination = result.pointer(as: T.self)
            let positions = indices.pointer(as: Int64.self)
            parallelChunks(g.planes, costPerItem: g.planeSize + g.outputPlaneSize) { planes in
                for plane in planes {
                    let image = destination + plane * g.planeSize
                    image.update(repeating: 0, count: g.planeSize)
                    let incoming = source + plane * g.outputPlaneSize
                    let maxima = positions + plane * g.outputPlaneSize
                    for position in 0..<g.outputPlaneSize where maxima[position] >= 0 {
                        image[Int(maxima[position])] += incoming[position]
                    }
                }
            }
        }
    }

    /// The window of output position (`outputRow`, `outputColumn`) clipped to the plane, and the
    /// count its sum is divided by (PyTorch's `avg_pool2d` rule).
    @inline(__always)
    private static func averageWindow(_ outputRow: Int, _ outputColumn: Int, _ g: PoolingGeometry,
                                      _ countIncludePad: Bool) -> (rows: Range<Int>, columns: Range<Int>, divisor: Int) {
        var top = outputRow * g.strideHeight - g.paddingHeight
        var left = outputColumn * g.strideWidth - g.paddingWidth
        var bottom = Swift.min(top + g.kernelHeight, g.height + g.paddingHeight)
        var right = Swift.min(left + g.kernelWidth, g.width + g.paddingWidth)
        let paddedCount = (bottom - top) * (right - left)
        top = Swift.max(top, 0)
        left = Swift.max(left, 0)
        bottom = Swift.min(bottom, g.height)
        right = Swift.min(right, g.width)
        if top >= bottom || left >= right { return (0..<0, 0..<0, 1) }
        return (top..<bottom, left..<right, countIncludePad ? paddedCount : (bottom - top) * (right - left))
    }

    /// Average pooling.
    static func averageForward<T: FloatElement>(_ input: Tensor, _ output: Tensor, _ g: PoolingGeometry,
                                                _ countIncludePad: Bool, _ type: T.Type) {
        withExtendedLifetime(input) {
            let source = input.pointer(as: T.self), destination = output.pointer(as: T.self)
            parallelChunks(g.planes, costPerItem: g.outputPlaneSize * g.kernelHeight * g.kernelWidth) { planes in
                for plane in planes {
                    let image = source + plane * g.planeSize
                    let out = destination + plane * g.outputPlaneSize
                    for outputRow in 0..<g.outputHeight {
                        for outputColumn in 0..<g.outputWidth {
                            let window = averageWindow(outputRow, outputColumn, g, countIncludePad)
                            var total: T = 0
                            for row in window.rows {
                                for column in window.columns { total += image[row * g.width + column] }
                            }
                            out[outputRow * g.outputWidth + outputColumn] = total / T(window.divisor)
                        }
                    }
                }
            }
        }
    }

    /// Average pooling's gradient. Overwrites `result`.
    static func averageBackward<T: FloatElement>(_ gradient: Tensor, _ result: Tensor, _ g: PoolingGeometry,
                                                 _ countIncludePad: Bool, _ type: T.Type) {
        withExtendedLifetime(gradient) {
            let source = gradient.pointer(as: T.self), destination = result.pointer(as: T.self)
            parallelChunks(g.planes, costPerItem: g.outputPlaneSize * g.kernelHeight * g.kernelWidth) { planes in
                for plane in planes {
                    let image = destination + plane * g.planeSize
                    image.update(repeating: 0, count: g.planeSize)
                    let incoming = source + plane * g.outputPlaneSize
                    for outputRow in 0..<g.outputHeight {
                        for outputColumn in 0..<g.outputWidth {
                            let window = averageWindow(outputRow, outputColumn, g, countIncludePad)
                            let share = incoming[outputRow * g.outputWidth + outputColumn] / T(window.divisor)
                            for row in window.rows {
                                for column in window.columns { image[row * g.width + column] += share }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adaptive average pooling between `image` (`[planes, height, width]`) and `pooled`
    /// (`[planes, outputHeight, outputWidth]`): forward writes `pooled`; backward overwrites `image`
    /// with the gradient spread from `pooled`.
    static func adaptiveAverage<T: FloatElement>(_ image: Tensor, _ pooled: Tensor, _ g: PoolingGeometry,
                                                 backward: Bool, _ type: T.Type) {
        withExtendedLifetime((image, pooled)) {
            let planesPointer = image.pointer(as: T.self), pooledPointer = pooled.pointer(as: T.self)
            parallelChunks(g.planes, costPerItem: g.planeSize + g.outputPlaneSize) { planes in
                for plane in planes {
                    let picture = planesPointer + plane * g.planeSize
                    let summary = pooledPointer + plane * g.outputPlaneSize
                    if backward { picture.update(repeating: 0, count: g.planeSize) }
                    for outputRow in 0..<g.outputHeight {
                        let top = outputRow * g.height / g.outputHeight
                        let bottom = ((outputRow + 1) * g.height + g.outputHeight - 1) / g.outputHeight
                        for outputColumn in 0..<g.outputWidth {
                            let left = outputColumn * g.width / g.outputWidth
                            let right = ((outputColumn + 1) * g.width + g.outputWidth - 1) / g.outputWidth
                            let area = T((bottom - top) * (right - left))
                            let slot = outputRow * g.outputWidth + outputColumn
                            if backward {
                                let share = summary[slot] / area
                                for row in top..<bottom {
                                    for column in left..<right { picture[row * g.width + column] += share }
                                }
                            } else {
                                var total: T = 0
                                for row in top..<bottom {
                                    for column in left..<right { total += picture[row * g.width + column] }
                                }
                                summary[slot] = total / area
                            }
                        }
                    }
                }
            }
        }
    }
}

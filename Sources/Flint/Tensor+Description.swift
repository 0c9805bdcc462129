import Foundation

extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// A readable rendering like PyTorch's: nested brackets, aligned numbers, the dtype when it
    /// is not float32, and `...` in place of the middle of large tensors.
    ///
    /// ```swift
    /// print(Tensor([[1.0, 2.5], [3.0, 4.0]]))
    /// // tensor([[1.0000, 2.5000],
    /// //         [3.0000, 4.0000]], dtype: float64)
    /// ```
    public var description: String {
        let summarize = count > 1000
        let values = withoutGradients { scalars(as: Double.self) }
        let formatter = ElementFormatter(values: summarize ? Array(values.prefix(500) + values.suffix(500)) : values, dtype: dtype)
        var body = ""
        if rank == 0 {
            body = formatter.format(values.first ?? 0)
        } else {
            body = render(values: values, axis: 0, offset: 0, indent: 7, summarize: summarize, formatter: formatter)
        }
        var suffix = ""
        if ![.float32, .int64, .bool].contains(dtype) { suffix += ", dtype: \(dtype)" }
        if summarize || (count == 0 && rank > 1) { suffix += ", shape: \(describeShape(shape))" }
        if requiresGrad { suffix += impl.isComputed ? ", gradient recorded" : ", requiresGrad: true" }
        return "tensor(\(body)\(suffix))"
    }

    /// The description plus the layout (shape, strides, offset, contiguity).
    ///
    /// ```swift
    /// debugPrint(Tensor.zeros([2, 2]).transposed())
    /// ```
    public var debugDescription: String {
        "\(description) shape: \(describeShape(shape)) strides: \(describeShape(strides)) offset: \(offset) contiguous: \(isContiguous)"
    }

    private func render(values: [Double], axis: Int, offset: Int, indent: Int, summarize: Bool,
                        formatter: ElementFormatter) -> String {
        let size = shape[axis]
        let blockSize = shape[(axis + 1)...].reduce(1, *)
        let edge = 3
        let positions: [Int?] = summarize && size > 2 * edge
            ? Array(0..<edge).map { Optional($0) } + [nil] + Array((size - edge)..<size).map { Optional($0) }
            : Array(0..<size).map { Optional($0) }
        if axis == rank - 1 {
            let items = positions.map { position -> String in
                guard let position else { return "..." }
                return formatter.format(values[offset + position])
            }
            return "[" + items.joined(separator: ", ") + "]"
        }
        let separator = "," + String(repeating: "\n", count: rank - axis - 1) + String(repeating: " ", count: indent + 1)
        let items = positions.map { position -> String in
            guard let position else { return "..." }
            return render(values: values, axis: axis + 1, offset: offset + position * blockSize, indent: indent + 1,
                          summarize: summarize, formatter: formatter)
        }
        return "[" + items.joined(separator: separator) + "]"
    }
}

/// Chooses one number format for all elements, as PyTorch does.
private struct ElementFormatter {
    let dtype: DType
    let useScientific: Bool

    /// The width every element is right-aligned to.
    private(set) var width = 0

    init(values: [Double], dtype: DType) {
        self.dtype = dtype
        let finite = values.filter { $0.isFinite }.map { Swift.abs($0) }
        let largest = finite.max() ?? 0
        let smallest = finite.filter { $0 > 0 }.min() ?? 1
        useScientific = dtype.isFloatingPoint && (largest >= 1e8 || (smallest < 1e-4 && largest > 0))
        width = values.map { plain($0).count }.max() ?? 0
    }

    func format(_ value: Double) -> String {
        let text = plain(value)
        return text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    private func plain(_ value: Double) -> String {
        switch dtype {
        case .bool: return value != 0 ? "true" : "false"
        case .int32, .int64, .int8, .uint8: return String(Int64(value))
        case .float32, .float64:
            if value.isNaN { return "nan" }
            if value.isInfinite { return value > 0 ? "inf" : "-inf" }
            return useScientific ? String(format: "%.4e", value) : String(format: "%.4f", value)
        }
    }
}

import Flint
import FlintNN

/// Tensor operations for custom models' ``ONNXExportable`` conformances: each adds ONNX nodes and
/// computes Flint's value on the example input, keeping track of the batch axis.
extension ONNXGraphBuilder {
    /// Reshapes `value` to `shape` (one entry may be -1). The batch axis stays dynamic when it is
    /// axis 0 before and after: give its example size (or 0) there.
    ///
    /// ```swift
    /// let flat = try graph.reshape(features, to: [features.shape[0], -1])
    /// ```
    public func reshape(_ value: ONNXValue, to shape: [Int]) throws -> ONNXValue {
        var target = shape
        if value.batchAxis == 0, let first = target.first, first == 0 || first == value.shape[0] { target[0] = 0 }
        let exampleShape = target.enumerated().map { $0.offset == 0 && $0.element == 0 ? value.shape[0] : $0.element }
        let known = exampleShape.filter { $0 != -1 }.reduce(1, *)
        guard exampleShape.filter({ $0 == -1 }).count <= 1,
              exampleShape.contains(-1) ? known > 0 && value.example.count % known == 0 : known == value.example.count else {
            throw ONNXExportError.invalidArgument("reshape at '\(currentPath)': cannot reshape \(value.shape) to \(shape)")
        }
        let output = node("Reshape", [value.name, constant(int64s: target)])[0]
        let batch = target.first == 0 ? 0 : nil
        return ONNXValue(name: output, example: value.example.reshaped(exampleShape), batchAxis: batch)
    }

    /// Permutes the axes of `value` (`permutation[i]` is the input axis that becomes axis i).
    ///
    /// ```swift
    /// let timeFirst = graph.transpose(sequence, permutation: [1, 0, 2])
    /// ```
    public func transpose(_ value: ONNXValue, permutation: [Int]) -> ONNXValue {
        let output = node("Transpose", [value.name], attributes: [.ints("perm", permutation)])[0]
        let batch = value.batchAxis.flatMap { permutation.firstIndex(of: $0) }
        return ONNXValue(name: output, example: value.example.permuted(permutation), batchAxis: batch)
    }

    /// Joins `values` along `axis` (negative counts from the end).
    ///
    /// ```swift
    /// let both = try graph.concatenate([left, right], axis: -1)
    /// ```
    public func concatenate(_ values: [ONNXValue], axis: Int) throws -> ONNXValue {
        guard let first = values.first else {
            throw ONNXExportError.invalidArgument("concatenate at '\(currentPath)': needs at least one value")
        }
        let resolved = axis < 0 ? axis + first.rank : axis
        let output = node("Concat", values.map(\.name), attributes: [.int("axis", resolved)])[0]
        return ONNXValue(name: output, example: Tensor.concatenate(values.map(\.example), axis: resolved),
                         batchAxis: first.batchAxis)
    }

    /// Flattens axes `startAxis...endAxis` into one (Flint's `flattened`), keeping a leading batch dynamic.
    ///
    /// ```swift
    /// let flat = try graph.flatten(features, startAxis: 1)
    /// ```
    public func flatten(_ value: ONNXValue, startAxis: Int = 1, endAxis: Int = -1) throws -> ONNXValue {
        let rank = value.rank
        let start = startAxis < 0 ? startAxis + rank : startAxis, end = endAxis < 0 ? endAxis + rank : endAxis
        let example = value.example.flattened(startAxis: startAxis, endAxis: endAxis)
        // Axes before `start` keep their index, so 0 ("copy") keeps them dynamic.
        let target = (0..<start).map { _ in 0 } + [-1] + Array(value.shape[(end + 1)...])
        let output = node("Reshape", [value.name, constant(int64s: target)])[0]
        let batch = value.batchAxis.map { $0 < start ? $0 : ($0 <= end ? start : $0 - (end - start)) }
        return ONNXValue(name: output, example: example, batchAxis: batch)
    }

    /// The slice `index` of `axis`, with that axis removed (Gather), like `x[:, -1]` for `axis: 1, index: -1`.
    ///
    /// ```swift
    /// let lastStep = graph.select(sequence, axis: 1, index: -1)
    /// ```
    public func select(_ value: ONNXValue, axis: Int, index: Int) -> ONNXValue {
        let resolvedAxis = axis < 0 ? axis + value.rank : axis
        let resolvedIndex = index < 0 ? index + value.shape[resolvedAxis] : index
        let indexName = constant(Tensor(Int64(index), dtype: .int64), hint: "index")
        let output = node("Gather", [value.name, indexName], attributes: [.int("axis", resolvedAxis)])[0]
        let example = value.example.indexSelect(axis: resolvedAxis, index: Tensor([Int64(resolvedIndex)])).squeezed(axis: resolvedAxis)
        let batch = value.batchAxis.flatMap { $0 == resolvedAxis ? nil : ($0 > resolvedAxis ? $0 - 1 : $0) }
        return ONNXValue(name: output, example: example, batchAxis: batch)
    }

    /// `left + right` with broadcasting.
    ///
    /// ```swift
    /// let sum = graph.add(residual, shortcut)
    /// ```
    public func add(_ left: ONNXValue, _ right: ONNXValue) -> ONNXValue {
        binary("Add", left, right, left.example + right.example)
    }

    /// `left * right` with broadcasting.
    ///
    /// ```swift
    /// let gated = graph.multiply(values, gates)
    /// ```
    public func multiply(_ left: ONNXValue, _ right: ONNXValue) -> ONNXValue {
        binary("Mul", left, right, left.example * right.example)
    }

    /// The matrix product of `left` and `right` (batched over leading axes).
    ///
    /// ```swift
    /// let scores = graph.matmul(queries, keys)
    /// ```
    public func matmul(_ left: ONNXValue, _ right: ONNXValue) -> ONNXValue {
        binary("MatMul", left, right, left.example.matmul(right.example))
    }

    /// Rectified linear unit.
    ///
    /// ```swift
    /// let activated = graph.relu(hidden)
    /// ```
    public func relu(_ value: ONNXValue) -> ONNXValue { unary("Relu", value, value.example.relu()) }

    /// Logistic sigmoid.
    ///
    /// ```swift
    /// let gate = graph.sigmoid(hidden)
    /// ```
    public func sigmoid(_ value: ONNXValue) -> ONNXValue { unary("Sigmoid", value, value.example.sigmoid()) }

    /// Hyperbolic tangent.
    ///
    /// ```swift
    /// let squashed = graph.tanh(hidden)
    /// ```
    public func tanh(_ value: ONNXValue) -> ONNXValue { unary("Tanh", value, value.example.tanh()) }

    /// Softmax along `axis`.
    ///
    /// ```swift
    /// let probabilities = graph.softmax(logits, axis: -1)
    /// ```
    public func softmax(_ value: ONNXValue, axis: Int = -1) -> ONNXValue {
        let output = node("Softmax", [value.name], attributes: [.int("axis", axis)])[0]
        return ONNXValue(name: output, example: value.example.softmax(axis: axis), batchAxis: value.batchAxis)
    }

    func unary(_ opType: String, _ value: ONNXValue, _ example: Tensor, attributes: [ONNXAttribute] = []) -> ONNXValue {
        ONNXValue(name: node(opType, [value.name], attributes: attributes)[0], example: example, batchAxis: value.batchAxis)
    }

    func binary(_ opType: String, _ left: ONNXValue, _ right: ONNXValue, _ example: Tensor) -> ONNXValue {
        let batch = left.batchAxis.map { $0 + example.rank - left.rank } ?? right.batchAxis.map { $0 + example.rank - right.rank }
        return ONNXValue(name: node(opType, [left.name, right.name])[0], example: example, batchAxis: batch)
    }

    /// A value with the same batch axis as `like`, computed by the caller's nodes.
    func value(_ name: String, _ example: Tensor, like input: ONNXValue) -> ONNXValue {
        ONNXValue(name: name, example: example, batchAxis: input.batchAxis)
    }
}

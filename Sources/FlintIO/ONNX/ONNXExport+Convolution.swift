import Flint
import FlintNN

// Convolutions, pooling and resizing: ONNX's NCHW operators take PyTorch's layouts as they are.

/// `pads` for ONNX: every axis's start padding, then every axis's end padding.
private func symmetricPads(_ padding: [Int]) -> [Int] { padding + padding }

extension Conv1d: ONNXExportable {
    /// `Conv` over [batch, channels, length].
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.rank == 3 else { throw graph.unsupported(self, "expects an input [batch, channels, length], got shape \(input.shape)") }
        var inputs = [input.name, graph.parameter(weight.value, named: "weight")]
        if let bias { inputs.append(graph.parameter(bias.value, named: "bias")) }
        let output = graph.node("Conv", inputs, attributes: [
            .ints("kernel_shape", [kernelSize]), .ints("strides", [stride]), .ints("pads", symmetricPads([padding])),
            .ints("dilations", [dilation]), .int("group", groups),
        ])[0]
        return graph.value(output, self(input.example), like: input)
    }
}

extension Conv2d: ONNXExportable {
    /// `Conv` over [batch, channels, height, width].
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.rank == 4 else { throw graph.unsupported(self, "expects an input [batch, channels, height, width], got shape \(input.shape)") }
        var inputs = [input.name, graph.parameter(weight.value, named: "weight")]
        if let bias { inputs.append(graph.parameter(bias.value, named: "bias")) }
        let output = graph.node("Conv", inputs, attributes: [
            .ints("kernel_shape", [kernelSize.0, kernelSize.1]), .ints("strides", [stride.0, stride.1]),
            .ints("pads", symmetricPads([padding.0, padding.1])), .ints("dilations", [dilation.0, dilation.1]),
            .int("group", groups),
        ])[0]
        return graph.value(output, self(input.example), like: input)
    }
}

extension ConvTranspose2d: ONNXExportable {
    /// `ConvTranspose` (the weight [in, out / groups, kh, kw] is ONNX's layout too) with `output_padding`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.rank == 4 else { throw graph.unsupported(self, "expects an input [batch, channels, height, width], got shape \(input.shape)") }
        var inputs = [input.name, graph.parameter(weight.value, named: "weight")]
        if let bias { inputs.append(graph.parameter(bias.value, named: "bias")) }
        let output = graph.node("ConvTranspose", inputs, attributes: [
            .ints("kernel_shape", [kernelSize.0, kernelSize.1]), .ints("strides", [stride.0, stride.1]),
            .ints("pads", symmetricPads([padding.0, padding.1])), .ints("dilations", [dilation.0, dilation.1]),
            .ints("output_padding", [outputPadding.0, outputPadding.1]), .int("group", groups),
        ])[0]
        return graph.value(output, self(input.example), like: input)
    }
}

extension MaxPool2d: ONNXExportable {
    /// `MaxPool` (floor mode, padding never chosen).
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.rank == 4 else { throw graph.unsupported(self, "expects an input [batch, channels, height, width], got shape \(input.shape)") }
        let output = graph.node("MaxPool", [input.name], attributes: [
            .ints("kernel_shape", [kernelSize.0, kernelSize.1]), .ints("strides", [stride.0, stride.1]),
            .ints("pads", symmetricPads([padding.0, padding.1])), .ints("dilations", [dilation.0, dilation.1]),
        ])[0]
        return graph.value(output, self(input.example), like: input)
    }
}

extension AvgPool2d: ONNXExportable {
    /// `AveragePool` with `count_include_pad` as the layer's.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.rank == 4 else { throw graph.unsupported(self, "expects an input [batch, channels, height, width], got shape \(input.shape)") }
        let output = graph.node("AveragePool", [input.name], attributes: [
            .ints("kernel_shape", [kernelSize.0, kernelSize.1]), .ints("strides", [stride.0, stride.1]),
            .ints("pads", symmetricPads([padding.0, padding.1])), .int("count_include_pad", countIncludePad ? 1 : 0),
        ])[0]
        return graph.value(output, self(input.example), like: input)
    }
}

extension AdaptiveAvgPool2d: ONNXExportable {
    /// `GlobalAveragePool` for a 1x1 output; `AveragePool` when the input divides evenly into the output
    /// grid (then the windows are fixed); otherwise an error, as ONNX has no adaptive pooling.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.rank == 4 else { throw graph.unsupported(self, "expects an input [batch, channels, height, width], got shape \(input.shape)") }
        let example = self(input.example)
        if outputSize == (1, 1) {
            return graph.value(graph.node("GlobalAveragePool", [input.name])[0], example, like: input)
        }
        let (height, width) = (input.shape[2], input.shape[3])
        guard height % outputSize.0 == 0 && width % outputSize.1 == 0 else {
            throw graph.unsupported(self, "ONNX has no adaptive pooling and the \(height)x\(width) input does not divide evenly "
                                        + "into \(outputSize.0)x\(outputSize.1) windows; use an input size that does, or AvgPool2d")
        }
        let window = [height / outputSize.0, width / outputSize.1]
        let output = graph.node("AveragePool", [input.name], attributes: [.ints("kernel_shape", window), .ints("strides", window)])[0]
        return graph.value(output, example, like: input)
    }
}

extension Upsample: ONNXExportable {
    /// `Resize`: nearest uses PyTorch's `asymmetric` coordinates with `floor`; bilinear uses `align_corners`
    /// or `pytorch_half_pixel`. A fixed size becomes `sizes` built from the input's own batch and channels.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.rank == 4 else { throw graph.unsupported(self, "expects an input [batch, channels, height, width], got shape \(input.shape)") }
        let attributes: [ONNXAttribute]
        switch mode {
        case .nearest:
            attributes = [.string("mode", "nearest"), .string("coordinate_transformation_mode", "asymmetric"),
                          .string("nearest_mode", "floor")]
        case .bilinear:
            attributes = [.string("mode", "linear"),
                          .string("coordinate_transformation_mode", alignCorners ? "align_corners" : "pytorch_half_pixel")]
        }
        let inputs: [String]
        if let scaleFactor {
            let scales = graph.constant(Tensor([1, 1, Float(scaleFactor.0), Float(scaleFactor.1)]), hint: "scales")
            inputs = [input.name, "", scales]
        } else {
            let size = size!
            let shape = graph.node("Shape", [input.name])[0]
            let leading = graph.node("Slice", [shape, graph.constant(int64s: [0]), graph.constant(int64s: [2])])[0]
            let sizes = graph.node("Concat", [leading, graph.constant(int64s: [size.0, size.1])], attributes: [.int("axis", 0)])[0]
            inputs = [input.name, "", "", sizes]
        }
        let output = graph.node("Resize", inputs, attributes: attributes)[0]
        return graph.value(output, self(input.example), like: input)
    }
}

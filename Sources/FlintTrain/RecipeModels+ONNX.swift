import Flint
import FlintIO
import FlintNN

extension ResidualBlock: ONNXExportable {
    /// The block as its `forward` computes it: conv, BatchNorm, ReLU, conv, BatchNorm, plus the
    /// shortcut (the downsampling branch when there is one), then ReLU.
    ///
    /// ```swift
    /// try Sequential(ResidualBlock(8, 16, stride: 2)).exportONNX(to: url, exampleInput: Tensor.zeros([1, 8, 16, 16]))
    /// ```
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        var residual = try graph.apply(conv1, to: input, named: "conv1")
        residual = graph.relu(try graph.apply(bn1, to: residual, named: "bn1"))
        residual = try graph.apply(conv2, to: residual, named: "conv2")
        residual = try graph.apply(bn2, to: residual, named: "bn2")
        let shortcut = try downsample.map { try graph.apply($0, to: input, named: "downsample") } ?? input
        return graph.relu(graph.add(residual, shortcut))
    }
}

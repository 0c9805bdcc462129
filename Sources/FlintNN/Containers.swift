import Flint

/// Modules applied one after another; children are keyed `0`, `1`, … as in PyTorch.
///
/// ```swift
/// let model = Sequential(Linear(784, 128), ReLU(), Linear(128, 10))
/// let logits = model(images)
/// ```
public final class Sequential: Module {
    /// The layers, in order.
    public let layers: [Module]

    /// A sequence of the given layers.
    ///
    /// ```swift
    /// Sequential(Linear(4, 8), Tanh(), Linear(8, 1))
    /// ```
    public init(_ layers: Module...) { self.layers = layers }

    /// A sequence of the layers in an array.
    ///
    /// ```swift
    /// Sequential(layers: blocks)
    /// ```
    public init(layers: [Module]) { self.layers = layers }

    /// Children keyed by position: `0`, `1`, ….
    public override func namedChildren() -> [(name: String, module: Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    /// Applies each layer to the previous one's output.
    ///
    /// A single float32 row through a chain that starts with `Linear` and otherwise holds only
    /// `Linear`, one `ReLU` after a `Linear`, and `Dropout` in evaluation mode, with nothing recording
    /// gradients for it, runs as one parallel job (batch-1 inference; see `linearChainRow` in Flint):
    /// the same bits as the layers one by one, without a hand-off and a ReLU tensor between layers.
    public override func forward(_ input: Tensor) -> Tensor {
        if let steps = linearChainSteps(for: input), let output = input.linearChainRow(steps) { return output }
        return layers.reduce(input) { $1($0) }
    }

    /// The steps of the fused batch-1 path of ``forward(_:)`` for `input`, or nil when the layers
    /// or the input's size rule it out (`linearChainRow` checks the rest).
    func linearChainSteps(for input: Tensor) -> [LinearChainStep]? {
        guard layers.count >= 2, let first = layers.first as? Linear, input.count == first.inputFeatures,
              !SummaryRecorder.isCapturing else { return nil }
        var steps: [LinearChainStep] = []
        for layer in layers {
            if let linear = layer as? Linear {
                steps.append(LinearChainStep(weight: linear.weight.value, bias: linear.bias?.value, relu: false))
            } else if layer is ReLU, let last = steps.last, !last.relu {
                steps[steps.count - 1] = LinearChainStep(weight: last.weight, bias: last.bias, relu: true)
            } else if let dropout = layer as? Dropout, !dropout.isTraining || dropout.probability == 0 {
                continue  // the identity in evaluation mode
            } else {
                return nil
            }
        }
        return steps
    }
}

/// A list of modules whose parameters are registered with numbered keys (PyTorch's `ModuleList`);
/// the owner decides how to call them.
///
/// ```swift
/// let blocks = ModuleList((0..<4).map { _ in TransformerEncoderLayer(modelSize: 128, headCount: 4) })
/// ```
public final class ModuleList: Module {
    /// The modules.
    public let modules: [Module]

    /// A list of the given modules.
    ///
    /// ```swift
    /// ModuleList([Linear(2, 2), Linear(2, 2)])
    /// ```
    public init(_ modules: [Module]) { self.modules = modules }

    /// Children keyed by position.
    public override func namedChildren() -> [(name: String, module: Module)] {
        modules.enumerated().map { (String($0.offset), $0.element) }
    }

    /// The module at `index`.
    ///
    /// ```swift
    /// blocks[0]
    /// ```
    public subscript(index: Int) -> Module { modules[index] }

    /// How many modules the list holds.
    ///
    /// ```swift
    /// blocks.count  // 4
    /// ```
    public var count: Int { modules.count }
}

/// Modules registered under names (PyTorch's `ModuleDict`), in sorted key order.
///
/// ```swift
/// let heads = ModuleDictionary(["age": Linear(64, 1), "label": Linear(64, 10)])
/// ```
public final class ModuleDictionary: Module {
    /// The modules by name.
    public let modules: [String: Module]

    /// A dictionary of the given modules.
    ///
    /// ```swift
    /// ModuleDictionary(["encoder": encoder, "decoder": decoder])
    /// ```
    public init(_ modules: [String: Module]) { self.modules = modules }

    /// Children keyed by name, sorted.
    public override func namedChildren() -> [(name: String, module: Module)] {
        modules.keys.sorted().map { ($0, modules[$0]!) }
    }

    /// The module named `name`.
    ///
    /// ```swift
    /// heads["label"]
    /// ```
    public subscript(name: String) -> Module? { modules[name] }
}

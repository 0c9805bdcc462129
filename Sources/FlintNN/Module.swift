import Flint

/// The base class of every layer and model.
///
/// Subclasses declare their parameters (``Parameter``), buffers (``Buffer``) and sub-modules as
/// stored properties and override ``forward(_:)``; the module finds them by reflection, with the
/// dotted, snake_case keys PyTorch's `state_dict` uses (`features.0.weight`, `bn.running_mean`), so
/// that weights move between Flint and PyTorch unchanged.
///
/// ```swift
/// final class Classifier: Module {
///     let hidden = Linear(784, 128)
///     let output = Linear(128, 10)
///     override func forward(_ input: Tensor) -> Tensor { output(hidden(input).relu()) }
/// }
/// let model = Classifier()
/// print(model.namedParameters().map(\.name))  // ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]
/// ```
open class Module: CustomStringConvertible {
    /// Whether the module is in training mode (dropout active, batch statistics used) rather than
    /// evaluation mode. Set it for a whole model with ``train(_:)`` or ``eval()``.
    public private(set) var isTraining = true

    /// Creates a module; subclasses initialise their parameters and sub-modules first.
    public init() {}

    /// The module's computation on one input. Override it; call the module (`model(x)`) to run it.
    ///
    /// ```swift
    /// override func forward(_ input: Tensor) -> Tensor { input.relu() }
    /// ```
    open func forward(_ input: Tensor) -> Tensor {
        preconditionFailure("\(type(of: self)) does not take a single tensor: call its own callAsFunction with the inputs it needs")
    }

    /// Runs ``forward(_:)``.
    ///
    /// ```swift
    /// let logits = model(images)
    /// ```
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let output = forward(input)
        SummaryRecorder.record(self, output: output)
        return output
    }

    // MARK: what the module holds

    /// This module's own parameters (not its children's), with their keys. The default reflects over
    /// stored properties; override it when the keys are computed (LSTM's `weight_ih_l0`, …).
    ///
    /// ```swift
    /// Linear(2, 3).localParameters().map(\.name)  // ["weight", "bias"]
    /// ```
    open func localParameters() -> [(name: String, parameter: Parameter)] { reflectedMembers().parameters }

    /// This module's own buffers, with their keys (by reflection unless overridden).
    ///
    /// ```swift
    /// BatchNorm2d(8).localBuffers().map(\.name)  // ["running_mean", "running_var", "num_batches_tracked"]
    /// ```
    open func localBuffers() -> [(name: String, buffer: Buffer)] { reflectedMembers().buffers }

    /// The immediate sub-modules, with their keys (by reflection unless overridden; arrays of
    /// modules are numbered `name.0`, `name.1`, … as PyTorch's `ModuleList`).
    ///
    /// ```swift
    /// Sequential(Linear(2, 3), ReLU()).namedChildren().map(\.name)  // ["0", "1"]
    /// ```
    open func namedChildren() -> [(name: String, module: Module)] { reflectedMembers().children }

    /// Every module in the tree, this one first (with the empty key), depth first.
    ///
    /// ```swift
    /// for (name, module) in model.namedModules() { print(name, module.layerDescription) }
    /// ```
    public func namedModules() -> [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = [("", self)]
        for (name, child) in namedChildren() {
            result += child.namedModules().map { (join(name, $0.name), $0.module) }
        }
        return result
    }

    /// Every parameter in the tree with its dotted key, in PyTorch's order.
    ///
    /// ```swift
    /// model.namedParameters().map(\.name)  // ["0.weight", "0.bias", "2.weight", "2.bias"]
    /// ```
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        var result = localParameters()
        for (name, child) in namedChildren() {
            result += child.namedParameters().map { (join(name, $0.name), $0.parameter) }
        }
        return result
    }

    /// Every parameter in the tree (what an optimizer is given).
    ///
    /// ```swift
    /// let optimizer = Adam(model.parameters(), learningRate: 1e-3)
    /// ```
    public func parameters() -> [Parameter] { namedParameters().map(\.parameter) }

    /// Every buffer in the tree with its dotted key.
    ///
    /// ```swift
    /// model.namedBuffers().map(\.name)  // ["1.running_mean", "1.running_var", "1.num_batches_tracked"]
    /// ```
    public func namedBuffers() -> [(name: String, buffer: Buffer)] {
        var result = localBuffers()
        for (name, child) in namedChildren() {
            result += child.namedBuffers().map { (join(name, $0.name), $0.buffer) }
        }
        return result
    }

    /// The number of parameter values in the tree (trainable or not).
    ///
    /// ```swift
    /// Linear(784, 128).parameterCount  // 100480
    /// ```
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// The number of parameter values optimizers will update.
    ///
    /// ```swift
    /// model.freeze(); model.trainableParameterCount  // 0
    /// ```
    public var trainableParameterCount: Int { parameters().filter { !$0.isFrozen }.reduce(0) { $0 + $1.count } }

    // MARK: modes

    /// Puts the whole tree in training mode (or evaluation mode with `false`).
    ///
    /// ```swift
    /// model.train()
    /// ```
    public func train(_ training: Bool = true) {
        for (_, module) in namedModules() { module.isTraining = training }
    }

    /// Puts the whole tree in evaluation mode: dropout off, BatchNorm uses its running statistics.
    ///
    /// ```swift
    /// model.eval()
    /// ```
    public func eval() { train(false) }

    /// Stops gradients and optimizer updates for every parameter in the tree.
    ///
    /// ```swift
    /// backbone.freeze()
    /// ```
    public func freeze() { parameters().forEach { $0.isFrozen = true } }

    /// Makes every parameter in the tree trainable again.
    ///
    /// ```swift
    /// backbone.unfreeze()
    /// ```
    public func unfreeze() { parameters().forEach { $0.isFrozen = false } }

    /// Clears every parameter's gradient.
    ///
    /// ```swift
    /// model.zeroGrad()
    /// ```
    public func zeroGrad() { parameters().forEach { $0.grad = nil } }

    // MARK: printing

    /// A one-line description of this module alone, like `Linear(784 => 128)`. Override it in layers.
    ///
    /// ```swift
    /// Linear(784, 128).layerDescription  // "Linear(784 => 128)"
    /// ```
    open var layerDescription: String { String(describing: type(of: self)) }

    /// The module tree, one module per line with its parameter count, as PyTorch prints models.
    ///
    /// ```swift
    /// print(Sequential(Linear(784, 128), ReLU(), Linear(128, 10)))
    /// ```
    public var description: String {
        let children = namedChildren()
        let own = localParameters().reduce(0) { $0 + $1.parameter.count }
        if children.isEmpty {
            return own == 0 ? layerDescription : "\(layerDescription)  # \(formatCount(own)) parameters"
        }
        var lines = ["\(layerDescription)("]
        for (name, child) in children {
            let text = child.description.replacingOccurrences(of: "\n", with: "\n  ")
            lines.append("  (\(name)): \(text)")
        }
        lines.append(")  # \(formatCount(parameterCount)) parameters")
        return lines.joined(separator: "\n")
    }
}

/// `a.b`, or just one part when the other is empty.
func join(_ prefix: String, _ name: String) -> String {
    prefix.isEmpty ? name : (name.isEmpty ? prefix : "\(prefix).\(name)")
}

/// `100480` → `100,480`.
func formatCount(_ count: Int) -> String {
    let digits = Array(String(count))
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return result
}

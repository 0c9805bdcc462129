import Flint
import FlintNN

/// Parameters that share hyperparameters (PyTorch's parameter groups): a backbone with a small
/// learning rate and a head with a large one, or biases without weight decay.
///
/// ```swift
/// let groups = [
///     ParameterGroup(backbone.namedParameters(), learningRate: 1e-4),
///     ParameterGroup(head.namedParameters(), learningRate: 1e-2, weightDecay: 0.01),
/// ]
/// ```
public struct ParameterGroup {
    /// The parameters with the keys their optimizer state is saved under.
    public var parameters: [(name: String, parameter: Parameter)]
    /// The step size (schedules change it).
    public var learningRate: Double
    /// The L2 penalty (SGD, Adam, …) or decoupled decay (AdamW, Lion).
    public var weightDecay: Double

    /// A group of named parameters.
    ///
    /// ```swift
    /// ParameterGroup(model.namedParameters(), learningRate: 0.1)
    /// ```
    public init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Double, weightDecay: Double = 0) {
        precondition(learningRate >= 0, "ParameterGroup: the learning rate must not be negative, got \(learningRate)")
        precondition(weightDecay >= 0, "ParameterGroup: the weight decay must not be negative, got \(weightDecay)")
        self.parameters = parameters
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }
}

/// An optimizer: updates its parameters in place from their gradients, one ``step()`` at a time,
/// and can save and restore its state (moments, step counts) for checkpoints.
///
/// ```swift
/// let optimizer = SGD(model.namedParameters(), learningRate: 0.1, momentum: 0.9)
/// loss.backward()
/// optimizer.step()
/// optimizer.zeroGrad()
/// ```
public protocol Optimizer: AnyObject {
    /// The parameter groups with their hyperparameters.
    var groups: [ParameterGroup] { get set }
    /// Updates every parameter that has a gradient and is not frozen.
    func step()
    /// The optimizer's state as named tensors (`"<parameter key>.<state>"`, plus scalars such as the
    /// step count), the form checkpoints save.
    func stateDictionary() -> [String: Tensor]
    /// Restores state saved by ``stateDictionary()``; throws when it does not fit these parameters.
    func loadStateDictionary(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// Clears the gradient of every parameter.
    ///
    /// ```swift
    /// optimizer.zeroGrad()
    /// ```
    public func zeroGrad() {
        for group in groups { for (_, parameter) in group.parameters { parameter.grad = nil } }
    }

    /// The first group's learning rate; setting it sets every group's (schedules scale each group's
    /// own rate instead).
    ///
    /// ```swift
    /// optimizer.learningRate = 0.01
    /// ```
    public var learningRate: Double {
        get { groups.first?.learningRate ?? 0 }
        set { for index in groups.indices { groups[index].learningRate = newValue } }
    }
}

/// An optimizer state that does not fit the optimizer it is loaded into.
///
/// ```swift
/// do { try optimizer.loadStateDictionary(saved) } catch { print(error) }
/// ```
public struct OptimizerStateError: Error, CustomStringConvertible {
    /// What did not fit, and what to do.
    public let description: String
}

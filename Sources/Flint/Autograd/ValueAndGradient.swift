/// Evaluates `function` at `inputs` and returns its value with the gradient of that (scalar)
/// value with respect to each input, in the functional style of JAX and MLX.
///
/// The inputs are not modified and their `.grad` is left alone: the function runs on detached
/// copies that share their storage.
///
/// ```swift
/// let (loss, gradients) = valueAndGradient(at: [w, b]) { parameters in
///     ((x.matmul(parameters[0]) + parameters[1]) - y).pow(2).mean()
/// }
/// ```
public func valueAndGradient(at inputs: [Tensor], of function: ([Tensor]) -> Tensor) -> (value: Tensor, gradients: [Tensor]) {
    let leaves = inputs.map { $0.detach().requiringGrad() }
    let value = function(leaves)
    precondition(value.count == 1, "valueAndGradient: the function must return a single value, got shape \(value.shape)")
    if value.requiresGrad { value.backward() }
    let gradients = leaves.map { $0.grad ?? Tensor.zeros(like: $0) }
    return (value.detach(), gradients)
}

/// ``valueAndGradient(at:of:)`` for a function of one tensor.
///
/// ```swift
/// let (value, gradient) = valueAndGradient(at: x) { ($0 * $0).sum() }
/// ```
public func valueAndGradient(at input: Tensor, of function: (Tensor) -> Tensor) -> (value: Tensor, gradient: Tensor) {
    let (value, gradients) = valueAndGradient(at: [input]) { function($0[0]) }
    return (value, gradients[0])
}

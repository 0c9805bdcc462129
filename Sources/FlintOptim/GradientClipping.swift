import Flint
import FlintNN
import Foundation

/// Scales the gradients of `parameters` together so that their total norm is at most `maxNorm`,
/// exactly as `torch.nn.utils.clip_grad_norm_`: the total norm is the `normType`-norm of all
/// gradient elements (2: Euclidean, `.infinity`: largest magnitude), and when it exceeds `maxNorm`
/// every gradient is multiplied by maxNorm / (total + 1e-6). Parameters without a gradient are
/// skipped. Returns the total norm before clipping (useful to log).
///
/// ```swift
/// loss.backward()
/// let norm = clipGradientNorm(model.parameters(), maxNorm: 1.0)
/// optimizer.step()
/// ```
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Double, normType: Double = 2) -> Double {
    precondition(normType > 0, "clipGradientNorm: normType must be positive (2, 1, .infinity, …), got \(normType)")
    let withGradients = parameters.filter { $0.grad != nil }
    var total = 0.0
    for parameter in withGradients {
        let gradient = parameter.grad!
        let partial: Double
        switch gradient.dtype {
        case .float32: partial = gradient.withUnsafeBufferPointer(as: Float.self) { normContribution($0, normType: normType) }
        case .float64: partial = gradient.withUnsafeBufferPointer(as: Double.self) { normContribution($0, normType: normType) }
        default: preconditionFailure("clipGradientNorm: gradients must be float32 or float64, got \(gradient.dtype)")
        }
        total = normType.isInfinite ? max(total, partial) : total + partial
    }
    if !normType.isInfinite { total = normType == 2 ? total.squareRoot() : pow(total, 1 / normType) }
    let coefficient = maxNorm / (total + 1e-6)
    if coefficient < 1 {
        for parameter in withGradients {
            scaleGradientInPlace(parameter) { value in value * coefficient }
        }
    }
    return total
}

/// ``clipGradientNorm(_:maxNorm:normType:)`` over named parameters, as `namedParameters()` gives them.
///
/// ```swift
/// clipGradientNorm(model.namedParameters(), maxNorm: 5)
/// ```
@discardableResult
public func clipGradientNorm(_ parameters: [(name: String, parameter: Parameter)], maxNorm: Double, normType: Double = 2) -> Double {
    clipGradientNorm(parameters.map(\.parameter), maxNorm: maxNorm, normType: normType)
}

/// Clamps every gradient element of `parameters` to [−limit, limit], exactly as
/// `torch.nn.utils.clip_grad_value_`.
///
/// ```swift
/// loss.backward()
/// clipGradientValue(model.parameters(), limit: 0.5)
/// ```
public func clipGradientValue(_ parameters: [Parameter], limit: Double) {
    precondition(limit >= 0, "clipGradientValue: the limit must not be negative, got \(limit)")
    for parameter in parameters where parameter.grad != nil {
        scaleGradientInPlace(parameter) { value in min(max(value, -limit), limit) }
    }
}

/// ``clipGradientValue(_:limit:)`` over named parameters, as `namedParameters()` gives them.
///
/// ```swift
/// clipGradientValue(model.namedParameters(), limit: 1)
/// ```
public func clipGradientValue(_ parameters: [(name: String, parameter: Parameter)], limit: Double) {
    clipGradientValue(parameters.map(\.parameter), limit: limit)
}

/// Σ|g|ᵖ, or max |g| for the infinity norm (NaN propagates, as in PyTorch).
private func normContribution<T: OptimizerScalar>(_ values: UnsafeBufferPointer<T>, normType: Double) -> Double {
    if normType.isInfinite {
        var largest = 0.0
        for value in values {
            let magnitude = Double(value.magnitude)
            if magnitude > largest || magnitude.isNaN { largest = magnitude }
            if largest.isNaN { return .nan }
        }
        return largest
    }
    var sum = 0.0
    if normType == 2 {
        for value in values { let element = Double(value); sum += element * element }
    } else {
        for value in values { sum += pow(Double(value.magnitude), normType) }
    }
    return sum
}

/// Rewrites every element of `parameter`'s gradient in place through `transform` (computed in
/// double precision, stored in the gradient's type).
private func scaleGradientInPlace(_ parameter: Parameter, _ transform: (Double) -> Double) {
    guard var gradient = parameter.grad else { return }
    parameter.grad = nil  // so that the gradient's storage is not shared and is written in place
    switch gradient.dtype {
    case .float32:
        gradient.withUnsafeMutableBufferPointer(as: Float.self) { buffer in
            for index in buffer.indices { buffer[index] = Float(transform(Double(buffer[index]))) }
        }
    default:
        gradient.withUnsafeMutableBufferPointer(as: Double.self) { buffer in
            for index in buffer.indices { buffer[index] = transform(buffer[index]) }
        }
    }
    parameter.grad = gradient
}

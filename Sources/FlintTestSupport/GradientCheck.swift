import Flint

/// The outcome of comparing automatic gradients with finite differences.
public struct GradientCheckResult: CustomStringConvertible {
    /// The largest difference between an analytic and a numerical partial derivative, scaled by
    /// `max(1, |numerical|)`.
    public let maximumError: Double
    /// Which input and element had that largest difference.
    public let worstInput: Int
    /// The flat position of the worst element.
    public let worstElement: Int

    /// A one-line summary for test failures.
    public var description: String {
        "max scaled error \(maximumError) at input \(worstInput), element \(worstElement)"
    }
}

/// Checks the gradients Flint computes for `function` against central finite differences in
/// float64.
///
/// The function's output is reduced to a scalar through a fixed random projection, so every output
/// element's gradient is exercised. Inputs must be float64; each is perturbed element by element.
///
/// ```swift
/// let x = Tensor.randn([3, 4], dtype: .float64)
/// let result = checkGradients([x]) { inputs in inputs[0].tanh() }
/// #expect(result.maximumError < 1e-6)
/// ```
public func checkGradients(_ inputs: [Tensor], step: Double = 1e-6, _ function: ([Tensor]) -> Tensor) -> GradientCheckResult {
    precondition(inputs.allSatisfy { $0.dtype == .float64 }, "checkGradients: inputs must be float64")
    let generator = RandomGenerator(seed: 1234)
    let probeShape = withoutGradients { function(inputs.map { $0.detach() }).shape }
    let projection = Tensor.randn(probeShape, dtype: .float64, generator: generator)

    func objective(_ values: [Tensor]) -> Double {
        withoutGradients { (function(values) * projection).sum().item(as: Double.self) }
    }

    // Analytic gradients.
    let leaves = inputs.map { $0.detach().requiringGrad() }
    let output = function(leaves)
    (output * projection).sum().backward()
    let analytic = leaves.map { leaf in leaf.grad.map { $0.scalars(as: Double.self) } ?? [Double](repeating: 0, count: leaf.count) }

    var worst = (error: 0.0, input: 0, element: 0)
    for (inputIndex, input) in inputs.enumerated() {
        let base = input.scalars(as: Double.self)
        // Rebuild the input with its original layout class: contiguous values in its shape.
        for element in 0..<base.count {
            var plus = base, minus = base
            plus[element] += step
            minus[element] -= step
            var plusInputs = inputs.map { $0.detach() }, minusInputs = plusInputs
            plusInputs[inputIndex] = Tensor(plus, shape: input.shape)
            minusInputs[inputIndex] = Tensor(minus, shape: input.shape)
            let numerical = (objective(plusInputs) - objective(minusInputs)) / (2 * step)
            let error = Swift.abs(numerical - analytic[inputIndex][element]) / Swift.max(1, Swift.abs(numerical))
            if error > worst.error { worst = (error, inputIndex, element) }
        }
    }
    return GradientCheckResult(maximumError: worst.error, worstInput: worst.input, worstElement: worst.element)
}

/// Whether two tensors have the same shape and elements within `tolerance` (absolute plus
/// relative to the expected magnitude), as `torch.allclose`.
///
/// ```swift
/// #expect(isClose(result, expected, tolerance: 1e-6))
/// ```
public func isClose(_ actual: Tensor, _ expected: Tensor, tolerance: Double = 1e-6) -> Bool {
    guard actual.shape == expected.shape else { return false }
    let a = actual.scalars(as: Double.self), e = expected.scalars(as: Double.self)
    return zip(a, e).allSatisfy { pair in
        if pair.0.isNaN && pair.1.isNaN { return true }
        if pair.0 == pair.1 { return true }
        return Swift.abs(pair.0 - pair.1) <= tolerance * (1 + Swift.abs(pair.1))
    }
}

/// The largest absolute difference between two same-shaped tensors.
///
/// ```swift
/// print(maximumDifference(a, b))
/// ```
public func maximumDifference(_ actual: Tensor, _ expected: Tensor) -> Double {
    precondition(actual.shape == expected.shape, "maximumDifference: shapes \(actual.shape) and \(expected.shape)")
    return zip(actual.scalars(as: Double.self), expected.scalars(as: Double.self)).map { Swift.abs($0 - $1) }.max() ?? 0
}

/// The backward rules of the linear-algebra operations, called from
/// ``GradientRecord/propagate(_:)``. They run inside `withoutGradients` and follow PyTorch's
/// formulas (`torch/csrc/autograd/FunctionsManual.cpp`), written for batches of matrices
/// (`transposed()` swaps the last two axes, products broadcast over the batch).
///
/// Multi-output factorizations record one node per output; the gradient of the factorization
/// is linear in the output gradients, so each node contributes its own term and ``deliver(_:to:)``
/// adds them up.

/// `a · x = b`: `gB = a⁻ᵀ gX`, `gA = -gB xᵀ`.
func linearSolveBackward(_ a: Tensor, _ b: Tensor, _ x: Tensor, _ g: Tensor) {
    let isVector = RightHandSide.isVector(a, b)
    let solution = isVector ? x.unsqueezed(axis: -1) : x
    let outputGradient = isVector ? g.unsqueezed(axis: -1) : g
    let gradientB = backwardStep("solve") { () throws(LinearAlgebraError) in
        try LinearAlgebra.solve(a.detach().transposed(), outputGradient)
    }
    if b.requiresGrad { deliver(isVector ? gradientB.squeezed(axis: -1) : gradientB, to: b) }
    if a.requiresGrad { deliver(-gradientB.matmul(solution.transposed()), to: a) }
}

/// Triangular `a · x = b`: as `solve`, with `gA` kept to the triangle that was read.
func triangularSolveBackward(_ a: Tensor, _ b: Tensor, upper: Bool, _ x: Tensor, _ g: Tensor) {
    let isVector = RightHandSide.isVector(a, b)
    let solution = isVector ? x.unsqueezed(axis: -1) : x
    let outputGradient = isVector ? g.unsqueezed(axis: -1) : g
    let gradientB = backwardStep("solveTriangular") { () throws(LinearAlgebraError) in
        try LinearAlgebra.solveTriangular(a.detach().transposed(), outputGradient, upper: !upper)
    }
    if b.requiresGrad { deliver(isVector ? gradientB.squeezed(axis: -1) : gradientB, to: b) }
    if a.requiresGrad { deliver(triangularPart(-gradientB.matmul(solution.transposed()), upper: upper), to: a) }
}

/// `a = l lᵀ` (Iain Murray, arXiv:1602.07527): `gA = l⁻ᵀ Φ(lᵀ gL) l⁻¹` with Φ taking the lower
/// triangle, halving the diagonal and symmetrizing.
func choleskyBackward(_ a: Tensor, _ l: Tensor, _ g: Tensor) {
    let lower = triangularPart(l.transposed().matmul(g), upper: false)
    let symmetric = (lower + triangularPart(lower, upper: false, strictly: true).transposed()) * 0.5
    let upperFactor = l.transposed()
    let gradient = backwardStep("cholesky") { () throws(LinearAlgebraError) in
        let left = try LinearAlgebra.solveTriangular(upperFactor, symmetric, upper: true)
        return try LinearAlgebra.solveTriangular(upperFactor, left.transposed(), upper: true).transposed()
    }
    deliver(gradient, to: a)
}

/// `y = a⁻¹`: `gA = -yᵀ gY yᵀ`.
func inverseBackward(_ a: Tensor, _ y: Tensor, _ g: Tensor) {
    let inverseTransposed = y.transposed()
    deliver(-inverseTransposed.matmul(g).matmul(inverseTransposed), to: a)
}

/// `d = det(a)`: `gA = gD · d · a⁻ᵀ`, or, when some determinant is exactly zero, the cofactor
/// matrix through the SVD: `gA = gD · det(u) det(vt) · u diag(∏_{j≠i} s_j) vt`.
func determinantBackward(_ a: Tensor, _ d: Tensor, _ g: Tensor) {
    let scale = g * d
    if !d.scalars(as: Double.self).contains(0) {
        let inverse = backwardStep("determinant") { () throws(LinearAlgebraError) in try LinearAlgebra.inverse(a.detach()) }
        deliver(scale.unsqueezed(axis: -1).unsqueezed(axis: -1) * inverse.transposed(), to: a)
        return
    }
    let (u, s, vt) = backwardStep("determinant") { () throws(LinearAlgebraError) in try LinearAlgebra.svd(a.detach()) }
    let orientation = backwardStep("determinant") { () throws(LinearAlgebraError) in
        try LinearAlgebra.determinant(u) * LinearAlgebra.determinant(vt)
    }
    let cofactors = productsOfOthers(s)
    let weight = (g * orientation).unsqueezed(axis: -1).unsqueezed(axis: -1)
    deliver(weight * (u * cofactors.unsqueezed(axis: -2)).matmul(vt), to: a)
}

/// Eigenvalues of `a = V diag(λ) Vᵀ`: `gA = V diag(gλ) Vᵀ`.
func symmetricEigenvaluesBackward(_ a: Tensor, _ vectors: Tensor, _ g: Tensor) {
    deliver((vectors * g.unsqueezed(axis: -2)).matmul(vectors.transposed()), to: a)
}

/// Eigenvectors of `a = V diag(λ) Vᵀ`: `gA = V (skew(Vᵀ gV) / E) Vᵀ`, `E[i, j] = λ_j - λ_i`,
/// skew(X) = (X - Xᵀ) / 2 (zero diagonal).
func symmetricEigenvectorsBackward(_ a: Tensor, _ values: Tensor, _ vectors: Tensor, _ g: Tensor) {
    let product = vectors.transposed().matmul(g)
    let skew = (product - product.transposed()) * 0.5
    let n = values.shape[values.rank - 1]
    let gaps = values.unsqueezed(axis: -2) - values.unsqueezed(axis: -1) + Tensor.eye(n, dtype: values.dtype)
    deliver(vectors.matmul(skew / gaps).matmul(vectors.transposed()), to: a)
}

/// Reduced `a = q r`; one of `gradientQ`, `gradientR` is given. For m ≥ n:
/// `gA = (gQ + q copyltu(M)) r⁻ᵀ`, `M = gR rᵀ - qᵀ gQ`. For m < n, `a = [x | y]` with `x = q r₁`
/// square: `y` gets `q gR₂` and `x` the square formula with `gQ + y gR₂ᵀ`.
func qrBackward(_ a: Tensor, q: Tensor, r: Tensor, gradientQ: Tensor?, gradientR: Tensor?) {
    let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1]
    if m >= n {
        deliver(qrTallBackward(q: q, r: r, gradientQ: gradientQ, gradientR: gradientR), to: a)
        return
    }
    let right = a.detach().narrowed(axis: -1, start: m, length: n - m)
    let squareR = r.narrowed(axis: -1, start: 0, length: m)
    let gradientSquareR = gradientR?.narrowed(axis: -1, start: 0, length: m)
    let gradientRightR = gradientR?.narrowed(axis: -1, start: m, length: n - m)
    var adjustedQ = gradientQ
    if let gradientRightR {
        let term = right.matmul(gradientRightR.transposed())
        adjustedQ = adjustedQ.map { $0 + term } ?? term
    }
    let gradientLeft = qrTallBackward(q: q, r: squareR, gradientQ: adjustedQ, gradientR: gradientSquareR)
    let gradientRight = gradientRightR.map { q.matmul($0) } ?? Tensor.zeros(like: right)
    deliver(Tensor.concatenate([gradientLeft, gradientRight], axis: a.rank - 1), to: a)
}

private func qrTallBackward(q: Tensor, r: Tensor, gradientQ: Tensor?, gradientR: Tensor?) -> Tensor {
    var middle: Tensor
    switch (gradientQ, gradientR) {
    case let (gQ?, gR?): middle = gR.matmul(r.transposed()) - q.transposed().matmul(gQ)
    case let (gQ?, nil): middle = -q.transposed().matmul(gQ)
    case let (nil, gR?): middle = gR.matmul(r.transposed())
    case (nil, nil): preconditionFailure("qr backward: no output gradient")
    }
    let upper = triangularPart(middle, upper: true)
    let symmetric = upper + triangularPart(middle, upper: true, strictly: true).transposed()
    var combined = q.matmul(symmetric)
    if let gradientQ { combined = combined + gradientQ }
    return backwardStep("qr") { () throws(LinearAlgebraError) in
        try LinearAlgebra.solveTriangular(r, combined.transposed(), upper: true).transposed()
    }
}

/// Reduced `a = u diag(s) vt`; one of the three output gradients is given (PyTorch's
/// `svd_backward`, real case).
func svdBackward(_ a: Tensor, u: Tensor, s: Tensor, vt: Tensor, gradientU: Tensor?, gradientS: Tensor?, gradientVt: Tensor?) {
    let m = a.shape[a.rank - 2], n = a.shape[a.rank - 1], k = s.shape[s.rank - 1]
    if let gradientS {
        let gradient = m >= n ? u.matmul(gradientS.unsqueezed(axis: -1) * vt) : (u * gradientS.unsqueezed(axis: -2)).matmul(vt)
        deliver(gradient, to: a)
        return
    }
    let squares = s * s
    let gaps = squares.unsqueezed(axis: -2) - squares.unsqueezed(axis: -1) + Tensor.eye(k, dtype: s.dtype)
    if let gradientU {
        let product = u.transposed().matmul(gradientU)
        let inner = (product - product.transposed()) * s.unsqueezed(axis: -2) / gaps
        var gradient = u.matmul(inner)
        if m > n {
            let scaled = gradientU / s.unsqueezed(axis: -2)
            gradient = gradient + scaled - u.matmul(u.transposed().matmul(scaled))
        }
        deliver(gradient.matmul(vt), to: a)
    } else if let gradientVt {
        let product = vt.matmul(gradientVt.transposed())
        let inner = s.unsqueezed(axis: -1) * (product - product.transposed()) / gaps
        var gradient = inner.matmul(vt)
        if m < n {
            let scaled = gradientVt / s.unsqueezed(axis: -1)
            gradient = gradient + scaled - scaled.matmul(vt.transposed()).matmul(vt)
        }
        deliver(u.matmul(gradient), to: a)
    }
}

/// Least squares with a full-column-rank `a` (m ≥ n): with `z = (aᵀa)⁻¹ gX` and the residual
/// `r = b - a x`, `gA = r zᵀ - a z xᵀ` and `gB = a z`.
func leastSquaresBackward(_ a: Tensor, _ b: Tensor, _ x: Tensor, _ g: Tensor) {
    let isVector = RightHandSide.isVector(a, b)
    let solution = isVector ? x.unsqueezed(axis: -1) : x
    let outputGradient = isVector ? g.unsqueezed(axis: -1) : g
    let rightHandSide = isVector ? b.detach().unsqueezed(axis: -1) : b.detach()
    let matrix = a.detach()
    let z = backwardStep("leastSquares") { () throws(LinearAlgebraError) in
        try LinearAlgebra.solve(matrix.transposed().matmul(matrix), outputGradient)
    }
    let gradientB = matrix.matmul(z)
    if b.requiresGrad { deliver(isVector ? gradientB.squeezed(axis: -1) : gradientB, to: b) }
    if a.requiresGrad {
        let residual = rightHandSide - matrix.matmul(solution)
        deliver(residual.matmul(z.transposed()) - gradientB.matmul(solution.transposed()), to: a)
    }
}

// MARK: helpers

/// Runs a factorization needed by a backward rule; the forward pass already succeeded on the
/// same matrix, so a failure here means the gradient does not exist (a singular factor).
private func backwardStep<Result>(_ operation: String, _ body: () throws(LinearAlgebraError) -> Result) -> Result {
    do {
        return try body()
    } catch {
        preconditionFailure("\(operation) backward: the gradient is not defined here (\(error))")
    }
}

/// The upper (or lower) triangle of the last two axes, the rest zero; `strictly` also zeroes
/// the diagonal.
func triangularPart(_ x: Tensor, upper: Bool, strictly: Bool = false) -> Tensor {
    let rows = x.shape[x.rank - 2], columns = x.shape[x.rank - 1]
    var mask = [Double](repeating: 0, count: rows * columns)
    for row in 0..<rows {
        for column in 0..<columns {
            let keep = upper ? (strictly ? column > row : column >= row) : (strictly ? column < row : column <= row)
            if keep { mask[row * columns + column] = 1 }
        }
    }
    return x * Tensor(mask, shape: [rows, columns], dtype: x.dtype)
}

/// For each vector `s` along the last axis, `∏_{j≠i} s_j` at position i (without dividing, so
/// zeros are fine).
private func productsOfOthers(_ s: Tensor) -> Tensor {
    let length = s.shape[s.rank - 1]
    let values = s.scalars(as: Double.self)
    var result = [Double](repeating: 1, count: values.count)
    for start in stride(from: 0, to: values.count, by: Swift.max(length, 1)) {
        var prefix = 1.0
        for index in 0..<length {
            result[start + index] = prefix
            prefix *= values[start + index]
        }
        var suffix = 1.0
        for index in stride(from: length - 1, through: 0, by: -1) {
            result[start + index] *= suffix
            suffix *= values[start + index]
        }
    }
    return Tensor(result, shape: s.shape, dtype: s.dtype)
}

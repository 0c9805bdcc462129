@testable import Flint
import FlintTestSupport
import Foundation
import Testing

// Forward values and input gradients of Flint's core ops against PyTorch.
//
// The fixture file is made by `scripts/make_torch_fixtures.py` (run it with a Python that has
// PyTorch; CI only reads the committed JSON). Each case there has a name and a torch lambda; the
// table below maps the same name to the Flint equivalent. A fixture case without an entry here
// fails, and so does an entry here without a fixture case, so the two tables cannot drift apart.

/// The Flint side of every fixture case: the inputs, in the fixture's order, to the outputs.
let torchFixtureOperations: [String: @Sendable ([Tensor]) throws -> [Tensor]] = [
    // Arithmetic.
    "add": { x in [x[0] + x[1]] },
    "add_broadcast": { x in [x[0] + x[1]] },
    "add_broadcast_rank0": { x in [x[0] + x[1]] },
    "add_scalar": { x in [x[0] + 1.5] },
    "sub": { x in [x[0] - x[1]] },
    "sub_broadcast": { x in [x[0] - x[1]] },
    "sub_scalar": { x in [x[0] - 0.75] },
    "rsub_scalar": { x in [2.0 - x[0]] },
    "mul": { x in [x[0] * x[1]] },
    "mul_broadcast": { x in [x[0] * x[1]] },
    "mul_scalar": { x in [x[0] * -2.5] },
    "mul_same_input": { x in [x[0] * x[0]] },
    "div": { x in [x[0] / x[1]] },
    "div_broadcast": { x in [x[0] / x[1]] },
    "div_scalar": { x in [x[0] / 3.0] },
    "rdiv_scalar": { x in [2.0 / x[0]] },
    "pow_tensor": { x in [x[0].pow(x[1])] },
    "pow_tensor_broadcast": { x in [x[0].pow(x[1])] },
    "pow_scalar": { x in [x[0].pow(3.0)] },
    "pow_scalar_two": { x in [x[0].pow(2.0)] },
    "pow_scalar_half": { x in [x[0].pow(0.5)] },
    "pow_scalar_fractional": { x in [x[0].pow(1.7)] },
    "pow_scalar_negative": { x in [x[0].pow(-1.5)] },
    "scalar_pow": { x in [Tensor.pow(2.5, x[0])] },
    "neg": { x in [-x[0]] },
    "broadcast_chain": { x in [x[0] * x[1] + x[2] / (1.0 + x[1] * x[1])] },

    // Elementwise functions and activations.
    "abs": { x in [x[0].abs()] },
    "exp": { x in [x[0].exp()] },
    "log": { x in [x[0].log()] },
    "log1p": { x in [x[0].log1p()] },
    "sqrt": { x in [x[0].sqrt()] },
    "rsqrt": { x in [x[0].rsqrt()] },
    "sin": { x in [x[0].sin()] },
    "cos": { x in [x[0].cos()] },
    "tanh": { x in [x[0].tanh()] },
    "sigmoid": { x in [x[0].sigmoid()] },
    "relu": { x in [x[0].relu()] },
    "leaky_relu": { x in [x[0].leakyRelu(slope: 0.1)] },
    "leaky_relu_default": { x in [x[0].leakyRelu()] },
    "elu": { x in [x[0].elu()] },
    "elu_alpha": { x in [x[0].elu(alpha: 0.5)] },
    "gelu": { x in [x[0].gelu()] },
    "gelu_tanh": { x in [x[0].gelu(approximation: .tanh)] },
    "silu": { x in [x[0].silu()] },
    "softplus": { x in [x[0].softplus()] },
    "softplus_beta_threshold": { x in [x[0].softplus(beta: 2, threshold: 5)] },
    "clamp": { x in [x[0].clamp(min: -0.5, max: 0.5)] },
    "clamp_min": { x in [x[0].clamp(min: -0.2)] },
    "clamp_max": { x in [x[0].clamp(max: 0.3)] },
    "clamp_at_bounds": { x in [x[0].clamp(min: -0.5, max: 0.5)] },
    "sign": { x in [x[0].sign()] },

    // Binary selection and comparison.
    "maximum": { x in [x[0].maximum(x[1])] },
    "maximum_broadcast": { x in [x[0].maximum(x[1])] },
    "maximum_ties": { x in [x[0].maximum(x[1])] },
    "minimum": { x in [x[0].minimum(x[1])] },
    "minimum_ties": { x in [x[0].minimum(x[1])] },
    "maximum_nan": { x in [x[0].maximum(x[1])] },
    "minimum_nan": { x in [x[0].minimum(x[1])] },
    "where": { x in [Tensor.where(x[0], x[1], x[2])] },
    "where_broadcast": { x in [Tensor.where(x[0], x[1], x[2])] },
    "where_scalar": { x in [Tensor.where(x[0], x[1], 0.25)] },
    "greater": { x in [x[0] .> x[1]] },
    "less_equal_ties": { x in [x[0] .<= x[1]] },

    // Reductions.
    "sum_all": { x in [x[0].sum()] },
    "sum_axis": { x in [x[0].sum(axis: 1)] },
    "sum_axes_keepdim": { x in [x[0].sum(axes: [0, 2], keepDims: true)] },
    "sum_negative_axis": { x in [x[0].sum(axis: -1)] },
    "sum_int": { x in [x[0].sum(axis: 0)] },
    "mean_all": { x in [x[0].mean()] },
    "mean_axes_keepdim": { x in [x[0].mean(axes: [1, 2], keepDims: true)] },
    "mean_axis": { x in [x[0].mean(axis: 0)] },
    "prod_all": { x in [x[0].prod()] },
    "prod_axis": { x in [x[0].prod(axes: [1])] },
    "prod_axis_keepdim": { x in [x[0].prod(axes: [0], keepDims: true)] },
    "prod_with_zero": { x in [x[0].prod(axes: [1])] },
    "max_axis": { x in let r = x[0].max(axis: 1); return [r.values, r.indices] },
    "max_axis_keepdim": { x in let r = x[0].max(axis: 1, keepDims: true); return [r.values, r.indices] },
    "min_axis": { x in let r = x[0].min(axis: 0); return [r.values, r.indices] },
    "max_all": { x in [x[0].max()] },
    "min_all": { x in [x[0].min()] },
    "max_axis_nan": { x in let r = x[0].max(axis: 1); return [r.values, r.indices] },
    "argmax_axis": { x in [x[0].argmax(axis: 1)] },
    "argmax_flat": { x in [x[0].argmax()] },
    "argmin_axis_keepdim": { x in [x[0].argmin(axis: 0, keepDims: true)] },
    "var_unbiased_all": { x in [x[0].variance()] },
    "var_biased_axis": { x in [x[0].variance(axes: [1], unbiased: false)] },
    "var_axes_keepdim": { x in [x[0].variance(axes: [0, 2], keepDims: true)] },
    "std_unbiased_all": { x in [x[0].standardDeviation()] },
    "std_biased_axis_keepdim": { x in [x[0].standardDeviation(axes: [0], unbiased: false, keepDims: true)] },
    "logsumexp_axis": { x in [x[0].logSumExp(axes: [1])] },
    "logsumexp_all": { x in [x[0].logSumExp(axes: [0, 1])] },
    "logsumexp_keepdim": { x in [x[0].logSumExp(axes: [0], keepDims: true)] },
    "logsumexp_large": { x in [x[0].logSumExp(axes: [1])] },
    "cumsum_axis0": { x in [x[0].cumsum(axis: 0)] },
    "cumsum_axis1_3d": { x in [x[0].cumsum(axis: 1)] },
    "cumsum_transposed": { x in [x[0].transposed().cumsum(axis: 1)] },

    // Softmax.
    "softmax_last": { x in [x[0].softmax(axis: -1)] },
    "softmax_axis0": { x in [x[0].softmax(axis: 0)] },
    "softmax_large": { x in [x[0].softmax(axis: 1)] },
    "softmax_transposed": { x in [x[0].transposed().softmax(axis: 1)] },
    "log_softmax_last": { x in [x[0].logSoftmax(axis: -1)] },
    "log_softmax_axis1_3d": { x in [x[0].logSoftmax(axis: 1)] },

    // Matrix products.
    "matmul_2d": { x in [x[0].matmul(x[1])] },
    "matmul_batched": { x in [x[0].matmul(x[1])] },
    "matmul_broadcast_batch": { x in [x[0].matmul(x[1])] },
    "matmul_batch_matrix": { x in [x[0].matmul(x[1])] },
    "matmul_matrix_batch": { x in [x[0].matmul(x[1])] },
    "matmul_vector_vector": { x in [x[0].matmul(x[1])] },
    "matmul_matrix_vector": { x in [x[0].matmul(x[1])] },
    "matmul_vector_matrix": { x in [x[0].matmul(x[1])] },
    "matmul_batch_vector": { x in [x[0].matmul(x[1])] },
    "matmul_vector_batch": { x in [x[0].matmul(x[1])] },
    "linear": { x in [x[0].linear(weight: x[1], bias: x[2])] },
    "linear_no_bias_batched": { x in [x[0].linear(weight: x[1])] },
    "linear_one_row": { x in [x[0].linear(weight: x[1], bias: x[2])] },
    "linear_vector": { x in [x[0].linear(weight: x[1], bias: x[2])] },
    "matmul_transposed_operands": { x in [x[0].transposed().matmul(x[1].transposed())] },
    "matmul_sliced_operand": { x in
        [x[0][stride(from: 0, to: 6, by: 2)].matmul(x[1][TensorIndex.all, TensorIndex.range(1, nil, step: 2)])]
    },
    "dot": { x in [x[0].dot(x[1])] },
    "outer": { x in [x[0].outer(x[1])] },

    // Views.
    "reshape": { x in [x[0].reshaped([3, 4])] },
    "reshape_infer": { x in [x[0].reshaped([-1, 4])] },
    "reshape_transposed": { x in [x[0].transposed().reshaped([2, 6])] },
    "permute": { x in [x[0].permuted([2, 0, 1])] },
    "transpose": { x in [x[0].transposed()] },
    "transpose_3d": { x in [x[0].transposed(0, 2)] },
    "flatten": { x in [x[0].flattened(startAxis: 1)] },
    "unsqueeze": { x in [x[0].unsqueezed(axis: 1)] },
    "squeeze": { x in [x[0].squeezed()] },
    "squeeze_axis": { x in [x[0].squeezed(axis: 1)] },
    "expand": { x in [x[0].expanded(to: [3, 4])] },
    "expand_leading": { x in [x[0].expanded(to: [2, 3, 4])] },
    "expand_then_mul": { x in [x[0].expanded(to: [3, 4]) * x[1]] },
    "narrow": { x in [x[0].narrowed(axis: 0, start: 1, length: 3)] },

    // Subscripts.
    "slice_range": { x in [x[0][1..<3, 1...]] },
    "slice_steps": { x in [x[0][TensorIndex.range(nil, nil, step: 2), TensorIndex.range(1, nil, step: 3)]] },
    "slice_index": { x in [x[0][1]] },
    "slice_index_column": { x in [x[0][TensorIndex.all, -2]] },
    "slice_negative": { x in [x[0][(-2)..., ..<(-1)]] },
    "slice_new_axis": { x in [x[0][TensorIndex.newAxis, 1...]] },
    "slice_of_transposed": { x in [x[0].transposed()[TensorIndex.range(1, nil, step: 2), ..<3]] },

    // Indexing, scattering and joining.
    "gather_axis0": { x in [x[0].gather(axis: 0, index: x[1])] },
    "gather_axis1": { x in [x[0].gather(axis: 1, index: x[1])] },
    "gather_small_index": { x in [x[0].gather(axis: 1, index: x[1])] },
    "scatter_add_axis0": { x in [x[0].scatterAdd(axis: 0, index: x[1], source: x[2])] },
    "scatter_add_axis1": { x in [x[0].scatterAdd(axis: 1, index: x[1], source: x[2])] },
    "scatter_add_small_index": { x in [x[0].scatterAdd(axis: 1, index: x[1], source: x[2])] },
    "index_select_axis0": { x in [x[0].indexSelect(axis: 0, index: x[1])] },
    "index_select_axis1": { x in [x[0].indexSelect(axis: 1, index: x[1])] },
    "masked_fill": { x in [x[0].maskedFill(x[1], with: -1.5)] },
    "masked_fill_broadcast": { x in [x[0].maskedFill(x[1], with: 2.0)] },
    "masked_select": { x in [x[0].maskedSelect(x[1])] },
    "masked_select_broadcast": { x in [x[0].maskedSelect(x[1])] },
    "cat_axis0": { x in [Tensor.concatenate([x[0], x[1]], axis: 0)] },
    "cat_axis1_three": { x in [Tensor.concatenate([x[0], x[1], x[2]], axis: 1)] },
    "cat_same_tensor": { x in [Tensor.concatenate([x[0], x[0] * 2.0], axis: 0)] },
    "stack_axis0": { x in [Tensor.stack([x[0], x[1]])] },
    "stack_axis1": { x in [Tensor.stack([x[0], x[1], x[2]], axis: 1)] },
    "stack_last": { x in [Tensor.stack([x[0], x[1]], axis: -1)] },
    "split_sizes": { x in x[0].split(sizes: [2, 3]) },
    "chunk": { x in x[0].chunked(3, axis: 1) },
    "pad_last_axis": { x in [x[0].padded([(1, 2)])] },
    "pad_two_axes_value": { x in [x[0].padded([(2, 1), (1, 0)], value: 0.5)] },
    "repeat": { x in [x[0].repeated([2, 3])] },
    "repeat_new_axes": { x in [x[0].repeated([2, 1, 2])] },

    // Non-contiguous inputs into elementwise ops and reductions.
    "transposed_add": { x in [x[0].transposed() + x[1]] },
    "sliced_mul_exp": { x in [(x[0][TensorIndex.range(nil, nil, step: 2), TensorIndex.range(1, nil, step: 3)] * x[1]).exp()] },
    "expanded_sub_sum": { x in [(x[0].expanded(to: [3, 4]) - x[1]).sum(axis: 0)] },
    "permuted_sum": { x in [x[0].permuted([2, 0, 1]).sum(axes: [0, 2])] },
    "transposed_max": { x in let r = x[0].transposed().max(axis: 1); return [r.values, r.indices] },

    // Convolutions.
    "conv2d": { x in [x[0].conv2d(x[1], bias: x[2])] },
    "conv2d_no_bias": { x in [x[0].conv2d(x[1])] },
    "conv2d_stride_padding": { x in [x[0].conv2d(x[1], bias: x[2], stride: (2, 2), padding: (1, 1))] },
    "conv2d_asymmetric": { x in [x[0].conv2d(x[1], bias: x[2], stride: (2, 1), padding: (0, 2))] },
    "conv2d_dilation": { x in [x[0].conv2d(x[1], bias: x[2], padding: (2, 2), dilation: (2, 2))] },
    "conv2d_dilation_stride": { x in [x[0].conv2d(x[1], stride: (2, 2), padding: (1, 0), dilation: (2, 1))] },
    "conv2d_groups": { x in [x[0].conv2d(x[1], bias: x[2], padding: (1, 1), groups: 2)] },
    "conv2d_groups_no_bias": { x in [x[0].conv2d(x[1], stride: (2, 2), groups: 3)] },
    "conv2d_depthwise": { x in [x[0].conv2d(x[1], bias: x[2], padding: (1, 1), groups: 3)] },
    "conv2d_depthwise_no_bias": { x in [x[0].conv2d(x[1], stride: (2, 2), groups: 4)] },
    "conv2d_unbatched": { x in [x[0].conv2d(x[1], bias: x[2], padding: (1, 1))] },
    "conv2d_channels_last": { x in [x[0].permuted([0, 3, 1, 2]).conv2d(x[1], bias: x[2], padding: (1, 1))] },
    "conv1d": { x in [x[0].conv1d(x[1], bias: x[2])] },
    "conv1d_stride_padding": { x in [x[0].conv1d(x[1], stride: 2, padding: 2)] },
    "conv1d_groups_dilation": { x in [x[0].conv1d(x[1], bias: x[2], padding: 1, dilation: 2, groups: 2)] },
    "conv1d_unbatched": { x in [x[0].conv1d(x[1], bias: x[2], stride: 2)] },
    "conv_transpose2d": { x in [x[0].convTranspose2d(x[1], bias: x[2])] },
    "conv_transpose2d_stride_padding": { x in [x[0].convTranspose2d(x[1], stride: (2, 2), padding: (1, 1))] },
    "conv_transpose2d_output_padding": { x in
        [x[0].convTranspose2d(x[1], bias: x[2], stride: (2, 2), padding: (1, 1), outputPadding: (1, 1))]
    },
    "conv_transpose2d_groups": { x in [x[0].convTranspose2d(x[1], bias: x[2], stride: (2, 2), groups: 2)] },
    "conv_transpose2d_dilation": { x in
        [x[0].convTranspose2d(x[1], bias: x[2], stride: (1, 2), padding: (1, 0), outputPadding: (1, 1), dilation: (2, 1))]
    },
    "conv_transpose2d_unbatched": { x in [x[0].convTranspose2d(x[1], stride: (2, 2))] },
    "conv_transpose2d_transposed_weight": { x in [x[0].convTranspose2d(x[1].transposed(0, 1), stride: (2, 2))] },

    // Pooling.
    "max_pool2d": { x in [x[0].maxPool2d(kernelSize: (2, 2))] },
    "max_pool2d_stride_padding": { x in [x[0].maxPool2d(kernelSize: (3, 3), stride: (2, 2), padding: (1, 1))] },
    "max_pool2d_dilation": { x in [x[0].maxPool2d(kernelSize: (2, 2), stride: (1, 1), dilation: (2, 2))] },
    "max_pool2d_dilation_padding": { x in
        [x[0].maxPool2d(kernelSize: (3, 2), stride: (2, 1), padding: (1, 1), dilation: (2, 2))]
    },
    "max_pool2d_unbatched": { x in [x[0].maxPool2d(kernelSize: (2, 2))] },
    "max_pool2d_transposed": { x in [x[0].transposed().maxPool2d(kernelSize: (2, 2), stride: (1, 1))] },
    "max_pool2d_ties": { x in [x[0].maxPool2d(kernelSize: (2, 2), stride: (1, 1))] },
    "max_pool2d_nan": { x in [x[0].maxPool2d(kernelSize: (2, 2))] },
    "avg_pool2d": { x in [x[0].avgPool2d(kernelSize: (2, 2))] },
    "avg_pool2d_padding_count_include": { x in [x[0].avgPool2d(kernelSize: (3, 3), stride: (2, 2), padding: (1, 1))] },
    "avg_pool2d_padding_count_exclude": { x in
        [x[0].avgPool2d(kernelSize: (3, 3), stride: (2, 2), padding: (1, 1), countIncludePad: false)]
    },
    "avg_pool2d_asymmetric_exclude": { x in
        [x[0].avgPool2d(kernelSize: (2, 3), stride: (1, 2), padding: (1, 1), countIncludePad: false)]
    },
    "adaptive_avg_pool2d_divides": { x in [x[0].adaptiveAvgPool2d(outputSize: (3, 4))] },
    "adaptive_avg_pool2d_uneven": { x in [x[0].adaptiveAvgPool2d(outputSize: (3, 4))] },
    "adaptive_avg_pool2d_global": { x in [x[0].adaptiveAvgPool2d(outputSize: (1, 1))] },
    "adaptive_avg_pool2d_larger": { x in [x[0].adaptiveAvgPool2d(outputSize: (4, 5))] },
    "adaptive_avg_pool2d_unbatched": { x in [x[0].adaptiveAvgPool2d(outputSize: (2, 3))] },

    // Embedding.
    "embedding": { x in [Tensor.embedding(x[0], weight: x[1])] },
    "embedding_repeated": { x in [Tensor.embedding(x[0], weight: x[1])] },
    "embedding_padding_idx": { x in [Tensor.embedding(x[0], weight: x[1], paddingIndex: 0)] },
    "embedding_padding_idx_negative": { x in [Tensor.embedding(x[0], weight: x[1], paddingIndex: -1)] },
    "embedding_scalar_index": { x in [Tensor.embedding(x[0], weight: x[1])] },
    "embedding_transposed_weight": { x in [Tensor.embedding(x[0], weight: x[1].transposed())] },

    // Linear algebra (the script says, per case, how torch.linalg's definitions match Flint's).
    "solve_vector": { x in [try LinearAlgebra.solve(x[0], x[1])] },
    "solve_matrix": { x in [try LinearAlgebra.solve(x[0], x[1])] },
    "solve_batched": { x in [try LinearAlgebra.solve(x[0], x[1])] },
    "solve_batched_vectors": { x in [try LinearAlgebra.solve(x[0], x[1])] },
    "solve_broadcast": { x in [try LinearAlgebra.solve(x[0], x[1])] },
    "solve_transposed": { x in [try LinearAlgebra.solve(x[0].transposed(), x[1].transposed())] },
    "solve_triangular_upper": { x in [try LinearAlgebra.solveTriangular(x[0], x[1], upper: true)] },
    "solve_triangular_lower": { x in [try LinearAlgebra.solveTriangular(x[0], x[1], upper: false)] },
    "solve_triangular_lower_batched": { x in [try LinearAlgebra.solveTriangular(x[0], x[1], upper: false)] },
    "cholesky": { x in [try LinearAlgebra.cholesky(positiveDefinite(x[0]))] },
    "cholesky_batched": { x in [try LinearAlgebra.cholesky(positiveDefinite(x[0]))] },
    "inverse": { x in [try LinearAlgebra.inverse(x[0])] },
    "inverse_batched": { x in [try LinearAlgebra.inverse(x[0])] },
    "det": { x in [try LinearAlgebra.determinant(x[0])] },
    "det_batched": { x in [try LinearAlgebra.determinant(x[0])] },
    "det_singular": { x in [try LinearAlgebra.determinant(x[0])] },
    "eigh": { x in try eighInvariants(x[0] + x[0].transposed()) },
    "eigh_batched": { x in try eighInvariants(x[0] + x[0].transposed()) },
    "qr_tall": { x in try qrPositive(x[0]) },
    "qr_wide": { x in try qrPositive(x[0]) },
    "qr_square_batched": { x in try qrPositive(x[0]) },
    "svd_tall": { x in try svdInvariants(x[0]) },
    "svd_wide": { x in try svdInvariants(x[0]) },
    "svd_square_batched": { x in try svdInvariants(x[0]) },
    "lstsq_vector": { x in [try LinearAlgebra.leastSquares(x[0], x[1])] },
    "lstsq_matrix": { x in [try LinearAlgebra.leastSquares(x[0], x[1])] },
    "lstsq_batched": { x in [try LinearAlgebra.leastSquares(x[0], x[1])] },
]

// MARK: - helpers of the linear-algebra cases (the script has the same ones)

/// `X Xᵀ + n I`: symmetric positive definite and well-conditioned, for any square `X`.
private func positiveDefinite(_ x: Tensor) -> Tensor {
    let n = x.shape[x.rank - 1]
    return x.matmul(x.transposed()) + Tensor.eye(n, dtype: x.dtype) * Double(n)
}

/// `[1, 2, ..., k]`: distinct weights for the sign-invariant spectral sums.
private func ramp(_ k: Int) -> Tensor {
    Tensor.arange(from: 1, to: Double(k + 1), dtype: .float64)
}

/// The eigenvalues, `V ∘ V` and `V diag(1..n) Vᵀ`: what does not depend on the eigenvectors' signs.
private func eighInvariants(_ a: Tensor) throws -> [Tensor] {
    let (values, vectors) = try LinearAlgebra.eigh(a)
    let n = vectors.shape[vectors.rank - 1]
    return [values, vectors * vectors, (vectors * ramp(n)).matmul(vectors.transposed())]
}

/// `S`, `U ∘ U`, `Vᵀ ∘ Vᵀ` and `U diag(1..k) Uᵀ` of the reduced SVD: independent of the vectors' signs.
private func svdInvariants(_ a: Tensor) throws -> [Tensor] {
    let (u, s, vt) = try LinearAlgebra.svd(a)
    let k = s.shape[s.rank - 1]
    return [s, u * u, vt * vt, (u * ramp(k)).matmul(u.transposed())]
}

/// The reduced QR with the signs chosen so that `R`'s diagonal is positive.
private func qrPositive(_ a: Tensor) throws -> [Tensor] {
    let (q, r) = try LinearAlgebra.qr(a)
    let k = r.shape[r.rank - 2], n = r.shape[r.rank - 1]
    let signs = (r * Tensor.eye(k, columns: n, dtype: r.dtype)).sum(axis: -1).sign()
    return [q * signs.unsqueezed(axis: -2), r * signs.unsqueezed(axis: -1)]
}

/// Absolute and relative tolerance for float64 comparisons with PyTorch.
private let fixtureTolerance = 1e-10

// MARK: - the fixture file


/// One case of the fixture file.
struct FixtureCase: Sendable, CustomTestStringConvertible {
    let name: String
    let inputs: [FixtureTensor]
    let outputs: [FixtureTensor]
    let upstream: [FixtureTensor?]
    let gradients: [FixtureTensor?]

    var testDescription: String { name }
}


enum TorchFixtures {
    /// Every case of `Fixtures/torch_ops.json`, in file order.
    static let cases: [FixtureCase] = {
        do { return try load() } catch { fatalError("cannot read the torch fixtures: \(error)") }
    }()

    /// Whether a case runs through `LinearAlgebra` (its name starts with one of these ops).
    static func isLinearAlgebra(_ name: String) -> Bool {
        ["solve_", "cholesky", "inverse", "det", "eigh", "qr_", "svd_", "lstsq_"].contains { name.hasPrefix($0) }
    }

    static func load() throws -> [FixtureCase] {
        guard let url = Bundle.module.url(forResource: "torch_ops", withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureError("Fixtures/torch_ops.json is missing from the test bundle; run scripts/make_torch_fixtures.py")
        }
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let document = root as? [String: Any], let entries = document["cases"] as? [[String: Any]] else {
            throw FixtureError("torch_ops.json has no \"cases\" list")
        }
        return try entries.map { entry in
            guard let name = entry["name"] as? String else { throw FixtureError("a case has no name") }
            func tensors(_ key: String) throws -> [FixtureTensor?] {
                guard let list = entry[key] as? [Any] else { throw FixtureError("\(name): no \(key)") }
                return try list.map { $0 is NSNull ? nil : try FixtureTensor($0, context: name) }
            }
            return FixtureCase(name: name, inputs: try tensors("inputs").compactMap { $0 },
                               outputs: try tensors("outputs").compactMap { $0 },
                               upstream: try tensors("upstream"), gradients: try tensors("gradients"))
        }
    }
}

// MARK: - comparing

/// Records an issue unless `actual` matches the fixture tensor within the tolerance.
private func expectMatches(_ actual: Tensor, _ expected: FixtureTensor, _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    if let mismatch = fixtureMismatch(actual, expected, tolerance: fixtureTolerance, checkType: true) {
        Issue.record("\(what): \(mismatch)", sourceLocation: sourceLocation)
    }
}

// MARK: - tests

@Suite("PyTorch fixtures")
struct TorchFixtureTests {
    @Test("every fixture case has a Flint mapping and every mapping a fixture case")
    func tablesAgree() {
        let fixtureNames = Set(TorchFixtures.cases.map(\.name))
        let missing = fixtureNames.subtracting(torchFixtureOperations.keys).sorted()
        let stale = Set(torchFixtureOperations.keys).subtracting(fixtureNames).sorted()
        #expect(missing.isEmpty, "fixture cases with no Flint mapping in TorchFixtureTests.swift: \(missing)")
        #expect(stale.isEmpty, "Flint mappings with no fixture case (rerun scripts/make_torch_fixtures.py?): \(stale)")
        #expect(TorchFixtures.cases.count == fixtureNames.count, "duplicate case names in torch_ops.json")
        #expect(TorchFixtures.cases.count >= 45)
    }

    @Test("forward and gradients match PyTorch", arguments: TorchFixtures.cases)
    func matchesTorch(_ fixture: FixtureCase) throws {
        try check(fixture)
    }

    /// The linear-algebra cases again on Flint's pure-Swift routines (the fallback without
    /// OpenBLAS), which must match PyTorch as closely as LAPACK does.
    @Test("linear-algebra cases match PyTorch on the pure-Swift routines",
          arguments: TorchFixtures.cases.filter { TorchFixtures.isLinearAlgebra($0.name) })
    func linearAlgebraMatchesTorchWithoutLAPACK(_ fixture: FixtureCase) throws {
        try LinearAlgebra.$backend.withValue(.swift) { try check(fixture) }
    }

    private func check(_ fixture: FixtureCase) throws {
        let operation = try #require(torchFixtureOperations[fixture.name],
                                     "fixture case \(fixture.name) has no Flint mapping in TorchFixtureTests.swift")
        let inputs = fixture.inputs.map { input -> Tensor in
            let tensor = input.tensor()
            if input.requiresGrad { tensor.requiresGrad = true }
            return tensor
        }
        let outputs = try operation(inputs)
        try #require(outputs.count == fixture.outputs.count,
                     "\(fixture.name): \(outputs.count) outputs, PyTorch \(fixture.outputs.count)")
        for (index, (output, expected)) in zip(outputs, fixture.outputs).enumerated() {
            expectMatches(output, expected, "\(fixture.name) output \(index)")
        }

        // Backward: the gradient of sum_k <output_k, upstream_k> is what torch.autograd.grad gave
        // with grad_outputs = upstream.
        var objective: Tensor? = nil
        for (output, upstream) in zip(outputs, fixture.upstream) {
            guard let upstream, output.requiresGrad else { continue }
            let term = (output * upstream.tensor()).sum()
            objective = objective.map { $0 + term } ?? term
        }
        objective?.backward()
        for (index, (input, expected)) in zip(inputs, fixture.gradients).enumerated() {
            guard let expected else {
                #expect(input.grad == nil, "\(fixture.name): input \(index) got a gradient PyTorch does not have")
                continue
            }
            // PyTorch reports zeros for inputs the outputs do not depend on; Flint leaves them nil.
            let gradient = input.grad ?? Tensor.zeros(like: input)
            expectMatches(gradient, expected, "\(fixture.name) gradient of input \(index)")
        }
    }
}

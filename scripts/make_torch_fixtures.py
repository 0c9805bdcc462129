#!/usr/bin/env python3
"""PyTorch reference fixtures for Flint's core tensor operations.

Writes Tests/FlintTests/Fixtures/torch_ops.json, which Tests/FlintTests/TorchFixtureTests.swift
reads: for every case, the input tensors, PyTorch's forward output(s), a fixed upstream gradient for
each float output, and PyTorch's gradient for each input that requires one. CI never runs this
script (it has no PyTorch); the JSON file is committed.

Run it from the repository root with a Python that has PyTorch (CPU is enough):

    .venv/bin/python scripts/make_torch_fixtures.py            # rewrite the fixture file
    .venv/bin/python scripts/make_torch_fixtures.py --check    # exit 1 if the file is stale
    .venv/bin/python scripts/make_torch_fixtures.py --list     # print the case names

Adding a case: add one line to CASES below (name -> inputs and a torch lambda), rerun the script,
and add the same name with the Flint equivalent to the table in TorchFixtureTests.swift (the test
fails for a fixture case that has no Swift mapping, so the two tables cannot drift apart).

Everything is float64 and every case draws its random inputs from its own generator seeded by the
case name, so adding or removing a case never changes the others.
"""

import math
import sys
import zlib
from pathlib import Path

from fixture_common import encode, fixture_main
import torch
import torch.nn.functional as F

OUTPUT = Path(__file__).resolve().parent.parent / "Tests" / "FlintTests" / "Fixtures" / "torch_ops.json"
FORMAT_VERSION = 1


# --- input specifications ---------------------------------------------------------------------
# Each spec makes one input tensor from the case's generator. Float inputs require gradients
# unless grad=False; integer (index) and bool (mask) inputs never do.

class Spec:
    def __init__(self, make, grad):
        self.make = make
        self.grad = grad


def N(*shape, scale=1.0, grad=True):
    """Standard normal float64 values times `scale`, rounded to 5 decimals (short, exact in JSON)."""
    return Spec(lambda g: torch.round(torch.randn(shape, generator=g, dtype=torch.float64) * scale, decimals=5), grad)


def U(low, high, *shape, grad=True):
    """Uniform float64 values in [low, high), rounded to 5 decimals."""
    return Spec(lambda g: torch.round(low + (high - low) * torch.rand(shape, generator=g, dtype=torch.float64),
                                      decimals=5), grad)


def V(values, grad=True):
    """Explicit float64 values (nested lists), for edge cases: ties, zeros, bounds, NaN."""
    return Spec(lambda g: torch.tensor(values, dtype=torch.float64), grad)


def NI(*shape, shift, grad=True):
    """Square matrices (or a batch of them): standard normal values plus `shift` on the diagonal,
    far from singular, rounded to 5 decimals."""
    def make(g):
        values = torch.randn(shape, generator=g, dtype=torch.float64) + shift * torch.eye(shape[-1], dtype=torch.float64)
        return torch.round(values, decimals=5)
    return Spec(make, grad)


def I(high, *shape):
    """Random int64 indices in [0, high)."""
    return Spec(lambda g: torch.randint(0, high, shape, generator=g, dtype=torch.int64), False)


def IV(values):
    """Explicit int64 values."""
    return Spec(lambda g: torch.tensor(values, dtype=torch.int64), False)


def M(*shape):
    """A random bool mask (about half true)."""
    return Spec(lambda g: torch.rand(shape, generator=g, dtype=torch.float64) < 0.5, False)


# --- helpers for the linear-algebra cases (TorchFixtureTests.swift has the same ones) ------------

def spd(x):
    """X Xᵀ + n I: symmetric positive definite and well-conditioned, for any square X."""
    n = x.shape[-1]
    return x @ x.mT + n * torch.eye(n, dtype=x.dtype)


def ramp(k):
    """[1, 2, ..., k]: distinct weights for the sign-invariant spectral sums below."""
    return torch.arange(1, k + 1, dtype=torch.float64)


def eigh_invariants(a):
    """The eigenvalues, V ∘ V, and V diag(1..n) Vᵀ: what does not depend on the eigenvectors' signs."""
    values, vectors = torch.linalg.eigh(a)
    return values, vectors * vectors, (vectors * ramp(vectors.shape[-1])) @ vectors.mT


def svd_invariants(a):
    """S, U ∘ U, Vᵀ ∘ Vᵀ and U diag(1..k) Uᵀ of the reduced SVD: independent of the vectors' signs."""
    u, s, vt = torch.linalg.svd(a, full_matrices=False)
    return s, u * u, vt * vt, (u * ramp(s.shape[-1])) @ u.mT


def qr_positive(a):
    """The reduced QR with the signs chosen so that R's diagonal is positive."""
    q, r = torch.linalg.qr(a)
    signs = torch.sign(torch.diagonal(r, dim1=-2, dim2=-1))
    return q * signs.unsqueeze(-2), r * signs.unsqueeze(-1)


# --- the cases: name -> (inputs, torch function) ----------------------------------------------
# The function gets the inputs in order and returns a tensor or a tuple of tensors. Names are
# snake_case and unique; the Swift table in TorchFixtureTests.swift uses the same names. An
# optional third element holds options: {"create_graph": True} takes the gradients with
# torch.autograd.grad(..., create_graph=True), whose formulas some ops only use then.

CASES = {
    # Arithmetic, tensor with tensor (same shape and broadcast) and with a number.
    "add": ([N(2, 3), N(2, 3)], lambda a, b: a + b),
    "add_broadcast": ([N(2, 1, 3), N(4, 1)], lambda a, b: a + b),
    "add_broadcast_rank0": ([N(), N(2, 3)], lambda a, b: a + b),
    "add_scalar": ([N(2, 3)], lambda a: a + 1.5),
    "sub": ([N(3, 4), N(3, 4)], lambda a, b: a - b),
    "sub_broadcast": ([N(3, 4), N(4)], lambda a, b: a - b),
    "sub_scalar": ([N(2, 3)], lambda a: a - 0.75),
    "rsub_scalar": ([N(2, 3)], lambda a: 2.0 - a),
    "mul": ([N(2, 3), N(2, 3)], lambda a, b: a * b),
    "mul_broadcast": ([N(2, 3, 1), N(1, 4)], lambda a, b: a * b),
    "mul_scalar": ([N(2, 3)], lambda a: a * -2.5),
    "mul_same_input": ([N(2, 3)], lambda a: a * a),
    "div": ([N(2, 3), U(0.5, 2, 2, 3)], lambda a, b: a / b),
    "div_broadcast": ([N(3, 4), U(0.5, 2, 3, 1)], lambda a, b: a / b),
    "div_scalar": ([N(2, 3)], lambda a: a / 3.0),
    "rdiv_scalar": ([U(0.5, 2, 2, 3)], lambda a: 2.0 / a),
    "pow_tensor": ([U(0.5, 2, 2, 3), N(2, 3)], lambda a, b: a ** b),
    "pow_tensor_broadcast": ([U(0.5, 2, 3, 4), N(4)], lambda a, b: torch.pow(a, b)),
    "pow_scalar": ([N(2, 3)], lambda a: a ** 3.0),
    "pow_scalar_two": ([N(2, 3)], lambda a: a ** 2.0),
    "pow_scalar_half": ([U(0.5, 2, 2, 3)], lambda a: a ** 0.5),
    "pow_scalar_fractional": ([U(0.5, 2, 2, 3)], lambda a: a ** 1.7),
    "pow_scalar_negative": ([U(0.5, 2, 2, 3)], lambda a: a ** -1.5),
    "scalar_pow": ([N(2, 3)], lambda a: torch.pow(2.5, a)),
    "neg": ([N(2, 3)], lambda a: -a),
    "broadcast_chain": ([N(2, 1, 4), N(3, 1), N(4)], lambda a, b, c: a * b + c / (1.0 + b * b)),

    # Elementwise functions and activations.
    "abs": ([V([[-1.5, 0.0, 2.25], [0.5, -0.125, 3.0]])], lambda a: a.abs()),
    "exp": ([N(2, 3)], lambda a: a.exp()),
    "log": ([U(0.1, 3, 2, 3)], lambda a: a.log()),
    "log1p": ([U(-0.5, 2, 2, 3)], lambda a: a.log1p()),
    "sqrt": ([U(0.1, 3, 2, 3)], lambda a: a.sqrt()),
    "rsqrt": ([U(0.1, 3, 2, 3)], lambda a: a.rsqrt()),
    "sin": ([N(2, 3, scale=2)], lambda a: a.sin()),
    "cos": ([N(2, 3, scale=2)], lambda a: a.cos()),
    "tanh": ([N(2, 3, scale=2)], lambda a: a.tanh()),
    "sigmoid": ([U(-8, 8, 3, 4)], lambda a: a.sigmoid()),
    "relu": ([V([[-1.0, 0.0, 0.5], [2.0, -0.25, 0.0]])], lambda a: F.relu(a)),
    "leaky_relu": ([V([[-1.0, 0.0, 0.5], [2.0, -0.25, -3.0]])], lambda a: F.leaky_relu(a, 0.1)),
    "leaky_relu_default": ([N(2, 3)], lambda a: F.leaky_relu(a)),
    "elu": ([U(-3, 3, 2, 4)], lambda a: F.elu(a)),
    "elu_alpha": ([U(-3, 3, 2, 4)], lambda a: F.elu(a, alpha=0.5)),
    "gelu": ([U(-4, 4, 2, 4)], lambda a: F.gelu(a)),
    "gelu_tanh": ([U(-4, 4, 2, 4)], lambda a: F.gelu(a, approximate="tanh")),
    "silu": ([U(-4, 4, 2, 4)], lambda a: F.silu(a)),
    "softplus": ([U(-4, 4, 2, 4)], lambda a: F.softplus(a)),
    "softplus_beta_threshold": ([U(-3, 4, 2, 4)], lambda a: F.softplus(a, beta=2.0, threshold=5.0)),
    "clamp": ([N(3, 4)], lambda a: a.clamp(-0.5, 0.5)),
    "clamp_min": ([N(3, 4)], lambda a: a.clamp(min=-0.2)),
    "clamp_max": ([N(3, 4)], lambda a: a.clamp(max=0.3)),
    # Forward only: the gradient exactly at a bound is a convention PyTorch has changed between
    # versions (1.x and early 2.x pass it through, 2.15 does not); Flint passes it through, which
    # TensorTests checks.
    "clamp_at_bounds": ([V([-1.0, -0.5, 0.0, 0.5, 1.0], grad=False)], lambda a: a.clamp(-0.5, 0.5)),
    "sign": ([V([-2.0, 0.0, 3.5])], lambda a: a.sign()),

    # Binary selection.
    "maximum": ([N(3, 4), N(3, 4)], lambda a, b: torch.maximum(a, b)),
    "maximum_broadcast": ([N(3, 4), N(4)], lambda a, b: torch.maximum(a, b)),
    "maximum_ties": ([V([1.0, 2.0, 3.0, -1.0]), V([1.0, 0.0, 3.0, 2.0])], lambda a, b: torch.maximum(a, b)),
    "minimum": ([N(3, 4), N(3, 4)], lambda a, b: torch.minimum(a, b)),
    "minimum_ties": ([V([1.0, 2.0, 3.0, -1.0]), V([1.0, 0.0, 3.0, 2.0])], lambda a, b: torch.minimum(a, b)),
    "maximum_nan": ([V([1.0, math.nan, 2.0], grad=False), V([math.nan, 0.0, 1.0], grad=False)],
                    lambda a, b: torch.maximum(a, b)),
    "minimum_nan": ([V([1.0, math.nan, 2.0], grad=False), V([math.nan, 0.0, 1.0], grad=False)],
                    lambda a, b: torch.minimum(a, b)),
    "where": ([M(3, 4), N(3, 4), N(3, 4)], lambda m, a, b: torch.where(m, a, b)),
    "where_broadcast": ([M(3, 1), N(4), N(3, 4)], lambda m, a, b: torch.where(m, a, b)),
    "where_scalar": ([M(2, 3), N(2, 3)], lambda m, a: torch.where(m, a, 0.25)),
    "greater": ([N(2, 3, grad=False), N(2, 3, grad=False)], lambda a, b: a > b),
    "less_equal_ties": ([V([1.0, 2.0, 3.0], grad=False), V([1.0, 3.0, 2.0], grad=False)], lambda a, b: a <= b),

    # Reductions.
    "sum_all": ([N(2, 3, 4)], lambda a: a.sum()),
    "sum_axis": ([N(2, 3, 4)], lambda a: a.sum(1)),
    "sum_axes_keepdim": ([N(2, 3, 4)], lambda a: a.sum((0, 2), keepdim=True)),
    "sum_negative_axis": ([N(2, 3, 4)], lambda a: a.sum(-1)),
    "sum_int": ([IV([[1, -2, 3], [4, 5, -6]])], lambda a: a.sum(0)),
    "mean_all": ([N(2, 3, 4)], lambda a: a.mean()),
    "mean_axes_keepdim": ([N(2, 3, 4)], lambda a: a.mean((1, 2), keepdim=True)),
    "mean_axis": ([N(3, 5)], lambda a: a.mean(0)),
    "prod_all": ([U(0.5, 1.5, 2, 3)], lambda a: a.prod()),
    "prod_axis": ([N(3, 4)], lambda a: a.prod(1)),
    "prod_axis_keepdim": ([N(3, 4)], lambda a: a.prod(0, keepdim=True)),
    "prod_with_zero": ([V([[1.5, 0.0, 2.0], [0.0, 3.0, 0.0], [1.0, 2.0, -1.0]])], lambda a: a.prod(1)),
    "max_axis": ([N(3, 4)], lambda a: tuple(a.max(1))),
    "max_axis_keepdim": ([N(3, 4, 2)], lambda a: tuple(a.max(1, keepdim=True))),
    "min_axis": ([N(3, 4)], lambda a: tuple(a.min(0))),
    "max_all": ([N(3, 4)], lambda a: a.max()),
    "min_all": ([N(3, 4)], lambda a: a.min()),
    "max_axis_nan": ([V([[1.0, math.nan, 3.0], [2.0, 5.0, 4.0]], grad=False)], lambda a: tuple(a.max(1))),
    "argmax_axis": ([N(3, 4, grad=False)], lambda a: a.argmax(1)),
    "argmax_flat": ([N(3, 4, grad=False)], lambda a: a.argmax()),
    "argmin_axis_keepdim": ([N(3, 4, grad=False)], lambda a: a.argmin(0, keepdim=True)),
    "var_unbiased_all": ([N(3, 4)], lambda a: a.var()),
    "var_biased_axis": ([N(3, 4)], lambda a: a.var(1, unbiased=False)),
    "var_axes_keepdim": ([N(2, 3, 4)], lambda a: a.var((0, 2), keepdim=True)),
    "std_unbiased_all": ([N(3, 4)], lambda a: a.std()),
    "std_biased_axis_keepdim": ([N(3, 4)], lambda a: a.std(0, unbiased=False, keepdim=True)),
    "logsumexp_axis": ([N(3, 4)], lambda a: torch.logsumexp(a, 1)),
    "logsumexp_all": ([N(3, 4)], lambda a: torch.logsumexp(a, (0, 1))),
    "logsumexp_keepdim": ([N(2, 3, 4)], lambda a: torch.logsumexp(a, 0, keepdim=True)),
    "logsumexp_large": ([V([[1000.0, 1000.5, 999.0], [-1000.0, -999.0, -1001.0]])], lambda a: torch.logsumexp(a, 1)),
    "cumsum_axis0": ([N(3, 4)], lambda a: a.cumsum(0)),
    "cumsum_axis1_3d": ([N(2, 3, 4)], lambda a: a.cumsum(1)),
    "cumsum_transposed": ([N(3, 4)], lambda a: a.t().cumsum(1)),

    # Softmax.
    "softmax_last": ([N(3, 5)], lambda a: a.softmax(-1)),
    "softmax_axis0": ([N(3, 5)], lambda a: a.softmax(0)),
    "softmax_large": ([V([[1000.0, 1001.0, 999.0], [-500.0, -501.0, -499.0]])], lambda a: a.softmax(1)),
    "softmax_transposed": ([N(4, 3)], lambda a: a.t().softmax(1)),
    "log_softmax_last": ([N(3, 5)], lambda a: a.log_softmax(-1)),
    "log_softmax_axis1_3d": ([N(2, 3, 4)], lambda a: a.log_softmax(1)),

    # Matrix products.
    "matmul_2d": ([N(3, 4), N(4, 5)], lambda a, b: a @ b),
    "matmul_batched": ([N(2, 3, 4), N(2, 4, 5)], lambda a, b: a @ b),
    "matmul_broadcast_batch": ([N(2, 1, 3, 4), N(3, 4, 2)], lambda a, b: a @ b),
    "matmul_batch_matrix": ([N(2, 3, 4), N(4, 5)], lambda a, b: a @ b),
    "matmul_matrix_batch": ([N(3, 4), N(2, 4, 5)], lambda a, b: a @ b),
    "matmul_vector_vector": ([N(4), N(4)], lambda a, b: a @ b),
    "matmul_matrix_vector": ([N(3, 4), N(4)], lambda a, b: a @ b),
    "matmul_vector_matrix": ([N(4), N(4, 3)], lambda a, b: a @ b),
    "matmul_batch_vector": ([N(2, 3, 4), N(4)], lambda a, b: a @ b),
    "matmul_vector_batch": ([N(4), N(2, 4, 3)], lambda a, b: a @ b),
    "matmul_transposed_operands": ([N(4, 3), N(5, 4)], lambda a, b: a.t() @ b.t()),
    "matmul_sliced_operand": ([N(6, 4), N(4, 6)], lambda a, b: a[::2] @ b[:, 1::2]),
    "dot": ([N(5), N(5)], lambda a, b: torch.dot(a, b)),
    "outer": ([N(3), N(4)], lambda a, b: torch.outer(a, b)),
    "linear": ([N(3, 4), N(5, 4), N(5)], lambda x, w, b: F.linear(x, w, b)),
    "linear_no_bias_batched": ([N(2, 3, 4), N(5, 4)], lambda x, w: F.linear(x, w)),
    "linear_one_row": ([N(1, 37), N(13, 37), N(13)], lambda x, w, b: F.linear(x, w, b)),
    "linear_vector": ([N(6), N(3, 6), N(3)], lambda x, w, b: F.linear(x, w, b)),

    # Views.
    "reshape": ([N(2, 6)], lambda a: a.reshape(3, 4)),
    "reshape_infer": ([N(2, 3, 4)], lambda a: a.reshape(-1, 4)),
    "reshape_transposed": ([N(3, 4)], lambda a: a.t().reshape(2, 6)),
    "permute": ([N(2, 3, 4)], lambda a: a.permute(2, 0, 1)),
    "transpose": ([N(3, 4)], lambda a: a.t()),
    "transpose_3d": ([N(2, 3, 4)], lambda a: a.transpose(0, 2)),
    "flatten": ([N(2, 3, 4)], lambda a: a.flatten(1)),
    "unsqueeze": ([N(3, 4)], lambda a: a.unsqueeze(1)),
    "squeeze": ([N(3, 1, 4, 1)], lambda a: a.squeeze()),
    "squeeze_axis": ([N(3, 1, 4, 1)], lambda a: a.squeeze(1)),
    "expand": ([N(3, 1)], lambda a: a.expand(3, 4)),
    "expand_leading": ([N(4)], lambda a: a.expand(2, 3, 4)),
    "expand_then_mul": ([N(3, 1), N(3, 4)], lambda a, b: a.expand(3, 4) * b),
    "narrow": ([N(5, 3)], lambda a: a.narrow(0, 1, 3)),

    # Subscripts (basic indexing).
    "slice_range": ([N(4, 5)], lambda a: a[1:3, 1:]),
    "slice_steps": ([N(5, 7)], lambda a: a[::2, 1::3]),
    "slice_index": ([N(4, 5)], lambda a: a[1]),
    "slice_index_column": ([N(4, 5)], lambda a: a[:, -2]),
    "slice_negative": ([N(4, 5)], lambda a: a[-2:, :-1]),
    "slice_new_axis": ([N(3, 4)], lambda a: a[None, 1:]),
    "slice_of_transposed": ([N(4, 6)], lambda a: a.t()[1::2, :3]),

    # Indexing, scattering and joining.
    "gather_axis0": ([N(3, 4), I(3, 2, 4)], lambda a, i: a.gather(0, i)),
    "gather_axis1": ([N(3, 4), I(4, 3, 5)], lambda a, i: a.gather(1, i)),
    "gather_small_index": ([N(3, 4), I(4, 2, 2)], lambda a, i: a.gather(1, i)),
    "scatter_add_axis0": ([N(3, 4), IV([[0, 1, 2, 0], [0, 0, 1, 2]]), N(2, 4)], lambda a, i, s: a.scatter_add(0, i, s)),
    "scatter_add_axis1": ([N(3, 5), I(5, 3, 4), N(3, 4)], lambda a, i, s: a.scatter_add(1, i, s)),
    # PyTorch cannot differentiate the source when the index is smaller than it (GradientCheckTests
    # covers that in Flint), so the source is a constant here.
    "scatter_add_small_index": ([N(3, 5), I(5, 2, 2), N(3, 4, grad=False)], lambda a, i, s: a.scatter_add(1, i, s)),
    "index_select_axis0": ([N(4, 3), IV([3, 0, 3, 1])], lambda a, i: a.index_select(0, i)),
    "index_select_axis1": ([N(2, 5, 3), IV([4, 0])], lambda a, i: a.index_select(1, i)),
    "masked_fill": ([N(3, 4), M(3, 4)], lambda a, m: a.masked_fill(m, -1.5)),
    "masked_fill_broadcast": ([N(3, 4), M(1, 4)], lambda a, m: a.masked_fill(m, 2.0)),
    "masked_select": ([N(3, 4), M(3, 4)], lambda a, m: a.masked_select(m)),
    "masked_select_broadcast": ([N(3, 4), M(4)], lambda a, m: a.masked_select(m)),
    "cat_axis0": ([N(2, 3), N(1, 3)], lambda a, b: torch.cat([a, b], 0)),
    "cat_axis1_three": ([N(2, 3), N(2, 1), N(2, 2)], lambda a, b, c: torch.cat([a, b, c], 1)),
    "cat_same_tensor": ([N(2, 3)], lambda a: torch.cat([a, a * 2.0], 0)),
    "stack_axis0": ([N(2, 3), N(2, 3)], lambda a, b: torch.stack([a, b])),
    "stack_axis1": ([N(2, 3), N(2, 3), N(2, 3)], lambda a, b, c: torch.stack([a, b, c], 1)),
    "stack_last": ([N(2, 3), N(2, 3)], lambda a, b: torch.stack([a, b], -1)),
    "split_sizes": ([N(5, 2)], lambda a: a.split([2, 3])),
    "chunk": ([N(2, 6)], lambda a: a.chunk(3, 1)),
    "pad_last_axis": ([N(2, 3)], lambda a: F.pad(a, (1, 2))),
    "pad_two_axes_value": ([N(2, 3)], lambda a: F.pad(a, (1, 0, 2, 1), value=0.5)),
    "repeat": ([N(2, 3)], lambda a: a.repeat(2, 3)),
    "repeat_new_axes": ([N(2, 3)], lambda a: a.repeat(2, 1, 2)),

    # Non-contiguous inputs into elementwise ops and reductions.
    "transposed_add": ([N(3, 4), N(4, 3)], lambda a, b: a.t() + b),
    "sliced_mul_exp": ([N(4, 6), N(2, 2)], lambda a, b: (a[::2, 1::3] * b).exp()),
    "expanded_sub_sum": ([N(3, 1), N(3, 4)], lambda a, b: (a.expand(3, 4) - b).sum(0)),
    "permuted_sum": ([N(2, 3, 4)], lambda a: a.permute(2, 0, 1).sum((0, 2))),
    "transposed_max": ([N(3, 4)], lambda a: tuple(a.t().max(1))),

    # Convolutions: torch.nn.functional.conv2d / conv1d / conv_transpose2d and Flint's conv2d,
    # conv1d and convTranspose2d take the same layouts (NCHW input, weight [out, in / groups, kH, kW],
    # transposed weight [in, out / groups, kH, kW]) and the same stride, padding, outputPadding,
    # dilation and groups, and both accept an unbatched input.
    "conv2d": ([N(2, 3, 6, 5), N(4, 3, 3, 3), N(4)], lambda x, w, b: F.conv2d(x, w, b)),
    "conv2d_no_bias": ([N(2, 3, 5, 5), N(4, 3, 3, 3)], lambda x, w: F.conv2d(x, w)),
    "conv2d_stride_padding": ([N(2, 3, 7, 6), N(4, 3, 3, 3), N(4)], lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1)),
    "conv2d_asymmetric": ([N(1, 2, 6, 7), N(3, 2, 2, 3), N(3)],
                          lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(0, 2))),
    "conv2d_dilation": ([N(2, 2, 7, 8), N(3, 2, 3, 3), N(3)], lambda x, w, b: F.conv2d(x, w, b, padding=2, dilation=2)),
    "conv2d_dilation_stride": ([N(1, 2, 9, 7), N(2, 2, 3, 2)],
                               lambda x, w: F.conv2d(x, w, stride=2, padding=(1, 0), dilation=(2, 1))),
    "conv2d_groups": ([N(2, 4, 5, 5), N(6, 2, 3, 3), N(6)], lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=2)),
    "conv2d_groups_no_bias": ([N(1, 6, 5, 4), N(9, 2, 2, 2)], lambda x, w: F.conv2d(x, w, stride=2, groups=3)),
    "conv2d_depthwise": ([N(2, 3, 6, 6), N(6, 1, 3, 3), N(6)], lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=3)),
    "conv2d_depthwise_no_bias": ([N(1, 4, 5, 5), N(4, 1, 3, 3)], lambda x, w: F.conv2d(x, w, stride=2, groups=4)),
    "conv2d_unbatched": ([N(3, 5, 5), N(2, 3, 3, 3), N(2)], lambda x, w, b: F.conv2d(x, w, b, padding=1)),
    "conv2d_channels_last": ([N(2, 5, 6, 3), N(4, 3, 3, 3), N(4)],
                             lambda x, w, b: F.conv2d(x.permute(0, 3, 1, 2), w, b, padding=1)),
    "conv1d": ([N(2, 3, 10), N(4, 3, 3), N(4)], lambda x, w, b: F.conv1d(x, w, b)),
    "conv1d_stride_padding": ([N(2, 3, 9), N(5, 3, 4)], lambda x, w: F.conv1d(x, w, stride=2, padding=2)),
    "conv1d_groups_dilation": ([N(2, 6, 11), N(4, 3, 3), N(4)],
                               lambda x, w, b: F.conv1d(x, w, b, padding=1, dilation=2, groups=2)),
    "conv1d_unbatched": ([N(2, 7), N(3, 2, 2), N(3)], lambda x, w, b: F.conv1d(x, w, b, stride=2)),
    "conv_transpose2d": ([N(2, 3, 4, 4), N(3, 2, 3, 3), N(2)], lambda x, w, b: F.conv_transpose2d(x, w, b)),
    "conv_transpose2d_stride_padding": ([N(2, 3, 4, 5), N(3, 2, 3, 3)],
                                        lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1)),
    "conv_transpose2d_output_padding": ([N(1, 3, 3, 4), N(3, 2, 3, 3), N(2)],
                                        lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)),
    "conv_transpose2d_groups": ([N(2, 4, 3, 3), N(4, 3, 3, 3), N(6)],
                                lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, groups=2)),
    "conv_transpose2d_dilation": ([N(1, 2, 4, 4), N(2, 3, 3, 2), N(3)],
                                  lambda x, w, b: F.conv_transpose2d(x, w, b, stride=(1, 2), padding=(1, 0),
                                                                     output_padding=(1, 1), dilation=(2, 1))),
    "conv_transpose2d_unbatched": ([N(2, 3, 3), N(2, 2, 2, 2)], lambda x, w: F.conv_transpose2d(x, w, stride=2)),
    "conv_transpose2d_transposed_weight": ([N(2, 3, 3, 3), N(2, 3, 3, 3)],
                                           lambda x, w: F.conv_transpose2d(x, w.transpose(0, 1), stride=2)),

    # Pooling: F.max_pool2d / avg_pool2d / adaptive_avg_pool2d (ceil_mode=False, the only mode
    # Flint has; the stride defaults to the kernel size in both).
    "max_pool2d": ([N(2, 3, 6, 6)], lambda x: F.max_pool2d(x, 2)),
    "max_pool2d_stride_padding": ([N(2, 2, 7, 6)], lambda x: F.max_pool2d(x, 3, stride=2, padding=1)),
    "max_pool2d_dilation": ([N(1, 2, 7, 8)], lambda x: F.max_pool2d(x, 2, stride=1, dilation=2)),
    "max_pool2d_dilation_padding": ([N(1, 2, 8, 7)],
                                    lambda x: F.max_pool2d(x, (3, 2), stride=(2, 1), padding=(1, 1), dilation=2)),
    "max_pool2d_unbatched": ([N(2, 5, 5)], lambda x: F.max_pool2d(x, 2)),
    "max_pool2d_transposed": ([N(2, 2, 5, 6)], lambda x: F.max_pool2d(x.transpose(-1, -2), 2, stride=1)),
    # Ties inside a window and between overlapping windows: PyTorch takes the first maximum in
    # row-major order of the window.
    "max_pool2d_ties": ([V([[[[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 3.0, 3.0], [0.0, 3.0, -1.0, 3.0]]]])],
                        lambda x: F.max_pool2d(x, 2, stride=1)),
    # NaN is the maximum of any window it is in, and takes the gradient.
    "max_pool2d_nan": ([V([[[[1.0, math.nan, 2.0, 0.0], [3.0, 0.0, -1.0, 4.0]]]])], lambda x: F.max_pool2d(x, 2)),
    "avg_pool2d": ([N(2, 3, 6, 6)], lambda x: F.avg_pool2d(x, 2)),
    "avg_pool2d_padding_count_include": ([N(2, 2, 7, 6)], lambda x: F.avg_pool2d(x, 3, stride=2, padding=1)),
    "avg_pool2d_padding_count_exclude": ([N(2, 2, 7, 6)],
                                         lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)),
    "avg_pool2d_asymmetric_exclude": ([N(1, 2, 5, 7)],
                                      lambda x: F.avg_pool2d(x, (2, 3), stride=(1, 2), padding=1, count_include_pad=False)),
    "adaptive_avg_pool2d_divides": ([N(2, 3, 6, 8)], lambda x: F.adaptive_avg_pool2d(x, (3, 4))),
    "adaptive_avg_pool2d_uneven": ([N(2, 2, 5, 7)], lambda x: F.adaptive_avg_pool2d(x, (3, 4))),
    "adaptive_avg_pool2d_global": ([N(2, 3, 4, 5)], lambda x: F.adaptive_avg_pool2d(x, 1)),
    "adaptive_avg_pool2d_larger": ([N(1, 2, 3, 2)], lambda x: F.adaptive_avg_pool2d(x, (4, 5))),
    "adaptive_avg_pool2d_unbatched": ([N(2, 7, 5)], lambda x: F.adaptive_avg_pool2d(x, (2, 3))),

    # Embedding: F.embedding(indices, weight, padding_idx) and Flint's Tensor.embedding look the
    # padding row up as usual but give it no gradient; a negative padding index counts from the end.
    "embedding": ([I(7, 2, 5), N(7, 4)], lambda i, w: F.embedding(i, w)),
    "embedding_repeated": ([IV([[1, 3, 1], [3, 3, 0]]), N(5, 3)], lambda i, w: F.embedding(i, w)),
    "embedding_padding_idx": ([IV([[0, 2, 0, 4], [1, 0, 2, 2]]), N(5, 3)], lambda i, w: F.embedding(i, w, padding_idx=0)),
    "embedding_padding_idx_negative": ([IV([4, 1, 4, 0, 1]), N(5, 2)], lambda i, w: F.embedding(i, w, padding_idx=-1)),
    "embedding_scalar_index": ([IV(3), N(5, 3)], lambda i, w: F.embedding(i, w)),
    "embedding_transposed_weight": ([IV([[2, 0], [4, 2]]), N(3, 5)], lambda i, w: F.embedding(i, w.t())),

    # Linear algebra: torch.linalg and Flint's LinearAlgebra. Square matrices to solve with or
    # invert come from NI (normal plus a multiple of the identity), so no case is ill-conditioned.
    # solve: the same rule for vector right-hand sides ([n], or A's shape without its last axis),
    # and batch dimensions broadcast in both.
    "solve_vector": ([NI(4, 4, shift=3), N(4)], lambda a, b: torch.linalg.solve(a, b)),
    "solve_matrix": ([NI(4, 4, shift=3), N(4, 3)], lambda a, b: torch.linalg.solve(a, b)),
    "solve_batched": ([NI(2, 3, 3, shift=3), N(2, 3, 2)], lambda a, b: torch.linalg.solve(a, b)),
    "solve_batched_vectors": ([NI(2, 3, 3, shift=3), N(2, 3)], lambda a, b: torch.linalg.solve(a, b)),
    "solve_broadcast": ([NI(3, 3, shift=3), N(2, 3, 2)], lambda a, b: torch.linalg.solve(a, b)),
    "solve_transposed": ([NI(4, 4, shift=3), N(3, 4)], lambda a, b: torch.linalg.solve(a.mT, b.mT)),
    # solve_triangular: both read only the named triangle of A (the other one holds noise here)
    # and give A a gradient on that triangle only. torch has no vector form, so B is a matrix.
    "solve_triangular_upper": ([NI(4, 4, shift=3), N(4, 2)], lambda a, b: torch.linalg.solve_triangular(a, b, upper=True)),
    "solve_triangular_lower": ([NI(4, 4, shift=3), N(4, 3)], lambda a, b: torch.linalg.solve_triangular(a, b, upper=False)),
    "solve_triangular_lower_batched": ([NI(2, 3, 3, shift=3), N(2, 3, 2)],
                                       lambda a, b: torch.linalg.solve_triangular(a, b, upper=False)),
    # cholesky: both return the lower factor (torch's upper=False) and read A's lower triangle.
    # A = X Xᵀ + n I is built in the lambda, so X's gradient does not depend on how each library
    # spreads A's gradient over the two triangles.
    "cholesky": ([N(4, 4)], lambda x: torch.linalg.cholesky(spd(x))),
    "cholesky_batched": ([N(2, 3, 3)], lambda x: torch.linalg.cholesky(spd(x))),
    # inv and det: the plain matrix inverse and determinant, batched over leading axes in both
    # (det of a batch has the batch's shape); both go through an LU factorization.
    "inverse": ([NI(4, 4, shift=3)], lambda a: torch.linalg.inv(a)),
    "inverse_batched": ([NI(2, 3, 3, shift=3)], lambda a: torch.linalg.inv(a)),
    "det": ([N(4, 4)], lambda a: torch.linalg.det(a)),
    "det_batched": ([N(2, 3, 3)], lambda a: torch.linalg.det(a)),
    # An exactly singular matrix (LU finds an exact zero pivot): the gradient is the cofactor
    # matrix. torch's first-order backward returns zeros here (it scales by det = 0); its
    # create_graph backward, the one made for such inputs, gives the cofactors, as Flint does.
    "det_singular": ([V([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.5, 1.0, 4.0]])], lambda a: torch.linalg.det(a),
                     {"create_graph": True}),
    # eigh: torch.linalg.eigh (UPLO="L", like Flint) gives the eigenvalues in ascending order, like
    # Flint. A = X + Xᵀ is built in the lambda (see cholesky). Eigenvectors are unique only up to
    # sign, so they are compared through V ∘ V and V diag(1..n) Vᵀ, which a sign flip leaves alone.
    "eigh": ([N(4, 4)], lambda x: eigh_invariants(x + x.mT)),
    "eigh_batched": ([N(2, 3, 3)], lambda x: eigh_invariants(x + x.mT)),
    # qr: torch.linalg.qr's default mode="reduced" is Flint's QR (Q [m, k], R [k, n]). Both use
    # Householder reflections (geqrf, orgqr), and on these inputs the raw signs of torch's (MKL),
    # Flint's OpenBLAS and Flint's pure-Swift QR agree; so as not to depend on any LAPACK's choice,
    # both sides still flip row i of R and column i of Q to make R's diagonal positive (the flip's
    # sign has a zero gradient in both).
    "qr_tall": ([N(5, 3)], lambda a: qr_positive(a)),
    "qr_wide": ([N(3, 5)], lambda a: qr_positive(a)),
    "qr_square_batched": ([N(2, 4, 4)], lambda a: qr_positive(a)),
    # svd: full_matrices=False is Flint's default (torch's is True); singular values descend in
    # both. U and Vᵀ are compared through U ∘ U, Vᵀ ∘ Vᵀ and U diag(1..k) Uᵀ (sign-invariant).
    "svd_tall": ([N(5, 3)], lambda a: svd_invariants(a)),
    "svd_wide": ([N(3, 5)], lambda a: svd_invariants(a)),
    "svd_square_batched": ([N(2, 4, 4)], lambda a: svd_invariants(a)),
    # lstsq: torch's CPU default driver is gelsy, Flint's is gelsd; for a full-rank tall A both
    # give the unique minimizer, and torch's gradient is the one Flint has for that case.
    "lstsq_vector": ([N(6, 3), N(6)], lambda a, b: torch.linalg.lstsq(a, b).solution),
    "lstsq_matrix": ([N(6, 3), N(6, 2)], lambda a, b: torch.linalg.lstsq(a, b).solution),
    "lstsq_batched": ([N(2, 5, 3), N(2, 5, 2)], lambda a, b: torch.linalg.lstsq(a, b).solution),
}


# --- running the cases -----------------------------------------------------------------------





def run_case(name, specs, function, create_graph=False):
    generator = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    inputs = []
    for spec in specs:
        tensor = spec.make(generator)
        if spec.grad:
            assert tensor.dtype == torch.float64, f"{name}: only float inputs can require gradients"
            tensor.requires_grad_(True)
        inputs.append(tensor)
    result = function(*inputs)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    upstream = []
    for output in outputs:
        if output.dtype == torch.float64:
            upstream.append(torch.round(torch.randn(output.shape, generator=generator, dtype=torch.float64), decimals=3))
        else:
            upstream.append(None)
    differentiable = [(o, u) for o, u in zip(outputs, upstream) if u is not None and o.requires_grad]
    wanting = [t for t in inputs if t.requires_grad]
    gradients = {}
    if differentiable and wanting:
        found = torch.autograd.grad([o for o, _ in differentiable], wanting, [u for _, u in differentiable],
                                    allow_unused=True, create_graph=create_graph)
        for tensor, gradient in zip(wanting, found):
            gradients[id(tensor)] = gradient if gradient is not None else torch.zeros_like(tensor)
    return {
        "name": name,
        "inputs": [dict(encode(t), requires_grad=t.requires_grad) for t in inputs],
        "outputs": [encode(o) for o in outputs],
        "upstream": [encode(u) if u is not None else None for u in upstream],
        "gradients": [encode(gradients[id(t)]) if id(t) in gradients else None for t in inputs],
    }


def build():
    torch.use_deterministic_algorithms(True)
    return {
        "format": FORMAT_VERSION,
        "generator": "scripts/make_torch_fixtures.py",
        "torch_version": torch.__version__.split("+")[0],
        "cases": [run_case(name, specs, function, **(options[0] if options else {}))
                  for name, (specs, function, *options) in CASES.items()],
    }


def main():
    return fixture_main(__doc__, OUTPUT, build, CASES)


if __name__ == "__main__":
    sys.exit(main())

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

import argparse
import json
import math
import sys
import zlib
from pathlib import Path

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


def I(high, *shape):
    """Random int64 indices in [0, high)."""
    return Spec(lambda g: torch.randint(0, high, shape, generator=g, dtype=torch.int64), False)


def IV(values):
    """Explicit int64 values."""
    return Spec(lambda g: torch.tensor(values, dtype=torch.int64), False)


def M(*shape):
    """A random bool mask (about half true)."""
    return Spec(lambda g: torch.rand(shape, generator=g, dtype=torch.float64) < 0.5, False)


# --- the cases: name -> (inputs, torch function) ----------------------------------------------
# The function gets the inputs in order and returns a tensor or a tuple of tensors. Names are
# snake_case and unique; the Swift table in TorchFixtureTests.swift uses the same names.

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
}


# --- running the cases -----------------------------------------------------------------------

def encode_value(value):
    """A JSON-safe number; NaN and infinities become strings ("nan", "inf", "-inf")."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def encode(tensor):
    tensor = tensor.detach()
    dtype = {torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}[tensor.dtype]
    return {
        "shape": list(tensor.shape),
        "dtype": dtype,
        "values": [encode_value(v) for v in tensor.reshape(-1).tolist()],
    }


def run_case(name, specs, function):
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
                                    allow_unused=True)
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
        "cases": [run_case(name, specs, function) for name, (specs, function) in CASES.items()],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed file differs")
    parser.add_argument("--list", action="store_true", help="print the case names and exit")
    arguments = parser.parse_args()
    if arguments.list:
        print("\n".join(CASES))
        return 0
    text = json.dumps(build(), separators=(",", ":")) + "\n"
    # One case per line keeps diffs readable.
    text = text.replace(',{"name":', ',\n{"name":')
    if arguments.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale; rerun the script", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {len(CASES)} cases, {len(text) / 1024:.0f} KiB, to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

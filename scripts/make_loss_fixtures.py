#!/usr/bin/env python3
"""PyTorch reference fixtures for FlintNN's loss functions.

Writes Tests/FlintNNTests/Fixtures/torch_losses.json, which Tests/FlintNNTests/LossFixtureTests.swift
reads: for every loss case and every reduction, the inputs, PyTorch's output, a fixed upstream
gradient and PyTorch's gradient for each input that requires one. CI never runs this script (it
has no PyTorch); the JSON file is committed.

Run it from the repository root with a Python that has PyTorch (CPU is enough):

    .venv/bin/python scripts/make_loss_fixtures.py            # rewrite the fixture file
    .venv/bin/python scripts/make_loss_fixtures.py --check    # exit 1 if the file is stale
    .venv/bin/python scripts/make_loss_fixtures.py --list     # print the case names

Adding a case: add one line to CASES below (name -> inputs and a torch lambda taking the inputs
and the reduction), rerun the script, and add the same name with the Flint equivalent to the table
in LossFixtureTests.swift (the test fails for a fixture case without a Swift mapping and for a
mapping without a fixture case). Each case is written once per reduction, named "case/reduction".

Everything is float64 and every case draws its random inputs from its own generator seeded by the
case name, so adding or removing a case never changes the others.
"""

import sys
import warnings
import zlib
from pathlib import Path

from fixture_common import encode, fixture_main
import torch
import torch.nn.functional as F

OUTPUT = Path(__file__).resolve().parent.parent / "Tests" / "FlintNNTests" / "Fixtures" / "torch_losses.json"
FORMAT_VERSION = 1
REDUCTIONS = ["none", "mean", "sum"]


# --- input specifications ---------------------------------------------------------------------

class Spec:
    def __init__(self, make, grad):
        self.make = make
        self.grad = grad


def N(*shape, scale=1.0, grad=True):
    """Standard normal float64 values times `scale`, rounded to 5 decimals."""
    return Spec(lambda g: torch.round(torch.randn(shape, generator=g, dtype=torch.float64) * scale, decimals=5), grad)


def U(low, high, *shape, grad=True):
    """Uniform float64 values in [low, high), rounded to 5 decimals."""
    return Spec(lambda g: torch.round(low + (high - low) * torch.rand(shape, generator=g, dtype=torch.float64),
                                      decimals=5), grad)


def P(*shape, axis, grad=True):
    """Probabilities: a softmax of normal values along `axis`, rounded to 5 decimals."""
    return Spec(lambda g: torch.round(torch.randn(shape, generator=g, dtype=torch.float64).softmax(axis), decimals=5), grad)


def V(values, grad=True):
    """Explicit float64 values, for edge cases."""
    return Spec(lambda g: torch.tensor(values, dtype=torch.float64), grad)


def S(*shape):
    """Random ±1 labels as float64 (no gradient)."""
    return Spec(lambda g: torch.randint(0, 2, shape, generator=g).to(torch.float64) * 2 - 1, False)


def I(high, *shape):
    """Random int64 class indices in [0, high)."""
    return Spec(lambda g: torch.randint(0, high, shape, generator=g, dtype=torch.int64), False)


def IV(values):
    """Explicit int64 values (class indices, possibly the ignore index)."""
    return Spec(lambda g: torch.tensor(values, dtype=torch.int64), False)


# --- the cases: name -> (inputs, torch function of (*inputs, reduction)[, reductions]) ----------

CASES = {
    # Regression.
    "mse": ([N(3, 4), N(3, 4)], lambda a, b, r: F.mse_loss(a, b, reduction=r)),
    "mse_3d": ([N(2, 3, 2), N(2, 3, 2)], lambda a, b, r: F.mse_loss(a, b, reduction=r)),
    "l1": ([N(3, 4), N(3, 4)], lambda a, b, r: F.l1_loss(a, b, reduction=r)),
    "huber": ([N(3, 4, scale=1.5), N(3, 4)], lambda a, b, r: F.huber_loss(a, b, reduction=r)),
    "huber_delta": ([N(3, 4, scale=1.5), N(3, 4)], lambda a, b, r: F.huber_loss(a, b, reduction=r, delta=0.4)),
    "smooth_l1": ([N(3, 4, scale=1.5), N(3, 4)], lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r)),
    "smooth_l1_beta": ([N(3, 4, scale=1.5), N(3, 4)], lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.3)),
    "smooth_l1_beta_zero": ([N(3, 4), N(3, 4)], lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.0)),

    # Cross-entropy with class indices: [N, C], spatial [N, C, d1, d2] and unbatched [C].
    "cross_entropy": ([N(5, 4, scale=2), I(4, 5)], lambda x, t, r: F.cross_entropy(x, t, reduction=r)),
    "cross_entropy_weight": ([N(5, 4, scale=2), I(4, 5), U(0.2, 2, 4, grad=False)],
                             lambda x, t, w, r: F.cross_entropy(x, t, weight=w, reduction=r)),
    "cross_entropy_ignore": ([N(6, 3), IV([0, -100, 2, 1, -100, 2])],
                             lambda x, t, r: F.cross_entropy(x, t, reduction=r)),
    "cross_entropy_ignore_custom": ([N(5, 3), IV([0, 1, 2, 1, 0])],
                                    lambda x, t, r: F.cross_entropy(x, t, ignore_index=1, reduction=r)),
    "cross_entropy_weight_ignore": ([N(6, 4), IV([3, 0, -100, 1, 3, 2]), U(0.2, 2, 4, grad=False)],
                                    lambda x, t, w, r: F.cross_entropy(x, t, weight=w, reduction=r)),
    "cross_entropy_smoothing": ([N(5, 4, scale=2), I(4, 5)],
                                lambda x, t, r: F.cross_entropy(x, t, label_smoothing=0.2, reduction=r)),
    "cross_entropy_smoothing_weight_ignore": ([N(6, 4), IV([1, -100, 3, 0, 2, -100]), U(0.2, 2, 4, grad=False)],
                                              lambda x, t, w, r: F.cross_entropy(x, t, weight=w, label_smoothing=0.3,
                                                                                 reduction=r)),
    "cross_entropy_spatial": ([N(2, 3, 2, 3), I(3, 2, 2, 3)], lambda x, t, r: F.cross_entropy(x, t, reduction=r)),
    "cross_entropy_spatial_all_options": ([N(2, 4, 3), IV([[0, 3, -1], [2, -1, 1]]), U(0.2, 2, 4, grad=False)],
                                          lambda x, t, w, r: F.cross_entropy(x, t, weight=w, ignore_index=-1,
                                                                             label_smoothing=0.1, reduction=r)),
    # Every target ignored: the mean is 0 / 0 (NaN) and the gradient zero, as in PyTorch.
    "cross_entropy_all_ignored": ([N(3, 4), IV([-100, -100, -100])], lambda x, t, r: F.cross_entropy(x, t, reduction=r)),
    "cross_entropy_unbatched": ([N(5), IV(2)], lambda x, t, r: F.cross_entropy(x, t, reduction=r)),
    "cross_entropy_large_logits": ([V([[1000.0, 1001.0, 999.0], [-500.0, -501.0, -499.0]]), IV([1, 0])],
                                   lambda x, t, r: F.cross_entropy(x, t, reduction=r)),
    # Cross-entropy with class probabilities (the target gets a gradient too).
    "cross_entropy_probabilities": ([N(4, 5), P(4, 5, axis=1)], lambda x, p, r: F.cross_entropy(x, p, reduction=r)),
    "cross_entropy_probabilities_weight_smoothing": ([N(4, 3), P(4, 3, axis=1), U(0.2, 2, 3, grad=False)],
                                                     lambda x, p, w, r: F.cross_entropy(x, p, weight=w, label_smoothing=0.25,
                                                                                        reduction=r)),
    "cross_entropy_probabilities_spatial": ([N(2, 3, 4), P(2, 3, 4, axis=1)],
                                            lambda x, p, r: F.cross_entropy(x, p, reduction=r)),

    # Negative log-likelihood (the input need not be normalised).
    "nll": ([N(5, 4), I(4, 5)], lambda x, t, r: F.nll_loss(x, t, reduction=r)),
    "nll_weight_ignore": ([N(6, 3), IV([2, 0, -100, 1, 2, 2]), U(0.2, 2, 3, grad=False)],
                          lambda x, t, w, r: F.nll_loss(x, t, weight=w, reduction=r)),
    "nll_spatial": ([N(2, 3, 4), IV([[0, 2, 5, 1], [5, 5, 2, 0]])],
                    lambda x, t, r: F.nll_loss(x, t, ignore_index=5, reduction=r)),
    "nll_unbatched": ([N(4), IV(3)], lambda x, t, r: F.nll_loss(x, t, reduction=r)),

    # Binary cross-entropy on probabilities.
    "bce": ([U(0.02, 0.98, 3, 4), U(0, 1, 3, 4)], lambda x, t, r: F.binary_cross_entropy(x, t, reduction=r)),
    "bce_weight": ([U(0.02, 0.98, 3, 4), U(0, 1, 3, 4), U(0.2, 2, 4, grad=False)],
                   lambda x, t, w, r: F.binary_cross_entropy(x, t, weight=w, reduction=r)),
    # Probabilities of exactly 0 and 1: the logarithms clamp at -100 and the gradient's
    # denominator at 1e-12 (the target's gradient is infinite there in PyTorch, so it is constant).
    "bce_edges": ([V([0.0, 1.0, 0.0, 1.0, 0.5, 1e-50]), V([0.0, 1.0, 1.0, 0.25, 1.0, 1.0], grad=False)],
                  lambda x, t, r: F.binary_cross_entropy(x, t, reduction=r)),

    # Binary cross-entropy on logits.
    "bce_logits": ([N(3, 4, scale=3), U(0, 1, 3, 4)], lambda x, t, r: F.binary_cross_entropy_with_logits(x, t, reduction=r)),
    "bce_logits_weight": ([N(3, 4, scale=3), U(0, 1, 3, 4), U(0.2, 2, 3, 1, grad=False)],
                          lambda x, t, w, r: F.binary_cross_entropy_with_logits(x, t, weight=w, reduction=r)),
    "bce_logits_pos_weight": ([N(3, 4, scale=3), U(0, 1, 3, 4), U(0.2, 4, 4, grad=False)],
                              lambda x, t, p, r: F.binary_cross_entropy_with_logits(x, t, pos_weight=p, reduction=r)),
    "bce_logits_weight_pos_weight": ([N(2, 3, 2, scale=3), U(0, 1, 2, 3, 2), U(0.2, 2, 3, 2, grad=False),
                                      U(0.2, 4, 2, grad=False)],
                                     lambda x, t, w, p, r: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=p,
                                                                                              reduction=r)),
    "bce_logits_large": ([V([-800.0, -50.0, -20.5, 0.0, 20.5, 50.0, 800.0]), V([0.0, 1.0, 0.3, 0.5, 0.0, 1.0, 0.7])],
                         lambda x, t, r: F.binary_cross_entropy_with_logits(x, t, reduction=r)),
    "bce_logits_large_pos_weight": ([V([-800.0, -50.0, -20.5, 0.0, 20.5, 50.0, 800.0]), V([0.0, 1.0, 0.3, 0.5, 0.0, 1.0, 0.7]),
                                     V([2.5], grad=False)],
                                    lambda x, t, p, r: F.binary_cross_entropy_with_logits(x, t, pos_weight=p, reduction=r)),

    # Hinge embedding (±1 targets).
    "hinge_embedding": ([N(3, 4), S(3, 4)], lambda x, t, r: F.hinge_embedding_loss(x, t, reduction=r)),
    "hinge_embedding_margin": ([N(3, 4, scale=2), S(3, 4)],
                               lambda x, t, r: F.hinge_embedding_loss(x, t, margin=2.5, reduction=r)),

    # Multi-class margin.
    "multi_margin": ([N(4, 5), I(5, 4)], lambda x, t, r: F.multi_margin_loss(x, t, reduction=r)),
    "multi_margin_p2_margin": ([N(4, 5), I(5, 4)], lambda x, t, r: F.multi_margin_loss(x, t, p=2, margin=0.7, reduction=r)),
    "multi_margin_weight": ([N(4, 5), I(5, 4), U(0.2, 2, 5, grad=False)],
                           lambda x, t, w, r: F.multi_margin_loss(x, t, weight=w, reduction=r)),
    "multi_margin_p2_weight": ([N(4, 3), I(3, 4), U(0.2, 2, 3, grad=False)],
                              lambda x, t, w, r: F.multi_margin_loss(x, t, p=2, margin=1.5, weight=w, reduction=r)),
    "multi_margin_unbatched": ([N(5), IV(3)], lambda x, t, r: F.multi_margin_loss(x, t, reduction=r)),

    # KL divergence (with "batchmean" too).
    "kl_div": ([N(3, 4), P(3, 4, axis=1)], lambda x, t, r: F.kl_div(x, t, reduction=r), REDUCTIONS + ["batchmean"]),
    "kl_div_log_target": ([N(3, 4), N(3, 4)], lambda x, t, r: F.kl_div(x, t, reduction=r, log_target=True),
                          REDUCTIONS + ["batchmean"]),
    # A zero probability adds nothing (PyTorch's target gradient is NaN there, so it is constant).
    "kl_div_zero_target": ([N(2, 3), V([[0.0, 0.25, 0.75], [0.5, 0.0, 0.5]], grad=False)],
                           lambda x, t, r: F.kl_div(x, t, reduction=r), REDUCTIONS + ["batchmean"]),

    # Cosine embedding.
    "cosine_embedding": ([N(4, 3), N(4, 3), S(4)], lambda a, b, t, r: F.cosine_embedding_loss(a, b, t, reduction=r)),
    "cosine_embedding_margin": ([N(6, 3), N(6, 3), S(6)],
                                lambda a, b, t, r: F.cosine_embedding_loss(a, b, t, margin=-0.3, reduction=r)),
    "cosine_embedding_unbatched": ([N(5), N(5), V(-1.0, grad=False)],
                                   lambda a, b, t, r: F.cosine_embedding_loss(a, b, t, margin=0.1, reduction=r)),
}


# --- running the cases -----------------------------------------------------------------------





def run_case(name, specs, function, reduction):
    full_name = f"{name}/{reduction}"
    generator = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    inputs = []
    for spec in specs:
        tensor = spec.make(generator)
        if spec.grad:
            assert tensor.dtype == torch.float64, f"{name}: only float inputs can require gradients"
            tensor.requires_grad_(True)
        inputs.append(tensor)
    output = function(*inputs, reduction)
    upstream_generator = torch.Generator().manual_seed(zlib.crc32(full_name.encode()))
    upstream = torch.round(torch.randn(output.shape, generator=upstream_generator, dtype=torch.float64), decimals=3)
    wanting = [t for t in inputs if t.requires_grad]
    found = torch.autograd.grad([output], wanting, [upstream], allow_unused=True)
    gradients = {id(t): (g if g is not None else torch.zeros_like(t)) for t, g in zip(wanting, found)}
    return {
        "name": full_name,
        "inputs": [dict(encode(t), requires_grad=t.requires_grad) for t in inputs],
        "output": encode(output),
        "upstream": encode(upstream),
        "gradients": [encode(gradients[id(t)]) if id(t) in gradients else None for t in inputs],
    }


def build():
    torch.use_deterministic_algorithms(True)
    # kl_div's 'mean' warns that it averages over every element; that is the behaviour recorded.
    warnings.filterwarnings("ignore", message="reduction: 'mean' divides the total loss")
    cases = []
    for name, (specs, function, *options) in CASES.items():
        for reduction in (options[0] if options else REDUCTIONS):
            cases.append(run_case(name, specs, function, reduction))
    return {
        "format": FORMAT_VERSION,
        "generator": "scripts/make_loss_fixtures.py",
        "torch_version": torch.__version__.split("+")[0],
        "cases": cases,
    }


def main():
    return fixture_main(__doc__, OUTPUT, build, CASES)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""PyTorch reference fixtures for FlintNN's layers.

Writes Tests/FlintNNTests/Fixtures/torch_layers.json, which Tests/FlintNNTests/LayerFixtureTests.swift
reads: for every case, the layer's state_dict (float64, by PyTorch's key names) before the call, the
input(s), the output, a fixed upstream gradient, the gradients of the float inputs and of every
parameter (by key), and the state_dict after the call (BatchNorm's running statistics move in
training mode). CI never runs this script (it has no PyTorch); the JSON file is committed.

Run it from the repository root with a Python that has PyTorch (CPU is enough):

    .venv/bin/python scripts/make_layer_fixtures.py            # rewrite the fixture file
    .venv/bin/python scripts/make_layer_fixtures.py --check    # exit 1 if the file is stale
    .venv/bin/python scripts/make_layer_fixtures.py --list     # print the case names

Adding a case: add one entry to CASES below (name -> layer factory, input specs, options), rerun the
script, and add the same name with the equivalent Flint layer to the table in LayerFixtureTests.swift
(the test fails for a fixture case that has no Swift mapping, so the two tables cannot drift apart).

Every case seeds PyTorch's global generator (the layer's default initialisation) and its own input
generator from the case name, so adding or removing a case never changes the others.
"""

import sys
import zlib
from pathlib import Path

from fixture_common import encode, fixture_main
import torch
import torch.nn as nn

OUTPUT = Path(__file__).resolve().parent.parent / "Tests" / "FlintNNTests" / "Fixtures" / "torch_layers.json"
FORMAT_VERSION = 1


# --- inputs ---------------------------------------------------------------------------------------

def N(*shape):
    """Standard normal float64 values rounded to 5 decimals; the input requires a gradient."""
    return lambda g: torch.round(torch.randn(shape, generator=g, dtype=torch.float64), decimals=5)


def I(high, *shape):
    """Random int64 indices in [0, high) (no gradient)."""
    return lambda g: torch.randint(0, high, shape, generator=g, dtype=torch.int64)


def IV(values):
    """Explicit int64 indices."""
    return lambda g: torch.tensor(values, dtype=torch.int64)


# --- the cases ------------------------------------------------------------------------------------
# name -> (layer factory, input makers, options). Options: "mode" ("train" or "eval"), "randomize"
# (replace the float state by random values, so that ones/zeros defaults cannot hide a mistake),
# "batches" (preset num_batches_tracked).

CASES = {
    "conv1d": (lambda: nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), [N(2, 4, 9)], {}),
    "conv1d_dilated_no_bias": (lambda: nn.Conv1d(3, 2, 3, dilation=2, bias=False), [N(2, 3, 10)], {}),
    "conv2d": (lambda: nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)), [N(2, 3, 7, 8)], {}),
    "conv2d_groups_no_bias": (lambda: nn.Conv2d(4, 6, 3, padding=1, groups=2, bias=False), [N(1, 4, 5, 5)], {}),
    "conv_transpose2d": (lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
                         [N(2, 4, 4, 5)], {}),
    "conv_transpose2d_dilated_no_bias": (lambda: nn.ConvTranspose2d(3, 2, (2, 3), stride=(1, 2), dilation=(2, 1), bias=False),
                                         [N(2, 3, 3, 4)], {}),
    "max_pool2d": (lambda: nn.MaxPool2d(3, stride=2, padding=1), [N(2, 3, 7, 7)], {}),
    "max_pool2d_dilated": (lambda: nn.MaxPool2d(2, stride=1, dilation=2), [N(1, 2, 6, 5)], {}),
    "avg_pool2d": (lambda: nn.AvgPool2d(3, stride=2, padding=1), [N(2, 3, 7, 7)], {}),
    "avg_pool2d_exclude_padding": (lambda: nn.AvgPool2d((2, 3), stride=(2, 1), padding=(1, 1), count_include_pad=False),
                                   [N(1, 2, 5, 6)], {}),
    "adaptive_avg_pool2d": (lambda: nn.AdaptiveAvgPool2d((3, 2)), [N(2, 3, 7, 5)], {}),
    "upsample_nearest_scale": (lambda: nn.Upsample(scale_factor=2, mode="nearest"), [N(1, 2, 3, 4)], {}),
    "upsample_nearest_fractional_scale": (lambda: nn.Upsample(scale_factor=(1.5, 2.7), mode="nearest"), [N(2, 1, 4, 3)], {}),
    "upsample_nearest_size": (lambda: nn.Upsample(size=(5, 7), mode="nearest"), [N(1, 2, 3, 4)], {}),
    "upsample_nearest_downsample": (lambda: nn.Upsample(size=(3, 2), mode="nearest"), [N(1, 2, 7, 5)], {}),
    "upsample_bilinear_scale": (lambda: nn.Upsample(scale_factor=2, mode="bilinear"), [N(1, 2, 3, 4)], {}),
    "upsample_bilinear_fractional_scale": (lambda: nn.Upsample(scale_factor=(1.7, 0.6), mode="bilinear"), [N(2, 1, 4, 6)], {}),
    "upsample_bilinear_size": (lambda: nn.Upsample(size=(5, 7), mode="bilinear"), [N(1, 2, 3, 4)], {}),
    "upsample_bilinear_align_corners": (lambda: nn.Upsample(size=(5, 7), mode="bilinear", align_corners=True),
                                        [N(1, 2, 3, 4)], {}),
    "upsample_bilinear_align_corners_scale": (lambda: nn.Upsample(scale_factor=2.5, mode="bilinear", align_corners=True),
                                              [N(1, 1, 3, 2)], {}),
    "batch_norm1d": (lambda: nn.BatchNorm1d(3), [N(5, 3)], {"randomize": True, "batches": 2}),
    "batch_norm1d_sequence": (lambda: nn.BatchNorm1d(3), [N(4, 3, 6)], {"randomize": True}),
    "batch_norm1d_eval": (lambda: nn.BatchNorm1d(3), [N(4, 3, 6)], {"randomize": True, "mode": "eval", "batches": 5}),
    "batch_norm2d": (lambda: nn.BatchNorm2d(4), [N(3, 4, 5, 5)], {"randomize": True, "batches": 7}),
    "batch_norm2d_eval": (lambda: nn.BatchNorm2d(4), [N(3, 4, 5, 5)], {"randomize": True, "mode": "eval", "batches": 7}),
    "batch_norm2d_momentum_eps": (lambda: nn.BatchNorm2d(2, eps=1e-3, momentum=0.3), [N(2, 2, 3, 3)], {"randomize": True}),
    "batch_norm2d_cumulative": (lambda: nn.BatchNorm2d(2, momentum=None), [N(2, 2, 3, 3)], {"randomize": True, "batches": 3}),
    "batch_norm2d_no_affine": (lambda: nn.BatchNorm2d(3, affine=False), [N(2, 3, 4, 4)], {"randomize": True}),
    "batch_norm2d_untracked": (lambda: nn.BatchNorm2d(3, track_running_stats=False), [N(2, 3, 4, 4)], {"randomize": True}),
    "batch_norm2d_untracked_eval": (lambda: nn.BatchNorm2d(3, track_running_stats=False), [N(2, 3, 4, 4)],
                                    {"randomize": True, "mode": "eval"}),
    "group_norm": (lambda: nn.GroupNorm(2, 6), [N(3, 6, 4, 4)], {"randomize": True}),
    "group_norm_sequence_no_affine": (lambda: nn.GroupNorm(4, 4, eps=1e-3, affine=False), [N(2, 4, 5)], {}),
    "rms_norm": (lambda: nn.RMSNorm([4, 5]), [N(3, 4, 5)], {"randomize": True}),
    "rms_norm_eps": (lambda: nn.RMSNorm(6, eps=1e-3), [N(2, 3, 6)], {"randomize": True}),
    "rms_norm_no_affine": (lambda: nn.RMSNorm(6, elementwise_affine=False), [N(2, 6)], {}),
    "embedding": (lambda: nn.Embedding(10, 4), [I(10, 2, 3)], {}),
    "embedding_padding": (lambda: nn.Embedding(6, 3, padding_idx=2), [IV([[2, 0, 2], [5, 2, 1]])], {}),
    "bilinear": (lambda: nn.Bilinear(3, 4, 5), [N(6, 3), N(6, 4)], {}),
    "bilinear_leading_dimensions_no_bias": (lambda: nn.Bilinear(2, 3, 2, bias=False), [N(2, 3, 2), N(2, 3, 3)], {}),
}


# --- running the cases ----------------------------------------------------------------------------



def run_case(name, factory, makers, options):
    seed = zlib.crc32(name.encode())
    torch.manual_seed(seed)
    layer = factory().double()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for key, value in layer.state_dict().items():
            if key.endswith("num_batches_tracked"):
                value.fill_(options.get("batches", 0))
            elif options.get("randomize") and value.dtype == torch.float64:
                if key.endswith("running_var"):
                    fresh = 0.5 + 1.5 * torch.rand(value.shape, generator=generator, dtype=torch.float64)
                else:
                    fresh = torch.randn(value.shape, generator=generator, dtype=torch.float64)
                value.copy_(torch.round(fresh, decimals=5))
    layer.train(options.get("mode", "train") == "train")
    state = {key: encode(value) for key, value in layer.state_dict().items()}
    inputs = [make(generator) for make in makers]
    for tensor in inputs:
        if tensor.dtype == torch.float64:
            tensor.requires_grad_(True)
    output = layer(*inputs)
    upstream = torch.round(torch.randn(output.shape, generator=generator, dtype=torch.float64), decimals=3)
    output.backward(upstream)
    return {
        "name": name,
        "mode": options.get("mode", "train"),
        "state": state,
        "inputs": [encode(t) for t in inputs],
        "output": encode(output),
        "upstream": encode(upstream),
        "input_gradients": [encode(t.grad) if t.grad is not None else None for t in inputs],
        "parameter_gradients": {key: encode(p.grad if p.grad is not None else torch.zeros_like(p))
                                for key, p in layer.named_parameters()},
        "state_after": {key: encode(value) for key, value in layer.state_dict().items()},
    }


def build():
    torch.use_deterministic_algorithms(True)
    return {
        "format": FORMAT_VERSION,
        "generator": "scripts/make_layer_fixtures.py",
        "torch_version": torch.__version__.split("+")[0],
        "cases": [run_case(name, factory, makers, options) for name, (factory, makers, options) in CASES.items()],
    }


def main():
    return fixture_main(__doc__, OUTPUT, build, CASES)


if __name__ == "__main__":
    sys.exit(main())

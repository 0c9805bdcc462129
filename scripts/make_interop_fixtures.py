#!/usr/bin/env python3
"""safetensors interoperability fixtures between PyTorch and Flint.

Writes into Tests/FlintIOTests/Fixtures/ (read by Tests/FlintIOTests/InteropTests.swift):

  mlp_torch.safetensors   the state_dict of nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 3)),
                          seed 0, saved with safetensors.torch.save_file (with __metadata__)
  mlp_torch_io.json       an input batch and the model's output in eval mode
  dtypes_torch.safetensors  one tensor of every dtype Flint reads (F16 and BF16 included, with
                          subnormals, infinities and signed zeros), saved by safetensors.torch
  dtypes_torch.json       the values of each, as PyTorch reads them (float64 for the float types)

and checks the other direction: with --check-flint it loads mlp_flint.safetensors (written by the
Flint test suite with FLINT_WRITE_FIXTURES=1) into the same PyTorch MLP with strict loading, runs the
input from mlp_flint_io.json and compares with the output Flint computed (tolerance 1e-5).

    .venv/bin/python scripts/make_interop_fixtures.py                # rewrite the PyTorch fixtures
    .venv/bin/python scripts/make_interop_fixtures.py --check-flint  # PyTorch reads Flint's file

CI never runs this script; the files are committed.
"""

import argparse
import json
import sys
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

FIXTURES = Path(__file__).resolve().parent.parent / "Tests" / "FlintIOTests" / "Fixtures"


def make_mlp():
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))


def encode(value):
    """A float64 as exact text ('inf', '-inf', 'nan' for the rest): JSON number parsers may round."""
    return repr(float(value))


def write_torch_fixtures():
    torch.manual_seed(0)
    model = make_mlp().eval()
    inputs = torch.randn(5, 4)
    with torch.no_grad():
        outputs = model(inputs)
    save_file(model.state_dict(), str(FIXTURES / "mlp_torch.safetensors"), metadata={"source": "pytorch", "seed": "0"})
    io = {"input_shape": list(inputs.shape), "input": inputs.flatten().tolist(),
          "output_shape": list(outputs.shape), "output": outputs.flatten().tolist()}
    (FIXTURES / "mlp_torch_io.json").write_text(json.dumps(io, indent=1) + "\n")

    special = [0.0, -0.0, 1.0, -2.5, 65504.0, 6.0e-8, 1.0e-5, float("inf"), float("-inf"), 0.333251953125]
    tensors = {
        "f16": torch.tensor(special, dtype=torch.float16).reshape(2, 5),
        "bf16": torch.tensor([0.0, -0.0, 1.0, -2.5, 3.0e38, 1.0e-39, float("inf"), 0.1], dtype=torch.bfloat16),
        "f32": torch.tensor([[1.5, -2.25], [3.0e-38, 1.0e30]], dtype=torch.float32),
        "f64": torch.tensor([1.0 / 3.0, -1.0e300], dtype=torch.float64),
        "i32": torch.tensor([-2147483648, 2147483647, 7], dtype=torch.int32),
        "i64": torch.tensor([-9007199254740993, 42], dtype=torch.int64),
        "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "u8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "empty": torch.zeros(0, 3),
        "scalar": torch.tensor(2.5),
    }
    save_file(tensors, str(FIXTURES / "dtypes_torch.safetensors"))
    expected = {}
    for name, tensor in tensors.items():
        values = tensor.to(torch.float64) if tensor.is_floating_point() else tensor
        # Floats and int64 travel as text: JSON number parsers round past 2^53 and in the last bits.
        flat = [str(v) if tensor.dtype == torch.int64 else (encode(v) if tensor.is_floating_point() else v)
                for v in values.flatten().tolist()]
        expected[name] = {"dtype": str(tensor.dtype).replace("torch.", ""), "shape": list(tensor.shape), "values": flat}
    (FIXTURES / "dtypes_torch.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"wrote {FIXTURES}/mlp_torch.safetensors, mlp_torch_io.json, dtypes_torch.safetensors, dtypes_torch.json")


def check_flint_file():
    path = FIXTURES / "mlp_flint.safetensors"
    state = load_file(str(path))
    with safe_open(str(path), framework="pt") as handle:
        metadata = handle.metadata()
    model = make_mlp().eval()
    model.load_state_dict(state, strict=True)  # raises on any missing or unexpected key
    io = json.loads((FIXTURES / "mlp_flint_io.json").read_text())
    inputs = torch.tensor(io["input"], dtype=torch.float32).reshape(io["input_shape"])
    expected = torch.tensor(io["output"], dtype=torch.float32).reshape(io["output_shape"])
    with torch.no_grad():
        outputs = model(inputs)
    difference = (outputs - expected).abs().max().item()
    print(f"{path.name}: keys {sorted(state)}, metadata {metadata}, max |torch - flint| = {difference:.3g}")
    if difference > 1e-5:
        print("FAILED: PyTorch's output differs from Flint's")
        return 1
    print("PASSED: PyTorch loads Flint's safetensors file and reproduces Flint's output")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check-flint", action="store_true", help="check that PyTorch loads Flint's mlp_flint.safetensors")
    arguments = parser.parse_args()
    if arguments.check_flint:
        return check_flint_file()
    write_torch_fixtures()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""safetensors interoperability fixtures between PyTorch and Flint.

Writes into Tests/FlintIOTests/Fixtures/ (read by Tests/FlintIOTests/InteropTests.swift):

  mlp_torch.safetensors   the state_dict of nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 3)),
                          seed 0, saved with safetensors.torch.save_file (with __metadata__)
  mlp_torch_io.json       an input batch and the model's output in eval mode
  cnn_torch.safetensors   a CNN with two BatchNorm2d layers whose running statistics come from three
                          training-mode forward passes (see make_cnn)
  lstm_torch.safetensors  an Embedding + 2-layer bidirectional batch-first LSTM + Linear classifier
  transformer_torch.safetensors  an Embedding + 2 TransformerEncoderLayer + Linear model
  <name>_torch_io.json    for each: an input batch (token models: int64 indices) and the eval output
  dtypes_torch.safetensors  one tensor of every dtype Flint reads (F16 and BF16 included, with
                          subnormals, infinities and signed zeros), saved by safetensors.torch
  dtypes_torch.json       the values of each, as PyTorch reads them (float64 for the float types)

and checks the other direction: with --check-flint it loads every <name>_flint.safetensors (mlp,
cnn, lstm, transformer; written by the Flint test suite with FLINT_WRITE_FIXTURES=1) into the same
PyTorch model with strict loading, runs the input from <name>_flint_io.json in eval mode and compares
with the output Flint computed (tolerance 1e-5).

    .venv/bin/python scripts/make_interop_fixtures.py                # rewrite the PyTorch fixtures
    .venv/bin/python scripts/make_interop_fixtures.py --check-flint  # PyTorch reads Flint's file

CI never runs this script; the files are committed.
"""

import argparse
import json
import sys
import zlib
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

FIXTURES = Path(__file__).resolve().parent.parent / "Tests" / "FlintIOTests" / "Fixtures"


def make_mlp():
    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))


def make_cnn():
    """Keys 0.*, 1.* (BatchNorm2d: weight, bias, running_mean, running_var, num_batches_tracked), 4.*, 5.*, 9.*."""
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))


class LSTMClassifier(torch.nn.Module):
    """Tokens [N, L] -> embedding -> 2-layer bidirectional LSTM -> Linear on the last step -> [N, 5]."""

    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(50, 16)
        self.lstm = torch.nn.LSTM(16, 32, num_layers=2, batch_first=True, bidirectional=True)
        self.head = torch.nn.Linear(64, 5)

    def forward(self, tokens):
        output, _ = self.lstm(self.embedding(tokens))
        return self.head(output[:, -1, :])


class TinyTransformer(torch.nn.Module):
    """Tokens [N, L] -> embedding -> 2 post-norm encoder layers -> Linear on every position -> [N, L, 5]."""

    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(50, 32)
        self.layers = torch.nn.ModuleList([
            torch.nn.TransformerEncoderLayer(32, 4, dim_feedforward=64, dropout=0.1, batch_first=True)
            for _ in range(2)])
        self.head = torch.nn.Linear(32, 5)

    def forward(self, tokens):
        x = self.embedding(tokens)
        for layer in self.layers:
            x = layer(x)
        return self.head(x)


def seed_of(name):
    """Each case's seed, from its own name."""
    return zlib.crc32(name.encode())


def perturb_vectors(model):
    """PyTorch starts biases of attention and norms at 0 and norm scales at 1: move every 1-D
    parameter so that a bias or scale loaded under the wrong key cannot go unnoticed."""
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() == 1:
                parameter.add_(torch.randn_like(parameter) * 0.2)


def cnn_case():
    model = make_cnn()
    perturb_vectors(model)
    model.train()
    with torch.no_grad():
        for _ in range(3):  # non-trivial running statistics (and num_batches_tracked = 3)
            model(torch.randn(6, 1, 10, 10) * 1.5 + 0.3)
    return model.eval(), torch.randn(4, 1, 10, 10)


def lstm_case():
    model = LSTMClassifier()
    perturb_vectors(model)
    return model.eval(), torch.randint(0, 50, (3, 6))


def transformer_case():
    model = TinyTransformer()
    perturb_vectors(model)
    return model.eval(), torch.randint(0, 50, (3, 7))


# name -> (builds the seeded PyTorch model and its input, builds an untrained model of the same shape)
MODEL_CASES = {
    "cnn": (cnn_case, make_cnn),
    "lstm": (lstm_case, LSTMClassifier),
    "transformer": (transformer_case, TinyTransformer),
}


def io_record(inputs, outputs):
    record = {"input_shape": list(inputs.shape), "input": inputs.flatten().tolist()}
    if inputs.dtype == torch.int64:
        record["input_dtype"] = "int64"
    record.update({"output_shape": list(outputs.shape), "output": outputs.flatten().tolist()})
    return record


def write_model_fixtures():
    for name, (build, _) in MODEL_CASES.items():
        seed = seed_of(name)
        torch.manual_seed(seed)
        model, inputs = build()
        with torch.no_grad():
            outputs = model(inputs)
        state = {key: value.contiguous() for key, value in model.state_dict().items()}
        save_file(state, str(FIXTURES / f"{name}_torch.safetensors"), metadata={"source": "pytorch", "seed": str(seed)})
        (FIXTURES / f"{name}_torch_io.json").write_text(json.dumps(io_record(inputs, outputs), indent=1) + "\n")
        print(f"wrote {name}_torch.safetensors ({len(state)} tensors), {name}_torch_io.json")


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
    write_model_fixtures()


def check_flint_file(name, make_model):
    """Loads <name>_flint.safetensors strictly into make_model() and compares with Flint's output."""
    path = FIXTURES / f"{name}_flint.safetensors"
    state = load_file(str(path))
    with safe_open(str(path), framework="pt") as handle:
        metadata = handle.metadata()
    model = make_model()
    model.load_state_dict(state, strict=True)  # raises on any missing or unexpected key or shape
    model.eval()
    io = json.loads((FIXTURES / f"{name}_flint_io.json").read_text())
    dtype = torch.int64 if io.get("input_dtype") == "int64" else torch.float32
    inputs = torch.tensor(io["input"], dtype=dtype).reshape(io["input_shape"])
    expected = torch.tensor(io["output"], dtype=torch.float32).reshape(io["output_shape"])
    with torch.no_grad():
        outputs = model(inputs)
    if outputs.shape != expected.shape:
        print(f"FAILED {path.name}: PyTorch's output has shape {list(outputs.shape)}, Flint's {list(expected.shape)}")
        return False
    difference = (outputs - expected).abs().max().item()
    print(f"{path.name}: {len(state)} tensors, metadata {metadata}, max |torch - flint| = {difference:.3g}")
    if difference > 1e-5:
        print(f"FAILED {path.name}: PyTorch's output differs from Flint's")
        return False
    return True


def check_flint_files():
    cases = {"mlp": make_mlp, **{name: make for name, (_, make) in MODEL_CASES.items()}}
    results = [check_flint_file(name, make) for name, make in cases.items()]
    if not all(results):
        return 1
    print(f"PASSED: PyTorch loads all {len(results)} Flint safetensors files strictly and reproduces Flint's outputs")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check-flint", action="store_true", help="check that PyTorch loads every Flint-written <name>_flint.safetensors")
    arguments = parser.parse_args()
    if arguments.check_flint:
        return check_flint_files()
    write_torch_fixtures()
    return 0


if __name__ == "__main__":
    sys.exit(main())

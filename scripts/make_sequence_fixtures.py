#!/usr/bin/env python3
"""PyTorch reference fixtures for Flint's sequence layers.

Writes Tests/FlintNNTests/Fixtures/torch_sequence_layers.json, which
Tests/FlintNNTests/SequenceFixtureTests.swift reads: for every layer configuration (LayerNorm, RNN,
LSTM, GRU, MultiheadAttention, TransformerEncoderLayer, TransformerDecoderLayer), the module's
state_dict in order (float64), the named inputs, the outputs in eval mode (dropout off), a fixed
upstream gradient for each output, and PyTorch's gradients of every float input and parameter.
The Swift test loads the state by key name, so the keys themselves are checked. CI never runs
this script (it has no PyTorch); the JSON file is committed.

Run it from the repository root with a Python that has PyTorch (CPU is enough):

    .venv/bin/python scripts/make_sequence_fixtures.py            # rewrite the fixture file
    .venv/bin/python scripts/make_sequence_fixtures.py --check    # exit 1 if the file is stale
    .venv/bin/python scripts/make_sequence_fixtures.py --list     # print the case names

Adding a case: add an entry to CASES below, rerun the script, and add the same name with the
Flint equivalent to the table in SequenceFixtureTests.swift (the test fails for a case that has no
Swift mapping). Every case draws its values from its own generator seeded by the case name.
"""

import argparse
import json
import math
import sys
import zlib
from pathlib import Path

import torch
import torch.nn as nn

OUTPUT = Path(__file__).resolve().parent.parent / "Tests" / "FlintNNTests" / "Fixtures" / "torch_sequence_layers.json"
FORMAT_VERSION = 1


def normal(g, *shape, scale=1.0):
    """Standard normal float64 values times `scale`, rounded to 5 decimals (short, exact in JSON)."""
    return torch.round(torch.randn(shape, generator=g, dtype=torch.float64) * scale, decimals=5)


def causal_mask(size):
    return nn.Transformer.generate_square_subsequent_mask(size, dtype=torch.float64)


def padding_mask(g, batch, length):
    """Bool [batch, length], true = padded; never pads the first position, so no row is fully masked."""
    mask = torch.rand((batch, length), generator=g) < 0.4
    mask[:, 0] = False
    return mask


def randomise(module, g):
    """Replaces every parameter by random values (LayerNorm weights near one), so zero-initialised
    biases are exercised too."""
    with torch.no_grad():
        for name, parameter in module.named_parameters():
            if name.startswith("norm") or name == "weight" and isinstance(module, nn.LayerNorm):
                parameter.copy_(1 + normal(g, *parameter.shape, scale=0.2))
            else:
                parameter.copy_(normal(g, *parameter.shape, scale=0.4))


# --- the cases --------------------------------------------------------------------------------
# Each case: (make module, make inputs from the generator -> dict name -> tensor, run -> tuple of
# outputs). Inputs that are float tensors require gradients unless their name ends in "_mask".

def lstm_case():
    def make(): return nn.LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True)
    def inputs(g): return {"input": normal(g, 2, 5, 3), "h0": normal(g, 4, 2, 4, scale=0.5), "c0": normal(g, 4, 2, 4, scale=0.5)}
    def run(m, x):
        output, (h, c) = m(x["input"], (x["h0"], x["c0"]))
        return output, h, c
    return make, inputs, run


def gru_case():
    def make(): return nn.GRU(3, 4, num_layers=2)
    def inputs(g): return {"input": normal(g, 5, 2, 3), "h0": normal(g, 2, 2, 4, scale=0.5)}
    def run(m, x): return m(x["input"], x["h0"])
    return make, inputs, run


def gru_bidirectional_no_bias_case():
    def make(): return nn.GRU(3, 4, bias=False, batch_first=True, bidirectional=True)
    def inputs(g): return {"input": normal(g, 2, 4, 3)}
    def run(m, x): return m(x["input"])
    return make, inputs, run


def rnn_relu_case():
    def make(): return nn.RNN(3, 4, nonlinearity="relu", bidirectional=True)
    def inputs(g): return {"input": normal(g, 4, 2, 3)}
    def run(m, x): return m(x["input"])
    return make, inputs, run


def rnn_tanh_unbatched_case():
    def make(): return nn.RNN(3, 4, num_layers=2)
    def inputs(g): return {"input": normal(g, 5, 3), "h0": normal(g, 2, 4, scale=0.5)}
    def run(m, x): return m(x["input"], x["h0"])
    return make, inputs, run


def mha_causal_case():
    def make(): return nn.MultiheadAttention(8, 2, batch_first=True)
    def inputs(g): return {"query": normal(g, 2, 5, 8), "key": normal(g, 2, 5, 8), "value": normal(g, 2, 5, 8)}
    def run(m, x):
        return m(x["query"], x["key"], x["value"], attn_mask=causal_mask(5), is_causal=True, need_weights=True)
    return make, inputs, run


def mha_key_padding_case():
    def make(): return nn.MultiheadAttention(8, 2)
    def inputs(g):
        return {"query": normal(g, 4, 2, 8), "key": normal(g, 6, 2, 8), "value": normal(g, 6, 2, 8),
                "key_padding_mask": padding_mask(g, 2, 6)}
    def run(m, x):
        return m(x["query"], x["key"], x["value"], key_padding_mask=x["key_padding_mask"], need_weights=True)
    return make, inputs, run


def mha_bool_mask_no_bias_case():
    def make(): return nn.MultiheadAttention(6, 3, bias=False, batch_first=True)
    def inputs(g):
        mask = torch.rand((2 * 3, 4, 5), generator=g) < 0.4
        mask[:, :, 0] = False
        return {"query": normal(g, 2, 4, 6), "key": normal(g, 2, 5, 6), "value": normal(g, 2, 5, 6), "attention_mask": mask}
    def run(m, x):
        return m(x["query"], x["key"], x["value"], attn_mask=x["attention_mask"], need_weights=True)
    return make, inputs, run


def encoder_post_norm_case():
    def make(): return nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
    def inputs(g): return {"source": normal(g, 2, 5, 8), "key_padding_mask": padding_mask(g, 2, 5)}
    def run(m, x): return (m(x["source"], src_key_padding_mask=x["key_padding_mask"]),)
    return make, inputs, run


def encoder_pre_norm_case():
    def make(): return nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, activation="gelu", norm_first=True)
    def inputs(g): return {"source": normal(g, 5, 2, 8)}
    def run(m, x): return (m(x["source"], src_mask=causal_mask(5), is_causal=True),)
    return make, inputs, run


def decoder_post_norm_case():
    def make(): return nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)
    def inputs(g):
        return {"target": normal(g, 4, 2, 8), "memory": normal(g, 6, 2, 8), "memory_key_padding_mask": padding_mask(g, 2, 6)}
    def run(m, x):
        return (m(x["target"], x["memory"], tgt_mask=causal_mask(4), tgt_is_causal=True,
                  memory_key_padding_mask=x["memory_key_padding_mask"]),)
    return make, inputs, run


def decoder_pre_norm_case():
    def make(): return nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, activation="gelu", norm_first=True, batch_first=True)
    def inputs(g): return {"target": normal(g, 2, 3, 8), "memory": normal(g, 2, 5, 8)}
    def run(m, x): return (m(x["target"], x["memory"]),)
    return make, inputs, run


def layer_norm_case():
    def make(): return nn.LayerNorm([3, 4])
    def inputs(g): return {"input": normal(g, 2, 3, 4, scale=2.0)}
    def run(m, x): return (m(x["input"]),)
    return make, inputs, run


def layer_norm_no_bias_case():
    def make(): return nn.LayerNorm(5, eps=1e-3, bias=False)
    def inputs(g): return {"input": normal(g, 3, 5)}
    def run(m, x): return (m(x["input"]),)
    return make, inputs, run


CASES = {
    "lstm_two_layers_bidirectional_batch_first": lstm_case,
    "gru_two_layers": gru_case,
    "gru_bidirectional_no_bias_batch_first": gru_bidirectional_no_bias_case,
    "rnn_relu_bidirectional": rnn_relu_case,
    "rnn_tanh_two_layers_unbatched": rnn_tanh_unbatched_case,
    "mha_causal_batch_first": mha_causal_case,
    "mha_key_padding": mha_key_padding_case,
    "mha_bool_mask_no_bias": mha_bool_mask_no_bias_case,
    "encoder_post_norm": encoder_post_norm_case,
    "encoder_pre_norm_gelu_causal": encoder_pre_norm_case,
    "decoder_post_norm": decoder_post_norm_case,
    "decoder_pre_norm_gelu": decoder_pre_norm_case,
    "layer_norm": layer_norm_case,
    "layer_norm_no_bias": layer_norm_no_bias_case,
}


def encode(tensor):
    def value(v):
        if isinstance(v, bool): return 1 if v else 0
        if math.isnan(v): return "nan"
        if math.isinf(v): return "inf" if v > 0 else "-inf"
        return v
    return {"shape": list(tensor.shape), "dtype": str(tensor.dtype).replace("torch.", ""),
            "values": [value(v) for v in tensor.detach().reshape(-1).tolist()]}


def make_case(name, factory):
    make, make_inputs, run = factory()
    g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    torch.manual_seed(zlib.crc32(name.encode()))
    module = make().double()
    randomise(module, g)
    module.eval()
    inputs = make_inputs(g)
    for key, tensor in inputs.items():
        if tensor.is_floating_point() and not key.endswith("_mask"):
            tensor.requires_grad_(True)
    outputs = [o for o in run(module, inputs) if o is not None]
    upstream = [normal(g, *o.shape) for o in outputs]
    differentiable = [(k, t) for k, t in inputs.items() if t.requires_grad]
    parameters = list(module.named_parameters())
    gradients = torch.autograd.grad(outputs, [t for _, t in differentiable] + [p for _, p in parameters],
                                    grad_outputs=upstream, allow_unused=True)
    gradients = [torch.zeros_like(t) if d is None else d for d, t in
                 zip(gradients, [t for _, t in differentiable] + [p for _, p in parameters])]
    input_gradients = gradients[:len(differentiable)]
    parameter_gradients = gradients[len(differentiable):]
    return {
        "name": name,
        "state": [{"key": k, "tensor": encode(v)} for k, v in module.state_dict().items()],
        "inputs": [{"key": k, "tensor": encode(v)} for k, v in inputs.items()],
        "outputs": [encode(o) for o in outputs],
        "upstream": [encode(u) for u in upstream],
        "input_gradients": [{"key": k, "tensor": encode(d)} for (k, _), d in zip(differentiable, input_gradients)],
        "parameter_gradients": [{"key": k, "tensor": encode(d)} for (k, _), d in zip(parameters, parameter_gradients)],
    }


def build():
    torch.set_default_dtype(torch.float64)
    return {"format": FORMAT_VERSION, "torch": torch.__version__.split("+")[0],
            "cases": [make_case(name, factory) for name, factory in CASES.items()]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    parser.add_argument("--list", action="store_true", help="print the case names")
    arguments = parser.parse_args()
    if arguments.list:
        print("\n".join(CASES))
        return
    text = json.dumps(build(), separators=(",", ":")) + "\n"
    if arguments.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: rerun scripts/make_sequence_fixtures.py", file=sys.stderr)
            sys.exit(1)
        print(f"{OUTPUT} is up to date ({len(CASES)} cases)")
        return
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text)
    print(f"wrote {len(CASES)} cases, {len(text):,} bytes, to {OUTPUT}")


if __name__ == "__main__":
    main()

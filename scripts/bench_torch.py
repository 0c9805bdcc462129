#!/usr/bin/env python3
"""PyTorch's side of `flint bench`: the workloads of BENCHMARKS.md, measured exactly as Flint
measures its own (warm-up, batches sized to a tenth of the budget, fastest batch kept), at 1 and
2 threads, keeping the faster. Prints one JSON object per workload:
{"workload": ..., "value": ..., "unit": ..., "threads": ...}.

Run by `flint bench`; by hand: .venv/bin/python scripts/bench_torch.py --suite core
"""
import argparse
import json
import time

import torch

from bench_common import best_seconds_per_call


def gemm(seconds):
    torch.manual_seed(0)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    per_call = best_seconds_per_call(seconds, lambda: a @ b)
    return 2 * 1024 ** 3 / per_call / 1e9


def small_op(seconds):
    start = torch.randn(16, requires_grad=True)

    def body():
        z = start
        for _ in range(100):
            z = z * 1.0001 + 0.0001
        z.sum().backward()
        start.grad = None

    return best_seconds_per_call(seconds, body) / 201 * 1e6


def mlp():
    return torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 10))


def train_rate(seconds, model, optimizer, inputs, labels, items_per_step):
    loss_function = torch.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_function(model(inputs), labels)
        loss.backward()
        optimizer.step()

    return items_per_step / best_seconds_per_call(seconds, step)


def mlp_train(seconds):
    torch.manual_seed(0)
    model = mlp()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    inputs, labels = torch.randn(128, 784), torch.randint(0, 10, (128,))
    return train_rate(seconds, model, optimizer, inputs, labels, 128)


def mlp_infer_b1(seconds):
    torch.manual_seed(0)
    model = mlp().eval()
    sample = torch.randn(1, 784)

    def infer():
        with torch.no_grad():
            model(sample)

    return best_seconds_per_call(seconds, infer) * 1e6


def cnn_train(seconds):
    torch.manual_seed(0)
    model = cnn_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    inputs, labels = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    return train_rate(seconds, model, optimizer, inputs, labels, 64)


class GPTBlock(torch.nn.Module):
    """Pre-LayerNorm block: causal self-attention and a 4x GELU MLP, each with a residual."""

    def __init__(self, size, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = torch.nn.LayerNorm(size)
        self.attention = torch.nn.Linear(size, 3 * size)
        self.projection = torch.nn.Linear(size, size)
        self.norm2 = torch.nn.LayerNorm(size)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(size, 4 * size), torch.nn.GELU(), torch.nn.Linear(4 * size, size))

    def forward(self, x):
        batch, length, size = x.shape
        q, k, v = self.attention(self.norm1(x)).split(size, dim=2)
        shape = (batch, length, self.heads, size // self.heads)
        q, k, v = (t.view(shape).transpose(1, 2) for t in (q, k, v))
        attended = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.projection(attended.transpose(1, 2).reshape(batch, length, size))
        return x + self.mlp(self.norm2(x))


class CharGPT(torch.nn.Module):
    def __init__(self, vocabulary=65, size=128, layers=4, heads=4, context=64):
        super().__init__()
        self.token = torch.nn.Embedding(vocabulary, size)
        self.position = torch.nn.Embedding(context, size)
        self.blocks = torch.nn.Sequential(*[GPTBlock(size, heads) for _ in range(layers)])
        self.norm = torch.nn.LayerNorm(size)
        self.head = torch.nn.Linear(size, vocabulary)

    def forward(self, tokens):
        positions = torch.arange(tokens.shape[1])
        x = self.blocks(self.token(tokens) + self.position(positions))
        return self.head(self.norm(x))


def gpt_train(seconds):
    torch.manual_seed(0)
    model = CharGPT()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    tokens = torch.randint(0, 65, (32, 64))
    targets = torch.randint(0, 65, (32, 64))
    loss_function = torch.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad(set_to_none=True)
        logits = model(tokens)
        loss = loss_function(logits.view(-1, 65), targets.view(-1))
        loss.backward()
        optimizer.step()

    return 32 * 64 / best_seconds_per_call(seconds, step)


def cnn_model():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(1600, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))


def cnn_train_loader_overhead(seconds):
    """cnn-train fed by torch's DataLoader over the bundled MNIST 5k against one batch in memory,
    as a percentage of the step time: the median of short alternating rounds, as Flint's side does."""
    import gzip
    import os

    import numpy
    path = os.path.join(os.path.dirname(__file__), "..", "Sources", "FlintData", "Resources", "mnist_5k.csv.gz")
    with gzip.open(path, "rt") as file:
        table = numpy.loadtxt(file, delimiter=",", dtype=numpy.float32)
    images = torch.from_numpy(table[:, :784] / 255).reshape(-1, 1, 28, 28)
    labels = torch.from_numpy(table[:, 784].astype(numpy.int64))
    generator = torch.Generator().manual_seed(0)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=64,
                                         shuffle=True, drop_last=True, generator=generator)
    torch.manual_seed(0)
    model = cnn_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_function = torch.nn.CrossEntropyLoss()

    def step(inputs, targets):
        optimizer.zero_grad()
        loss_function(model(inputs), targets).backward()
        optimizer.step()

    fixed_inputs, fixed_targets = next(iter(loader))
    round_steps = 8
    overheads = []
    batches = iter(loader)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(overheads) < 5:
        start = time.perf_counter()
        steps = 0
        while steps < round_steps:
            try:
                inputs, targets = next(batches)
            except StopIteration:
                batches = iter(loader)
                continue
            step(inputs, targets)
            steps += 1
        loader_seconds = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(round_steps):
            step(fixed_inputs, fixed_targets)
        fixed_seconds = time.perf_counter() - start
        overheads.append((loader_seconds - fixed_seconds) / fixed_seconds * 100)
    return sorted(overheads)[len(overheads) // 2]


SUITES = {
    "core": [("gemm", gemm, "GFLOP/s", True), ("small-op", small_op, "us/op", False)],
    "nn": [("mlp-train", mlp_train, "samples/s", True), ("mlp-infer-b1", mlp_infer_b1, "us", False),
           ("cnn-train", cnn_train, "samples/s", True), ("gpt-train", gpt_train, "tokens/s", True)],
    "data": [("cnn-train-loader-overhead", cnn_train_loader_overhead, "% of step", False)],
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", default="core", choices=sorted(SUITES))
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    for name, function, unit, higher_is_better in SUITES[args.suite]:
        results = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            results.append((function(args.seconds), threads))
        value, threads = max(results) if higher_is_better else min(results)
        print(json.dumps({"workload": name, "value": value, "unit": unit, "threads": threads}), flush=True)


if __name__ == "__main__":
    main()

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


def best_seconds_per_call(seconds, body, warmup=3):
    for _ in range(warmup):
        body()
    batch = 1
    while True:
        start = time.perf_counter()
        for _ in range(batch):
            body()
        if time.perf_counter() - start > seconds / 10 or batch > 1 << 24:
            break
        batch *= 2
    best = float("inf")
    deadline = time.perf_counter() + seconds
    while True:
        start = time.perf_counter()
        for _ in range(batch):
            body()
        best = min(best, (time.perf_counter() - start) / batch)
        if time.perf_counter() >= deadline:
            return best


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


SUITES = {
    "core": [("gemm", gemm, "GFLOP/s", True), ("small-op", small_op, "us/op", False)],
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

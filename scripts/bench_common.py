"""What both peer scripts of `flint bench` share: timing exactly as Flint times its own side
(Sources/flint/Bench/BenchSuite.swift `bestSecondsPerCall`): warm-up calls, batches sized to a tenth of
the budget, the fastest batch kept.

Imported by scripts/bench_torch.py and scripts/bench_sklearn.py (the scripts folder is on sys.path
when they run).
"""
import time


def best_seconds_per_call(seconds, body, warmup=3):
    """Seconds per call of `body`: the fastest batch within `seconds`, after `warmup` calls."""
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

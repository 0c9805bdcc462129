#!/usr/bin/env python3
"""scikit-learn reference values for FlintTrain's metrics.

Writes Tests/FlintTrainTests/Fixtures/metrics.json, which Tests/FlintTrainTests/MetricsTests.swift
reads: for every case its inputs (targets, predicted labels, scores, probabilities, or regression
values) and scikit-learn's value of every metric on them. CI never runs this script (it has no
scikit-learn); the JSON file is committed.

Run it from the repository root with a Python that has scikit-learn, NumPy and PyTorch (for the shared
tensor encoder):

    .venv/bin/pip install scikit-learn                           # once
    .venv/bin/python scripts/make_metric_fixtures.py             # rewrite the fixture file
    .venv/bin/python scripts/make_metric_fixtures.py --check     # exit 1 if the file is stale
    .venv/bin/python scripts/make_metric_fixtures.py --list      # print the case names

Expected-value keys (the Swift test fails for a key or a case it does not map):
  accuracy, top_<k>_accuracy, confusion_matrix (labels=range(classes)),
  <precision|recall|f1>/<macro|micro|weighted|per_class>/<present|all>/<0|1|nan>
      (labels=None or labels=range(classes); zero_division), per_class values are lists,
  roc_auc (scores [n, classes]: binary on column 1 for two classes, multi_class="ovr" otherwise),
  roc_auc_1d (binary scores [n]), log_loss (probabilities [n, classes], labels=range(classes)),
  log_loss_1d (probabilities of class 1 [n]), report/<present|all>/<digits> (classification_report),
  mse, mae, rmse, r2.
NaN means scikit-learn returned NaN (with a warning): Flint throws MetricsError.undefined there.

Every case draws from its own NumPy generator seeded by the case name, so adding or removing a case
never changes the others.
"""

import sys
import warnings
import zlib
from pathlib import Path

from fixture_common import encode, encode_value, fixture_main
import numpy as np
import sklearn
import torch
from sklearn import metrics

OUTPUT = Path(__file__).resolve().parent.parent / "Tests" / "FlintTrainTests" / "Fixtures" / "metrics.json"
FORMAT_VERSION = 1


def generator(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def tensor(array, dtype=torch.float64):
    return encode(torch.tensor(np.asarray(array), dtype=dtype))


def softmax_rows(logits, decimals=6):
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = np.round(exp / exp.sum(axis=1, keepdims=True), decimals)
    return probabilities


# --- cases ------------------------------------------------------------------------------------

def binary(rng):
    """Two classes, class-1 probabilities rounded to 2 decimals (many tied scores), noisy predictions."""
    n = 60
    targets = rng.integers(0, 2, n)
    positive = np.clip(np.round(0.35 * targets + 0.65 * rng.random(n), 2), 0.01, 0.99)
    positive[positive == 0.5] = 0.51  # scikit-learn's binary top-k thresholds at 0.5; Flint ranks columns
    predictions = np.where(rng.random(n) < 0.8, targets, 1 - targets)
    logits = np.round(rng.normal(size=n) + targets, 1)  # any real scores, tied
    return dict(classes=2, targets=targets, predictions=predictions,
                probabilities=np.stack([1 - positive, positive], axis=1), positive=positive, logits=logits)


def binary_single_class(rng):
    """Every target is 1: ROC-AUC is undefined; precision of class 0 divides by zero."""
    n = 12
    targets = np.ones(n, dtype=np.int64)
    positive = np.round(rng.random(n), 3)
    predictions = (positive > 0.4).astype(np.int64)
    return dict(classes=2, targets=targets, predictions=predictions,
                probabilities=np.stack([1 - positive, positive], axis=1), positive=positive, logits=positive * 4 - 2)


def multiclass_absent_class(rng):
    """Seven classes: 3 is never predicted, 4 never a target, 6 neither (left out unless labels=all)."""
    n = 50
    targets = rng.choice([0, 1, 2, 3, 5], n)
    predictions = np.where(rng.random(n) < 0.6, targets, rng.choice([0, 1, 2, 4, 5], n))
    predictions[predictions == 3] = 1
    logits = rng.normal(size=(n, 7))
    logits[np.arange(n), targets] += 1.5
    return dict(classes=7, targets=targets, predictions=predictions, probabilities=softmax_rows(logits))


def multiclass_ties(rng):
    """Four classes, probabilities from small integer counts: ties within rows (top-k order) and
    across rows (ROC steps); predictions are the argmax (the first largest)."""
    n = 48
    counts = rng.integers(0, 3, size=(n, 4)).astype(np.float64)
    counts[counts.sum(axis=1) == 0, 0] = 1
    probabilities = counts / counts.sum(axis=1, keepdims=True)
    targets = np.array([rng.choice(np.flatnonzero(row == row.max())) if rng.random() < 0.6 else rng.integers(0, 4)
                        for row in counts])
    targets[:4] = [0, 1, 2, 3]
    return dict(classes=4, targets=targets, predictions=probabilities.argmax(axis=1), probabilities=probabilities)


def multiclass_large(rng):
    """Ten classes, 300 samples: a realistic evaluation set, fed in batches by the accumulator test."""
    n = 300
    targets = rng.integers(0, 10, n)
    logits = rng.normal(size=(n, 10))
    logits[np.arange(n), targets] += 1.2
    probabilities = softmax_rows(logits, decimals=8)
    return dict(classes=10, targets=targets, predictions=probabilities.argmax(axis=1), probabilities=probabilities)


def clipped_probabilities(rng):
    """Probabilities of exactly 0 and 1 on the true class: log loss clips to [eps, 1 - eps]."""
    targets = np.array([0, 1, 2, 2, 1, 0])
    probabilities = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0],
                              [0.2, 0.3, 0.5], [0.0, 1.0, 0.0], [0.6, 0.4, 0.0]])
    return dict(classes=3, targets=targets, predictions=probabilities.argmax(axis=1), probabilities=probabilities)


def regression(rng):
    n = 40
    targets = np.round(rng.normal(3, 2, n), 4)
    return dict(targets=targets, predictions=np.round(targets + rng.normal(0, 0.7, n), 4))


def regression_multioutput(rng):
    n = 25
    targets = np.round(rng.normal(0, [1, 5, 0.1], (n, 3)), 4)
    return dict(targets=targets, predictions=np.round(targets + rng.normal(0, [0.3, 4, 0.2], (n, 3)), 4))


def regression_constant_target(rng):
    """Constant targets: R^2 is 0 for imperfect predictions (force_finite=True)."""
    targets = np.full(10, 2.5)
    return dict(targets=targets, predictions=np.round(2.5 + rng.normal(0, 0.1, 10), 4))


def regression_perfect_constant(rng):
    """Constant targets predicted exactly: R^2 is 1."""
    return dict(targets=np.full(5, -1.25), predictions=np.full(5, -1.25))


CASES = {
    "binary": binary, "binary_single_class": binary_single_class,
    "multiclass_absent_class": multiclass_absent_class, "multiclass_ties": multiclass_ties,
    "multiclass_large": multiclass_large, "clipped_probabilities": clipped_probabilities,
    "regression": regression, "regression_multioutput": regression_multioutput,
    "regression_constant_target": regression_constant_target,
    "regression_perfect_constant": regression_perfect_constant,
}


# --- expected values --------------------------------------------------------------------------

def number(value):
    return encode_value(float(value))


def classification_expected(case):
    classes, targets, predictions = case["classes"], case["targets"], case["predictions"]
    probabilities = case["probabilities"]
    everything = list(range(classes))
    expected = {"accuracy": number(metrics.accuracy_score(targets, predictions))}
    for k in range(1, classes + 1):
        scores = case["positive"] if classes == 2 else probabilities
        expected[f"top_{k}_accuracy"] = number(metrics.top_k_accuracy_score(targets, scores, k=k, labels=everything))
    expected["confusion_matrix"] = metrics.confusion_matrix(targets, predictions, labels=everything).tolist()
    for labels_name, labels in [("present", None), ("all", everything)]:
        for zero_name, zero_division in [("0", 0.0), ("1", 1.0), ("nan", np.nan)]:
            for average in ["macro", "micro", "weighted", None]:
                p, r, f, _ = metrics.precision_recall_fscore_support(
                    targets, predictions, labels=labels, average=average, zero_division=zero_division)
                average_name = average or "per_class"
                for metric, value in [("precision", p), ("recall", r), ("f1", f)]:
                    key = f"{metric}/{average_name}/{labels_name}/{zero_name}"
                    expected[key] = [number(v) for v in value] if average is None else number(value)
        for digits in [2, 4]:
            expected[f"report/{labels_name}/{digits}"] = metrics.classification_report(
                targets, predictions, labels=labels, digits=digits, zero_division=0.0)
    if classes == 2:
        expected["roc_auc"] = number(metrics.roc_auc_score(targets, probabilities[:, 1]))
        expected["roc_auc_1d"] = number(metrics.roc_auc_score(targets, case["logits"]))
        expected["log_loss_1d"] = number(metrics.log_loss(targets, case["positive"], labels=everything))
    else:
        expected["roc_auc"] = number(metrics.roc_auc_score(targets, probabilities, multi_class="ovr", labels=everything))
    expected["log_loss"] = number(metrics.log_loss(targets, probabilities, labels=everything))
    # float32 probabilities are clipped with float32's epsilon.
    expected["log_loss_float32"] = number(metrics.log_loss(targets, probabilities.astype(np.float32), labels=everything))
    return expected


def regression_expected(case):
    targets, predictions = case["targets"], case["predictions"]
    return {
        "mse": number(metrics.mean_squared_error(targets, predictions)),
        "mae": number(metrics.mean_absolute_error(targets, predictions)),
        "rmse": number(metrics.root_mean_squared_error(targets, predictions)),
        "r2": number(metrics.r2_score(targets, predictions)),
    }


def build():
    cases = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # undefined metrics (NaN) and zero divisions are the point
        for name, make in CASES.items():
            case = make(generator(name))
            if "classes" in case:
                inputs = {
                    "classes": case["classes"],
                    "targets": tensor(case["targets"], torch.int64),
                    "predictions": tensor(case["predictions"], torch.int64),
                    "probabilities": tensor(case["probabilities"]),
                }
                if case["classes"] == 2:
                    inputs["positive"] = tensor(case["positive"])
                    inputs["logits"] = tensor(case["logits"])
                expected = classification_expected(case)
            else:
                inputs = {"targets": tensor(case["targets"]), "predictions": tensor(case["predictions"])}
                expected = regression_expected(case)
            cases.append({"name": name, **inputs, "expected": expected})
    return {"format": FORMAT_VERSION, "generator": f"scikit-learn {sklearn.__version__}", "cases": cases}


if __name__ == "__main__":
    sys.exit(fixture_main(__doc__, OUTPUT, build, list(CASES)))

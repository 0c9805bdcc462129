#!/usr/bin/env python3
"""scikit-learn's side of `flint bench learn`: each learn-ESTIMATOR-DATASET workload of BENCHMARKS.md
fitted exactly as Flint fits it (same rows, same split, same hyperparameters), timed the way Flint
times it (one warm-up fit, batches sized to a tenth of the budget, fastest batch kept). Estimators
that can use several cores (n_jobs) are measured with 1 and 2 jobs and keep the faster.

The workloads come from Flint as JSON (`--spec`, a list of {"workload", "estimator", "dataset",
"parameters", "scaling"}), so their definition lives in one place (Sources/flint/Bench/LearnWorkloads.swift).
Prints one JSON object per workload: {"workload", "value" (seconds per fit), "unit", "score", "threads"}.

Run by `flint bench learn`; by hand:
  .venv/bin/python scripts/bench_sklearn.py --seconds 2 --spec '[{"workload": "learn-ridge-diabetes",
      "estimator": "ridge", "dataset": "diabetes", "parameters": {}, "scaling": "standard"}]'
"""
import argparse
import json

import numpy as np
from sklearn import cluster, datasets, decomposition, ensemble, linear_model, naive_bayes, neighbors, svm, tree
from sklearn.metrics import accuracy_score, adjusted_rand_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from bench_common import best_seconds_per_call

# Flint's catalogue names -> scikit-learn's classes.
ESTIMATORS = {
    "logistic-regression": linear_model.LogisticRegression,
    "sgd-classifier": linear_model.SGDClassifier,
    "linear-svc": svm.LinearSVC,
    "svc": svm.SVC,
    "k-neighbors-classifier": neighbors.KNeighborsClassifier,
    "gaussian-nb": naive_bayes.GaussianNB,
    "multinomial-nb": naive_bayes.MultinomialNB,
    "decision-tree-classifier": tree.DecisionTreeClassifier,
    "random-forest-classifier": ensemble.RandomForestClassifier,
    "gradient-boosting-classifier": ensemble.GradientBoostingClassifier,
    "linear-regression": linear_model.LinearRegression,
    "ridge": linear_model.Ridge,
    "lasso": linear_model.Lasso,
    "elastic-net": linear_model.ElasticNet,
    "sgd-regressor": linear_model.SGDRegressor,
    "svr": svm.SVR,
    "k-neighbors-regressor": neighbors.KNeighborsRegressor,
    "decision-tree-regressor": tree.DecisionTreeRegressor,
    "random-forest-regressor": ensemble.RandomForestRegressor,
    "gradient-boosting-regressor": ensemble.GradientBoostingRegressor,
    "k-means": cluster.KMeans,
    "mini-batch-k-means": cluster.MiniBatchKMeans,
    "dbscan": cluster.DBSCAN,
    "pca": decomposition.PCA,
    "truncated-svd": decomposition.TruncatedSVD,
}
LOADERS = {"iris": datasets.load_iris, "wine": datasets.load_wine, "breast-cancer": datasets.load_breast_cancer,
           "digits": datasets.load_digits, "diabetes": datasets.load_diabetes}
CLASSIFIERS = {name for name, cls in ESTIMATORS.items() if name.endswith("classifier") or name in
               ("logistic-regression", "linear-svc", "svc", "gaussian-nb", "multinomial-nb")}
REGRESSORS = {"linear-regression", "ridge", "lasso", "elastic-net", "sgd-regressor", "svr", "k-neighbors-regressor",
              "decision-tree-regressor", "random-forest-regressor", "gradient-boosting-regressor"}


def python_value(text):
    """A hyperparameter as Flint writes it (text) as scikit-learn takes it."""
    lowered = text.lower()
    if lowered == "none":
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def rows(spec):
    features, targets = LOADERS[spec["dataset"]](return_X_y=True)
    if spec["scaling"] == "standard":
        features = StandardScaler().fit_transform(features)
    name = spec["estimator"]
    if name in CLASSIFIERS or name in REGRESSORS:
        splitter = StratifiedKFold(n_splits=5) if name in CLASSIFIERS else KFold(n_splits=5)
        train, test = next(splitter.split(features, targets))
        return features[train], targets[train], features[test], targets[test]
    return features, targets, None, None


def score(name, model, train_x, train_y, test_x, test_y):
    if name in CLASSIFIERS:
        return accuracy_score(test_y, model.predict(test_x))
    if name in REGRESSORS:
        return r2_score(test_y, model.predict(test_x))
    if hasattr(model, "labels_"):
        return adjusted_rand_score(train_y, model.labels_)
    return float(np.sum(model.explained_variance_ratio_))


def measure(spec, seconds):
    name = spec["estimator"]
    cls = ESTIMATORS[name]
    parameters = {key: python_value(value) for key, value in spec["parameters"].items()}
    train_x, train_y, test_x, test_y = rows(spec)
    supervised = name in CLASSIFIERS or name in REGRESSORS
    job_counts = [None, 2] if "n_jobs" in cls().get_params() else [None]
    best, best_jobs, model = float("inf"), 1, None
    for jobs in job_counts:
        extra = {} if jobs is None else {"n_jobs": jobs}
        holder = {}

        def fit():
            holder["model"] = cls(**parameters, **extra).fit(train_x, train_y if supervised else None)

        value = best_seconds_per_call(seconds / len(job_counts), fit, warmup=1)
        if value < best:
            best, best_jobs, model = value, jobs or 1, holder["model"]
    return {"workload": spec["workload"], "value": best, "unit": "s", "threads": best_jobs,
            "score": float(score(name, model, train_x, train_y, test_x, test_y))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True, help="the workloads as a JSON list (see the module docstring)")
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    for spec in json.loads(args.spec):
        print(json.dumps(measure(spec, args.seconds)), flush=True)


if __name__ == "__main__":
    main()

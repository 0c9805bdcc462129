#!/usr/bin/env python3
"""Flint's `flint learn --cv 5` against scikit-learn's `cross_val_score(cv=5)` for every classifier on
iris, wine, breast cancer and digits and every regressor on diabetes, with the same hyperparameters and
the same scaling in front (a Pipeline fitted on each fold's training rows), and prints a Markdown table
of the mean scores and their difference (accuracy points, or R²).

Both sides use scikit-learn's default folds (unshuffled StratifiedKFold for classifiers, KFold for
regressors), which FlintLearn reproduces. Estimators with randomness (a random_state: tree feature
order and tie-breaking, bootstraps, SGD's shuffling) draw from different generators on the two sides,
and scikit-learn's own score moves by more than a point between seeds; for those both sides are
averaged over random_state 0-9 (`--seeds`), which compares the estimators rather than two draws.

Run after a release build: .venv/bin/python scripts/compare_learn_scores.py [--flint .build/release/flint]
"""
import argparse
import json
import subprocess
import sys

import numpy as np
from sklearn import datasets, ensemble, linear_model, naive_bayes, neighbors, svm, tree
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

CLASSIFIERS = [
    ("logistic-regression", linear_model.LogisticRegression, {}),
    ("svc", svm.SVC, {}),
    ("linear-svc", svm.LinearSVC, {"random_state": 0}),
    ("sgd-classifier", linear_model.SGDClassifier, {"random_state": 0}),
    ("k-neighbors-classifier", neighbors.KNeighborsClassifier, {}),
    ("gaussian-nb", naive_bayes.GaussianNB, {}),
    ("multinomial-nb", naive_bayes.MultinomialNB, {}),
    ("decision-tree-classifier", tree.DecisionTreeClassifier, {"random_state": 0}),
    ("random-forest-classifier", ensemble.RandomForestClassifier, {"random_state": 0}),
    ("gradient-boosting-classifier", ensemble.GradientBoostingClassifier, {"random_state": 0}),
]
REGRESSORS = [
    ("linear-regression", linear_model.LinearRegression, {}),
    ("ridge", linear_model.Ridge, {}),
    ("lasso", linear_model.Lasso, {"alpha": 0.1}),
    ("elastic-net", linear_model.ElasticNet, {"alpha": 0.1}),
    ("svr", svm.SVR, {"C": 100}),
    ("sgd-regressor", linear_model.SGDRegressor, {"random_state": 0}),
    ("k-neighbors-regressor", neighbors.KNeighborsRegressor, {}),
    ("decision-tree-regressor", tree.DecisionTreeRegressor, {"random_state": 0}),
    ("random-forest-regressor", ensemble.RandomForestRegressor, {"random_state": 0}),
    ("gradient-boosting-regressor", ensemble.GradientBoostingRegressor, {"random_state": 0}),
]
# Estimators that flint learn runs without scaling by default (trees, and multinomial naive Bayes, which
# needs counts); the rest get StandardScaler.
UNSCALED = {"multinomial-nb", "decision-tree-classifier", "random-forest-classifier", "gradient-boosting-classifier",
            "decision-tree-regressor", "random-forest-regressor", "gradient-boosting-regressor"}
LOADERS = {"iris": datasets.load_iris, "wine": datasets.load_wine, "breast-cancer": datasets.load_breast_cancer,
           "digits": datasets.load_digits, "diabetes": datasets.load_diabetes}


def flint_score(flint, name, dataset, parameters):
    command = [flint, "learn", name, "--dataset", dataset, "--cv", "5", "--json"]
    for key, value in parameters.items():
        command += ["--param", f"{key}={value}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return json.loads(result.stdout)["score"]


def sklearn_score(cls, name, dataset, parameters):
    features, targets = LOADERS[dataset](return_X_y=True)
    model = cls(**parameters) if name in UNSCALED else make_pipeline(StandardScaler(), cls(**parameters))
    return float(np.mean(cross_val_score(model, features, targets, cv=5)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flint", default=".build/release/flint")
    parser.add_argument("--seeds", type=int, default=10, help="random_state values averaged for randomized estimators")
    arguments = parser.parse_args()
    print("| estimator | dataset | metric | Flint | scikit-learn | difference | seeds |")
    print("|---|---|---|---|---|---|---|")
    cases = [(entry, dataset, "accuracy") for entry in CLASSIFIERS for dataset in ("iris", "wine", "breast-cancer", "digits")]
    cases += [(entry, "diabetes", "r2") for entry in REGRESSORS]
    for (name, cls, parameters), dataset, metric in cases:
        seeds = range(arguments.seeds) if "random_state" in parameters else [None]
        settings = [parameters if seed is None else {**parameters, "random_state": seed} for seed in seeds]
        ours = float(np.mean([flint_score(arguments.flint, name, dataset, setting) for setting in settings]))
        theirs = float(np.mean([sklearn_score(cls, name, dataset, setting) for setting in settings]))
        difference = (ours - theirs) * (100 if metric == "accuracy" else 1)
        unit = " pt" if metric == "accuracy" else ""
        seeds_text = "-" if len(settings) == 1 else f"0-{len(settings) - 1}"
        print(f"| {name} | {dataset} | {metric} | {ours:.4f} | {theirs:.4f} | {difference:+.2f}{unit} | {seeds_text} |", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""scikit-learn's SGDClassifier and SGDRegressor cross-validated on the bundled datasets: the bar for
FlintLearn's SGD estimators (issue 5: accuracy within 1 point, R² within 0.01).

Classifiers on standardized iris, wine, breast cancer and digits: 5-fold StratifiedKFold (unshuffled,
the folds FlintData's `StratifiedKFold()` gives), mean accuracy. Regressors on standardized diabetes
(features only; targets unscaled, and scikit-learn's defaults reach the least-squares R² there):
5-fold KFold (unshuffled), mean R². Features are standardized on the whole table (StandardScaler), as
the Swift tests do. Every estimator has `random_state=0`; the hyperparameters in each case are passed as
written (the rest are scikit-learn's defaults). Every case also has `seedRange`, the lowest and highest
mean score over random_state 0-9: SGD visits the rows in a random order each epoch, and Flint's shuffles
come from its own generator, so per-seed scores differ and the seed band is the fair comparison.

Writes Tests/FlintLearnTests/Fixtures/learn_sgd.json.
`--time` prints scikit-learn's fit time of SGDClassifier (defaults, random_state=0) on all of digits instead.

Run: .venv/bin/python scripts/make_learn_fixtures_sgd.py [--check] [--list] [--time]
"""
import pathlib
import sys
import time
import warnings

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fixture_common import fixture_main  # noqa: E402

import numpy as np  # noqa: E402
from sklearn import datasets  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import SGDClassifier, SGDRegressor  # noqa: E402
from sklearn.model_selection import KFold, StratifiedKFold  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FlintLearnTests" / "Fixtures" / "learn_sgd.json"
LOADERS = {"iris": datasets.load_iris, "wine": datasets.load_wine, "breast-cancer": datasets.load_breast_cancer,
           "digits": datasets.load_digits, "diabetes": datasets.load_diabetes}
ESTIMATORS = {"SGDClassifier": SGDClassifier, "SGDRegressor": SGDRegressor}
CLASSIFICATION = ["iris", "wine", "breast-cancer", "digits"]
# (estimator, parameters, datasets)
CASES = [("SGDClassifier", {}, CLASSIFICATION),
         ("SGDClassifier", {"loss": "log_loss"}, CLASSIFICATION),
         ("SGDClassifier", {"loss": "modified_huber"}, CLASSIFICATION),
         ("SGDClassifier", {"penalty": "elasticnet", "average": 1}, ["wine", "digits"]),
         ("SGDClassifier", {"early_stopping": True}, ["breast-cancer", "digits"]),
         ("SGDRegressor", {}, ["diabetes"]),
         ("SGDRegressor", {"loss": "huber", "epsilon": 10.0}, ["diabetes"]),
         ("SGDRegressor", {"penalty": "l1", "alpha": 0.1}, ["diabetes"]),
         ("SGDRegressor", {"average": 1}, ["diabetes"])]


def standardized(name):
    features, targets = LOADERS[name](return_X_y=True)
    return StandardScaler().fit_transform(features), targets


def case_name(estimator, parameters, dataset):
    suffix = "".join(f",{key}={value}" for key, value in sorted(parameters.items()))
    return f"{estimator}{suffix}/{dataset}"


def cross_validated(estimator, parameters, features, targets, seed):
    classifier = estimator.endswith("Classifier")
    splitter = StratifiedKFold(n_splits=5) if classifier else KFold(n_splits=5)
    scores = []
    for train, test in splitter.split(features, targets):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = ESTIMATORS[estimator](random_state=seed, **parameters).fit(features[train], targets[train])
        scores.append(float(model.score(features[test], targets[test])))
    return scores


def case(estimator, parameters, dataset):
    features, targets = standardized(dataset)
    scores = cross_validated(estimator, parameters, features, targets, 0)
    means = [float(np.mean(cross_validated(estimator, parameters, features, targets, seed))) for seed in range(10)]
    return {"name": case_name(estimator, parameters, dataset), "estimator": estimator, "dataset": dataset,
            "parameters": parameters, "metric": "accuracy" if estimator.endswith("Classifier") else "r2",
            "foldScores": scores, "meanScore": float(np.mean(scores)), "seedRange": [min(means), max(means)],
            "seedMean": float(np.mean(means))}


def build():
    return {"cases": [case(estimator, parameters, dataset) for estimator, parameters, names in CASES for dataset in names]}


def print_time():
    features, targets = standardized("digits")
    for loss in ["hinge", "log_loss"]:
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            model = SGDClassifier(loss=loss, random_state=0).fit(features, targets)
            best = min(best, time.perf_counter() - start)
        print(f"scikit-learn SGDClassifier(loss={loss}) fit on standardized digits (1797x64), n_jobs=None: "
              f"best of 5 {best * 1000:.1f} ms, n_iter_ {model.n_iter_}")


if __name__ == "__main__":
    if "--time" in sys.argv:
        print_time()
        sys.exit(0)
    sys.exit(fixture_main(__doc__, OUTPUT, build,
                          [case_name(e, p, d) for e, p, names in CASES for d in names]))

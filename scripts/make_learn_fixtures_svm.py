#!/usr/bin/env python3
"""scikit-learn's support vector machines on the bundled datasets: the bar for FlintLearn's SVC, SVR
and LinearSVC (issue 5: accuracy within 1 point, R² within 0.01).

Classifiers on standardized iris, wine, breast cancer and digits: 5-fold StratifiedKFold (unshuffled,
the folds FlintData's `StratifiedKFold()` gives), mean accuracy. SVR on standardized diabetes features
(targets unscaled): 5-fold KFold (unshuffled), mean R². Features are standardized on the whole table
(StandardScaler), as the Swift tests do. Hyperparameters in each case are passed as written (the rest
are scikit-learn's defaults). SVC with probability=True also records the mean held-out log loss.

Exact cases (LIBSVM is deterministic): SVC (rbf, defaults) and SVR (C=100) fitted on whole tables,
with support indices, dual coefficients, intercepts and decision values on a few rows.

Writes Tests/FlintLearnTests/Fixtures/learn_svm.json.
`--time` prints scikit-learn's fit time of SVC() on standardized digits instead.

Run: .venv/bin/python scripts/make_learn_fixtures_svm.py [--check] [--list] [--time]
"""
import pathlib
import sys
import time
import warnings

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fixture_common import fixture_main  # noqa: E402

import numpy as np  # noqa: E402
from sklearn import datasets  # noqa: E402
from sklearn.metrics import log_loss  # noqa: E402
from sklearn.model_selection import KFold, StratifiedKFold  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC, SVR, LinearSVC  # noqa: E402

# SVC(probability=True) is deprecated in 1.9 but still what LIBSVM users call; its warning is expected.
warnings.filterwarnings("ignore", category=FutureWarning)

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FlintLearnTests" / "Fixtures" / "learn_svm.json"
LOADERS = {"iris": datasets.load_iris, "wine": datasets.load_wine, "breast-cancer": datasets.load_breast_cancer,
           "digits": datasets.load_digits, "diabetes": datasets.load_diabetes}
ESTIMATORS = {"SVC": SVC, "SVR": SVR, "LinearSVC": LinearSVC}
CLASSIFICATION = ["iris", "wine", "breast-cancer", "digits"]
# (estimator, parameters, datasets)
CASES = [("SVC", {}, CLASSIFICATION),
         ("SVC", {"kernel": "linear"}, CLASSIFICATION),
         ("SVC", {"kernel": "poly"}, CLASSIFICATION),
         ("SVC", {"kernel": "sigmoid"}, ["iris", "breast-cancer"]),
         ("SVC", {"C": 10, "gamma": "auto"}, ["wine", "digits"]),
         ("SVC", {"probability": True}, ["iris", "wine", "breast-cancer"]),
         ("LinearSVC", {}, CLASSIFICATION),
         ("SVR", {}, ["diabetes"]),
         ("SVR", {"C": 100}, ["diabetes"]),
         ("SVR", {"C": 100, "kernel": "linear"}, ["diabetes"]),
         ("SVR", {"C": 100, "kernel": "poly", "epsilon": 1}, ["diabetes"])]
DECISION_ROWS = [0, 1, 50, 51, 100, 101, 70, 83]


def standardized(name):
    features, targets = LOADERS[name](return_X_y=True)
    return StandardScaler().fit_transform(features), targets


def case_name(estimator, parameters, dataset):
    suffix = "".join(f",{key}={value}" for key, value in sorted(parameters.items()))
    return f"{estimator}{suffix}/{dataset}"


def case(estimator, parameters, dataset):
    features, targets = standardized(dataset)
    classifier = estimator != "SVR"
    splitter = StratifiedKFold(n_splits=5) if classifier else KFold(n_splits=5)
    scores, losses = [], []
    for train, test in splitter.split(features, targets):
        extra = {"random_state": 0} if estimator == "LinearSVC" or parameters.get("probability") else {}
        model = ESTIMATORS[estimator](**parameters, **extra).fit(features[train], targets[train])
        scores.append(float(model.score(features[test], targets[test])))
        if parameters.get("probability"):
            losses.append(float(log_loss(targets[test], model.predict_proba(features[test]), labels=model.classes_)))
    result = {"name": case_name(estimator, parameters, dataset), "estimator": estimator, "dataset": dataset,
              "parameters": parameters, "metric": "accuracy" if classifier else "r2",
              "foldScores": scores, "meanScore": float(np.mean(scores))}
    if losses:
        result["meanLogLoss"] = float(np.mean(losses))
    return result


def exact(name, model, dataset):
    features, targets = standardized(dataset)
    model.fit(features, targets)
    result = {"name": name, "dataset": dataset, "supportIndices": model.support_.tolist(),
              "dualCoefficients": model.dual_coef_.tolist(), "intercept": model.intercept_.tolist(),
              "decisionRows": DECISION_ROWS,
              "decisionValues": model.decision_function(features[DECISION_ROWS]).tolist() if isinstance(model, SVC)
              else model.predict(features[DECISION_ROWS]).tolist()}
    if isinstance(model, SVC):
        result["supportCountPerClass"] = model.n_support_.tolist()
        ovo = model.set_params(decision_function_shape="ovo").decision_function(features[DECISION_ROWS])
        result["decisionValuesOneVsOne"] = ovo.tolist()
        result["predictions"] = model.predict(features[DECISION_ROWS]).tolist()
    return result


EXACT = [("exact/SVC/iris", lambda: SVC(), "iris"),
         ("exact/SVC,kernel=poly/wine", lambda: SVC(kernel="poly"), "wine"),
         ("exact/SVC/breast-cancer", lambda: SVC(), "breast-cancer"),
         ("exact/SVR,C=100/diabetes", lambda: SVR(C=100), "diabetes")]


def build():
    cases = [case(estimator, parameters, dataset) for estimator, parameters, names in CASES for dataset in names]
    cases += [exact(name, make(), dataset) for name, make, dataset in EXACT]
    return {"cases": cases}


def print_time():
    features, targets = standardized("digits")
    for label, make in [("SVC()", SVC), ("LinearSVC()", LinearSVC)]:
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            make().fit(features, targets)
            best = min(best, time.perf_counter() - start)
        print(f"scikit-learn {label} fit on standardized digits (1797x64): best of 5 {best:.3f} s")


if __name__ == "__main__":
    if "--time" in sys.argv:
        print_time()
        sys.exit(0)
    names = [case_name(e, p, d) for e, p, ds in CASES for d in ds] + [name for name, _, _ in EXACT]
    sys.exit(fixture_main(__doc__, OUTPUT, build, names))

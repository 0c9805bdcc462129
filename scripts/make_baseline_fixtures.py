#!/usr/bin/env python3
"""scikit-learn's LogisticRegression on the bundled tabular datasets, the bar Flint's MLP recipe
must reach (issue 4: within 1 point of it on the same split).

For iris, wine and breast cancer: a stratified 80/20 split (scikit-learn's `train_test_split`,
`random_state=0`), features standardised on the training part, `LogisticRegression(max_iter=5000)`
with its defaults otherwise. Writes the split's indices and the test accuracy to
Tests/FlintTrainTests/Fixtures/baselines.json, with a checksum of each dataset's features so the test
can tell that Flint's bundled copy is the same table in the same order.

Run: .venv/bin/python scripts/make_baseline_fixtures.py [--check] [--list]
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fixture_common import fixture_main  # noqa: E402

from sklearn import datasets  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FlintTrainTests" / "Fixtures" / "baselines.json"
LOADERS = {"iris": datasets.load_iris, "wine": datasets.load_wine, "breast-cancer": datasets.load_breast_cancer}


def case(name):
    features, targets = LOADERS[name](return_X_y=True)
    indices = list(range(len(targets)))
    train, test = train_test_split(indices, test_size=0.2, stratify=targets, random_state=0)
    scaler = StandardScaler().fit(features[train])
    model = LogisticRegression(max_iter=5000).fit(scaler.transform(features[train]), targets[train])
    accuracy = model.score(scaler.transform(features[test]), targets[test])
    return {"name": name, "featureSum": float(features.sum()), "train": [int(i) for i in train],
            "test": [int(i) for i in test], "logisticRegressionTestAccuracy": float(accuracy)}


def build():
    return {"cases": [case(name) for name in LOADERS]}


if __name__ == "__main__":
    sys.exit(fixture_main(__doc__, OUTPUT, build, list(LOADERS)))

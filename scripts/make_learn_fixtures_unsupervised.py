#!/usr/bin/env python3
"""scikit-learn reference results for FlintLearn's unsupervised and neighbour estimators: PCA, TruncatedSVD,
KMeans, MiniBatchKMeans, DBSCAN, KNeighborsClassifier/Regressor, GaussianNB and MultinomialNB on the bundled
datasets (standardized with StandardScaler where a scikit-learn user would), written to
Tests/FlintLearnTests/Fixtures/learn_unsupervised.json.

Run with the project's venv: `.venv/bin/python scripts/make_learn_fixtures_unsupervised.py [--check|--list]`.
"""
import pathlib
import sys

import numpy as np
from sklearn.cluster import DBSCAN, KMeans, MiniBatchKMeans
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.naive_bayes import GaussianNB, MultinomialNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fixture_common import fixture_main  # noqa: E402

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/FlintLearnTests/Fixtures/learn_unsupervised.json"
LOADERS = {"iris": load_iris, "wine": load_wine, "breast-cancer": load_breast_cancer, "digits": load_digits}
CLASSIFICATION = ["iris", "wine", "breast-cancer", "digits"]


def data(name, standardized):
    features, targets = LOADERS[name](return_X_y=True)
    return (StandardScaler().fit_transform(features) if standardized else features), targets


def floats(array):
    """Numbers rounded to 12 significant digits, so that BLAS threading jitter leaves the file unchanged."""
    return [float(f"{value:.12g}") for value in np.asarray(array, dtype=np.float64).reshape(-1)]


def pca_case(name, component_rows):
    features, _ = data(name, standardized=True)
    model = PCA().fit(features)
    return {"name": f"pca-{name}", "dataset": name,
            "explained_variance": floats(model.explained_variance_),
            "explained_variance_ratio": floats(model.explained_variance_ratio_),
            "singular_values": floats(model.singular_values_),
            "component_rows": component_rows,
            "components": floats(model.components_[:component_rows])}


def truncated_svd_case():
    features, _ = data("digits", standardized=False)
    model = TruncatedSVD(n_components=10, algorithm="arpack", random_state=0).fit(features)
    return {"name": "truncated-svd-digits", "dataset": "digits", "n_components": 10,
            "explained_variance_ratio": floats(model.explained_variance_ratio_),
            "singular_values": floats(model.singular_values_),
            "components": floats(model.components_)}


def kmeans_case():
    features, targets = data("digits", standardized=False)
    restarts = KMeans(n_clusters=10, n_init=10, random_state=0).fit(features)
    single = [adjusted_rand_score(targets, KMeans(n_clusters=10, random_state=seed).fit(features).labels_)
              for seed in range(10)]
    return {"name": "kmeans-digits", "dataset": "digits", "n_clusters": 10,
            "ari_n_init_10": floats([adjusted_rand_score(targets, restarts.labels_)])[0],
            "inertia_n_init_10": floats([restarts.inertia_])[0],
            "ari_single_run_mean": floats([np.mean(single)])[0]}


def minibatch_case():
    features, targets = data("digits", standardized=False)
    scores = [adjusted_rand_score(targets, MiniBatchKMeans(n_clusters=10, n_init=3, random_state=seed).fit(features).labels_)
              for seed in range(10)]
    return {"name": "minibatch-kmeans-digits", "dataset": "digits", "n_clusters": 10, "n_init": 3,
            "ari_mean": floats([np.mean(scores)])[0]}


def dbscan_case(eps, min_samples):
    features, _ = data("iris", standardized=True)
    labels = DBSCAN(eps=eps, min_samples=min_samples, algorithm="brute").fit(features).labels_
    return {"name": f"dbscan-iris-{eps}-{min_samples}", "dataset": "iris", "eps": eps, "min_samples": min_samples,
            "labels": [int(label) for label in labels]}


def cross_validated(name, model, standardized=True):
    features, targets = data(name, standardized)
    return floats([np.mean(cross_val_score(model, features, targets, cv=StratifiedKFold(5), scoring="accuracy"))])[0]


def classifier_cases():
    cases = []
    for name in CLASSIFICATION:
        cases.append({"name": f"knn-uniform-{name}", "dataset": name, "model": "knn-uniform",
                      "accuracy": cross_validated(name, KNeighborsClassifier())})
        cases.append({"name": f"knn-distance-{name}", "dataset": name, "model": "knn-distance",
                      "accuracy": cross_validated(name, KNeighborsClassifier(weights="distance"))})
        cases.append({"name": f"gaussian-nb-{name}", "dataset": name, "model": "gaussian-nb",
                      "accuracy": cross_validated(name, GaussianNB())})
    cases.append({"name": "multinomial-nb-digits", "dataset": "digits", "model": "multinomial-nb",
                  "accuracy": cross_validated("digits", MultinomialNB(), standardized=False)})
    return cases


def knn_regression_case():
    features, targets = load_diabetes(return_X_y=True)
    features = StandardScaler().fit_transform(features)
    scores = cross_val_score(KNeighborsRegressor(), features, targets, cv=KFold(5), scoring="r2")
    return {"name": "knn-regressor-diabetes", "dataset": "diabetes", "r2": floats([np.mean(scores)])[0]}


def build():
    cases = [pca_case("wine", 13), pca_case("digits", 20), truncated_svd_case(), kmeans_case(), minibatch_case(),
             dbscan_case(0.5, 5), dbscan_case(0.8, 4)]
    cases += classifier_cases()
    cases.append(knn_regression_case())
    return {"generator": "scripts/make_learn_fixtures_unsupervised.py", "cases": cases}


CASE_NAMES = ["pca-wine", "pca-digits", "truncated-svd-digits", "kmeans-digits", "minibatch-kmeans-digits",
              "dbscan-iris-0.5-5", "dbscan-iris-0.8-4"] + [
    f"{model}-{name}" for name in CLASSIFICATION for model in ["knn-uniform", "knn-distance", "gaussian-nb"]] + [
    "multinomial-nb-digits", "knn-regressor-diabetes"]

if __name__ == "__main__":
    sys.exit(fixture_main(__doc__, OUTPUT, build, CASE_NAMES))

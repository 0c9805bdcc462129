"""scikit-learn reference results for FlintLearn's preprocessing and linear models.

Writes Tests/FlintLearnTests/Fixtures/learn_linear.json: scaler, imputer, polynomial and one-hot outputs on a
small matrix; LinearRegression and Ridge coefficients on raw diabetes (as FlintData bundles it); Lasso and
ElasticNet on standardized diabetes; 5-fold StratifiedKFold (unshuffled) accuracies of
StandardScaler + LogisticRegression on iris, wine, breast-cancer and digits.
Run with /work/main/.venv/bin/python (scikit-learn 1.9.1); `--check` verifies the committed file.
"""
import pathlib
import sys
import warnings

import numpy as np
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, PolynomialFeatures, RobustScaler, StandardScaler

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fixture_common import fixture_main  # noqa: E402

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/FlintLearnTests/Fixtures/learn_linear.json"

SMALL = np.array([[1.0, -2.0, 5.0, 0.5], [3.0, 0.0, 5.0, 1.5], [4.0, 7.0, 5.0, -3.0], [10.0, 1.0, 5.0, 2.0], [-1.0, 3.0, 5.0, 0.0]])
MISSING = np.array([[1.0, np.nan, 3.0], [np.nan, 2.0, 3.0], [7.0, 2.0, np.nan], [4.0, 5.0, 1.0], [1.0, np.nan, 1.0]])
CATEGORIES = np.array([[0, 2], [1, 0], [2, 2], [0, 1]])


def matrix(values):
    values = np.asarray(values, dtype=float)
    return {"shape": list(values.shape), "values": [None if np.isnan(v) else float(v) for v in values.reshape(-1)]}


def transform_cases():
    cases = [
        ("standard", StandardScaler(), SMALL),
        ("standard_no_mean", StandardScaler(with_mean=False), SMALL),
        ("standard_no_std", StandardScaler(with_std=False), SMALL),
        ("minmax", MinMaxScaler(), SMALL),
        ("minmax_symmetric", MinMaxScaler(feature_range=(-1, 1)), SMALL),
        ("robust", RobustScaler(), SMALL),
        ("robust_10_90", RobustScaler(quantile_range=(10, 90)), SMALL),
        ("impute_mean", SimpleImputer(strategy="mean"), MISSING),
        ("impute_median", SimpleImputer(strategy="median"), MISSING),
        ("impute_most_frequent", SimpleImputer(strategy="most_frequent"), MISSING),
        ("impute_constant", SimpleImputer(strategy="constant", fill_value=-1.0), MISSING),
        ("poly_2", PolynomialFeatures(degree=2), SMALL[:, :3]),
        ("poly_3_no_bias", PolynomialFeatures(degree=3, include_bias=False), SMALL[:, :3]),
        ("poly_3_interaction", PolynomialFeatures(degree=3, interaction_only=True), SMALL[:, :3]),
        ("onehot", OneHotEncoder(sparse_output=False), CATEGORIES),
    ]
    return [{"name": name, "kind": "transform", "input": matrix(x), "output": matrix(model.fit_transform(x))}
            for name, model, x in cases]


def regression_cases():
    x, y = datasets.load_diabetes(return_X_y=True, scaled=False)
    standardized = StandardScaler().fit_transform(x)
    cases = []
    for name, model, features, standardize in [
        ("linear_regression", LinearRegression(), x, False),
        ("linear_regression_no_intercept", LinearRegression(fit_intercept=False), x, False),
        ("ridge", Ridge(), x, False),
        ("ridge_alpha_10", Ridge(alpha=10.0), x, False),
        ("ridge_no_intercept", Ridge(alpha=0.5, fit_intercept=False), x, False),
        ("lasso", Lasso(alpha=1.0), standardized, True),
        ("lasso_alpha_0.1", Lasso(alpha=0.1), standardized, True),
        ("elastic_net", ElasticNet(alpha=0.1, l1_ratio=0.5), standardized, True),
        ("elastic_net_l1_0.9", ElasticNet(alpha=0.5, l1_ratio=0.9), standardized, True),
    ]:
        model.fit(features, y)
        cases.append({"name": name, "kind": "regression", "dataset": "diabetes", "standardize": standardize,
                      "coefficients": [float(v) for v in model.coef_], "intercept": float(model.intercept_),
                      "r2": float(model.score(features, y)), "feature_sum": float(x.sum())})
    return cases


def classification_cases():
    loaders = {"iris": datasets.load_iris, "wine": datasets.load_wine, "breast-cancer": datasets.load_breast_cancer,
               "digits": datasets.load_digits}
    cases = []
    for name, loader in loaders.items():
        x, y = loader(return_X_y=True)
        accuracies = []
        for train, test in StratifiedKFold(n_splits=5).split(x, y):
            model = make_pipeline(StandardScaler(), LogisticRegression())
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(x[train], y[train])
            accuracies.append(float(model.score(x[test], y[test])))
        cases.append({"name": f"logistic_{name}", "kind": "classification", "dataset": name,
                      "fold_accuracies": accuracies, "mean_accuracy": float(np.mean(accuracies)), "feature_sum": float(x.sum())})
    return cases


def build():
    return {"sklearn": "1.9.1", "cases": transform_cases() + regression_cases() + classification_cases()}


if __name__ == "__main__":
    names = ["standard", "minmax", "robust", "impute_*", "poly_*", "onehot", "linear_regression*", "ridge*", "lasso*",
             "elastic_net*", "logistic_*"]
    sys.exit(fixture_main(__doc__, OUTPUT, build, names))

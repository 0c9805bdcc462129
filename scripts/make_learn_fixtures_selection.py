"""scikit-learn reference results for FlintLearn's model selection.

Writes Tests/FlintLearnTests/Fixtures/learn_selection.json: GridSearchCV over Ridge's alpha on raw diabetes
(as FlintData bundles it) with 5-fold unshuffled KFold (GridSearchCV's default for a regressor), R² scoring:
the alpha grid, the mean cross-validation score of each alpha, the best alpha and its score.
Run with /work/main/.venv/bin/python (scikit-learn 1.9.1); `--check` verifies the committed file.
"""
import pathlib
import sys

from sklearn import datasets
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fixture_common import fixture_main  # noqa: E402

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/FlintLearnTests/Fixtures/learn_selection.json"
ALPHAS = [10.0, 0.01, 100.0, 0.001, 1.0, 0.1]  # unsorted, so the best is not simply the first or last


def build():
    x, y = datasets.load_diabetes(return_X_y=True, scaled=False)
    search = GridSearchCV(Ridge(), {"alpha": ALPHAS}, cv=KFold(n_splits=5))
    search.fit(x, y)
    case = {"name": "grid_ridge_diabetes", "dataset": "diabetes", "folds": 5, "alphas": ALPHAS,
            "mean_scores": [round(float(v), 12) for v in search.cv_results_["mean_test_score"]],
            "best_alpha": float(search.best_params_["alpha"]), "best_score": round(float(search.best_score_), 12),
            "feature_sum": float(x.sum())}
    return {"sklearn": "1.9.1", "cases": [case]}


if __name__ == "__main__":
    sys.exit(fixture_main(__doc__, OUTPUT, build, ["grid_ridge_diabetes"]))

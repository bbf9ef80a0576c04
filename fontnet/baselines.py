"""What the network is compared with: the formula itself, scikit-learn's MLPClassifier, logistic regression.

Each is fitted on the same split and scored the same way as fontnet.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from .colors import FORMULA_WEIGHTS
from .model import formula_agreement, test_accuracy


@dataclass(frozen=True)
class Result:
    name: str
    test_accuracy: float
    formula_agreement: float
    seconds: float


def sklearn_mlp(hidden_layer_sizes=(3,), activation="relu", learning_rate=0.05, max_iter=100_000,
                random_state=None) -> MLPClassifier:
    """The chapter's library version: MLPClassifier(solver='sgd', hidden_layer_sizes=(3,), activation='relu', ...)."""
    return MLPClassifier(solver="sgd", hidden_layer_sizes=tuple(hidden_layer_sizes), activation=sklearn_activation(activation),
                         max_iter=max_iter, learning_rate_init=learning_rate, random_state=random_state)


def sklearn_mlp_solver(solver: str, max_iter: int = 200, random_state=None, hidden_layer_sizes=(3,),
                       activation="relu") -> MLPClassifier:
    """MLPClassifier with one of its own solvers ('lbfgs', 'adam', 'sgd') and the library's defaults for the rest
    (learning rate, tolerance, L2 penalty alpha): the library as a practitioner would use it."""
    return MLPClassifier(hidden_layer_sizes=tuple(hidden_layer_sizes), activation=sklearn_activation(activation),
                         solver=solver, max_iter=max_iter, random_state=random_state)


def sklearn_activation(activation: str) -> str:
    """MLPClassifier's name for a Table 7-1 hidden activation; ValueError for one it lacks (leaky ReLU)."""
    act = {"logistic": "logistic", "tanh": "tanh", "relu": "relu", "linear": "identity"}.get(activation)
    if act is None:
        raise ValueError(f"scikit-learn's MLPClassifier has no {activation!r} activation")
    return act


class FormulaClassifier:
    """The rule the data was labelled with: dark text when (0.299R + 0.587G + 0.114B)/255 > 0.5."""

    def fit(self, X, y):
        return self

    def predict(self, X):
        return (np.asarray(X) @ FORMULA_WEIGHTS > 0.5).astype(int)


def evaluate(name: str, estimator, X_train, X_test, y_train, y_test) -> Result:
    """Fit on the training rows, time it, and score test accuracy and agreement with the formula."""
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X_train, y_train)
    seconds = time.perf_counter() - t
    return Result(name, test_accuracy(estimator.predict, X_test, y_test),
                  formula_agreement(estimator.predict), seconds)


def compare(split, seed: int = 0, hidden_layer_sizes=(3,), activation="relu") -> list[Result]:
    """The formula, scikit-learn's MLP with the chapter's settings and logistic regression on one split."""
    estimators = [
        ("formula", FormulaClassifier()),
        ("scikit-learn MLPClassifier", sklearn_mlp(hidden_layer_sizes, activation, random_state=seed)),
        ("logistic regression", LogisticRegression(C=1e4, max_iter=1000)),
    ]
    return [evaluate(name, est, *split) for name, est in estimators]

"""The built-in metrics against scikit-learn's implementations, on fixed and random predictions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from zoo_core.builtins import metric_factories
from zoo_core.metrics import confusion_matrix

NUM_CLASSES = 5


def _reference(name: str, y_true: np.ndarray, y_prob: np.ndarray) -> float:
    """Return scikit-learn's value of the metric ``name`` with the zoo's conventions."""
    y_pred = np.argmax(y_prob, axis=1)
    if name == "accuracy":
        return skm.accuracy_score(y_true, y_pred)
    if name == "top-3-accuracy":
        return skm.top_k_accuracy_score(y_true, y_prob, k=3, labels=np.arange(NUM_CLASSES))
    if name == "balanced-accuracy":
        return skm.balanced_accuracy_score(y_true, y_pred)
    if name == "kappa":
        return skm.cohen_kappa_score(y_true, y_pred, replace_undefined_by=0.0)
    score, _, average = name.partition("-")
    function = {"precision": skm.precision_score, "recall": skm.recall_score, "f1": skm.f1_score}[score]
    return function(y_true, y_pred, average=average or "macro", zero_division=0)


METRICS = {
    "accuracy": metric_factories.accuracy(NUM_CLASSES),
    "top-3-accuracy": metric_factories.top_k_accuracy(NUM_CLASSES, k=3),
    "balanced-accuracy": metric_factories.balanced_accuracy(NUM_CLASSES),
    "kappa": metric_factories.cohen_kappa(NUM_CLASSES),
    **{
        f"{score}{suffix}": getattr(metric_factories, f"{score}{suffix.replace('-', '_')}")(NUM_CLASSES)
        for score in ("precision", "recall", "f1")
        for suffix in ("", "-micro", "-weighted")
    },
}


def _one_hot(labels: np.ndarray) -> np.ndarray:
    return np.eye(NUM_CLASSES)[labels]


def _probabilities(predicted: np.ndarray, seed: int) -> np.ndarray:
    """Return random probabilities whose most probable class is ``predicted``."""
    rng = np.random.default_rng(seed)
    scores = rng.random((predicted.size, NUM_CLASSES))
    scores[np.arange(predicted.size), predicted] = 1.5
    return scores / scores.sum(axis=1, keepdims=True)


# Class 3 occurs but is never predicted; class 4 is predicted but never occurs.
FIXED_TRUE = np.array([0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 0, 1])
FIXED_PRED = np.array([0, 0, 1, 1, 1, 4, 2, 0, 2, 0, 4, 1])


def _cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    cases = [("fixed", FIXED_TRUE, _probabilities(FIXED_PRED, seed=0))]
    rng = np.random.default_rng(7)
    for seed in range(4):
        y_true = rng.integers(0, NUM_CLASSES, size=60)
        cases.append((f"random-{seed}", y_true, rng.dirichlet(np.ones(NUM_CLASSES), size=60)))
    return cases


@pytest.mark.parametrize("name", sorted(METRICS))
@pytest.mark.parametrize("case", _cases(), ids=lambda case: case[0])
def test_metric_matches_sklearn(name: str, case: tuple[str, np.ndarray, np.ndarray]) -> None:
    _, y_true, y_prob = case
    expected = _reference(name, y_true, y_prob)
    assert METRICS[name].compute(y_true, y_prob) == pytest.approx(expected, abs=1e-12)
    assert METRICS[name].compute(_one_hot(y_true), y_prob) == pytest.approx(expected, abs=1e-12)


def test_fixed_case_has_zero_division() -> None:
    """The fixed case must really contain a class never predicted and one that never occurs."""
    assert 3 in FIXED_TRUE
    assert 3 not in FIXED_PRED
    assert 4 in FIXED_PRED
    assert 4 not in FIXED_TRUE


def test_per_class_zero_division_is_zero() -> None:
    y_prob = _probabilities(FIXED_PRED, seed=1)
    precision = skm.precision_score(FIXED_TRUE, FIXED_PRED, average=None, zero_division=0, labels=range(NUM_CLASSES))
    recall = skm.recall_score(FIXED_TRUE, FIXED_PRED, average=None, zero_division=0, labels=range(NUM_CLASSES))
    from zoo_core.metrics import per_class_scores

    scores = per_class_scores(confusion_matrix(FIXED_TRUE, np.argmax(y_prob, axis=1), NUM_CLASSES))
    np.testing.assert_allclose(scores.precision, precision)
    np.testing.assert_allclose(scores.recall, recall)
    assert scores.precision[3] == 0.0
    assert scores.recall[4] == 0.0


def test_predicted_indices_accepted() -> None:
    expected = skm.f1_score(FIXED_TRUE, FIXED_PRED, average="weighted", zero_division=0)
    assert METRICS["f1-weighted"].compute(FIXED_TRUE, FIXED_PRED) == pytest.approx(expected, abs=1e-12)


def test_confusion_matrix_matches_sklearn() -> None:
    expected = skm.confusion_matrix(FIXED_TRUE, FIXED_PRED, labels=range(NUM_CLASSES))
    np.testing.assert_array_equal(confusion_matrix(FIXED_TRUE, FIXED_PRED, NUM_CLASSES), expected)
    np.testing.assert_array_equal(confusion_matrix(_one_hot(FIXED_TRUE), _one_hot(FIXED_PRED), NUM_CLASSES), expected)


def test_kappa_undefined_is_zero() -> None:
    y_true = np.zeros(6, dtype=int)
    y_prob = _one_hot(np.zeros(6, dtype=int))
    assert METRICS["kappa"].compute(y_true, y_prob) == 0.0
    assert skm.cohen_kappa_score(y_true, y_true, replace_undefined_by=0.0) == 0.0


def test_empty_split_scores_zero() -> None:
    empty = np.zeros((0,), dtype=int)
    for metric in METRICS.values():
        assert metric.compute(empty, np.zeros((0, NUM_CLASSES))) == 0.0


def test_top_k_rejects_k_of_all_classes() -> None:
    with pytest.raises(ValueError, match="smaller than the number of classes"):
        metric_factories.top_k_accuracy(NUM_CLASSES, k=NUM_CLASSES)

"""Metrics computed over a whole split from true labels and predicted class probabilities.

Metrics here are never averaged over batches: the runner predicts a whole split and calls
:meth:`Metric.compute` once. Precision, recall and F1 use the convention of scikit-learn's
``zero_division=0``: a class that is never predicted has precision 0, and one that never occurs
has recall 0. Macro averages run over the classes that occur in the labels or in the predictions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Metric:
    """A named function of (true labels, predicted probabilities) that returns one number."""

    name: str
    num_classes: int

    def compute(self, y_true: np.ndarray, y_prob: np.ndarray) -> float:
        """Return the metric for integer labels ``y_true`` and probabilities ``y_prob`` (N, C)."""
        raise NotImplementedError


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Return the (num_classes, num_classes) count matrix, rows true and columns predicted."""
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    flat = y_true * num_classes + y_pred
    return np.bincount(flat, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    result = np.zeros_like(numerator, dtype=np.float64)
    np.divide(numerator, denominator, out=result, where=denominator > 0)
    return result


@dataclass
class Accuracy(Metric):
    """Fraction of samples whose most probable class is the true class."""

    def compute(self, y_true: np.ndarray, y_prob: np.ndarray) -> float:
        """Return the accuracy, 0 for an empty split."""
        if len(y_true) == 0:
            return 0.0
        return float(np.mean(np.argmax(y_prob, axis=1) == np.asarray(y_true)))


@dataclass
class MacroScore(Metric):
    """Precision, recall or F1, averaged over classes with equal weight."""

    score: str = "f1"

    def compute(self, y_true: np.ndarray, y_prob: np.ndarray) -> float:
        """Return the macro average over the classes that occur in the labels or predictions."""
        if len(y_true) == 0:
            return 0.0
        y_pred = np.argmax(y_prob, axis=1)
        matrix = confusion_matrix(y_true, y_pred, self.num_classes)
        true_positive = np.diag(matrix).astype(np.float64)
        predicted = matrix.sum(axis=0)
        actual = matrix.sum(axis=1)
        precision = _safe_divide(true_positive, predicted)
        recall = _safe_divide(true_positive, actual)
        if self.score == "precision":
            per_class = precision
        elif self.score == "recall":
            per_class = recall
        else:
            per_class = _safe_divide(2 * precision * recall, precision + recall)
        present = (predicted + actual) > 0
        return float(per_class[present].mean())

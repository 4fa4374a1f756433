"""Metrics computed over a whole split from true labels and predicted class scores.

Metrics here are never averaged over batches: the runner predicts a whole split and calls
:meth:`Metric.compute` once. Labels may be integers (N,) or one-hot rows (N, C). Predictions are
class probabilities (N, C), or predicted class indices (N,) for the metrics that need no scores.

Conventions, which match scikit-learn 1.9 with ``zero_division=0``:

- a class that is never predicted has precision 0, and one that never occurs has recall 0; the
  F1 score of a class is 0 when its precision and recall are both 0;
- macro and weighted averages run over the classes that occur in the labels or in the
  predictions; weighted averages weigh each class by its number of true samples;
- micro averages pool every sample, so micro precision, recall and F1 all equal the accuracy;
- balanced accuracy is the mean recall over the classes that occur in the labels;
- Cohen's kappa is 0 when the chance agreement is 1 (every label and prediction is one class),
  where the formula divides by zero;
- every metric of an empty split is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Average = Literal["macro", "micro", "weighted"]
Score = Literal["precision", "recall", "f1"]


@dataclass
class Metric:
    """A named function of (true labels, predicted probabilities) that returns one number."""

    name: str
    num_classes: int

    def compute(self, y_true: np.ndarray, y_prob: np.ndarray) -> float:
        """Return the metric for labels ``y_true`` and probabilities ``y_prob`` (N, C)."""
        raise NotImplementedError


def class_indices(labels: np.ndarray) -> np.ndarray:
    """Return integer class indices for integer labels (N,) or one-hot rows (N, C)."""
    labels = np.asarray(labels)
    if labels.ndim == 2:
        return np.argmax(labels, axis=1).astype(np.int64)
    if labels.ndim != 1:
        raise ValueError(f"labels must have shape (N,) or (N, C), got {labels.shape}")
    return labels.astype(np.int64)


def predicted_classes(y_prob: np.ndarray) -> np.ndarray:
    """Return the most probable class of each row (the first one on ties), or indices unchanged."""
    return class_indices(y_prob)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Return the (num_classes, num_classes) count matrix, rows true and columns predicted."""
    y_true = class_indices(y_true)
    y_pred = class_indices(y_pred)
    flat = y_true * num_classes + y_pred
    return np.bincount(flat, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Divide elementwise, with 0 where the denominator is 0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    result = np.zeros_like(numerator, dtype=np.float64)
    np.divide(numerator, denominator, out=result, where=np.asarray(denominator) > 0)
    return result


@dataclass
class PerClassScores:
    """Precision, recall, F1 and support of every class, from one confusion matrix."""

    true_positive: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray
    predicted: np.ndarray

    @property
    def present(self) -> np.ndarray:
        """Mask of the classes that occur in the labels or in the predictions."""
        return (self.support + self.predicted) > 0


def per_class_scores(matrix: np.ndarray) -> PerClassScores:
    """Return the per-class scores of a confusion matrix (rows true, columns predicted)."""
    true_positive = np.diag(matrix).astype(np.float64)
    predicted = matrix.sum(axis=0)
    support = matrix.sum(axis=1)
    precision = _safe_divide(true_positive, predicted)
    recall = _safe_divide(true_positive, support)
    # 2 * tp / (2 * tp + fp + fn) equals 2PR / (P + R) and is 0 when tp is 0.
    f1 = _safe_divide(2 * true_positive, predicted + support)
    return PerClassScores(true_positive, precision, recall, f1, support, predicted)


def average_score(scores: PerClassScores, score: Score, average: Average) -> float:
    """Return the ``average`` of the per-class ``score`` under the conventions of this module."""
    if average == "micro":
        # Every sample is one true and one predicted class, so pooled precision, recall and F1
        # are all the true positives over the number of samples.
        total = scores.support.sum()
        return float(scores.true_positive.sum() / total) if total else 0.0
    values = getattr(scores, score)[scores.present]
    if values.size == 0:
        return 0.0
    if average == "macro":
        return float(values.mean())
    weights = scores.support[scores.present].astype(np.float64)
    if weights.sum() == 0:
        return 0.0
    return float(np.sum(values * weights) / weights.sum())


@dataclass
class Accuracy(Metric):
    """Fraction of samples whose most probable class is the true class."""

    def compute(self, y_true: np.ndarray, y_prob: np.ndarray) -> float:
        """Return the accuracy."""
        labels = class_indices(y_true)
        if labels.size == 0:
            return 0.0
        return float(np.mean(predicted_classes(y_prob) == labels))


@dataclass
class TopKAccuracy(Metric):
    """Fraction of samples whose true class is among the ``k`` most probable classes.

    A class tied in probability with the k-th one counts as within the top k.
    """

    k: int = 5

    def compute(self, y_true: np.ndarray, y_prob: np.ndarray) -> float:
        """Return the top-k accuracy; ``y_prob`` must hold scores (N, C)."""
        labels = class_indices(y_true)
        if labels.size == 0:
            return 0.0
        scores = np.asarray(y_prob, dtype=np.float64)
        if scores.ndim != 2:
            raise ValueError(f"top-k accuracy needs class scores of shape (N, C), got {scores.shape}")
        true_scores = scores[np.arange(labels.size), labels]
        higher = np.sum(scores > true_scores[:, np.newaxis], axis=1)
        return float(np.mean(higher < self.k))


@dataclass
class AveragedScore(Metric):
    """Precision, recall or F1, averaged over classes in the way ``average`` names."""

    score: Score = "f1"
    average: Average = "macro"

    def compute(self, y_true: np.ndarray, y_prob: np.ndarray) -> float:
        """Return the averaged score."""
        labels = class_indices(y_true)
        if labels.size == 0:
            return 0.0
        matrix = confusion_matrix(labels, predicted_classes(y_prob), self.num_classes)
        return average_score(per_class_scores(matrix), self.score, self.average)


@dataclass
class BalancedAccuracy(Metric):
    """Mean recall over the classes that occur in the labels."""

    def compute(self, y_true: np.ndarray, y_prob: np.ndarray) -> float:
        """Return the balanced accuracy."""
        labels = class_indices(y_true)
        if labels.size == 0:
            return 0.0
        matrix = confusion_matrix(labels, predicted_classes(y_prob), self.num_classes)
        scores = per_class_scores(matrix)
        return float(scores.recall[scores.support > 0].mean())


@dataclass
class CohenKappa(Metric):
    """Cohen's kappa: agreement between labels and predictions beyond chance, (p_o - p_e) / (1 - p_e)."""

    def compute(self, y_true: np.ndarray, y_prob: np.ndarray) -> float:
        """Return Cohen's kappa, 0 when the chance agreement p_e is 1."""
        labels = class_indices(y_true)
        if labels.size == 0:
            return 0.0
        matrix = confusion_matrix(labels, predicted_classes(y_prob), self.num_classes).astype(np.float64)
        total = matrix.sum()
        observed = np.trace(matrix) / total
        expected = float(np.sum(matrix.sum(axis=1) * matrix.sum(axis=0))) / total**2
        if expected >= 1.0:
            return 0.0
        return float((observed - expected) / (1.0 - expected))

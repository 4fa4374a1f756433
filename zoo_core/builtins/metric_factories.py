"""Factories of the built-in metrics."""

from __future__ import annotations

from zoo_core.metrics import Accuracy, MacroScore, Metric


def accuracy(num_classes: int) -> Metric:
    """Build the accuracy metric."""
    return Accuracy("accuracy", num_classes)


def precision(num_classes: int) -> Metric:
    """Build macro-averaged precision."""
    return MacroScore("precision", num_classes, score="precision")


def recall(num_classes: int) -> Metric:
    """Build macro-averaged recall."""
    return MacroScore("recall", num_classes, score="recall")


def f1(num_classes: int) -> Metric:
    """Build the macro-averaged F1 score."""
    return MacroScore("f1", num_classes, score="f1")

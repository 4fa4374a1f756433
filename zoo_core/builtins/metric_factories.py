"""Factories of the built-in metrics; each metric's name is its key in metrics.json."""

from __future__ import annotations

from zoo_core.metrics import Accuracy, AveragedScore, BalancedAccuracy, CohenKappa, Metric, TopKAccuracy


def accuracy(num_classes: int) -> Metric:
    """Build the accuracy metric."""
    return Accuracy("accuracy", num_classes)


def top_k_accuracy(num_classes: int, k: int = 5) -> Metric:
    """Build top-k accuracy, named ``top-K-accuracy`` after its ``k``."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if k >= num_classes:
        raise ValueError(f"k ({k}) must be smaller than the number of classes ({num_classes}), "
                         "or every sample counts as correct")
    return TopKAccuracy(f"top-{k}-accuracy", num_classes, k=k)


def balanced_accuracy(num_classes: int) -> Metric:
    """Build balanced accuracy, the mean recall over the classes present in the labels."""
    return BalancedAccuracy("balanced-accuracy", num_classes)


def cohen_kappa(num_classes: int) -> Metric:
    """Build Cohen's kappa."""
    return CohenKappa("kappa", num_classes)


def precision(num_classes: int) -> Metric:
    """Build macro-averaged precision."""
    return AveragedScore("precision", num_classes, score="precision", average="macro")


def precision_micro(num_classes: int) -> Metric:
    """Build micro-averaged precision."""
    return AveragedScore("precision-micro", num_classes, score="precision", average="micro")


def precision_weighted(num_classes: int) -> Metric:
    """Build precision averaged with weights proportional to each class's support."""
    return AveragedScore("precision-weighted", num_classes, score="precision", average="weighted")


def recall(num_classes: int) -> Metric:
    """Build macro-averaged recall."""
    return AveragedScore("recall", num_classes, score="recall", average="macro")


def recall_micro(num_classes: int) -> Metric:
    """Build micro-averaged recall."""
    return AveragedScore("recall-micro", num_classes, score="recall", average="micro")


def recall_weighted(num_classes: int) -> Metric:
    """Build recall averaged with weights proportional to each class's support."""
    return AveragedScore("recall-weighted", num_classes, score="recall", average="weighted")


def f1(num_classes: int) -> Metric:
    """Build the macro-averaged F1 score."""
    return AveragedScore("f1", num_classes, score="f1", average="macro")


def f1_micro(num_classes: int) -> Metric:
    """Build the micro-averaged F1 score."""
    return AveragedScore("f1-micro", num_classes, score="f1", average="micro")


def f1_weighted(num_classes: int) -> Metric:
    """Build the F1 score averaged with weights proportional to each class's support."""
    return AveragedScore("f1-weighted", num_classes, score="f1", average="weighted")

"""Factories of the built-in losses; the Keras classes live in :mod:`zoo_core.keras_objects`
and :mod:`zoo_core.keras_losses`.

``from_logits`` is not a user parameter: the runner sets it from the architecture's
``outputs`` metadata, so the loss always matches what the model outputs.
"""

from __future__ import annotations

from typing import Any


def cross_entropy(num_classes: int, from_logits: bool = True, label_smoothing: float = 0.0) -> Any:
    """Build categorical cross-entropy for integer labels, with optional label smoothing.

    With ``label_smoothing = e`` the target is ``(1 - e) * one_hot + e / num_classes``.
    """
    import keras

    if not 0 <= label_smoothing < 1:
        raise ValueError(f"label_smoothing must lie in [0, 1), got {label_smoothing}")
    if label_smoothing == 0:
        return keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    from zoo_core.keras_losses import SmoothedCrossEntropy

    return SmoothedCrossEntropy(num_classes=num_classes, from_logits=from_logits, label_smoothing=label_smoothing)


def mean_squared_error(num_classes: int, from_logits: bool = True, average_classes: bool = False) -> Any:
    """Build the squared error between one-hot targets and the predicted probabilities.

    Per sample, the squares are summed over the classes, as in the classic quadratic cost, or
    averaged with ``average_classes``. The loss is the mean over the samples of a batch.
    """
    from zoo_core.keras_losses import OneHotSquaredError

    return OneHotSquaredError(num_classes=num_classes, from_logits=from_logits, average_classes=average_classes)


def focal(num_classes: int, from_logits: bool = True, gamma: float = 2.0, alpha: float = 1.0) -> Any:
    """Build the focal loss ``-alpha * (1 - p_t) ** gamma * log(p_t)`` for imbalanced classes."""
    from zoo_core.keras_losses import FocalLoss

    if gamma < 0:
        raise ValueError(f"gamma must be at least 0, got {gamma}")
    if not alpha > 0:
        raise ValueError(f"alpha must be positive, got {alpha}")
    return FocalLoss(num_classes=num_classes, from_logits=from_logits, gamma=gamma, alpha=alpha)

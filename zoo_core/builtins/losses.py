"""Factories of the built-in losses; the Keras classes live in :mod:`zoo_core.keras_objects`."""

from __future__ import annotations

from typing import Any


def cross_entropy(from_logits: bool = True) -> Any:
    """Build categorical cross-entropy for integer labels."""
    import keras

    return keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)


def mean_squared_error(num_classes: int, from_logits: bool = True) -> Any:
    """Build the mean squared error between one-hot targets and the predicted probabilities."""
    from zoo_core.keras_objects import OneHotMeanSquaredError

    return OneHotMeanSquaredError(num_classes=num_classes, from_logits=from_logits)

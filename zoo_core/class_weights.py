"""Class weights for the training loss, and the warning about an imbalanced training split.

``[training] class_weight`` is ``None`` (every class weighs 1), ``"balanced"``, a list with one
weight per class in class order, or a table that maps class names to weights (classes left out
weigh 1). ``"balanced"`` uses scikit-learn's formula ``n_samples / (n_classes * count)``, computed
on the training split, so the weighted classes contribute equally to the loss.
"""

from __future__ import annotations

import logging
import math
from typing import Any, Mapping, Sequence

import numpy as np

from zoo_core.errors import ConfigError

logger = logging.getLogger(__name__)

#: The training split counts as strongly imbalanced when its largest class has at least this many
#: times the samples of its smallest class.
IMBALANCE_RATIO = 3.0


def check_class_weight_setting(setting: Any) -> None:
    """Check the form of ``[training] class_weight`` before the class names are known.

    Raises ConfigError for anything but None, "balanced", a list of numbers or a table of numbers,
    and for weights that are negative or not finite.
    """
    if setting is None or setting == "balanced":
        return
    if isinstance(setting, Mapping):
        values = list(setting.values())
    elif isinstance(setting, (list, tuple)):
        values = list(setting)
    else:
        raise ConfigError(
            f"invalid training.class_weight {setting!r}",
            'use "balanced", a list with one weight per class, or a table of class name = weight',
        )
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ConfigError(
                f"invalid weight {value!r} in training.class_weight",
                "give every class weight as a finite number of at least 0",
            )


def resolve_class_weights(setting: Any, labels: np.ndarray, class_names: Sequence[str]) -> dict[int, float] | None:
    """Return the weight of each class index for ``setting``, or None when no weighting applies.

    ``labels`` are the training split's labels. Raises ConfigError when a list has the wrong
    length or a table names an unknown class.
    """
    check_class_weight_setting(setting)
    num_classes = len(class_names)
    if setting is None:
        return None
    if setting == "balanced":
        return balanced_class_weights(labels, num_classes)
    if isinstance(setting, Mapping):
        unknown = sorted(set(setting) - set(class_names))
        if unknown:
            raise ConfigError(
                f"training.class_weight names unknown classes: {', '.join(map(str, unknown))}",
                f"the classes are: {', '.join(class_names)}",
            )
        return {i: float(setting.get(name, 1.0)) for i, name in enumerate(class_names)}
    if len(setting) != num_classes:
        raise ConfigError(
            f"training.class_weight has {len(setting)} weights for {num_classes} classes",
            f"give one weight per class, in the order {', '.join(class_names)}",
        )
    return {i: float(weight) for i, weight in enumerate(setting)}


def balanced_class_weights(labels: np.ndarray, num_classes: int) -> dict[int, float]:
    """Return ``n_samples / (n_classes_present * count)`` per class, as scikit-learn's "balanced".

    Classes absent from ``labels`` get weight 1; they never reach the loss during training.
    """
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=num_classes)
    present = int(np.count_nonzero(counts))
    weights = {}
    for index, count in enumerate(counts):
        weights[index] = float(len(labels) / (present * count)) if count else 1.0
    return weights


def warn_if_imbalanced(labels: np.ndarray, class_names: Sequence[str], ratio: float = IMBALANCE_RATIO,
                       suggest_weights: bool = True) -> bool:
    """Log a warning with the class counts when the training split is strongly imbalanced.

    With ``suggest_weights`` false (class weights are already balanced), the warning does not
    suggest ``training.class_weight=balanced``.

    Returns whether it warned: when the largest class has at least ``ratio`` times the samples of
    the smallest, or when a class has no training samples at all.
    """
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(class_names))
    if counts.size == 0 or counts.max() == 0:
        return False
    smallest = int(counts.min())
    if smallest and counts.max() / smallest < ratio:
        return False
    listing = ", ".join(f"{name}: {int(count)}" for name, count in zip(class_names, counts))
    advice = "; consider --set training.class_weight=balanced" if suggest_weights else ""
    logger.warning(
        "the training split is imbalanced (largest class %d samples, smallest %d): %s%s",
        int(counts.max()), smallest, listing, advice,
    )
    return True

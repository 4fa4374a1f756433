"""Checks on a built dataset and its splits that must pass before a model is built and trained."""

from __future__ import annotations

import numpy as np

from zoo_core.data import Dataset
from zoo_core.errors import DataError


def check_class_count(dataset: Dataset) -> None:
    """Raise DataError when ``dataset`` has fewer than two classes, since a classifier needs two."""
    if dataset.num_classes >= 2:
        return
    found = ", ".join(repr(name) for name in dataset.class_names) or "none"
    raise DataError(
        f"dataset {dataset.name!r} has {dataset.num_classes} class(es) ({found}); a classifier needs at least 2",
        "add images of at least one more class (for an image folder, one sub-folder per class)",
    )


def check_training_classes(dataset: Dataset, train: np.ndarray) -> None:
    """Raise DataError when a class of ``dataset`` has no sample in the training split ``train``."""
    counts = np.bincount(dataset.labels[train], minlength=dataset.num_classes)
    missing = [name for name, count in zip(dataset.class_names, counts) if count == 0]
    if not missing:
        return
    raise DataError(
        f"dataset {dataset.name!r}: class(es) {', '.join(repr(name) for name in missing)} have no training "
        "samples, so the model could never learn them",
        "add images of those classes, or lower --set training.validation_fraction=... and "
        "training.test_fraction=... so that more samples stay in the training split",
    )

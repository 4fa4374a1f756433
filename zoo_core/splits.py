"""Reproducible train, validation and test splits drawn from a seed."""

from __future__ import annotations

import logging

import numpy as np

from zoo_core.data import Dataset
from zoo_core.errors import DataError

logger = logging.getLogger(__name__)


def make_splits(
    dataset: Dataset,
    seed: int,
    validation_fraction: float,
    test_fraction: float,
) -> dict[str, np.ndarray]:
    """Return sample indices for ``train``, ``validation`` and ``test``.

    Splits the dataset came with are kept as they are. A missing test split is drawn from the
    samples not yet assigned, then a missing validation split from what remains for training.
    Draws are stratified by class where every class has enough samples, and depend only on the
    seed. The returned splits are disjoint; ``test`` may be empty when ``test_fraction`` is 0.
    """
    splits = {name: np.asarray(indices, dtype=np.int64) for name, indices in dataset.splits.items()}
    everything = np.arange(len(dataset.labels))
    rng_seed = seed

    if "train" not in splits:
        assigned = np.concatenate([v for v in splits.values()]) if splits else np.array([], dtype=np.int64)
        pool = np.setdiff1d(everything, assigned)
        share = validation_fraction
        if "test" not in splits:
            pool, splits["test"] = _draw(dataset.labels, pool, test_fraction, rng_seed)
            # Both fractions are of the whole pool, so the validation share of what is left grows.
            share = validation_fraction / (1.0 - test_fraction)
        if "validation" not in splits:
            pool, splits["validation"] = _draw(dataset.labels, pool, share, rng_seed + 1)
        splits["train"] = pool
    elif "validation" not in splits:
        splits["train"], splits["validation"] = _draw(dataset.labels, splits["train"], validation_fraction, rng_seed + 1)
    splits.setdefault("test", np.array([], dtype=np.int64))

    _check_disjoint(splits)
    if splits["train"].size == 0:
        raise DataError(
            f"dataset {dataset.name!r}: the training split is empty",
            "lower training.validation_fraction and training.test_fraction, or add samples",
        )
    for name, indices in splits.items():
        logger.info("split %s: %d samples", name, indices.size)
    return {name: np.sort(splits[name]) for name in ("train", "validation", "test")}


def _draw(labels: np.ndarray, pool: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split ``pool`` into (rest, drawn) with ``fraction`` of it drawn, stratified when possible."""
    count = int(round(fraction * pool.size))
    if count == 0 or pool.size == 0:
        return pool, np.array([], dtype=np.int64)
    from sklearn.model_selection import train_test_split

    pool_labels = labels[pool]
    _, class_counts = np.unique(pool_labels, return_counts=True)
    classes = class_counts.size
    stratify = pool_labels if class_counts.min() >= 2 and classes <= count <= pool.size - classes else None
    if stratify is None:
        logger.warning("some classes have too few samples for a stratified split; drawing at random")
    rest, drawn = train_test_split(pool, test_size=count, random_state=seed, stratify=stratify)
    return np.asarray(rest, dtype=np.int64), np.asarray(drawn, dtype=np.int64)


def _check_disjoint(splits: dict[str, np.ndarray]) -> None:
    names = list(splits)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            overlap = np.intersect1d(splits[first], splits[second])
            if overlap.size:
                raise DataError(
                    f"splits {first!r} and {second!r} share {overlap.size} samples (first: {overlap[0]})",
                    "check the split folders or split files of the dataset",
                )

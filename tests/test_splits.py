"""Reproducible, stratified, disjoint splits."""

from __future__ import annotations

import numpy as np
import pytest

from zoo_core.data import ArraySource, Dataset
from zoo_core.errors import DataError
from zoo_core.splits import make_splits


def _dataset(labels: list[int], splits: dict | None = None) -> Dataset:
    images = np.zeros((len(labels), 4, 4, 1), dtype=np.float32)
    return Dataset("toy", ["a", "b", "c"], (4, 4, 1), np.array(labels), ArraySource(images), splits=splits or {})


def test_splits_are_disjoint_cover_everything_and_stratified() -> None:
    labels = [0] * 100 + [1] * 60 + [2] * 40
    splits = make_splits(_dataset(labels), seed=0, validation_fraction=0.15, test_fraction=0.15)
    joined = np.concatenate(list(splits.values()))
    assert sorted(joined.tolist()) == list(range(200))
    assert splits["test"].size == 30
    assert splits["validation"].size == 30
    test_counts = np.bincount(np.array(labels)[splits["test"]], minlength=3)
    assert test_counts.tolist() == [15, 9, 6]


def test_same_seed_same_splits_other_seed_differs() -> None:
    labels = [0, 1, 2] * 40
    first = make_splits(_dataset(labels), 3, 0.2, 0.2)
    again = make_splits(_dataset(labels), 3, 0.2, 0.2)
    other = make_splits(_dataset(labels), 4, 0.2, 0.2)
    for name in first:
        assert np.array_equal(first[name], again[name])
    assert not np.array_equal(first["test"], other["test"])


def test_predefined_test_split_is_kept() -> None:
    labels = [0, 1, 2] * 20
    predefined = {"test": np.arange(50, 60)}
    splits = make_splits(_dataset(labels, predefined), 0, 0.25, 0.15)
    assert splits["test"].tolist() == list(range(50, 60))
    assert np.intersect1d(splits["train"], splits["test"]).size == 0
    assert splits["validation"].size == round(0.25 * 50)


def test_overlapping_predefined_splits_are_rejected() -> None:
    labels = [0, 1, 2] * 10
    with pytest.raises(DataError, match="share"):
        make_splits(_dataset(labels, {"train": np.arange(0, 20), "test": np.arange(15, 30)}), 0, 0.1, 0.1)

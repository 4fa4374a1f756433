"""The dataset contract: what a dataset factory returns, and how samples become ``tf.data``.

A dataset factory returns a :class:`Dataset`: every sample's label and identifier, a
:class:`SampleSource` that yields the images, and optionally the splits that the data came with.
The runner draws any split that is missing from the seed (see :mod:`zoo_core.splits`).
Images enter the model in their stored value range (``value_range``, 0 to 255 for 8-bit files).
The model's first layer rescales them, so the saved model accepts raw pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, Sequence

import numpy as np

if TYPE_CHECKING:
    import tensorflow as tf

SPLITS: tuple[str, ...] = ("train", "validation", "test")


class SampleSource(Protocol):
    """The source of a dataset's images: memory, files, or anything that feeds ``tf.data``."""

    def tf_dataset(self, indices: np.ndarray) -> "tf.data.Dataset":
        """Return the images at ``indices``, in that order, as float32 tensors of one sample each."""
        ...


@dataclass
class ArraySource:
    """Images held in memory as one array of shape (N, height, width, channels)."""

    images: np.ndarray

    def tf_dataset(self, indices: np.ndarray) -> "tf.data.Dataset":
        """Return the selected images as a ``tf.data.Dataset`` of float32 tensors."""
        import tensorflow as tf

        return tf.data.Dataset.from_tensor_slices(self.images[indices].astype(np.float32))


@dataclass
class Dataset:
    """Labelled images, with the facts the runner and the saved model need."""

    name: str
    class_names: list[str]
    input_shape: tuple[int, int, int]
    labels: np.ndarray
    source: SampleSource
    value_range: tuple[float, float] = (0.0, 255.0)
    ids: Sequence[str] | None = None
    #: Split name to sample indices, for data that comes already split; others are drawn.
    splits: dict[str, np.ndarray] = field(default_factory=dict)
    #: Facts worth recording in the run directory (files skipped, source path...).
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.labels = np.asarray(self.labels, dtype=np.int64)
        if self.labels.ndim != 1:
            raise ValueError(f"dataset {self.name!r}: labels must be one-dimensional, got shape {self.labels.shape}")
        if len(self.input_shape) != 3:
            raise ValueError(f"dataset {self.name!r}: input_shape must be (height, width, channels), got {self.input_shape}")
        if self.labels.size and (self.labels.min() < 0 or self.labels.max() >= len(self.class_names)):
            raise ValueError(
                f"dataset {self.name!r}: labels must lie in 0..{len(self.class_names) - 1}, "
                f"found {self.labels.min()}..{self.labels.max()}"
            )
        if self.ids is not None and len(self.ids) != len(self.labels):
            raise ValueError(f"dataset {self.name!r}: {len(self.ids)} ids for {len(self.labels)} labels")

    @property
    def num_classes(self) -> int:
        """Number of classes, including any with no samples."""
        return len(self.class_names)

    def sample_ids(self) -> list[str]:
        """Return an identifier per sample: the given ids, or the sample's index."""
        if self.ids is not None:
            return [str(i) for i in self.ids]
        return [str(i) for i in range(len(self.labels))]

    def tf_dataset(self, indices: np.ndarray) -> "tf.data.Dataset":
        """Return ``(image, label)`` pairs for ``indices`` as an unbatched ``tf.data.Dataset``."""
        import tensorflow as tf

        labels = tf.data.Dataset.from_tensor_slices(self.labels[indices].astype(np.int32))
        return tf.data.Dataset.zip((self.source.tf_dataset(indices), labels))

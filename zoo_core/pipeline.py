"""``tf.data`` input pipelines for training and inference."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from zoo_core.data import Dataset

INFERENCE_BATCH_SIZE = 256


def training_pipeline(
    dataset: Dataset,
    indices: np.ndarray,
    batch_size: int,
    seed: int,
    augment: Callable[[Any], Any] | None = None,
    cache: bool = True,
) -> Any:
    """Return shuffled, batched ``(images, labels)`` for training, with ``augment`` on each batch.

    The samples are cached after decoding, reshuffled every epoch from ``seed``, and prefetched.
    """
    import tensorflow as tf

    data = dataset.tf_dataset(indices)
    if cache:
        data = data.cache()
    data = data.shuffle(max(1, indices.size), seed=seed, reshuffle_each_iteration=True)
    data = data.batch(batch_size)
    if augment is not None:
        data = data.map(lambda images, labels: (augment(images), labels), num_parallel_calls=tf.data.AUTOTUNE)
    return data.prefetch(tf.data.AUTOTUNE)


def inference_pipeline(dataset: Dataset, indices: np.ndarray, batch_size: int = INFERENCE_BATCH_SIZE) -> Any:
    """Return the images at ``indices`` in order, batched and prefetched, without labels."""
    import tensorflow as tf

    images = dataset.tf_dataset(indices).map(lambda image, label: image)
    return images.batch(batch_size).prefetch(tf.data.AUTOTUNE)

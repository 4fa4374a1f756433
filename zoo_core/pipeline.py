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

    The samples are cached after decoding (unless the source sets ``cache_in_memory = False``),
    reshuffled every epoch from ``seed``, and prefetched.
    """
    import tensorflow as tf

    data = dataset.tf_dataset(indices)
    if cache and getattr(dataset.source, "cache_in_memory", True):
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


def epoch_seed(seed: int, epoch: int) -> int:
    """Return the shuffle seed of ``epoch`` (from 0), derived from the run's ``seed``."""
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0] & 0x7FFFFFFF)


def epochs_pipeline(
    dataset: Dataset,
    indices: np.ndarray,
    batch_size: int,
    seed: int,
    first_epoch: int,
    epochs: int,
    augment: Callable[[Any], Any] | None = None,
) -> tuple[Any, int]:
    """Return the training batches of epochs ``first_epoch`` to ``epochs - 1`` and the steps per epoch.

    Each epoch's order depends only on ``seed`` and the epoch number, never on how many epochs
    this process has already run, so a resumed run gets the same batches as an uninterrupted one.
    The decoded samples are cached once and shared by every epoch, unless the source sets
    ``cache_in_memory = False``. ``augment`` runs on each batch.
    Pass the steps to ``Model.fit(steps_per_epoch=...)``: the batches of all epochs form one stream.
    """
    import tensorflow as tf

    size = int(indices.size)
    steps = -(-size // batch_size)
    cached = dataset.tf_dataset(indices)
    if getattr(dataset.source, "cache_in_memory", True):
        cached = cached.cache()
    per_epoch = [cached.shuffle(max(1, size), seed=epoch_seed(seed, epoch), reshuffle_each_iteration=False)
                 .batch(batch_size) for epoch in range(first_epoch, epochs)]
    # One input per epoch, chosen in turn: a flat alternative to a chain of concatenations.
    order = tf.data.Dataset.range(len(per_epoch)).flat_map(
        lambda position: tf.data.Dataset.from_tensors(position).repeat(steps))
    stream = tf.data.Dataset.choose_from_datasets(per_epoch, order, stop_on_empty_dataset=True)
    if augment is not None:
        # NOTE: a resumed run repeats the augmentation exactly only when ``augment`` is a pure
        # function of its seed and the batch, as the zoo-augment sets are. An augmentation with
        # hidden random state restarts that state on resume.
        stream = stream.map(lambda images, labels: (augment(images), labels), num_parallel_calls=tf.data.AUTOTUNE,
                            deterministic=True)
    options = tf.data.Options()
    # Sharding by sample works for in-memory and file sources alike under multi-worker training.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    options.deterministic = True
    return stream.with_options(options).prefetch(tf.data.AUTOTUNE), steps

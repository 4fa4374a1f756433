"""Traced TensorFlow graphs of the augmentation sets, shared by every seed of one configuration.

The runner builds a set once per epoch, each time with another seed. Tracing RandAugment took
0.7 to 0.9 s on the shared 2-CPU development machine, so every set is traced once per
configuration as a ``tf.function`` that takes the seed as a tensor, and each seed reuses it.

This module imports TensorFlow at import time, so only factories import it, inside their bodies.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Hashable

import tensorflow as tf

#: ``body(images, seed) -> images``, with ``seed`` an int64 scalar tensor.
Body = Callable[[tf.Tensor, tf.Tensor], tf.Tensor]

_GRAPHS: dict[Hashable, Any] = {}
_LOCK = threading.Lock()


def seeded_graph(key: Hashable, body: Body, image_shape: tuple[int | None, ...]) -> Any:
    """Return the ``tf.function`` of ``body`` for ``key`` and ``image_shape`` (H, W, C), made once.

    ``key`` must name the set and every parameter that ``body`` depends on, except the seed,
    because a later request with the same key reuses the first body. The function accepts
    batches of any size of images of ``image_shape``, so it is traced only once.
    """
    with _LOCK:
        graph = _GRAPHS.get((key, image_shape))
        if graph is None:
            signature = [tf.TensorSpec([None, *image_shape], tf.float32), tf.TensorSpec([], tf.int64)]
            graph = tf.function(body, input_signature=signature, autograph=False)
            _GRAPHS[(key, image_shape)] = graph
        return graph


def bind_seed(key: Hashable, body: Body, seed: int) -> Callable[[Any], Any]:
    """Return ``apply(images) -> images`` that runs the shared graph of ``key`` with ``seed``."""

    def apply(images: Any) -> Any:
        images = tf.convert_to_tensor(images, tf.float32)
        graph = seeded_graph(key, body, tuple(images.shape[1:]))
        return graph(images, tf.constant(seed, tf.int64))

    return apply

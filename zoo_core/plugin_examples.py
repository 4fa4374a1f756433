"""Example components that ``zoo plugins new`` writes, one per kind, with their test checks.

Each ``module`` is the text of the generated ``components.py``, a ``string.Template`` source
(``$${name}`` is the plugin name). Each factory imports TensorFlow or Keras inside its body.
"""

from __future__ import annotations

_ARCHITECTURE = '''\
"""The ${name} architecture: a small multilayer perceptron."""

from __future__ import annotations

from typing import Any


def build(input_shape: tuple[int, int, int], num_classes: int, units: int = 32) -> Any:
    """Build flatten, one hidden ReLU layer of ``units``, and one logit per class."""
    import keras

    if units < 1:
        raise ValueError(f"units must be at least 1, got {units}")
    height, width = input_shape[0], input_shape[1]
    if height < 1 or width < 1:
        raise ValueError(f"input images must be at least 1x1 pixels, got {height}x{width}")
    inputs = keras.Input(shape=input_shape)
    hidden = keras.layers.Flatten()(inputs)
    hidden = keras.layers.Dense(units, activation="relu")(hidden)
    outputs = keras.layers.Dense(num_classes)(hidden)
    return keras.Model(inputs, outputs, name="${name}")
'''

_DATASET = '''\
"""The ${name} dataset: generated images of horizontal or vertical stripes."""

from __future__ import annotations

from zoo_core.data import ArraySource, Dataset


def build(seed: int = 0, num_samples: int = 200, image_size: int = 8) -> Dataset:
    """Generate 8-bit grayscale images whose class is the direction of their stripes."""
    import numpy as np

    if num_samples < 2 or image_size < 2:
        raise ValueError(f"need num_samples >= 2 and image_size >= 2, got {num_samples}, {image_size}")
    rng = np.random.default_rng(seed)
    labels = np.arange(num_samples) % 2
    images = rng.uniform(0, 64, size=(num_samples, image_size, image_size, 1))
    images[labels == 0, ::2, :, 0] += 128
    images[labels == 1, :, ::2, 0] += 128
    return Dataset(
        name="${name}",
        class_names=["horizontal", "vertical"],
        input_shape=(image_size, image_size, 1),
        labels=labels,
        source=ArraySource(images.astype(np.float32)),
        value_range=(0.0, 255.0),
    )
'''

_AUGMENTATION = '''\
"""The ${name} augmentation: a random brightness shift per image."""

from __future__ import annotations

from typing import Any, Callable


def build(value_range: tuple[float, float], seed: int = 0, max_delta: float = 0.1) -> Callable[[Any], Any]:
    """Build a function that shifts each image of a batch by up to ``max_delta`` of the value range."""
    import tensorflow as tf

    if not 0 <= max_delta <= 1:
        raise ValueError(f"max_delta must lie between 0 and 1, got {max_delta}")
    low, high = float(value_range[0]), float(value_range[1])
    span = (high - low) * max_delta

    def apply(images: Any) -> Any:
        shift = tf.random.uniform([tf.shape(images)[0], 1, 1, 1], -span, span, seed=seed)
        return tf.clip_by_value(images + shift, low, high)

    return apply
'''

_OPTIMIZER = '''\
"""The ${name} optimizer: SGD with momentum and a default learning rate of its own."""

from __future__ import annotations

from typing import Any


def build(learning_rate: float | None = None, momentum: float = 0.9) -> Any:
    """Build SGD with ``momentum``; without a learning rate from the run, use 0.01."""
    import keras

    return keras.optimizers.SGD(learning_rate=0.01 if learning_rate is None else learning_rate, momentum=momentum)
'''

_LOSS = '''\
"""The ${name} loss: cross-entropy on integer labels that can ignore one class."""

from __future__ import annotations

from typing import Any


def build(num_classes: int, from_logits: bool = True, ignore_class: int | None = None) -> Any:
    """Build sparse categorical cross-entropy; samples of ``ignore_class`` add nothing."""
    import keras

    if ignore_class is not None and not 0 <= ignore_class < num_classes:
        raise ValueError(f"ignore_class must lie in 0..{num_classes - 1}, got {ignore_class}")
    return keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits, ignore_class=ignore_class)
'''

_METRIC = '''\
"""The ${name} metric: top-k accuracy over a whole split."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from zoo_core.metrics import Metric


@dataclass
class TopKAccuracy(Metric):
    """Fraction of samples whose true class is among the ``k`` most probable ones."""

    k: int = 2

    def compute(self, y_true: np.ndarray, y_prob: np.ndarray) -> float:
        """Return the top-k accuracy of labels ``y_true`` (N,) for probabilities ``y_prob`` (N, C)."""
        top = np.argsort(-y_prob, axis=1)[:, : self.k]
        return float(np.mean(np.any(top == np.asarray(y_true)[:, None], axis=1)))


def build(num_classes: int, k: int = 2) -> Metric:
    """Build top-``k`` accuracy; ``k`` is capped at the number of classes."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return TopKAccuracy("${name}", num_classes, k=min(k, num_classes))
'''

_SCHEDULE = '''\
"""The ${name} schedule: step-wise exponential decay, once per epoch."""

from __future__ import annotations

from typing import Any


def build(learning_rate: float, steps_per_epoch: int, decay_rate: float = 0.9) -> Any:
    """Build a schedule that multiplies the rate by ``decay_rate`` at the end of every epoch."""
    import keras

    if not 0 < decay_rate <= 1:
        raise ValueError(f"decay_rate must lie in (0, 1], got {decay_rate}")
    return keras.optimizers.schedules.ExponentialDecay(
        learning_rate, decay_steps=max(1, steps_per_epoch), decay_rate=decay_rate, staircase=True
    )
'''

#: Per kind: the registration hook, a summary, the context arguments a test passes, the module.
EXAMPLES: dict[str, dict[str, str]] = {
    "dataset": {"hook": "zoo_register_datasets", "summary": "generated images of horizontal or vertical stripes",
                "context": "seed=0", "module": _DATASET},
    "augmentation": {"hook": "zoo_register_augmentations", "summary": "a random brightness shift per image",
                     "context": "value_range=(0.0, 255.0), seed=0", "module": _AUGMENTATION},
    "architecture": {"hook": "zoo_register_architectures", "summary": "a small multilayer perceptron",
                     "context": "input_shape=(8, 8, 1), num_classes=3", "module": _ARCHITECTURE},
    "optimizer": {"hook": "zoo_register_optimizers", "summary": "SGD with momentum",
                  "context": "learning_rate=None", "module": _OPTIMIZER},
    "loss": {"hook": "zoo_register_losses", "summary": "cross-entropy that can ignore one class",
             "context": "num_classes=3, from_logits=True", "module": _LOSS},
    "metric": {"hook": "zoo_register_metrics", "summary": "top-k accuracy over a whole split",
               "context": "num_classes=3, class_names=['a', 'b', 'c']", "module": _METRIC},
    "schedule": {"hook": "zoo_register_schedules", "summary": "step-wise exponential decay, once per epoch",
                 "context": "learning_rate=0.01, steps_per_epoch=10, epochs=3", "module": _SCHEDULE},
}

#: Per kind: the body of ``test_component_builds`` after ``built`` is made, indented four spaces.
TEST_CHECKS: dict[str, str] = {
    "dataset": '''\
    import numpy as np

    images = list(built.tf_dataset(np.arange(4)).as_numpy_iterator())
    assert len(images) == 4
    assert images[0][0].shape == built.input_shape
    assert set(built.labels.tolist()) == set(range(len(built.class_names)))''',
    "augmentation": '''\
    import numpy as np

    images = np.full((2, 8, 8, 1), 100.0, dtype=np.float32)
    augmented = np.asarray(built(images))
    assert augmented.shape == images.shape
    assert augmented.min() >= 0.0
    assert augmented.max() <= 255.0''',
    "architecture": '''\
    import numpy as np

    images = np.random.default_rng(0).uniform(size=(4, 8, 8, 1)).astype("float32")
    assert tuple(built(images).shape) == (4, 3)''',
    "optimizer": '''\
    import keras

    assert isinstance(built, keras.optimizers.Optimizer)''',
    "loss": '''\
    import numpy as np

    value = float(built(np.array([0, 2]), np.array([[5.0, 0.0, 0.0], [0.0, 0.0, 5.0]])))
    assert 0.0 <= value < 0.1''',
    "metric": '''\
    import numpy as np

    probabilities = np.array([[0.6, 0.3, 0.1], [0.1, 0.2, 0.7], [0.5, 0.4, 0.1]])
    assert built.compute(np.array([1, 2, 2]), probabilities) == 2 / 3''',
    "schedule": '''\
    assert abs(float(built(9)) - 0.01) < 1e-9
    assert abs(float(built(10)) - 0.009) < 1e-9''',
}

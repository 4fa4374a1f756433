"""Keras layers and losses that saved models refer to; importing this module imports Keras.

They are registered under the package name ``zoo_core`` so that ``keras.saving.load_model``
finds them once this module is imported.
"""

from __future__ import annotations

from typing import Any, Sequence

import keras
from keras import ops

# Registers the losses of the built-in loss components, so saved models compiled with them load.
from zoo_core import keras_losses  # noqa: F401


@keras.saving.register_keras_serializable(package="zoo_core")
class Preprocess(keras.layers.Layer):
    """Rescale raw pixels from ``value_range`` to [0, 1], and carry what prediction needs.

    The layer's configuration, and so the saved ``.keras`` model, keeps the class names, the
    decoding settings of image files and whether the network outputs ``logits`` or
    ``probabilities``. The decoding settings are the ``channels``, ``image_size`` and
    ``interpolation`` given to :func:`zoo_core.imageio.load_image`, and are empty for data that
    is not decoded from files. ``architecture`` names the
    component that built the network (``id``, ``distribution``, ``version``), so that loading the
    model can name a plugin that is missing.
    """

    def __init__(self, value_range: Sequence[float] = (0.0, 255.0), class_names: Sequence[str] = (),
                 decoding: dict[str, Any] | None = None, outputs: str = "logits",
                 architecture: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        low, high = float(value_range[0]), float(value_range[1])
        if not high > low:
            raise ValueError(f"value_range must be (low, high) with high > low, got {value_range}")
        if outputs not in ("logits", "probabilities"):
            raise ValueError(f"outputs must be 'logits' or 'probabilities', got {outputs!r}")
        self.value_range = (low, high)
        self.class_names = [str(name) for name in class_names]
        self.decoding = dict(decoding or {})
        self.outputs = outputs
        self.architecture = dict(architecture or {})

    def call(self, inputs: Any) -> Any:
        low, high = self.value_range
        return (ops.cast(inputs, self.compute_dtype) - low) / (high - low)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"value_range": list(self.value_range), "class_names": list(self.class_names),
                       "decoding": dict(self.decoding), "outputs": self.outputs,
                       "architecture": dict(self.architecture)})
        return config


@keras.saving.register_keras_serializable(package="zoo_core")
class OneHotMeanSquaredError(keras.losses.Loss):
    """Mean squared error between one-hot targets and softmax probabilities (or given probabilities)."""

    def __init__(self, num_classes: int, from_logits: bool = True, name: str = "one_hot_mse", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.num_classes = int(num_classes)
        self.from_logits = bool(from_logits)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        labels = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        targets = ops.one_hot(labels, self.num_classes, dtype=y_pred.dtype)
        probabilities = ops.softmax(y_pred, axis=-1) if self.from_logits else y_pred
        return ops.mean(ops.square(targets - probabilities), axis=-1)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"num_classes": self.num_classes, "from_logits": self.from_logits})
        return config


def wrap_model(architecture: keras.Model, input_shape: Sequence[int], value_range: Sequence[float],
               class_names: Sequence[str], decoding: dict[str, Any] | None = None,
               outputs: str = "logits", architecture_source: dict[str, Any] | None = None) -> keras.Model:
    """Return a model that takes raw pixels, rescales them and applies ``architecture``."""
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    scaled = Preprocess(value_range=value_range, class_names=class_names, decoding=decoding, outputs=outputs,
                        architecture=architecture_source, name="preprocess")(inputs)
    outputs = architecture(scaled)
    return keras.Model(inputs, outputs, name=f"zoo_{architecture.name}")


def class_names_of(model: keras.Model) -> list[str]:
    """Return the class names stored in a zoo model's preprocessing layer."""
    return list(preprocess_layer_of(model).class_names)


def preprocess_layer_of(model: keras.Model) -> Preprocess:
    """Return a zoo model's :class:`Preprocess` layer; raise ValueError when it has none."""
    for layer in model.layers:
        if isinstance(layer, Preprocess):
            return layer
    raise ValueError(f"model {model.name!r} has no zoo_core Preprocess layer, so it carries no class names")

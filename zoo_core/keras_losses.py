"""Keras losses of the built-in loss components; importing this module imports Keras.

They are registered under the package name ``zoo_core`` so that a saved ``.keras`` model that
was compiled with them loads once :mod:`zoo_core.keras_objects` (which imports this module) is
imported. Every loss takes integer labels and adapts to models that output logits or
probabilities through ``from_logits``.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="zoo_core")
class SmoothedCrossEntropy(keras.losses.Loss):
    """Cross-entropy on integer labels with label smoothing.

    The target of a sample is ``(1 - label_smoothing) * one_hot + label_smoothing / num_classes``.
    """

    def __init__(self, num_classes: int, from_logits: bool = True, label_smoothing: float = 0.0,
                 name: str = "smoothed_cross_entropy", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.num_classes = int(num_classes)
        self.from_logits = bool(from_logits)
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        labels = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        targets = ops.one_hot(labels, self.num_classes, dtype=y_pred.dtype)
        return keras.losses.categorical_crossentropy(
            targets, y_pred, from_logits=self.from_logits, label_smoothing=self.label_smoothing
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"num_classes": self.num_classes, "from_logits": self.from_logits,
                       "label_smoothing": self.label_smoothing})
        return config


@keras.saving.register_keras_serializable(package="zoo_core")
class FocalLoss(keras.losses.Loss):
    """Multi-class focal loss (Lin et al., 2017): ``-alpha * (1 - p_t) ** gamma * log(p_t)``.

    ``p_t`` is the predicted probability of the true class. With ``gamma = 0`` and ``alpha = 1``
    this is cross-entropy; a larger ``gamma`` lowers the weight of well-classified samples.
    Probabilities given directly are clipped to [1e-7, 1] before the logarithm.
    """

    def __init__(self, num_classes: int, from_logits: bool = True, gamma: float = 2.0, alpha: float = 1.0,
                 name: str = "focal_loss", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.num_classes = int(num_classes)
        self.from_logits = bool(from_logits)
        self.gamma = float(gamma)
        self.alpha = float(alpha)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        labels = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        targets = ops.one_hot(labels, self.num_classes, dtype=y_pred.dtype)
        if self.from_logits:
            log_probabilities = ops.log_softmax(y_pred, axis=-1)
        else:
            log_probabilities = ops.log(ops.clip(y_pred, 1e-7, 1.0))
        log_true = ops.sum(targets * log_probabilities, axis=-1)
        modulation = ops.power(1.0 - ops.exp(log_true), self.gamma)
        return -self.alpha * modulation * log_true

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"num_classes": self.num_classes, "from_logits": self.from_logits,
                       "gamma": self.gamma, "alpha": self.alpha})
        return config


@keras.saving.register_keras_serializable(package="zoo_core")
class OneHotSquaredError(keras.losses.Loss):
    """Squared error between one-hot targets and class probabilities, per sample.

    By default the squares are summed over the classes: ``sum((one_hot - p) ** 2)``, the
    quadratic cost of the classic back-propagation texts and the multi-class Brier score. With
    ``average_classes`` they are averaged instead, as ``keras.losses.MeanSquaredError`` does on
    one-hot targets, which divides the gradient by the number of classes.
    """

    def __init__(self, num_classes: int, from_logits: bool = True, average_classes: bool = False,
                 name: str = "one_hot_squared_error", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.num_classes = int(num_classes)
        self.from_logits = bool(from_logits)
        self.average_classes = bool(average_classes)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        labels = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        targets = ops.one_hot(labels, self.num_classes, dtype=y_pred.dtype)
        probabilities = ops.softmax(y_pred, axis=-1) if self.from_logits else y_pred
        squares = ops.square(targets - probabilities)
        return ops.mean(squares, axis=-1) if self.average_classes else ops.sum(squares, axis=-1)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"num_classes": self.num_classes, "from_logits": self.from_logits,
                       "average_classes": self.average_classes})
        return config

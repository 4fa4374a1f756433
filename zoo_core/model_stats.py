"""Parameter and multiply-accumulate (MAC) counts of a built Keras model.

The counts follow the convention of published figures (VGG, ResNet, torchvision's model tables):
MACs are the multiply-adds of convolution and dense layers for one image, and
``flops = 2 * macs``. Bias additions, activations, normalisation layers (batch normalisation
folds into the preceding convolution at inference), pooling, padding and element-wise additions
count as zero.

Counted layers, where ``out`` is the number of output positions (the product of the output's
spatial sizes) and ``k`` the number of kernel taps (the product of the kernel sizes):

- ``Conv1D``/``Conv2D``/``Conv3D``: ``out * k * (in_channels / groups) * filters``; strides
  enter through ``out``.
- ``DepthwiseConv1D``/``DepthwiseConv2D``: ``out * k * in_channels * depth_multiplier``.
- ``SeparableConv1D``/``SeparableConv2D``: the depthwise part above plus a pointwise
  ``out * in_channels * depth_multiplier * filters``.
- ``Conv1DTranspose``/``Conv2DTranspose``/``Conv3DTranspose``: ``in * k * in_channels * filters``,
  where ``in`` is the number of input positions.
- ``Dense``: ``positions * in_features * units``, where ``positions`` is the product of the
  output's sizes between the batch and the last axis (1 for a flat input).

Any other layer that has weights counts as zero and is logged as a warning, so an undercount is
visible. Nested models are walked layer by layer. A layer that is called more than once (shared
weights) is counted for its first call only.
"""

from __future__ import annotations

import logging
import math
from typing import Any, Iterator

logger = logging.getLogger(__name__)


def model_stats(model: Any) -> dict[str, int]:
    """Count the parameters and the MACs of one forward pass of one image through ``model``.

    Returns ``params`` (trainable parameters, the figure papers quote), ``non_trainable_params``
    (batch-normalisation statistics and frozen weights), ``macs`` and ``flops`` (``2 * macs``).
    Raises ValueError when the model's input has an unknown height or width.
    """
    macs = sum(macs for _, macs in layer_macs(model))
    return {
        "params": _count_weights(model.trainable_weights),
        "non_trainable_params": _count_weights(model.non_trainable_weights),
        "macs": macs,
        "flops": 2 * macs,
    }


def layer_macs(model: Any) -> list[tuple[str, int]]:
    """Return ``(layer path, MACs)`` for every layer of ``model``, nested models flattened.

    The path joins the names of the enclosing models and the layer with ``/``.
    """
    uncounted: set[str] = set()
    counts = []
    for path, layer in _walk_layers(model, prefix=""):
        macs = _macs_of_layer(path, layer)
        if macs is None:
            if layer.weights:
                uncounted.add(type(layer).__name__)
            macs = 0
        counts.append((path, macs))
    if uncounted:
        logger.warning("model_stats: no MAC rule for the layer types %s; their MACs count as 0",
                       ", ".join(sorted(uncounted)))
    return counts


def _walk_layers(model: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    import keras

    for layer in model.layers:
        path = f"{prefix}{layer.name}"
        if isinstance(layer, keras.Model):
            yield from _walk_layers(layer, prefix=f"{path}/")
        else:
            yield path, layer


def _macs_of_layer(path: str, layer: Any) -> int | None:
    """Return the MACs of one call of ``layer``, or None when no rule covers its type."""
    import keras

    layers = keras.layers
    if isinstance(layer, (layers.SeparableConv1D, layers.SeparableConv2D)):
        in_channels, out_positions = _channels_and_positions(path, layer, layer.output)
        depthwise = out_positions * math.prod(layer.kernel_size) * in_channels * layer.depth_multiplier
        return depthwise + out_positions * in_channels * layer.depth_multiplier * layer.filters
    if isinstance(layer, (layers.DepthwiseConv1D, layers.DepthwiseConv2D)):
        in_channels, out_positions = _channels_and_positions(path, layer, layer.output)
        return out_positions * math.prod(layer.kernel_size) * in_channels * layer.depth_multiplier
    if isinstance(layer, (layers.Conv1DTranspose, layers.Conv2DTranspose, layers.Conv3DTranspose)):
        in_channels, in_positions = _channels_and_positions(path, layer, layer.input)
        return in_positions * math.prod(layer.kernel_size) * in_channels * layer.filters
    if isinstance(layer, (layers.Conv1D, layers.Conv2D, layers.Conv3D)):
        in_channels, out_positions = _channels_and_positions(path, layer, layer.output)
        return out_positions * math.prod(layer.kernel_size) * (in_channels // layer.groups) * layer.filters
    if isinstance(layer, layers.Dense):
        output_shape = tuple(layer.output.shape)
        in_features = int(layer.input.shape[-1])
        return _known_product(path, output_shape[1:-1]) * in_features * layer.units
    if isinstance(layer, (layers.BatchNormalization, layers.LayerNormalization, layers.GroupNormalization)):
        return 0
    return None


def _channels_and_positions(path: str, layer: Any, tensor: Any) -> tuple[int, int]:
    """Return the layer's input channels and the number of spatial positions of ``tensor``."""
    input_shape = tuple(layer.input.shape)
    shape = tuple(tensor.shape)
    if getattr(layer, "data_format", "channels_last") == "channels_first":
        return int(input_shape[1]), _known_product(path, shape[2:])
    return int(input_shape[-1]), _known_product(path, shape[1:-1])


def _known_product(path: str, sizes: tuple[Any, ...]) -> int:
    if any(size is None for size in sizes):
        raise ValueError(
            f"cannot count the MACs of layer {path!r}: its spatial shape {sizes} has unknown sizes; "
            "build the model for a fixed input shape such as (224, 224, 3)"
        )
    return math.prod(int(size) for size in sizes)


def _count_weights(weights: Any) -> int:
    return int(sum(math.prod(int(size) for size in weight.shape) for weight in weights))


def architecture_stats(component: Any, input_shape: tuple[int, int, int], num_classes: int,
                       params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the architecture ``component`` and return its :func:`model_stats` with the build inputs.

    ``component`` is a :class:`zoo_core.components.Component` of kind ``architecture``; ``params``
    are validated against its factory first. Raises ParameterError for an invalid parameter or
    an input the architecture cannot take.
    """
    from zoo_core.errors import ParameterError

    if component.kind != "architecture":
        raise ParameterError(
            f"{component.id!r} is of kind {component.kind}, and only architectures have parameter and FLOP counts",
            "drop --input-shape and --classes, or name an architecture (see `zoo list architecture`)",
        )
    model = component.build(dict(params or {}), input_shape=tuple(input_shape), num_classes=num_classes)
    return {"input_shape": list(input_shape), "num_classes": num_classes, **model_stats(model)}

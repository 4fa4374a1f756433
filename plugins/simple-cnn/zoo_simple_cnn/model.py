"""The simple-cnn builder: convolution and pooling blocks, then a dense head."""

from __future__ import annotations

from typing import Any, Literal, Sequence

from zoo_core.arch_args import check_input_shape, check_num_classes


def build_simple_cnn(
    input_shape: Sequence[int],
    num_classes: int,
    blocks: int = 2,
    filters: int = 32,
    kernel_size: int = 3,
    activation: Literal["relu", "tanh", "sigmoid"] = "relu",
    pooling: Literal["max", "average"] = "max",
    dropout: float = 0.25,
    dense_units: int = 128,
) -> Any:
    """Build an uncompiled network that outputs one logit per class.

    Block ``i`` (from 0) has two ``kernel_size`` convolutions with ``filters * 2**i`` filters and
    'same' padding, then 2x2 pooling. Pooling is skipped once the feature map is 1 pixel wide, so
    any input of at least 1x1 works. The head is flatten, dropout, a dense layer of
    ``dense_units`` with the same activation, dropout, and the linear output layer.
    """
    import keras

    _check(input_shape, num_classes, blocks, filters, kernel_size, dropout, dense_units)
    pool_layer = keras.layers.MaxPooling2D if pooling == "max" else keras.layers.AveragePooling2D
    inputs = keras.Input(shape=tuple(input_shape))
    x = inputs
    height, width = int(input_shape[0]), int(input_shape[1])
    for block in range(blocks):
        width_filters = filters * 2**block
        for conv in range(2):
            x = keras.layers.Conv2D(width_filters, kernel_size, padding="same", activation=activation,
                                    name=f"block{block + 1}_conv{conv + 1}")(x)
        if min(height, width) >= 2:
            x = pool_layer(pool_size=2, name=f"block{block + 1}_pool")(x)
            height, width = height // 2, width // 2
    x = keras.layers.Flatten(name="flatten")(x)
    if dropout > 0:
        x = keras.layers.Dropout(dropout, name="dropout1")(x)
    x = keras.layers.Dense(dense_units, activation=activation, name="dense")(x)
    if dropout > 0:
        x = keras.layers.Dropout(dropout, name="dropout2")(x)
    outputs = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name="simple_cnn")


def _check(input_shape: Sequence[int], num_classes: int, blocks: int, filters: int, kernel_size: int,
           dropout: float, dense_units: int) -> None:
    check_input_shape("simple-cnn", input_shape, min_size=(1, 1))
    check_num_classes("simple-cnn", num_classes)
    if blocks < 1:
        raise ValueError(f"blocks must be at least 1, got {blocks}")
    if filters < 1:
        raise ValueError(f"filters must be at least 1, got {filters}")
    if kernel_size < 1:
        raise ValueError(f"kernel_size must be at least 1, got {kernel_size}")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must lie in [0, 1), got {dropout}")
    if dense_units < 1:
        raise ValueError(f"dense_units must be at least 1, got {dense_units}")

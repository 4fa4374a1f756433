"""VGG networks: stages of 3x3 convolutions with 2x2 max pooling between them, then a dense head.

Reference: K. Simonyan and A. Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
Recognition", ICLR 2015 (configurations A, B, D and E are VGG-11, -13, -16 and -19). With the
published defaults (no batch normalisation, flatten, two dense layers of 4,096 units with dropout
0.5) and a 224x224x3 input with 1,000 classes, VGG-16 has 138,357,544 trainable parameters, the
count of torchvision's ``vgg16``.

Pooling halves the feature map with a 2x2 window and floor rounding, as in the paper. Along an
axis whose size is already 1 the window and stride become 1, and a stage whose map is 1x1 gets no
pooling layer, so every input of at least 1x1 pixels works, including 8x8 digits.
"""

from __future__ import annotations

from typing import Any, Literal, Sequence, get_args

from zoo_core.arch_args import check_input_shape, check_num_classes, scale_width

#: Convolution widths per stage; every stage ends with 2x2 max pooling.
LAYOUTS: dict[str, tuple[tuple[int, ...], ...]] = {
    "vgg11": ((64,), (128,), (256, 256), (512, 512), (512, 512)),
    "vgg13": ((64, 64), (128, 128), (256, 256), (512, 512), (512, 512)),
    "vgg16": ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)),
    "vgg19": ((64, 64), (128, 128), (256, 256, 256, 256), (512, 512, 512, 512), (512, 512, 512, 512)),
    # Three stages take a 64x64 input down to 8x8 and an 8x8 input down to 1x1.
    "vgg-small": ((32, 32), (64, 64), (128, 128)),
    "vgg-tiny": ((16,), (32,), (64,)),
}

#: The smallest height and width that every VGG layout accepts.
MIN_INPUT_SIZE: tuple[int, int] = (1, 1)

Activation = Literal["relu", "elu", "gelu", "swish", "leaky_relu", "tanh"]
Head = Literal["flatten", "avg", "max"]


def build_vgg(
    layout: str,
    input_shape: Sequence[int],
    num_classes: int,
    width: float,
    batch_norm: bool,
    activation: str,
    dropout: float,
    dense_units: int,
    dense_layers: int,
    head: str,
) -> Any:
    """Build an uncompiled VGG network of the named ``layout`` that outputs one logit per class.

    ``width`` multiplies every convolution's filter count (rounded, at least 1). With
    ``batch_norm`` each convolution drops its bias and is followed by batch normalisation.
    ``head`` turns the last feature map into a vector by flattening it or by global average or
    max pooling. Then come ``dense_layers`` dense layers of ``dense_units`` units, each followed
    by dropout, and the linear output layer. Raises ValueError for an invalid argument.
    """
    shape = _check_arguments(layout, input_shape, num_classes, width, dropout, dense_units, dense_layers)
    _check_choice("activation", activation, Activation)
    _check_choice("head", head, Head)
    import keras

    inputs = keras.Input(shape=shape)
    x = _features(inputs, LAYOUTS[layout], shape, width, batch_norm, activation)
    x = _head(x, head)
    for index in range(dense_layers):
        x = keras.layers.Dense(dense_units, activation=activation, name=f"fc{index + 1}")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"fc{index + 1}_dropout")(x)
    outputs = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=layout.replace("-", "_"))


def _features(x: Any, stages: tuple[tuple[int, ...], ...], shape: tuple[int, int, int], width: float,
              batch_norm: bool, activation: str) -> Any:
    """Apply the convolution stages and the pooling after each one."""
    import keras

    map_height, map_width = shape[0], shape[1]
    for stage, filters_list in enumerate(stages, start=1):
        for index, filters in enumerate(filters_list, start=1):
            name = f"stage{stage}_conv{index}"
            x = keras.layers.Conv2D(scale_width(filters, width), 3, padding="same", use_bias=not batch_norm,
                                    kernel_initializer="he_normal", name=name)(x)
            if batch_norm:
                x = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=f"{name}_bn")(x)
            x = keras.layers.Activation(activation, name=f"{name}_{activation}")(x)
        pool = (2 if map_height >= 2 else 1, 2 if map_width >= 2 else 1)
        if pool != (1, 1):
            x = keras.layers.MaxPooling2D(pool_size=pool, strides=pool, name=f"stage{stage}_pool")(x)
            map_height, map_width = map_height // pool[0], map_width // pool[1]
    return x


def _head(x: Any, head: str) -> Any:
    import keras

    if head == "flatten":
        return keras.layers.Flatten(name="flatten")(x)
    if head == "avg":
        return keras.layers.GlobalAveragePooling2D(name="global_avg_pool")(x)
    return keras.layers.GlobalMaxPooling2D(name="global_max_pool")(x)


def _check_choice(name: str, value: str, choices: Any) -> None:
    if value not in get_args(choices):
        raise ValueError(f"{name} must be one of {', '.join(get_args(choices))}, got {value!r}")


def _check_arguments(layout: str, input_shape: Sequence[int], num_classes: int, width: float, dropout: float,
                     dense_units: int, dense_layers: int) -> tuple[int, int, int]:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown VGG layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    shape = check_input_shape(layout, input_shape, MIN_INPUT_SIZE)
    check_num_classes(layout, num_classes)
    if not width > 0:
        raise ValueError(f"width must be a positive multiplier, got {width}")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must lie in [0, 1), got {dropout}")
    if dense_layers < 0:
        raise ValueError(f"dense_layers must be 0 or more, got {dense_layers}")
    if dense_layers > 0 and dense_units < 1:
        raise ValueError(f"dense_units must be at least 1 when dense_layers is {dense_layers}, got {dense_units}")
    return shape


def _published(layout: str) -> Any:
    """Return the factory of a published layout, with the paper's defaults."""

    def factory(
        input_shape: Sequence[int],
        num_classes: int,
        width: float = 1.0,
        batch_norm: bool = False,
        activation: Activation = "relu",
        dropout: float = 0.5,
        dense_units: int = 4096,
        dense_layers: int = 2,
        head: Head = "flatten",
    ) -> Any:
        return build_vgg(layout, input_shape, num_classes, width, batch_norm, activation, dropout,
                         dense_units, dense_layers, head)

    factory.__name__ = factory.__qualname__ = layout.replace("-", "_")
    factory.__doc__ = (f"Build {layout.upper().replace('VGG', 'VGG-')} (stages {LAYOUTS[layout]}) with the "
                       "published defaults; see :func:`build_vgg` for the parameters.")
    return factory


def _small(layout: str, dense_units: int) -> Any:
    """Return the factory of a small layout, with defaults that train well on 8x8 to 64x64 images."""

    def factory(
        input_shape: Sequence[int],
        num_classes: int,
        width: float = 1.0,
        batch_norm: bool = True,
        activation: Activation = "relu",
        dropout: float = 0.3,
        dense_units: int = dense_units,
        dense_layers: int = 1,
        head: Head = "avg",
    ) -> Any:
        return build_vgg(layout, input_shape, num_classes, width, batch_norm, activation, dropout,
                         dense_units, dense_layers, head)

    factory.__name__ = factory.__qualname__ = layout.replace("-", "_")
    factory.__doc__ = (f"Build {layout} (stages {LAYOUTS[layout]}) with batch normalisation and global "
                       "average pooling; see :func:`build_vgg` for the parameters.")
    return factory


vgg11 = _published("vgg11")
vgg13 = _published("vgg13")
vgg16 = _published("vgg16")
vgg19 = _published("vgg19")
vgg_small = _small("vgg-small", dense_units=128)
vgg_tiny = _small("vgg-tiny", dense_units=64)

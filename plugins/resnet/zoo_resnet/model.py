"""Residual networks: a stem, stages of residual blocks, global average pooling and a dense layer.

Reference: K. He, X. Zhang, S. Ren and J. Sun, "Deep Residual Learning for Image Recognition",
CVPR 2016. The CIFAR-style networks (section 4.2 of the paper) have a 3x3 stem and three stages of
``n`` basic blocks with 16, 32 and 64 filters, ``6n + 2`` layers in all. The ImageNet-style
networks have the 7x7 stride-2 stem with 3x3 max pooling and four stages with 64 to 512 filters.

Convolutions have no bias because batch normalisation follows each one, as in the reference
implementations, so ResNet-18 and ResNet-50 at 224x224x3 with 1,000 classes have 11,689,512 and
25,557,032 trainable parameters (the counts of torchvision's ``resnet18`` and ``resnet50``).
ResNet-50 strides in the 3x3 convolution of its bottleneck blocks, as torchvision's ``resnet50``
does ("ResNet V1.5", 4.09 G multiply-adds at 224x224x3). The paper strides in the first 1x1
convolution, which costs fewer multiply-adds for the same parameters.

Every convolution and pooling layer pads its input so that a stride-2 layer maps a size ``s`` to
``ceil(s / 2)`` and a 1x1 map stays 1x1: every input of at least 1x1 pixels works.

Shortcuts follow the paper's options A, B and C. Where a block changes the shape, ``zero-pad``
(A) subsamples the input and pads the new channels with zeros, with no parameters, and
``projection`` (B) uses a strided 1x1 convolution with batch normalisation. ``all-projection``
(C) projects in every block.
"""

from __future__ import annotations

from typing import Any, Literal, Sequence, get_args

from zoo_core.arch_args import check_input_shape, check_num_classes, scale_width

#: Blocks per stage, block type, and the filters of each stage's first convolution.
LAYOUTS: dict[str, tuple[tuple[int, ...], str, tuple[int, ...]]] = {
    "resnet20": ((3, 3, 3), "basic", (16, 32, 64)),
    "resnet32": ((5, 5, 5), "basic", (16, 32, 64)),
    "resnet44": ((7, 7, 7), "basic", (16, 32, 64)),
    "resnet56": ((9, 9, 9), "basic", (16, 32, 64)),
    "resnet18": ((2, 2, 2, 2), "basic", (64, 128, 256, 512)),
    "resnet34": ((3, 4, 6, 3), "basic", (64, 128, 256, 512)),
    "resnet50": ((3, 4, 6, 3), "bottleneck", (64, 128, 256, 512)),
}

#: A bottleneck block's output has this many times the filters of its inner convolutions.
BOTTLENECK_EXPANSION = 4

#: The smallest height and width that every ResNet layout accepts.
MIN_INPUT_SIZE: tuple[int, int] = (1, 1)

Activation = Literal["relu", "elu", "gelu", "swish", "leaky_relu", "tanh"]
Shortcut = Literal["zero-pad", "projection", "all-projection"]
Stem = Literal["small", "imagenet"]


def build_resnet(
    layout: str,
    input_shape: Sequence[int],
    num_classes: int,
    width: float,
    activation: str,
    shortcut: str,
    stem: str,
) -> Any:
    """Build an uncompiled residual network of the named ``layout`` that outputs one logit per class.

    ``width`` multiplies every filter count (rounded, at least 1). ``stem`` is ``small`` (one 3x3
    convolution, stride 1) or ``imagenet`` (a 7x7 stride-2 convolution and 3x3 stride-2 max
    pooling). The first stage keeps the stem's resolution and every later stage halves it.
    Raises ValueError for an invalid argument.
    """
    shape = _check_arguments(layout, input_shape, num_classes, width)
    for name, value, choices in (("activation", activation, Activation), ("shortcut", shortcut, Shortcut),
                                 ("stem", stem, Stem)):
        if value not in get_args(choices):
            raise ValueError(f"{name} must be one of {', '.join(get_args(choices))}, got {value!r}")
    import keras

    blocks, block_type, stage_filters = LAYOUTS[layout]
    inputs = keras.Input(shape=shape)
    x = _stem(inputs, stem, scale_width(stage_filters[0], width), activation)
    for stage, (count, filters) in enumerate(zip(blocks, stage_filters), start=1):
        for index in range(count):
            strides = 2 if stage > 1 and index == 0 else 1
            block = _basic_block if block_type == "basic" else _bottleneck_block
            x = block(x, scale_width(filters, width), strides, activation, shortcut, f"stage{stage}_block{index + 1}")
    x = keras.layers.GlobalAveragePooling2D(name="global_avg_pool")(x)
    outputs = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=layout)


def _stem(x: Any, stem: str, filters: int, activation: str) -> Any:
    import keras

    if stem == "imagenet":
        x = _conv_bn(x, filters, 7, 2, "stem")
        x = keras.layers.Activation(activation, name=f"stem_{activation}")(x)
        return keras.layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)
    x = _conv_bn(x, filters, 3, 1, "stem")
    return keras.layers.Activation(activation, name=f"stem_{activation}")(x)


def _conv_bn(x: Any, filters: int, kernel_size: int, strides: int, name: str) -> Any:
    """Apply a bias-free convolution and batch normalisation (PyTorch's epsilon and momentum).

    A strided convolution pads ``kernel_size // 2`` pixels on every side, as the reference
    implementations do, instead of Keras's 'same' padding, which pads an even-sized input only
    after it. The output size is ``ceil(s / 2)`` either way, but the symmetric padding centres the
    kernels on the even rows and columns that the shortcut keeps.
    """
    import keras

    padding = "same"
    if strides > 1:
        if kernel_size > 1:
            x = keras.layers.ZeroPadding2D(kernel_size // 2, name=f"{name}_pad")(x)
        padding = "valid"
    x = keras.layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=False,
                            kernel_initializer="he_normal", name=f"{name}_conv")(x)
    return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=f"{name}_bn")(x)


def _basic_block(x: Any, filters: int, strides: int, activation: str, shortcut: str, name: str) -> Any:
    """Two 3x3 convolutions, the first one strided, and the shortcut added before the activation."""
    import keras

    residual = _conv_bn(x, filters, 3, strides, f"{name}_1")
    residual = keras.layers.Activation(activation, name=f"{name}_1_{activation}")(residual)
    residual = _conv_bn(residual, filters, 3, 1, f"{name}_2")
    x = keras.layers.Add(name=f"{name}_add")([_shortcut(x, filters, strides, shortcut, name), residual])
    return keras.layers.Activation(activation, name=f"{name}_out_{activation}")(x)


def _bottleneck_block(x: Any, filters: int, strides: int, activation: str, shortcut: str, name: str) -> Any:
    """1x1 reduction, strided 3x3 and 1x1 expansion to ``4 * filters``, plus the shortcut."""
    import keras

    residual = _conv_bn(x, filters, 1, 1, f"{name}_1")
    residual = keras.layers.Activation(activation, name=f"{name}_1_{activation}")(residual)
    residual = _conv_bn(residual, filters, 3, strides, f"{name}_2")
    residual = keras.layers.Activation(activation, name=f"{name}_2_{activation}")(residual)
    out_filters = filters * BOTTLENECK_EXPANSION
    residual = _conv_bn(residual, out_filters, 1, 1, f"{name}_3")
    x = keras.layers.Add(name=f"{name}_add")([_shortcut(x, out_filters, strides, shortcut, name), residual])
    return keras.layers.Activation(activation, name=f"{name}_out_{activation}")(x)


def _shortcut(x: Any, filters: int, strides: int, shortcut: str, name: str) -> Any:
    """Return the block's shortcut branch, shaped like its residual branch."""
    import keras

    in_filters = int(x.shape[-1])
    reshaped = strides != 1 or in_filters != filters
    if shortcut == "all-projection" or (shortcut == "projection" and reshaped):
        return _conv_bn(x, filters, 1, strides, f"{name}_shortcut")
    if not reshaped:
        return x
    if strides != 1:
        # A 1x1 window with stride 2 keeps every second row and column, like a strided slice,
        # and with 'same' padding it gives the ceil(s / 2) size of the residual branch.
        x = keras.layers.MaxPooling2D(1, strides=strides, padding="same", name=f"{name}_shortcut_subsample")(x)
    if filters > in_filters:
        x = _pad_channels(x, filters - in_filters, f"{name}_shortcut")
    elif filters < in_filters:
        raise ValueError(f"the zero-pad shortcut cannot reduce {in_filters} channels to {filters}; use 'projection'")
    return x


def _pad_channels(x: Any, extra: int, name: str) -> Any:
    """Append ``extra`` zero channels, split evenly before and after the existing ones.

    Built from stock layers (no Lambda), so the saved model reloads in Keras's safe mode: the
    channels axis is moved to the front, ZeroPadding2D pads it, and it is moved back.
    """
    import keras

    before = extra // 2
    x = keras.layers.Permute((3, 1, 2), name=f"{name}_channels_first")(x)
    x = keras.layers.ZeroPadding2D(padding=((before, extra - before), (0, 0)), name=f"{name}_pad")(x)
    return keras.layers.Permute((2, 3, 1), name=f"{name}_channels_last")(x)


def _check_arguments(layout: str, input_shape: Sequence[int], num_classes: int, width: float) -> tuple[int, int, int]:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown ResNet layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    shape = check_input_shape(layout, input_shape, MIN_INPUT_SIZE)
    check_num_classes(layout, num_classes)
    if not width > 0:
        raise ValueError(f"width must be a positive multiplier, got {width}")
    return shape


def _factory(layout: str, default_shortcut: str, default_stem: str) -> Any:
    """Return the factory of one layout, with the shortcut and stem its paper uses by default."""

    def factory(
        input_shape: Sequence[int],
        num_classes: int,
        width: float = 1.0,
        activation: Activation = "relu",
        shortcut: Shortcut = default_shortcut,  # type: ignore[assignment]
        stem: Stem = default_stem,  # type: ignore[assignment]
    ) -> Any:
        return build_resnet(layout, input_shape, num_classes, width, activation, shortcut, stem)

    blocks, block_type, _ = LAYOUTS[layout]
    factory.__name__ = factory.__qualname__ = layout
    factory.__doc__ = (f"Build {layout} ({block_type} blocks per stage: {blocks}); see :func:`build_resnet` "
                       "for the parameters.")
    return factory


resnet20 = _factory("resnet20", "zero-pad", "small")
resnet32 = _factory("resnet32", "zero-pad", "small")
resnet44 = _factory("resnet44", "zero-pad", "small")
resnet56 = _factory("resnet56", "zero-pad", "small")
resnet18 = _factory("resnet18", "projection", "imagenet")
resnet34 = _factory("resnet34", "projection", "imagenet")
resnet50 = _factory("resnet50", "projection", "imagenet")

"""Factories of the augmentation sets.

Each factory checks its magnitudes (ValueError naming the parameter) and returns
``apply(images) -> images``: it takes a float32 batch (N, H, W, C) in ``value_range`` and returns
a batch of the same shape and dtype, still inside ``value_range``. The same ``seed`` and batch
give the same result (see :mod:`zoo_augment.ops`). TensorFlow is imported inside the factories,
so importing this module stays light.
"""

from __future__ import annotations

from typing import Any, Callable, Literal

from zoo_augment.checks import check_range, check_value_range

Augment = Callable[[Any], Any]
#: Fill for pixels that come from outside the image. Constant fill uses the range's low end.
FillMode = Literal["constant", "reflect", "nearest", "wrap"]
Interpolation = Literal["bilinear", "nearest"]


def flip(
    horizontal: bool = True,
    vertical: bool = False,
    probability: float = 0.5,
    value_range: tuple[float, float] = (0.0, 255.0),
    seed: int = 0,
) -> Augment:
    """Mirror each image left to right and/or top to bottom, each with ``probability``."""
    check_range("probability", probability, 0.0, 1.0)
    if not (horizontal or vertical):
        raise ValueError("horizontal and vertical are both false, so flip would change nothing; enable one")
    check_value_range(value_range)
    import tensorflow as tf

    from zoo_augment import graphs, ops

    def body(images: Any, seed: Any) -> Any:
        key = ops.batch_seed(images, seed)
        count = tf.shape(images)[0]
        if horizontal:
            images = ops.select(ops.coin(ops.sub_seed(key, 0), count, probability), tf.reverse(images, [2]), images)
        if vertical:
            images = ops.select(ops.coin(ops.sub_seed(key, 1), count, probability), tf.reverse(images, [1]), images)
        return images

    return graphs.bind_seed(("flip", horizontal, vertical, probability), body, seed)


def pad_crop_flip(
    padding: int = 4,
    horizontal_flip: bool = True,
    fill_mode: FillMode = "constant",
    value_range: tuple[float, float] = (0.0, 255.0),
    seed: int = 0,
) -> Augment:
    """Pad each image by ``padding`` pixels, crop a random window of the original size, and flip.

    This is the usual CIFAR recipe (4 pixels of zero padding, then a random 32x32 crop and a
    horizontal flip with probability 0.5). Constant padding uses the low end of the value range.
    """
    if isinstance(padding, bool) or padding < 0:
        raise ValueError(f"padding must be a non-negative number of pixels, got {padding}")
    value_range = check_value_range(value_range)
    import tensorflow as tf

    from zoo_augment import graphs, ops

    def body(images: Any, seed: Any) -> Any:
        key = ops.batch_seed(images, seed)
        count = tf.shape(images)[0]
        # A random crop of the padded image is the image moved by a whole number of pixels in
        # [-padding, padding] along each axis, with the uncovered border filled.
        shifts = tf.random.stateless_uniform([2, count], seed=ops.sub_seed(key, 0), minval=-padding,
                                             maxval=padding + 1, dtype=tf.int32)
        shifts = tf.cast(shifts, tf.float32)
        matrices = ops.translation_matrices(shifts[0], shifts[1])
        if horizontal_flip:
            matrices = matrices @ ops.flip_matrices(images, ops.coin(ops.sub_seed(key, 1), count, 0.5))
        return ops.transform(images, matrices, value_range, fill_mode, "nearest")

    return graphs.bind_seed(("pad-crop-flip", padding, horizontal_flip, fill_mode, value_range), body, seed)


def rotation(
    degrees: float = 15.0,
    fill_mode: FillMode = "reflect",
    interpolation: Interpolation = "bilinear",
    value_range: tuple[float, float] = (0.0, 255.0),
    seed: int = 0,
) -> Augment:
    """Rotate each image about its centre by an angle drawn uniformly from [-degrees, degrees]."""
    check_range("degrees", degrees, 0.0, 180.0)
    value_range = check_value_range(value_range)
    import tensorflow as tf

    from zoo_augment import graphs, ops

    def body(images: Any, seed: Any) -> Any:
        key = ops.batch_seed(images, seed)
        angles = ops.degrees_to_radians(ops.uniform(ops.sub_seed(key, 0), tf.shape(images)[0], -degrees, degrees))
        matrices = ops.centred(images, ops.rotation_matrices(angles))
        return ops.transform(images, matrices, value_range, fill_mode, interpolation)

    return graphs.bind_seed(("rotation", degrees, fill_mode, interpolation, value_range), body, seed)


def geometric(
    degrees: float = 10.0,
    zoom: float = 0.1,
    translation: float = 0.1,
    horizontal_flip: bool = True,
    fill_mode: FillMode = "reflect",
    interpolation: Interpolation = "bilinear",
    value_range: tuple[float, float] = (0.0, 255.0),
    seed: int = 0,
) -> Augment:
    """Rotate, zoom, move and flip each image in one resampling.

    Per image: an angle from [-degrees, degrees], a scale from [1 - zoom, 1 + zoom], a shift of up
    to ``translation`` times the height and width, and a left-right flip with probability 0.5.
    """
    check_range("degrees", degrees, 0.0, 180.0)
    check_range("zoom", zoom, 0.0, 1.0, high_inclusive=False)
    check_range("translation", translation, 0.0, 1.0)
    value_range = check_value_range(value_range)
    import tensorflow as tf

    from zoo_augment import graphs, ops

    def body(images: Any, seed: Any) -> Any:
        key = ops.batch_seed(images, seed)
        count = tf.shape(images)[0]
        height, width = tf.cast(tf.shape(images)[1], tf.float32), tf.cast(tf.shape(images)[2], tf.float32)
        angles = ops.degrees_to_radians(ops.uniform(ops.sub_seed(key, 0), count, -degrees, degrees))
        scales = ops.uniform(ops.sub_seed(key, 1), count, 1.0 - zoom, 1.0 + zoom)
        shift_x = ops.uniform(ops.sub_seed(key, 2), count, -translation, translation) * width
        shift_y = ops.uniform(ops.sub_seed(key, 3), count, -translation, translation) * height
        matrices = ops.centred(images, ops.rotation_matrices(angles) @ ops.zoom_matrices(scales))
        matrices = ops.translation_matrices(shift_x, shift_y) @ matrices
        if horizontal_flip:
            matrices = matrices @ ops.flip_matrices(images, ops.coin(ops.sub_seed(key, 4), count, 0.5))
        return ops.transform(images, matrices, value_range, fill_mode, interpolation)

    key = ("geometric", degrees, zoom, translation, horizontal_flip, fill_mode, interpolation, value_range)
    return graphs.bind_seed(key, body, seed)


def color(
    brightness: float = 0.2,
    contrast: float = 0.2,
    value_range: tuple[float, float] = (0.0, 255.0),
    seed: int = 0,
) -> Augment:
    """Shift the brightness and scale the contrast of each image, then clip to the value range.

    Per image: a brightness shift drawn from [-brightness, brightness] times the width of the value
    range, then a contrast factor drawn from [1 - contrast, 1 + contrast] applied about each
    channel's mean.
    """
    check_range("brightness", brightness, 0.0, 1.0)
    check_range("contrast", contrast, 0.0, 1.0)
    if brightness == 0 and contrast == 0:
        raise ValueError("brightness and contrast are both 0, so color would change nothing; raise one")
    value_range = check_value_range(value_range)
    import tensorflow as tf

    from zoo_augment import graphs, ops

    def body(images: Any, seed: Any) -> Any:
        key = ops.batch_seed(images, seed)
        count = tf.shape(images)[0]
        deltas = ops.uniform(ops.sub_seed(key, 0), count, -brightness, brightness)
        factors = ops.uniform(ops.sub_seed(key, 1), count, 1.0 - contrast, 1.0 + contrast)
        images = ops.adjust_brightness(images, deltas, value_range)
        return ops.adjust_contrast(images, factors, value_range)

    return graphs.bind_seed(("color", brightness, contrast, value_range), body, seed)

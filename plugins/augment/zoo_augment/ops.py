"""Batched, seeded image operations on float32 tensors of shape (N, H, W, C) in a raw value range.

Randomness comes from stateless random ops whose seed is derived from the set's seed and a
fingerprint of the batch. A result is therefore a pure function of the seed and the batch, and
does not depend on the order in which the parallel calls of ``tf.data``'s ``map`` run. Every
image in a batch draws its own parameters, so copies of one image in a batch are transformed
differently.

This module imports TensorFlow at import time, so only factories import it, inside their bodies.
"""

from __future__ import annotations

import math
import tensorflow as tf

#: Weights of the red, green and blue channels in the luma of ITU-R BT.601, as PIL uses them.
_LUMA_WEIGHTS = (0.299, 0.587, 0.114)


def batch_seed(images: tf.Tensor, seed: int | tf.Tensor) -> tf.Tensor:
    """Return a stateless-op seed of shape (2,) made from ``seed`` and a fingerprint of ``images``."""
    digest = tf.fingerprint(tf.reshape(images, [1, -1]))[0]
    content = tf.bitcast(digest, tf.int64)
    return tf.stack([tf.cast(seed, tf.int64), content])


def sub_seed(seed: tf.Tensor, stream: int) -> tf.Tensor:
    """Return an independent seed for the random ``stream`` number of one operation."""
    return tf.random.experimental.stateless_fold_in(seed, stream)


def uniform(seed: tf.Tensor, count: tf.Tensor, low: float, high: float) -> tf.Tensor:
    """Draw ``count`` float32 values uniformly from [low, high)."""
    return tf.random.stateless_uniform([count], seed=seed, minval=low, maxval=high, dtype=tf.float32)


def coin(seed: tf.Tensor, count: tf.Tensor, probability: float) -> tf.Tensor:
    """Draw ``count`` booleans that are true with ``probability``."""
    return uniform(seed, count, 0.0, 1.0) < probability


def random_sign(seed: tf.Tensor, count: tf.Tensor) -> tf.Tensor:
    """Draw ``count`` values of -1.0 or +1.0 with equal probability."""
    return tf.where(coin(seed, count, 0.5), 1.0, -1.0)


def select(mask: tf.Tensor, changed: tf.Tensor, images: tf.Tensor) -> tf.Tensor:
    """Return ``changed`` for the images whose ``mask`` entry is true and ``images`` elsewhere."""
    return tf.where(tf.reshape(mask, [-1, 1, 1, 1]), changed, images)


def clip(images: tf.Tensor, value_range: tuple[float, float]) -> tf.Tensor:
    """Clip ``images`` to ``value_range``."""
    return tf.clip_by_value(images, value_range[0], value_range[1])


# Geometry. A transform is a (N, 3, 3) matrix that maps output pixel coordinates (x, y, 1) to the
# input coordinates that are sampled, as ``ImageProjectiveTransformV3`` expects.


def identity_matrices(count: tf.Tensor) -> tf.Tensor:
    """Return ``count`` identity transforms."""
    return tf.eye(3, batch_shape=[count], dtype=tf.float32)


def _matrices(a0: tf.Tensor, a1: tf.Tensor, a2: tf.Tensor, b0: tf.Tensor, b1: tf.Tensor, b2: tf.Tensor) -> tf.Tensor:
    zeros = tf.zeros_like(a0)
    ones = tf.ones_like(a0)
    rows = [tf.stack([a0, a1, a2], axis=-1), tf.stack([b0, b1, b2], axis=-1), tf.stack([zeros, zeros, ones], axis=-1)]
    return tf.stack(rows, axis=-2)


def _image_size(images: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    shape = tf.shape(images)
    return tf.cast(shape[1], tf.float32), tf.cast(shape[2], tf.float32)


def centred(images: tf.Tensor, matrices: tf.Tensor) -> tf.Tensor:
    """Return ``matrices`` (which act about the origin) made to act about the image centre."""
    height, width = _image_size(images)
    centre_x, centre_y = (width - 1.0) / 2.0, (height - 1.0) / 2.0
    ones = tf.ones([tf.shape(matrices)[0]], tf.float32)
    zeros = tf.zeros_like(ones)
    to_centre = _matrices(ones, zeros, ones * centre_x, zeros, ones, ones * centre_y)
    from_centre = _matrices(ones, zeros, -ones * centre_x, zeros, ones, -ones * centre_y)
    return to_centre @ matrices @ from_centre


def rotation_matrices(angles: tf.Tensor) -> tf.Tensor:
    """Return transforms that rotate the content by ``angles`` (radians) about the origin."""
    cos, sin = tf.cos(angles), tf.sin(angles)
    zeros = tf.zeros_like(angles)
    # Sampling the input at the inverse rotation of each output pixel rotates the content.
    return _matrices(cos, sin, zeros, -sin, cos, zeros)


def zoom_matrices(factors: tf.Tensor) -> tf.Tensor:
    """Return transforms that scale the content by ``factors`` (above 1 zooms in) about the origin."""
    inverse = 1.0 / factors
    zeros = tf.zeros_like(factors)
    return _matrices(inverse, zeros, zeros, zeros, inverse, zeros)


def shear_matrices(shear_x: tf.Tensor, shear_y: tf.Tensor) -> tf.Tensor:
    """Return transforms that shear the content by the factors ``shear_x`` and ``shear_y``."""
    ones = tf.ones_like(shear_x)
    zeros = tf.zeros_like(shear_x)
    return _matrices(ones, shear_x, zeros, shear_y, ones, zeros)


def translation_matrices(shift_x: tf.Tensor, shift_y: tf.Tensor) -> tf.Tensor:
    """Return transforms that move the content by ``shift_x`` and ``shift_y`` pixels."""
    ones = tf.ones_like(shift_x)
    zeros = tf.zeros_like(shift_x)
    return _matrices(ones, zeros, -shift_x, zeros, ones, -shift_y)


def flip_matrices(images: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
    """Return transforms that mirror left to right the images whose ``mask`` entry is true."""
    _, width = _image_size(images)
    sign = tf.where(mask, -1.0, 1.0)
    offset = tf.where(mask, width - 1.0, 0.0)
    zeros = tf.zeros_like(sign)
    ones = tf.ones_like(sign)
    return _matrices(sign, zeros, offset, zeros, ones, zeros)


def transform(
    images: tf.Tensor,
    matrices: tf.Tensor,
    value_range: tuple[float, float],
    fill_mode: str = "constant",
    interpolation: str = "bilinear",
) -> tf.Tensor:
    """Sample ``images`` through per-image ``matrices``, filling with the range's low end when constant.

    ``fill_mode`` is one of constant, reflect, nearest and wrap; ``interpolation`` is bilinear
    or nearest, as ``ImageProjectiveTransformV3`` accepts them in upper case.
    """
    flat = tf.reshape(matrices, [-1, 9])[:, :8] / matrices[:, 2:3, 2]
    shape = tf.shape(images)
    result = tf.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=flat,
        output_shape=shape[1:3],
        fill_value=tf.constant(value_range[0], tf.float32),
        interpolation=interpolation.upper(),
        fill_mode=fill_mode.upper(),
    )
    return clip(tf.ensure_shape(result, images.shape), value_range)


def degrees_to_radians(degrees: tf.Tensor) -> tf.Tensor:
    """Convert angles in degrees to radians."""
    return degrees * (math.pi / 180.0)


# Pixel values.


def luma(images: tf.Tensor) -> tf.Tensor:
    """Return the grayscale version (N, H, W, 1): BT.601 luma for 3 channels, else the channel mean."""
    if images.shape[-1] == 3:
        return tf.tensordot(images, tf.constant(_LUMA_WEIGHTS, tf.float32), axes=[[3], [0]])[..., tf.newaxis]
    return tf.reduce_mean(images, axis=-1, keepdims=True)


def blend(base: tf.Tensor, images: tf.Tensor, factors: tf.Tensor) -> tf.Tensor:
    """Return ``base + factors * (images - base)`` per image: 0 gives ``base``, 1 gives ``images``."""
    return base + tf.reshape(factors, [-1, 1, 1, 1]) * (images - base)


def adjust_brightness(images: tf.Tensor, deltas: tf.Tensor, value_range: tuple[float, float]) -> tf.Tensor:
    """Add ``deltas`` (fractions of the value range, one per image) to every pixel, then clip."""
    span = value_range[1] - value_range[0]
    return clip(images + tf.reshape(deltas * span, [-1, 1, 1, 1]), value_range)


def adjust_contrast(images: tf.Tensor, factors: tf.Tensor, value_range: tuple[float, float]) -> tf.Tensor:
    """Scale each channel's distance from its mean by ``factors`` (one per image), then clip."""
    means = tf.reduce_mean(images, axis=[1, 2], keepdims=True)
    return clip(blend(means, images, factors), value_range)


def auto_contrast(images: tf.Tensor, value_range: tuple[float, float]) -> tf.Tensor:
    """Stretch each channel of each image linearly so that its minimum and maximum span the range."""
    low = tf.reduce_min(images, axis=[1, 2], keepdims=True)
    high = tf.reduce_max(images, axis=[1, 2], keepdims=True)
    span = high - low
    scale = tf.math.divide_no_nan(tf.constant(value_range[1] - value_range[0], tf.float32), span)
    stretched = value_range[0] + (images - low) * scale
    # A constant channel has nothing to stretch and stays as it is.
    return clip(tf.where(span > 0, stretched, images), value_range)


def equalize(images: tf.Tensor, value_range: tuple[float, float]) -> tf.Tensor:
    """Equalize the 256-level histogram of each channel of each image.

    Values are read as 8-bit levels of the range. Every pixel moves to the share of its channel's
    pixels above the darkest level that are at most its level, so the levels spread evenly over the
    range. A constant channel stays as it is.
    """
    low, high = value_range
    shape = tf.shape(images)
    pixels = shape[1] * shape[2]
    rows = shape[0] * shape[3]
    channels_first = tf.reshape(tf.transpose(images, [0, 3, 1, 2]), [rows, pixels])
    levels = tf.cast(tf.round(tf.clip_by_value((channels_first - low) / (high - low), 0.0, 1.0) * 255.0), tf.int32)
    # One bincount over all rows at once: row r counts its levels in bins r * 256 to r * 256 + 255.
    offsets = tf.range(rows)[:, tf.newaxis] * 256
    histograms = tf.reshape(tf.math.bincount(levels + offsets, minlength=rows * 256, maxlength=rows * 256),
                            [rows, 256])
    cumulative = tf.cast(tf.cumsum(histograms, axis=1), tf.float32)
    total = tf.cast(pixels, tf.float32)
    darkest = tf.reduce_min(tf.where(histograms > 0, cumulative, total), axis=1, keepdims=True)
    fraction = tf.math.divide_no_nan(tf.gather(cumulative, levels, batch_dims=1) - darkest, total - darkest)
    equalized = tf.where(darkest >= total, channels_first, low + fraction * (high - low))
    restored = tf.transpose(tf.reshape(equalized, [shape[0], shape[3], shape[1], shape[2]]), [0, 2, 3, 1])
    return clip(tf.ensure_shape(restored, images.shape), value_range)


def solarize(images: tf.Tensor, thresholds: tf.Tensor, value_range: tuple[float, float]) -> tf.Tensor:
    """Invert the pixels at or above ``thresholds`` (raw values, one per image) within the range."""
    inverted = value_range[0] + value_range[1] - images
    return tf.where(images >= tf.reshape(thresholds, [-1, 1, 1, 1]), inverted, images)


def posterize(images: tf.Tensor, bits: tf.Tensor, value_range: tuple[float, float]) -> tf.Tensor:
    """Keep the top ``bits`` (one per image, 1 to 8) of each value read as an 8-bit intensity."""
    span = value_range[1] - value_range[0]
    levels = tf.round((images - value_range[0]) / span * 255.0)
    step = tf.reshape(tf.pow(2.0, 8.0 - tf.cast(bits, tf.float32)), [-1, 1, 1, 1])
    kept = tf.floor(levels / step) * step
    return clip(value_range[0] + kept / 255.0 * span, value_range)


def sharpen(images: tf.Tensor, factors: tf.Tensor, value_range: tuple[float, float]) -> tf.Tensor:
    """Blend each image with its smoothed version: 0 smooths, 1 keeps, above 1 sharpens.

    The smoothing kernel is PIL's SMOOTH filter (centre weight 5, neighbours 1, divided by 13);
    border pixels keep their values, as in PIL's ``ImageEnhance.Sharpness``.
    """
    channels = images.shape[-1]
    kernel = tf.constant([[1.0, 1.0, 1.0], [1.0, 5.0, 1.0], [1.0, 1.0, 1.0]]) / 13.0
    kernel = tf.tile(kernel[:, :, tf.newaxis, tf.newaxis], [1, 1, channels, 1])
    smoothed = tf.nn.depthwise_conv2d(images, kernel, strides=[1, 1, 1, 1], padding="SAME")
    shape = tf.shape(images)
    rows = tf.range(shape[1])[:, tf.newaxis]
    columns = tf.range(shape[2])[tf.newaxis, :]
    interior = (rows > 0) & (rows < shape[1] - 1) & (columns > 0) & (columns < shape[2] - 1)
    smoothed = tf.where(interior[tf.newaxis, :, :, tf.newaxis], smoothed, images)
    return clip(blend(smoothed, images, factors), value_range)

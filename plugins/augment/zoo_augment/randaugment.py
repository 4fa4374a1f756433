"""The strong set, after RandAugment (Cubuk et al., "RandAugment: Practical automated data
augmentation with a reduced search space", CVPR Workshops 2020).

Each image goes through ``num_ops`` operations, each drawn uniformly and independently from the
14 of the paper: identity, auto-contrast, equalize, rotate, solarize, color, posterize, contrast,
brightness, sharpness, shear x, shear y, translate x and translate y. One ``magnitude`` on a 0 to
10 scale sets the strength of every operation; signed operations take a random sign per image.
The strongest settings, at magnitude 10, follow common implementations (timm, the TPU reference):
30 degrees of rotation, a shear factor of 0.3, a shift of 0.45 times the image size, enhancement
factors of 1 +- 0.9, 4 bits kept by posterize, and solarize inverting every pixel.
"""

from __future__ import annotations

from typing import Any, Callable

from zoo_augment.checks import check_range, check_value_range
from zoo_augment.sets import FillMode

MAX_MAGNITUDE = 10.0

OPERATIONS: tuple[str, ...] = (
    "identity", "auto_contrast", "equalize", "rotate", "solarize", "color", "posterize",
    "contrast", "brightness", "sharpness", "shear_x", "shear_y", "translate_x", "translate_y",
)


def randaugment(
    num_ops: int = 2,
    magnitude: float = 9.0,
    fill_mode: FillMode = "constant",
    value_range: tuple[float, float] = (0.0, 255.0),
    seed: int = 0,
) -> Callable[[Any], Any]:
    """Apply ``num_ops`` operations drawn per image from the 14 of RandAugment at ``magnitude``."""
    if isinstance(num_ops, bool) or not 1 <= num_ops <= 10:
        raise ValueError(f"num_ops must be an integer from 1 to 10, got {num_ops}")
    check_range("magnitude", magnitude, 0.0, MAX_MAGNITUDE)
    if fill_mode not in ("constant", "reflect", "nearest", "wrap"):
        raise ValueError(f"fill_mode must be constant, reflect, nearest or wrap, got {fill_mode!r}")
    value_range = check_value_range(value_range)
    import tensorflow as tf

    from zoo_augment import ops

    strength = magnitude / MAX_MAGNITUDE

    def apply(images: Any) -> Any:
        images = tf.convert_to_tensor(images, tf.float32)
        key = ops.batch_seed(images, seed)
        count = tf.shape(images)[0]
        for slot in range(num_ops):
            slot_key = ops.sub_seed(key, slot)
            choices = tf.random.stateless_uniform([count], seed=ops.sub_seed(slot_key, 0), minval=0,
                                                  maxval=len(OPERATIONS), dtype=tf.int32)
            signs = ops.random_sign(ops.sub_seed(slot_key, 1), count)
            candidates = _apply_every_operation(images, signs, strength, value_range, fill_mode)
            for index, candidate in enumerate(candidates):
                images = ops.select(tf.equal(choices, index), candidate, images)
        return images

    return apply


def _apply_every_operation(images: Any, signs: Any, strength: float, value_range: tuple[float, float],
                           fill_mode: str) -> list[Any]:
    """Return the batch transformed by each operation, in the order of ``OPERATIONS``."""
    import tensorflow as tf

    from zoo_augment import ops

    count = tf.shape(images)[0]
    height, width = tf.cast(tf.shape(images)[1], tf.float32), tf.cast(tf.shape(images)[2], tf.float32)
    zeros = tf.zeros([count], tf.float32)
    factors = 1.0 + signs * 0.9 * strength
    low, high = value_range

    def geometry(matrices: Any) -> Any:
        return ops.transform(images, ops.centred(images, matrices), value_range, fill_mode, "bilinear")

    shear = signs * 0.3 * strength
    shift = signs * 0.45 * strength
    bits = tf.fill([count], 8.0 - round(4 * strength))
    return [
        images,
        ops.auto_contrast(images, value_range),
        ops.equalize(images, value_range),
        geometry(ops.rotation_matrices(ops.degrees_to_radians(signs * 30.0 * strength))),
        ops.solarize(images, tf.fill([count], high - strength * (high - low)), value_range),
        ops.clip(ops.blend(ops.luma(images), images, factors), value_range),
        ops.posterize(images, bits, value_range),
        _contrast(images, factors, value_range),
        ops.clip(ops.blend(tf.fill(tf.shape(images), low), images, factors), value_range),
        ops.sharpen(images, factors, value_range),
        geometry(ops.shear_matrices(shear, zeros)),
        geometry(ops.shear_matrices(zeros, shear)),
        geometry(ops.translation_matrices(shift * width, zeros)),
        geometry(ops.translation_matrices(zeros, shift * height)),
    ]


def _contrast(images: Any, factors: Any, value_range: tuple[float, float]) -> Any:
    """Blend each image with the mean of its grayscale version, as PIL's ``ImageEnhance.Contrast``."""
    import tensorflow as tf

    from zoo_augment import ops

    means = tf.reduce_mean(ops.luma(images), axis=[1, 2, 3], keepdims=True)
    return ops.clip(ops.blend(means, images, factors), value_range)

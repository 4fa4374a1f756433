"""The strong set, after RandAugment (Cubuk et al., "RandAugment: Practical automated data
augmentation with a reduced search space", CVPR Workshops 2020).

Each image goes through ``num_ops`` operations, each drawn uniformly and independently from the
14 of the paper: identity, auto-contrast, equalize, rotate, solarize, color, posterize, contrast,
brightness, sharpness, shear x, shear y, translate x and translate y. One ``magnitude`` on a 0 to
10 scale sets the strength of every operation, and signed operations take a random sign per image.
The limits at magnitude 10 are those of the "increasing" variants in timm's ``auto_augment.py``.
They are 30 degrees of rotation, a shear factor of 0.3, a shift of 0.45 times the image size,
enhancement factors of 1 +- 0.9, and solarize inverting every pixel. Posterize keeps 8 bits at magnitude 0
and 4 bits at magnitude 10.
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

    from zoo_augment import graphs, ops

    strength = magnitude / MAX_MAGNITUDE
    pixel_operations = _pixel_operations(strength, value_range)
    geometric_operations = _geometric_operations(strength)

    def body(images: Any, seed: Any) -> Any:
        key = ops.batch_seed(images, seed)
        count = tf.shape(images)[0]
        for slot in range(num_ops):
            slot_key = ops.sub_seed(key, slot)
            choices = tf.random.stateless_uniform([count], seed=ops.sub_seed(slot_key, 0), minval=0,
                                                  maxval=len(OPERATIONS), dtype=tf.int32)
            signs = ops.random_sign(ops.sub_seed(slot_key, 1), count)
            result = _apply_pixel_operations(images, choices, signs, pixel_operations)
            images = _apply_geometric_operations(images, result, choices, signs, geometric_operations,
                                                 value_range, fill_mode)
        return images

    return graphs.bind_seed(("randaugment", num_ops, magnitude, fill_mode, value_range), body, seed)


#: ``(images, signs) -> images`` for pixel operations, ``-> (N, 3, 3) transforms`` for geometric ones.
Operation = Callable[[Any, Any], Any]


def _apply_pixel_operations(images: Any, choices: Any, signs: Any, operations: dict[int, Operation]) -> Any:
    """Return ``images`` with each image passed through the pixel operation that ``choices`` names.

    Each operation runs only on the images that drew it, gathered into one smaller batch, so a
    batch costs one operation per image instead of all of them.
    """
    import tensorflow as tf

    result = images
    for index, operation in operations.items():
        chosen = tf.where(tf.equal(choices, index))
        changed = operation(tf.gather_nd(images, chosen), tf.gather_nd(signs, chosen))
        result = tf.tensor_scatter_nd_update(result, chosen, changed)
    return result


def _apply_geometric_operations(images: Any, result: Any, choices: Any, signs: Any,
                                operations: dict[int, Operation], value_range: tuple[float, float],
                                fill_mode: str) -> Any:
    """Return ``result`` with the images that drew a geometric operation resampled from ``images``.

    The five geometric operations share one resampling: each chosen image gets the transform of
    the operation it drew, and all of them go through ``ImageProjectiveTransformV3`` together.
    """
    import tensorflow as tf

    from zoo_augment import ops

    geometric = tf.reduce_any(tf.equal(choices[:, tf.newaxis], tf.constant(list(operations))), axis=1)
    chosen = tf.where(geometric)
    subset = tf.gather_nd(images, chosen)
    subset_choices = tf.gather_nd(choices, chosen)
    subset_signs = tf.gather_nd(signs, chosen)
    matrices = ops.identity_matrices(tf.shape(subset)[0])
    for index, operation in operations.items():
        drew = tf.reshape(tf.equal(subset_choices, index), [-1, 1, 1])
        matrices = tf.where(drew, operation(subset, subset_signs), matrices)
    moved = ops.transform(subset, ops.centred(subset, matrices), value_range, fill_mode, "bilinear")
    return tf.tensor_scatter_nd_update(result, chosen, moved)


def _geometric_operations(strength: float) -> dict[int, Operation]:
    """Return the transform builder of each geometric operation, keyed by its index in ``OPERATIONS``."""
    import tensorflow as tf

    from zoo_augment import ops

    def rotate(images: Any, signs: Any) -> Any:
        return ops.rotation_matrices(ops.degrees_to_radians(signs * 30.0 * strength))

    def shear_x(images: Any, signs: Any) -> Any:
        return ops.shear_matrices(signs * 0.3 * strength, tf.zeros_like(signs))

    def shear_y(images: Any, signs: Any) -> Any:
        return ops.shear_matrices(tf.zeros_like(signs), signs * 0.3 * strength)

    def translate_x(images: Any, signs: Any) -> Any:
        width = tf.cast(tf.shape(images)[2], tf.float32)
        return ops.translation_matrices(signs * 0.45 * strength * width, tf.zeros_like(signs))

    def translate_y(images: Any, signs: Any) -> Any:
        height = tf.cast(tf.shape(images)[1], tf.float32)
        return ops.translation_matrices(tf.zeros_like(signs), signs * 0.45 * strength * height)

    by_name = {"rotate": rotate, "shear_x": shear_x, "shear_y": shear_y, "translate_x": translate_x,
               "translate_y": translate_y}
    return {OPERATIONS.index(name): builder for name, builder in by_name.items()}


def _pixel_operations(strength: float, value_range: tuple[float, float]) -> dict[int, Operation]:
    """Return each operation that changes pixel values, keyed by its index in ``OPERATIONS``.

    ``signs`` contains -1 or +1 per image and sets the direction of the signed operations.
    Identity and the geometric operations are not in the result.
    """
    import tensorflow as tf

    from zoo_augment import ops

    low, high = value_range

    def factors(signs: Any) -> Any:
        return 1.0 + signs * 0.9 * strength

    def solarize(images: Any, signs: Any) -> Any:
        return ops.solarize(images, tf.fill(tf.shape(signs), high - strength * (high - low)), value_range)

    def posterize(images: Any, signs: Any) -> Any:
        return ops.posterize(images, tf.fill(tf.shape(signs), 8.0 - round(4 * strength)), value_range)

    def color(images: Any, signs: Any) -> Any:
        return ops.clip(ops.blend(ops.luma(images), images, factors(signs)), value_range)

    def contrast(images: Any, signs: Any) -> Any:
        # PIL's ImageEnhance.Contrast blends with the mean of the grayscale image.
        means = tf.reduce_mean(ops.luma(images), axis=[1, 2, 3], keepdims=True)
        return ops.clip(ops.blend(means, images, factors(signs)), value_range)

    def brightness(images: Any, signs: Any) -> Any:
        return ops.clip(ops.blend(tf.fill(tf.shape(images), low), images, factors(signs)), value_range)

    by_name: dict[str, Operation] = {
        "auto_contrast": lambda images, signs: ops.auto_contrast(images, value_range),
        "equalize": lambda images, signs: ops.equalize(images, value_range),
        "solarize": solarize,
        "color": color,
        "posterize": posterize,
        "contrast": contrast,
        "brightness": brightness,
        "sharpness": lambda images, signs: ops.sharpen(images, factors(signs), value_range),
    }
    return {OPERATIONS.index(name): operation for name, operation in by_name.items()}

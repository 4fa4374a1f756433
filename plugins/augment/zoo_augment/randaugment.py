"""The strong set, after RandAugment (Cubuk et al., "RandAugment: Practical automated data
augmentation with a reduced search space", CVPR Workshops 2020).

Each image goes through ``num_ops`` operations, each drawn uniformly and independently from the
14 of the paper: identity, auto-contrast, equalize, rotate, solarize, color, posterize, contrast,
brightness, sharpness, shear x, shear y, translate x and translate y. One ``magnitude`` on a 0 to
10 scale sets the strength of every operation, and signed operations take a random sign per image.
At magnitude 10 the limits are those of the "increasing" variants in timm's ``auto_augment.py``:
30 degrees of rotation, a shear factor of 0.3, a shift of 0.45 times the image size, enhancement
factors of 1 +- 0.9, and solarize inverting every pixel. Posterize keeps 8 bits at magnitude 0
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

    from zoo_augment import ops

    operations = _operations(magnitude / MAX_MAGNITUDE, value_range, fill_mode)

    def apply(images: Any) -> Any:
        images = tf.convert_to_tensor(images, tf.float32)
        key = ops.batch_seed(images, seed)
        count = tf.shape(images)[0]
        for slot in range(num_ops):
            slot_key = ops.sub_seed(key, slot)
            choices = tf.random.stateless_uniform([count], seed=ops.sub_seed(slot_key, 0), minval=0,
                                                  maxval=len(OPERATIONS), dtype=tf.int32)
            signs = ops.random_sign(ops.sub_seed(slot_key, 1), count)
            images = _apply_chosen(images, choices, signs, operations)
        return images

    return apply


Operation = Callable[[Any, Any], Any]


def _apply_chosen(images: Any, choices: Any, signs: Any, operations: list[Operation | None]) -> Any:
    """Return ``images`` with each image passed through the operation that ``choices`` names for it.

    Each operation runs only on the images that drew it, gathered into one smaller batch, so a
    batch costs one operation per image instead of all 14.
    """
    import tensorflow as tf

    result = images
    for index, operation in enumerate(operations):
        if operation is None:
            continue
        chosen = tf.where(tf.equal(choices, index))
        changed = operation(tf.gather_nd(images, chosen), tf.gather_nd(signs, chosen))
        result = tf.tensor_scatter_nd_update(result, chosen, changed)
    return result


def _operations(strength: float, value_range: tuple[float, float], fill_mode: str) -> list[Operation | None]:
    """Return one function ``(images, signs) -> images`` per entry of ``OPERATIONS`` (None: identity).

    ``signs`` contains -1 or +1 per image and sets the direction of the signed operations.
    """
    import tensorflow as tf

    from zoo_augment import ops

    low, high = value_range

    def factors(signs: Any) -> Any:
        return 1.0 + signs * 0.9 * strength

    def geometry(images: Any, matrices: Any) -> Any:
        return ops.transform(images, ops.centred(images, matrices), value_range, fill_mode, "bilinear")

    def rotate(images: Any, signs: Any) -> Any:
        return geometry(images, ops.rotation_matrices(ops.degrees_to_radians(signs * 30.0 * strength)))

    def shear_x(images: Any, signs: Any) -> Any:
        return geometry(images, ops.shear_matrices(signs * 0.3 * strength, tf.zeros_like(signs)))

    def shear_y(images: Any, signs: Any) -> Any:
        return geometry(images, ops.shear_matrices(tf.zeros_like(signs), signs * 0.3 * strength))

    def translate_x(images: Any, signs: Any) -> Any:
        width = tf.cast(tf.shape(images)[2], tf.float32)
        return geometry(images, ops.translation_matrices(signs * 0.45 * strength * width, tf.zeros_like(signs)))

    def translate_y(images: Any, signs: Any) -> Any:
        height = tf.cast(tf.shape(images)[1], tf.float32)
        return geometry(images, ops.translation_matrices(tf.zeros_like(signs), signs * 0.45 * strength * height))

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

    by_name: dict[str, Operation | None] = {
        "identity": None,
        "auto_contrast": lambda images, signs: ops.auto_contrast(images, value_range),
        "equalize": lambda images, signs: ops.equalize(images, value_range),
        "rotate": rotate,
        "solarize": solarize,
        "color": color,
        "posterize": posterize,
        "contrast": contrast,
        "brightness": brightness,
        "sharpness": lambda images, signs: ops.sharpen(images, factors(signs), value_range),
        "shear_x": shear_x,
        "shear_y": shear_y,
        "translate_x": translate_x,
        "translate_y": translate_y,
    }
    return [by_name[name] for name in OPERATIONS]

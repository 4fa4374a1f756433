"""The augmentation sets on real grayscale and colour batches, eagerly and inside tf.data."""

from __future__ import annotations

import subprocess
import sys
from typing import Any, Callable

import numpy as np
import pytest

from zoo_augment import randaugment, sets
from zoo_core.components import Component
from zoo_core.errors import ParameterError

FACTORIES: dict[str, Callable[..., Any]] = {
    "flip": sets.flip,
    "pad-crop-flip": sets.pad_crop_flip,
    "rotation": sets.rotation,
    "geometric": sets.geometric,
    "color": sets.color,
    "randaugment": randaugment.randaugment,
}

# Digits-like 8x8 grayscale in 0..16, and CIFAR-like 16x16 colour in 0..255.
BATCHES = {
    "grayscale": ((12, 8, 8, 1), (0.0, 16.0)),
    "colour": ((12, 16, 16, 3), (0.0, 255.0)),
}


def make_batch(kind: str, seed: int = 0) -> tuple[np.ndarray, tuple[float, float]]:
    """Return a batch of smooth random images (blobs, so that rotations and shifts change them)."""
    shape, value_range = BATCHES[kind]
    rng = np.random.default_rng(seed)
    coarse = rng.random((shape[0], 4, 4, shape[3]))
    images = np.kron(coarse, np.ones((1, shape[1] // 4, shape[2] // 4, 1)))
    return (images * value_range[1]).astype(np.float32), value_range


def changed_images(before: np.ndarray, after: np.ndarray) -> int:
    """Return how many images of the batch differ anywhere."""
    return int((np.abs(after - before).reshape(len(before), -1).max(axis=1) > 1e-4).sum())


@pytest.mark.parametrize("kind", list(BATCHES))
@pytest.mark.parametrize("name", list(FACTORIES))
def test_set_keeps_shape_dtype_range(name: str, kind: str) -> None:
    images, value_range = make_batch(kind)
    augment = FACTORIES[name](value_range=value_range, seed=3)

    result = np.asarray(augment(images))

    assert result.shape == images.shape
    assert result.dtype == np.float32
    assert result.min() >= value_range[0]
    assert result.max() <= value_range[1]
    assert np.isfinite(result).all()
    assert changed_images(images, result) >= len(images) // 4


@pytest.mark.parametrize("kind", list(BATCHES))
@pytest.mark.parametrize("name", list(FACTORIES))
def test_set_is_seeded(name: str, kind: str) -> None:
    images, value_range = make_batch(kind)

    first = np.asarray(FACTORIES[name](value_range=value_range, seed=5)(images))
    again = np.asarray(FACTORIES[name](value_range=value_range, seed=5)(images))
    other = np.asarray(FACTORIES[name](value_range=value_range, seed=6)(images))

    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("name", ["geometric", "randaugment"])
def test_set_in_parallel_map_is_reproducible(name: str) -> None:
    import tensorflow as tf

    images, value_range = make_batch("colour")
    images = np.concatenate([images] * 4)

    def augmented_epoch() -> np.ndarray:
        augment = FACTORIES[name](value_range=value_range, seed=11)
        data = tf.data.Dataset.from_tensor_slices(images).batch(6)
        data = data.map(augment, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        return np.concatenate(list(data.as_numpy_iterator()))

    first, second = augmented_epoch(), augmented_epoch()

    np.testing.assert_array_equal(first, second)
    assert changed_images(images, first) >= len(images) // 2


def test_seeds_share_one_traced_graph() -> None:
    from zoo_augment import graphs

    images, value_range = make_batch("colour")
    key = ("randaugment", 2, 7.0, "constant", value_range)

    for seed in (1, 2, 3):
        randaugment.randaugment(magnitude=7.0, value_range=value_range, seed=seed)(images)
        randaugment.randaugment(magnitude=7.0, value_range=value_range, seed=seed)(images[:5])

    graph = graphs.seeded_graph(key, lambda images, seed: images, images.shape[1:])
    assert graph.experimental_get_tracing_count() == 1


def test_one_configuration_serves_grey_and_colour() -> None:
    grey = np.full((4, 8, 8, 1), 200.0, np.float32)
    colour = np.full((4, 8, 8, 3), 200.0, np.float32)
    augment = sets.color(brightness=0.5, contrast=0.0, value_range=(0.0, 255.0), seed=0)

    assert np.asarray(augment(grey)).shape == grey.shape
    assert np.asarray(augment(colour)).shape == colour.shape


def test_copies_in_one_batch_differ() -> None:
    images, value_range = make_batch("colour")
    copies = np.repeat(images[:1], 6, axis=0)

    result = np.asarray(sets.geometric(value_range=value_range, seed=0)(copies))

    distinct = {result[i].tobytes() for i in range(len(result))}
    assert len(distinct) == len(result)


def test_flip_only_mirrors() -> None:
    images, value_range = make_batch("colour")

    result = np.asarray(sets.flip(probability=0.5, value_range=value_range, seed=1)(images))

    mirrored = [np.array_equal(result[i], images[i, :, ::-1]) for i in range(len(images))]
    unchanged = [np.array_equal(result[i], images[i]) for i in range(len(images))]
    assert all(m or u for m, u in zip(mirrored, unchanged))
    assert any(mirrored)
    assert any(unchanged)


def test_flip_probability_one_flips_vertically() -> None:
    images, value_range = make_batch("grayscale")

    result = np.asarray(sets.flip(horizontal=False, vertical=True, probability=1.0, value_range=value_range)(images))

    np.testing.assert_array_equal(result, images[:, ::-1])


def test_pad_crop_flip_moves_whole_pixels() -> None:
    images, value_range = make_batch("colour")
    padding = 2

    result = np.asarray(sets.pad_crop_flip(padding=padding, horizontal_flip=False, value_range=value_range,
                                           seed=4)(images))

    for original, shifted in zip(images, result):
        padded = np.pad(original, ((padding, padding), (padding, padding), (0, 0)))
        size = original.shape[0]
        windows = [padded[top:top + size, left:left + size]
                   for top in range(2 * padding + 1) for left in range(2 * padding + 1)]
        assert any(np.array_equal(shifted, window) for window in windows)


def test_rotation_by_zero_degrees_keeps_images() -> None:
    images, value_range = make_batch("colour")

    result = np.asarray(sets.rotation(degrees=0.0, value_range=value_range)(images))

    np.testing.assert_allclose(result, images, atol=1e-3)


def test_color_brightness_shifts_each_image_evenly() -> None:
    images, value_range = make_batch("colour")
    images = images * 0.5 + 64.0  # room on both sides, so that nothing is clipped

    result = np.asarray(sets.color(brightness=0.2, contrast=0.0, value_range=value_range, seed=2)(images))

    shifts = (result - images).reshape(len(images), -1)
    np.testing.assert_allclose(shifts.max(axis=1), shifts.min(axis=1), atol=1e-3)
    assert np.abs(shifts).max() <= 0.2 * 255 + 1e-3
    assert np.abs(shifts).max() > 1.0


def test_equalize_and_auto_contrast_span_the_range() -> None:
    from zoo_augment import ops

    images, _ = make_batch("grayscale")
    value_range = (0.0, 16.0)
    dim = images * 0.25 + 4.0  # values in 4..8

    for result in (ops.equalize(dim, value_range), ops.auto_contrast(dim, value_range)):
        result = np.asarray(result)
        assert result.min(axis=(1, 2, 3)) == pytest.approx(np.zeros(len(dim)), abs=1e-4)
        assert result.max(axis=(1, 2, 3)) == pytest.approx(np.full(len(dim), 16.0), abs=1e-4)


def test_randaugment_at_magnitude_zero_keeps_geometry() -> None:
    images, value_range = make_batch("colour")
    augment = randaugment.randaugment(num_ops=1, magnitude=0.0, value_range=value_range, seed=0)

    result = np.asarray(augment(images))

    # At magnitude 0 the geometric operations and enhancements are the identity. Only auto-contrast,
    # equalize, posterize (rounding to 8-bit levels) and solarize (of pixels at the top) move values.
    assert result.shape == images.shape
    assert changed_images(images, result) < len(images)


@pytest.mark.parametrize("kind", list(BATCHES))
def test_randaugment_operations_each_change_images(kind: str) -> None:
    from zoo_augment import ops
    from zoo_augment.randaugment import OPERATIONS, _geometric_operations, _pixel_operations

    images, value_range = make_batch(kind)
    signs = np.ones(len(images), np.float32)
    pixel = _pixel_operations(1.0, value_range)
    geometric = _geometric_operations(1.0)

    assert set(pixel) | set(geometric) == set(range(1, len(OPERATIONS)))
    for index, name in enumerate(OPERATIONS[1:], start=1):
        if index in pixel:
            result = np.asarray(pixel[index](images, signs))
        else:
            matrices = ops.centred(images, geometric[index](images, signs))
            result = np.asarray(ops.transform(images, matrices, value_range))
        assert result.shape == images.shape, name
        assert result.min() >= value_range[0], name
        assert result.max() <= value_range[1], name
        # Color blends with the grayscale version, which a grayscale image already is.
        expected = 0 if name == "color" and images.shape[-1] == 1 else len(images)
        assert changed_images(images, result) == expected, name


def test_solarize_from_low_end_inverts() -> None:
    from zoo_augment import ops

    images, value_range = make_batch("colour")

    inverted = np.asarray(ops.solarize(images, np.zeros(len(images), np.float32), value_range))

    np.testing.assert_allclose(inverted, 255.0 - images, atol=1e-4)


INVALID = [
    ("flip", {"probability": 1.5}, "probability"),
    ("flip", {"horizontal": False, "vertical": False}, "horizontal"),
    ("pad-crop-flip", {"padding": -1}, "padding"),
    ("rotation", {"degrees": 200.0}, "degrees"),
    ("rotation", {"degrees": float("nan")}, "degrees"),
    ("geometric", {"zoom": 1.0}, "zoom"),
    ("geometric", {"translation": -0.1}, "translation"),
    ("color", {"brightness": 2.0}, "brightness"),
    ("color", {"contrast": -0.5}, "contrast"),
    ("color", {"brightness": 0.0, "contrast": 0.0}, "brightness"),
    ("randaugment", {"magnitude": 11.0}, "magnitude"),
    ("randaugment", {"num_ops": 0}, "num_ops"),
]


@pytest.mark.parametrize(("name", "params", "word"), INVALID)
def test_invalid_magnitude_is_named(name: str, params: dict[str, Any], word: str) -> None:
    with pytest.raises(ValueError, match=word):
        FACTORIES[name](**params)


def test_invalid_value_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="value_range"):
        sets.rotation(value_range=(1.0, 1.0))


def test_registered_component_reports_bad_parameter() -> None:
    component = Component("augmentation", "rotation", "augment", "zoo_augment.sets:rotation")

    with pytest.raises(ParameterError, match="degrees"):
        component.build({"degrees": 400.0}, value_range=(0.0, 255.0), seed=0)
    with pytest.raises(ParameterError, match="fill_mode"):
        component.build({"fill_mode": "mirror"}, value_range=(0.0, 255.0), seed=0)


def test_plugin_import_stays_light() -> None:
    code = ("import sys, zoo_augment.plugin, zoo_augment.sets, zoo_augment.randaugment; "
            "sys.exit('tensorflow' in sys.modules or 'keras' in sys.modules)")

    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert completed.returncode == 0, completed.stderr

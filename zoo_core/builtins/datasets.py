"""Factories of the built-in datasets: scikit-learn's digits and generated images."""

from __future__ import annotations

import numpy as np

from zoo_core.data import ArraySource, Dataset


def digits() -> Dataset:
    """Load the 1,797 8x8 handwritten digits that scikit-learn ships (pixel values 0 to 16)."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = bunch.images.astype(np.float32)[..., np.newaxis]
    return Dataset(
        name="digits",
        class_names=[str(name) for name in bunch.target_names],
        input_shape=(8, 8, 1),
        labels=bunch.target,
        source=ArraySource(images),
        value_range=(0.0, 16.0),
        details={"source": "sklearn.datasets.load_digits"},
    )


def synthetic(
    num_samples: int = 512,
    num_classes: int = 4,
    image_size: int = 16,
    channels: int = 1,
    noise: float = 0.15,
    seed: int = 0,
) -> Dataset:
    """Generate 8-bit images in which each class is a bright pattern at its own place, plus noise.

    The classes are separable by a small convolutional network in a few epochs, which makes the
    dataset useful for smoke tests of the whole pipeline.
    """
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")
    if num_samples < num_classes:
        raise ValueError(f"num_samples ({num_samples}) must be at least num_classes ({num_classes})")
    if image_size < 4:
        raise ValueError(f"image_size must be at least 4, got {image_size}")
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels}")
    if not 0 <= noise <= 1:
        raise ValueError(f"noise must lie between 0 and 1, got {noise}")
    rng = np.random.default_rng(seed)
    labels = np.arange(num_samples) % num_classes
    rng.shuffle(labels)
    patterns = rng.random((num_classes, image_size, image_size, channels)) > 0.5
    images = np.where(patterns[labels], 0.75, 0.25)
    images = images + rng.normal(0.0, noise, images.shape)
    images = (np.clip(images, 0.0, 1.0) * 255).round().astype(np.float32)
    return Dataset(
        name="synthetic",
        class_names=[f"class_{i}" for i in range(num_classes)],
        input_shape=(image_size, image_size, channels),
        labels=labels,
        source=ArraySource(images),
        value_range=(0.0, 255.0),
        details={"seed": seed},
    )

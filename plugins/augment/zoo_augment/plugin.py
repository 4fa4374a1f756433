"""Registers the augmentation sets; this module imports neither TensorFlow nor Keras."""

from __future__ import annotations

from typing import Any

from zoo_core import hookimpl

_SETS = "zoo_augment.sets"


@hookimpl
def zoo_register_augmentations(register: Any) -> None:
    """Register the augmentation sets."""
    register("flip", f"{_SETS}:flip", summary="mirror images left-right (and optionally top-bottom) at random",
             tags=("geometric", "light"))
    register("pad-crop-flip", f"{_SETS}:pad_crop_flip",
             summary="pad, crop a random window of the original size, flip left-right (the CIFAR recipe)",
             aliases=("crop-flip",), tags=("geometric", "cifar"))
    register("rotation", f"{_SETS}:rotation", summary="rotate images by a random angle about their centre",
             tags=("geometric",))
    register("geometric", f"{_SETS}:geometric",
             summary="random rotation, zoom, translation and left-right flip in one resampling",
             tags=("geometric",))
    register("color", f"{_SETS}:color", summary="random brightness shift and contrast factor per image",
             aliases=("colour",), tags=("color",))
    register("randaugment", "zoo_augment.randaugment:randaugment",
             summary="strong set: num_ops operations per image from the 14 of RandAugment at one magnitude",
             aliases=("strong",), tags=("strong", "geometric", "color"),
             metadata={"paper": "Cubuk et al., RandAugment: Practical automated data augmentation "
                                "with a reduced search space, CVPR Workshops 2020"})

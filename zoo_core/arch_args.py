"""Checks of the context arguments that every architecture factory receives.

Architecture plugins call these before building anything, so that an input an architecture
cannot take fails with a message that names the smallest accepted size, never with a shape
error from inside TensorFlow. Importing this module imports neither TensorFlow nor Keras.
"""

from __future__ import annotations

import operator
from typing import Sequence


def check_input_shape(architecture: str, input_shape: Sequence[int], min_size: tuple[int, int] = (1, 1)) -> tuple[int, int, int]:
    """Return ``input_shape`` as ``(height, width, channels)`` integers, or raise ValueError.

    The error names ``architecture`` and the smallest height and width it accepts, written as
    ``HxW`` (for example ``32x32``).
    """
    shape = tuple(input_shape)
    try:
        if len(shape) != 3 or any(isinstance(size, bool) for size in shape):
            raise TypeError
        height, width, channels = (operator.index(size) for size in shape)
    except TypeError:
        raise ValueError(
            f"{architecture} needs input_shape as (height, width, channels) integers, got {shape!r}"
        ) from None
    min_height, min_width = min_size
    if height < min_height or width < min_width:
        raise ValueError(
            f"{architecture} cannot take {height}x{width} images: the smallest input it accepts is "
            f"{min_height}x{min_width}; resize the images to at least that size"
        )
    if channels < 1:
        raise ValueError(f"{architecture} needs at least 1 input channel, got {channels}")
    return height, width, channels


def check_num_classes(architecture: str, num_classes: int) -> int:
    """Return ``num_classes`` when it is an integer of at least 2, or raise ValueError."""
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"{architecture} needs num_classes to be an integer of at least 2, got {num_classes!r}")
    return num_classes


def scale_width(filters: int, width: float) -> int:
    """Return ``filters * width`` rounded to the nearest integer, and at least 1."""
    return max(1, int(round(filters * width)))

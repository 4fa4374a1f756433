"""Validation of augmentation magnitudes: each check raises ValueError naming the parameter."""

from __future__ import annotations

import math
from typing import Sequence


def check_range(name: str, value: float, low: float, high: float, *, high_inclusive: bool = True) -> None:
    """Raise ValueError unless ``low <= value <= high`` (or ``< high``) and ``value`` is finite."""
    inside = low <= value <= high if high_inclusive else low <= value < high
    if not math.isfinite(value) or not inside:
        upper = "]" if high_inclusive else ")"
        raise ValueError(f"{name} must lie in [{low}, {high}{upper}, got {value}")


def check_value_range(value_range: Sequence[float]) -> tuple[float, float]:
    """Return ``value_range`` as a (low, high) pair of floats, or raise ValueError."""
    if len(value_range) != 2:
        raise ValueError(f"value_range must be (low, high), got {tuple(value_range)}")
    low, high = float(value_range[0]), float(value_range[1])
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"value_range must be finite with low < high, got ({low}, {high})")
    return low, high

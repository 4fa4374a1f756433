"""Factories of the built-in augmentations."""

from __future__ import annotations

from typing import Any, Callable


def identity() -> Callable[[Any], Any]:
    """Build the augmentation that returns training batches unchanged."""

    def apply(images: Any) -> Any:
        return images

    apply.is_identity = True  # type: ignore[attr-defined]
    return apply

"""Numeric precision and XLA compilation of a run.

``training.precision`` is ``float32`` (the default), ``mixed_float16`` or ``mixed_bfloat16``: Keras
mixed-precision policies that compute in 16 bits and keep the weights in float32. Keras wraps the
optimizer in a loss-scale optimizer for ``mixed_float16``, and its losses cast the model's outputs
to float32 before computing. ``training.xla`` is ``true``, ``false`` or ``"auto"`` (Keras decides;
in Keras 3.15 that means XLA on GPUs and off on CPUs).
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from zoo_core.errors import ConfigError

PRECISIONS: tuple[str, ...] = ("float32", "mixed_float16", "mixed_bfloat16")


def check_precision_settings(training: dict[str, Any]) -> None:
    """Fill in and check ``training.precision`` (default float32) and ``training.xla`` (default auto)."""
    training.setdefault("precision", "float32")
    training.setdefault("xla", "auto")
    if training["precision"] not in PRECISIONS:
        raise ConfigError(f"invalid training.precision {training['precision']!r}",
                          f"choose one of: {', '.join(PRECISIONS)}")
    if training["xla"] not in (True, False, "auto"):
        raise ConfigError(f"invalid training.xla {training['xla']!r}", 'give true, false or "auto"')


@contextlib.contextmanager
def precision_policy(name: str) -> Iterator[None]:
    """Set Keras's global dtype policy to ``name`` while layers are built, then restore the old one.

    Layers keep the policy they were created with, so the model stays mixed after the block ends.
    """
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)

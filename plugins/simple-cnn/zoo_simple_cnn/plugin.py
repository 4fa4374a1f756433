"""Registers ``simple-cnn``; this module imports neither TensorFlow nor Keras."""

from __future__ import annotations

from typing import Any

from zoo_core import hookimpl


@hookimpl
def zoo_register_architectures(register: Any) -> None:
    """Register the simple convolutional network."""
    register(
        "simple-cnn",
        "zoo_simple_cnn.model:build_simple_cnn",
        summary="stacked convolution and pooling blocks with a dense head",
        aliases=("cnn",),
        tags=("cnn", "small"),
        metadata={
            "family": "cnn",
            "paper": "LeCun et al., Gradient-based learning applied to document recognition, 1998",
            "outputs": "logits",
        },
    )

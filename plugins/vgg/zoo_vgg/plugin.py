"""Registers the VGG architectures.

Neither this module nor ``zoo_vgg.model`` imports TensorFlow or Keras at import time.
"""

from __future__ import annotations

from typing import Any

from zoo_core import hookimpl
from zoo_vgg.model import MIN_INPUT_SIZE

_MODEL = "zoo_vgg.model"
_PAPER = ("K. Simonyan and A. Zisserman, Very Deep Convolutional Networks for Large-Scale Image "
          "Recognition, ICLR 2015")

#: Name, factory attribute, summary and the input size each configuration was designed for.
_CONFIGURATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("vgg11", "vgg11", "VGG-11 (configuration A): 8 convolutions in 5 stages, 3 dense layers", "224x224x3"),
    ("vgg13", "vgg13", "VGG-13 (configuration B): 10 convolutions in 5 stages, 3 dense layers", "224x224x3"),
    ("vgg16", "vgg16", "VGG-16 (configuration D): 13 convolutions in 5 stages, 3 dense layers", "224x224x3"),
    ("vgg19", "vgg19", "VGG-19 (configuration E): 16 convolutions in 5 stages, 3 dense layers", "224x224x3"),
    ("vgg-small", "vgg_small", "small VGG: 6 convolutions (32-128 filters) in 3 stages with batch normalisation",
     "8x8 to 64x64"),
    ("vgg-tiny", "vgg_tiny", "tiny VGG: 3 convolutions (16-64 filters) in 3 stages with batch normalisation",
     "8x8 to 64x64"),
)


@hookimpl
def zoo_register_architectures(register: Any) -> None:
    """Register the published VGG configurations and the small variants."""
    for name, attribute, summary, designed_for in _CONFIGURATIONS:
        register(
            name,
            f"{_MODEL}:{attribute}",
            summary=summary,
            tags=("vgg", "cnn", "small" if "x64" in designed_for else "imagenet"),
            metadata={
                "family": "vgg",
                "paper": _PAPER,
                "outputs": "logits",
                "designed_for": designed_for,
                "min_input_size": list(MIN_INPUT_SIZE),
            },
        )

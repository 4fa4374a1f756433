"""Registers the ResNet architectures.

Neither this module nor ``zoo_resnet.model`` imports TensorFlow or Keras at import time.
"""

from __future__ import annotations

from typing import Any

from zoo_core import hookimpl
from zoo_resnet.model import MIN_INPUT_SIZE

_MODEL = "zoo_resnet.model"
_PAPER = "K. He, X. Zhang, S. Ren and J. Sun, Deep Residual Learning for Image Recognition, CVPR 2016"

#: Name, summary and the input size each configuration was designed for.
_CONFIGURATIONS: tuple[tuple[str, str, str], ...] = (
    ("resnet20", "CIFAR-style ResNet-20: 3 stages of 3 basic blocks (16/32/64 filters)", "32x32"),
    ("resnet32", "CIFAR-style ResNet-32: 3 stages of 5 basic blocks (16/32/64 filters)", "32x32"),
    ("resnet44", "CIFAR-style ResNet-44: 3 stages of 7 basic blocks (16/32/64 filters)", "32x32"),
    ("resnet56", "CIFAR-style ResNet-56: 3 stages of 9 basic blocks (16/32/64 filters)", "32x32"),
    ("resnet18", "ImageNet-style ResNet-18: 4 stages of basic blocks (2, 2, 2, 2)", "224x224x3"),
    ("resnet34", "ImageNet-style ResNet-34: 4 stages of basic blocks (3, 4, 6, 3)", "224x224x3"),
    ("resnet50", "ImageNet-style ResNet-50: 4 stages of bottleneck blocks (3, 4, 6, 3)", "224x224x3"),
)


@hookimpl
def zoo_register_architectures(register: Any) -> None:
    """Register the CIFAR-style and ImageNet-style residual networks."""
    for name, summary, designed_for in _CONFIGURATIONS:
        register(
            name,
            f"{_MODEL}:{name}",
            summary=summary,
            tags=("resnet", "cnn", "residual", "small" if designed_for == "32x32" else "imagenet"),
            metadata={
                "family": "resnet",
                "paper": _PAPER,
                "outputs": "logits",
                "designed_for": designed_for,
                "min_input_size": list(MIN_INPUT_SIZE),
            },
        )

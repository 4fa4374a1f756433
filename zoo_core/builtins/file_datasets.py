"""Registration of the built-in datasets that read the user's files: folders, IDX, CIFAR, npz.

Factories are ``"module:attribute"`` strings, so registering imports neither Pillow nor
TensorFlow.
"""

from __future__ import annotations

from typing import Any


def register_file_datasets(register: Any) -> None:
    """Register ``image-folder``, ``mnist-idx``, ``cifar`` and ``npz`` with ``register``."""
    register(
        "image-folder",
        "zoo_core.builtins.image_folder:image_folder",
        summary="your own images: one sub-folder per class, optionally inside train/val/test folders",
        aliases=("folder",),
        tags=("builtin", "files"),
    )
    register(
        "mnist-idx",
        "zoo_core.builtins.idx:mnist_idx",
        summary="MNIST, Fashion-MNIST or EMNIST from IDX files (raw or gzip) in a folder",
        aliases=("mnist",),
        tags=("builtin", "files", "grayscale"),
        metadata={"input_shape": [28, 28, 1]},
    )
    register(
        "cifar",
        "zoo_core.builtins.cifar:cifar",
        summary="CIFAR-10 or CIFAR-100 from the Python batch files or their tarball, loaded without running code",
        tags=("builtin", "files", "colour"),
        metadata={"input_shape": [32, 32, 3]},
    )
    register(
        "npz",
        "zoo_core.builtins.npz:npz",
        summary="images and labels stored as arrays in a NumPy .npz file",
        tags=("builtin", "files"),
    )

"""Hook implementations that register the built-in components as the plugin ``core``.

Factories are given as ``"module:attribute"`` strings so that listing components imports
neither those modules' dependencies nor TensorFlow.
"""

from __future__ import annotations

from typing import Any

from zoo_core.hookspecs import hookimpl

_DATASETS = "zoo_core.builtins.datasets"
_OPTIMIZERS = "zoo_core.builtins.optimizers"
_LOSSES = "zoo_core.builtins.losses"
_METRICS = "zoo_core.builtins.metric_factories"
_AUGMENTATIONS = "zoo_core.builtins.augmentations"


@hookimpl
def zoo_register_datasets(register: Any) -> None:
    """Register the built-in datasets."""
    register(
        "digits",
        f"{_DATASETS}:digits",
        summary="1,797 real 8x8 grayscale handwritten digits (10 classes) shipped with scikit-learn",
        tags=("builtin", "grayscale"),
        metadata={"classes": 10, "input_shape": [8, 8, 1], "size": 1797},
    )
    register(
        "synthetic",
        f"{_DATASETS}:synthetic",
        summary="generated images whose classes differ by a pattern, for smoke tests",
        tags=("builtin", "generated"),
    )
    from zoo_core.builtins.file_datasets import register_file_datasets

    register_file_datasets(register)


@hookimpl
def zoo_register_augmentations(register: Any) -> None:
    """Register the identity augmentation."""
    register("none", f"{_AUGMENTATIONS}:identity", summary="no augmentation: images pass unchanged")


@hookimpl
def zoo_register_optimizers(register: Any) -> None:
    """Register the built-in optimizers."""
    register("gd", f"{_OPTIMIZERS}:gradient_descent",
             summary="full-batch gradient descent: one step per epoch on the whole training split",
             metadata={"full_batch": True})
    register("sgd", f"{_OPTIMIZERS}:sgd", summary="stochastic gradient descent on mini-batches")
    register("momentum", f"{_OPTIMIZERS}:momentum", summary="SGD with classical (heavy-ball) momentum")
    register("nesterov", f"{_OPTIMIZERS}:nesterov", summary="SGD with Nesterov momentum")
    register("adam", f"{_OPTIMIZERS}:adam", summary="Adam (Kingma and Ba, 2015)")


@hookimpl
def zoo_register_losses(register: Any) -> None:
    """Register the built-in losses."""
    register("cross-entropy", f"{_LOSSES}:cross_entropy", aliases=("crossentropy", "ce"),
             summary="categorical cross-entropy on integer labels")
    register("mse", f"{_LOSSES}:mean_squared_error",
             summary="mean squared error between one-hot targets and softmax probabilities")


@hookimpl
def zoo_register_metrics(register: Any) -> None:
    """Register the built-in metrics."""
    register("accuracy", f"{_METRICS}:accuracy", summary="fraction of samples classified correctly")
    register("precision", f"{_METRICS}:precision", summary="precision, macro-averaged over classes")
    register("recall", f"{_METRICS}:recall", summary="recall, macro-averaged over classes")
    register("f1", f"{_METRICS}:f1", summary="F1 score, macro-averaged over classes")

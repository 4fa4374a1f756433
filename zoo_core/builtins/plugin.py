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
_SCHEDULES = "zoo_core.builtins.schedules"


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
    """Register the built-in optimizers, each with its default learning rate and update rule."""
    from zoo_core.builtins.optimizers import DEFAULT_LEARNING_RATES

    optimizers = (
        ("gd", "gradient_descent", "full-batch gradient descent: one step per epoch on the whole training split",
         "w -= lr * g"),
        ("sgd", "sgd", "stochastic gradient descent on mini-batches", "w -= lr * g"),
        ("momentum", "momentum", "SGD with classical (heavy-ball) momentum", "v = m * v - lr * g; w += v"),
        ("nesterov", "nesterov", "SGD with Nesterov momentum", "v = m * v - lr * g; w += m * v - lr * g"),
        ("adagrad", "adagrad", "Adagrad (Duchi et al., 2011)", "a += g**2; w -= lr * g / sqrt(a + eps)"),
        ("rmsprop", "rmsprop", "RMSprop (Tieleman and Hinton, 2012)",
         "s = rho * s + (1 - rho) * g**2; w -= lr * g / sqrt(s + eps)"),
        ("adam", "adam", "Adam (Kingma and Ba, 2015)", "bias-corrected first and second moments"),
        ("adamw", "adamw", "AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019)",
         "Adam, then w -= lr * weight_decay * w"),
        ("nadam", "nadam", "Nadam: Adam with Nesterov momentum (Dozat, 2016)", "Adam with a Nesterov first moment"),
    )
    for name, factory, summary, update in optimizers:
        metadata: dict[str, Any] = {"default_learning_rate": DEFAULT_LEARNING_RATES[name], "update": update}
        if name == "gd":
            metadata["full_batch"] = True
        register(name, f"{_OPTIMIZERS}:{factory}", summary=summary, metadata=metadata)


@hookimpl
def zoo_register_schedules(register: Any) -> None:
    """Register the built-in learning-rate schedules."""
    register("constant", f"{_SCHEDULES}:constant", summary="the base learning rate for the whole run")
    register("step", f"{_SCHEDULES}:step_decay", aliases=("step-decay",),
             summary="multiply the rate by gamma every step_size epochs")
    register("exponential", f"{_SCHEDULES}:exponential_decay", aliases=("exponential-decay",),
             summary="multiply the rate by decay_rate per epoch, smoothly at every step")
    register("cosine", f"{_SCHEDULES}:cosine_decay", aliases=("cosine-decay",),
             summary="cosine decay from the base rate to alpha times it over the run")
    register("warmup-cosine", f"{_SCHEDULES}:warmup_cosine",
             summary="linear warm-up from 0 over warmup_epochs, then cosine decay")
    register("plateau", f"{_SCHEDULES}:reduce_on_plateau", aliases=("reduce-on-plateau",),
             summary="multiply the rate by factor when a validation metric stops improving")


@hookimpl
def zoo_register_losses(register: Any) -> None:
    """Register the built-in losses."""
    register("cross-entropy", f"{_LOSSES}:cross_entropy", aliases=("crossentropy", "ce"),
             summary="categorical cross-entropy on integer labels, with optional label smoothing")
    register("mse", f"{_LOSSES}:mean_squared_error",
             summary="squared error between one-hot targets and class probabilities, summed over classes")
    register("focal", f"{_LOSSES}:focal", aliases=("focal-loss",),
             summary="focal loss (Lin et al., 2017): cross-entropy that down-weights easy samples")


@hookimpl
def zoo_register_metrics(register: Any) -> None:
    """Register the built-in metrics."""
    register("accuracy", f"{_METRICS}:accuracy", summary="fraction of samples classified correctly")
    register("top-k-accuracy", f"{_METRICS}:top_k_accuracy", aliases=("top-k",),
             summary="fraction of samples whose true class is among the k most probable")
    register("balanced-accuracy", f"{_METRICS}:balanced_accuracy",
             summary="recall averaged over the classes present in the labels")
    register("kappa", f"{_METRICS}:cohen_kappa", aliases=("cohen-kappa",),
             summary="Cohen's kappa: agreement with the labels beyond chance")
    for score in ("precision", "recall", "f1"):
        label = "F1 score" if score == "f1" else score
        factory = f"{_METRICS}:{score}"
        register(score, factory, summary=f"{label}, macro-averaged over classes")
        register(f"{score}-micro", f"{factory}_micro", summary=f"{label}, micro-averaged (pooled over samples)")
        register(f"{score}-weighted", f"{factory}_weighted",
                 summary=f"{label}, averaged with weights proportional to class support")

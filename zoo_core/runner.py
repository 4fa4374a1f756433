"""The runner: builds one component of each kind, trains, evaluates and writes the run directory.

The run directory holds ``config.json`` (resolved configuration and versions), ``splits.json``
(the sample ids of each split), ``history.csv`` (one row per epoch), ``metrics.json`` (final
metrics keyed by split) and ``model.keras`` (the trained model, with its preprocessing and class
names inside).
"""

from __future__ import annotations

import logging
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from zoo_core import __version__
from zoo_core.data import SPLITS, Dataset
from zoo_core.errors import RunError
from zoo_core.plugins import LoadedPlugins
from zoo_core.resolve import ResolvedRun, resolve_run
from zoo_core.rundir import create_run_dir, save_model_atomic, write_csv_atomic, write_json_atomic

logger = logging.getLogger(__name__)


@dataclass
class RunContext:
    """What lifecycle hooks see of a run: its configuration, directory and built parts."""

    resolved: ResolvedRun
    run_dir: Path
    dataset: Dataset | None = None
    model: Any = None
    splits: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def config(self) -> dict[str, Any]:
        """The resolved configuration, as written to ``config.json``."""
        return describe_config(self.resolved)


@dataclass
class RunResult:
    """The outcome of a finished run."""

    run_dir: Path
    metrics: dict[str, dict[str, float]]
    history: list[dict[str, float]]
    seconds: float


def run(
    config: Mapping[str, Any],
    plugins: LoadedPlugins,
    out: str | Path | None = None,
    overwrite: bool = False,
    show_progress: bool = True,
) -> RunResult:
    """Resolve ``config``, train and evaluate, write the run directory and return the result."""
    started = time.perf_counter()
    resolved = resolve_run(config, plugins.registry)
    label = f"{resolved['architecture'].component.name}-{resolved['dataset'].component.name}"
    run_dir = create_run_dir(out, label, overwrite=overwrite)
    context = RunContext(resolved, run_dir)
    logger.info("run directory: %s", run_dir)
    write_json_atomic(run_dir / "config.json", describe_config(resolved))

    training = resolved.training
    _seed_everything(training["seed"])
    dataset = _build_dataset(resolved)
    context.dataset = dataset
    from zoo_core.splits import make_splits

    splits = make_splits(dataset, training["seed"], training["validation_fraction"], training["test_fraction"])
    context.splits = splits
    _write_splits(run_dir, dataset, splits)

    model, metrics = _build_model(resolved, dataset, splits)
    context.model = model
    _call_hook(plugins, "zoo_run_started", run=context)
    history = _fit(model, resolved, dataset, splits, metrics, plugins, context, show_progress)

    final = evaluate_splits(model, dataset, splits, metrics)
    write_json_atomic(run_dir / "metrics.json", final)
    save_model_atomic(model, run_dir / "model.keras")
    _call_hook(plugins, "zoo_run_finished", run=context, metrics=final)
    seconds = time.perf_counter() - started
    logger.info("run finished in %.1f s: %s", seconds, run_dir)
    return RunResult(run_dir, final, history, seconds)


def describe_config(resolved: ResolvedRun) -> dict[str, Any]:
    """Return the fully resolved configuration with the versions of everything used."""
    import importlib.metadata as metadata

    versions: dict[str, Any] = {"zoo-core": __version__, "python": platform.python_version()}
    for package in ("tensorflow", "keras", "numpy"):
        try:
            versions[package] = __import__(package).__version__ if package == "numpy" else _dist_version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    versions["plugins"] = resolved.distributions()
    return {
        **{section: item.describe() for section, item in resolved.components.items()},
        "metrics": [item.describe() for item in resolved.metrics],
        "training": dict(resolved.training),
        "versions": versions,
    }


def _dist_version(package: str) -> str | None:
    import importlib.metadata as metadata

    for name in (package, f"{package}-cpu"):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def _seed_everything(seed: int) -> None:
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def _build_dataset(resolved: ResolvedRun) -> Dataset:
    item = resolved["dataset"]
    dataset = item.component.build(item.params, seed=resolved.training["seed"])
    if not isinstance(dataset, Dataset):
        raise RunError(
            f"dataset {item.component.id!r} returned {type(dataset).__name__}, not a zoo_core.data.Dataset",
            f"report this to the plugin's author ({item.component.distribution})",
        )
    logger.info("dataset %s: %d samples, %d classes, input %s", dataset.name, len(dataset.labels),
                dataset.num_classes, dataset.input_shape)
    return dataset


def _build_model(resolved: ResolvedRun, dataset: Dataset, splits: Mapping[str, np.ndarray]) -> tuple[Any, list[Any]]:
    """Build and compile the wrapped model; return it with the built metrics."""
    from zoo_core.keras_objects import wrap_model

    arch = resolved["architecture"]
    architecture = arch.component.build(arch.params, input_shape=tuple(dataset.input_shape),
                                        num_classes=dataset.num_classes)
    _check_architecture(arch.component.id, architecture, dataset.num_classes)
    from_logits = arch.component.metadata.get("outputs", "logits") != "probabilities"
    model = wrap_model(architecture, dataset.input_shape, dataset.value_range, dataset.class_names)

    optimizer_item = resolved["optimizer"]
    optimizer = optimizer_item.component.build(optimizer_item.params, learning_rate=resolved.training["learning_rate"])
    loss_item = resolved["loss"]
    loss = loss_item.component.build(loss_item.params, num_classes=dataset.num_classes, from_logits=from_logits)
    model.compile(optimizer=optimizer, loss=loss)
    metrics = [m.component.build(m.params, num_classes=dataset.num_classes, class_names=dataset.class_names)
               for m in resolved.metrics]
    logger.info("model %s: %d trainable parameters", architecture.name,
                int(sum(np.prod(w.shape) for w in model.trainable_weights)))
    return model, metrics


def _check_architecture(component_id: str, architecture: Any, num_classes: int) -> None:
    import keras

    if not isinstance(architecture, keras.Model):
        raise RunError(f"architecture {component_id!r} returned {type(architecture).__name__}, not a keras.Model")
    shape = tuple(architecture.output_shape)
    if shape[-1] != num_classes or len(shape) != 2:
        raise RunError(
            f"architecture {component_id!r} outputs shape {shape}, expected (None, {num_classes})",
            "the model must output one value per class",
        )


def _batch_size(resolved: ResolvedRun, train_size: int) -> int:
    if resolved["optimizer"].component.metadata.get("full_batch"):
        return train_size
    return min(resolved.training["batch_size"], train_size)


def _fit(model: Any, resolved: ResolvedRun, dataset: Dataset, splits: Mapping[str, np.ndarray], metrics: list[Any],
         plugins: LoadedPlugins, context: RunContext, show_progress: bool) -> list[dict[str, float]]:
    """Train ``model`` for the configured epochs and return the per-epoch history."""
    from zoo_core.callbacks import EpochEnd
    from zoo_core.pipeline import training_pipeline

    training = resolved.training
    batch_size = _batch_size(resolved, len(splits["train"]))
    augment = _build_augmentation(resolved, dataset)
    train_data = training_pipeline(dataset, splits["train"], batch_size, training["seed"], augment)

    def score_validation() -> dict[str, float]:
        if splits["validation"].size == 0:
            return {}
        logits = predict_logits(model, dataset, splits["validation"])
        labels = dataset.labels[splits["validation"]]
        scores = {"loss": float(model.loss(labels, logits))}
        probabilities = _softmax(logits)
        scores.update({metric.name: float(metric.compute(labels, probabilities)) for metric in metrics})
        return scores

    def on_epoch(epoch: int, logs: dict[str, float]) -> None:
        write_csv_atomic(context.run_dir / "history.csv", list(epoch_end.history[0]), epoch_end.history)
        _call_hook(plugins, "zoo_epoch_ended", run=context, epoch=epoch, logs=logs)

    epoch_end = EpochEnd(training["epochs"], score_validation, on_epoch, show_progress)
    try:
        model.fit(train_data, epochs=training["epochs"], verbose=0, callbacks=[epoch_end], shuffle=False)
    finally:
        epoch_end.close()
    return epoch_end.history


def _build_augmentation(resolved: ResolvedRun, dataset: Dataset) -> Any:
    item = resolved["augmentation"]
    augment = item.component.build(item.params, value_range=dataset.value_range, seed=resolved.training["seed"])
    if not callable(augment):
        raise RunError(f"augmentation {item.component.id!r} returned {type(augment).__name__}, not a callable")
    return None if getattr(augment, "is_identity", False) else augment


def predict_logits(model: Any, dataset: Dataset, indices: np.ndarray) -> np.ndarray:
    """Return the model outputs (N, C) for the samples at ``indices``, in order."""
    from zoo_core.pipeline import inference_pipeline

    if indices.size == 0:
        return np.zeros((0, dataset.num_classes), dtype=np.float64)
    return np.asarray(model.predict(inference_pipeline(dataset, indices), verbose=0), dtype=np.float64)


def predict_split(model: Any, dataset: Dataset, indices: np.ndarray) -> np.ndarray:
    """Return the class probabilities (N, C) that ``model`` gives the samples at ``indices``."""
    return _softmax(predict_logits(model, dataset, indices))


def evaluate_split(model: Any, dataset: Dataset, indices: np.ndarray, metrics: list[Any]) -> dict[str, float]:
    """Return every metric over the whole split at ``indices``."""
    probabilities = predict_split(model, dataset, indices)
    labels = dataset.labels[indices]
    return {metric.name: float(metric.compute(labels, probabilities)) for metric in metrics}


def evaluate_splits(model: Any, dataset: Dataset, splits: Mapping[str, np.ndarray], metrics: list[Any]) -> dict[str, dict[str, float]]:
    """Return the metrics of every non-empty split, keyed by split name."""
    return {name: evaluate_split(model, dataset, splits[name], metrics) for name in SPLITS if splits[name].size}


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def _write_splits(run_dir: Path, dataset: Dataset, splits: Mapping[str, np.ndarray]) -> None:
    ids = dataset.sample_ids()
    write_json_atomic(run_dir / "splits.json", {
        "class_names": dataset.class_names,
        "counts": {name: int(indices.size) for name, indices in splits.items()},
        "class_counts": {name: np.bincount(dataset.labels[indices], minlength=dataset.num_classes).tolist()
                         for name, indices in splits.items()},
        "ids": {name: [ids[i] for i in indices] for name, indices in splits.items()},
    })


def _call_hook(plugins: LoadedPlugins, name: str, **kwargs: Any) -> None:
    """Call a lifecycle hook on every plugin; an observer that raises is logged and skipped."""
    for impl in getattr(plugins.hook, name).get_hookimpls():
        try:
            impl.function(*(kwargs[arg] for arg in impl.argnames))
        except Exception:  # noqa: BLE001 - an observer must not end the run it observes
            logger.exception("plugin %s raised in %s; the run goes on", impl.plugin_name, name)

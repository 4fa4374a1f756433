"""The runner: builds one component of each kind, trains, evaluates and writes the run directory.

The run directory contains ``config.json`` (resolved configuration and versions), ``run.json``
(status), ``splits.json`` (the sample ids of each split), ``history.csv`` (one row per epoch),
``metrics.json`` (final metrics keyed by split), the per-class reports and test predictions,
checkpoints, plots and ``model.keras`` (the trained model, with its preprocessing and class
names inside). docs/runs.md lists every file.
"""

from __future__ import annotations

import logging
import math
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from zoo_core import __version__
from zoo_core.class_weights import resolve_class_weights, warn_if_imbalanced
from zoo_core.data import SPLITS, Dataset
from zoo_core.errors import RunError
from zoo_core.outputs import check_final_activation, model_outputs, to_probabilities
from zoo_core.plugins import LoadedPlugins
from zoo_core.reports import score_probabilities, write_reports
from zoo_core.resolve import ResolvedRun, resolve_run
from zoo_core.rundir import save_model_atomic, write_csv_atomic, write_json_atomic

logger = logging.getLogger(__name__)


@dataclass
class RunContext:
    """The view of a run that lifecycle hooks receive: configuration, directory and built parts."""

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
    resume: bool = False,
) -> RunResult:
    """Resolve ``config``, train and evaluate, write the run directory and return the result.

    With ``resume``, ``out`` is an existing run directory, and training continues from its last
    checkpoint to the configured number of epochs.
    """
    from zoo_core.session import open_session

    started = time.perf_counter()
    resolved = resolve_run(config, plugins.registry)
    label = f"{resolved['architecture'].component.name}-{resolved['dataset'].component.name}"
    # The strategy comes first: multi-worker training must be set up before any other TensorFlow work.
    session = open_session(resolved.training, out, label, overwrite=overwrite, resume=resume)
    run_dir = session.run_dir
    context = RunContext(resolved, run_dir)
    logger.info("run directory: %s", run_dir)
    if not session.resumed:
        write_json_atomic(run_dir / "config.json", describe_config(resolved))
    try:
        with session.tracked(resolved.training["epochs"]):
            final, history = _train_and_evaluate(resolved, plugins, context, session, show_progress)
    finally:
        session.close()
    seconds = time.perf_counter() - started
    logger.info("run finished in %.1f s: %s", seconds, run_dir)
    return RunResult(run_dir, final, history, seconds)


def _train_and_evaluate(resolved: ResolvedRun, plugins: LoadedPlugins, context: RunContext, session: Any,
                        show_progress: bool) -> tuple[dict[str, dict[str, float]], list[dict[str, float]]]:
    """Build, train and evaluate the model, write the run's files and return (metrics, history)."""
    run_dir = context.run_dir
    training = resolved.training
    _seed_everything(training["seed"], training["xla"])
    dataset = _build_dataset(resolved)
    context.dataset = dataset
    from zoo_core.splits import make_splits
    from zoo_core.data_checks import check_class_count, check_training_classes

    check_class_count(dataset)
    splits = make_splits(dataset, training["seed"], training["validation_fraction"], training["test_fraction"])
    context.splits = splits
    session.check_splits(dataset.sample_ids(), splits)
    _write_splits(run_dir, dataset, splits)
    check_training_classes(dataset, splits["train"])
    warn_if_imbalanced(dataset.labels[splits["train"]], dataset.class_names,
                       suggest_weights=training["class_weight"] != "balanced")

    from zoo_core.precision import precision_policy

    with session.strategy.scope(), precision_policy(training["precision"]):
        model, metrics, schedule_callbacks = _build_model(resolved, dataset, splits)
        session.restore_into(model)
    context.model = model
    _call_hook(plugins, "zoo_run_started", run=context)
    history = _fit(model, resolved, dataset, splits, metrics, plugins, context, show_progress, session,
                   schedule_callbacks)

    probabilities = predict_splits(model, dataset, splits, model_outputs(resolved["architecture"].component))
    final = {name: score_probabilities(dataset.labels[splits[name]], split_probabilities, metrics)
             for name, split_probabilities in probabilities.items()}
    write_json_atomic(run_dir / "metrics.json", final)
    write_reports(run_dir, dataset, splits, probabilities)
    save_model_atomic(model, run_dir / "model.keras")
    from zoo_core.plots import write_run_plots

    write_run_plots(run_dir, history, final, dataset, splits, probabilities)
    _call_hook(plugins, "zoo_run_finished", run=context, metrics=final)
    return final, history


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


def _seed_everything(seed: int, xla: bool | str = "auto") -> None:
    """Seed every generator and make TensorFlow's ops deterministic, unless XLA was requested.

    Keras 3.15 turns XLA off whenever op determinism is on, so ``training.xla = true`` trades
    bit-for-bit reproducibility for compilation.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    if xla is True:
        # NOTE: TensorFlow 2.21 has no public call to turn determinism off once it is on in a process.
        from tensorflow.python.framework import config as tf_config

        tf_config.disable_op_determinism()
        logger.warning("training.xla is true: op determinism is off, so a rerun may differ slightly")
        return
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


def _build_model(resolved: ResolvedRun, dataset: Dataset,
                 splits: Mapping[str, np.ndarray]) -> tuple[Any, list[Any], list[Any]]:
    """Build and compile the wrapped model; return it with the built metrics and schedule callbacks."""
    from zoo_core.optimization import build_optimizer
    from zoo_core.keras_objects import wrap_model

    arch = resolved["architecture"]
    architecture = arch.component.build(arch.params, input_shape=tuple(dataset.input_shape),
                                        num_classes=dataset.num_classes)
    _check_architecture(arch.component.id, architecture, dataset.num_classes)
    outputs = model_outputs(arch.component)
    check_final_activation(arch.component.id, architecture, outputs)
    from_logits = outputs == "logits"
    model = wrap_model(architecture, dataset.input_shape, dataset.value_range, dataset.class_names,
                       decoding=dataset.details.get("decoding"), outputs=outputs,
                       architecture_source={"id": arch.component.id, "distribution": arch.component.distribution,
                                            "version": arch.component.version})

    train_size = len(splits["train"])
    optimizer, schedule_callbacks = build_optimizer(resolved, math.ceil(train_size / _batch_size(resolved, train_size)))
    loss_item = resolved["loss"]
    loss = loss_item.component.build(loss_item.params, num_classes=dataset.num_classes, from_logits=from_logits)
    model.compile(optimizer=optimizer, loss=loss, jit_compile=resolved.training["xla"])
    metrics = [m.component.build(m.params, num_classes=dataset.num_classes, class_names=dataset.class_names)
               for m in resolved.metrics]
    logger.info("model %s: %d trainable parameters", architecture.name,
                int(sum(np.prod(w.shape) for w in model.trainable_weights)))
    return model, metrics, schedule_callbacks


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
         plugins: LoadedPlugins, context: RunContext, show_progress: bool, session: Any,
         schedule_callbacks: Sequence[Any] = ()) -> list[dict[str, float]]:
    """Train ``model`` from the session's first epoch to the configured epochs; return the whole history."""
    from zoo_core.callbacks import EpochEnd
    from zoo_core.pipeline import epochs_pipeline

    training = resolved.training
    batch_size = _batch_size(resolved, len(splits["train"]))
    history = list(session.checkpoint.history) if session.resumed else []
    if session.first_epoch >= training["epochs"]:
        return history
    train_data, steps = epochs_pipeline(
        dataset, splits["train"], batch_size, training["seed"], session.first_epoch, training["epochs"],
        _build_augmentation(resolved, dataset))

    def score_validation() -> dict[str, float]:
        if splits["validation"].size == 0:
            return {}
        logits = predict_logits(model, dataset, splits["validation"])
        labels = dataset.labels[splits["validation"]]
        scores = {"loss": float(model.loss(labels, logits))}
        probabilities = to_probabilities(logits, model_outputs(resolved["architecture"].component))
        scores.update(score_probabilities(labels, probabilities, metrics))
        return scores

    def on_epoch(epoch: int, logs: dict[str, float]) -> None:
        write_csv_atomic(context.run_dir / "history.csv", list(epoch_end.history[0]), epoch_end.history)

    def after_checkpoint(epoch: int) -> None:
        _call_hook(plugins, "zoo_epoch_ended", run=context, epoch=epoch, logs=epoch_end.history[-1])

    epoch_end = EpochEnd(training["epochs"], score_validation, on_epoch, show_progress, history)
    callbacks = [epoch_end, *schedule_callbacks]
    for callback in schedule_callbacks:
        callback.bind_logs(lambda: epoch_end.history[-1] if epoch_end.history else {})
    session.restore_callbacks(schedule_callbacks)
    class_weight = resolve_class_weights(training["class_weight"], dataset.labels[splits["train"]], dataset.class_names)
    if training.get("tensorboard"):
        import keras

        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(context.run_dir / "tensorboard")))
    # Last, so that the checkpoint contains what the schedule callbacks changed at this epoch's end.
    callbacks.append(session.checkpoint_callback(model, epoch_end, schedule_callbacks, after_checkpoint))
    from zoo_core.strategy import prepare_fit

    prepare_fit(model, session.strategy, train_data)
    try:
        model.fit(train_data, epochs=training["epochs"], initial_epoch=session.first_epoch, steps_per_epoch=steps,
                  verbose=0, callbacks=callbacks, shuffle=False, class_weight=class_weight)
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
    from zoo_core.strategy import predict_outputs

    return predict_outputs(model, inference_pipeline(dataset, indices))


def predict_split(model: Any, dataset: Dataset, indices: np.ndarray, outputs: str = "logits") -> np.ndarray:
    """Return the class probabilities (N, C) that ``model`` gives the samples at ``indices``.

    ``outputs`` is ``"logits"`` or ``"probabilities"``, and softmax is applied to logits only.
    """
    return to_probabilities(predict_logits(model, dataset, indices), outputs)


def predict_splits(model: Any, dataset: Dataset, splits: Mapping[str, np.ndarray],
                   outputs: str = "logits") -> dict[str, np.ndarray]:
    """Return the class probabilities of every non-empty split, keyed by split name."""
    return {name: predict_split(model, dataset, splits[name], outputs) for name in SPLITS if splits[name].size}


def evaluate_split(model: Any, dataset: Dataset, indices: np.ndarray, metrics: list[Any],
                   outputs: str = "logits") -> dict[str, float]:
    """Return every metric over the whole split at ``indices``."""
    probabilities = predict_split(model, dataset, indices, outputs)
    return score_probabilities(dataset.labels[indices], probabilities, metrics)


def evaluate_splits(model: Any, dataset: Dataset, splits: Mapping[str, np.ndarray], metrics: list[Any],
                    outputs: str = "logits") -> dict[str, dict[str, float]]:
    """Return the metrics of every non-empty split, keyed by split name."""
    return {name: score_probabilities(dataset.labels[splits[name]], probabilities, metrics)
            for name, probabilities in predict_splits(model, dataset, splits, outputs).items()}


def _write_splits(run_dir: Path, dataset: Dataset, splits: Mapping[str, np.ndarray]) -> None:
    ids = dataset.sample_ids()
    write_json_atomic(run_dir / "splits.json", {
        "class_names": dataset.class_names,
        "counts": {name: int(indices.size) for name, indices in splits.items()},
        "class_counts": {name: np.bincount(dataset.labels[indices], minlength=dataset.num_classes).tolist()
                         for name, indices in splits.items()},
        "ids": {name: [ids[i] for i in indices] for name, indices in splits.items()},
        # What the loader found: source path, class-order rule, skipped files with reasons...
        "dataset": _json_safe(dataset.details),
    })


def _json_safe(value: Any) -> Any:
    """Return ``value`` with mapping keys made strings, so that any loader's details fit in JSON."""
    if isinstance(value, Mapping):
        return {_json_key(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def _json_key(key: Any) -> str:
    """Return a mapping key as text: an image size (height, width) becomes ``"HxW"``."""
    if isinstance(key, tuple):
        return "x".join(str(part) for part in key)
    return str(key)


def _call_hook(plugins: LoadedPlugins, name: str, **kwargs: Any) -> None:
    """Call a lifecycle hook on every plugin; an observer that raises is logged and skipped."""
    for impl in getattr(plugins.hook, name).get_hookimpls():
        try:
            impl.function(*(kwargs[arg] for arg in impl.argnames))
        except Exception:  # noqa: BLE001 - an observer must not end the run it observes
            logger.exception("plugin %s raised in %s; the run goes on", impl.plugin_name, name)

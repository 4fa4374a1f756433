"""Evaluation of a finished run's saved model on a dataset or split, written next to the run.

The model is loaded as ``zoo predict`` loads it, the dataset is built by its registered factory
(as ``zoo run`` builds it), and the metrics are computed over the whole selection at once.
Results go to ``RUN_DIR/evaluations/NAME.json``; an existing file is never replaced, a numeric
suffix is added instead.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from zoo_core.components import validate_parameters
from zoo_core.config import apply_overrides, split_component
from zoo_core.data import SPLITS, Dataset
from zoo_core.errors import ConfigError, RunError
from zoo_core.plugins import LoadedPlugins
from zoo_core.rundir import write_json_atomic

logger = logging.getLogger(__name__)

EVALUATIONS_FOLDER = "evaluations"
SELECTIONS: tuple[str, ...] = (*SPLITS, "all")


def evaluation_config(run_dir: Path, dataset: str | None, overrides: Sequence[str],
                      metrics: Sequence[str]) -> dict[str, Any]:
    """Return the ``dataset``, ``metrics`` and ``training`` tables to evaluate with.

    They start from the run's ``config.json``: ``dataset`` names another dataset (its parameters
    then start from its defaults), ``overrides`` are ``dataset.KEY=VALUE`` settings, and
    ``metrics`` replaces the run's metrics.
    """
    path = run_dir / "config.json"
    if not path.is_file():
        raise RunError(f"{run_dir} is not a run directory: it has no config.json", "pass the folder that zoo run wrote")
    recorded = json.loads(path.read_text(encoding="utf-8"))
    own = recorded["dataset"]
    config: dict[str, Any] = {
        "dataset": {"name": own.get("id") or own["name"], **own.get("params", {})},
        "metrics": [{"name": m.get("id") or m["name"], **m.get("params", {})} for m in recorded.get("metrics", [])],
        "training": dict(recorded.get("training", {})),
    }
    if dataset is not None and dataset not in (own.get("name"), own.get("id")):
        config["dataset"] = {"name": dataset}
    for text in overrides:
        if not text.partition("=")[0].strip().startswith("dataset."):
            raise ConfigError(f"zoo evaluate accepts only dataset settings, got --set {text!r}",
                              "write them as --set dataset.KEY=VALUE")
    config = apply_overrides(config, overrides)
    if metrics:
        config["metrics"] = [{"name": name} for name in metrics]
    return config


def build_evaluation_parts(config: Mapping[str, Any], plugins: LoadedPlugins, class_names: Sequence[str]
                           ) -> tuple[Dataset, list[Any]]:
    """Build the dataset and the metrics of an evaluation ``config``."""
    name, params = split_component(config["dataset"])
    component = plugins.registry.get("dataset", name)
    seed = int(config["training"].get("seed", 0))
    dataset = component.build(validate_parameters(component, params), seed=seed)
    if not isinstance(dataset, Dataset):
        raise RunError(f"dataset {component.id!r} returned {type(dataset).__name__}, not a zoo_core.data.Dataset")
    built = []
    for table in config["metrics"]:
        metric_name, metric_params = split_component(table)
        metric = plugins.registry.get("metric", metric_name)
        built.append(metric.build(validate_parameters(metric, metric_params), num_classes=len(class_names),
                                  class_names=list(class_names)))
    return dataset, built


def check_compatible(dataset: Dataset, input_shape: Sequence[int], class_names: Sequence[str]) -> None:
    """Raise RunError unless ``dataset`` has the model's input shape and class names, in order."""
    if tuple(dataset.input_shape) != tuple(input_shape):
        raise RunError(
            f"dataset {dataset.name!r} has images of shape {tuple(dataset.input_shape)}, "
            f"the model takes {tuple(input_shape)}",
            "set the dataset's image_size and channels to match, e.g. --set dataset.image_size=...",
        )
    if list(dataset.class_names) != list(class_names):
        raise RunError(
            f"dataset {dataset.name!r} has classes {list(dataset.class_names)}, "
            f"the model was trained on {list(class_names)}",
            "evaluate on data with the same class folders; the class order follows the dataset's rule",
        )


def select_indices(dataset: Dataset, training: Mapping[str, Any], selection: str) -> np.ndarray:
    """Return the sample indices of ``selection``: a split drawn as the run drew it, or ``all``."""
    if selection == "all":
        return np.arange(len(dataset.labels))
    if selection not in SPLITS:
        raise ConfigError(f"unknown split {selection!r}", f"choose one of: {', '.join(SELECTIONS)}")
    from zoo_core.splits import make_splits

    splits = make_splits(dataset, int(training.get("seed", 0)), float(training.get("validation_fraction", 0.15)),
                         float(training.get("test_fraction", 0.15)))
    if splits[selection].size == 0:
        raise RunError(f"the {selection} split of dataset {dataset.name!r} is empty", "choose another --split")
    return splits[selection]


def evaluate_run(run_dir: Path, config: Mapping[str, Any], selection: str | None, plugins: LoadedPlugins,
                 name: str | None = None) -> tuple[Path, dict[str, Any]]:
    """Evaluate the run's model on ``config``'s dataset, write the result file and return its path and data.

    ``selection`` defaults to ``test`` when the dataset is the run's own, else ``all``.
    """
    from zoo_core.outputs import to_probabilities
    from zoo_core.predict import load_model, model_path, read_model_info
    from zoo_core.reports import score_probabilities
    from zoo_core.runner import predict_logits

    path = model_path(run_dir)
    info = read_model_info(path)
    model = load_model(path, info, plugins)
    dataset, metrics = build_evaluation_parts(config, plugins, info.class_names)
    check_compatible(dataset, info.input_shape, info.class_names)
    own = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))["dataset"]
    same_dataset = config["dataset"].get("name") in (own.get("id"), own.get("name"))
    selection = selection or ("test" if same_dataset else "all")
    indices = select_indices(dataset, config["training"], selection)
    started = time.perf_counter()
    probabilities = to_probabilities(predict_logits(model, dataset, indices), info.outputs)
    scores = score_probabilities(dataset.labels[indices], probabilities, metrics)
    result = {
        "dataset": dict(config["dataset"]),
        "split": selection,
        "samples": int(indices.size),
        "metrics": scores,
        "model": str(path),
        "evaluated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(time.perf_counter() - started, 3),
    }
    target = _result_path(run_dir, name or f"{dataset.name}-{selection}")
    write_json_atomic(target, result)
    logger.info("evaluation written to %s", target)
    return target, result


def _result_path(run_dir: Path, name: str) -> Path:
    folder = run_dir / EVALUATIONS_FOLDER
    folder.mkdir(exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    path = folder / f"{safe}.json"
    suffix = 2
    while path.exists():
        path = folder / f"{safe}-{suffix}.json"
        suffix += 1
    return path

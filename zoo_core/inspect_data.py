"""Dataset reports for use before training: classes, splits, image facts and bad files.

Inspection builds the dataset as a run would, but never imports TensorFlow. A dataset factory
with an ``on_error`` parameter is built with ``on_error="skip"`` so that every file that cannot
be decoded is listed, each marked with what the user's setting does to it at run time. When the
user's setting is ``"stop"``, log records that a loader marks with the attribute ``skipped_files``
(``logger.warning(..., extra={"skipped_files": count})``) are dropped, because those files would
stop the run rather than be skipped, as the report states.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Mapping

import numpy as np

from zoo_core.components import validate_parameters
from zoo_core.config import validate_training
from zoo_core.data import SPLITS, Dataset
from zoo_core.registry import Registry


def inspect_dataset(registry: Registry, name: str, params: Mapping[str, Any],
                    training: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the dataset ``name`` with ``params`` and return a JSON-ready report of its contents.

    The splits are those a run would use with the ``training`` settings (seed and fractions):
    split folders or files found on disk, and the rest drawn from the seed.
    """
    from zoo_core.splits import make_splits

    component = registry.get("dataset", name)
    checked = validate_parameters(component, params)
    settings = validate_training(training or {})
    on_error = checked.get("on_error", "stop")
    build_params = dict(checked)
    if "on_error" in component.parameters():
        build_params["on_error"] = "skip"
    with _dropping_skip_warnings(on_error != "skip"):
        dataset = component.build(build_params, seed=settings["seed"])
    splits = make_splits(dataset, settings["seed"], settings["validation_fraction"], settings["test_fraction"])
    details = dict(dataset.details)
    return {
        "dataset": component.id,
        "parameters": checked,
        "samples": int(len(dataset.labels)),
        "input_shape": list(dataset.input_shape),
        "value_range": list(dataset.value_range),
        "splits": _describe_splits(dataset, splits),
        "classes": _describe_classes(dataset, splits),
        "image_sizes": details.pop("image_sizes", {}),
        "image_modes": details.pop("image_modes", {}),
        "problems": _describe_problems(details.pop("skipped", []), on_error),
        "warnings": _check_classes(dataset, splits),
        "ignored": details.pop("ignored", []),
        "details": {key: value for key, value in details.items() if key != "skipped_count"},
    }


class _SkipWarningFilter(logging.Filter):
    """Drop log records that a loader marks with the attribute ``skipped_files``."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not hasattr(record, "skipped_files")


@contextmanager
def _dropping_skip_warnings(active: bool) -> Iterator[None]:
    """Drop marked records at the handlers of the root and ``zoo_core`` loggers while active.

    Handler filters see records propagated from child loggers, which logger filters do not.
    """
    if not active:
        yield
        return
    handlers = {*logging.getLogger().handlers, *logging.getLogger("zoo_core").handlers}
    if logging.lastResort is not None:
        handlers.add(logging.lastResort)
    drop = _SkipWarningFilter()
    for handler in handlers:
        handler.addFilter(drop)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(drop)


def _describe_splits(dataset: Dataset, splits: Mapping[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    return {
        name: {"count": int(splits[name].size), "origin": "on disk" if name in dataset.splits else "drawn from the seed"}
        for name in SPLITS
    }


def _describe_classes(dataset: Dataset, splits: Mapping[str, np.ndarray]) -> list[dict[str, Any]]:
    per_split = {name: np.bincount(dataset.labels[splits[name]], minlength=dataset.num_classes) for name in SPLITS}
    return [
        {"index": index, "name": class_name, "counts": {name: int(per_split[name][index]) for name in SPLITS}}
        for index, class_name in enumerate(dataset.class_names)
    ]


def _check_classes(dataset: Dataset, splits: Mapping[str, np.ndarray]) -> list[dict[str, str]]:
    """Return the class problems of ``dataset`` and ``splits``, each with what a run does about it.

    A run stops when the dataset has fewer than two classes or a class has no training sample.
    A class missing from a non-empty validation or test split only leaves its scores there undefined.
    """
    if dataset.num_classes < 2:
        found = f"{dataset.num_classes} class" + ("" if dataset.num_classes == 1 else "es")
        names = ", ".join(repr(name) for name in dataset.class_names) or "none"
        return [{"message": f"the dataset has {found} ({names}), and training needs at least 2",
                 "action": "stops the run"}]
    warnings: list[dict[str, str]] = []
    for split in SPLITS:
        if split != "train" and splits[split].size == 0:
            continue
        counts = np.bincount(dataset.labels[splits[split]], minlength=dataset.num_classes)
        missing = [repr(name) for name, count in zip(dataset.class_names, counts) if count == 0]
        if not missing:
            continue
        subject = f"class {missing[0]} has" if len(missing) == 1 else f"classes {', '.join(missing)} have"
        if split == "train":
            warnings.append({"message": f"{subject} no training samples, so the model cannot learn "
                                        f"{'it' if len(missing) == 1 else 'them'}", "action": "stops the run"})
        else:
            warnings.append({"message": f"{subject} no {split} samples, so {split} scores for "
                                        f"{'it' if len(missing) == 1 else 'them'} are undefined",
                             "action": "warning"})
    return warnings


def _describe_problems(skipped: list[dict[str, str]], on_error: str) -> list[dict[str, str]]:
    action = "skipped" if on_error == "skip" else "stops the run"
    return [{"file": item["file"], "reason": item["reason"], "action": action} for item in skipped]


#: The text report lists every image size up to this many distinct sizes, and summarises more.
LISTED_SIZES = 5


def _render_counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{value} ({count})" for value, count in counts.items())


def _render_sizes(sizes: Mapping[str, int]) -> list[str]:
    """Return the text lines for the ``WIDTHxHEIGHT`` size counts, summarised when there are many."""
    title = "image sizes (width x height)"
    if len(sizes) <= LISTED_SIZES:
        return [f"{title}: {_render_counts(sizes)}"]
    summary = f"{title}: {len(sizes)} distinct"
    parsed = [re.fullmatch(r"(\d+)x(\d+)", key) for key in sizes]
    if all(parsed):
        widths = [int(match.group(1)) for match in parsed]
        heights = [int(match.group(2)) for match in parsed]
        summary += f", width {min(widths)} to {max(widths)}, height {min(heights)} to {max(heights)}"
    common = dict(sorted(sizes.items(), key=lambda item: -item[1])[:LISTED_SIZES])
    return [summary, f"  most common: {_render_counts(common)} (--json lists all)"]


def render_report(report: Mapping[str, Any]) -> str:
    """Return the text form of :func:`inspect_dataset`'s report."""
    lines = [f"dataset {report['dataset']}: {report['samples']} samples, input shape "
             f"{'x'.join(str(side) for side in report['input_shape'])}"]
    lines.append("splits: " + ", ".join(f"{name} {info['count']} ({info['origin']})"
                                        for name, info in report["splits"].items()))
    lines.append("classes (index, name, train/validation/test):")
    for item in report["classes"]:
        counts = "/".join(str(item["counts"][name]) for name in SPLITS)
        lines.append(f"  {item['index']:>3}  {item['name']}  {counts}")
    if report["image_sizes"]:
        lines.extend(_render_sizes(report["image_sizes"]))
    if report["image_modes"]:
        lines.append("image modes: " + _render_counts(report["image_modes"]))
    if report["problems"]:
        lines.append(f"files that cannot be decoded: {len(report['problems'])}")
        lines.extend(f"  {p['file']}: {p['reason']} [{p['action']}]" for p in report["problems"])
    else:
        lines.append("files that cannot be decoded: none")
    if report["warnings"]:
        lines.append(f"class warnings: {len(report['warnings'])}")
        lines.extend(f"  {item['message']} [{item['action']}]" for item in report["warnings"])
    if report["ignored"]:
        lines.append(f"files not read: {len(report['ignored'])}")
        lines.extend(f"  {item['file']}: {item['reason']}" for item in report["ignored"])
    return "\n".join(lines)

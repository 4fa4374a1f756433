"""Checks of a sweep's ranking settings (``sort_by``, ``split``, ``target``), made before any training.

The names a sweep may sort by are the keys its metrics write into ``metrics.json`` and the timing
columns of the results table. A metric's key is the ``name`` of the built metric object, which can
differ from the component's name (``top-k-accuracy`` with ``k = 3`` writes ``top-3-accuracy``), so
each metric is built once here.
"""

from __future__ import annotations

import difflib
import logging
import math
from typing import Any, Iterable

from zoo_core.errors import ConfigError, ZooError

logger = logging.getLogger(__name__)

SPLITS = ("train", "validation", "test")
#: Results columns that every sweep has, and those it has only with a target.
TIMING_COLUMNS = ("train_seconds",)
TARGET_COLUMNS = ("seconds_to_target", "epoch_to_target")
#: Number of classes the metrics are built for here, since no dataset is loaded before training.
# NOTE: a metric whose name depends on the number of classes gets a name here that its runs may
# not write, and one that cannot be built for 1000 classes is known by its component name.
_PROBE_CLASSES = 1000
#: Value ranges of the built-in metrics that do not lie between 0 and 1.
_CORE_METRIC_RANGES = {"kappa": (-1.0, 1.0)}


def check_ranking(plan: Any, resolved_runs: Iterable[Any]) -> None:
    """Raise ConfigError when the plan's sort_by, split, ascending, target or target_metric is invalid.

    ``plan`` is a ``SweepPlan`` and ``resolved_runs`` the ``ResolvedRun`` of each combination.
    """
    keys: dict[str, tuple[str, str]] = {}
    for resolved in resolved_runs:
        for item in resolved.metrics:
            keys.setdefault(metric_key(item), (item.component.plugin, item.component.name))
    _check_split(plan)
    columns = [*TIMING_COLUMNS, *(TARGET_COLUMNS if plan.target is not None else ())]
    _check_choice("sort_by", plan.sort_by, [*keys, *columns], "a metric of this sweep or a results column")
    if not isinstance(plan.ascending, bool):
        raise ConfigError(f"[sweep] ascending must be true or false, got {plan.ascending!r}",
                          "write ascending = true to sort lowest first")
    if plan.target is None:
        return
    _check_choice("target_metric", plan.target_metric, list(keys), "a metric of this sweep")
    _check_target(plan.target, plan.target_metric, *keys[plan.target_metric])


def metric_key(item: Any) -> str:
    """Return the key under which a resolved metric writes its value into ``metrics.json``."""
    try:
        metric = item.component.build(item.params, num_classes=_PROBE_CLASSES,
                                      class_names=[str(index) for index in range(_PROBE_CLASSES)])
    except (ZooError, ValueError, TypeError) as error:
        logger.debug("metric %s could not be built before training (%s); using its component name",
                     item.component.id, error)
        return item.component.name
    return str(getattr(metric, "name", item.component.name))


def _check_split(plan: Any) -> None:
    if plan.split not in SPLITS:
        raise ConfigError(f"[sweep] split must be one of {', '.join(SPLITS)}, got {plan.split!r}",
                          _did_you_mean(plan.split, SPLITS))


def _check_choice(setting: str, value: Any, accepted: list[str], expected: str) -> None:
    if isinstance(value, str) and value in accepted:
        return
    raise ConfigError(f"[sweep] {setting} {value!r} is not {expected}", _did_you_mean(value, accepted))


def _check_target(target: Any, metric: str, plugin: str, component: str) -> None:
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not math.isfinite(target):
        raise ConfigError(f"[sweep] target must be a number, got {target!r}",
                          f"write the validation {metric} to reach, e.g. target = 0.9")
    # Plugin metrics declare no value range, so any finite target is accepted for them.
    if plugin != "core":
        return
    low, high = _CORE_METRIC_RANGES.get(component, (0.0, 1.0))
    if not low <= target <= high:
        raise ConfigError(f"[sweep] target {target} is outside the range of {metric}, {low:g} to {high:g}",
                          f"write a fraction, e.g. target = 0.9 for 90% {metric}")


def _did_you_mean(value: Any, accepted: Iterable[str]) -> str:
    accepted = list(accepted)
    close = difflib.get_close_matches(str(value), accepted, n=1) if isinstance(value, str) else []
    prefix = f"did you mean {close[0]!r}? " if close else ""
    return f"{prefix}Accepted values: {', '.join(accepted)}"

"""``zoo sweep``: run the cross product of configuration values, one run directory per combination.

A sweep file is a run configuration (the tables of ``zoo run --config``) plus a ``[sweep]`` table::

    [sweep]
    sort_by = "accuracy"      # metric that orders the results table
    split = "test"            # split whose metrics the table shows
    target = 0.9              # optional: time until the validation metric reaches this value

    [sweep.grid]
    "architecture.name" = ["simple-cnn", "vgg11"]
    "training.learning_rate" = [0.01, 0.001]
    "training.seed" = [0, 1]

A grid key is ``section.key`` (as with ``--set``) or a bare section whose values are whole
component tables, such as ``architecture = [{name = "simple-cnn", filters = 8}, {name = "vgg11"}]``.
Each combination's run directory is named after its values and a hash of its whole configuration.
A rerun finds the runs that finished (those with ``metrics.json``) and skips them. A changed
setting outside the grid, such as ``training.epochs``, gives every combination a new folder.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import logging
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from zoo_core import hookimpl
from zoo_core.config import COMPONENT_SECTIONS, default_config, merge_config
from zoo_core.errors import ConfigError, ZooError
from zoo_core.plugins import LoadedPlugins
from zoo_core.rundir import write_json_atomic

logger = logging.getLogger(__name__)

#: File in each run directory with the wall-clock time of every epoch, written by the sweep.
TIMING_FILE = "sweep_timing.json"
_SWEEP_KEYS = ("grid", "sort_by", "split", "target", "target_metric", "ascending")


@dataclass
class SweepPlan:
    """A base configuration, the grid of values to combine, and how to rank the results."""

    base: dict[str, Any]
    grid: dict[str, list[Any]]
    sort_by: str = "accuracy"
    split: str = "test"
    ascending: bool = False
    #: Value of the validation metric ``target_metric`` that counts as reached, or None.
    target: float | None = None
    target_metric: str = "accuracy"
    source: str = "sweep"

    def combinations(self) -> list[dict[str, Any]]:
        """Return every combination of grid values, as grid key to value, in file order."""
        keys = list(self.grid)
        return [dict(zip(keys, values)) for values in itertools.product(*(self.grid[k] for k in keys))]

    def run_dir_name(self, values: Mapping[str, Any]) -> str:
        """Return the run directory name of one combination of this plan's grid."""
        return run_dir_name(values, combination_config(self.base, values))


@dataclass
class SweepRun:
    """One combination of a sweep and what became of it."""

    values: dict[str, Any]
    run_dir: Path
    status: str = "pending"  # finished, skipped (finished earlier), failed
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    train_seconds: float | None = None
    seconds_to_target: float | None = None
    epoch_to_target: int | None = None
    error: str = ""


def load_sweep(path: str | Path) -> SweepPlan:
    """Read a sweep file and return its plan; raises ConfigError on a missing or invalid grid."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"sweep file not found: {path}", "give the path of a TOML file with a [sweep.grid] table")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML in {path}: {error}", "fix the syntax at the line and column given") from None
    sweep = data.pop("sweep", None)
    if not isinstance(sweep, Mapping) or not isinstance(sweep.get("grid"), Mapping) or not sweep["grid"]:
        raise ConfigError(f"{path} has no [sweep.grid] table",
                          'add [sweep.grid] with lists of values, e.g. "training.learning_rate" = [0.01, 0.001]')
    unknown = sorted(set(sweep) - set(_SWEEP_KEYS))
    if unknown:
        noun = "key" if len(unknown) == 1 else "keys"
        raise ConfigError(f"unknown {noun} in [sweep] of {path}: {', '.join(unknown)}",
                          f"the keys are: {', '.join(_SWEEP_KEYS)}")
    grid = {key: _grid_values(key, values, path) for key, values in sweep["grid"].items()}
    options = {key: sweep[key] for key in _SWEEP_KEYS[1:] if key in sweep}
    return SweepPlan(base=merge_config(default_config(), data, source=str(path)), grid=grid,
                     source=path.stem, **options)


def _grid_values(key: str, values: Any, path: Path) -> list[Any]:
    if not isinstance(values, list) or not values:
        raise ConfigError(f"[sweep.grid] {key} in {path} must be a non-empty list",
                          f'write it as "{key}" = [first, second]')
    section = key.split(".")[0]
    if section not in (*COMPONENT_SECTIONS, "training"):
        raise ConfigError(f"[sweep.grid] key {key!r} in {path} names no table",
                          f"start it with one of: {', '.join((*COMPONENT_SECTIONS, 'training'))}")
    if "." not in key and section == "training":
        raise ConfigError(f"[sweep.grid] key {key!r} in {path} needs a setting", 'write e.g. "training.seed"')
    return values


def combination_config(base: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` with one combination's values applied.

    A new component name replaces that component's table, as ``--set`` does; names are applied
    before parameters, so ``architecture.name`` and ``architecture.filters`` combine.
    """
    config = copy.deepcopy(dict(base))
    ordered = sorted(values.items(), key=lambda item: not (item[0].endswith(".name") or "." not in item[0]))
    for key, value in ordered:
        section, *rest = key.split(".")
        if not rest:
            config[section] = {"name": value} if isinstance(value, str) else dict(value)
        elif rest == ["name"] and section in COMPONENT_SECTIONS:
            if value != config[section].get("name"):
                config[section] = {"name": value}
        else:
            target = config[section]
            for part in rest[:-1]:
                target = target.setdefault(part, {})
            target[rest[-1]] = value
    return config


def run_dir_name(values: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """Return a folder name made of the combination's values and a hash of its configuration.

    ``config`` is the combination's whole configuration (``combination_config``). The same
    configuration gives the same name whatever the grid's order, and any changed setting, in the
    grid or not, gives another name, so an edited sweep file never reuses an older run's results.
    """
    text = json.dumps(config, sort_keys=True, default=str)
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    readable = "_".join(format_value(values[key]) for key in sorted(values))
    readable = re.sub(r"[^A-Za-z0-9._=+-]+", "-", readable).strip("-")[:60]
    return f"{readable}-{digest}" if readable else digest


def format_value(value: Any) -> str:
    """Return a grid value as the tables show it: a component table as ``name(key=value, ...)``."""
    if isinstance(value, Mapping):
        params = ", ".join(f"{k}={v}" for k, v in value.items() if k != "name")
        return f"{value.get('name', '?')}({params})" if params else str(value.get("name", "?"))
    return str(value)


def check_sweep(plan: SweepPlan, plugins: LoadedPlugins) -> None:
    """Resolve every combination and check the ranking settings before any training.

    A wrong component name, parameter, ``sort_by``, ``split`` or ``target`` fails at once.
    """
    from zoo_core.resolve import resolve_run
    from zoo_core.sweep_checks import check_ranking

    resolved_runs = []
    for values in plan.combinations():
        try:
            resolved_runs.append(resolve_run(combination_config(plan.base, values), plugins.registry))
        except ZooError as error:
            combination = ", ".join(f"{k}={format_value(v)}" for k, v in values.items())
            raise type(error)(f"in the combination {combination}: {error.message}", error.hint) from None
    check_ranking(plan, resolved_runs)


def stale_run_dirs(out: str | Path, runs: list[SweepRun]) -> list[Path]:
    """Return the run directories in ``out`` that belong to no combination of ``runs``.

    They hold runs of an earlier version of the sweep file, with other settings.
    """
    current = {sweep_run.run_dir.name for sweep_run in runs}
    return sorted(path.parent for path in Path(out).glob("*/config.json") if path.parent.name not in current)


def run_sweep(plan: SweepPlan, plugins: LoadedPlugins, out: str | Path, show_progress: bool = True,
              announce: Callable[[int, int, SweepRun], None] | None = None) -> list[SweepRun]:
    """Run every combination that has not finished in ``out`` and return all of them, finished or not."""
    check_sweep(plan, plugins)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs = [SweepRun(values, out / plan.run_dir_name(values)) for values in plan.combinations()]
    write_json_atomic(out / "sweep.json", {
        "source": plan.source, "base": plan.base, "grid": plan.grid,
        "runs": [{"values": r.values, "run_dir": r.run_dir.name} for r in runs],
    })
    clock = EpochClock(plan.target_metric, plan.target)
    plugins.manager.register(clock, name="zoo-sweep-clock")
    try:
        for position, sweep_run in enumerate(runs):
            if announce is not None:
                announce(position, len(runs), sweep_run)
            _run_one(plan, plugins, sweep_run, show_progress)
    finally:
        plugins.manager.unregister(clock)
    return runs


def _run_one(plan: SweepPlan, plugins: LoadedPlugins, sweep_run: SweepRun, show_progress: bool) -> None:
    from zoo_core.runner import run

    if (sweep_run.run_dir / "metrics.json").is_file():
        sweep_run.status = "skipped"
        logger.info("skipping %s: it has metrics.json", sweep_run.run_dir)
    else:
        config = combination_config(plan.base, sweep_run.values)
        try:
            run(config, plugins, out=sweep_run.run_dir, overwrite=True, show_progress=show_progress)
            sweep_run.status = "finished"
        except ZooError as error:
            sweep_run.status, sweep_run.error = "failed", error.message
            logger.warning("run %s failed: %s", sweep_run.run_dir.name, error.message)
        except Exception as error:  # noqa: BLE001 - one broken combination must not end the sweep
            sweep_run.status, sweep_run.error = "failed", f"{type(error).__name__}: {error}"
            logger.exception("run %s failed", sweep_run.run_dir.name)
        finally:
            _clear_keras_session()
    _read_results(sweep_run)


def _read_results(sweep_run: SweepRun) -> None:
    metrics_path = sweep_run.run_dir / "metrics.json"
    if metrics_path.is_file():
        sweep_run.metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    timing_path = sweep_run.run_dir / TIMING_FILE
    if timing_path.is_file():
        timing = json.loads(timing_path.read_text(encoding="utf-8"))
        sweep_run.train_seconds = timing.get("train_seconds")
        sweep_run.seconds_to_target = timing.get("seconds_to_target")
        sweep_run.epoch_to_target = timing.get("epoch_to_target")


def _clear_keras_session() -> None:
    import keras

    keras.backend.clear_session()


class EpochClock:
    """A run observer that writes the wall-clock time of each epoch into the run directory.

    It records the training seconds and, with a ``target``, the first epoch (and its time) at
    which the validation metric ``val_<metric>`` reached it.
    """

    def __init__(self, metric: str, target: float | None) -> None:
        self.metric = metric
        self.target = target
        self.started = 0.0
        self.timing: dict[str, Any] = {}

    @hookimpl
    def zoo_run_started(self, run: Any) -> None:
        """Start the clock when the runner has built every component."""
        self.started = time.perf_counter()
        self.timing = {"epochs": [], "train_seconds": 0.0, "target_metric": f"val_{self.metric}",
                       "target": self.target, "seconds_to_target": None, "epoch_to_target": None}

    @hookimpl
    def zoo_epoch_ended(self, run: Any, epoch: int, logs: Mapping[str, float]) -> None:
        """Record the epoch's time and validation value, and the first time the target was reached."""
        seconds = time.perf_counter() - self.started
        value = logs.get(f"val_{self.metric}")
        self.timing["epochs"].append({"epoch": epoch, "seconds": seconds, f"val_{self.metric}": value})
        self.timing["train_seconds"] = seconds
        reached = self.target is not None and value is not None and value >= self.target
        if reached and self.timing["epoch_to_target"] is None:
            self.timing.update(seconds_to_target=seconds, epoch_to_target=epoch)
        write_json_atomic(Path(run.run_dir) / TIMING_FILE, self.timing)

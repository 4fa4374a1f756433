"""The runs under a folder, summarised one per row for ``zoo runs``.

A run is any folder, at any depth, that contains a ``config.json`` written by ``zoo run``. Reading
a summary imports neither TensorFlow nor Keras.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zoo_core.errors import ConfigError
from zoo_core.runinfo import read_run_info

logger = logging.getLogger(__name__)

#: Sub-folders of a run directory that never hold another run.
_RUN_SUBFOLDERS: tuple[str, ...] = ("evaluations", "checkpoints", "tensorboard")


@dataclass
class RunSummary:
    """One run: where it is, when it started, what it trained, its status and final metrics."""

    path: Path
    started: str
    summary: str
    status: str
    split: str
    metrics: dict[str, float] = field(default_factory=dict)
    epochs_done: int = 0
    epochs: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data."""
        return {"path": str(self.path), "started": self.started, "summary": self.summary, "status": self.status,
                "split": self.split, "metrics": self.metrics, "epochs_done": self.epochs_done,
                "epochs": self.epochs}


def find_runs(root: str | Path) -> list[RunSummary]:
    """Return a summary of every run directory under ``root`` (``root`` itself included)."""
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"folder not found: {root}", "pass the folder that contains your run directories")
    runs = []
    for config_path in sorted(root.rglob("config.json")):
        if any(part in _RUN_SUBFOLDERS for part in config_path.relative_to(root).parts):
            continue
        summary = summarize_run(config_path.parent)
        if summary is not None:
            runs.append(summary)
    return runs


def summarize_run(run_dir: Path) -> RunSummary | None:
    """Return the summary of ``run_dir``, or None when its config.json is not a run configuration."""
    try:
        config = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        logger.warning("skipping %s: cannot read config.json (%s)", run_dir, error)
        return None
    if not isinstance(config, dict) or "architecture" not in config or "training" not in config:
        return None
    info = read_run_info(run_dir)
    metrics_path = run_dir / "metrics.json"
    final = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    split = ""
    if final.get("test"):
        split = "test"
    elif final.get("validation"):
        split = "validation"
    history_rows = _count_history_rows(run_dir / "history.csv")
    status = info.get("status") or ("finished" if final else "unknown")
    return RunSummary(
        path=run_dir,
        started=info.get("started") or _modified(run_dir / "config.json"),
        summary=describe_run_config(config),
        status=status,
        split=split,
        metrics={k: v for k, v in final.get(split, {}).items() if isinstance(v, (int, float))},
        epochs_done=history_rows,
        epochs=int(config["training"].get("epochs", 0)),
    )


def describe_run_config(config: dict[str, Any]) -> str:
    """Return a one-line summary: architecture, dataset, optimizer, learning rate, batch size."""
    training = config.get("training", {})
    parts = [config.get("architecture", {}).get("name", "?"), "on", config.get("dataset", {}).get("name", "?"),
             config.get("optimizer", {}).get("name", "?")]
    if training.get("learning_rate") is not None:
        parts.append(f"lr={training['learning_rate']:g}")
    parts.append(f"batch={training.get('batch_size', '?')}")
    if training.get("strategy", "default") != "default":
        parts.append(training["strategy"])
    return " ".join(str(part) for part in parts)


def sort_runs(runs: list[RunSummary], metric: str | None, ascending: bool = False) -> list[RunSummary]:
    """Return ``runs`` sorted by ``metric`` (best first: descending unless ``ascending``), else by date.

    Runs without that metric come last. Raises ConfigError when no run has it.
    """
    if metric is None:
        return sorted(runs, key=lambda run: run.started)
    if runs and not any(metric in run.metrics for run in runs):
        known = sorted({name for run in runs for name in run.metrics})
        raise ConfigError(f"no run has the metric {metric!r}", f"choose one of: {', '.join(known) or 'none'}")
    with_metric = [run for run in runs if metric in run.metrics and not math.isnan(run.metrics[metric])]
    without = [run for run in runs if run not in with_metric]
    with_metric.sort(key=lambda run: run.metrics[metric], reverse=not ascending)
    return with_metric + without


def _count_history_rows(path: Path) -> int:
    if not path.is_file():
        return 0
    lines = path.read_text(encoding="utf-8").splitlines()
    return max(0, len(lines) - 1)


def _modified(path: Path) -> str:
    stamp = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.timezone.utc)
    return stamp.replace(microsecond=0).isoformat()

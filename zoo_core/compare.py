"""Side-by-side comparison of run directories: configuration differences and final metrics.

Reads only ``config.json``, ``metrics.json`` and the first row of ``history.csv`` (for the learning
rate that an unset ``training.learning_rate`` stood for), so it imports neither TensorFlow nor Keras.
A table has one row per setting or metric and one column per run.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from zoo_core.errors import RunError

MISSING = "-"


@dataclass
class RunRecord:
    """The configuration and metrics of one run directory."""

    path: Path
    config: dict[str, Any]
    metrics: dict[str, dict[str, float]]


@dataclass
class ComparisonTable:
    """Rows of (kind, key, one value per run), with the runs' labels as column names."""

    labels: list[str]
    rows: list[tuple[str, str, list[Any]]]

    def header(self) -> list[str]:
        """Return the column names: kind, key, then one per run."""
        return ["kind", "key", *self.labels]


def load_run(path: str | Path) -> RunRecord:
    """Read a run directory; metrics are empty when the run has not written metrics.json yet.

    Raises RunError when the folder or its config.json is missing or not valid JSON.
    """
    path = Path(path)
    config_path = path / "config.json"
    if not config_path.is_file():
        raise RunError(f"{path} is not a run directory: it has no config.json",
                       "pass folders that `zoo run` wrote, e.g. runs/20260101-120000-simple-cnn-digits")
    config = _read_json(config_path)
    _fill_learning_rate(config, path / "history.csv")
    metrics_path = path / "metrics.json"
    metrics = _read_json(metrics_path) if metrics_path.is_file() else {}
    return RunRecord(path, config, metrics)


def _fill_learning_rate(config: dict[str, Any], history_path: Path) -> None:
    """Replace an unset ``training.learning_rate`` (the optimizer's default) by the rate the run used.

    That rate is the ``learning_rate`` of the first row of ``history.csv``; with a schedule it is
    the rate of the first epoch's last step. The setting stays unset when the run has no such row.
    """
    training = config.get("training")
    if not isinstance(training, dict) or training.get("learning_rate") is not None or not history_path.is_file():
        return
    with history_path.open(encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle), None)
    try:
        training["learning_rate"] = float(first["learning_rate"])  # type: ignore[index]
    except (TypeError, KeyError, ValueError):
        return


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RunError(f"cannot read {path}: {error}", "the file is damaged; rerun or remove that run") from None


def flatten_config(config: dict[str, Any]) -> dict[str, Any]:
    """Return the configuration as dotted keys: component names and parameters, metrics, training, versions."""
    flat: dict[str, Any] = {}
    for section, value in config.items():
        if section == "metrics" and isinstance(value, list):
            flat["metrics"] = ", ".join(str(item.get("name", item)) for item in value)
        elif isinstance(value, dict) and "name" in value and "params" in value:
            flat[section] = value["name"]
            for key, param in value["params"].items():
                flat[f"{section}.{key}"] = param
        elif isinstance(value, dict):
            for key, item in _flatten_mapping(value, section):
                flat[key] = item
        else:
            flat[section] = value
    return flat


def _flatten_mapping(mapping: dict[str, Any], prefix: str) -> Iterable[tuple[str, Any]]:
    for key, value in mapping.items():
        if isinstance(value, dict) and value:
            yield from _flatten_mapping(value, f"{prefix}.{key}")
        else:
            yield f"{prefix}.{key}", value


def compare_runs(runs: Sequence[RunRecord], splits: Sequence[str] = ("test",), all_settings: bool = False) -> ComparisonTable:
    """Return the table of settings that differ between ``runs`` (all of them with ``all_settings``
    or a single run) followed by the metrics of ``splits``."""
    labels = run_labels([run.path for run in runs])
    flats = [flatten_config(run.config) for run in runs]
    rows: list[tuple[str, str, list[Any]]] = []
    for key in _ordered_keys(flats):
        values = [flat.get(key, MISSING) for flat in flats]
        if all_settings or len(runs) == 1 or any(value != values[0] for value in values):
            rows.append(("config", key, values))
    for split in splits:
        names = _ordered_keys([run.metrics.get(split, {}) for run in runs])
        for name in names:
            rows.append(("metric", f"{split}.{name}", [run.metrics.get(split, {}).get(name, MISSING) for run in runs]))
    return ComparisonTable(labels, rows)


def _ordered_keys(mappings: Sequence[dict[str, Any]]) -> list[str]:
    """Return every key of ``mappings`` once, in order of first appearance."""
    keys: dict[str, None] = {}
    for mapping in mappings:
        keys.update(dict.fromkeys(mapping))
    return list(keys)


def run_labels(paths: Sequence[Path]) -> list[str]:
    """Return a column label per run: its folder name, or its whole path when names repeat."""
    names = [path.name or str(path) for path in paths]
    if len(set(names)) == len(names):
        return names
    return [str(path) for path in paths]


def format_value(value: Any, digits: int | None = 4) -> str:
    """Return a cell's text: floats rounded to ``digits`` (all digits for None), lists joined."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        return repr(value) if digits is None else f"{value:.{digits}f}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(item, digits) for item in value) + "]"
    return str(value)


def to_text_rows(table: ComparisonTable, digits: int | None = 4) -> list[list[str]]:
    """Return the table's rows as strings, floats rounded to ``digits``."""
    return [[kind, key, *(format_value(value, digits) for value in values)] for kind, key, values in table.rows]


def to_markdown(table: ComparisonTable) -> str:
    """Return the table as a GitHub-flavoured Markdown table, floats rounded to 4 digits."""
    header = table.header()
    lines = ["| " + " | ".join(_escape(cell) for cell in header) + " |",
             "| " + " | ".join("---" for _ in header) + " |"]
    for row in to_text_rows(table):
        lines.append("| " + " | ".join(_escape(cell) for cell in row) + " |")
    return "\n".join(lines) + "\n"


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def to_csv(table: ComparisonTable) -> str:
    """Return the table as CSV with every digit of the float values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header())
    writer.writerows(to_text_rows(table, digits=None))
    return buffer.getvalue()

"""The results of a sweep: one row per combination, sorted by a metric, as text, files and a chart."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from zoo_core.rundir import write_csv_atomic, write_json_atomic, write_text_atomic
from zoo_core.sweep import SweepPlan, SweepRun, format_value


def result_rows(plan: SweepPlan, runs: list[SweepRun]) -> list[dict[str, Any]]:
    """Return one row per run: its grid values, the split's metrics and the timing, best first.

    Rows are sorted by ``plan.sort_by`` on ``plan.split`` (highest first unless ``plan.ascending``);
    runs without that figure come last.
    """
    rows = []
    for sweep_run in runs:
        row: dict[str, Any] = {key: format_value(value) for key, value in sweep_run.values.items()}
        row.update(sweep_run.metrics.get(plan.split, {}))
        row.update(train_seconds=sweep_run.train_seconds, seconds_to_target=sweep_run.seconds_to_target,
                   epoch_to_target=sweep_run.epoch_to_target, status=sweep_run.status,
                   run_dir=sweep_run.run_dir.name, error=sweep_run.error)
        rows.append(row)

    def key(row: dict[str, Any]) -> tuple[bool, float]:
        value = row.get(plan.sort_by)
        if not isinstance(value, (int, float)) or math.isnan(value):
            return (True, 0.0)
        return (False, value if plan.ascending else -value)

    return sorted(rows, key=key)


def result_columns(plan: SweepPlan, rows: list[dict[str, Any]]) -> list[str]:
    """Return the columns: grid keys, the sort metric, the other metrics, then timing and status."""
    metrics: list[str] = []
    for row in rows:
        metrics += [k for k in row if k not in metrics and k not in plan.grid and k not in _TRAILING]
    if plan.sort_by in metrics:
        metrics.remove(plan.sort_by)
        metrics.insert(0, plan.sort_by)
    timing = ["train_seconds"] + (["seconds_to_target", "epoch_to_target"] if plan.target is not None else [])
    return [*plan.grid, *metrics, *timing, "status", "run_dir", "error"]


_TRAILING = ("train_seconds", "seconds_to_target", "epoch_to_target", "status", "run_dir", "error")


def format_results(plan: SweepPlan, runs: list[SweepRun]) -> str:
    """Return the results as a text table for the terminal."""
    from zoo_core.cli.common import format_table

    rows = result_rows(plan, runs)
    columns = [c for c in result_columns(plan, rows) if c != "error"]
    return format_table([[_cell(row.get(c)) for c in columns] for row in rows], columns)


def write_results(plan: SweepPlan, runs: list[SweepRun], out: str | Path) -> list[Path]:
    """Write ``results.json``, ``results.csv``, ``results.md`` and ``results.png`` into ``out``."""
    out = Path(out)
    rows = result_rows(plan, runs)
    columns = result_columns(plan, rows)
    write_json_atomic(out / "results.json", {"sort_by": plan.sort_by, "split": plan.split,
                                             "target": plan.target, "rows": rows})
    write_csv_atomic(out / "results.csv", columns, rows)
    lines = [f"Sweep {plan.source}: {plan.split} metrics, sorted by {plan.sort_by}.", "",
             "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    write_text_atomic(out / "results.md", "\n".join(lines) + "\n")
    write_chart(plan, rows, out / "results.png")
    return [out / name for name in ("results.json", "results.csv", "results.md", "results.png")]


def write_chart(plan: SweepPlan, rows: list[dict[str, Any]], path: Path) -> None:
    """Draw a horizontal bar per run with its ``sort_by`` value, best at the top, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    scored = [row for row in rows if isinstance(row.get(plan.sort_by), (int, float))]
    labels = [", ".join(str(row[key]) for key in plan.grid) for row in scored]
    values = [row[plan.sort_by] for row in scored]
    figure, axes = pyplot.subplots(figsize=(7, 1.5 + 0.35 * max(1, len(scored))), dpi=120)
    axes.barh(range(len(scored)), values, color="tab:blue")
    axes.set_yticks(range(len(scored)), labels, fontsize=7)
    axes.invert_yaxis()
    axes.set_xlabel(f"{plan.sort_by} ({plan.split} split)")
    axes.set_title(f"sweep {plan.source}: {' x '.join(plan.grid)}", fontsize=9)
    axes.grid(True, axis="x", alpha=0.3)
    figure.tight_layout()
    temporary = path.with_name(f".{path.name}.tmp.png")
    figure.savefig(temporary, format="png")
    pyplot.close(figure)
    temporary.replace(path)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)

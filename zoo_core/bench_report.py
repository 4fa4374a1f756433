"""Output of ``zoo bench``: the terminal table, JSON, CSV, Markdown and the PNG chart.

Every format has one row per architecture and batch size. The architecture's own figures
(parameters, multiply-adds, latency, build and compile time) repeat on each of its rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zoo_core.plural import plural
from zoo_core.rundir import write_csv_atomic, write_text_atomic

#: Columns of the CSV file, in order; the Markdown and terminal tables use a subset.
CSV_COLUMNS: tuple[str, ...] = (
    "name", "id", "status", "batch_size", "batch_status", "trainable_params", "non_trainable_params",
    "total_params", "macs", "flops", "inference_images_per_second", "training_images_per_second",
    "latency_p50_ms", "latency_p90_ms", "latency_p99_ms", "peak_memory_mb", "build_seconds",
    "compile_seconds", "error",
)

_TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "architecture"), ("batch_size", "batch"), ("total_params", "params"), ("macs", "MACs"),
    ("inference_images_per_second", "infer img/s"), ("training_images_per_second", "train img/s"),
    ("latency_p50_ms", "p50 ms"), ("latency_p90_ms", "p90 ms"), ("latency_p99_ms", "p99 ms"),
    ("peak_memory_mb", "peak MiB"), ("compile_seconds", "compile s"), ("batch_status", "status"),
)


def report_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Return one flat row per architecture and batch size, keyed by :data:`CSV_COLUMNS`."""
    rows = []
    for arch in report["architectures"]:
        latency = arch.get("latency_ms") or {}
        shared = {key: arch.get(key) for key in CSV_COLUMNS if key in arch and key != "batches"}
        shared.update({f"latency_{q}_ms": latency.get(q) for q in ("p50", "p90", "p99")})
        batches = arch.get("batches") or [{}]
        for batch in batches:
            row = dict(shared)
            row.update({key: batch.get(key) for key in ("batch_size", "inference_images_per_second",
                                                        "training_images_per_second", "peak_memory_mb")})
            row["batch_status"] = batch.get("status", arch["status"])
            row["error"] = batch.get("error") or arch.get("error")
            rows.append(row)
    return rows


def format_value(key: str, value: Any) -> str:
    """Return a figure as the tables show it: counts with SI prefixes, rates and times rounded."""
    if value is None:
        return "-"
    if key in ("total_params", "trainable_params", "non_trainable_params", "macs", "flops"):
        return _si(float(value))
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def format_table(report: dict[str, Any]) -> str:
    """Return the terminal table: one line per architecture and batch size."""
    from zoo_core.cli.common import format_table as plain_table

    rows = [[format_value(key, row.get(key)) for key, _ in _TABLE_COLUMNS] for row in report_rows(report)]
    return plain_table(rows, [title for _, title in _TABLE_COLUMNS])


def describe_conditions(report: dict[str, Any]) -> str:
    """Return one line with the machine, versions and settings the figures were taken with."""
    machine, versions, settings = report["machine"], report["versions"], report["settings"]
    accelerator = machine.get("accelerator") or {}
    device = accelerator.get("name") if accelerator.get("type") == "GPU" else "no accelerator"
    shape = "x".join(str(size) for size in settings["input_shape"])
    return (
        f"{machine['processor']}, {plural(machine['cores'], 'core')}, {machine['memory_gb']} GB, {device}; "
        f"TensorFlow {versions['tensorflow']}, Keras {versions['keras']}; input {shape}, "
        f"{plural(settings['num_classes'], 'class', 'classes')}, {settings['precision']}, "
        f"XLA {'on' if settings['jit_compile'] else 'off'}, "
        f"medians of {plural(settings['repeats'], 'repeat')} of {plural(settings['steps'], 'step')} "
        f"after {plural(settings['warmup'], 'warm-up step')}"
    )


def write_json(report: dict[str, Any], path: str | Path) -> None:
    """Write the whole report as indented JSON."""
    write_text_atomic(path, json.dumps(report, indent=2) + "\n")


def write_csv(report: dict[str, Any], path: str | Path) -> None:
    """Write one CSV row per architecture and batch size, with raw (unrounded) figures."""
    write_csv_atomic(path, CSV_COLUMNS, report_rows(report))


def format_markdown(report: dict[str, Any]) -> str:
    """Return a Markdown page: the conditions line and the table of :func:`format_table`."""
    header = [title for _, title in _TABLE_COLUMNS]
    lines = [f"Measured {report['created']}: {describe_conditions(report)}.", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in report_rows(report):
        lines.append("| " + " | ".join(format_value(key, row.get(key)) for key, _ in _TABLE_COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def write_markdown(report: dict[str, Any], path: str | Path) -> None:
    """Write the Markdown page of :func:`format_markdown`."""
    write_text_atomic(path, format_markdown(report))


def write_chart(report: dict[str, Any], path: str | Path) -> int:
    """Draw inference throughput against FLOPs per image, one point per architecture, as a PNG.

    Each point uses the architecture's largest batch size that ran; returns the number of points.
    """
    points = _chart_points(report)
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 5), dpi=120)
    for name, flops, rate, batch_size in points:
        axes.scatter(flops, rate, s=30)
        axes.annotate(f"{name} (batch {batch_size})", (flops, rate), textcoords="offset points",
                      xytext=(4, 4), fontsize=8)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("FLOPs per image")
    axes.set_ylabel("inference throughput (images/s)")
    axes.set_title("zoo bench: throughput against FLOPs", fontsize=10)
    axes.grid(True, which="both", alpha=0.3)
    figure.text(0.01, 0.01, describe_conditions(report), fontsize=5, wrap=True)
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    buffer_path = Path(path)
    temporary = buffer_path.with_name(f".{buffer_path.name}.tmp.png")
    figure.savefig(temporary, format="png")
    pyplot.close(figure)
    temporary.replace(buffer_path)
    return len(points)


def _chart_points(report: dict[str, Any]) -> list[tuple[str, float, float, int]]:
    points = []
    for arch in report["architectures"]:
        measured = [b for b in arch.get("batches", []) if b.get("status") == "ok"]
        if not measured or not arch.get("flops"):
            continue
        largest = max(measured, key=lambda batch: batch["batch_size"])
        points.append((arch["name"], float(arch["flops"]), largest["inference_images_per_second"],
                       largest["batch_size"]))
    return points


def _si(value: float) -> str:
    for factor, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.0f}"

"""``zoo bench``: measure the size and speed of architectures and write the report files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from zoo_core.cli.common import state
from zoo_core.config import parse_value
from zoo_core.errors import ConfigError
from zoo_core.plural import plural


def parse_int_list(text: str, option: str) -> tuple[int, ...]:
    """Parse ``"1,32"`` into integers, raising ConfigError that names ``option`` otherwise."""
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"invalid {option} {text!r}", "give comma-separated integers, e.g. 32,32,3") from None
    if not values:
        raise ConfigError(f"invalid {option} {text!r}", "give at least one integer")
    return values


def parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """Parse ``KEY=VALUE`` architecture parameters; values are read as TOML, e.g. ``filters=16``."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"invalid --param {pair!r}", "write it as KEY=VALUE, e.g. --param filters=16")
        params[key.strip()] = parse_value(value.strip())
    return params


_OUTPUT_HELP = ("Write the report as {} to FILE, or to standard output with '-' or with no FILE as the "
                "last option (a word after the option is taken as FILE).")


@click.command("bench")
@click.argument("patterns", nargs=-1)
@click.option("--exclude", multiple=True, metavar="PATTERN", help="Leave out architectures matching this pattern; repeatable.")
@click.option("--tag", "tags", multiple=True, metavar="TAG",
              help="Keep only architectures with this tag (see `zoo list architecture --json`); repeatable.")
@click.option("--input-shape", default="32,32,3", show_default=True, metavar="H,W,C", help="Input image shape.")
@click.option("--classes", "num_classes", type=int, default=10, show_default=True, help="Number of classes.")
@click.option("--batch-size", "batch_sizes", default="1,32", show_default=True, metavar="N[,N...]",
              help="Batch sizes for the throughput and memory figures.")
@click.option("--warmup", type=int, default=3, show_default=True, help="Untimed steps before each timed phase.")
@click.option("--steps", type=int, default=10, show_default=True, help="Timed steps per repeat.")
@click.option("--repeats", type=int, default=3, show_default=True, help="Timed repeats; figures are their medians.")
@click.option("--latency-samples", type=int, default=50, show_default=True,
              help="Single-image inference calls timed for the latency percentiles.")
@click.option("--xla/--no-xla", "jit_compile", default=False, show_default=True, help="Compile the model with XLA.")
@click.option("--precision", type=click.Choice(["float32", "float16", "bfloat16"]), default="float32",
              show_default=True, help="float32, or mixed precision with float16 or bfloat16 compute.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Architecture parameter passed to every selected architecture; repeatable.")
@click.option("--timeout", type=float, metavar="SECONDS", help="Seconds one architecture's worker process may run before it is stopped.")
@click.option("--json", "json_path", is_flag=False, flag_value="-", metavar="[FILE]", help=_OUTPUT_HELP.format("JSON"))
@click.option("--csv", "csv_path", is_flag=False, flag_value="-", metavar="[FILE]", help=_OUTPUT_HELP.format("CSV"))
@click.option("--markdown", "markdown_path", is_flag=False, flag_value="-", metavar="[FILE]",
              help=_OUTPUT_HELP.format("a Markdown table"))
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False), help="Write the throughput-against-FLOPs PNG chart to FILE.")
@click.pass_context
def bench_command(ctx: click.Context, patterns: tuple[str, ...], exclude: tuple[str, ...], tags: tuple[str, ...],
                  input_shape: str,
                  num_classes: int, batch_sizes: str, params: tuple[str, ...], json_path: str | None,
                  csv_path: str | None, markdown_path: str | None, chart_path: str | None, **options: Any) -> None:
    """Measure parameters, multiply-adds, latency, throughput and memory of architectures.

    PATTERNS select architectures by name or id, with shell wildcards ('resnet*'); 'all' or none
    selects every installed one. Each architecture runs in its own process, one after another.
    """
    from zoo_core.bench import BenchSettings, run_bench, select_architectures

    root = state(ctx)
    settings = BenchSettings(
        input_shape=parse_int_list(input_shape, "--input-shape"), num_classes=num_classes,
        batch_sizes=parse_int_list(batch_sizes, "--batch-size"), params=parse_params(params),
        disabled_plugins=root.disabled, allowed_plugins=getattr(root, "allow", None), **options,
    )
    components = select_architectures(root.plugins().registry, patterns, exclude, tags)
    to_stdout = "-" in (json_path, csv_path, markdown_path)

    def progress(position: int, total: int, component: Any) -> None:
        click.echo(f"[{position + 1}/{total}] measuring {component.id}", err=True)

    report = run_bench(components, settings, progress)
    _write_outputs(report, json_path, csv_path, markdown_path, chart_path)
    from zoo_core.bench_report import describe_conditions, format_table

    click.echo(format_table(report), err=to_stdout)
    click.echo(describe_conditions(report), err=to_stdout)


def _write_outputs(report: dict[str, Any], json_path: str | None, csv_path: str | None,
                   markdown_path: str | None, chart_path: str | None) -> None:
    import json

    from zoo_core import bench_report

    outputs = (
        (json_path, bench_report.write_json, lambda: json.dumps(report, indent=2)),
        (csv_path, bench_report.write_csv, lambda: _csv_text(report)),
        (markdown_path, bench_report.write_markdown, lambda: bench_report.format_markdown(report)),
    )
    for path, write, render in outputs:
        if path == "-":
            click.echo(render())
        elif path:
            write(report, path)
            click.echo(f"wrote {Path(path)}", err=True)
    if chart_path:
        points = bench_report.write_chart(report, chart_path)
        total = len(report["architectures"])
        verb = "has" if points == 1 else "have"
        click.echo(f"wrote {Path(chart_path)}: {points} of {plural(total, 'architecture')} {verb} a point "
                   "(the others have no FLOPs count or no finished batch size)", err=True)


def _csv_text(report: dict[str, Any]) -> str:
    import csv
    import io

    from zoo_core.bench_report import CSV_COLUMNS, report_rows

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report_rows(report))
    return buffer.getvalue().rstrip("\n")

"""``zoo runs``: the run directories under a folder in one table."""

from __future__ import annotations

import click

from zoo_core.cli.common import echo_json, format_table

#: The folder that zoo run writes into when no --out is given.
DEFAULT_FOLDER = "runs"

#: Metrics shown as columns when present, in this order; --sort adds its metric.
MAIN_METRICS: tuple[str, ...] = ("accuracy", "f1")


@click.command("runs")
@click.argument("folder", required=False, type=click.Path(file_okay=False), metavar="[DIR]")
@click.option("--sort", "sort_by", metavar="METRIC",
              help="Sort by this final metric, best (highest) first; default: by start date.")
@click.option("--ascending", is_flag=True, help="With --sort, put the lowest value first (for losses).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def runs_command(folder: str | None, sort_by: str | None, ascending: bool, as_json: bool) -> None:
    """List the runs under DIR (default: runs): date, configuration, status and main metrics.

    Metrics are those of the test split, or of the validation split when there is no test split.
    A missing default folder means no runs yet; a missing DIR given by name is an error.
    """
    from pathlib import Path

    from zoo_core.runs_table import find_runs, sort_runs

    if folder is None:
        folder = DEFAULT_FOLDER
        found = find_runs(folder) if Path(folder).is_dir() else []
    else:
        found = find_runs(folder)
    runs = sort_runs(found, sort_by, ascending)
    if as_json:
        echo_json([run.to_dict() for run in runs])
        return
    if not runs:
        click.echo(f"no runs under {folder}")
        return
    columns = [m for m in MAIN_METRICS if any(m in run.metrics for run in runs)]
    if sort_by and sort_by not in columns:
        columns.append(sort_by)
    header = ["started", "run", "configuration", "status", "epochs", *columns]
    rows = []
    for run in runs:
        values = [f"{run.metrics[m]:.4f}" if m in run.metrics else "-" for m in columns]
        rows.append([run.started.replace("T", " ")[:19], str(run.path), run.summary, run.status,
                     f"{run.epochs_done}/{run.epochs}", *values])
    click.echo(format_table(rows, header))

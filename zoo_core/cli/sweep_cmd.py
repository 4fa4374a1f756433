"""``zoo sweep``: run every combination of a sweep file and write the sorted results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from zoo_core.cli.common import state
from zoo_core.plural import plural

if TYPE_CHECKING:
    from zoo_core.sweep import SweepRun


@click.command("sweep")
@click.argument("config_file", metavar="CONFIG", type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(file_okay=False),
              help="Sweep folder: one run directory per combination and the results files "
                   "(default: runs/sweep-CONFIG_NAME). Rerunning with the same folder resumes.")
@click.option("--sort-by", help="Metric that orders the results (default: [sweep] sort_by, or accuracy).")
@click.option("--split", type=click.Choice(["train", "validation", "test"]),
              help="Split whose metrics the results show (default: [sweep] split, or test).")
@click.option("--ascending", is_flag=True, default=None, help="Sort lowest first, e.g. for a loss.")
@click.option("--target", type=float,
              help="Validation value of --target-metric that counts as reached, for the time-to-target column.")
@click.option("--target-metric", help="Validation metric that --target applies to (default: accuracy).")
@click.option("--dry-run", is_flag=True, help="List the combinations and their run directories, and train nothing.")
@click.option("--no-progress", is_flag=True, help="Do not show the progress bars.")
@click.pass_context
def sweep_command(ctx: click.Context, config_file: str, out: str | None, sort_by: str | None, split: str | None,
                  ascending: bool | None, target: float | None, target_metric: str | None, dry_run: bool,
                  no_progress: bool) -> None:
    """Train every combination of the lists in CONFIG's [sweep.grid] and rank the results.

    CONFIG is a run configuration with a [sweep] table (see docs/benchmarking.md). Each combination
    gets its own run directory, named after a hash of its whole configuration. Runs that finished
    earlier with the same configuration (they have metrics.json) are skipped.
    """
    from zoo_core.sweep import check_sweep, format_value, load_sweep, run_sweep, stale_run_dirs

    plan = load_sweep(config_file)
    for name, value in (("sort_by", sort_by), ("split", split), ("ascending", ascending), ("target", target),
                        ("target_metric", target_metric)):
        if value is not None:
            setattr(plan, name, value)
    folder = Path(out) if out else Path("runs") / f"sweep-{plan.source}"
    plugins = state(ctx).plugins()
    check_sweep(plan, plugins)
    combinations = plan.combinations()
    if dry_run:
        for values in combinations:
            combination = ", ".join(f"{key}={format_value(value)}" for key, value in values.items())
            run_dir = folder / plan.run_dir_name(values)
            finished = " (finished)" if (run_dir / "metrics.json").is_file() else ""
            click.echo(f"{combination} -> {run_dir}{finished}")
        click.echo(plural(len(combinations), "combination"))
        return

    def announce(position: int, total: int, sweep_run: SweepRun) -> None:
        click.echo(f"[{position + 1}/{total}] {sweep_run.run_dir}", err=True)

    runs = run_sweep(plan, plugins, folder, show_progress=not no_progress, announce=announce)
    from zoo_core.sweep_report import format_results, write_results

    written = write_results(plan, runs, folder)
    click.echo(format_results(plan, runs))
    counts = {status: sum(r.status == status for r in runs) for status in ("finished", "skipped", "failed")}
    click.echo(f"{counts['finished']} ran, {counts['skipped']} skipped (finished before), {counts['failed']} failed")
    stale = stale_run_dirs(folder, runs)
    if stale:
        verbs = "belongs to an earlier version of the sweep file and is" if len(stale) == 1 else \
            "belong to an earlier version of the sweep file and are"
        click.echo(f"{plural(len(stale), 'run directory', 'run directories')} in {folder} {verbs} not in the results")
    click.echo(f"results: {', '.join(str(path) for path in written)}")

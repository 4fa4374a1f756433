"""``zoo compare``: runs side by side, as a text, Markdown or CSV table. No TensorFlow import."""

from __future__ import annotations

import click

from zoo_core.cli.common import format_table
from zoo_core.compare import compare_runs, load_run, to_csv, to_markdown, to_text_rows
from zoo_core.data import SPLITS
from zoo_core.rundir import write_text_atomic


@click.command("compare")
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(file_okay=False), metavar="RUN_DIR...")
@click.option("--split", "splits", multiple=True, type=click.Choice([*SPLITS, "all"]),
              help="Split whose metrics to show; repeatable, 'all' for every split (default: test).")
@click.option("--all-settings", is_flag=True, help="Show every setting, not only those that differ.")
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False), help="Also write the table to this Markdown file.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Also write the table to this CSV file, floats in full.")
def compare_command(run_dirs: tuple[str, ...], splits: tuple[str, ...], all_settings: bool,
                    markdown_path: str | None, csv_path: str | None) -> None:
    """Print runs side by side: the settings that differ, then the final metrics of each split."""
    chosen = list(SPLITS) if "all" in splits else list(splits or ("test",))
    table = compare_runs([load_run(path) for path in run_dirs], chosen, all_settings)
    click.echo(format_table(to_text_rows(table), table.header()))
    if markdown_path:
        write_text_atomic(markdown_path, to_markdown(table))
        click.echo(f"Markdown table written to {markdown_path}")
    if csv_path:
        write_text_atomic(csv_path, to_csv(table))
        click.echo(f"CSV table written to {csv_path}")

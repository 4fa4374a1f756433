"""``zoo evaluate``: a finished run's model on another dataset or split."""

from __future__ import annotations

from pathlib import Path

import click

from zoo_core.cli.common import echo_json, state
from zoo_core.plural import plural


@click.command("evaluate")
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True), metavar="RUN_DIR")
@click.option("--dataset", help="Dataset name (default: the run's own dataset with its settings).")
@click.option("--set", "overrides", multiple=True, metavar="dataset.KEY=VALUE",
              help="Set a dataset parameter, e.g. --set dataset.path=photos/; repeatable.")
@click.option("--split", type=click.Choice(["train", "validation", "test", "all"]),
              help="Samples to evaluate: a split drawn with the run's seed and fractions, or all "
                   "(default: test for the run's own dataset, all for another).")
@click.option("--metric", "metrics", multiple=True, help="Metric name; repeatable (default: the run's metrics).")
@click.option("--name", help="Name of the result file in RUN_DIR/evaluations (default: DATASET-SPLIT).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def evaluate_command(ctx: click.Context, run_dir: str, dataset: str | None, overrides: tuple[str, ...],
                     split: str | None, metrics: tuple[str, ...], name: str | None, as_json: bool) -> None:
    """Evaluate the saved model of RUN_DIR and write the metrics to RUN_DIR/evaluations/."""
    from zoo_core.evaluate import evaluate_run, evaluation_config

    folder = Path(run_dir)
    config = evaluation_config(folder, dataset, overrides, metrics)
    path, result = evaluate_run(folder, config, split, state(ctx).plugins(), name=name)
    if as_json:
        echo_json({**result, "file": str(path)})
        return
    click.echo(f"{result['split']} of {result['dataset']['name']} ({plural(result['samples'], 'sample')}):")
    for metric, value in result["metrics"].items():
        click.echo(f"  {metric}: {value:.4f}")
    click.echo(f"written to {path}")

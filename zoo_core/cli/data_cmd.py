"""``zoo data``: commands about datasets. ``zoo data inspect`` does not import TensorFlow."""

from __future__ import annotations

from typing import Any

import click

from zoo_core.cli.common import echo_json, state
from zoo_core.config import parse_override
from zoo_core.errors import ConfigError


@click.group("data")
def data_group() -> None:
    """Look at datasets before training on them."""


@data_group.command("inspect")
@click.argument("name")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="A dataset parameter, e.g. --set path=photos (dataset.path=... works too); "
                   "training.seed, training.validation_fraction and training.test_fraction shape the "
                   "drawn splits. Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def inspect_command(ctx: click.Context, name: str, overrides: tuple[str, ...], as_json: bool) -> None:
    """Report what the dataset NAME holds: classes with counts per split, image sizes and modes,
    and every file that a run will skip or stop on, with its reason.

    Exits with status 1 when a file or a class problem would stop the run, such as a single
    class or a class without training samples.
    """
    from zoo_core.inspect_data import inspect_dataset, render_report

    params, training = parse_settings(overrides)
    report = inspect_dataset(state(ctx).plugins().registry, name, params, training)
    if as_json:
        echo_json(report)
    else:
        click.echo(render_report(report))
    if any(item["action"] == "stops the run" for item in (*report["problems"], *report["warnings"])):
        ctx.exit(1)


def parse_settings(overrides: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``KEY=VALUE`` options into dataset parameters and training settings."""
    params: dict[str, Any] = {}
    training: dict[str, Any] = {}
    for text in overrides:
        key_text = text.partition("=")[0]
        path, value = parse_override(text if "." in key_text else f"dataset.{text}")
        if len(path) != 2 or path[0] not in ("dataset", "training"):
            raise ConfigError(f"invalid setting {text!r} for zoo data inspect",
                              "write KEY=VALUE for a dataset parameter, or training.seed=VALUE")
        (params if path[0] == "dataset" else training)[path[1]] = value
    params.pop("name", None)
    return params, training

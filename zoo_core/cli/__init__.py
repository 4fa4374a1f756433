"""The ``zoo`` command line. Commands stay thin: the work happens in the core modules.

Listing, describing and plugin commands never import TensorFlow.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click

from zoo_core import __version__
from zoo_core.cli.common import CliState
from zoo_core.errors import ZooError


class ZooGroup(click.Group):
    """A click group that reports ZooError as a message and a hint, with exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ZooError as error:
            click.echo(f"Error: {error.message}", err=True)
            if error.hint:
                click.echo(f"Hint: {error.hint}", err=True)
            ctx.exit(1)


@click.group(cls=ZooGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zoo")
@click.option("--disable-plugin", "disabled", multiple=True, metavar="NAME",
              help="Do not import this plugin (plugin or distribution name); repeatable. "
                   "ZOO_DISABLE_PLUGINS takes a comma-separated list.")
@click.option("--strict-plugins", "strict", is_flag=True, default=None,
              help="Exit with an error when any plugin fails to load (also ZOO_STRICT_PLUGINS=1).")
@click.option("--allow-plugin", "allowed", multiple=True, metavar="NAME",
              help="Load only this plugin besides the built-ins; repeatable. Replaces "
                   "ZOO_ALLOW_PLUGINS and the allow-list of `zoo plugins allow`.")
@click.option("--trace-hooks", "trace", is_flag=True, default=None,
              help="Log every plugin hook call with its duration (also ZOO_TRACE_HOOKS=1).")
@click.option("-v", "--verbose", count=True, help="Log what the run does (-v: info, -vv: debug).")
@click.pass_context
def main(ctx: click.Context, disabled: tuple[str, ...], strict: bool | None, allowed: tuple[str, ...],
         trace: bool | None, verbose: int) -> None:
    """zoo: train, compare and manage image-classification components."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _configure_logging(verbose)
    ctx.obj = CliState(disabled=disabled, strict=strict, allow=allowed or None, trace=trace)


def _configure_logging(verbose: int) -> None:
    if verbose == 0:
        level = logging.WARNING
    elif verbose == 1:
        level = logging.INFO
    else:
        level = logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("zoo_core")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _add_commands() -> None:
    from zoo_core.cli.augment_cmd import augment_group
    from zoo_core.cli.bench_cmd import bench_command
    from zoo_core.cli.compare_cmd import compare_command
    from zoo_core.cli.data_cmd import data_group
    from zoo_core.cli.evaluate_cmd import evaluate_command
    from zoo_core.cli.listing import info_command, list_command
    from zoo_core.cli.plugins_cmd import plugins_group
    from zoo_core.cli.predict_cmd import predict_command
    from zoo_core.cli.run_cmd import run_command
    from zoo_core.cli.runs_cmd import runs_command
    from zoo_core.cli.sweep_cmd import sweep_command

    main.add_command(list_command)
    main.add_command(info_command)
    main.add_command(plugins_group)
    main.add_command(run_command)
    main.add_command(predict_command)
    main.add_command(evaluate_command)
    main.add_command(runs_command)
    main.add_command(augment_group)
    main.add_command(data_group)
    main.add_command(bench_command)
    main.add_command(compare_command)
    main.add_command(sweep_command)


_add_commands()

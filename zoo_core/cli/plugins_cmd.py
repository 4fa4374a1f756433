"""``zoo plugins``: every discovered plugin and its status. No TensorFlow import."""

from __future__ import annotations

import click

from zoo_core.cli.common import echo_json, format_table, state


@click.group("plugins", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def plugins_group(ctx: click.Context, as_json: bool) -> None:
    """List plugins with their distribution, version and status (loaded, failed or disabled)."""
    if ctx.invoked_subcommand is not None:
        return
    plugins = list(state(ctx).plugins().registry.plugins.values())
    if as_json:
        echo_json([plugin.describe() for plugin in plugins])
        return
    rows = [[p.name, p.distribution, p.version, p.status, str(len(p.components))] for p in plugins]
    click.echo(format_table(rows, ["PLUGIN", "DISTRIBUTION", "VERSION", "STATUS", "COMPONENTS"]))
    for plugin in plugins:
        if plugin.status == "failed":
            click.echo(f"\n{plugin.name} failed: {plugin.error}")

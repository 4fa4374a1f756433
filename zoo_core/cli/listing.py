"""``zoo list`` and ``zoo info``: what the installed plugins provide. No TensorFlow import."""

from __future__ import annotations

from typing import Any

import click

from zoo_core.cli.common import echo_json, format_table, state
from zoo_core.components import KINDS, Component


def _normalise_kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    singular = kind[:-1] if kind.endswith("s") and kind[:-1] in KINDS else kind
    if singular == "losse":
        singular = "loss"
    if singular not in KINDS:
        raise click.BadParameter(f"{kind!r} is not a kind; choose from {', '.join(KINDS)}", param_hint="KIND")
    return singular


@click.command("list")
@click.argument("kind", required=False, metavar="[KIND]")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.pass_context
def list_command(ctx: click.Context, kind: str | None, as_json: bool) -> None:
    """List the registered components, optionally of one KIND.

    KIND is one of dataset, augmentation, architecture, optimizer, loss, metric.
    """
    kind = _normalise_kind(kind)
    components = state(ctx).plugins().registry.components(kind)
    if as_json:
        echo_json([component.describe() for component in components])
        return
    rows = [[c.kind, c.name, c.id, c.summary] for c in components]
    click.echo(format_table(rows, ["KIND", "NAME", "ID", "SUMMARY"]))


@click.command("info")
@click.argument("name")
@click.option("--kind", help="The kind to look in, when NAME names components of several kinds.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_context
def info_command(ctx: click.Context, name: str, kind: str | None, as_json: bool) -> None:
    """Describe the component NAME: summary, parameters with defaults, and where it comes from."""
    component = state(ctx).plugins().registry.find(name, _normalise_kind(kind))
    description = describe_component(component)
    if as_json:
        echo_json(description)
        return
    click.echo(render_description(description))


def describe_component(component: Component) -> dict[str, Any]:
    """Return a component's description with its parameters, without building it."""
    description = component.describe()
    description["parameters"] = [
        {
            "name": p.name,
            "default": None if p.required else p.default,
            "required": p.required,
            "type": p.describe_type(),
        }
        for p in component.parameters().values()
    ]
    description["metadata"] = dict(component.metadata)
    return description


def render_description(description: dict[str, Any]) -> str:
    """Return the text form of :func:`describe_component`'s result."""
    lines = [
        f"{description['id']} ({description['kind']})",
        f"  {description['summary']}" if description["summary"] else "",
        f"  plugin: {description['plugin']}  distribution: {description['distribution']} {description['version']}",
    ]
    if description["aliases"]:
        lines.append(f"  aliases: {', '.join(description['aliases'])}")
    for key, value in description.get("metadata", {}).items():
        lines.append(f"  {key}: {value}")
    if description["parameters"]:
        lines.append("  parameters:")
        for param in description["parameters"]:
            default = "required" if param["required"] else f"default {param['default']!r}"
            lines.append(f"    {param['name']} ({param['type']}): {default}")
    else:
        lines.append("  parameters: none")
    return "\n".join(line for line in lines if line)

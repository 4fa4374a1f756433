"""``zoo list`` and ``zoo info``: what the installed plugins provide. No TensorFlow import."""

from __future__ import annotations

from typing import Any

import click

from zoo_core.cli.common import echo_json, format_table, state
from zoo_core.plural import plural
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

    KIND is one of dataset, augmentation, architecture, optimizer, loss, metric, schedule.
    """
    kind = _normalise_kind(kind)
    components = state(ctx).plugins().registry.components(kind)
    if as_json:
        echo_json([component.describe() for component in components])
        return
    rows = [[c.kind, c.name, c.id, c.summary] for c in components]
    click.echo(format_table(rows, ["KIND", "NAME", "ID", "SUMMARY"]))


class _InputShape(click.ParamType):
    """An image shape written as ``H,W,C``, for example ``224,224,3``."""

    name = "H,W,C"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[int, int, int]:
        if isinstance(value, tuple):
            return value
        parts = [part.strip() for part in str(value).split(",")]
        if len(parts) != 3 or not all(part.isdigit() and int(part) > 0 for part in parts):
            self.fail(f"{value!r} is not a shape; write height,width,channels as positive integers, e.g. 224,224,3",
                      param, ctx)
        return int(parts[0]), int(parts[1]), int(parts[2])


@click.command("info")
@click.argument("name")
@click.option("--kind", help="The kind to look in, when NAME names components of several kinds.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--input-shape", type=_InputShape(), default=None,
              help="Build the architecture for images of this height, width and channels (pixels), and "
                   "report its parameter and FLOP counts. Needs --classes.")
@click.option("--classes", type=click.IntRange(min=1), default=None,
              help="Number of classes to build the architecture for. Needs --input-shape.")
@click.option("--param", "param_texts", multiple=True, metavar="KEY=VALUE",
              help="An architecture parameter for the build, e.g. --param width=0.5; repeatable.")
@click.pass_context
def info_command(ctx: click.Context, name: str, kind: str | None, as_json: bool,
                 input_shape: tuple[int, int, int] | None, classes: int | None, param_texts: tuple[str, ...]) -> None:
    """Describe the component NAME: summary, parameters with defaults, and where it comes from.

    With --input-shape and --classes, also build the architecture (this imports TensorFlow) and
    report params (trainable parameters), non_trainable_params, macs and flops (2 x macs) of one
    forward pass of one image.
    """
    component = state(ctx).plugins().registry.find(name, _normalise_kind(kind))
    description = describe_component(component)
    if (input_shape is None) != (classes is None) or (param_texts and input_shape is None):
        raise click.UsageError("--input-shape and --classes go together (and --param needs them), "
                               "e.g. --input-shape 224,224,3 --classes 1000")
    if input_shape is not None and classes is not None:
        from zoo_core.model_stats import architecture_stats

        description.update(architecture_stats(component, input_shape, classes, _parse_params(param_texts)))
    if as_json:
        echo_json(description)
        return
    click.echo(render_description(description))


def _parse_params(texts: tuple[str, ...]) -> dict[str, Any]:
    """Parse ``KEY=VALUE`` texts; values are read as TOML, as ``zoo run --set`` reads them."""
    from zoo_core.config import parse_value

    params = {}
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="--param")
        params[key.strip()] = parse_value(value.strip())
    return params


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
    if "params" in description:
        shape = "x".join(str(size) for size in description["input_shape"])
        lines.append(f"  built for {shape} input and {plural(description['num_classes'], 'class', 'classes')}:")
        for key in ("params", "non_trainable_params", "macs", "flops"):
            lines.append(f"    {key}: {description[key]:,}")
    return "\n".join(line for line in lines if line)

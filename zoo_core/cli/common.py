"""Shared pieces of the ``zoo`` commands: plugin loading per invocation and output helpers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import click

from zoo_core.plugins import LoadedPlugins, load_plugins


@dataclass
class CliState:
    """Options of the ``zoo`` group, and the plugins, loaded on first use."""

    disabled: tuple[str, ...] = ()
    strict: bool | None = None
    #: Plugins to load from ``--allow-plugin``; None leaves the choice to the environment.
    allow: tuple[str, ...] | None = None
    trace: bool | None = None
    _plugins: LoadedPlugins | None = field(default=None, repr=False)

    def plugins(self) -> LoadedPlugins:
        """Load the plugins once per invocation and return them."""
        if self._plugins is None:
            self._plugins = load_plugins(disabled=self.disabled, strict=self.strict,
                                         allow=self.allow, trace=self.trace)
        return self._plugins


def state(ctx: click.Context) -> CliState:
    """Return the state that the ``zoo`` group stored on the context."""
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):
        obj = CliState()
        ctx.find_root().obj = obj
    return obj


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON on standard output."""
    click.echo(json.dumps(data, indent=2, default=str))


def format_table(rows: list[list[str]], header: list[str]) -> str:
    """Return rows as a plain left-aligned text table."""
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, len(str(cell))) for w, cell in zip(widths, row)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    return "\n".join(lines)

"""``zoo plugins``: list, install, uninstall, disable, enable and create plugins.

No command here imports TensorFlow. ``install``, ``uninstall``, ``disable``, ``enable``,
``allow`` and ``new`` never import a plugin, so they work when every plugin is broken. ``prefer``
loads the plugins to check the component it names. When that plugin is broken, it saves the
preference unchecked.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import click

from zoo_core import plugin_choices, plugin_install
from zoo_core.cli.common import echo_json, format_table, state
from zoo_core.components import KINDS
from zoo_core.errors import PluginError
from zoo_core.plugin_examples import EXAMPLES
from zoo_core.plugins import load_plugins, strict_requested
from zoo_core.registry import PluginInfo


@click.group("plugins", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def plugins_group(ctx: click.Context, as_json: bool) -> None:
    """Manage plugins. Without a subcommand, list them as `zoo plugins list` does."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_plugins, as_json=as_json)


@plugins_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("-l", "--long", "long_format", is_flag=True, help="Also list each plugin's hooks and components.")
@click.pass_context
def list_plugins(ctx: click.Context, as_json: bool, long_format: bool = False) -> None:
    """List plugins: distribution, version, status, load time, hooks and components.

    The status is loaded, failed, disabled or incompatible; each problem is printed once below
    the table. With --strict-plugins the command exits with status 1 after listing a problem.
    """
    cli = state(ctx)
    loaded = load_plugins(disabled=cli.disabled, strict=False, allow=cli.allow, trace=cli.trace, warn=False)
    plugins = list(loaded.registry.plugins.values())
    if as_json:
        echo_json([plugin.describe() for plugin in plugins])
    else:
        click.echo(_render_table(plugins))
        for plugin in plugins:
            _echo_details(plugin, long_format)
    troubled = [p.name for p in plugins if p.status in ("failed", "incompatible") or p.conflicts]
    if troubled and strict_requested(cli.strict):
        raise PluginError(f"plugin problems in strict mode: {', '.join(troubled)}",
                          "fix, uninstall or disable them, or run without --strict-plugins")


def _render_table(plugins: list[PluginInfo]) -> str:
    rows = [[p.name, p.distribution, p.version, p.status, f"{p.load_seconds * 1000:.1f}",
             str(len(p.hooks)), str(len(p.components))] for p in plugins]
    return format_table(rows, ["PLUGIN", "DISTRIBUTION", "VERSION", "STATUS", "LOAD MS", "HOOKS", "COMPONENTS"])


def _echo_details(plugin: PluginInfo, long_format: bool) -> None:
    label = f"{plugin.name} ({plugin.distribution or 'unknown distribution'} {plugin.version or '?'})"
    if plugin.status == "failed":
        click.echo(f"\n{plugin.name} failed: {plugin.error}")
    elif plugin.status == "incompatible":
        click.echo(f"\n{label} is incompatible: {plugin.error}")
    elif plugin.status == "disabled":
        click.echo(f"\n{label} is {plugin.error}")
    for clash in plugin.conflicts:
        click.echo(f"\n{label} clashes: {clash} is also registered by another plugin; use the qualified id "
                   f"{plugin.name}:{clash.split(':', 1)[1]} (see `zoo info` for the others)")
    if long_format and plugin.status == "loaded":
        click.echo(f"\n{label}")
        click.echo(f"  hooks: {', '.join(plugin.hooks) or 'none'}")
        click.echo(f"  components: {', '.join(plugin.components) or 'none'}")


@plugins_group.command("install")
@click.argument("specs", nargs=-1, required=True, metavar="SPEC...")
@click.option("-e", "--editable", is_flag=True, help="Install local folders in editable mode.")
@click.option("-U", "--upgrade", is_flag=True, help="Upgrade plugins that are already installed.")
@click.option("--pip-arg", "pip_args", multiple=True, metavar="ARG",
              help="Pass ARG to `pip install`, e.g. --pip-arg=--no-build-isolation; repeatable.")
@click.option("-v", "--verbose", is_flag=True, help="Show pip's output; by default pip shows only its errors.")
def install_command(specs: tuple[str, ...], editable: bool, upgrade: bool, pip_args: tuple[str, ...],
                    verbose: bool) -> None:
    """Install plugins from package names, local folders or wheel files, then load them.

    Uses the pip of the Python that runs zoo, so plugins land in the same environment.
    """
    changed = plugin_install.install(specs, editable=editable, upgrade=upgrade, pip_args=pip_args, verbose=verbose)
    records = plugin_install.describe_plugins_in_new_process(changed)
    if not records:
        click.echo(f"installed {', '.join(changed) or 'nothing new'}; no new zoo plugin among them")
        return
    failed = []
    for record in records:
        click.echo(_describe_record(record))
        if record["status"] != "loaded":
            failed.append(record["name"])
    if failed:
        raise PluginError(f"installed, but not loaded: {', '.join(failed)}",
                          f"fix the plugin, or remove it with `zoo plugins uninstall {failed[0]}`")


def _describe_record(record: dict[str, Any]) -> str:
    head = f"plugin {record['name']} ({record['distribution']} {record['version']}): {record['status']}"
    if record["status"] != "loaded":
        return f"{head}: {record['error'].splitlines()[0] if record['error'] else ''}"
    components = ", ".join(record["components"]) or "no components"
    return f"{head}, registered {components}"


@plugins_group.command("uninstall")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
def uninstall_command(names: tuple[str, ...]) -> None:
    """Uninstall plugins, named by plugin or distribution name, with the pip of zoo's Python."""
    removed = plugin_install.uninstall(names)
    click.echo(f"uninstalled {', '.join(removed)}")


@plugins_group.command("disable")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
def disable_command(names: tuple[str, ...]) -> None:
    """Stop importing plugins (plugin or distribution names) until `zoo plugins enable`."""
    path, chosen = plugin_choices.disable(names)
    click.echo(f"disabled {', '.join(chosen)} (saved in {path})")


@plugins_group.command("enable")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
def enable_command(names: tuple[str, ...]) -> None:
    """Load plugins again that `zoo plugins disable` turned off."""
    path, removed = plugin_choices.enable(names)
    if removed:
        click.echo(f"enabled {', '.join(removed)} (saved in {path})")
    else:
        click.echo(f"{', '.join(names)}: not disabled in {path}; nothing changed")


@plugins_group.command("allow")
@click.argument("names", nargs=-1, metavar="[NAME...]")
@click.option("--all", "load_all", is_flag=True, help="Remove the allow-list: load every installed plugin.")
def allow_command(names: tuple[str, ...], load_all: bool) -> None:
    """Load only the plugins NAME... from now on (the built-ins always load).

    With no NAME, no third-party plugin loads; --all returns to loading every installed plugin.
    """
    if load_all and names:
        raise click.UsageError("give plugin names or --all, not both")
    path, allowed = plugin_choices.allow(None if load_all else names)
    if allowed is None:
        click.echo(f"every installed plugin loads again (saved in {path})")
    else:
        click.echo(f"only {', '.join(allowed) or 'the built-ins'} will load (saved in {path})")


@plugins_group.command("prefer")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("name")
@click.argument("plugin", required=False)
def prefer_command(kind: str, name: str, plugin: str | None) -> None:
    """Make the short NAME of KIND select PLUGIN's component when several plugins register it.

    Without PLUGIN, forget the preference.
    """
    path = plugin_choices.prefer(kind, name, plugin)
    if plugin is None:
        click.echo(f"{kind} {name!r}: preference removed (saved in {path})")
    else:
        click.echo(f"{kind} {name!r} now selects the one from {plugin} (saved in {path})")


@plugins_group.command("new")
@click.argument("name")
@click.option("--kind", type=click.Choice(list(EXAMPLES)), default="architecture", show_default=True,
              help="Kind of the example component.")
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=None,
              help="Folder to create (default: ./zoo-NAME).")
def new_command(name: str, kind: str, directory: str | None) -> None:
    """Write a ready plugin project: pyproject.toml, one example component, README and tests."""
    from zoo_core.plugin_template import write_plugin_project

    target = write_plugin_project(name, kind, Path(directory) if directory else None)
    click.echo(f"created the plugin project {target}")
    click.echo(f"next: {next_steps(target)}")


def next_steps(target: Path) -> str:
    """Return the shell command that installs the new project with its test extra and runs its tests.

    The extra installs pytest, which an environment set up without test tools does not contain.
    The tests run with the interpreter that runs zoo, so they find the plugin just installed.
    """
    spec = shlex.quote(f"{target}[test]")
    tests = shlex.quote(str(target / "tests"))
    return f"zoo plugins install --editable {spec} && {shlex.quote(sys.executable)} -m pytest {tests}"

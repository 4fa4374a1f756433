"""The changes that ``zoo plugins disable|enable|allow|prefer`` make to the settings file.

Names are checked against the installed plugins (plugin or distribution name) and stored as
plugin names, so a later rename of the distribution does not matter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from zoo_core.components import KINDS
from zoo_core.errors import PluginError
from zoo_core.plugin_discovery import (
    DiscoveredPlugin,
    describe_names,
    discover_plugins,
    is_core_name,
    require_plugins,
)
from zoo_core.plugin_settings import load_settings, save_settings


def disable(names: Sequence[str]) -> tuple[Path, list[str]]:
    """Add the named plugins to the disabled list; return the settings file and their names."""
    plugins = _require_third_party(names, "disabled")
    settings = load_settings()
    chosen = [plugin.name for plugin in plugins]
    settings.disabled = sorted(set(settings.disabled) | set(chosen))
    return save_settings(settings), chosen


def enable(names: Sequence[str]) -> tuple[Path, list[str]]:
    """Remove the named plugins from the disabled list; return the settings file and the names removed.

    A name that is still listed but no longer installed is removed too. Raises PluginError for
    a name that is neither installed nor listed.
    """
    installed = discover_plugins()
    settings = load_settings()
    removed = []
    for name in names:
        matching = [entry for entry in settings.disabled
                    if entry == name or any(p.matches(name) and p.matches(entry) for p in installed)]
        if not matching:
            require_plugins([name], installed)
        removed += matching
    settings.disabled = [entry for entry in settings.disabled if entry not in removed]
    return save_settings(settings), removed


def allow(names: Sequence[str] | None) -> tuple[Path, list[str] | None]:
    """Set the allow-list to ``names``, or remove it when ``names`` is None (load every plugin)."""
    settings = load_settings()
    settings.allow = None if names is None else [p.name for p in _require_third_party(names, "allowed")]
    return save_settings(settings), settings.allow


def prefer(kind: str, name: str, plugin: str | None) -> Path:
    """Make the short name ``name`` of ``kind`` select ``plugin``'s component; None removes the choice."""
    if kind not in KINDS:
        raise PluginError(f"{kind!r} is not a kind of component", f"choose one of {', '.join(KINDS)}")
    settings = load_settings()
    key = f"{kind}/{name}"
    if plugin is None:
        settings.prefer.pop(key, None)
    elif is_core_name(plugin):
        settings.prefer[key] = "core"
    else:
        settings.prefer[key] = require_plugins([plugin], discover_plugins())[0].name
    return save_settings(settings)


def _require_third_party(names: Sequence[str], verb: str) -> list[DiscoveredPlugin]:
    installed = discover_plugins()
    for name in names:
        if is_core_name(name):
            raise PluginError(f"the built-in plugin {name!r} is always loaded and cannot be {verb}",
                              f"installed plugins: {describe_names(installed)}")
    return require_plugins(names, installed)

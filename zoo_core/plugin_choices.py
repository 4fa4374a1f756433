"""The changes that ``zoo plugins disable|enable|allow|prefer`` make to the settings file.

Names are checked against the installed plugins (plugin or distribution name) and stored as
plugin names, so a later rename of the distribution does not matter.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

from zoo_core.components import KINDS
from zoo_core.errors import PluginError
from zoo_core.plugin_discovery import (
    BUILTIN_PLUGIN,
    DiscoveredPlugin,
    describe_names,
    discover_plugins,
    is_core_name,
    require_plugins,
)
from zoo_core.plugin_settings import load_settings, save_settings

logger = logging.getLogger(__name__)


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
    """Make the short name ``name`` of ``kind`` select ``plugin``'s component; None removes the choice.

    Raises PluginError when ``plugin`` is not installed, or loads and registers no such component.
    """
    if kind not in KINDS:
        raise PluginError(f"{kind!r} is not a kind of component", f"choose one of {', '.join(KINDS)}")
    settings = load_settings()
    key = f"{kind}/{name}"
    if plugin is None:
        settings.prefer.pop(key, None)
    else:
        chosen = BUILTIN_PLUGIN if is_core_name(plugin) else require_plugins([plugin], discover_plugins())[0].name
        _check_provides(kind, name, chosen)
        settings.prefer[key] = chosen
    return save_settings(settings)


def _check_provides(kind: str, name: str, plugin: str) -> None:
    """Raise PluginError when ``plugin`` loads but registers no ``kind`` called ``name``.

    Every installed plugin is loaded, the user's disabled list and allow-list aside, so the
    error can name the plugins that do provide it. A plugin that fails to load or is
    incompatible cannot be checked; the preference is saved with a warning.
    """
    from zoo_core.plugin_settings import PluginSettings
    from zoo_core.plugins import load_plugins

    registry = load_plugins(strict=False, settings=PluginSettings(), warn=False).registry
    info = registry.plugins.get(plugin)
    if info is None or info.status != "loaded":
        reason = info.error.splitlines()[0] if info and info.error else "it did not load"
        logger.warning("cannot check that plugin %s provides the %s %r: %s", plugin, kind, name, reason)
        return
    providers = sorted({c.plugin for c in registry.components(kind) if c.name == name or name in c.aliases})
    if plugin in providers:
        return
    if providers:
        hint = f"plugins that provide it: {', '.join(providers)}"
    else:
        own = sorted(c.name for c in registry.components(kind) if c.plugin == plugin)
        hint = (f"no installed plugin registers the {kind} {name!r}; the {kind} names of {plugin}: "
                f"{', '.join(own) or 'none'} (see `zoo list {kind}`)")
    raise PluginError(f"plugin {plugin} provides no {kind} called {name!r}", hint)


def _require_third_party(names: Sequence[str], verb: str) -> list[DiscoveredPlugin]:
    installed = discover_plugins()
    for name in names:
        if is_core_name(name):
            raise PluginError(f"the built-in plugin {name!r} is always loaded and cannot be {verb}",
                              f"installed plugins: {describe_names(installed)}")
    return require_plugins(names, installed)

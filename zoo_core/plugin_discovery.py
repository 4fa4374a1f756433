"""Discovery of installed plugins from entry-point metadata, without importing them.

Names given by users (``--disable-plugin``, ``zoo plugins disable``, ``zoo plugins uninstall``)
may be a plugin name (the entry point's name) or a distribution name, compared the way pip
compares project names (case, ``-``, ``_`` and ``.`` do not matter).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from typing import Iterable

from packaging.utils import canonicalize_name

from zoo_core.errors import PluginError
from zoo_core.plugin_compat import declared_core_range

ENTRY_POINT_GROUP = "zoo_core.plugins"
BUILTIN_PLUGIN = "core"
CORE_DISTRIBUTION = "zoo-core"


@dataclass(frozen=True)
class DiscoveredPlugin:
    """An installed plugin as its metadata describes it."""

    name: str
    module: str
    distribution: str
    version: str
    requires_core: str | None
    entry_point: metadata.EntryPoint

    def matches(self, name: str) -> bool:
        """Return whether ``name`` is this plugin's name or its distribution's name."""
        if name == self.name:
            return True
        return bool(self.distribution) and canonicalize_name(name) == canonicalize_name(self.distribution)


def discover_plugins() -> list[DiscoveredPlugin]:
    """Return the installed plugins sorted by name, each distribution's entry point once.

    ``importlib.metadata`` already skips a second copy of a distribution further down
    ``sys.path``; entry points that are equal in name, target and distribution are also merged.
    """
    seen: set[tuple[str, str, str]] = set()
    found = []
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(entry_point, "dist", None)
        distribution = dist.name if dist else ""
        key = (entry_point.name, entry_point.value, canonicalize_name(distribution))
        if key in seen:
            continue
        seen.add(key)
        found.append(DiscoveredPlugin(
            name=entry_point.name,
            module=entry_point.value,
            distribution=distribution,
            version=dist.version if dist else "",
            requires_core=declared_core_range(dist),
            entry_point=entry_point,
        ))
    return sorted(found, key=lambda plugin: (plugin.name, plugin.distribution))


def find_plugins(name: str, plugins: Iterable[DiscoveredPlugin]) -> list[DiscoveredPlugin]:
    """Return the plugins that ``name`` names, by plugin or distribution name."""
    return [plugin for plugin in plugins if plugin.matches(name)]


def is_core_name(name: str) -> bool:
    """Return whether ``name`` names the built-in plugin or the zoo-core distribution."""
    return name == BUILTIN_PLUGIN or canonicalize_name(name) == CORE_DISTRIBUTION


def require_plugins(names: Iterable[str], plugins: list[DiscoveredPlugin]) -> list[DiscoveredPlugin]:
    """Return the plugins named by ``names``; raise PluginError for a name that matches none.

    The error lists every installed plugin with its distribution, so the user can pick one.
    """
    selected: list[DiscoveredPlugin] = []
    for name in names:
        matched = find_plugins(name, plugins)
        if not matched:
            raise PluginError(f"no installed plugin is called {name!r}", f"installed plugins: {describe_names(plugins)}")
        selected.extend(plugin for plugin in matched if plugin not in selected)
    return selected


def describe_names(plugins: Iterable[DiscoveredPlugin]) -> str:
    """Return ``name (distribution)`` for each plugin, or ``none``."""
    listed = [f"{p.name} ({p.distribution})" if p.distribution else p.name for p in plugins]
    return ", ".join(listed) or "none besides the built-in core"

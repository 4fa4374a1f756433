"""Plugin loading: entry-point discovery, failure isolation and component registration.

Plugins are found only through the entry-point group ``zoo_core.plugins``. The built-in
components are registered by the core through the same hooks, as the plugin ``core``.
A plugin whose import, hook validation or registration raises is recorded as failed, and its
components are withdrawn; every other plugin keeps working.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
import traceback
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType
from typing import Any, Callable, Iterable

import pluggy

from zoo_core import hookspecs
from zoo_core.components import Component
from zoo_core.errors import PluginError
from zoo_core.registry import PluginInfo, Registry

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "zoo_core.plugins"
BUILTIN_PLUGIN = "core"
BUILTIN_MODULE = "zoo_core.builtins.plugin"
#: Comma-separated plugin or distribution names that are not imported.
DISABLE_ENV = "ZOO_DISABLE_PLUGINS"
#: When set to 1, a plugin that fails to load is an error.
STRICT_ENV = "ZOO_STRICT_PLUGINS"


@dataclass
class LoadedPlugins:
    """The plugin manager and the registry built from every plugin that loaded."""

    manager: pluggy.PluginManager
    registry: Registry

    @property
    def hook(self) -> Any:
        """The pluggy hook relay, for calling run-lifecycle hooks."""
        return self.manager.hook


def disabled_from_env() -> set[str]:
    """Return the plugin names listed in ``ZOO_DISABLE_PLUGINS``."""
    return {name.strip() for name in os.environ.get(DISABLE_ENV, "").split(",") if name.strip()}


def load_plugins(disabled: Iterable[str] = (), strict: bool | None = None) -> LoadedPlugins:
    """Discover, import and register every plugin, and return the result.

    ``disabled`` names plugins (entry-point names or distribution names) to skip before import;
    the names in ``ZOO_DISABLE_PLUGINS`` are added to it. With ``strict`` (default: the
    ``ZOO_STRICT_PLUGINS`` environment variable), a plugin that fails raises PluginError.
    """
    if strict is None:
        strict = os.environ.get(STRICT_ENV, "") not in ("", "0", "false")
    skip = set(disabled) | disabled_from_env()
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    registry = Registry()

    core = PluginInfo(BUILTIN_PLUGIN, BUILTIN_MODULE, "zoo-core", _core_version())
    _load_one(manager, registry, core, lambda: importlib.import_module(BUILTIN_MODULE))

    for entry_point in _entry_points():
        dist = getattr(entry_point, "dist", None)
        info = PluginInfo(
            name=entry_point.name,
            module=entry_point.value,
            distribution=dist.name if dist else "",
            version=dist.version if dist else "",
        )
        if info.name in registry.plugins:
            info.status = "failed"
            info.error = f"another plugin is already called {info.name!r}"
            registry.plugins[f"{info.name}@{info.distribution}"] = info
            continue
        if info.name in skip or info.distribution in skip:
            info.status = "disabled"
            registry.plugins[info.name] = info
            continue
        _load_one(manager, registry, info, entry_point.load)

    failed = [p for p in registry.plugins.values() if p.status == "failed"]
    for plugin in failed:
        logger.warning("plugin %s (%s %s) failed to load: %s", plugin.name, plugin.distribution,
                       plugin.version, plugin.error.splitlines()[0] if plugin.error else "")
    if strict and failed:
        names = "; ".join(f"{p.name}: {p.error.splitlines()[0]}" for p in failed)
        raise PluginError(
            f"{len(failed)} plugin(s) failed to load: {names}",
            "fix or uninstall them, or disable them with --disable-plugin NAME",
        )
    return LoadedPlugins(manager, registry)


def _entry_points() -> list[metadata.EntryPoint]:
    """Return the group's entry points, each distribution's copy seen only once."""
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(entry_point, "dist", None)
        key = (entry_point.name, entry_point.value, dist.name if dist else "")
        if key in seen:
            continue
        seen.add(key)
        unique.append(entry_point)
    return sorted(unique, key=lambda ep: ep.name)


def _load_one(
    manager: pluggy.PluginManager,
    registry: Registry,
    info: PluginInfo,
    importer: Callable[[], Any],
) -> None:
    """Import one plugin, register its hooks and components, and record the outcome in ``info``."""
    registry.plugins[info.name] = info
    started = time.perf_counter()
    try:
        module = importer()
        manager.register(module, name=info.name)
    except Exception as error:  # noqa: BLE001 - any failure of a plugin is isolated and recorded
        info.status = "failed"
        info.error = _format_error(error)
        info.load_seconds = time.perf_counter() - started
        return
    info.hooks = sorted(impl.name for impl in _hook_names(manager, module))
    added: list[Component] = []
    try:
        for kind, hook_name in hookspecs.REGISTRATION_HOOKS.items():
            for impl in getattr(manager.hook, hook_name).get_hookimpls():
                if impl.plugin_name == info.name:
                    impl.function(register=_make_register(registry, info, kind, added))
    except Exception as error:  # noqa: BLE001 - a failing registration withdraws the plugin
        for component in added:
            registry._components.pop(f"{component.kind}/{component.id}", None)
        manager.unregister(name=info.name)
        info.status = "failed"
        info.error = _format_error(error)
        info.components = []
    info.load_seconds = time.perf_counter() - started


def _hook_names(manager: pluggy.PluginManager, module: ModuleType) -> list[Any]:
    callers = manager.get_hookcallers(module) or []
    return list(callers)


def _make_register(
    registry: Registry, info: PluginInfo, kind: str, added: list[Component]
) -> Callable[..., Component]:
    """Return the ``register`` callback that one plugin receives for one kind."""

    def register(
        name: str,
        factory: Callable[..., Any] | str,
        *,
        summary: str = "",
        aliases: Iterable[str] = (),
        tags: Iterable[str] = (),
        metadata: dict[str, Any] | None = None,
    ) -> Component:
        if not isinstance(name, str) or not name or ":" in name or name != name.strip():
            raise TypeError(f"register(): invalid {kind} name {name!r}: use a non-empty name without ':'")
        if not (callable(factory) or (isinstance(factory, str) and ":" in factory)):
            raise TypeError(
                f"register(): the {kind} {name!r} has factory {factory!r}; "
                "give a callable or a 'module:attribute' string"
            )
        if metadata is not None and not isinstance(metadata, dict):
            raise TypeError(f"register(): metadata of the {kind} {name!r} must be a dict")
        component = Component(
            kind=kind,
            name=name,
            plugin=info.name,
            factory=factory,
            distribution=info.distribution,
            version=info.version,
            summary=str(summary),
            aliases=tuple(aliases),
            tags=tuple(tags),
            metadata=dict(metadata or {}),
        )
        registry.add(component)
        added.append(component)
        info.components.append(f"{kind}:{component.id}")
        return component

    return register


def _format_error(error: BaseException) -> str:
    """Return ``Type: message`` followed by the innermost frame, for the plugin report."""
    summary = f"{type(error).__name__}: {error}"
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        last = frames[-1]
        summary += f"\n  at {last.filename}:{last.lineno}"
    return summary


def _core_version() -> str:
    from zoo_core import __version__

    return __version__

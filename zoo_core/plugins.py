"""Plugin loading: selection, compatibility, failure isolation and component registration.

Plugins are found only through the entry-point group ``zoo_core.plugins``. The built-in
components are registered by the core through the same hooks, as the plugin ``core``.
Before a plugin is imported, the loader skips it when it is disabled or left out of an
allow-list, and when its declared zoo-core range excludes the running version. A plugin whose
import, hook validation or registration raises is recorded as failed, and its components are
withdrawn; every other plugin keeps working. Short names that several plugins register stay
reachable by qualified id (see :mod:`zoo_core.plugin_conflicts`).
"""

from __future__ import annotations

import importlib
import logging
import os
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import pluggy

from zoo_core import hook_trace, hookspecs
from zoo_core.components import Component
from zoo_core.errors import PluginError
from zoo_core.plugin_compat import incompatibility
from zoo_core.plugin_conflicts import resolve_conflicts
from zoo_core.plugin_discovery import (
    BUILTIN_PLUGIN,
    ENTRY_POINT_GROUP,
    DiscoveredPlugin,
    discover_plugins,
)
from zoo_core.plugin_selection import PluginSelection, select_plugins
from zoo_core.plugin_settings import PluginSettings
from zoo_core.registry import PluginInfo, Registry

logger = logging.getLogger(__name__)

__all__ = ["ENTRY_POINT_GROUP", "LoadedPlugins", "load_plugins", "BUILTIN_PLUGIN"]

BUILTIN_MODULE = "zoo_core.builtins.plugin"
#: Comma-separated plugin or distribution names that are not imported.
DISABLE_ENV = "ZOO_DISABLE_PLUGINS"
#: When set to 1, a plugin that fails to load, is incompatible or clashes is an error.
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


def strict_requested(option: bool | None = None) -> bool:
    """Return ``option`` when given, else whether ``ZOO_STRICT_PLUGINS`` is set to a true value."""
    if option is not None:
        return option
    return os.environ.get(STRICT_ENV, "") not in ("", "0", "false")


def load_plugins(
    disabled: Iterable[str] = (),
    strict: bool | None = None,
    *,
    allow: Iterable[str] | None = None,
    trace: bool | None = None,
    settings: PluginSettings | None = None,
    warn: bool = True,
) -> LoadedPlugins:
    """Discover, select, import and register every plugin, and return the result.

    ``disabled`` names plugins (plugin or distribution names) to skip before import; the names
    in ``ZOO_DISABLE_PLUGINS`` and the settings file are added to it. ``allow``, when given,
    loads only the named plugins (see :mod:`zoo_core.plugin_selection` for the other sources).
    With ``strict`` (default: ``ZOO_STRICT_PLUGINS``), a plugin that failed, is incompatible or
    clashes raises PluginError. ``trace`` (default: ``ZOO_TRACE_HOOKS``) logs every hook call.
    ``warn`` logs one warning per plugin problem; ``zoo plugins list`` turns it off and prints
    them itself. Names that match no installed plugin are always logged.
    """
    strict = strict_requested(strict)
    trace = hook_trace.tracing_requested(trace)
    hook_trace.set_tracing(trace)
    discovered = discover_plugins()
    selection = select_plugins(discovered, disabled, allow, settings)
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    registry = Registry()
    overrides: set[str] = set()

    core = PluginInfo(BUILTIN_PLUGIN, BUILTIN_MODULE, "zoo-core", _core_version())
    _load_one(manager, registry, core, lambda: importlib.import_module(BUILTIN_MODULE), overrides, trace)
    for plugin in discovered:
        _consider(manager, registry, plugin, selection, overrides, trace)

    problems = _problems(registry)
    problems += resolve_conflicts(registry, overrides, selection.prefer)
    for message in selection.warnings:
        logger.warning("%s", message)
    if warn:
        for message in problems:
            logger.warning("%s", message)
    if strict and problems:
        raise PluginError(
            f"{len(problems)} plugin problem(s) in strict mode: " + "; ".join(problems),
            "fix, uninstall or disable the plugins named (--disable-plugin NAME), "
            "or run without --strict-plugins and ZOO_STRICT_PLUGINS",
        )
    return LoadedPlugins(manager, registry)


def _consider(
    manager: pluggy.PluginManager,
    registry: Registry,
    plugin: DiscoveredPlugin,
    selection: PluginSelection,
    overrides: set[str],
    trace: bool,
) -> None:
    """Record one discovered plugin, and import it when it is selected and compatible."""
    info = PluginInfo(plugin.name, plugin.module, plugin.distribution, plugin.version,
                      requires_core=plugin.requires_core or "")
    if info.name in registry.plugins:
        other = registry.plugins[info.name]
        info.status = "failed"
        info.error = (f"another plugin is already called {info.name!r} "
                      f"(distribution {other.distribution or 'unknown'}); this one was not loaded")
        registry.plugins[f"{info.name}@{info.distribution}"] = info
        return
    reason = selection.skip_reason(plugin)
    if reason:
        info.status = "disabled"
        info.error = reason
        registry.plugins[info.name] = info
        return
    mismatch = incompatibility(plugin.requires_core, _core_version())
    if mismatch:
        info.status = "incompatible"
        info.error = mismatch
        registry.plugins[info.name] = info
        return
    _load_one(manager, registry, info, plugin.entry_point.load, overrides, trace)


def _problems(registry: Registry) -> list[str]:
    """Return one message per plugin that failed or is incompatible, with version and cause."""
    messages = []
    for plugin in registry.plugins.values():
        if plugin.status not in ("failed", "incompatible"):
            continue
        cause = plugin.error.splitlines()[0] if plugin.error else "no cause recorded"
        verb = "failed to load" if plugin.status == "failed" else "is incompatible"
        messages.append(f"plugin {plugin.name} ({plugin.distribution or 'unknown distribution'} "
                        f"{plugin.version or '?'}) {verb}: {cause}")
    return messages


def _load_one(
    manager: pluggy.PluginManager,
    registry: Registry,
    info: PluginInfo,
    importer: Callable[[], Any],
    overrides: set[str],
    trace: bool,
) -> None:
    """Import one plugin, register its hooks and components, and record the outcome in ``info``."""
    registry.plugins[info.name] = info
    started = time.perf_counter()
    try:
        module = importer()
        if trace:
            hook_trace.log_import(info.name, time.perf_counter() - started)
        manager.register(module, name=info.name)
    except Exception as error:  # noqa: BLE001 - any failure of a plugin is isolated and recorded
        info.status = "failed"
        info.error = _format_error(error)
        info.load_seconds = time.perf_counter() - started
        return
    if trace:
        hook_trace.trace_plugin(manager, info.name)
    info.hooks = sorted(caller.name for caller in manager.get_hookcallers(module) or [])
    added: list[Component] = []
    claimed: set[str] = set()
    try:
        for kind, hook_name in hookspecs.REGISTRATION_HOOKS.items():
            for impl in getattr(manager.hook, hook_name).get_hookimpls():
                if impl.plugin_name == info.name:
                    impl.function(register=_make_register(registry, info, kind, added, claimed))
    except Exception as error:  # noqa: BLE001 - a failing registration withdraws the plugin
        for component in added:
            registry._components.pop(f"{component.kind}/{component.id}", None)
        manager.unregister(name=info.name)
        info.status = "failed"
        info.error = _format_error(error)
        info.components = []
        claimed.clear()
    overrides.update(claimed)
    info.load_seconds = time.perf_counter() - started


def _make_register(
    registry: Registry, info: PluginInfo, kind: str, added: list[Component], claimed: set[str]
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
        override: bool = False,
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
        if override:
            claimed.add(f"{kind}/{component.id}")
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

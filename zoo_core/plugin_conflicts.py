"""Short names that several plugins register: who gets the short name, and what is reported.

Every component stays reachable by its qualified id ``plugin:name``. For the short name:

- a user preference (``zoo plugins prefer KIND NAME PLUGIN``) selects that plugin, silently;
- a built-in component keeps its short name unless a plugin registers the same name with
  ``override=True``, which is the only way to replace a built-in;
- otherwise the short name is ambiguous, and using it raises an error that lists the providers.

Each clash that no preference settles is reported once, against the plugin that loaded later.
"""

from __future__ import annotations

from collections import defaultdict

from zoo_core.components import Component
from zoo_core.plugin_discovery import BUILTIN_PLUGIN
from zoo_core.registry import Registry


def resolve_conflicts(registry: Registry, overrides: set[str], prefer: dict[str, str]) -> list[str]:
    """Fill ``registry.preferred`` and return one message per unsettled clash.

    ``overrides`` holds ``kind/plugin:name`` for components registered with ``override=True``;
    ``prefer`` maps ``kind/name`` to a plugin name.
    """
    groups: dict[str, list[Component]] = defaultdict(list)
    for component in registry.components():
        groups[f"{component.kind}/{component.name}"].append(component)
    messages = []
    for key, components in groups.items():
        if len(components) < 2:
            continue
        preferred = [c for c in components if c.plugin == prefer.get(key)]
        if preferred:
            registry.preferred[key] = preferred[0].id
            continue
        message = _settle(registry, key, components, overrides)
        if message:
            messages.append(message)
    return messages


def _settle(registry: Registry, key: str, components: list[Component], overrides: set[str]) -> str | None:
    """Choose the short name's owner by the built-in rule, or return the clash to report."""
    kind, name = key.split("/", 1)
    builtin = [c for c in components if c.plugin == BUILTIN_PLUGIN]
    order = list(registry.plugins)
    others = sorted((c for c in components if c.plugin != BUILTIN_PLUGIN), key=lambda c: order.index(c.plugin))
    overriding = [c for c in others if f"{kind}/{c.id}" in overrides]
    if builtin and len(overriding) == 1:
        registry.preferred[key] = overriding[0].id
        return None
    if builtin and not overriding:
        registry.preferred[key] = builtin[0].id
        blamed = others[0]
        message = (f"registers the {kind} {name!r} that zoo-core provides; {name!r} still selects "
                   f"{builtin[0].id} and theirs is {blamed.id} (pass override=True to register() "
                   "to replace the built-in)")
    else:
        contenders = overriding if builtin else others
        blamed = contenders[-1]
        ids = ", ".join(c.id for c in contenders)
        message = (f"registers the {kind} {name!r} that {_provider(registry, contenders[0])} also "
                   f"registers; the short name is ambiguous, so use {ids} or choose one with "
                   f"`zoo plugins prefer {kind} {name} PLUGIN`")
    info = registry.plugins[blamed.plugin]
    info.conflicts.append(f"{kind}:{name}")
    return f"plugin {info.name} ({info.distribution or 'unknown distribution'} {info.version or '?'}) {message}"


def _provider(registry: Registry, component: Component) -> str:
    info = registry.plugins.get(component.plugin)
    if info is None:
        return f"plugin {component.plugin}"
    return f"plugin {info.name} ({info.distribution} {info.version})"

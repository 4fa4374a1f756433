"""Selection of the installed plugins that the loader imports: disabled names and the allow-list.

Three sources disable a plugin before it is imported: the ``disabled`` argument (the
``--disable-plugin`` option), ``ZOO_DISABLE_PLUGINS`` and ``disabled`` in the settings file.
An allow-list turns automatic loading off: only the plugins it names are loaded. It comes from
the first of the ``allow`` argument (``--allow-plugin``), ``ZOO_ALLOW_PLUGINS`` and ``allow`` in
the settings file that is set. The built-in plugin ``core`` is always loaded, so
``ZOO_ALLOW_PLUGINS=core`` loads no third-party plugin.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable

from zoo_core.plugin_discovery import DiscoveredPlugin, describe_names, find_plugins, is_core_name
from zoo_core.plugin_settings import PluginSettings, load_settings, settings_path

DISABLE_ENV = "ZOO_DISABLE_PLUGINS"
ALLOW_ENV = "ZOO_ALLOW_PLUGINS"


@dataclass
class PluginSelection:
    """The names that decide which plugins load, each with the source that set it."""

    disabled: dict[str, str] = field(default_factory=dict)
    allow: list[str] | None = None
    allow_source: str = ""
    prefer: dict[str, str] = field(default_factory=dict)
    #: One message per name that matches no installed plugin, or that names the core.
    warnings: list[str] = field(default_factory=list)

    def skip_reason(self, plugin: DiscoveredPlugin) -> str | None:
        """Return why ``plugin`` is not loaded, or None when it is to be loaded."""
        for name, source in self.disabled.items():
            if plugin.matches(name):
                return f"disabled by {source}"
        if self.allow is not None and not any(plugin.matches(name) for name in self.allow):
            return f"not in the allow-list of {self.allow_source}"
        return None


def select_plugins(
    discovered: list[DiscoveredPlugin],
    disabled: Iterable[str] = (),
    allow: Iterable[str] | None = None,
    settings: PluginSettings | None = None,
) -> PluginSelection:
    """Combine the arguments, environment variables and settings file into one selection."""
    settings = settings if settings is not None else load_settings()
    selection = PluginSelection(prefer=dict(settings.prefer))
    sources = [
        ("--disable-plugin", list(disabled)),
        (DISABLE_ENV, _names_from_env(DISABLE_ENV) or []),
        (f"the settings file {settings_path()}", settings.disabled),
    ]
    for source, names in sources:
        for name in names:
            selection.disabled.setdefault(name, source)
            _check_name(selection, name, source, discovered, "disabled")
    env_allow = _names_from_env(ALLOW_ENV)
    if allow is not None:
        selection.allow, selection.allow_source = list(allow), "--allow-plugin"
    elif env_allow is not None:
        selection.allow, selection.allow_source = env_allow, ALLOW_ENV
    elif settings.allow is not None:
        selection.allow, selection.allow_source = settings.allow, f"the settings file {settings_path()}"
    for name in selection.allow or []:
        if not is_core_name(name):
            _check_name(selection, name, selection.allow_source, discovered, "allowed")
    return selection


def _names_from_env(variable: str) -> list[str] | None:
    """Return the comma-separated names in ``variable``, or None when it is unset or empty."""
    value = os.environ.get(variable, "")
    names = [name.strip() for name in value.split(",") if name.strip()]
    return names or None


def _check_name(selection: PluginSelection, name: str, source: str,
                discovered: list[DiscoveredPlugin], verb: str) -> None:
    if is_core_name(name):
        if verb == "disabled":
            selection.warnings.append(f"{source} names the built-in plugin {name!r}, which is always loaded")
        return
    if not find_plugins(name, discovered):
        selection.warnings.append(
            f"{source} names {name!r}, which is not an installed plugin; "
            f"installed plugins: {describe_names(discovered)}"
        )

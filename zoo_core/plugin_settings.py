"""Persistent plugin settings: disabled plugins, an allow-list and preferred providers.

The settings live in ``plugins.toml`` in the user's zoo configuration folder: ``$ZOO_CONFIG_DIR``
when set, else ``$XDG_CONFIG_HOME/zoo``, else ``~/.config/zoo`` (``%APPDATA%\\zoo`` on Windows).
The ``zoo plugins disable|enable|allow|prefer`` commands write the file; users may also edit it::

    [plugins]
    disabled = ["slow-plugin"]     # never imported
    allow = ["simple-cnn"]         # when present, only these plugins are loaded

    [prefer]
    "architecture/tiny" = "plugin-a"   # the short name "tiny" selects plugin-a:tiny
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from zoo_core.errors import ConfigError
from zoo_core.rundir import write_text_atomic

CONFIG_DIR_ENV = "ZOO_CONFIG_DIR"
SETTINGS_FILE = "plugins.toml"


@dataclass
class PluginSettings:
    """The plugin settings of one user."""

    disabled: list[str] = field(default_factory=list)
    #: Plugins to load; ``None`` loads every installed plugin.
    allow: list[str] | None = None
    #: ``kind/short name`` to the plugin whose component that short name selects.
    prefer: dict[str, str] = field(default_factory=dict)


def config_dir() -> Path:
    """Return the folder that contains the user's zoo settings (it may not exist yet)."""
    configured = os.environ.get(CONFIG_DIR_ENV)
    if configured:
        return Path(configured)
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "zoo"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "zoo"


def settings_path() -> Path:
    """Return the path of the plugin settings file."""
    return config_dir() / SETTINGS_FILE


def load_settings(path: Path | None = None) -> PluginSettings:
    """Read the plugin settings; a missing file gives the defaults.

    Raises ConfigError naming the file when it is not valid TOML or has values of the wrong type.
    """
    path = path or settings_path()
    if not path.is_file():
        return PluginSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"invalid plugin settings file {path}: {error}",
            f"fix the file, or delete it to return to the defaults ({CONFIG_DIR_ENV} moves it)",
        ) from None
    plugins = data.get("plugins", {})
    prefer = data.get("prefer", {})
    disabled = plugins.get("disabled", [])
    allow = plugins.get("allow")
    _check_names(path, "plugins.disabled", disabled)
    if allow is not None:
        _check_names(path, "plugins.allow", allow)
    if not isinstance(prefer, dict) or not all(isinstance(v, str) for v in prefer.values()):
        raise ConfigError(f"invalid [prefer] table in {path}", 'write entries as "kind/name" = "plugin"')
    return PluginSettings(disabled=list(disabled), allow=None if allow is None else list(allow),
                          prefer=dict(prefer))


def save_settings(settings: PluginSettings, path: Path | None = None) -> Path:
    """Write the settings atomically, creating the folder, and return the file's path."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Plugin settings of zoo, written by `zoo plugins disable|enable|allow|prefer`.",
        "[plugins]",
        f"disabled = {_toml_list(settings.disabled)}",
    ]
    if settings.allow is not None:
        lines.append(f"allow = {_toml_list(settings.allow)}")
    lines += ["", "[prefer]"]
    lines += [f"{json.dumps(key)} = {json.dumps(value)}" for key, value in sorted(settings.prefer.items())]
    write_text_atomic(path, "\n".join(lines) + "\n")
    return path


def _toml_list(values: list[str]) -> str:
    # A JSON string of printable text is also a valid TOML basic string.
    return "[" + ", ".join(json.dumps(value, ensure_ascii=False) for value in values) + "]"


def _check_names(path: Path, key: str, value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{key} in {path} must be a list of plugin names", f'write {key.split(".")[1]} = ["name"]')

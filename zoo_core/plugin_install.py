"""Installing and uninstalling plugin distributions with the pip of the running interpreter.

Nothing here imports a plugin: installing and uninstalling must work when every installed
plugin is broken. What a new plugin registers is read by loading the plugins in a fresh
``python -m zoo_core`` process, because a distribution installed a moment ago (an editable one
in particular) may only become importable in a new interpreter.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

from packaging.utils import canonicalize_name
from packaging.version import Version

from zoo_core.errors import PluginError
from zoo_core.plugin_discovery import discover_plugins, is_core_name, require_plugins
from zoo_core.plugins import STRICT_ENV

logger = logging.getLogger(__name__)

#: First pip release with ``--report``, which names what an install changed.
_PIP_REPORT_VERSION = Version("22.2")


def pip_command() -> list[str]:
    """Return ``[python, -m, pip]`` for the running interpreter; raise PluginError without pip."""
    if importlib.util.find_spec("pip") is None:
        raise PluginError(
            f"pip is not installed in the environment that runs zoo ({sys.executable})",
            f"install it with `{sys.executable} -m ensurepip --upgrade`, then run the command again",
        )
    return [sys.executable, "-m", "pip"]


def install(specs: Sequence[str], editable: bool = False, upgrade: bool = False,
            pip_args: Sequence[str] = (), verbose: bool = False) -> list[str]:
    """Install ``specs`` (names, folders or wheels) with pip; return the distributions it changed.

    pip runs with ``--quiet`` unless ``verbose``, so it prints its errors but not its list of
    requirements already satisfied. Raises PluginError when pip is missing or exits with an error.
    """
    command = [*pip_command(), "install", "--disable-pip-version-check"]
    if not verbose:
        command.append("--quiet")
    if upgrade:
        command.append("--upgrade")
    command += list(pip_args)
    for spec in specs:
        command += ["--editable", spec] if editable else [spec]
    before = _installed_versions()
    with tempfile.TemporaryDirectory(prefix="zoo-pip-") as folder:
        report = Path(folder) / "report.json"
        if _pip_version() >= _PIP_REPORT_VERSION:
            command += ["--report", str(report)]
        _run_pip(command, "install")
        reported = _reported_names(report)
    after = _installed_versions()
    changed = {name for name, version in after.items() if before.get(name) != version}
    return sorted(changed | (reported & set(after)))


def uninstall(names: Sequence[str]) -> list[str]:
    """Uninstall the distributions of the plugins named (plugin or distribution names).

    Raises PluginError for an unknown name, for zoo-core itself, and when pip fails.
    """
    for name in names:
        if is_core_name(name):
            raise PluginError(f"{name!r} is zoo-core itself, not a plugin",
                              f"remove zoo-core with `{sys.executable} -m pip uninstall zoo-core`")
    plugins = require_plugins(names, discover_plugins())
    distributions = sorted({plugin.distribution for plugin in plugins if plugin.distribution})
    if not distributions:
        raise PluginError(f"no distribution provides {', '.join(names)}",
                          "remove the file that declares the entry point by hand")
    _run_pip([*pip_command(), "uninstall", "--yes", *distributions], "uninstall")
    remaining = sorted(set(distributions) & {p.distribution for p in discover_plugins()})
    if remaining:
        # pip exits with status 0 but keeps a distribution that lies outside the environment of
        # the running interpreter, for example one inherited from a parent environment.
        raise PluginError(f"pip did not remove {', '.join(remaining)}",
                          "it is installed outside this Python environment; uninstall it with that "
                          "environment's pip, or disable it with `zoo plugins disable NAME`")
    return distributions


def describe_plugins_in_new_process(distributions: Sequence[str]) -> list[dict[str, Any]]:
    """Load the plugins in a fresh interpreter and return the records of those from ``distributions``."""
    command = [sys.executable, "-m", "zoo_core", "plugins", "list", "--json"]
    # Strict mode would turn a broken new plugin into a failed listing, and the listing is what
    # reports the breakage.
    environment = {key: value for key, value in os.environ.items() if key != STRICT_ENV}
    completed = subprocess.run(command, capture_output=True, text=True, check=False, env=environment)
    if completed.returncode != 0:
        raise PluginError(
            f"loading the plugins after the install failed: {completed.stderr.strip()[-2000:]}",
            f"run `{' '.join(command)}` to see the whole output",
        )
    wanted = {canonicalize_name(name) for name in distributions}
    records = json.loads(completed.stdout)
    return [record for record in records if canonicalize_name(record.get("distribution") or "") in wanted]


def _run_pip(command: list[str], action: str) -> None:
    logger.info("running %s", " ".join(command))
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0:
        raise PluginError(
            f"pip {action} failed with exit status {completed.returncode}",
            "read pip's messages above; the command was: " + " ".join(command),
        )


def _installed_versions() -> dict[str, str]:
    versions: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            versions.setdefault(canonicalize_name(name), dist.version)
    return versions


def _pip_version() -> Version:
    try:
        return Version(metadata.version("pip"))
    except (metadata.PackageNotFoundError, ValueError):
        return Version("0")


def _reported_names(report: Path) -> set[str]:
    """Return the distributions that pip's ``--report`` lists as installed, or none."""
    if not report.is_file():
        return set()
    data = json.loads(report.read_text(encoding="utf-8"))
    return {canonicalize_name(item["metadata"]["name"]) for item in data.get("install", [])}



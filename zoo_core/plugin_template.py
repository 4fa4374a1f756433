"""``zoo plugins new``: write a ready plugin project with one example component.

The project has its own ``pyproject.toml`` with the entry point and the supported zoo-core
range. Its package has an entry module that imports neither TensorFlow nor Keras and a factory
module, and the README and tests come with it. The tests pass as generated once the project is
installed.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from zoo_core.errors import PluginError
from zoo_core.plugin_discovery import describe_names, discover_plugins, find_plugins, is_core_name
from zoo_core.plugin_examples import EXAMPLES, TEST_CHECKS
from zoo_core.plugin_template_files import PLUGIN_MODULE, PYPROJECT, README, TESTS

_ARCHITECTURE_METADATA = '\n        metadata={"outputs": "logits", "min_input_size": (1, 1)},'
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def core_range(version: str) -> str:
    """Return the zoo-core range that a new plugin declares: the running minor release series.

    Before 1.0 a minor release may break plugins, so ``0.3.1`` gives ``>=0.3,<0.4``; from 1.0 on,
    ``1.4.0`` gives ``>=1.4,<2``.
    """
    major, minor = (int(part) for part in re.findall(r"\d+", version)[:2])
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f">={major}.{minor},<{upper}"


def write_plugin_project(name: str, kind: str, directory: Path | None = None) -> Path:
    """Write the project of the plugin ``name`` with an example ``kind`` component; return its folder.

    Raises PluginError for a name that is not lower-case words joined by hyphens, for a name
    that the core reserves or an installed plugin uses, for an unknown kind, and for a target
    folder that exists and is not empty.
    """
    if not _NAME.match(name):
        raise PluginError(f"invalid plugin name {name!r}",
                          "use lower-case letters and digits in words joined by hyphens, e.g. tiny-mlp")
    if kind not in EXAMPLES:
        raise PluginError(f"unknown kind {kind!r}", f"choose one of {', '.join(EXAMPLES)}")
    _check_name_is_free(name)
    target = directory or Path(f"zoo-{name}")
    if target.exists() and any(target.iterdir()):
        raise PluginError(f"the folder {target} exists and is not empty", "choose another folder with --dir")
    package = "zoo_" + name.replace("-", "_")
    values = _template_values(name, kind, package)
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"{package}/__init__.py": '"""The ${name} plugin for zoo-core."""\n\n__version__ = "0.1.0"\n',
        f"{package}/plugin.py": PLUGIN_MODULE,
        f"{package}/components.py": EXAMPLES[kind]["module"],
        "tests/test_plugin.py": TESTS,
    }
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(values), encoding="utf-8")
    return target


def _check_name_is_free(name: str) -> None:
    """Raise PluginError when the plugin ``name`` or its distribution ``zoo-NAME`` is already in use.

    The core's names are reserved: installing a distribution called zoo-core would replace
    zoo-core itself. A name of an installed plugin would clash with that plugin.
    """
    distribution = f"zoo-{name}"
    if is_core_name(distribution):
        raise PluginError(f"the plugin name {name!r} is reserved: its distribution would be called "
                          f"{distribution}, and installing it would replace zoo-core itself",
                          f"choose another name, e.g. my-{name}")
    if is_core_name(name):
        raise PluginError(f"the plugin name {name!r} is reserved: it names zoo-core itself",
                          f"choose another name, e.g. my-{name}")
    installed = discover_plugins()
    owners = find_plugins(name, installed) + find_plugins(distribution, installed)
    if owners:
        owner = owners[0]
        raise PluginError(f"the plugin name {name!r} is already used by the installed plugin {owner.name} "
                          f"(distribution {owner.distribution or 'unknown'})",
                          f"choose another name; installed plugins: {describe_names(installed)}")


def _template_values(name: str, kind: str, package: str) -> dict[str, str]:
    from zoo_core import __version__

    example = EXAMPLES[kind]
    return {
        "name": name,
        "kind": kind,
        "package": package,
        "distribution": f"zoo-{name}",
        "core_range": core_range(__version__),
        "hook": example["hook"],
        "summary": example["summary"],
        "context": example["context"],
        # An architecture declares whether it outputs logits, which sets the loss's from_logits,
        # and the smallest input it accepts, which zoo_core.testing checks.
        "metadata": _ARCHITECTURE_METADATA if kind == "architecture" else "",
        "check": Template(TEST_CHECKS[kind]).substitute(name=name),
    }

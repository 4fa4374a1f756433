"""Text of the files that ``zoo plugins new`` writes, as ``string.Template`` sources.

Placeholders: ``name`` (plugin name), ``distribution``, ``package``, ``kind``, ``hook``,
``summary``, ``core_range``, ``context`` (the context arguments a test passes) and ``check``
(the kind-specific test body).
"""

PYPROJECT = '''\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "${distribution}"
version = "0.1.0"
description = "${summary}"
requires-python = ">=3.11"
# The zoo-core versions this plugin supports; zoo reads this range before importing the plugin.
dependencies = ["zoo-core${core_range}"]

[project.optional-dependencies]
test = ["pytest>=7.4"]

[project.entry-points."zoo_core.plugins"]
${name} = "${package}.plugin"

[tool.setuptools.packages.find]
include = ["${package}*"]
'''

PLUGIN_MODULE = '''\
"""Registers the ${kind} ``${name}``. This module imports neither TensorFlow nor Keras."""

from __future__ import annotations

from typing import Any

from zoo_core import hookimpl


@hookimpl
def ${hook}(register: Any) -> None:
    """Register the example ${kind}."""
    register(
        "${name}",
        "${package}.components:build",
        summary="${summary}",
        tags=("example",),
    )
'''

README = '''\
# ${distribution}

A zoo plugin that registers the ${kind} `${name}`: ${summary}.

It supports zoo-core `${core_range}`, as declared in `pyproject.toml`.

## Install and try

```
zoo plugins install --editable .
zoo list ${kind}
zoo info ${name}
```

## Test

```
python -m pytest tests
```

The tests load the installed plugin through its entry point, build the component and check
that importing the plugin module does not import TensorFlow.

## Publish

Build with `python -m build`, upload the wheel and sdist with `twine upload dist/*`, and users
install it with `zoo plugins install ${distribution}`.
'''

TESTS = '''\
"""Tests of the ${name} plugin: it loads, its ${kind} builds, and its import stays light."""

from __future__ import annotations

import subprocess
import sys

from zoo_core.plugins import load_plugins

PLUGIN = "${name}"


def load_component():
    """Return the ${kind} from this plugin, loaded through its entry point."""
    registry = load_plugins(allow=[PLUGIN]).registry
    return registry.get("${kind}", f"{PLUGIN}:${name}")


def test_plugin_loads() -> None:
    info = load_plugins(allow=[PLUGIN]).registry.plugins[PLUGIN]
    assert info.status == "loaded", info.error
    assert "${kind}:${name}:${name}" in info.components


def test_component_builds() -> None:
    built = load_component().build({}, ${context})
${check}


def test_plugin_import_is_light() -> None:
    code = "import sys, ${package}.plugin; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "False"]
'''

"""Text of the files that ``zoo plugins new`` writes, as ``string.Template`` sources.

Placeholders: ``name`` (plugin name), ``distribution``, ``package``, ``kind``, ``hook``,
``summary``, ``metadata``, ``core_range``, ``context`` (the context arguments a test passes) and ``check``
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
        tags=("example",),${metadata}
    )
'''

README = '''\
# ${distribution}

A zoo plugin that registers the ${kind} `${name}`: ${summary}.

It supports zoo-core `${core_range}`, as declared in `pyproject.toml`.

## Install and try

```
zoo plugins install --editable '.[test]'
zoo list ${kind}
zoo info ${name}
```

The `test` extra installs pytest next to the plugin.

## Test

```
python -m pytest tests
```

Run it with the Python of the environment that runs zoo.

The tests load the installed plugin through its entry point and run the contract checks of
`zoo_core.testing` (the component resolves, importing the plugin leaves TensorFlow unimported,
and an architecture builds, learns on a fixed batch and survives a save and load), then build
the component on a small input.

## Publish

Build with `python -m build`, upload the wheel and sdist with `twine upload dist/*`, and users
install it with `zoo plugins install ${distribution}`.
'''

TESTS = '''\
"""Tests of the ${name} plugin: the zoo's contract checks, then the ${kind} on a small input."""

from __future__ import annotations

from pathlib import Path

from zoo_core import testing
from zoo_core.plugins import load_plugins

PLUGIN = "${name}"


def test_plugin_contract(tmp_path: Path) -> None:
    # Checks that the installed plugin loads, that its import leaves TensorFlow unimported and
    # that every component resolves. An architecture must also build, learn and survive a reload.
    testing.check_plugin(PLUGIN, work_dir=tmp_path, plugins=load_plugins(allow=[PLUGIN]))


def test_component_builds() -> None:
    component = load_plugins(allow=[PLUGIN]).registry.get("${kind}", f"{PLUGIN}:${name}")
    built = component.build({}, ${context})
${check}
'''

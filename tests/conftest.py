"""Fixtures shared by the core's tests."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from zoo_core.cli import main


@pytest.fixture
def zoo(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., object]:
    """Return a function that runs ``zoo ARGS...`` in-process and returns click's result.

    The user's plugin settings and plugin environment variables are kept out of the test.
    """
    for name in ("ZOO_DISABLE_PLUGINS", "ZOO_STRICT_PLUGINS", "ZOO_ALLOW_PLUGINS", "ZOO_TRACE_HOOKS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZOO_CONFIG_DIR", str(tmp_path_factory.mktemp("zoo-config")))
    runner = CliRunner()

    def invoke(*args: str) -> object:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def fake_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], Path]:
    """Return a function that installs a plugin distribution as files on ``sys.path``.

    ``add(name, source)`` writes the module ``zoo_test_<name>`` with ``source`` and a
    ``.dist-info`` folder whose entry point registers it in ``zoo_core.plugins``, exactly as pip
    lays out an installed wheel, so ``importlib.metadata`` discovers it.
    """
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def add(name: str, source: str, version: str = "1.0.0") -> Path:
        module = f"zoo_test_{name.replace('-', '_')}"
        (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        dist_info = site / f"{module}-{version}.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: zoo-test-{name}\nVersion: {version}\n", encoding="utf-8"
        )
        (dist_info / "entry_points.txt").write_text(
            f"[zoo_core.plugins]\n{name} = {module}\n", encoding="utf-8"
        )
        return site

    yield add
    for module in [m for m in sys.modules if m.startswith("zoo_test_")]:
        del sys.modules[module]

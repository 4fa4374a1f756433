"""End-to-end runs of the installed ``zoo`` console script in fresh processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ZOO = shutil.which("zoo", path=str(Path(sys.executable).parent)) or "zoo"


def _zoo(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([ZOO, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_default_run_trains_simple_cnn_on_digits(tmp_path: Path) -> None:
    completed = _zoo("run", "--no-progress", "--out", str(tmp_path / "run"), cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "test metrics:" in completed.stdout
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["test"]["accuracy"] >= 0.97
    printed = [line for line in completed.stdout.splitlines() if line.strip().startswith("accuracy:")]
    assert printed == [f"  accuracy: {metrics['test']['accuracy']:.4f}"]
    config = json.loads((tmp_path / "run" / "config.json").read_text(encoding="utf-8"))
    assert config["dataset"]["name"] == "digits"
    assert config["architecture"]["distribution"] == "zoo-simple-cnn"


BROKEN_PYPROJECT = """
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "zoo-broken-example"
version = "2.3.4"

[project.entry-points."zoo_core.plugins"]
broken-example = "zoo_broken_example"
"""


def test_pip_installed_broken_plugin_leaves_zoo_working(tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / "zoo_broken_example").mkdir(parents=True)
    (source / "pyproject.toml").write_text(textwrap.dedent(BROKEN_PYPROJECT), encoding="utf-8")
    (source / "zoo_broken_example" / "__init__.py").write_text(
        "raise ImportError('this plugin needs a library that is not installed')\n", encoding="utf-8"
    )
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr
    env = {"PYTHONPATH": str(target)}

    plugins = _zoo("plugins", "--json", cwd=tmp_path, env=env)
    assert plugins.returncode == 0, plugins.stderr
    report = {p["name"]: p for p in json.loads(plugins.stdout)}
    assert report["broken-example"]["status"] == "failed"
    assert report["broken-example"]["version"] == "2.3.4"
    assert "this plugin needs a library" in report["broken-example"]["error"]

    listing = _zoo("list", cwd=tmp_path, env=env)
    assert listing.returncode == 0
    assert "simple-cnn" in listing.stdout

    run = _zoo("run", "--dataset", "synthetic", "--epochs", "1", "--no-progress",
               "--out", str(tmp_path / "run"), cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "run" / "metrics.json").is_file()

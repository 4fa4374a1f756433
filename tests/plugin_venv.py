"""Helpers for tests that pip-install real plugin distributions into a throw-away environment.

The environment is a ``venv`` on top of the interpreter that runs the tests, with the test
interpreter's site-packages added through a ``.pth`` file. ``--system-site-packages`` alone is not
enough: it exposes the base Python's packages, not those of the virtual environment that contains
TensorFlow and zoo-core. Plugins installed into the new environment never touch the outer one.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

#: pip options for local test plugins: build with the setuptools already installed, quietly.
PIP_ARGS = ("--pip-arg=--no-build-isolation", "--pip-arg=--quiet")


@dataclass
class PluginVenv:
    """A virtual environment and the settings folder that its ``zoo`` commands use."""

    root: Path
    config_dir: Path

    @property
    def python(self) -> Path:
        """The environment's interpreter."""
        return self.root / "bin" / "python"

    def zoo(self, *args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        """Run ``python -m zoo_core ARGS...`` in the environment and return the finished process."""
        variables = {key: value for key, value in os.environ.items() if not key.startswith("ZOO_")}
        variables.update({"ZOO_CONFIG_DIR": str(self.config_dir), "TF_CPP_MIN_LOG_LEVEL": "3"}, **env)
        return subprocess.run([str(self.python), "-m", "zoo_core", *args], capture_output=True, text=True,
                              cwd=cwd, env=variables, check=False, timeout=300)


def create_venv(root: Path) -> PluginVenv:
    """Create a virtual environment at ``root`` whose interpreter also imports the outer environment's packages."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(root)], check=True)
    inner = subprocess.run([str(root / "bin" / "python"), "-c", "import site; print(site.getsitepackages()[0])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    outer = [path for path in site.getsitepackages() if Path(path).is_dir()]
    lines = [f"import site; site.addsitedir({path!r})" for path in outer]
    Path(inner, "zz_outer_environment.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    check = subprocess.run([str(root / "bin" / "python"), "-c", "import zoo_core, pip"], capture_output=True, text=True)
    assert check.returncode == 0, f"zoo-core is not importable in the test environment: {check.stderr}"
    config_dir = root / "zoo-config"
    config_dir.mkdir()
    return PluginVenv(root, config_dir)


def write_plugin(folder: Path, name: str, source: str, version: str = "1.0.0",
                 core_range: str = ">=0.1") -> Path:
    """Write the project of a one-module plugin distribution ``zoo-NAME`` and return its folder."""
    package = "zoo_" + name.replace("-", "_")
    project = folder / f"zoo-{name}"
    (project / package).mkdir(parents=True)
    (project / package / "__init__.py").write_text("", encoding="utf-8")
    (project / package / "plugin.py").write_text(textwrap.dedent(source), encoding="utf-8")
    (project / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [build-system]
        requires = ["setuptools>=64"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "zoo-{name}"
        version = "{version}"
        dependencies = ["zoo-core{core_range}"]

        [project.entry-points."zoo_core.plugins"]
        {name} = "{package}.plugin"

        [tool.setuptools.packages.find]
        include = ["{package}*"]
        """), encoding="utf-8")
    return project

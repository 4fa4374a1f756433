"""Real plugin distributions, pip-installed into a throw-away environment and driven through ``zoo``.

One environment contains a working plugin beside one plugin for each way of failing, so each
check below sees every failure mode at once. Another environment runs the author's path end to
end: ``zoo plugins new``, install, list, run, uninstall.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.plugin_venv import PIP_ARGS, PluginVenv, create_venv, write_plugin

pytestmark = pytest.mark.slow

GOOD = """
import numpy as np

from zoo_core import hookimpl
from zoo_core.metrics import Metric


class TopTwo(Metric):
    def compute(self, y_true, y_prob):
        top = np.argsort(-y_prob, axis=1)[:, :2]
        return float(np.mean(np.any(top == np.asarray(y_true)[:, None], axis=1)))


def top_two(num_classes: int) -> Metric:
    return TopTwo("good-top2", num_classes)


@hookimpl
def zoo_register_metrics(register):
    register("good-top2", top_two, summary="top-2 accuracy from a working plugin")


@hookimpl
def zoo_register_datasets(register):
    register("twin", "zoo_core.builtins.datasets:synthetic", summary="the working plugin's twin")
"""

CLASH = """
from zoo_core import hookimpl


@hookimpl
def zoo_register_datasets(register):
    register("twin", "zoo_core.builtins.datasets:synthetic", summary="a second twin")
"""

IMPORT_ERROR = "import a_module_that_does_not_exist_zz\n"

HOOK_ERROR = """
from zoo_core import hookimpl


@hookimpl
def zoo_register_losses(register):
    raise RuntimeError("registration exploded")
"""

BAD_ARGUMENTS = """
from zoo_core import hookimpl


@hookimpl
def zoo_register_datasets(register):
    register("bad:name", 42)
"""

MARKER_WRITER = """
import time
from pathlib import Path

Path({marker!r}).write_text("imported", encoding="utf-8")
time.sleep({seconds})
"""

#: Plugin name to the text that ``zoo list`` must print exactly once about it.
EXPECTED_REPORTS = {
    "import-error": "plugin import-error (zoo-import-error 1.0.0) failed to load: ModuleNotFoundError",
    "hook-error": "plugin hook-error (zoo-hook-error 1.0.0) failed to load: RuntimeError: registration exploded",
    "bad-arguments": "plugin bad-arguments (zoo-bad-arguments 1.0.0) failed to load: TypeError: register(): "
                     "invalid dataset name 'bad:name'",
    "incompatible": "plugin incompatible (zoo-incompatible 1.0.0) is incompatible: requires zoo-core<10,>=9.0, "
                    "but zoo-core 0.1.0 is running",
    "twin-clash": "plugin twin-clash (zoo-twin-clash 1.0.0) registers the dataset 'twin' that plugin good "
                  "(zoo-good 1.0.0) also registers",
}


@pytest.fixture(scope="module")
def broken_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[PluginVenv, Path]:
    """Return an environment with the working, the broken and the disabled slow plugins installed."""
    root = tmp_path_factory.mktemp("broken")
    venv = create_venv(root / "venv")
    markers = root / "markers"
    markers.mkdir()
    sources = root / "sources"
    projects = [
        write_plugin(sources, "good", GOOD),
        write_plugin(sources, "twin-clash", CLASH),
        write_plugin(sources, "import-error", IMPORT_ERROR),
        write_plugin(sources, "hook-error", HOOK_ERROR),
        write_plugin(sources, "bad-arguments", BAD_ARGUMENTS),
        write_plugin(sources, "incompatible", MARKER_WRITER.format(marker=str(markers / "incompatible"), seconds=0),
                     core_range=">=9.0,<10"),
        write_plugin(sources, "slow", MARKER_WRITER.format(marker=str(markers / "slow"), seconds=3)),
    ]
    # --no-deps lets pip install the plugin whose zoo-core range excludes the running version.
    installed = venv.zoo("plugins", "install", *PIP_ARGS, "--pip-arg=--no-deps", *map(str, projects),
                         ZOO_DISABLE_PLUGINS="slow")
    assert installed.returncode == 1, installed.stdout + installed.stderr
    assert "plugin good (zoo-good 1.0.0): loaded, registered" in installed.stdout
    assert "installed, but not loaded" in installed.stderr
    disabled = venv.zoo("plugins", "disable", "zoo-slow")
    assert disabled.returncode == 0, disabled.stderr
    return venv, markers


def test_list_reports_each_failure_once(broken_env) -> None:
    venv, _ = broken_env
    result = venv.zoo("list")
    assert result.returncode == 0, result.stderr
    assert "good-top2" in result.stdout
    for name, report in EXPECTED_REPORTS.items():
        assert result.stderr.count(report) == 1, f"{name}: {result.stderr}"
    assert result.stderr.count("\n") == len(EXPECTED_REPORTS), result.stderr


def test_plugins_command_shows_statuses(broken_env) -> None:
    venv, _ = broken_env
    result = venv.zoo("plugins", "--json")
    assert result.returncode == 0, result.stderr
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["good"]["status"] == "loaded"
    assert plugins["good"]["components"] == ["dataset:good:twin", "metric:good:good-top2"]
    assert plugins["good"]["conflicts"] == []
    assert plugins["twin-clash"]["status"] == "loaded"
    assert plugins["twin-clash"]["conflicts"] == ["dataset:twin"]
    for name in ("import-error", "hook-error", "bad-arguments"):
        assert plugins[name]["status"] == "failed"
        assert plugins[name]["version"] == "1.0.0"
    assert plugins["incompatible"]["status"] == "incompatible"
    assert plugins["incompatible"]["requires_core"] == "<10,>=9.0"
    assert plugins["slow"]["status"] == "disabled"
    text = venv.zoo("plugins")
    assert text.returncode == 0
    assert "import-error failed: ModuleNotFoundError" in text.stdout
    assert text.stderr == ""


def test_clashing_name_is_ambiguous(broken_env) -> None:
    venv, _ = broken_env
    result = venv.zoo("info", "--kind", "dataset", "twin")
    assert result.returncode == 1
    assert "good:twin from zoo-good" in result.stderr
    assert "twin-clash:twin from zoo-twin-clash" in result.stderr
    assert "zoo plugins prefer dataset twin PLUGIN" in result.stderr
    assert venv.zoo("info", "twin-clash:twin").returncode == 0


def test_run_uses_working_plugin(broken_env, tmp_path: Path) -> None:
    venv, _ = broken_env
    out = tmp_path / "run"
    result = venv.zoo("run", "--dataset", "synthetic", "--set", "dataset.num_samples=64", "--metric", "good-top2",
                      "--epochs", "1", "--batch-size", "16", "--out", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert "good-top2" in json.dumps(metrics)
    assert result.stderr.count(EXPECTED_REPORTS["import-error"]) == 1


@pytest.mark.parametrize("how", ["option", "environment"])
def test_strict_mode_exits_nonzero(broken_env, how: str) -> None:
    venv, _ = broken_env
    if how == "option":
        result = venv.zoo("--strict-plugins", "list")
    else:
        result = venv.zoo("plugins", ZOO_STRICT_PLUGINS="1")
    assert result.returncode == 1
    assert "strict mode" in result.stderr


def test_skipped_plugins_never_imported(broken_env) -> None:
    venv, markers = broken_env
    assert venv.zoo("list").returncode == 0
    assert not (markers / "slow").exists()
    assert not (markers / "incompatible").exists()


def test_enable_imports_slow_plugin(broken_env) -> None:
    venv, markers = broken_env
    assert venv.zoo("plugins", "enable", "slow").returncode == 0
    try:
        assert venv.zoo("plugins").returncode == 0
        assert (markers / "slow").exists()
    finally:
        venv.zoo("plugins", "disable", "slow")
        (markers / "slow").unlink(missing_ok=True)


def test_author_path_end_to_end(tmp_path: Path) -> None:
    venv = create_venv(tmp_path / "venv")
    created = venv.zoo("plugins", "new", "tiny-mlp", "--kind", "architecture", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    project = tmp_path / "zoo-tiny-mlp"
    assert (project / "pyproject.toml").is_file()

    # The project is installed with its test extra, as `zoo plugins new` advises, and without
    # --quiet among the pip arguments, because zoo itself keeps pip quiet unless -v is given.
    installed = venv.zoo("plugins", "install", "--pip-arg=--no-build-isolation", f"{project}[test]")
    assert installed.returncode == 0, installed.stderr
    assert "plugin tiny-mlp (zoo-tiny-mlp 0.1.0): loaded, registered architecture:tiny-mlp:tiny-mlp" in installed.stdout
    assert "Requirement already satisfied" not in installed.stdout + installed.stderr
    assert "Successfully installed" not in installed.stdout + installed.stderr
    again = venv.zoo("plugins", "install", "-v", "--pip-arg=--no-build-isolation", f"{project}[test]")
    assert again.returncode == 0, again.stderr
    assert "Requirement already satisfied: pytest" in again.stdout

    listed = venv.zoo("list", "architecture")
    assert "tiny-mlp:tiny-mlp" in listed.stdout

    out = tmp_path / "run"
    run = venv.zoo("run", "--arch", "tiny-mlp", "--dataset", "synthetic", "--set", "dataset.num_samples=64",
                   "--epochs", "1", "--batch-size", "16", "--out", str(out), "--no-progress")
    assert run.returncode == 0, run.stderr
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert "zoo-tiny-mlp" in json.dumps(config)

    generated_tests = [str(venv.python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project / "tests")]
    tested = subprocess.run(generated_tests, capture_output=True, text=True, cwd=project, check=False)
    assert tested.returncode == 0, tested.stdout + tested.stderr

    removed = venv.zoo("plugins", "uninstall", "tiny-mlp")
    assert removed.returncode == 0, removed.stderr
    assert "uninstalled zoo-tiny-mlp" in removed.stdout
    assert "tiny-mlp" not in venv.zoo("list").stdout

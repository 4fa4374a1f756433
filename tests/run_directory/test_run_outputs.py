"""What a finished run leaves behind, and the commands that read it: plots, TensorBoard logs,
``zoo evaluate`` and ``zoo runs``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from tests.run_directory.conftest import SMALL_RUN
from zoo_core.cli import main
from zoo_core.plots import plot_confusion_matrix, plot_curves

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Train for two epochs with TensorBoard logs and return the run directory."""
    run_dir = tmp_path_factory.mktemp("outputs") / "runs" / "first"
    result = CliRunner().invoke(main, ["run", *SMALL_RUN, "--epochs", "2", "--tensorboard", "--out", str(run_dir)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return run_dir


def _invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_run_writes_plots_and_tensorboard(finished_run: Path) -> None:
    for name in ("curves.png", "confusion_matrix.png"):
        with Image.open(finished_run / name) as image:
            assert image.format == "PNG"
            pixels = np.asarray(image.convert("L"))
        assert pixels.std() > 10, f"{name} looks blank"
    events = list((finished_run / "tensorboard").rglob("events.out.tfevents.*"))
    assert events, "no TensorBoard event files"


def test_plot_helpers_handle_edge_cases(tmp_path: Path) -> None:
    assert plot_curves([], {}, tmp_path / "curves.png") is None
    assert not (tmp_path / "curves.png").exists()
    names = [f"class {i}" for i in range(25)]
    path = plot_confusion_matrix(np.eye(25, dtype=int) * 3, names, tmp_path / "matrix.png")
    with Image.open(path) as image:
        assert image.size[0] > 500


def test_evaluate_reproduces_test_metrics(finished_run: Path) -> None:
    result = _invoke("evaluate", str(finished_run), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["split"] == "test"
    assert data["metrics"] == json.loads((finished_run / "metrics.json").read_text())["test"]
    assert Path(data["file"]) == finished_run / "evaluations" / "synthetic-test.json"

    again = _invoke("evaluate", str(finished_run), "--split", "all", "--metric", "accuracy", "--name", "synthetic-test",
                    "--json")
    assert again.exit_code == 0, again.output
    second = json.loads(again.stdout)
    assert Path(second["file"]).name == "synthetic-test-2.json"
    assert second["samples"] == 160
    assert list(second["metrics"]) == ["accuracy"]


def test_evaluate_on_other_dataset_settings(finished_run: Path) -> None:
    noisier = _invoke("evaluate", str(finished_run), "--set", "dataset.noise=0.3", "--json")
    assert noisier.exit_code == 0, noisier.output
    data = json.loads(noisier.stdout)
    assert data["dataset"]["noise"] == 0.3
    assert 0.0 <= data["metrics"]["accuracy"] <= 1.0

    wrong_shape = _invoke("evaluate", str(finished_run), "--set", "dataset.image_size=10")
    assert wrong_shape.exit_code == 1
    assert "the model takes (8, 8, 1)" in wrong_shape.output

    wrong_table = _invoke("evaluate", str(finished_run), "--set", "training.seed=1")
    assert wrong_table.exit_code == 1
    assert "accepts only dataset settings" in wrong_table.output


def test_runs_table_sorts_by_metric(finished_run: Path) -> None:
    root = finished_run.parent
    worse = root / "second"
    shutil.copytree(finished_run, worse, ignore=shutil.ignore_patterns("tensorboard", "evaluations"))
    metrics = json.loads((worse / "metrics.json").read_text())
    metrics["test"]["accuracy"] = -1.0
    (worse / "metrics.json").write_text(json.dumps(metrics))
    info = json.loads((worse / "run.json").read_text())
    info["status"] = "interrupted"
    (worse / "run.json").write_text(json.dumps(info))

    listed = _invoke("runs", str(root), "--sort", "accuracy", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [Path(row["path"]).name for row in rows] == ["first", "second"]
    assert [row["status"] for row in rows] == ["finished", "interrupted"]
    assert rows[0]["epochs_done"] == 2

    ascending = json.loads(_invoke("runs", str(root), "--sort", "accuracy", "--ascending", "--json").stdout)
    assert [Path(row["path"]).name for row in ascending] == ["second", "first"]

    table = _invoke("runs", str(root))
    assert "simple-cnn on synthetic adam batch=16" in table.output
    assert "interrupted" in table.output

    unknown = _invoke("runs", str(root), "--sort", "speed")
    assert unknown.exit_code == 1
    assert "no run has the metric 'speed'" in unknown.output


def test_runs_and_predict_help_skip_tensorflow(finished_run: Path) -> None:
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from zoo_core.cli import main\n"
        f"assert CliRunner().invoke(main, ['runs', {str(finished_run.parent)!r}]).exit_code == 0\n"
        "assert CliRunner().invoke(main, ['predict', '--help']).exit_code == 0\n"
        "assert CliRunner().invoke(main, ['evaluate', '--help']).exit_code == 0\n"
        "print(sorted(name for name in ('tensorflow', 'keras') if name in sys.modules))\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"

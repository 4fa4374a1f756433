"""Run directories reused or refused, data checks before training, and what interruptions print."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from zoo_core.class_weights import warn_if_imbalanced
from zoo_core.errors import RunError
from zoo_core.rundir import create_run_dir

#: Names of the files and folders a finished image-folder run leaves behind.
OLD_OUTPUTS = ("model.keras", "metrics.json", "predictions.csv", "history.csv", "curves.png")

#: A plugin whose dataset hook sends the process SIGINT, as Ctrl-C does while plugins load.
SIGINT_AT_LOAD_PLUGIN = '''
import os
import signal

from zoo_core import hookimpl


@hookimpl
def zoo_register_datasets(register):
    os.kill(os.getpid(), signal.SIGINT)
'''


def _write_images(folder: Path, count: int, brightness: int) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(brightness)
    for i in range(count):
        pixels = (rng.integers(0, 40, (8, 8, 3)) + brightness).clip(0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"{i}.png")


def _old_run(path: Path) -> Path:
    """Write the outputs of an earlier run, with a checkpoint, plus a file of the user's own."""
    path.mkdir()
    for name in OLD_OUTPUTS:
        (path / name).write_text("old", encoding="utf-8")
    (path / "config.json").write_text("{}", encoding="utf-8")
    (path / "run.json").write_text(json.dumps({"status": "finished"}), encoding="utf-8")
    for folder in ("checkpoints/epoch-0007", "evaluations/digits"):
        (path / folder).mkdir(parents=True)
        (path / folder / "state.json").write_text("{}", encoding="utf-8")
    (path / "notes.txt").write_text("mine", encoding="utf-8")
    return path


def test_overwrite_removes_previous_outputs_only(tmp_path: Path) -> None:
    run_dir = create_run_dir(_old_run(tmp_path / "run"), "label", overwrite=True)

    assert sorted(p.name for p in run_dir.iterdir()) == ["notes.txt"]


def test_one_class_folder_is_a_data_error_and_the_folder_is_reused(zoo, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _write_images(tmp_path / "photos" / "cats", 6, 50)
    run_dir = _old_run(tmp_path / "run")
    monkeypatch.chdir(tmp_path)
    command = ("run", "--dataset", "image-folder", "--set", "dataset.path=photos", "--epochs", "1",
               "--no-progress", "--out", str(run_dir))

    first = zoo(*command, "--overwrite")
    assert first.exit_code == 1
    assert "dataset 'image-folder' has 1 class(es) ('cats'); a classifier needs at least 2" in first.output
    assert "simple-cnn" not in first.output
    assert sorted(p.name for p in run_dir.iterdir()) == ["config.json", "notes.txt", "run.json"]
    config = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
    assert config["dataset"]["params"]["path"] == str(tmp_path / "photos")

    # The user's own file keeps the folder from counting as a run that never started.
    second = zoo(*command)
    assert "already exists and is not empty" in second.output
    (run_dir / "notes.txt").unlink()
    third = zoo(*command)
    assert third.exit_code == 1
    assert "a classifier needs at least 2" in third.output
    assert json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["status"] == "failed"


def test_folder_of_a_run_with_a_checkpoint_is_not_reused(tmp_path: Path) -> None:
    run_dir = _old_run(tmp_path / "run")
    (run_dir / "notes.txt").unlink()
    (run_dir / "model.keras").unlink()
    (run_dir / "run.json").write_text(json.dumps({"status": "interrupted"}), encoding="utf-8")

    with pytest.raises(RunError, match="already exists and is not empty"):
        create_run_dir(run_dir, "label")


def test_class_without_training_samples_is_a_data_error(zoo, tmp_path: Path) -> None:
    _write_images(tmp_path / "photos" / "a", 2, 30)
    _write_images(tmp_path / "photos" / "b", 2, 200)

    result = zoo("run", "--dataset", "image-folder", "--set", f"dataset.path={tmp_path / 'photos'}",
                 "--set", "training.validation_fraction=0.25", "--set", "training.test_fraction=0.25",
                 "--epochs", "1", "--no-progress", "--out", str(tmp_path / "run"))

    assert result.exit_code == 1
    assert "have no training samples" in result.output
    assert "training.validation_fraction" in result.output
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_imbalance_warning_advice_depends_on_class_weight(caplog: pytest.LogCaptureFixture) -> None:
    labels = np.array([0] * 20 + [1] * 2)
    with caplog.at_level(logging.WARNING, logger="zoo_core.class_weights"):
        assert warn_if_imbalanced(labels, ["a", "b"], suggest_weights=False)
        assert "class_weight=balanced" not in caplog.text
        assert warn_if_imbalanced(labels, ["a", "b"])
    assert "class_weight=balanced" in caplog.text


def test_ctrl_c_while_plugins_load_exits_130(zoo, fake_site, tmp_path: Path) -> None:
    fake_site("sigint-at-load", SIGINT_AT_LOAD_PLUGIN)

    result = zoo("run", "--epochs", "1", "--no-progress", "--out", str(tmp_path / "run"))

    assert result.exit_code == 130
    assert "Interrupted: zoo run stopped before training started" in result.output
    assert "Aborted!" not in result.output


def test_runs_without_default_folder_is_empty(zoo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    default = zoo("runs")
    explicit = zoo("runs", "elsewhere")

    assert default.exit_code == 0
    assert default.output == "no runs under runs\n"
    assert explicit.exit_code == 1
    assert "folder not found: elsewhere" in explicit.output


def test_resume_without_checkpoint_repeats_the_starting_command(zoo, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "config.json").write_text(json.dumps({"metrics": [{"name": "accuracy"}]}), encoding="utf-8")
    started = f"zoo run --dataset digits --out {run_dir}"
    (run_dir / "run.json").write_text(json.dumps({"status": "failed", "command": started}), encoding="utf-8")

    result = zoo("run", "--resume", str(run_dir))

    assert result.exit_code == 1
    assert "has no checkpoint to resume from" in result.output
    assert f"Hint: start it again with: {started}\n" in result.output

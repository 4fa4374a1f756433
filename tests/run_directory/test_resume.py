"""Checkpoints, Ctrl-C and ``zoo run --resume``: a resumed run equals an uninterrupted one."""

from __future__ import annotations

import csv
import json
import signal
from pathlib import Path

import numpy as np
import pytest

from tests.run_directory.conftest import SMALL_RUN

pytestmark = pytest.mark.slow


def _weights(path: Path) -> list[np.ndarray]:
    import keras

    import zoo_core.keras_objects  # noqa: F401  (registers the layers the model refers to)

    return [np.asarray(w) for w in keras.saving.load_model(path).weights]


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


#: Reduce-on-plateau with a patience of one epoch changes the learning rate during the run, so
#: resuming must restore the optimizer's rate and the schedule's counters too.
PLATEAU: tuple[str, ...] = ("--schedule", "plateau", "--set", "schedule.patience=1", "--set", "schedule.min_delta=0.5",
                            "--set", "schedule.factor=0.5")


def test_resume_matches_uninterrupted_run(zoo, epoch_actions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    done = zoo("run", *SMALL_RUN, *PLATEAU, "--epochs", "4", "--out", str(whole))
    assert done.exit_code == 0, done.output

    monkeypatch.setenv("ZOO_TEST_SIGINT_AFTER", "2")
    stopped = zoo("run", *SMALL_RUN, *PLATEAU, "--epochs", "4", "--out", str(parts))
    assert stopped.exit_code == 130, stopped.output
    assert f"zoo run --resume {parts}" in stopped.output
    info = json.loads((parts / "run.json").read_text())
    assert info["status"] == "interrupted"
    assert json.loads((parts / "checkpoints" / "latest.json").read_text())["epoch"] == 2
    assert not (parts / "model.keras").exists()
    assert len(_rows(parts / "history.csv")) == 2

    monkeypatch.delenv("ZOO_TEST_SIGINT_AFTER")
    # Python restores its own SIGINT handler after the signal, but be explicit for the next step.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    resumed = zoo("run", "--resume", str(parts), "--no-progress")
    assert resumed.exit_code == 0, resumed.output

    assert json.loads((parts / "metrics.json").read_text()) == json.loads((whole / "metrics.json").read_text())
    assert _rows(parts / "history.csv") == _rows(whole / "history.csv")
    for resumed_weight, whole_weight in zip(_weights(parts / "model.keras"), _weights(whole / "model.keras")):
        np.testing.assert_array_equal(resumed_weight, whole_weight)
    info = json.loads((parts / "run.json").read_text())
    assert info["status"] == "finished"
    assert len(info["resumed"]) == 1
    state = json.loads((parts / "checkpoints" / "epoch-0004" / "state.json").read_text())
    assert state["callback_states"][0]["attributes"]["reductions"], "the schedule never reduced the rate"


def test_interrupt_before_first_checkpoint(zoo, epoch_actions, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    run_dir = tmp_path / "run"
    monkeypatch.setenv("ZOO_TEST_SIGINT_AT_START", "1")
    stopped = zoo("run", *SMALL_RUN, "--epochs", "2", "--out", str(run_dir))
    signal.signal(signal.SIGINT, signal.default_int_handler)

    assert stopped.exit_code == 130, stopped.output
    assert "no checkpoint to resume from" in stopped.output
    assert "run the same command again; it reuses the folder" in stopped.output
    assert json.loads((run_dir / "run.json").read_text())["status"] == "interrupted"

    resumed = zoo("run", "--resume", str(run_dir))
    assert resumed.exit_code == 1
    assert "has no checkpoint to resume from" in resumed.output


def test_resume_rejects_finished_run_and_options(zoo, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    assert zoo("run", *SMALL_RUN, "--epochs", "1", "--out", str(run_dir)).exit_code == 0

    again = zoo("run", *SMALL_RUN, "--epochs", "1", "--out", str(run_dir))
    assert again.exit_code == 1
    assert "already exists and is not empty" in again.output

    finished = zoo("run", "--resume", str(run_dir))
    assert finished.exit_code == 1
    assert "has already finished" in finished.output

    mixed = zoo("run", "--resume", str(run_dir), "--epochs", "3")
    assert mixed.exit_code == 1
    assert "--epochs cannot be used with it" in mixed.output


def test_run_records_reproducibility_facts(zoo, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for run_dir in (first, second):
        assert zoo("run", *SMALL_RUN, "--epochs", "2", "--out", str(run_dir)).exit_code == 0

    assert json.loads((first / "metrics.json").read_text()) == json.loads((second / "metrics.json").read_text())
    config = json.loads((first / "config.json").read_text())
    assert config["training"]["seed"] == 3
    assert config["training"]["strategy"] == "default"
    assert {"zoo-core", "tensorflow", "keras", "numpy", "python", "plugins"} <= set(config["versions"])
    info = json.loads((first / "run.json").read_text())
    assert info["replicas"] == 1
    assert info["command"]
    assert info["host"]
    assert info["platform"]
    assert (first / "splits.json").is_file()

"""The divergence guard: a non-finite loss or weight stops the run and nothing non-finite is saved."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.run_directory.conftest import SMALL_RUN

pytestmark = pytest.mark.slow


def _checkpoint_arrays(run_dir: Path) -> list[np.ndarray]:
    latest = json.loads((run_dir / "checkpoints" / "latest.json").read_text())
    with np.load(run_dir / "checkpoints" / latest["folder"] / "state.npz") as arrays:
        return [arrays[name] for name in arrays.files]


def test_divergence_keeps_last_good_checkpoint(zoo, epoch_actions, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    run_dir = tmp_path / "run"
    monkeypatch.setenv("ZOO_TEST_DIVERGE_AFTER", "1")
    result = zoo("run", *SMALL_RUN, "--epochs", "3", "--out", str(run_dir))

    assert result.exit_code == 1
    assert "the training loss became" in result.output
    assert "in epoch 2, step" in result.output
    assert "the checkpoint of epoch 1, the last with a finite loss, was kept" in result.output
    assert "lower the learning rate (now 1e+12)" in result.output
    info = json.loads((run_dir / "run.json").read_text())
    assert info["status"] == "failed"
    assert "epoch 2" in info["error"]
    assert not (run_dir / "model.keras").exists()
    assert json.loads((run_dir / "checkpoints" / "latest.json").read_text())["epoch"] == 1
    assert sorted(p.name for p in (run_dir / "checkpoints").iterdir()) == ["epoch-0001", "latest.json"]
    assert all(np.all(np.isfinite(array)) for array in _checkpoint_arrays(run_dir))


def test_divergence_from_first_epoch_saves_nothing(zoo, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    result = zoo("run", *SMALL_RUN, "--epochs", "2", "--optimizer", "sgd", "--lr", "1e6", "--out", str(run_dir))

    assert result.exit_code == 1
    assert "non-finite in epoch 1" in result.output or "loss became" in result.output
    assert "lower the learning rate (now 1e+06)" in result.output
    assert "no checkpoint was saved for this epoch and the run has none" in result.output
    assert "was kept" not in result.output
    assert json.loads((run_dir / "run.json").read_text())["status"] == "failed"
    assert not (run_dir / "model.keras").exists()
    assert not (run_dir / "checkpoints" / "latest.json").exists()

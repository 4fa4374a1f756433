"""Tests of ``zoo sweep``: real tiny trainings, resuming, and the checks made before training."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from zoo_core.sweep import combination_config, load_sweep, run_dir_name

SWEEP = """
    [dataset]
    name = "synthetic"
    num_samples = 48
    image_size = 8

    [architecture]
    name = "simple-cnn"
    filters = 4
    dense_units = 8

    [training]
    epochs = 2
    batch_size = 16

    [sweep]
    sort_by = "accuracy"
    target = 0.0

    [sweep.grid]
    "training.learning_rate" = [0.01, 0.001]
"""


def write_sweep(folder: Path, text: str = SWEEP) -> Path:
    path = folder / "tiny.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_sweep_resumes_unfinished_run(zoo: Callable[..., object], tmp_path: Path) -> None:
    config = write_sweep(tmp_path)
    out = tmp_path / "sweep"
    first = zoo("sweep", str(config), "--out", str(out), "--no-progress")
    assert first.exit_code == 0, first.output

    rows = read_rows(out / "results.csv")
    assert sorted(row["training.learning_rate"] for row in rows) == ["0.001", "0.01"]
    assert [row["status"] for row in rows] == ["finished", "finished"]
    accuracies = [float(row["accuracy"]) for row in rows]
    assert accuracies == sorted(accuracies, reverse=True)
    for row in rows:
        assert float(row["train_seconds"]) > 0
        # A target of 0.0 is reached at the first epoch.
        assert row["epoch_to_target"] == "1"
    assert (out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| training.learning_rate | accuracy |" in (out / "results.md").read_text()

    rerun_dir, kept_dir = (out / row["run_dir"] for row in rows)
    kept_metrics = (kept_dir / "metrics.json").read_bytes()
    kept_mtime = (kept_dir / "metrics.json").stat().st_mtime_ns
    (rerun_dir / "metrics.json").unlink()

    second = zoo("sweep", str(config), "--out", str(out), "--no-progress")
    assert second.exit_code == 0, second.output
    statuses = {row["run_dir"]: row["status"] for row in read_rows(out / "results.csv")}
    assert statuses == {rerun_dir.name: "finished", kept_dir.name: "skipped"}
    assert (rerun_dir / "metrics.json").is_file()
    assert (kept_dir / "metrics.json").stat().st_mtime_ns == kept_mtime
    assert (kept_dir / "metrics.json").read_bytes() == kept_metrics
    assert "1 ran, 1 skipped" in second.output


def test_sweep_dry_run_lists_combinations(zoo: Callable[..., object], tmp_path: Path) -> None:
    config = write_sweep(tmp_path, SWEEP + '    "training.seed" = [0, 1, 2]\n')
    result = zoo("sweep", str(config), "--out", str(tmp_path / "out"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "6 combinations" in result.output
    assert "training.learning_rate=0.001, training.seed=2" in result.output
    assert not (tmp_path / "out").exists()


def test_sweep_rejects_unknown_component(zoo: Callable[..., object], tmp_path: Path) -> None:
    text = SWEEP.replace('"training.learning_rate" = [0.01, 0.001]', '"architecture.name" = ["simple-cnn", "no-such-net"]')
    result = zoo("sweep", str(write_sweep(tmp_path, text)), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "architecture.name=no-such-net" in result.output
    assert "unknown architecture 'no-such-net'" in result.output
    assert not (tmp_path / "out").exists()


def test_sweep_requires_grid(zoo: Callable[..., object], tmp_path: Path) -> None:
    text = SWEEP.split("[sweep.grid]")[0]
    result = zoo("sweep", str(write_sweep(tmp_path, text)))
    assert result.exit_code == 1
    assert "has no [sweep.grid] table" in result.output


def test_combination_replaces_component_table(tmp_path: Path) -> None:
    plan = load_sweep(write_sweep(tmp_path))
    config = combination_config(plan.base, {"architecture.filters": 16, "architecture.name": "vgg11"})
    assert config["architecture"] == {"name": "vgg11", "filters": 16}
    same = combination_config(plan.base, {"architecture.name": "simple-cnn"})
    assert same["architecture"] == {"name": "simple-cnn", "filters": 4, "dense_units": 8}
    whole = combination_config(plan.base, {"architecture": {"name": "simple-cnn", "blocks": 1}})
    assert whole["architecture"] == {"name": "simple-cnn", "blocks": 1}


def test_run_dir_name_ignores_key_order() -> None:
    first = run_dir_name({"training.seed": 1, "architecture.name": "simple-cnn"})
    second = run_dir_name({"architecture.name": "simple-cnn", "training.seed": 1})
    assert first == second
    assert first.startswith("simple-cnn_1-")
    assert run_dir_name({"training.seed": 2, "architecture.name": "simple-cnn"}) != first
    assert "/" not in run_dir_name({"dataset.path": "/data/images"})


def test_sweep_file_is_recorded(tmp_path: Path) -> None:
    plan = load_sweep(write_sweep(tmp_path))
    assert plan.grid == {"training.learning_rate": [0.01, 0.001]}
    assert plan.base["training"]["epochs"] == 2
    assert plan.target == 0.0
    assert json.dumps(plan.combinations()) == '[{"training.learning_rate": 0.01}, {"training.learning_rate": 0.001}]'

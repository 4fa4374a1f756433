"""Tests of ``zoo sweep``: real tiny trainings, resuming, and the checks made before training."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from zoo_core.plural import plural
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


def test_run_dir_name_ignores_key_order(tmp_path: Path) -> None:
    plan = load_sweep(write_sweep(tmp_path))
    first = plan.run_dir_name({"training.seed": 1, "architecture.name": "simple-cnn"})
    second = plan.run_dir_name({"architecture.name": "simple-cnn", "training.seed": 1})
    assert first == second
    assert first.startswith("simple-cnn_1-")
    assert plan.run_dir_name({"training.seed": 2, "architecture.name": "simple-cnn"}) != first
    assert "/" not in run_dir_name({"dataset.path": "/data/images"}, {})


def test_sweep_file_is_recorded(tmp_path: Path) -> None:
    plan = load_sweep(write_sweep(tmp_path))
    assert plan.grid == {"training.learning_rate": [0.01, 0.001]}
    assert plan.base["training"]["epochs"] == 2
    assert plan.target == 0.0
    assert json.dumps(plan.combinations()) == '[{"training.learning_rate": 0.01}, {"training.learning_rate": 0.001}]'


@pytest.mark.slow
def test_sweep_reruns_after_base_change(zoo: Callable[..., object], tmp_path: Path) -> None:
    one_epoch = SWEEP.replace("epochs = 2", "epochs = 1").replace("[0.01, 0.001]", "[0.01]")
    out = tmp_path / "sweep"
    first = zoo("sweep", str(write_sweep(tmp_path, one_epoch)), "--out", str(out), "--no-progress")
    assert first.exit_code == 0, first.output
    assert "1 ran, 0 skipped" in first.output
    [old_dir] = [path.parent for path in out.glob("*/metrics.json")]

    two_epochs = one_epoch.replace("epochs = 1", "epochs = 2")
    second = zoo("sweep", str(write_sweep(tmp_path, two_epochs)), "--out", str(out), "--no-progress")
    assert second.exit_code == 0, second.output
    assert "1 ran, 0 skipped" in second.output
    assert f"1 run directory in {out} belongs to an earlier version" in second.output
    [row] = read_rows(out / "results.csv")
    assert row["status"] == "finished"
    assert row["run_dir"] != old_dir.name
    config = json.loads((out / row["run_dir"] / "config.json").read_text())
    assert config["training"]["epochs"] == 2
    assert json.loads((old_dir / "config.json").read_text())["training"]["epochs"] == 1


def test_run_dir_name_covers_base(tmp_path: Path) -> None:
    plan = load_sweep(write_sweep(tmp_path))
    values = {"training.learning_rate": 0.01}
    before = plan.run_dir_name(values)
    plan.base["training"]["epochs"] = 3
    assert plan.run_dir_name(values) != before
    assert plan.run_dir_name(values).startswith("0.01-")


@pytest.mark.parametrize(("setting", "message", "hint"), [
    ('sort_by = "accurasy"', "sort_by 'accurasy' is not a metric", "did you mean 'accuracy'?"),
    ('sort_by = "seconds_to_target"', "sort_by 'seconds_to_target' is not a metric", "Accepted values: accuracy"),
    ('target = "high"', "target must be a number, got 'high'", "target = 0.9"),
    ("target = 90", "target 90 is outside the range of accuracy, 0 to 1", "target = 0.9"),
    ('target_metric = "kapa"\n    target = 0.5', "target_metric 'kapa' is not a metric", "Accepted values:"),
    ('split = "tset"', "split must be one of train, validation, test, got 'tset'", "did you mean 'test'?"),
])
def test_sweep_rejects_ranking_setting(zoo: Callable[..., object], tmp_path: Path, setting: str,
                                       message: str, hint: str) -> None:
    text = SWEEP.replace('    sort_by = "accuracy"\n    target = 0.0\n', f"    {setting}\n")
    for extra in ([], ["--dry-run"]):
        result = zoo("sweep", str(write_sweep(tmp_path, text)), "--out", str(tmp_path / "out"), *extra)
        assert result.exit_code == 1, result.output
        assert message in result.output
        assert hint in result.output
        assert not (tmp_path / "out").exists()


def test_sweep_sorts_by_built_metric_name(zoo: Callable[..., object], tmp_path: Path) -> None:
    text = SWEEP.replace('sort_by = "accuracy"', 'sort_by = "top-3-accuracy"\n    target_metric = "kappa"')
    text = text.replace("    [sweep]\n", '    [[metrics]]\n    name = "top-k-accuracy"\n    k = 3\n\n'
                                        '    [[metrics]]\n    name = "kappa"\n\n    [sweep]\n')
    result = zoo("sweep", str(write_sweep(tmp_path, text)), "--out", str(tmp_path / "out"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 combinations" in result.output

    negative = text.replace("target = 0.0", "target = -0.5")
    result = zoo("sweep", str(write_sweep(tmp_path, negative)), "--dry-run")
    assert result.exit_code == 0, result.output


def test_sweep_counts_one_combination(zoo: Callable[..., object], tmp_path: Path) -> None:
    text = SWEEP.replace("[0.01, 0.001]", "[0.01]")
    result = zoo("sweep", str(write_sweep(tmp_path, text)), "--out", str(tmp_path / "out"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("\n1 combination\n")


def test_plural_counts() -> None:
    assert plural(1, "combination") == "1 combination"
    assert plural(0, "combination") == "0 combinations"
    assert plural(2, "run directory", "run directories") == "2 run directories"
    assert plural(1, "run directory", "run directories") == "1 run directory"

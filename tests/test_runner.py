"""The runner end to end on small real data: run directory, metrics and the saved model."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from zoo_core.cli.run_cmd import build_config
from zoo_core.plugins import load_plugins

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory):
    """Train simple-cnn on the synthetic dataset for three epochs, once for this module."""
    from zoo_core.runner import run

    out = tmp_path_factory.mktemp("runs") / "synthetic"
    config = build_config(None, {"dataset": "synthetic", "epochs": 3}, ("architecture.filters=8",))
    return run(config, load_plugins(), out=out, show_progress=False)


def test_run_directory_contents(finished_run) -> None:
    names = {path.name for path in Path(finished_run.run_dir).iterdir()}
    assert {"config.json", "metrics.json", "history.csv", "model.keras", "splits.json"} <= names
    assert not [name for name in names if name.endswith(".tmp") or ".tmp." in name]


def test_config_records_components_and_versions(finished_run) -> None:
    config = json.loads((finished_run.run_dir / "config.json").read_text(encoding="utf-8"))
    assert config["architecture"]["id"] == "simple-cnn:simple-cnn"
    assert config["architecture"]["params"] == {"filters": 8}
    assert config["dataset"]["distribution"] == "zoo-core"
    versions = config["versions"]
    assert versions["zoo-core"]
    assert versions["tensorflow"]
    assert versions["keras"].startswith("3.")
    assert versions["plugins"]["zoo-simple-cnn"] == "0.1.0"
    assert config["training"]["epochs"] == 3


def test_metrics_keyed_by_split(finished_run) -> None:
    metrics = json.loads((finished_run.run_dir / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics) == {"train", "validation", "test"}
    for split in metrics.values():
        assert set(split) == {"accuracy", "precision", "recall", "f1"}
        assert all(0.0 <= value <= 1.0 for value in split.values())
    # The synthetic classes are separable; three epochs leave it well above chance (0.25).
    assert metrics["test"]["accuracy"] > 0.6


def test_history_has_a_row_per_epoch(finished_run) -> None:
    with open(finished_run.run_dir / "history.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(row["epoch"]) for row in rows] == [1, 2, 3]
    assert {"loss", "val_loss", "val_accuracy", "val_f1"} <= set(rows[0])
    assert float(rows[-1]["loss"]) < float(rows[0]["loss"])


def test_saved_model_carries_preprocessing_and_class_names(finished_run) -> None:
    import keras

    from zoo_core.builtins.datasets import synthetic
    from zoo_core.keras_objects import class_names_of
    from zoo_core.runner import predict_split

    model = keras.saving.load_model(finished_run.run_dir / "model.keras")
    assert class_names_of(model) == ["class_0", "class_1", "class_2", "class_3"]
    splits = json.loads((finished_run.run_dir / "splits.json").read_text(encoding="utf-8"))
    test_ids = np.array([int(i) for i in splits["ids"]["test"]])
    dataset = synthetic()
    probabilities = predict_split(model, dataset, test_ids)
    accuracy = float(np.mean(probabilities.argmax(axis=1) == dataset.labels[test_ids]))
    recorded = json.loads((finished_run.run_dir / "metrics.json").read_text(encoding="utf-8"))
    assert accuracy == pytest.approx(recorded["test"]["accuracy"])


def test_same_seed_gives_same_metrics(finished_run, tmp_path: Path) -> None:
    from zoo_core.runner import run

    config = build_config(None, {"dataset": "synthetic", "epochs": 3}, ("architecture.filters=8",))
    again = run(config, load_plugins(), out=tmp_path / "again", show_progress=False)
    assert again.metrics == finished_run.metrics


def test_no_held_out_split_prints_train(zoo, tmp_path: Path) -> None:
    result = zoo("run", "--dataset", "synthetic", "--epochs", "1", "--no-progress",
                 "--set", "training.validation_fraction=0", "--set", "training.test_fraction=0",
                 "--set", "architecture.filters=4", "--out", str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    assert "train metrics:" in result.stdout
    assert "  accuracy: " in result.stdout

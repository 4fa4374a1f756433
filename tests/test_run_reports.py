"""Runs end to end for the training components: reports, model outputs, schedules, gd and class weights."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as skm

from zoo_core.cli.run_cmd import build_config
from zoo_core.errors import ConfigError, RunError
from zoo_core.plugins import load_plugins
from zoo_core.reports import probability_columns

SMALL_DATA = ("dataset.num_samples=160", "dataset.image_size=8")
SMALL_CNN = ("architecture.filters=8", "architecture.dense_units=16", "architecture.blocks=1")

ALL_METRICS = ["accuracy", "balanced-accuracy", "kappa", "precision", "precision-micro", "precision-weighted",
               "recall", "recall-micro", "recall-weighted", "f1", "f1-micro", "f1-weighted"]


def _run(out: Path, options: dict, overrides: tuple[str, ...] = (), metrics: list | None = None):
    from zoo_core.runner import run

    small = SMALL_DATA if "arch" in options else SMALL_DATA + SMALL_CNN
    config = build_config(None, {"dataset": "synthetic", **options}, small + overrides)
    if metrics is not None:
        config["metrics"] = metrics
    return run(config, load_plugins(), out=out, show_progress=False)


def _load_model(path: Path):
    import keras

    import zoo_core.keras_objects  # noqa: F401 - registers the zoo's layers and losses

    return keras.saving.load_model(path)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def report_run(tmp_path_factory: pytest.TempPathFactory):
    """Two epochs on synthetic data with every built-in metric, once for this module."""
    metrics = [{"name": name} for name in ALL_METRICS] + [{"name": "top-k-accuracy", "k": 2}]
    return _run(tmp_path_factory.mktemp("runs") / "report", {"epochs": 2}, metrics=metrics)


@pytest.mark.slow
def test_metrics_recomputed_from_predictions(report_run) -> None:
    from zoo_core.builtins import metric_factories

    run_dir = report_run.run_dir
    rows = _read_csv(run_dir / "predictions.csv")
    class_names = json.loads((run_dir / "splits.json").read_text(encoding="utf-8"))["class_names"]
    labels = np.array([class_names.index(row["true_class"]) for row in rows])
    probabilities = np.array([[float(row[column]) for column in probability_columns(class_names)] for row in rows])
    recorded = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))["test"]
    factories = {name: getattr(metric_factories, name.replace("-", "_").replace("kappa", "cohen_kappa"))
                 for name in ALL_METRICS}
    recomputed = {name: factory(len(class_names)).compute(labels, probabilities) for name, factory in factories.items()}
    recomputed["top-2-accuracy"] = metric_factories.top_k_accuracy(len(class_names), k=2).compute(labels, probabilities)
    assert set(recorded) == set(recomputed)
    for name, value in recomputed.items():
        assert recorded[name] == value, name


@pytest.mark.slow
def test_predictions_cover_test_split(report_run) -> None:
    run_dir = report_run.run_dir
    rows = _read_csv(run_dir / "predictions.csv")
    splits = json.loads((run_dir / "splits.json").read_text(encoding="utf-8"))
    assert [row["id"] for row in rows] == splits["ids"]["test"]
    for row in rows:
        probabilities = [float(row[column]) for column in probability_columns(splits["class_names"])]
        assert sum(probabilities) == pytest.approx(1.0, abs=1e-9)
        assert row["predicted_class"] == splits["class_names"][int(np.argmax(probabilities))]


@pytest.mark.slow
def test_per_class_report_and_confusion_matrix(report_run) -> None:
    run_dir = report_run.run_dir
    rows = _read_csv(run_dir / "predictions.csv")
    names = json.loads((run_dir / "splits.json").read_text(encoding="utf-8"))["class_names"]
    y_true = [names.index(row["true_class"]) for row in rows]
    y_pred = [names.index(row["predicted_class"]) for row in rows]
    matrices = json.loads((run_dir / "confusion_matrix.json").read_text(encoding="utf-8"))
    assert matrices["class_names"] == names
    assert set(matrices["splits"]) == {"train", "validation", "test"}
    expected = skm.confusion_matrix(y_true, y_pred, labels=range(len(names)))
    np.testing.assert_array_equal(np.array(matrices["splits"]["test"]), expected)
    report = [row for row in _read_csv(run_dir / "per_class.csv") if row["split"] == "test"]
    assert [row["class"] for row in report] == names
    precision, recall, f1, support = skm.precision_recall_fscore_support(
        y_true, y_pred, labels=range(len(names)), zero_division=0)
    for index, row in enumerate(report):
        assert float(row["precision"]) == pytest.approx(precision[index], abs=1e-12)
        assert float(row["recall"]) == pytest.approx(recall[index], abs=1e-12)
        assert float(row["f1"]) == pytest.approx(f1[index], abs=1e-12)
        assert int(row["support"]) == support[index]


PROBABILITY_PLUGIN = '''
from zoo_core import hookimpl


def build(input_shape, num_classes, activation="softmax"):
    import keras

    inputs = keras.Input(shape=tuple(input_shape))
    x = keras.layers.Flatten()(inputs)
    outputs = keras.layers.Dense(num_classes, activation=activation)(x)
    return keras.Model(inputs, outputs)


@hookimpl
def zoo_register_architectures(register):
    register("softmax-net", build, metadata={"outputs": "probabilities"})
    register("mislabelled-net", build, metadata={"outputs": "logits"})
'''


@pytest.mark.slow
def test_probability_model_not_softmaxed_twice(tmp_path: Path, fake_site) -> None:
    fake_site("probnet", PROBABILITY_PLUGIN)
    result = _run(tmp_path / "run", {"epochs": 1, "arch": "softmax-net"})
    rows = _read_csv(result.run_dir / "predictions.csv")
    names = json.loads((result.run_dir / "splits.json").read_text(encoding="utf-8"))["class_names"]
    written = np.array([[float(row[column]) for column in probability_columns(names)] for row in rows])

    from zoo_core.builtins.datasets import synthetic

    dataset = synthetic(num_samples=160, image_size=8)
    test_ids = [int(row["id"]) for row in rows]
    model = _load_model(result.run_dir / "model.keras")
    outputs = model.predict(dataset.source.images[test_ids], verbose=0)
    np.testing.assert_allclose(written, outputs, rtol=1e-5, atol=1e-7)


@pytest.mark.slow
def test_softmax_model_declared_logits_rejected(tmp_path: Path, fake_site) -> None:
    fake_site("probnet", PROBABILITY_PLUGIN)
    with pytest.raises(RunError, match="applies softmax"):
        _run(tmp_path / "run", {"epochs": 1, "arch": "mislabelled-net"})


def test_loss_contradicting_model_rejected(zoo, tmp_path: Path) -> None:
    result = zoo("run", "--epochs", "1", "--out", str(tmp_path / "run"), "--set", "loss.from_logits=false")
    assert result.exit_code == 1
    assert "contradicts architecture 'simple-cnn:simple-cnn', which outputs logits" in result.output
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_gd_takes_one_step_per_epoch(tmp_path: Path) -> None:
    result = _run(tmp_path / "run", {"epochs": 3, "optimizer": "gd"})
    model = _load_model(result.run_dir / "model.keras")
    assert int(model.optimizer.iterations.numpy()) == 3


@pytest.mark.slow
def test_schedule_reaches_optimizer(tmp_path: Path) -> None:
    result = _run(tmp_path / "run", {"epochs": 2, "optimizer": "sgd", "lr": 0.125, "schedule": "step"},
                  ("schedule.step_size=1", "schedule.gamma=0.5", "training.batch_size=16"))
    model = _load_model(result.run_dir / "model.keras")
    train_size = len(json.loads((result.run_dir / "splits.json").read_text(encoding="utf-8"))["ids"]["train"])
    assert int(model.optimizer.iterations.numpy()) == 2 * -(-train_size // 16)
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.125 * 0.5**2)
    rates = [row["learning_rate"] for row in result.history]
    assert rates == pytest.approx([0.125, 0.125 * 0.5])


@pytest.mark.slow
def test_zero_class_weights_zero_loss(tmp_path: Path) -> None:
    result = _run(tmp_path / "run", {"epochs": 1}, ("training.class_weight=[0, 0, 0, 0]",))
    assert [row["loss"] for row in result.history] == [0.0]


def test_unknown_class_weight_name_rejected() -> None:
    from zoo_core.class_weights import resolve_class_weights

    with pytest.raises(ConfigError, match="unknown classes: dog"):
        resolve_class_weights({"dog": 2.0}, np.array([0, 1]), ["cat", "bird"])
    with pytest.raises(ConfigError, match="3 weights for 2 classes"):
        resolve_class_weights([1, 2, 3], np.array([0, 1]), ["cat", "bird"])

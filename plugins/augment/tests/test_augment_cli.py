"""The sets as installed components: listing, the training pipeline, preview and a short run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from PIL import Image

from zoo_core.builtins.datasets import synthetic
from zoo_core.cli import main
from zoo_core.pipeline import inference_pipeline, training_pipeline

SET_NAMES = {"flip", "pad-crop-flip", "rotation", "geometric", "color", "randaugment"}


def zoo(*args: str) -> Result:
    """Run ``zoo ARGS...`` in-process and return click's result."""
    return CliRunner().invoke(main, list(args))


def test_list_shows_sets_from_distribution() -> None:
    result = zoo("list", "augmentation", "--json")

    assert result.exit_code == 0, result.output
    listed = {item["name"]: item for item in json.loads(result.output)}
    assert SET_NAMES <= set(listed)
    for name in SET_NAMES:
        assert listed[name]["distribution"] == "zoo-augment"
        assert listed[name]["id"] == f"augment:{name}"
    assert listed["none"]["plugin"] == "core"


def test_info_lists_magnitudes() -> None:
    result = zoo("info", "randaugment", "--json")

    assert result.exit_code == 0, result.output
    parameters = {p["name"]: p for p in json.loads(result.output)["parameters"]}
    assert parameters["magnitude"]["default"] == 9.0
    assert parameters["num_ops"]["default"] == 2
    assert "value_range" not in parameters
    assert "seed" not in parameters


def test_augmentation_touches_training_batches_only() -> None:
    from zoo_augment.sets import geometric

    dataset = synthetic(num_samples=48, image_size=12, channels=3)
    indices = np.arange(48)
    raw = np.stack([dataset.source.images[i] for i in indices])
    augment = geometric(value_range=dataset.value_range, seed=0)

    trained = list(training_pipeline(dataset, indices, batch_size=16, seed=0, augment=augment).as_numpy_iterator())
    evaluated = np.concatenate(list(inference_pipeline(dataset, indices).as_numpy_iterator()))

    np.testing.assert_array_equal(evaluated, raw)
    training_images = np.concatenate([images for images, _ in trained])
    raw_by_bytes = {image.tobytes() for image in raw}
    changed = sum(image.tobytes() not in raw_by_bytes for image in training_images)
    assert changed >= len(training_images) // 2


def test_preview_writes_readable_png(tmp_path: Path) -> None:
    out = tmp_path / "previews" / "randaugment.png"

    result = zoo("augment", "preview", "randaugment", "--dataset", "synthetic", "--set", "dataset.channels=3",
                 "--set", "augmentation.magnitude=5", "--samples", "3", "--versions", "2", "--out", str(out))

    assert result.exit_code == 0, result.output
    assert "3 images, 2 augmented copies" in result.output
    with Image.open(out) as image:
        assert image.format == "PNG"
        width, height = image.size
        pixels = np.asarray(image.convert("L"))
    assert width > 200
    assert height > 200
    assert pixels.std() > 10


def test_preview_is_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "first.png", tmp_path / "second.png"

    for out in (first, second):
        result = zoo("augment", "preview", "rotation", "--dataset", "digits", "--samples", "2", "--versions", "2",
                     "--seed", "7", "--out", str(out))
        assert result.exit_code == 0, result.output

    with Image.open(first) as one, Image.open(second) as two:
        np.testing.assert_array_equal(np.asarray(one), np.asarray(two))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "augmentation.degrees=500"], "degrees"),
        (["--set", "augmentation.degree=5"], "did you mean 'degrees'"),
        (["--set", "training.epochs=3"], "only the dataset and augmentation tables"),
        (["--out", "preview.jpg"], ".png"),
    ],
)
def test_preview_rejects_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    out = ["--out", str(tmp_path / "preview.png")] if "--out" not in args else []

    result = zoo("augment", "preview", "rotation", *out, *args)

    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "preview.png").exists()


def test_preview_unknown_set_suggests_name(tmp_path: Path) -> None:
    result = zoo("augment", "preview", "rotatoin", "--out", str(tmp_path / "preview.png"))

    assert result.exit_code == 1
    assert "rotation" in result.output


@pytest.mark.slow
def test_run_with_randaugment(tmp_path: Path) -> None:
    out = tmp_path / "run"

    result = zoo("run", "--dataset", "synthetic", "--augmentation", "randaugment", "--epochs", "2",
                 "--set", "augmentation.magnitude=4", "--set", "dataset.num_samples=160",
                 "--set", "architecture.filters=8", "--set", "architecture.dense_units=16",
                 "--no-progress", "--out", str(out))

    assert result.exit_code == 0, result.output
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["augmentation"]["id"] == "augment:randaugment"
    assert config["augmentation"]["params"] == {"magnitude": 4}
    assert config["versions"]["plugins"]["zoo-augment"] == "0.1.0"
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert 0.0 <= metrics["test"]["accuracy"] <= 1.0
    assert (out / "model.keras").is_file()

"""``zoo predict``: a fresh process gives the classes and probabilities that evaluation gave."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from tests.run_directory.conftest import run_zoo, write_shapes_folder
from zoo_core.cli import main

pytestmark = pytest.mark.slow

#: An architecture plugin whose model contains a custom Keras layer, defined in a module of its own.
CUSTOM_LAYER_PLUGIN = '''
from zoo_core import hookimpl


@hookimpl
def zoo_register_architectures(register):
    register("doubling-net", "zoo_test_doubling_layers:build", summary="A dense net with a custom layer.")
'''

CUSTOM_LAYER_MODULE = '''
import keras


@keras.saving.register_keras_serializable(package="zoo_test_doubling")
class Doubling(keras.layers.Layer):
    def call(self, inputs):
        return inputs * 2.0


def build(input_shape, num_classes):
    inputs = keras.Input(shape=tuple(input_shape))
    x = Doubling()(keras.layers.Flatten()(inputs))
    return keras.Model(inputs, keras.layers.Dense(num_classes)(x))
'''


@pytest.fixture(scope="module")
def shapes_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Train on a folder of 8-bit PNG, PGM and PPM files; return (image folder, run directory)."""
    root = tmp_path_factory.mktemp("predict")
    images = write_shapes_folder(root / "shapes")
    run_dir = root / "run"
    result = CliRunner().invoke(main, [
        "run", "--dataset", "image-folder", "--set", f"dataset.path={images}", "--set", "dataset.image_size=12",
        "--set", "architecture.filters=4", "--set", "architecture.dense_units=16", "--set", "architecture.blocks=1",
        "--set", "training.test_fraction=0.25", "--epochs", "3", "--batch-size", "8", "--no-progress",
        "--out", str(run_dir),
    ], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return images, run_dir


def test_predict_matches_evaluation(shapes_run: tuple[Path, Path], tmp_path: Path) -> None:
    images, run_dir = shapes_run
    with open(run_dir / "predictions.csv", newline="", encoding="utf-8") as handle:
        evaluated = {row["id"]: row for row in csv.DictReader(handle)}
    assert {Path(name).suffix for name in evaluated} == {".png", ".pgm", ".ppm"}
    files = [str(images / name) for name in evaluated]

    completed = run_zoo("predict", str(run_dir), *files, "--top-k", "3", "--json", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    predictions = json.loads(completed.stdout)["predictions"]

    assert len(predictions) == len(evaluated)
    for prediction in predictions:
        row = evaluated[str(Path(prediction["file"]).relative_to(images))]
        top = prediction["top"]
        assert top[0]["class"] == row["predicted_class"], prediction["file"]
        for entry in top:
            assert entry["probability"] == pytest.approx(float(row[f"prob_{entry['class']}"]), abs=1e-6)


def test_predict_folder_and_model_file(shapes_run: tuple[Path, Path]) -> None:
    images, run_dir = shapes_run
    raw = sorted(images.rglob("*.p?m"))
    by_file = CliRunner().invoke(main, ["predict", str(run_dir / "model.keras"), *map(str, raw), "--json"])
    by_folder = CliRunner().invoke(main, ["predict", str(run_dir), str(images), "--json", "--top-k", "1"])
    assert by_file.exit_code == 0, by_file.output
    assert by_folder.exit_code == 0, by_folder.output

    folder_results = {p["file"]: p["top"] for p in json.loads(by_folder.stdout)["predictions"]}
    assert len(folder_results) == len(list(images.rglob("*.*")))
    for prediction in json.loads(by_file.stdout)["predictions"]:
        assert [prediction["top"][0]] == folder_results[prediction["file"]]
        assert len(prediction["top"]) == 3
        assert sum(entry["probability"] for entry in prediction["top"]) == pytest.approx(1.0)

    text = CliRunner().invoke(main, ["predict", str(run_dir), str(raw[0]), "--top-k", "2"])
    assert text.exit_code == 0, text.output
    assert text.output.splitlines()[0] == str(raw[0])
    assert len(text.output.splitlines()) == 3


def test_predict_names_undecodable_file(shapes_run: tuple[Path, Path], tmp_path: Path) -> None:
    _, run_dir = shapes_run
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    good = next(iter(sorted(shapes_run[0].rglob("*.png"))))

    stopped = CliRunner().invoke(main, ["predict", str(run_dir), str(broken), str(good)])
    assert stopped.exit_code == 1
    assert "broken.png" in stopped.output

    skipped = CliRunner().invoke(main, ["predict", str(run_dir), str(broken), str(good), "--skip-invalid", "--json"])
    assert skipped.exit_code == 0, skipped.output
    data = json.loads(skipped.stdout)
    assert [entry["file"] for entry in data["skipped"]] == [str(broken)]
    assert [p["file"] for p in data["predictions"]] == [str(good)]


def test_predict_names_missing_plugin(zoo, fake_site, tmp_path: Path) -> None:
    site = fake_site("doubling", CUSTOM_LAYER_PLUGIN)
    (site / "zoo_test_doubling_layers.py").write_text(CUSTOM_LAYER_MODULE, encoding="utf-8")
    run_dir = tmp_path / "run"
    trained = zoo("run", "--arch", "doubling-net", "--dataset", "synthetic", "--set", "dataset.num_samples=64",
                  "--set", "dataset.image_size=6", "--epochs", "1", "--no-progress", "--out", str(run_dir))
    assert trained.exit_code == 0, trained.output
    image = tmp_path / "one.png"
    from PIL import Image

    Image.fromarray(np.full((6, 6), 200, dtype=np.uint8)).save(image)

    with_plugin = zoo("predict", str(run_dir), str(image))
    assert with_plugin.exit_code == 0, with_plugin.output
    assert "class_" in with_plugin.output

    without = run_zoo("predict", str(run_dir), str(image), cwd=tmp_path)
    assert without.returncode == 1
    assert "doubling:doubling-net" in without.stderr
    assert "zoo-test-doubling" in without.stderr

"""``zoo run`` end to end on an image folder of pictures and on MNIST-style IDX files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.slow

SMALL_CNN = ("--arch", "simple-cnn", "--set", "architecture.blocks=1", "--set", "architecture.filters=8",
             "--set", "architecture.dense_units=16", "--epochs", "2", "--batch-size", "8", "--no-progress")


def _read(run_dir: Path, name: str) -> Any:
    return json.loads((run_dir / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("cache", ["true", "false"])
def test_run_on_image_folder(tmp_path: Path, zoo: Callable[..., Any], make_photo: Callable[..., Image.Image],
                             cache: str) -> None:
    photos = tmp_path / "photos"
    sizes = [(64, 48), (48, 64), (40, 40), (33, 21), (80, 60), (25, 30)]
    for hue, name in enumerate(["1", "2", "10"]):
        (photos / name).mkdir(parents=True)
        for index in range(12):
            width, height = sizes[index % len(sizes)]
            picture = make_photo(width, height, seed=100 * hue + index, hue=hue)
            suffix = ".JPG" if index % 3 == 0 else ".png"
            picture.save(photos / name / f"IMG_{index:04d}{suffix}")
    run_dir = tmp_path / "run"

    result = zoo("run", "--dataset", "image-folder", "--set", f"dataset.path={photos}",
                 "--set", "dataset.image_size=[24, 24]", "--set", f"dataset.cache={cache}", *SMALL_CNN,
                 "--out", str(run_dir))

    assert result.exit_code == 0, result.output
    splits = _read(run_dir, "splits.json")
    assert splits["class_names"] == ["1", "2", "10"]
    assert sum(splits["counts"].values()) == 36
    assert splits["counts"]["test"] > 0
    all_ids = [file for ids in splits["ids"].values() for file in ids]
    assert sorted(all_ids) == sorted(p.relative_to(photos).as_posix() for p in photos.rglob("IMG_*"))
    assert [sum(counts) for counts in zip(*splits["class_counts"].values())] == [12, 12, 12]
    assert splits["dataset"]["path"] == str(photos)
    assert "natural" in splits["dataset"]["class_order"]
    assert splits["dataset"]["skipped_count"] == 0
    metrics = _read(run_dir, "metrics.json")
    assert 0.0 <= metrics["test"]["accuracy"] <= 1.0
    config = _read(run_dir, "config.json")
    assert config["dataset"]["params"]["image_size"] == [24, 24]
    assert (run_dir / "model.keras").is_file()


def test_run_on_mnist_idx(tmp_path: Path, zoo: Callable[..., Any], make_idx: Callable[..., Path]) -> None:
    from sklearn.datasets import load_digits

    # scikit-learn's real 8x8 handwritten digits, scaled to MNIST's 28x28 and 0..255.
    digits = load_digits()
    images = np.stack([
        np.asarray(Image.fromarray((image * 255 / 16).astype(np.uint8)).resize((28, 28), Image.Resampling.BILINEAR))
        for image in digits.images[:250]
    ])
    labels = digits.target[:250].astype(np.uint8)
    folder = tmp_path / "mnist"
    folder.mkdir()
    make_idx(folder / "train-images-idx3-ubyte.gz", images[:200], compress=True)
    make_idx(folder / "train-labels-idx1-ubyte.gz", labels[:200], compress=True)
    make_idx(folder / "t10k-images-idx3-ubyte.gz", images[200:], compress=True)
    make_idx(folder / "t10k-labels-idx1-ubyte.gz", labels[200:], compress=True)
    run_dir = tmp_path / "run"

    result = zoo("run", "--dataset", "mnist-idx", "--set", f"dataset.path={folder}", *SMALL_CNN, "--out", str(run_dir))

    assert result.exit_code == 0, result.output
    splits = _read(run_dir, "splits.json")
    assert splits["class_names"] == [str(digit) for digit in range(10)]
    assert splits["counts"]["test"] == 50
    assert splits["counts"]["train"] + splits["counts"]["validation"] == 200
    assert splits["ids"]["test"][0] == "t10k-images-idx3-ubyte.gz#0"
    assert splits["class_counts"]["test"] == np.bincount(labels[200:], minlength=10).tolist()
    metrics = _read(run_dir, "metrics.json")
    assert set(metrics) == {"train", "validation", "test"}


def test_run_records_skipped_files(tmp_path: Path, zoo: Callable[..., Any],
                                   make_photo: Callable[..., Image.Image]) -> None:
    photos = tmp_path / "photos"
    for hue, name in enumerate(["cat", "dog"]):
        (photos / name).mkdir(parents=True)
        for index in range(8):
            make_photo(20, 20, seed=10 * hue + index, hue=hue).save(photos / name / f"{index}.png")
    (photos / "dog" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    run_dir = tmp_path / "run"

    result = zoo("run", "--dataset", "image-folder", "--set", f"dataset.path={photos}",
                 "--set", "dataset.image_size=16", "--set", 'dataset.on_error="skip"', *SMALL_CNN,
                 "--out", str(run_dir))

    assert result.exit_code == 0, result.output
    details = _read(run_dir, "splits.json")["dataset"]
    assert details["skipped_count"] == 1
    assert details["skipped"][0]["file"] == "dog/broken.jpg"
    assert details["skipped"][0]["reason"]

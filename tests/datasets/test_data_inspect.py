"""``zoo data inspect``: the report on a dataset, in text and JSON, driven in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest


def _folder_with_problems(root: Path, class_folder: Callable[..., Path]) -> Path:
    class_folder(root, "2", 4, size=(12, 10))
    class_folder(root, "10", 4, size=(20, 16))
    class_folder(root, "1", 4, size=(12, 10))
    (root / "10" / "zero.png").write_bytes(b"")
    (root / "1" / "labels.csv").write_text("file,label\n")
    (root / "README.md").write_text("photos\n")
    return root


def test_inspect_text_lists_classes_and_problems(tmp_path: Path, zoo: Callable[..., Any],
                                                 class_folder: Callable[..., Path]) -> None:
    root = _folder_with_problems(tmp_path / "photos", class_folder)

    result = zoo("data", "inspect", "image-folder", "--set", f"path={root}", "--set", "image_size=8")

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "dataset core:image-folder: 12 samples, input shape 8x8x3"
    class_lines = [line.split()[1] for line in lines if line.startswith("    ") and line.split()[0].isdigit()]
    assert class_lines == ["1", "2", "10"]
    assert "image sizes (width x height): 12x10 (8), 20x16 (4)" in lines
    assert "  10/zero.png: empty file (0 bytes) [stops the run]" in lines
    assert "  1/labels.csv: no image file extension" in lines
    assert "  README.md: not inside a class folder" in lines


def test_inspect_json_counts_per_split(tmp_path: Path, zoo: Callable[..., Any],
                                       class_folder: Callable[..., Path]) -> None:
    root = _folder_with_problems(tmp_path / "photos", class_folder)

    result = zoo("data", "inspect", "image-folder", "--json", "--set", f"dataset.path={root}",
                 "--set", "image_size=[8, 8]", "--set", "on_error=skip", "--set", "training.test_fraction=0.25")

    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["samples"] == 12
    assert report["splits"]["test"] == {"count": 3, "origin": "drawn from the seed"}
    assert sum(item["count"] for item in report["splits"].values()) == 12
    assert [item["name"] for item in report["classes"]] == ["1", "2", "10"]
    assert sum(sum(item["counts"].values()) for item in report["classes"]) == 12
    assert report["problems"] == [{"file": "10/zero.png", "reason": "empty file (0 bytes)", "action": "skipped"}]
    assert report["image_modes"] == {"RGB": 12}
    assert report["details"]["decoding"] == {"channels": 3, "image_size": [8, 8], "interpolation": "bilinear"}


def test_inspect_reports_splits_on_disk(tmp_path: Path, zoo: Callable[..., Any],
                                        class_folder: Callable[..., Path]) -> None:
    for split, count in (("train", 4), ("test", 2)):
        class_folder(tmp_path / split, "a", count)
        class_folder(tmp_path / split, "b", count)

    result = zoo("data", "inspect", "folder", "--json", "--set", f"path={tmp_path}")

    report = json.loads(result.stdout)
    assert report["splits"]["test"] == {"count": 4, "origin": "on disk"}
    assert report["splits"]["validation"]["origin"] == "drawn from the seed"
    assert report["splits"]["train"]["count"] + report["splits"]["validation"]["count"] == 8


def test_inspect_idx_format_error(tmp_path: Path, zoo: Callable[..., Any], make_idx: Callable[..., Path]) -> None:
    make_idx(tmp_path / "train-images-idx3-ubyte", np_zeros((3, 28, 28)))
    make_idx(tmp_path / "train-labels-idx1-ubyte", np_zeros((2,)))

    result = zoo("data", "inspect", "mnist-idx", "--set", f"path={tmp_path}")

    assert result.exit_code == 1
    assert "contains 3 images but train-labels-idx1-ubyte contains 2 labels" in result.output


def test_inspect_stop_mode_logs_no_skips(tmp_path: Path, zoo: Callable[..., Any],
                                         class_folder: Callable[..., Path]) -> None:
    root = _folder_with_problems(tmp_path / "photos", class_folder)
    (root / "2" / "broken.png").write_bytes(b"not an image")

    stop = zoo("data", "inspect", "image-folder", "--set", f"path={root}", "--set", "image_size=8")
    skip = zoo("data", "inspect", "image-folder", "--set", f"path={root}", "--set", "image_size=8",
               "--set", "on_error=skip")

    assert stop.exit_code == 1
    assert "  2/broken.png: not a recognised image format [stops the run]" in stop.stdout.splitlines()
    assert "skipped" not in stop.stderr
    assert skip.exit_code == 0
    assert "skipped 2 files that cannot be decoded" in skip.stderr


def test_inspect_class_without_training_samples(tmp_path: Path, zoo: Callable[..., Any],
                                                class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "a", 2)
    class_folder(tmp_path, "b", 2)

    text = zoo("data", "inspect", "folder", "--set", f"path={tmp_path}")
    report = json.loads(zoo("data", "inspect", "folder", "--json", "--set", f"path={tmp_path}").stdout)

    assert text.exit_code == 1
    untrained = [item["name"] for item in report["classes"] if item["counts"]["train"] == 0]
    assert len(untrained) == 1
    stopping = [item["message"] for item in report["warnings"] if item["action"] == "stops the run"]
    assert stopping == [f"class '{untrained[0]}' has no training samples, so the model cannot learn it"]
    assert f"  {stopping[0]} [stops the run]" in text.stdout.splitlines()


def test_inspect_single_class_stops(tmp_path: Path, zoo: Callable[..., Any],
                                    class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "cats", 6)

    result = zoo("data", "inspect", "folder", "--set", f"path={tmp_path}")

    assert result.exit_code == 1
    assert ("  the dataset has 1 class ('cats'), and training needs at least 2 [stops the run]"
            in result.stdout.splitlines())


def test_inspect_balanced_classes_no_warnings(tmp_path: Path, zoo: Callable[..., Any],
                                              class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "a", 7)
    class_folder(tmp_path, "b", 7)

    result = zoo("data", "inspect", "folder", "--json", "--set", f"path={tmp_path}")

    assert result.exit_code == 0
    assert json.loads(result.stdout)["warnings"] == []


def test_inspect_summarises_many_sizes(tmp_path: Path, zoo: Callable[..., Any],
                                       class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "a", 3, size=(12, 10))
    for width in range(8, 15):
        class_folder(tmp_path, "b", 1, size=(width, 20 - width))
        (tmp_path / "b" / "b_0.png").rename(tmp_path / "b" / f"w{width}.png")

    text = zoo("data", "inspect", "folder", "--set", f"path={tmp_path}", "--set", "image_size=8")
    report = json.loads(zoo("data", "inspect", "folder", "--json", "--set", f"path={tmp_path}",
                            "--set", "image_size=8").stdout)

    lines = text.stdout.splitlines()
    assert "image sizes (width x height): 8 distinct, width 8 to 14, height 6 to 12" in lines
    most_common = [line for line in lines if line.startswith("  most common: ")]
    assert len(most_common) == 1
    assert most_common[0].startswith("  most common: 12x10 (3), ")
    assert most_common[0].count("(") == 6
    assert len(report["image_sizes"]) == 8
    assert report["image_sizes"]["8x12"] == 1


def test_inspect_unknown_parameter(tmp_path: Path, zoo: Callable[..., Any]) -> None:
    result = zoo("data", "inspect", "image-folder", "--set", f"pth={tmp_path}")

    assert result.exit_code == 1
    assert "has no parameter 'pth'" in result.output
    assert "did you mean 'path'?" in result.output


def np_zeros(shape: tuple[int, ...]) -> Any:
    import numpy as np

    return np.zeros(shape, dtype=np.uint8)


LAZY_SCRIPT = """
import json, sys
from click.testing import CliRunner
from zoo_core.cli import main

result = CliRunner().invoke(main, ["data", "inspect", "image-folder", "--json", "--set", "path=" + sys.argv[1]])
heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
print(json.dumps({"code": result.exit_code, "heavy": heavy, "output": result.output[-300:]}))
"""


@pytest.mark.slow
def test_inspect_never_imports_tensorflow(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "a", 3)
    class_folder(tmp_path, "b", 3)

    completed = subprocess.run([sys.executable, "-c", LAZY_SCRIPT, str(tmp_path)], capture_output=True,
                               text=True, timeout=120)

    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, report["output"]
    assert report["heavy"] == []

"""The image-folder dataset on folders that the tests build with Pillow."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from PIL import Image

from zoo_core.builtins.image_folder import CLASS_ORDER, image_folder
from zoo_core.errors import DataError
from zoo_core.imageio import BACKGROUND


def _mixed_modes_folder(root: Path) -> dict[str, list[float]]:
    """Write one class folder with images in six modes; return each file's expected RGB pixel."""
    folder = root / "mixed"
    folder.mkdir(parents=True)
    Image.new("L", (6, 6), 50).save(folder / "grey.png")
    Image.new("RGBA", (6, 6), (255, 0, 0, 0)).save(folder / "rgba.png")
    palette = Image.new("P", (6, 6), 1)
    palette.putpalette([0, 0, 0, 10, 200, 30] + [0] * 762)
    palette.save(folder / "palette.png", transparency=0)
    Image.new("CMYK", (6, 6), (0, 0, 0, 0)).save(folder / "cmyk.jpg", quality=100)
    Image.fromarray(np.full((6, 6), 65535, dtype=np.uint16)).save(folder / "deep.png")
    Image.new("RGB", (6, 6), (1, 2, 3)).save(folder / "rgb.png")
    Image.new("RGB", (6, 6), (7, 8, 9)).save(folder / "png_named.jpg", format="PNG")
    return {
        "mixed/grey.png": [50.0] * 3,
        "mixed/rgba.png": [float(BACKGROUND)] * 3,
        "mixed/palette.png": [10.0, 200.0, 30.0],
        "mixed/cmyk.jpg": [255.0] * 3,
        "mixed/deep.png": [255.0] * 3,
        "mixed/rgb.png": [1.0, 2.0, 3.0],
        "mixed/png_named.jpg": [7.0, 8.0, 9.0],
    }


def test_mixed_modes_load_as_rgb(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    expected = _mixed_modes_folder(tmp_path)
    class_folder(tmp_path, "plain", 2, size=(6, 6))

    dataset = image_folder(str(tmp_path), channels=3)

    assert dataset.input_shape == (6, 6, 3)
    images = dataset.source.images
    for file_name, pixel in expected.items():
        index = dataset.ids.index(file_name)
        np.testing.assert_allclose(images[index, 3, 3], pixel, atol=2.0, err_msg=file_name)
    assert dataset.details["image_modes"] == {"RGB": 4, "L": 1, "RGBA": 1, "P": 1, "CMYK": 1, "I;16": 1}


def test_exif_rotated_jpeg_upright(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "other", 1, size=(8, 16))
    stored = np.zeros((8, 16, 3), dtype=np.uint8)
    stored[:, 8:] = 255
    exif = Image.Exif()
    exif[0x0112] = 6
    (tmp_path / "rotated").mkdir()
    Image.fromarray(stored, "RGB").save(tmp_path / "rotated" / "camera.JPG", exif=exif, quality=95)

    dataset = image_folder(str(tmp_path), channels=1)

    # Rotated 90 degrees clockwise, the black left half of the stored image becomes the top half.
    image = dataset.source.images[dataset.ids.index("rotated/camera.JPG")]
    assert dataset.input_shape == (16, 8, 1)
    assert image[2, 4, 0] < 30
    assert image[13, 4, 0] > 225


def test_mixed_modes_load_as_grey(tmp_path: Path) -> None:
    _mixed_modes_folder(tmp_path)
    (tmp_path / "other").mkdir()
    Image.new("RGB", (6, 6)).save(tmp_path / "other" / "black.png")

    dataset = image_folder(str(tmp_path), channels=1)

    assert dataset.input_shape == (6, 6, 1)
    assert dataset.source.images.shape == (8, 6, 6, 1)
    assert dataset.source.images[dataset.ids.index("mixed/deep.png"), 0, 0, 0] == 255.0


def test_hidden_and_litter_entries_ignored(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "cats", 3)
    class_folder(tmp_path, "dogs", 2)
    class_folder(tmp_path, ".thumbnails", 4)
    class_folder(tmp_path, "__MACOSX", 1)
    (tmp_path / "cats" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "cats" / "._cats_0.png").write_bytes(b"\x00\x05\x16\x07")
    (tmp_path / "dogs" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "dogs" / "desktop.ini").write_text("[.ShellClassInfo]\n")
    (tmp_path / "dogs" / ".hidden.png").write_bytes(b"")

    dataset = image_folder(str(tmp_path))

    assert dataset.class_names == ["cats", "dogs"]
    assert len(dataset.labels) == 5
    assert dataset.details["skipped"] == []
    assert dataset.details["ignored"] == []


def test_extensions_match_in_any_case(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "upper", 2, suffix=".PNG")
    class_folder(tmp_path, "mixed", 2, suffix=".JpEg")
    (tmp_path / "upper" / "readme.TXT").write_text("not an image")

    dataset = image_folder(str(tmp_path), image_size=(8, 8))

    assert sorted(dataset.ids) == ["mixed/mixed_0.JpEg", "mixed/mixed_1.JpEg", "upper/upper_0.PNG", "upper/upper_1.PNG"]
    assert dataset.details["ignored"] == [{"file": "upper/readme.TXT", "reason": "no image file extension"}]


def test_numbered_classes_in_natural_order(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    for name in ("10", "2", "1"):
        class_folder(tmp_path, name, 1)

    dataset = image_folder(str(tmp_path))

    assert dataset.class_names == ["1", "2", "10"]
    assert [dataset.ids[i].split("/")[0] for i in np.argsort(dataset.labels, kind="stable")] == ["1", "2", "10"]
    assert dataset.details["class_order"] == CLASS_ORDER


def _bad_files_folder(root: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(root, "good", 3, suffix=".jpg")
    class_folder(root, "other", 2)
    full = (root / "good" / "good_0.jpg").read_bytes()
    (root / "good" / "truncated.jpg").write_bytes(full[: len(full) // 2])
    (root / "other" / "empty.png").write_bytes(b"")


def test_bad_files_stop_by_default(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    _bad_files_folder(tmp_path, class_folder)

    with pytest.raises(DataError) as caught:
        image_folder(str(tmp_path))

    assert "2 image file(s) cannot be decoded" in caught.value.message
    assert "good/truncated.jpg: truncated file: the image data ends early" in caught.value.message
    assert "other/empty.png: empty file (0 bytes)" in caught.value.message
    assert 'on_error = "skip"' in caught.value.hint


def test_bad_files_skipped_and_counted(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    _bad_files_folder(tmp_path, class_folder)

    dataset = image_folder(str(tmp_path), on_error="skip")

    assert len(dataset.labels) == 5
    assert "good/truncated.jpg" not in dataset.ids
    assert "other/empty.png" not in dataset.ids
    assert dataset.details["skipped_count"] == 2
    assert [item["file"] for item in dataset.details["skipped"]] == ["good/truncated.jpg", "other/empty.png"]


def test_empty_class_folder_named_in_error(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "full", 2)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".DS_Store").write_bytes(b"x")

    with pytest.raises(DataError) as caught:
        image_folder(str(tmp_path))

    assert f"class folder {tmp_path / 'empty'} contains no image files" in caught.value.message


def test_varied_sizes_need_image_size(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "small", 2, size=(10, 8))
    class_folder(tmp_path, "large", 2, size=(30, 20))

    with pytest.raises(DataError, match="2 different sizes"):
        image_folder(str(tmp_path))
    dataset = image_folder(str(tmp_path), image_size=16)

    assert dataset.input_shape == (16, 16, 3)
    assert dataset.details["decoding"] == {"channels": 3, "image_size": [16, 16], "interpolation": "bilinear"}
    assert dataset.details["image_sizes"] == {"10x8": 2, "30x20": 2}


def test_split_folders_become_splits(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path / "train", "a", 3)
    class_folder(tmp_path / "train", "b", 3)
    class_folder(tmp_path / "Val", "a", 1)
    class_folder(tmp_path / "Val", "b", 1)
    class_folder(tmp_path / "test", "b", 2)

    dataset = image_folder(str(tmp_path))

    assert dataset.details["layout"] == "splits"
    assert dataset.class_names == ["a", "b"]
    assert {name: indices.size for name, indices in dataset.splits.items()} == {"train": 6, "validation": 2, "test": 2}
    assert all(dataset.ids[i].startswith("test/b/") for i in dataset.splits["test"])
    assert all(dataset.ids[i].startswith("Val/") for i in dataset.splits["validation"])


def test_split_folders_need_train(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path / "val", "a", 1)
    class_folder(tmp_path / "test", "a", 1)

    with pytest.raises(DataError, match="no train folder"):
        image_folder(str(tmp_path))


def test_dataset_fractions_draw_splits(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "a", 10)
    class_folder(tmp_path, "b", 10)

    first = image_folder(str(tmp_path), validation_fraction=0.2, test_fraction=0.1, seed=3)
    again = image_folder(str(tmp_path), validation_fraction=0.2, test_fraction=0.1, seed=3)

    assert {name: indices.size for name, indices in first.splits.items()} == {"train": 14, "validation": 4, "test": 2}
    for name in ("train", "validation", "test"):
        np.testing.assert_array_equal(first.splits[name], again.splits[name])


def test_missing_folder_rejected(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="image folder not found"):
        image_folder(str(tmp_path / "nowhere"))


def test_uncached_source_matches_cached(tmp_path: Path, class_folder: Callable[..., Path]) -> None:
    class_folder(tmp_path, "a", 3, size=(9, 7))
    class_folder(tmp_path, "b", 2, size=(9, 7))
    cached = image_folder(str(tmp_path), image_size=(5, 6), cache=True)
    lazy = image_folder(str(tmp_path), image_size=(5, 6), cache=False)
    indices = np.array([4, 0, 2])

    cached_images = np.stack([image for image, _ in cached.tf_dataset(indices).as_numpy_iterator()])
    lazy_pairs = list(lazy.tf_dataset(indices).as_numpy_iterator())

    assert type(lazy.source).__name__ == "FileSource"
    np.testing.assert_array_equal(np.stack([image for image, _ in lazy_pairs]), cached_images)
    assert [int(label) for _, label in lazy_pairs] == [int(cached.labels[i]) for i in indices]


@pytest.mark.parametrize("cache, expect_new_pixels", [(False, True), (True, False)])
def test_uncached_folder_rereads_files(tmp_path: Path, cache: bool, expect_new_pixels: bool) -> None:
    from zoo_core.pipeline import epochs_pipeline

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        Image.new("L", (4, 4), 10).save(tmp_path / name / "only.png")
    dataset = image_folder(str(tmp_path), channels=1, cache=cache)
    stream, steps = epochs_pipeline(dataset, np.arange(2), batch_size=2, seed=0, first_epoch=0, epochs=1)

    first = [float(images.numpy().max()) for images, _ in stream]
    Image.new("L", (4, 4), 200).save(tmp_path / "a" / "only.png")
    second = [float(images.numpy().max()) for images, _ in stream]

    assert steps == 1
    assert first == [10.0]
    assert second == ([200.0] if expect_new_pixels else [10.0])

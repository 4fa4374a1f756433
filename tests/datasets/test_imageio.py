"""Decoding rules of zoo_core.imageio, on image files written by the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from zoo_core.errors import DataError
from zoo_core.imageio import BACKGROUND, ImageDecodeError, list_image_files, load_image, natural_sort_key


def test_png_under_jpg_name_decodes_as_png(tmp_path: Path) -> None:
    pixels = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    Image.fromarray(pixels, "RGB").save(tmp_path / "really_png.jpg", format="PNG")

    array = load_image(tmp_path / "really_png.jpg", channels=3)

    # A JPEG decoder would fail or blur the values; PNG is lossless, so they match exactly.
    assert array.dtype == np.float32
    assert array.shape == (4, 5, 3)
    np.testing.assert_array_equal(array, pixels.astype(np.float32))


def test_grayscale_to_three_channels_repeats_grey(tmp_path: Path) -> None:
    Image.new("L", (3, 2), 77).save(tmp_path / "grey.png")

    array = load_image(tmp_path / "grey.png", channels=3)

    assert array.shape == (2, 3, 3)
    assert np.all(array == 77.0)


def test_rgb_to_one_channel_uses_luma(tmp_path: Path) -> None:
    Image.new("RGB", (2, 2), (255, 0, 0)).save(tmp_path / "red.png")

    array = load_image(tmp_path / "red.png", channels=1)

    assert array.shape == (2, 2, 1)
    # ITU-R 601-2 luma: 0.299 * 255 = 76.2, which Pillow rounds to 76.
    assert array[0, 0, 0] == 76.0


def test_rgba_composited_on_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (2, 1), (0, 0, 0, 0))
    image.putpixel((1, 0), (0, 0, 255, 255))
    image.save(tmp_path / "alpha.png")

    array = load_image(tmp_path / "alpha.png", channels=3)

    assert list(array[0, 0]) == [BACKGROUND] * 3
    assert list(array[0, 1]) == [0.0, 0.0, 255.0]


def test_half_transparent_grey_alpha_blends(tmp_path: Path) -> None:
    Image.new("LA", (1, 1), (0, 128)).save(tmp_path / "la.png")

    array = load_image(tmp_path / "la.png", channels=1)

    # Black at alpha 128/255 over white leaves 255 * 127/255 = 127.
    assert array[0, 0, 0] == pytest.approx(127.0, abs=1.0)


def test_palette_transparency_composited(tmp_path: Path) -> None:
    image = Image.new("P", (2, 1), 0)
    image.putpalette([10, 20, 30, 200, 100, 50] + [0] * 762)
    image.putpixel((1, 0), 1)
    image.save(tmp_path / "palette.png", transparency=0)
    assert Image.open(tmp_path / "palette.png").info.get("transparency") == 0

    array = load_image(tmp_path / "palette.png", channels=3)

    assert list(array[0, 0]) == [BACKGROUND] * 3
    assert list(array[0, 1]) == [200.0, 100.0, 50.0]


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    Image.new("CMYK", (8, 8), (0, 255, 255, 0)).save(tmp_path / "cmyk.jpg", quality=100)
    assert Image.open(tmp_path / "cmyk.jpg").mode == "CMYK"

    array = load_image(tmp_path / "cmyk.jpg", channels=3)

    assert array.shape == (8, 8, 3)
    red, green, blue = array[4, 4]
    assert red > 240
    assert green < 15
    assert blue < 15


def test_sixteen_bit_scaled_without_clipping(tmp_path: Path) -> None:
    values = np.array([[0, 257, 32896, 65535]], dtype=np.uint16)
    Image.fromarray(values).save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I")

    array = load_image(tmp_path / "deep.png", channels=1)

    np.testing.assert_allclose(array[0, :, 0], [0.0, 1.0, 128.0, 255.0], atol=1e-3)


def test_sixteen_bit_keeps_fraction(tmp_path: Path) -> None:
    Image.fromarray(np.full((2, 3), 27219, dtype=np.uint16)).save(tmp_path / "deep.png")

    grey = load_image(tmp_path / "deep.png", channels=1)
    resized = load_image(tmp_path / "deep.png", channels=3, image_size=(4, 6))

    assert grey.dtype == np.float32
    np.testing.assert_allclose(grey, 27219 / 257, rtol=1e-6)
    np.testing.assert_allclose(resized, 27219 / 257, rtol=1e-5)


def test_lab_converted_to_rgb(tmp_path: Path) -> None:
    # TIFF's CIELab stores L as 0..255 for 0..100 and a, b as signed bytes: black, white, red and
    # a = b = -128, a saturated blue.
    lab = np.array([[[0, 0, 0], [255, 0, 0], [136, 80, 67], [0, 128, 128]]], dtype=np.uint8)
    Image.frombytes("LAB", (4, 1), lab.tobytes()).save(tmp_path / "lab.tif")
    assert Image.open(tmp_path / "lab.tif").mode == "LAB"

    rgb = load_image(tmp_path / "lab.tif", channels=3)
    grey = load_image(tmp_path / "lab.tif", channels=1)

    np.testing.assert_allclose(rgb[0, 0], [0, 0, 0], atol=3)
    np.testing.assert_allclose(rgb[0, 1], [255, 255, 255], atol=3)
    assert rgb[0, 2, 0] > 200
    assert rgb[0, 2, 1] < 40
    assert rgb[0, 2, 2] < 40
    assert rgb[0, 3, 2] > 150
    assert rgb[0, 3, 0] < 40
    assert grey[0, 0, 0] < 3
    assert grey[0, 1, 0] > 252


def test_exif_orientation_applied(tmp_path: Path) -> None:
    # The stored image is 4 wide and 2 high, with the left half black and the right half white.
    # Orientation 6 tells viewers to rotate it 90 degrees clockwise, to 2 wide and 4 high, black on top.
    stored = np.zeros((2, 4, 3), dtype=np.uint8)
    stored[:, 2:] = 255
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(stored, "RGB").save(tmp_path / "rotated.jpg", exif=exif, quality=100)

    array = load_image(tmp_path / "rotated.jpg", channels=1)

    assert array.shape == (4, 2, 1)
    assert array[0, 0, 0] < 30
    assert array[3, 1, 0] > 225


def test_resize_to_image_size(tmp_path: Path) -> None:
    Image.new("RGB", (40, 30), (9, 9, 9)).save(tmp_path / "big.png")

    for interpolation in ("nearest", "bilinear", "bicubic", "lanczos", "box", "hamming"):
        array = load_image(tmp_path / "big.png", channels=3, image_size=(8, 16), interpolation=interpolation)
        assert array.shape == (8, 16, 3), interpolation
        np.testing.assert_allclose(array, 9.0, atol=0.5)


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file (0 bytes)"),
    (b"hello, this is text", "not a recognised image format"),
])
def test_undecodable_file_named_with_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(content)

    with pytest.raises(ImageDecodeError) as caught:
        load_image(path)

    assert caught.value.reason == reason
    assert str(path) in caught.value.message


def test_truncated_jpeg_raises(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8), "RGB").save(tmp_path / "full.jpg")
    data = (tmp_path / "full.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])

    with pytest.raises(ImageDecodeError) as caught:
        load_image(tmp_path / "cut.jpg")

    assert "truncated" in caught.value.reason
    assert "cut.jpg" in caught.value.message


def test_invalid_settings_rejected(tmp_path: Path) -> None:
    Image.new("RGB", (2, 2)).save(tmp_path / "ok.png")

    with pytest.raises(DataError, match="channels must be 1 or 3"):
        load_image(tmp_path / "ok.png", channels=4)
    with pytest.raises(DataError, match="unknown interpolation 'cubic'"):
        load_image(tmp_path / "ok.png", interpolation="cubic")


def test_listing_skips_hidden_and_litter(tmp_path: Path) -> None:
    for name in ("b.PNG", "a.jpg", "c.JpEg", "d.TIFF", "notes.txt", ".hidden.png", "._a.jpg", ".DS_Store",
                 "Thumbs.db", "desktop.ini"):
        (tmp_path / name).write_bytes(b"x")
    for folder in (".git", "__MACOSX", "nested"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "inside.png").write_bytes(b"x")

    flat = [path.name for path in list_image_files(tmp_path)]
    deep = [path.relative_to(tmp_path).as_posix() for path in list_image_files(tmp_path, recursive=True)]

    assert flat == ["a.jpg", "b.PNG", "c.JpEg", "d.TIFF"]
    assert deep == ["a.jpg", "b.PNG", "c.JpEg", "d.TIFF", "nested/inside.png"]


def test_natural_sort_orders_numbers_by_value() -> None:
    names = ["10", "2", "1", "b", "C", "a2", "a10"]

    assert sorted(names, key=natural_sort_key) == ["1", "2", "10", "a2", "a10", "b", "C"]

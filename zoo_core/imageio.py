"""Image files: which files count as images, and how one file becomes an array.

The image-folder dataset decodes every file through :func:`load_image`, and prediction on image
files is meant to call it too, so that training, evaluation and prediction see the same pixels.
The rules:

- The file's content chooses the decoder (Pillow reads the signature), never its extension.
  The extension only decides which files of a folder are images, in any letter case.
- EXIF orientation is applied first, so a photo taken on its side comes out upright.
- Transparent pixels (RGBA, LA, palette images with a transparent colour) are composited on a
  white background, ``BACKGROUND``. That is what viewers show for transparent icons and scans.
- 16-bit images are scaled from 0..65535 to 0..255 (divided by 257) in float32, keeping the
  fraction and without clipping.
- CMYK, YCbCr, HSV and bilevel images are converted by Pillow. LAB images are converted to sRGB
  with Pillow's ImageCms (LittleCMS), as ``Image.convert`` does in Pillow 13, so that older
  Pillow versions give the same pixels.
- One channel means luma (ITU-R 601-2, Pillow's ``L``) and three channels mean RGB. A grey image
  becomes three equal channels.
- With ``image_size`` set, the image is resized to exactly (height, width) with the chosen
  interpolation, without keeping the aspect ratio, as Keras' ``image_dataset_from_directory``
  does by default.

The result is a float32 array of shape (height, width, channels) with values in 0..255.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from zoo_core.errors import DataError

if TYPE_CHECKING:
    from PIL import Image, ImageCms

#: File extensions, compared in lower case, that mark a file as an image.
IMAGE_EXTENSIONS: frozenset[str] = frozenset({
    ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".gif", ".tif", ".tiff", ".webp",
    ".ppm", ".pgm", ".pbm", ".pnm",
})

#: Names, compared in lower case, that operating systems leave in folders and that contain no images.
LITTER_NAMES: frozenset[str] = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "__macosx"})

#: The grey level (0..255) that transparent pixels are composited on.
BACKGROUND: int = 255

Interpolation = Literal["nearest", "bilinear", "bicubic", "lanczos", "box", "hamming"]
INTERPOLATIONS: tuple[str, ...] = ("nearest", "bilinear", "bicubic", "lanczos", "box", "hamming")

# NOTE: Pillow also uses mode "I" for 32-bit integer TIFFs; those are scaled as if 16-bit.
_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")
_ORIENTATION_TAG = 0x0112


def is_ignored(name: str) -> bool:
    """Return whether a file or folder name is hidden (leading dot) or operating-system litter.

    This covers macOS ``.DS_Store``, ``._*`` resource forks and ``__MACOSX`` folders, and Windows
    ``Thumbs.db`` and ``desktop.ini``.
    """
    return name.startswith(".") or name.lower() in LITTER_NAMES


def is_image_name(name: str) -> bool:
    """Return whether ``name`` has an image extension, in any letter case."""
    return os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def natural_sort_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Return a key that sorts digit runs by value and text without case: ``1, 2, 10, b, C``.

    Names that differ only in case keep a fixed order because the original text breaks ties.
    """
    parts: list[tuple[int, int | str]] = []
    for chunk in re.split(r"(\d+)", text):
        if chunk.isdigit():
            parts.append((0, int(chunk)))
        elif chunk:
            parts.append((1, chunk.casefold()))
    parts.append((2, text))
    return tuple(parts)


def list_image_files(folder: str | Path, recursive: bool = False) -> list[Path]:
    """Return the image files in ``folder``, in natural order of their relative paths.

    Hidden files and folders and operating-system litter are left out, and so are files without
    an image extension. With ``recursive``, sub-folders are searched too.
    """
    images, _ = scan_files(folder, recursive)
    return images


def scan_files(folder: str | Path, recursive: bool = False) -> tuple[list[Path], list[Path]]:
    """Return ``(images, others)``: the files of ``folder`` with and without an image extension.

    Hidden and litter entries appear in neither list. Both lists are in natural order.
    """
    root = Path(folder)
    images: list[Path] = []
    others: list[Path] = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [name for name in subdirs if not is_ignored(name)] if recursive else []
        for name in files:
            if is_ignored(name):
                continue
            (images if is_image_name(name) else others).append(Path(directory) / name)

    def key(path: Path) -> tuple[tuple[int, int | str], ...]:
        return natural_sort_key(path.relative_to(root).as_posix())

    return sorted(images, key=key), sorted(others, key=key)


class ImageDecodeError(DataError):
    """An image file that cannot be decoded. ``reason`` is the cause, without the path."""

    def __init__(self, path: Path, reason: str, hint: str | None = None) -> None:
        super().__init__(f"cannot decode {path}: {reason}", hint)
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class ImageInfo:
    """The Pillow mode of a decoded file, and its size after EXIF orientation."""

    mode: str
    width: int
    height: int


def load_image(
    path: str | Path,
    channels: int = 3,
    image_size: tuple[int, int] | None = None,
    interpolation: str = "bilinear",
) -> np.ndarray:
    """Decode the image file at ``path`` into float32 (height, width, channels) with values 0..255.

    ``channels`` is 1 or 3. ``image_size`` is (height, width), or None to keep the file's size.
    Raises ImageDecodeError (a DataError) naming the file and the reason when it is empty, truncated, not an image or
    in a mode that cannot be converted.
    """
    array, _ = read_image(path, channels, image_size, interpolation)
    return array


def read_image(
    path: str | Path,
    channels: int = 3,
    image_size: tuple[int, int] | None = None,
    interpolation: str = "bilinear",
) -> tuple[np.ndarray, ImageInfo]:
    """Decode like :func:`load_image`, and also return the file's mode and oriented size."""
    _check_settings(channels, image_size, interpolation)
    from PIL import Image

    path = Path(path)
    try:
        with Image.open(path) as image:
            array, info = decode_image(image, channels, image_size, interpolation)
    except DataError as error:
        raise ImageDecodeError(path, error.message, error.hint) from None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageDecodeError(path, describe_decode_error(path, error), "replace or remove the file") from None
    return array, info


def describe_decode_error(path: Path, error: Exception) -> str:
    """Return a short reason for a failed decode, such as ``empty file (0 bytes)``."""
    from PIL import UnidentifiedImageError

    try:
        if path.stat().st_size == 0:
            return "empty file (0 bytes)"
    except OSError:
        pass
    if isinstance(error, UnidentifiedImageError):
        return "not a recognised image format"
    if isinstance(error, FileNotFoundError):
        return "file not found"
    text = str(error) or type(error).__name__
    # Pillow words this "image file is truncated (N bytes not processed)" or "Truncated File Read".
    return "truncated file: the image data ends early" if "truncated" in text.lower() else text


def decode_image(
    image: "Image.Image",
    channels: int,
    image_size: tuple[int, int] | None,
    interpolation: str,
) -> tuple[np.ndarray, ImageInfo]:
    """Apply the decoding rules to an open Pillow image and return float32 (H, W, channels) with its info."""
    from PIL import ImageOps

    with warnings.catch_warnings():
        # Pillow warns about palette transparency given as bytes; the conversion below handles it.
        warnings.simplefilter("ignore", UserWarning)
        image.load()
        # Transposing copies the image, so it is done only for a tag that asks for it.
        if image.getexif().get(_ORIENTATION_TAG, 1) != 1:
            image = ImageOps.exif_transpose(image)
        info = ImageInfo(image.mode, image.width, image.height)
        converted = _convert_mode(image, channels)
    if image_size is not None:
        converted = _resize(converted, image_size, interpolation)
    array = np.asarray(converted, dtype=np.float32)
    if array.ndim == 2:
        array = array[..., np.newaxis]
    if array.shape[-1] != channels:
        array = np.repeat(array, channels, axis=-1)
    return array, info


def _convert_mode(image: "Image.Image", channels: int) -> "Image.Image":
    """Return ``image`` as 8-bit ``L`` or ``RGB``, or 16-bit grey as float ``F``, alpha composited."""
    from PIL import Image

    mode = image.mode
    if mode in _SIXTEEN_BIT_MODES:
        # Pillow 13's point() on a mode I image ignores the requested mode F and returns integers,
        # so the division is done in numpy to keep the fraction.
        scaled = np.asarray(image.convert("I"), dtype=np.float32) / np.float32(257)
        return Image.fromarray(scaled)
    if mode == "F":
        raise DataError("32-bit floating-point images are not supported",
                        "save the image with 8 or 16 bits per channel")
    if _has_alpha(image):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (BACKGROUND, BACKGROUND, BACKGROUND, 255))
        image = Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode == "LAB":
        image = _lab_to_rgb(image)
    target = "L" if channels == 1 else "RGB"
    return image if image.mode == target else image.convert(target)


def _lab_to_rgb(image: "Image.Image") -> "Image.Image":
    """Convert a LAB image to sRGB through LittleCMS.

    Pillow stores a and b as signed bytes, as TIFF's CIELab does, so raw bytes (0, 0, 0) are black.
    """
    from PIL import ImageCms

    transform = _lab_transform()
    if transform is None:
        raise DataError("LAB images need Pillow's ImageCms module, which this Pillow lacks",
                        "install a Pillow build with LittleCMS, or save the image as RGB")
    return ImageCms.applyTransform(image, transform)


@functools.cache
def _lab_transform() -> "ImageCms.ImageCmsTransform | None":
    try:
        from PIL import ImageCms
    except ImportError:
        return None
    return ImageCms.buildTransform(ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB")


def _has_alpha(image: "Image.Image") -> bool:
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        return True
    return image.mode in ("P", "L", "RGB") and "transparency" in image.info


def _resize(image: "Image.Image", image_size: tuple[int, int], interpolation: str) -> "Image.Image":
    from PIL import Image

    height, width = image_size
    if image.size == (width, height):
        return image
    resample = getattr(Image.Resampling, interpolation.upper())
    return image.resize((width, height), resample=resample)


def _check_settings(channels: int, image_size: tuple[int, int] | None, interpolation: str) -> None:
    if channels not in (1, 3):
        raise DataError(f"channels must be 1 or 3, got {channels!r}", "set channels = 1 (grey) or 3 (RGB)")
    if image_size is not None:
        if len(image_size) != 2 or any(int(side) < 1 for side in image_size):
            raise DataError(f"image_size must be [height, width] with positive sides, got {image_size!r}",
                            "set image_size = [64, 64], for example")
    if interpolation not in INTERPOLATIONS:
        raise DataError(f"unknown interpolation {interpolation!r}", f"choose one of {', '.join(INTERPOLATIONS)}")

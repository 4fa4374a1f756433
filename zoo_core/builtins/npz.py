"""The ``npz`` dataset: images and labels stored as arrays in a NumPy ``.npz`` file."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import numpy as np

from zoo_core.data import ArraySource, Dataset
from zoo_core.errors import DataError

logger = logging.getLogger(__name__)


def npz(
    path: str,
    images: str = "x_train",
    labels: str = "y_train",
    test_images: str | None = "x_test",
    test_labels: str | None = "y_test",
    class_names: list[str] | None = None,
    value_range: tuple[float, float] | None = None,
) -> Dataset:
    """Load images (N, H, W) or (N, H, W, C) and integer labels (N,) from the ``.npz`` file ``path``.

    The default array names are those of Keras' ``mnist.npz``. The test arrays are used when the
    file has them; set them to ``""`` to ignore them. ``value_range`` defaults to 0..255 for 8-bit
    images and 0..65535 for 16-bit ones; float images need it set. Object arrays are rejected, so
    loading never unpickles.
    """
    archive = _open(Path(path).expanduser())
    parts = {"train": (images, labels)}
    if test_images and test_labels and test_images in archive.files and test_labels in archive.files:
        parts["test"] = (test_images, test_labels)
    image_arrays, label_arrays, splits, ids = [], [], {}, []
    start = 0
    for split, (image_key, label_key) in parts.items():
        split_images = _images(archive, image_key, path)
        split_labels = _labels(archive, label_key, path, len(split_images))
        image_arrays.append(split_images)
        label_arrays.append(split_labels)
        splits[split] = np.arange(start, start + len(split_labels), dtype=np.int64)
        ids.extend(f"{image_key}[{i}]" for i in range(len(split_labels)))
        start += len(split_labels)
    if len({array.shape[1:] for array in image_arrays}) != 1:
        raise DataError(f"{path}: {images} and {test_images} have different image shapes "
                        f"{image_arrays[0].shape[1:]} and {image_arrays[1].shape[1:]}", "store images of one shape")
    all_images = np.concatenate(image_arrays)
    all_labels = np.concatenate(label_arrays)
    names = _class_names(class_names, all_labels, path)
    value_range = _value_range(value_range, all_images, path)
    logger.info("read %d images from %s", len(all_labels), path)
    return Dataset(
        name="npz", class_names=names, input_shape=tuple(all_images.shape[1:]), labels=all_labels,
        source=ArraySource(all_images), value_range=value_range, ids=ids, splits=splits,
        details={"path": str(path), "arrays": {split: list(keys) for split, keys in parts.items()},
                 "decoding": {"channels": int(all_images.shape[3]), "image_size": list(all_images.shape[1:3]),
                              "interpolation": "bilinear"}},
    )


def _open(path: Path) -> "np.lib.npyio.NpzFile":
    if not path.is_file():
        raise DataError(f"npz file not found: {path}", "set dataset.path to a .npz file")
    _check_zip(path)
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise DataError(f"cannot read {path} as a NumPy .npz file: {error}", "save it with numpy.savez") from None


def _check_zip(path: Path) -> None:
    """Raise DataError unless ``path`` is a zip archive, the container of every ``.npz`` file.

    Without this check numpy reads other files as a pickle and suggests ``allow_pickle``.
    """
    if zipfile.is_zipfile(path):
        return
    with path.open("rb") as stream:
        is_npy = stream.read(6) == b"\x93NUMPY"
    if is_npy:
        raise DataError(f"{path} is a NumPy .npy file with one array, not a .npz file",
                        "save the images and labels together with numpy.savez(path, x_train=..., y_train=...)")
    raise DataError(f"{path} is not a NumPy .npz file (a zip archive of .npy arrays)",
                    "set dataset.path to a file written by numpy.savez or numpy.savez_compressed")


def _array(archive: "np.lib.npyio.NpzFile", key: str, path: str) -> np.ndarray:
    if key not in archive.files:
        raise DataError(f"{path} has no array {key!r}; it has {', '.join(archive.files) or 'no arrays'}",
                        "set dataset.images and dataset.labels (and the test_ ones) to names it has")
    try:
        return archive[key]
    except ValueError as error:
        raise DataError(f"{path}: array {key!r} cannot be loaded without unpickling: {error}",
                        "store numeric arrays, not Python objects") from None


def _images(archive: "np.lib.npyio.NpzFile", key: str, path: str) -> np.ndarray:
    array = _array(archive, key, path)
    if array.ndim == 3:
        array = array[..., np.newaxis]
    if array.ndim != 4 or array.shape[3] not in (1, 3):
        raise DataError(f"{path}: array {key!r} has shape {array.shape}; expected (N, H, W) or (N, H, W, C) with C 1 or 3",
                        "store images channels-last, as grey or RGB")
    if array.dtype.kind not in "uif" or array.dtype == np.float16:
        raise DataError(f"{path}: array {key!r} has dtype {array.dtype}; expected integers or float32/float64")
    return array


def _labels(archive: "np.lib.npyio.NpzFile", key: str, path: str, count: int) -> np.ndarray:
    array = _array(archive, key, path)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.dtype.kind not in "iu" or array.shape != (count,):
        raise DataError(f"{path}: array {key!r} must hold {count} integer labels, got {array.dtype} {array.shape}",
                        "store one integer class index per image")
    if count and array.min() < 0:
        raise DataError(f"{path}: array {key!r} contains a negative label {array.min()}", "labels start at 0")
    return array.astype(np.int64)


def _class_names(class_names: list[str] | None, labels: np.ndarray, path: str) -> list[str]:
    top = int(labels.max()) if labels.size else 0
    if class_names is None:
        return [str(value) for value in range(top + 1)]
    if top >= len(class_names):
        raise DataError(f"{path}: the labels go up to {top} but {len(class_names)} class names were given",
                        "give one name per label value, starting at label 0")
    return list(class_names)


def _value_range(value_range: tuple[float, float] | None, images: np.ndarray, path: str) -> tuple[float, float]:
    if value_range is not None:
        low, high = float(value_range[0]), float(value_range[1])
        if not high > low:
            raise DataError(f"invalid value_range {list(value_range)}", "give [low, high] with high > low")
        return (low, high)
    if images.dtype == np.uint8:
        return (0.0, 255.0)
    if images.dtype == np.uint16:
        return (0.0, 65535.0)
    raise DataError(f"{path}: images of dtype {images.dtype} need a value range",
                    "set dataset.value_range = [0, 1] or [0, 255] for the range the pixel values use")

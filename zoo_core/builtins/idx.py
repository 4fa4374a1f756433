"""The ``mnist-idx`` dataset: MNIST, Fashion-MNIST and EMNIST in the IDX file format.

An IDX file starts with two zero bytes, a type byte (0x08 for unsigned bytes, the only type
these datasets use) and the number of dimensions, then one big-endian 32-bit size per dimension,
then the values. Images are (N, rows, columns) and labels (N,). Files may be gzip-compressed,
which is recognised from their content, not their name.
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import numpy as np

from zoo_core.data import ArraySource, Dataset
from zoo_core.errors import DataError

logger = logging.getLogger(__name__)

_UNSIGNED_BYTE = 0x08
_GZIP_SIGNATURE = b"\x1f\x8b"

#: Split name to the names its files use in the standard distributions (MNIST uses t10k).
_SPLIT_STEMS: dict[str, tuple[str, ...]] = {"train": ("train",), "test": ("t10k", "test")}


def mnist_idx(
    path: str,
    prefix: str = "",
    class_names: list[str] | None = None,
    transpose: bool | None = None,
) -> Dataset:
    """Load the train and test IDX files from the folder ``path``.

    The file names are ``{prefix}{split}-images-idx3-ubyte`` and ``{prefix}{split}-labels-idx1-ubyte``
    (``.idx3-ubyte`` after a dot is accepted too, and any of them may end in ``.gz``), with split
    ``train`` and ``t10k`` or ``test``. EMNIST sets ``prefix``, e.g. ``"emnist-letters-"``.
    ``class_names`` defaults to the label values as text. EMNIST stores images transposed, so
    ``transpose`` defaults to true when ``prefix`` starts with ``emnist``. The test files are
    optional. Without them the run draws a test split from the training images.
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise DataError(f"IDX folder not found: {folder}", "set dataset.path to the folder that contains the IDX files")
    if transpose is None:
        transpose = prefix.lower().startswith("emnist")
    parts: dict[str, tuple[np.ndarray, np.ndarray, str]] = {}
    for split in _SPLIT_STEMS:
        found = _find_split_files(folder, prefix, split)
        if found is None:
            continue
        images_file, labels_file = found
        images, labels = read_idx(images_file, 3), read_idx(labels_file, 1)
        if images.shape[0] != labels.shape[0]:
            raise DataError(f"{images_file.name} contains {images.shape[0]} images but {labels_file.name} "
                            f"contains {labels.shape[0]} labels", "use image and label files of the same split and set")
        parts[split] = (images.transpose(0, 2, 1) if transpose else images, labels, images_file.name)
    if "train" not in parts:
        raise DataError(f"no training IDX files in {folder} (looked for {prefix}train-images-idx3-ubyte[.gz])",
                        "set dataset.path to the folder of the files, and dataset.prefix for EMNIST")
    return _build(parts, class_names, str(folder), prefix)


def read_idx(path: Path, ndim: int) -> np.ndarray:
    """Read an unsigned-byte IDX file with ``ndim`` dimensions and return its array.

    Raises DataError when the magic number, the dimensions or the file size do not match.
    """
    data = _read_bytes(path)
    if len(data) < 4 or data[0:2] != b"\x00\x00":
        raise DataError(f"{path} is not an IDX file: wrong magic number {data[:4].hex() or '(empty)'}",
                        "check that the file is an MNIST-style IDX file and not HTML or a partial download")
    if data[2] != _UNSIGNED_BYTE:
        raise DataError(f"{path}: IDX value type 0x{data[2]:02x} is not supported, only 0x08 (unsigned byte)")
    if data[3] != ndim:
        raise DataError(f"{path}: IDX file has {data[3]} dimensions, expected {ndim}",
                        "check that image and label files are not swapped")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise DataError(f"{path}: IDX header is cut short ({len(data)} bytes)", "download the file again")
    shape = tuple(int(size) for size in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64))
    value_bytes = len(data) - header_size
    if value_bytes != expected:
        raise DataError(f"{path}: header promises shape {shape} ({expected} bytes of values) "
                        f"but the file contains {value_bytes} bytes after the header",
                        "the file is truncated or corrupt; download it again")
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape)


def _read_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        if data[:2] == _GZIP_SIGNATURE:
            data = gzip.decompress(data)
    except (OSError, EOFError) as error:
        raise DataError(f"cannot read {path}: {error}", "download the file again") from None
    return data


def _find_split_files(folder: Path, prefix: str, split: str) -> tuple[Path, Path] | None:
    files = {entry.name.lower(): entry for entry in folder.iterdir() if entry.is_file()}
    for stem in _SPLIT_STEMS[split]:
        images = _first_present(files, [f"{prefix}{stem}-images{sep}idx3-ubyte" for sep in ("-", ".")])
        labels = _first_present(files, [f"{prefix}{stem}-labels{sep}idx1-ubyte" for sep in ("-", ".")])
        if images and labels:
            return images, labels
        if images or labels:
            present = (images or labels).name
            raise DataError(f"{folder} has {present} but not its matching {'labels' if images else 'images'} file",
                            "put both the images and the labels file of each split in the folder")
    return None


def _first_present(files: dict[str, Path], names: list[str]) -> Path | None:
    for name in names:
        for candidate in (name, f"{name}.gz"):
            if candidate.lower() in files:
                return files[candidate.lower()]
    return None


def _build(parts: dict[str, tuple[np.ndarray, np.ndarray, str]], class_names: list[str] | None,
           folder: str, prefix: str) -> Dataset:
    images = np.concatenate([part[0] for part in parts.values()])[..., np.newaxis]
    labels = np.concatenate([part[1] for part in parts.values()]).astype(np.int64)
    if class_names is None:
        class_names = [str(value) for value in range(int(labels.max()) + 1)]
    elif labels.max() >= len(class_names):
        raise DataError(f"the labels go up to {labels.max()} but {len(class_names)} class names were given",
                        "give one name per label value, starting at label 0")
    splits: dict[str, np.ndarray] = {}
    ids: list[str] = []
    start = 0
    for split, (split_images, _, file_name) in parts.items():
        splits[split] = np.arange(start, start + len(split_images), dtype=np.int64)
        ids.extend(f"{file_name}#{i}" for i in range(len(split_images)))
        start += len(split_images)
    logger.info("read %s IDX images from %s", {k: len(v) for k, v in splits.items()}, folder)
    return Dataset(
        name="mnist-idx",
        class_names=list(class_names),
        input_shape=tuple(images.shape[1:]),
        labels=labels,
        source=ArraySource(images),
        ids=ids,
        splits=splits,
        details={"path": folder, "prefix": prefix,
                 "decoding": {"channels": 1, "image_size": list(images.shape[1:3]), "interpolation": "bilinear"}},
    )

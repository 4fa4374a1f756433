"""The ``image-folder`` dataset: a folder with one sub-folder of images per class.

Two layouts are recognised. In the split layout every sub-folder of ``path`` is a split
(``train``, ``val`` or ``validation``, ``test``, in any letter case) that contains the class
folders. Otherwise the sub-folders of ``path`` are the classes and every split is drawn from the
seed. Images in nested folders belong to the class folder above them. Classes are ordered by a
natural sort of their folder names (``1, 2, 10, cat, Dog``), and their union over the splits is
the class list.

Every file is decoded once before training, so a file that cannot be decoded stops the run
before any training (``on_error="stop"``) or is left out and counted (``on_error="skip"``).
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from tqdm import tqdm

from zoo_core.data import ArraySource, Dataset
from zoo_core.errors import DataError
from zoo_core.file_source import FileSource
from zoo_core.imageio import ImageDecodeError, Interpolation, is_ignored, natural_sort_key, read_image, scan_files

logger = logging.getLogger(__name__)

CLASS_ORDER = "natural sort of class folder names: digit runs by value, letters without case"

#: Split folder names, in lower case, and the split that each one contains.
SPLIT_FOLDERS: dict[str, str] = {"train": "train", "val": "validation", "validation": "validation", "test": "test"}


@dataclass
class FolderScan:
    """The image files found under a dataset folder, before decoding."""

    root: Path
    layout: Literal["splits", "classes"]
    class_names: list[str]
    files: list[Path] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    split_of_file: list[str | None] = field(default_factory=list)
    #: Files without an image extension, and files outside any class folder. These are never decoded.
    ignored: list[dict[str, str]] = field(default_factory=list)


def image_folder(
    path: str,
    image_size: int | tuple[int, int] | None = None,
    channels: int = 3,
    interpolation: Interpolation = "bilinear",
    on_error: Literal["stop", "skip"] = "stop",
    cache: bool = True,
    validation_fraction: float | None = None,
    test_fraction: float | None = None,
    seed: int = 0,
) -> Dataset:
    """Load a folder of class sub-folders, decoding every image with the core decoding rules.

    ``image_size`` is [height, width] or one number for a square, and every image is resized to
    it. With None, all images must share one size. ``channels`` is 1 (grey) or 3 (RGB).
    ``on_error`` is ``"stop"`` (raise before training, naming every file that cannot be decoded)
    or ``"skip"`` (leave those files out and count them). With ``cache`` the decoded images stay
    in memory (4 bytes per value); without it each file is decoded again whenever it is read.
    Setting ``validation_fraction`` or ``test_fraction`` draws the missing splits here from
    ``seed``, with 0.15 for the one left unset. With both None, the run's ``training`` fractions
    apply.
    """
    size = _normalise_size(image_size)
    scan = scan_folder(path)
    decoded = decode_all(scan, channels, size, interpolation, keep_arrays=cache)
    _report_failures(decoded, on_error)
    shape = _common_shape(decoded, channels, size)
    keep = [i for i, array in enumerate(decoded.arrays) if i not in decoded.failed]
    labels = np.asarray([scan.labels[i] for i in keep], dtype=np.int64)
    ids = [scan.files[i].relative_to(scan.root).as_posix() for i in keep]
    if cache:
        source = ArraySource(np.stack([decoded.arrays[i] for i in keep]) if keep else np.zeros((0, *shape), np.float32))
    else:
        source = FileSource([str(scan.files[i]) for i in keep], shape, size, interpolation)
    dataset = Dataset(
        name="image-folder",
        class_names=scan.class_names,
        input_shape=shape,
        labels=labels,
        source=source,
        ids=ids,
        splits=_splits_on_disk([scan.split_of_file[i] for i in keep]),
        details=_details(scan, decoded, channels, shape, interpolation),
    )
    _check_classes_have_samples(dataset, scan)
    if validation_fraction is not None or test_fraction is not None:
        dataset.splits = _draw_splits(dataset, seed, validation_fraction, test_fraction)
    return dataset


def scan_folder(path: str | Path) -> FolderScan:
    """List the class folders and image files under ``path`` without decoding anything.

    Raises DataError when ``path`` is missing, contains no class folders, or a class folder
    contains no image files.
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        raise DataError(f"image folder not found: {root}", "set dataset.path to a folder of class sub-folders")
    split_dirs = _split_folders(root)
    layout: Literal["splits", "classes"] = "splits" if split_dirs else "classes"
    roots = split_dirs or {None: root}
    classes_per_split = {split: _subfolders(folder) for split, folder in roots.items()}
    class_names = sorted({name for names in classes_per_split.values() for name in names}, key=natural_sort_key)
    if not class_names:
        raise DataError(f"no class folders in {root}",
                        "put the images of each class in their own sub-folder, e.g. cats/ and dogs/")
    scan = FolderScan(root, layout, class_names)
    for split, folder in roots.items():
        _add_loose_files(scan, folder)
        for name in classes_per_split[split]:
            _add_class_folder(scan, folder / name, class_names.index(name), split)
    return scan


def _split_folders(root: Path) -> dict[str | None, Path]:
    """Return split name to folder when every sub-folder of ``root`` is a split folder."""
    subfolders = _subfolders(root)
    if not subfolders or not all(name.lower() in SPLIT_FOLDERS for name in subfolders):
        return {}
    splits: dict[str | None, Path] = {}
    for name in subfolders:
        split = SPLIT_FOLDERS[name.lower()]
        if split in splits:
            raise DataError(f"{root} has two folders for the {split} split: {splits[split].name} and {name}",
                            "merge them into one folder")
        splits[split] = root / name
    if "train" not in splits:
        raise DataError(f"{root} has split folders ({', '.join(subfolders)}) but no train folder",
                        "add a train folder with the class folders, or move the class folders up")
    return splits


def _subfolders(folder: Path) -> list[str]:
    return sorted((entry.name for entry in os.scandir(folder) if entry.is_dir() and not is_ignored(entry.name)),
                  key=natural_sort_key)


def _add_loose_files(scan: FolderScan, folder: Path) -> None:
    for entry in sorted(os.scandir(folder), key=lambda entry: natural_sort_key(entry.name)):
        if entry.is_file() and not is_ignored(entry.name):
            scan.ignored.append({"file": Path(entry.path).relative_to(scan.root).as_posix(),
                                 "reason": "not inside a class folder"})


def _add_class_folder(scan: FolderScan, folder: Path, label: int, split: str | None) -> None:
    images, others = scan_files(folder, recursive=True)
    for other in others:
        scan.ignored.append({"file": other.relative_to(scan.root).as_posix(), "reason": "no image file extension"})
    if not images:
        raise DataError(f"class folder {folder} contains no image files",
                        "add images to it, or remove the folder so that the class does not exist")
    scan.files.extend(images)
    scan.labels.extend([label] * len(images))
    scan.split_of_file.extend([split] * len(images))


@dataclass
class DecodedFiles:
    """The outcome of decoding every file of a scan, in scan order."""

    arrays: list[np.ndarray | None]
    shapes: list[tuple[int, int, int] | None]
    sizes: Counter[str]
    modes: Counter[str]
    #: Index of each file that failed, and its reason.
    failed: dict[int, str]
    relative_paths: list[str]


def decode_all(scan: FolderScan, channels: int, image_size: tuple[int, int] | None, interpolation: str,
               keep_arrays: bool = True) -> DecodedFiles:
    """Decode every file of ``scan`` in a thread pool and collect shapes, sizes, modes and failures."""

    def decode(path: Path) -> tuple[np.ndarray | None, str | None, str | None]:
        try:
            array, info = read_image(path, channels, image_size, interpolation)
        except ImageDecodeError as error:
            return None, None, error.reason
        return array, f"{info.width}x{info.height} {info.mode}", None

    relative = [path.relative_to(scan.root).as_posix() for path in scan.files]
    result = DecodedFiles([], [], Counter(), Counter(), {}, relative)
    workers = min(32, (os.cpu_count() or 1) + 4)
    # tqdm draws the bar only when standard error is a terminal (disable=None).
    progress = tqdm(total=len(scan.files), desc="decoding images", unit="file", disable=None, leave=False)
    with ThreadPoolExecutor(max_workers=workers) as pool, progress:
        for index, (array, facts, reason) in enumerate(pool.map(decode, scan.files)):
            progress.update()
            if reason is not None:
                result.failed[index] = reason
                result.arrays.append(None)
                result.shapes.append(None)
                continue
            size, mode = facts.split(" ", 1)
            result.sizes[size] += 1
            result.modes[mode] += 1
            result.shapes.append(tuple(array.shape))
            result.arrays.append(array if keep_arrays else None)
    logger.info("decoded %d files from %s, %d failed", len(scan.files), scan.root, len(result.failed))
    return result


def _report_failures(decoded: DecodedFiles, on_error: str) -> None:
    if not decoded.failed:
        return
    lines = [f"{decoded.relative_paths[i]}: {reason}" for i, reason in sorted(decoded.failed.items())]
    if on_error == "skip":
        # ``zoo data inspect`` drops records marked with ``skipped_files`` when on_error is "stop".
        logger.warning("skipped %d files that cannot be decoded: %s", len(lines), "; ".join(lines[:10]),
                       extra={"skipped_files": len(lines)})
        return
    shown = "\n  ".join(lines[:20])
    more = f"\n  ... and {len(lines) - 20} more" if len(lines) > 20 else ""
    raise DataError(f"{len(lines)} image file(s) cannot be decoded:\n  {shown}{more}",
                    'replace or remove them, or set dataset.on_error = "skip" to leave them out')


def _common_shape(decoded: DecodedFiles, channels: int, image_size: tuple[int, int] | None) -> tuple[int, int, int]:
    if image_size is not None:
        return (image_size[0], image_size[1], channels)
    shapes = Counter(shape for shape in decoded.shapes if shape is not None)
    if len(shapes) == 1:
        return next(iter(shapes))
    if not shapes:
        raise DataError("no image file could be decoded", "check the files listed by `zoo data inspect`")
    listed = ", ".join(f"{w}x{h}: {n} files" for (h, w, _), n in shapes.most_common(5))
    raise DataError(f"the images have {len(shapes)} different sizes ({listed})",
                    "set dataset.image_size = [height, width] so that every image is resized to it")


def _normalise_size(image_size: int | tuple[int, int] | None) -> tuple[int, int] | None:
    if image_size is None:
        return None
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if len(image_size) != 2 or min(image_size) < 1:
        raise DataError(f"invalid image_size {list(image_size)}", "set dataset.image_size = [height, width], e.g. [64, 64]")
    return (int(image_size[0]), int(image_size[1]))


def _splits_on_disk(split_of_file: list[str | None]) -> dict[str, np.ndarray]:
    splits: dict[str, list[int]] = {}
    for index, split in enumerate(split_of_file):
        if split is not None:
            splits.setdefault(split, []).append(index)
    return {name: np.asarray(indices, dtype=np.int64) for name, indices in splits.items()}


def _check_classes_have_samples(dataset: Dataset, scan: FolderScan) -> None:
    counts = np.bincount(dataset.labels, minlength=dataset.num_classes)
    empty = [name for name, count in zip(dataset.class_names, counts) if count == 0]
    if empty:
        raise DataError(f"class(es) {', '.join(empty)} in {scan.root} have no image that can be decoded",
                        "add images that decode, or remove the class folders")


def _draw_splits(dataset: Dataset, seed: int, validation_fraction: float | None,
                 test_fraction: float | None) -> dict[str, np.ndarray]:
    from zoo_core.config import DEFAULT_TRAINING
    from zoo_core.splits import make_splits

    validation = DEFAULT_TRAINING["validation_fraction"] if validation_fraction is None else validation_fraction
    test = DEFAULT_TRAINING["test_fraction"] if test_fraction is None else test_fraction
    for name, value in (("validation_fraction", validation), ("test_fraction", test)):
        if not 0.0 <= value < 1.0:
            raise DataError(f"invalid dataset.{name} {value}", "give a fraction from 0 up to, not including, 1")
    return make_splits(dataset, seed, validation, test)


def _details(scan: FolderScan, decoded: DecodedFiles, channels: int, shape: tuple[int, int, int],
             interpolation: str) -> dict[str, object]:
    skipped = [{"file": decoded.relative_paths[i], "reason": reason} for i, reason in sorted(decoded.failed.items())]
    return {
        "path": str(scan.root),
        "layout": scan.layout,
        "class_order": CLASS_ORDER,
        "decoding": {"channels": channels, "image_size": [shape[0], shape[1]], "interpolation": interpolation},
        "image_sizes": dict(decoded.sizes.most_common()),
        "image_modes": dict(decoded.modes.most_common()),
        "skipped": skipped,
        "skipped_count": len(skipped),
        "ignored": scan.ignored,
    }

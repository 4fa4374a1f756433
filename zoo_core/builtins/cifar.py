"""The ``cifar`` dataset: CIFAR-10 and CIFAR-100 in their "python version" batch files.

Each batch is a pickle of a dict with ``data`` (N x 3072 unsigned bytes, the red, green and blue
planes of a 32x32 image) and the labels. Pickles can run code when loaded, so they are read with
:class:`RestrictedUnpickler`, which accepts only the containers and the NumPy array
reconstruction that the format uses.
"""

from __future__ import annotations

import io
import logging
import pickle
import tarfile
from pathlib import Path
from typing import Any, Callable, Literal

import numpy as np

from zoo_core.data import ArraySource, Dataset
from zoo_core.errors import DataError

logger = logging.getLogger(__name__)

#: The only globals a CIFAR batch refers to. NumPy's array reconstruction appears under the module
#: names that NumPy 1.x (``numpy.core``) and 2.x (``numpy._core``) write. Python 3 writes
#: ``_codecs.encode`` for byte strings when it saves a batch again with pickle protocol 2.
ALLOWED_GLOBALS: frozenset[tuple[str, str]] = frozenset({
    ("_codecs", "encode"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
})

_CIFAR10 = {"train": [f"data_batch_{i}" for i in range(1, 6)], "test": ["test_batch"], "meta": "batches.meta"}
_CIFAR100 = {"train": ["train"], "test": ["test"], "meta": "meta"}
_TARBALL_SUFFIXES = (".tar.gz", ".tgz", ".tar")


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the globals in ``ALLOWED_GLOBALS``.

    Any other global, such as ``os.system`` or ``builtins.eval``, raises UnpicklingError before
    it is called, so nothing in the file runs.
    """

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"global {module}.{name} is not allowed in a CIFAR batch")
        return super().find_class(module, name)


def load_batch(data: bytes, source: str) -> dict[str, Any]:
    """Unpickle one CIFAR batch with :class:`RestrictedUnpickler` and return it with text keys.

    Raises DataError naming ``source`` when the file is not a pickle or uses a forbidden global.
    """
    try:
        # The batches were written by Python 2; "bytes" keeps its byte strings as bytes.
        loaded = RestrictedUnpickler(io.BytesIO(data), encoding="bytes").load()
    except pickle.UnpicklingError as error:
        raise DataError(f"rejected {source}: {error}",
                        "the file is not a CIFAR batch; download the dataset again from its authors") from None
    except (EOFError, ValueError, TypeError, IndexError, AttributeError) as error:
        raise DataError(f"cannot read {source} as a CIFAR batch: {error}", "download the dataset again") from None
    if not isinstance(loaded, dict):
        raise DataError(f"{source} contains a {type(loaded).__name__}, expected a dict", "download the dataset again")
    return {key.decode("latin-1") if isinstance(key, bytes) else str(key): value for key, value in loaded.items()}


def cifar(path: str, label_mode: Literal["fine", "coarse"] = "fine") -> Dataset:
    """Load CIFAR-10 or CIFAR-100 from a folder of batch files or from the downloaded tarball.

    ``path`` is the ``cifar-10-batches-py`` or ``cifar-100-python`` folder, a folder that contains
    one of them, or the ``.tar.gz`` file. Which of the two datasets it is follows from the file
    names. ``label_mode`` chooses CIFAR-100's 100 fine or 20 coarse classes.
    """
    files = _open_files(Path(path).expanduser())
    layout, variant = (_CIFAR10, "cifar-10") if "data_batch_1" in files else (_CIFAR100, "cifar-100")
    missing = [name for name in (*layout["train"], *layout["test"], layout["meta"]) if name not in files]
    if missing:
        raise DataError(f"{path} lacks the CIFAR file(s) {', '.join(missing)}",
                        "point dataset.path at the extracted cifar-10-batches-py or cifar-100-python folder, "
                        "or at the .tar.gz file")
    label_key = "labels" if variant == "cifar-10" else f"{label_mode}_labels"
    meta = load_batch(files[layout["meta"]](), f"{path}/{layout['meta']}")
    names_key = "label_names" if variant == "cifar-10" else f"{label_mode}_label_names"
    class_names = [_text(name) for name in meta.get(names_key, [])]
    images, labels, ids, splits = [], [], [], {}
    for split in ("train", "test"):
        start = sum(len(part) for part in labels)
        for name in layout[split]:
            batch_images, batch_labels = _batch_arrays(load_batch(files[name](), name), label_key, name)
            images.append(batch_images)
            labels.append(batch_labels)
            ids.extend(f"{name}#{i}" for i in range(len(batch_labels)))
        end = sum(len(part) for part in labels)
        splits[split] = np.arange(start, end, dtype=np.int64)
    labels_array = np.concatenate(labels)
    _check_class_names(class_names, labels_array, path)
    logger.info("read %s from %s: %d training and %d test images", variant, path,
                splits["train"].size, splits["test"].size)
    return Dataset(
        name="cifar", class_names=class_names, input_shape=(32, 32, 3), labels=labels_array,
        source=ArraySource(np.concatenate(images)), ids=ids, splits=splits,
        details={"path": str(path), "variant": variant, "label_mode": label_mode,
                 "decoding": {"channels": 3, "image_size": [32, 32], "interpolation": "bilinear"}},
    )


def _open_files(path: Path) -> dict[str, Callable[[], bytes]]:
    """Return batch file name to a reader of its bytes, from a folder or a tarball."""
    if path.is_file() and path.name.lower().endswith(_TARBALL_SUFFIXES):
        return _tar_members(path)
    if not path.is_dir():
        raise DataError(f"CIFAR data not found: {path}", "set dataset.path to the extracted folder or the .tar.gz file")
    for folder in (path, path / "cifar-10-batches-py", path / "cifar-100-python"):
        if folder.is_dir() and any((folder / name).is_file() for name in ("data_batch_1", "train")):
            return {entry.name: entry.read_bytes for entry in folder.iterdir() if entry.is_file()}
    tarballs = sorted(p for p in path.iterdir() if p.name.lower().endswith(_TARBALL_SUFFIXES))
    if tarballs:
        return _tar_members(tarballs[0])
    raise DataError(f"no CIFAR batch files in {path}", "expected data_batch_1 ... test_batch (CIFAR-10) or train and test (CIFAR-100)")


def _tar_members(path: Path) -> dict[str, Callable[[], bytes]]:
    """Return the tarball's regular files by base name; members are read in memory, never extracted."""
    try:
        archive = tarfile.open(path)
        members = {Path(member.name).name: member for member in archive.getmembers() if member.isfile()}
    except (tarfile.TarError, OSError, EOFError) as error:
        raise DataError(f"cannot read the tarball {path}: {error}", "download it again") from None

    def reader(member: tarfile.TarInfo) -> Callable[[], bytes]:
        return lambda: archive.extractfile(member).read()

    return {name: reader(member) for name, member in members.items()}


def _batch_arrays(batch: dict[str, Any], label_key: str, source: str) -> tuple[np.ndarray, np.ndarray]:
    data = batch.get("data")
    labels = batch.get(label_key)
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        shape = getattr(data, "shape", None)
        raise DataError(f"{source}: 'data' must be a uint8 array of shape (N, 3072), got {type(data).__name__} {shape}",
                        "download the dataset again")
    if labels is None:
        raise DataError(f"{source} has no {label_key!r} entry", "CIFAR-10 has no label_mode; leave it unset")
    labels_array = np.asarray(labels)
    if labels_array.dtype.kind not in "iu" or labels_array.shape != (data.shape[0],):
        raise DataError(f"{source}: {label_key!r} must hold {data.shape[0]} integer labels", "download the dataset again")
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return images, labels_array.astype(np.int64)


def _check_class_names(class_names: list[str], labels: np.ndarray, path: str) -> None:
    if not class_names or labels.max() >= len(class_names) or labels.min() < 0:
        raise DataError(f"{path}: the meta file names {len(class_names)} classes but the labels span "
                        f"{labels.min()}..{labels.max()}", "download the dataset again")


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)

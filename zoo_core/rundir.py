"""The run directory: creation without overwriting, and atomic writes of its files."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

from zoo_core.errors import RunError


def create_run_dir(out: str | Path | None, label: str, root: str | Path = "runs", overwrite: bool = False) -> Path:
    """Create and return the run directory.

    With ``out``, that folder is used; an existing non-empty one is rejected unless ``overwrite``.
    Without it, a new folder ``ROOT/YYYYmmdd-HHMMSS-LABEL`` is made, with a numeric suffix when
    that name is taken.
    """
    if out is not None:
        path = Path(out)
        if path.exists() and not path.is_dir():
            raise RunError(f"run directory {path} exists and is not a folder", "choose another --out")
        if path.is_dir() and any(path.iterdir()) and not overwrite:
            raise RunError(
                f"run directory {path} already exists and is not empty",
                "choose another --out, or pass --overwrite to replace its files",
            )
        path.mkdir(parents=True, exist_ok=True)
        return path
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = Path(root) / f"{stamp}-{label}"
    path = base
    suffix = 1
    while True:
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            suffix += 1
            path = Path(f"{base}-{suffix}")


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` through a temporary file in the same folder and a rename."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The file gets the permissions a plain ``open`` would give it (0666 less the umask), not the
    owner-only mode of ``tempfile.mkstemp``.
    """
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json_atomic(path: str | Path, data: Any) -> None:
    """Write ``data`` as indented JSON, atomically."""
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=False, default=_json_default) + "\n")


def write_csv_atomic(path: str | Path, header: Iterable[str], rows: Iterable[Mapping[str, Any] | Iterable[Any]]) -> None:
    """Write a CSV file with ``header`` and ``rows`` (dicts keyed by header, or sequences), atomically."""
    header = list(header)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        if isinstance(row, Mapping):
            writer.writerow([row.get(column, "") for column in header])
        else:
            writer.writerow(list(row))
    write_text_atomic(path, buffer.getvalue())


def save_model_atomic(model: Any, path: str | Path) -> None:
    """Save a Keras model in the ``.keras`` format to a temporary name, then rename it."""
    path = Path(path)
    temporary = path.with_name(f".{path.stem}.tmp.keras")
    try:
        model.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _json_default(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")

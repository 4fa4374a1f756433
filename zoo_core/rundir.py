"""The run directory: creation without overwriting, and atomic writes of its files."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

from zoo_core.errors import RunError

logger = logging.getLogger(__name__)

# Files and folders that a run writes. --overwrite removes these and nothing else.
RUN_OUTPUT_FILES: tuple[str, ...] = (
    "config.json", "run.json", "splits.json", "history.csv", "metrics.json", "model.keras", ".model.tmp.keras",
    "predictions.csv", "per_class.csv", "confusion_matrix.json", "curves.png", "confusion_matrix.png",
)
RUN_OUTPUT_FOLDERS: tuple[str, ...] = ("checkpoints", "evaluations", "tensorboard", "plots")


def create_run_dir(out: str | Path | None, label: str, root: str | Path = "runs", overwrite: bool = False) -> Path:
    """Create and return the run directory.

    With ``out``, that folder is used. An existing non-empty one is rejected unless ``overwrite``
    is given or it contains only a run that stopped before its first checkpoint. In both of those
    cases the previous run's outputs are removed first (see :func:`clear_run_outputs`).
    Without it, a new folder ``ROOT/YYYYmmdd-HHMMSS-LABEL`` is made, with a numeric suffix when
    that name is taken.
    """
    if out is not None:
        path = Path(out)
        if path.exists() and not path.is_dir():
            raise RunError(f"run directory {path} exists and is not a folder", "choose another --out")
        if path.is_dir() and any(path.iterdir()):
            if overwrite:
                clear_run_outputs(path)
            elif is_unstarted_run(path):
                logger.info("reusing %s: the run in it stopped before its first checkpoint", path)
                clear_run_outputs(path)
            else:
                raise RunError(
                    f"run directory {path} already exists and is not empty",
                    "choose another --out, or pass --overwrite to replace the files of the run in it",
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


def clear_run_outputs(path: Path) -> list[str]:
    """Remove the files and folders a run writes from ``path``; return the names removed.

    Other files in the folder are left alone, so that ``--overwrite`` never deletes a user's own
    files, only the outputs of the run that was there before.
    """
    removed = []
    for name in RUN_OUTPUT_FILES + RUN_OUTPUT_FOLDERS:
        target = path / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        else:
            continue
        removed.append(name)
    if removed:
        logger.info("removed the previous run's outputs from %s: %s", path, ", ".join(removed))
    return removed


def is_unstarted_run(path: Path) -> bool:
    """Return whether ``path`` holds only a run that failed or was interrupted before its first checkpoint.

    Such a run has nothing to resume or keep, so a new run may reuse its folder.
    """
    names = {child.name for child in path.iterdir()}
    if names == {"config.json"}:
        return True  # stopped after writing its configuration, before recording a status
    try:
        status = json.loads((path / "run.json").read_text(encoding="utf-8")).get("status")
    except (OSError, ValueError, AttributeError):
        return False
    if status not in ("failed", "interrupted"):
        return False
    if (path / "model.keras").exists() or any((path / "checkpoints").glob("epoch-*")):
        return False
    return names <= set(RUN_OUTPUT_FILES + RUN_OUTPUT_FOLDERS)


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

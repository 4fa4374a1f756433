"""Per-epoch checkpoints of a run, for ``zoo run --resume``.

A checkpoint is a folder ``checkpoints/epoch-NNNN`` with ``state.npz`` (every model variable,
including the dropout and other seed-generator states, and every optimizer variable, including
its step count) and ``state.json`` (the epoch, the history so far and the variable paths).
The folder is written under a temporary name and renamed, then ``checkpoints/latest.json`` is
replaced atomically to point at it, so a crash at any moment leaves the previous checkpoint
intact. The two newest checkpoints are kept.

Together with :func:`zoo_core.pipeline.epochs_pipeline`, whose batches depend only on the seed
and the epoch number, restoring a checkpoint continues the run exactly as if it had never stopped.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zoo_core.errors import RunError
from zoo_core.rundir import write_json_atomic

logger = logging.getLogger(__name__)

CHECKPOINT_FOLDER = "checkpoints"
LATEST_FILE = "latest.json"
KEEP = 2


@dataclass
class Checkpoint:
    """A saved training state: completed epochs, history rows and variable values."""

    path: Path
    epoch: int
    history: list[dict[str, float]]
    model_values: list[np.ndarray]
    optimizer_values: list[np.ndarray]
    model_paths: list[str]
    #: Plain attributes of the run's stateful callbacks (such as reduce-on-plateau's counters).
    callback_states: list[dict[str, Any]] = field(default_factory=list)


class CheckpointStore:
    """The checkpoints of one run directory."""

    def __init__(self, run_dir: str | Path) -> None:
        self.folder = Path(run_dir) / CHECKPOINT_FOLDER

    def save(self, model: Any, epoch: int, history: list[dict[str, float]],
             callback_states: list[dict[str, Any]] | None = None) -> Path:
        """Save the state after ``epoch`` completed epochs and return the checkpoint folder.

        Raises RunError, and saves nothing, when any model variable contains NaN or infinity.
        """
        model_values = [_to_numpy(v) for v in model.variables]
        _check_finite(model, model_values, epoch)
        optimizer_values = [_to_numpy(v) for v in model.optimizer.variables]
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"epoch-{epoch:04d}"
        temporary = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder))
        try:
            arrays = {f"model_{i:05d}": value for i, value in enumerate(model_values)}
            arrays.update({f"optimizer_{i:05d}": value for i, value in enumerate(optimizer_values)})
            with open(temporary / "state.npz", "wb") as handle:
                np.savez(handle, **arrays)
                handle.flush()
                os.fsync(handle.fileno())
            write_json_atomic(temporary / "state.json", {
                "epoch": epoch,
                "history": history,
                "model_variables": [v.path for v in model.variables],
                "optimizer_variables": [v.path for v in model.optimizer.variables],
                "callback_states": callback_states or [],
            })
            final = self.folder / name
            if final.exists():
                shutil.rmtree(final)
            os.replace(temporary, final)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        write_json_atomic(self.folder / LATEST_FILE, {"epoch": epoch, "folder": name})
        self._prune(keep_name=name)
        logger.info("checkpoint saved after epoch %d: %s", epoch, final)
        return final

    def latest(self) -> Checkpoint | None:
        """Return the newest complete checkpoint, or None when the run has none."""
        pointer = self.folder / LATEST_FILE
        if not pointer.is_file():
            return None
        latest = json.loads(pointer.read_text(encoding="utf-8"))
        path = self.folder / latest["folder"]
        state = json.loads((path / "state.json").read_text(encoding="utf-8"))
        with np.load(path / "state.npz") as arrays:
            model_values = [arrays[f"model_{i:05d}"] for i in range(len(state["model_variables"]))]
            optimizer_values = [arrays[f"optimizer_{i:05d}"] for i in range(len(state["optimizer_variables"]))]
        return Checkpoint(path, int(state["epoch"]), list(state["history"]), model_values, optimizer_values,
                          list(state["model_variables"]), list(state.get("callback_states", [])))

    def _prune(self, keep_name: str) -> None:
        folders = sorted(p for p in self.folder.glob("epoch-*") if p.is_dir())
        for old in folders[:-KEEP]:
            if old.name != keep_name:
                shutil.rmtree(old, ignore_errors=True)


def restore(model: Any, checkpoint: Checkpoint) -> None:
    """Load the model and optimizer variables of ``checkpoint`` into the compiled ``model``.

    Call it inside the distribution strategy's scope, since it creates the optimizer's variables.
    Raises RunError when the checkpoint was saved from a different model.
    """
    variables = list(model.variables)
    if len(variables) != len(checkpoint.model_values):
        raise RunError(
            f"checkpoint {checkpoint.path} contains {len(checkpoint.model_values)} model variables, "
            f"the model has {len(variables)}",
            "resume with the configuration the run was started with (its config.json), "
            "and the same versions of the plugins",
        )
    for variable, value in zip(variables, checkpoint.model_values):
        if tuple(variable.shape) != value.shape:
            raise RunError(f"checkpoint {checkpoint.path}: variable {variable.path} has shape {value.shape}, "
                           f"the model expects {tuple(variable.shape)}",
                           "resume with the configuration and plugin versions the run was started with")
        variable.assign(value)
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    optimizer_variables = list(optimizer.variables)
    if len(optimizer_variables) != len(checkpoint.optimizer_values):
        raise RunError(
            f"checkpoint {checkpoint.path} contains {len(checkpoint.optimizer_values)} optimizer variables, "
            f"the optimizer has {len(optimizer_variables)}",
            "resume with the optimizer the run was started with",
        )
    for variable, value in zip(optimizer_variables, checkpoint.optimizer_values):
        variable.assign(value)
    logger.info("restored checkpoint %s (epoch %d)", checkpoint.path, checkpoint.epoch)


#: Attribute types that :func:`callback_state` records. Other values, such as models and functions, are skipped.
_PLAIN_TYPES = (bool, int, float, str, list, tuple, type(None))


def callback_state(callback: Any) -> dict[str, Any]:
    """Return the plain public attributes of a stateful callback, with its class name under ``class``."""
    state = {name: value for name, value in vars(callback).items()
             if not name.startswith("_") and name not in ("params", "validation_data") and isinstance(value, _PLAIN_TYPES)}
    return {"class": type(callback).__qualname__, "attributes": json.loads(json.dumps(state))}


def restore_callback_states(callbacks: list[Any], states: list[dict[str, Any]]) -> None:
    """Set the attributes saved by :func:`callback_state` back on ``callbacks``, matched by position.

    Raises RunError when the callbacks differ from the saved ones in number or class.
    """
    if len(callbacks) != len(states) or any(type(c).__qualname__ != s["class"] for c, s in zip(callbacks, states)):
        raise RunError(
            f"the checkpoint contains the state of {[s['class'] for s in states]}, "
            f"the run has {[type(c).__qualname__ for c in callbacks]}",
            "resume with the schedule the run was started with",
        )
    for callback, state in zip(callbacks, states):
        for name, value in state["attributes"].items():
            current = getattr(callback, name, None)
            setattr(callback, name, [tuple(item) if isinstance(item, list) else item for item in value]
                    if isinstance(current, list) else value)


def _to_numpy(variable: Any) -> np.ndarray:
    import keras

    return np.array(keras.ops.convert_to_numpy(variable.value))


def _check_finite(model: Any, values: list[np.ndarray], epoch: int) -> None:
    for variable, value in zip(model.variables, values):
        if np.issubdtype(value.dtype, np.floating) and not np.all(np.isfinite(value)):
            raise RunError(
                f"the weights became non-finite in epoch {epoch} (variable {variable.path}), "
                "so no checkpoint was saved for this epoch"
                + (f"; the checkpoint of epoch {epoch - 1} was kept" if epoch > 1 else " and the run has none"),
                f"lower the learning rate (now {_learning_rate(model)}), for example to a tenth with --lr, "
                "and start the run again",
            )


def _learning_rate(model: Any) -> str:
    try:
        return f"{float(np.asarray(model.optimizer.learning_rate)):g}"
    except (AttributeError, TypeError, ValueError):
        return "unknown"

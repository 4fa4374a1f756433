"""One training session of a run: its strategy, its run directory, checkpoints and status.

A session is either a new run (the run directory must be new or empty, or ``overwrite`` given)
or the resumption of a run directory that has a checkpoint. Under the multi-worker strategy only
the chief worker writes the run directory. The other workers write to a temporary folder that
is removed at the end, as the ``tf.distribute`` documentation recommends.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from zoo_core.checkpoints import Checkpoint, CheckpointStore, callback_state, restore, restore_callback_states
from zoo_core.errors import RunError
from zoo_core.rundir import create_run_dir
from zoo_core.runinfo import read_run_info, tracked_run

logger = logging.getLogger(__name__)


@dataclass
class RunSession:
    """Strategy, run directory and checkpoint state of one ``run()`` call."""

    strategy_name: str
    strategy: Any
    run_dir: Path
    chief: bool
    checkpoint: Checkpoint | None = None
    store: CheckpointStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = CheckpointStore(self.run_dir)

    @property
    def resumed(self) -> bool:
        """Whether training continues from a checkpoint."""
        return self.checkpoint is not None

    @property
    def first_epoch(self) -> int:
        """The number of epochs already completed (0 for a new run)."""
        return self.checkpoint.epoch if self.checkpoint is not None else 0

    def facts(self) -> dict[str, Any]:
        """Return the strategy facts recorded in ``run.json``."""
        from zoo_core.strategy import describe_strategy

        return describe_strategy(self.strategy_name, self.strategy)

    @contextlib.contextmanager
    def tracked(self, epochs: int) -> Iterator[None]:
        """Record the run's status in ``run.json`` around the block (see :func:`tracked_run`)."""
        with tracked_run(self.run_dir, self.resumed, epochs=epochs, **self.facts()):
            yield

    def restore_into(self, model: Any) -> None:
        """Load the checkpoint into ``model`` when resuming; call it inside ``strategy.scope()``."""
        if self.checkpoint is not None:
            restore(model, self.checkpoint)

    def restore_callbacks(self, callbacks: list[Any]) -> None:
        """When resuming, give the stateful ``callbacks`` the attributes saved in the checkpoint."""
        if self.checkpoint is not None:
            restore_callback_states(list(callbacks), self.checkpoint.callback_states)

    def checkpoint_callback(self, model: Any, epoch_end: Any, callbacks: list[Any],
                            after_save: Callable[[int], None]) -> Any:
        """Return the Keras callback that saves a checkpoint at each epoch end, then calls ``after_save``.

        The checkpoint contains ``model``, its optimizer, the history of ``epoch_end`` and the state of
        the stateful ``callbacks``.
        """
        from zoo_core.callbacks import EpochCheckpoint

        def save(epoch: int) -> None:
            self.store.save(model, epoch, epoch_end.history, [callback_state(c) for c in callbacks])

        return EpochCheckpoint(save, after_save)

    def check_splits(self, sample_ids: list[str], splits: Mapping[str, np.ndarray]) -> None:
        """When resuming, raise RunError unless the splits equal those in ``splits.json``."""
        if not self.resumed:
            return
        saved = json.loads((self.run_dir / "splits.json").read_text(encoding="utf-8"))["ids"]
        for name, indices in splits.items():
            if [sample_ids[i] for i in indices] != saved.get(name, []):
                raise RunError(
                    f"the {name} split of the dataset differs from {self.run_dir / 'splits.json'}",
                    "the data changed since the run started; start a new run instead of resuming",
                )

    def close(self) -> None:
        """Remove the temporary folder of a non-chief worker."""
        if not self.chief:
            shutil.rmtree(self.run_dir, ignore_errors=True)


def resume_config(run_dir: str | Path, given: list[str] = ()) -> dict[str, Any]:
    """Return the run configuration recorded in ``RUN_DIR/config.json``, for ``zoo run --resume``.

    Components are named by their qualified ids, so a plugin installed since cannot take over a
    short name. Raises RunError when configuration options are ``given`` as well, since a resumed
    run must keep the configuration it started with.
    """
    from zoo_core.config import COMPONENT_SECTIONS, default_config

    if given:
        raise RunError(f"--resume takes the configuration from the run directory, so {', '.join(given)} cannot be used with it",
                       "leave those options out, or start a new run with --out")
    path = Path(run_dir) / "config.json"
    if not path.is_file():
        raise RunError(f"{run_dir} is not a run directory: it has no config.json", "pass the folder that zoo run wrote")
    recorded = json.loads(path.read_text(encoding="utf-8"))
    config = default_config()
    for section in COMPONENT_SECTIONS:
        if section in recorded:
            config[section] = _component_table(recorded[section])
    config["metrics"] = [_component_table(item) for item in recorded.get("metrics", [])]
    config["training"] = dict(recorded.get("training", {}))
    return config


def _component_table(described: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": described.get("id") or described["name"], **described.get("params", {})}


def open_session(training: Mapping[str, Any], out: str | Path | None, label: str, overwrite: bool,
                 resume: bool) -> RunSession:
    """Create the strategy, then open the run directory for a new run or for resuming ``out``."""
    from zoo_core.strategy import is_chief, make_strategy

    name = training.get("strategy", "default")
    strategy = make_strategy(name)
    chief = is_chief(strategy)
    checkpoint = _resume_checkpoint(out) if resume else None
    if not chief:
        run_dir = Path(tempfile.mkdtemp(prefix="zoo-worker-"))
    elif resume:
        run_dir = Path(out)  # type: ignore[arg-type]
    else:
        run_dir = create_run_dir(out, label, overwrite=overwrite)
    session = RunSession(name, strategy, run_dir, chief, checkpoint)
    logger.info("strategy %s with %d replica(s)", name, strategy.num_replicas_in_sync)
    return session


def _resume_checkpoint(out: str | Path | None) -> Checkpoint:
    if out is None:
        raise RunError("resuming needs the run directory", "pass it as: zoo run --resume RUN_DIR")
    run_dir = Path(out)
    if not (run_dir / "config.json").is_file():
        raise RunError(f"{run_dir} is not a run directory: it has no config.json",
                       "pass the folder that zoo run wrote")
    info = read_run_info(run_dir)
    status = info.get("status")
    if status == "finished":
        raise RunError(f"the run in {run_dir} has already finished", "start a new run with zoo run --out NEW_DIR")
    checkpoint = CheckpointStore(run_dir).latest()
    if checkpoint is None:
        raise RunError(
            f"the run in {run_dir} has no checkpoint to resume from (it stopped before the first epoch ended)",
            _restart_hint(info, run_dir),
        )
    logger.info("resuming %s after epoch %d", run_dir, checkpoint.epoch)
    return checkpoint


def _restart_hint(info: Mapping[str, Any], run_dir: Path) -> str:
    """Return how to start again a run that has no checkpoint, repeating the command that started it.

    A failed or interrupted run's folder is reused as it is; any other needs ``--overwrite``.
    """
    command = info.get("command")
    overwrite = "" if info.get("status") in ("failed", "interrupted") else " --overwrite"
    if command:
        return f"start it again with: {command}{overwrite}"
    return f"start it again with the command that started it, with --out {run_dir}{overwrite}"

"""Keras callbacks of the runner: whole-split validation metrics, history, progress and hooks.

Importing this module imports Keras, so only the runner imports it.
"""

from __future__ import annotations

import logging
import math
from typing import Any, Callable

import keras
import numpy as np

from zoo_core.errors import RunError

logger = logging.getLogger(__name__)


def _kept_checkpoint(completed_epochs: int) -> str:
    """Say which checkpoint survives a divergence after ``completed_epochs`` finished epochs."""
    if completed_epochs == 0:
        return "no checkpoint was saved, since the first epoch had not ended"
    return f"the checkpoint of epoch {completed_epochs}, the last with a finite loss, was kept"


class EpochEnd(keras.callbacks.Callback):
    """At each epoch end: score the validation split, record history, update progress, call hooks.

    ``score_validation`` returns the metrics of the whole validation split (or an empty dict).
    ``history`` may start with the rows of epochs completed before a resumption.
    A non-finite training loss stops the run at that step with a RunError that names the epoch
    and the step, before any later callback can save the non-finite weights.
    """

    def __init__(
        self,
        epochs: int,
        score_validation: Callable[[], dict[str, float]],
        on_epoch: Callable[[int, dict[str, float]], None],
        show_progress: bool = True,
        history: list[dict[str, float]] | None = None,
    ) -> None:
        super().__init__()
        self.epochs = epochs
        self.score_validation = score_validation
        self.on_epoch = on_epoch
        self.history: list[dict[str, float]] = list(history or [])
        self._epoch = len(self.history)
        self._bar = _progress_bar(epochs, show_progress, initial=len(self.history))

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        # Keras reports the running mean of the epoch's loss, which stays non-finite from the
        # first non-finite step on, so the first such step is the one that diverged.
        loss = float((logs or {}).get("loss", 0.0))
        if not math.isfinite(loss):
            self.model.stop_training = True
            raise RunError(
                f"the training loss became {loss} in epoch {self._epoch + 1}, step {batch + 1}, "
                f"so training stopped; {_kept_checkpoint(self._epoch)}",
                f"lower the learning rate (now {_learning_rate(self.model)}), for example to a tenth "
                "with --lr, or check the data for invalid values",
            )

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs_in = logs
        logs = dict(logs or {})
        loss = float(logs.get("loss", float("nan")))
        if not math.isfinite(loss):
            self.model.stop_training = True
            raise RunError(
                f"the training loss became {loss} in epoch {epoch + 1}, so training stopped; "
                f"{_kept_checkpoint(epoch)}",
                "lower the learning rate (--lr) or check the data for invalid values",
            )
        row: dict[str, float] = {"epoch": epoch + 1, "loss": loss}
        for key, value in logs.items():
            if key.startswith("val_") and np.isscalar(value):
                row[key] = float(value)
        for name, value in self.score_validation().items():
            row[f"val_{name}"] = value
        row["learning_rate"] = _last_step_learning_rate(self.model.optimizer)
        if logs_in is not None:
            # Later callbacks, such as TensorBoard, see the whole-split validation metrics too.
            logs_in.update({key: value for key, value in row.items() if key != "epoch"})
        self.history.append(row)
        logger.info("epoch %d/%d: %s", epoch + 1, self.epochs,
                    ", ".join(f"{k}={v:.4f}" for k, v in row.items() if k != "epoch"))
        if self._bar is not None:
            self._bar.set_postfix({k: f"{v:.4f}" for k, v in row.items() if k in ("loss", "val_loss", "val_accuracy")})
            self._bar.update(1)
        self.on_epoch(epoch + 1, row)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.close()

    def close(self) -> None:
        """Close the progress bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class EpochCheckpoint(keras.callbacks.Callback):
    """At each epoch end, after every other callback: save a checkpoint, then call ``after_save``.

    Put it last in the callback list, so that a learning rate changed by a schedule callback at
    this epoch's end, and that callback's own counters, are part of the checkpoint.
    """

    def __init__(self, save: Callable[[int], None], after_save: Callable[[int], None]) -> None:
        super().__init__()
        self.save = save
        self.after_save = after_save

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.save(epoch + 1)
        self.after_save(epoch + 1)


def _last_step_learning_rate(optimizer: Any) -> float:
    """Return the rate that the epoch's last step used, before an epoch-level schedule changes it.

    ``optimizer.learning_rate`` evaluates a step schedule at the current iteration count, which is
    the rate of the next step, so the schedule is evaluated one step back instead.
    """
    # NOTE: Keras 3 keeps the schedule object only in the private attribute _learning_rate.
    schedule = getattr(optimizer, "_learning_rate", None)
    if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        step = max(0, int(keras.ops.convert_to_numpy(optimizer.iterations)) - 1)
        return float(keras.ops.convert_to_numpy(schedule(step)))
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


def _progress_bar(epochs: int, show: bool, initial: int = 0) -> Any:
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=epochs, initial=initial, desc="training", unit="epoch", leave=True)


def _learning_rate(model: Any) -> str:
    try:
        return f"{float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)):g}"
    except (AttributeError, TypeError, ValueError):
        return "unknown"

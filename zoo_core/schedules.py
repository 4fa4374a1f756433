"""Learning-rate schedules as the runner applies them, and the reduce-on-plateau callback.

A schedule factory returns one of three things, and :func:`apply_schedule` turns each into the
optimizer's ``learning_rate`` and the callbacks that the fit needs:

- a number: a constant learning rate;
- a ``keras.optimizers.schedules.LearningRateSchedule``: a function of the optimizer's step
  counter, which the optimizer evaluates at every update;
- an :class:`EpochSchedule` callback: the optimizer gets the base rate as a variable, and the
  callback sets it at the end of an epoch from that epoch's metrics. Reduce-on-plateau needs the
  validation loss, which no step-indexed schedule can see, so it is implemented this way.

Importing this module imports Keras, so only factories and the runner import it.
"""

from __future__ import annotations

import logging
import math
from typing import Any, Callable, Literal, Mapping

import keras

logger = logging.getLogger(__name__)


class EpochSchedule(keras.callbacks.Callback):
    """A callback that sets the optimizer's learning rate between epochs.

    The runner calls :meth:`bind_logs` with a function that returns the latest epoch's row of
    history (training loss and the validation metrics computed over the whole split), because
    Keras's own epoch logs hold only the training loss in this runner.
    """

    def __init__(self) -> None:
        super().__init__()
        self._read_logs: Callable[[], Mapping[str, float]] | None = None

    def bind_logs(self, read_logs: Callable[[], Mapping[str, float]]) -> None:
        """Use ``read_logs()`` as the source of each epoch's metrics."""
        self._read_logs = read_logs

    def epoch_logs(self, logs: Mapping[str, Any] | None) -> dict[str, float]:
        """Return Keras's epoch ``logs`` updated with the bound history row."""
        values = {key: float(value) for key, value in (logs or {}).items() if isinstance(value, (int, float))}
        if self._read_logs is not None:
            values.update(self._read_logs())
        return values


class ReduceOnPlateau(EpochSchedule):
    """Multiply the learning rate by ``factor`` when ``monitor`` stops improving.

    After ``patience`` epochs without an improvement of more than ``min_delta``, the rate becomes
    ``max(rate * factor, min_learning_rate)``, and no further reduction happens for ``cooldown``
    epochs. In a run without a validation split, a ``val_`` monitor falls back to the training
    ``loss``, with a warning. A monitor that the run does not compute otherwise leaves the rate
    unchanged, with one warning that lists the available names.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: Literal["auto", "min", "max"] = "auto",
        factor: float = 0.1,
        patience: int = 5,
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_learning_rate: float = 0.0,
    ) -> None:
        super().__init__()
        self.monitor = monitor
        self.mode = _resolve_mode(monitor, mode)
        self.factor = factor
        self.patience = patience
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_learning_rate = min_learning_rate
        self.best = math.inf if self.mode == "min" else -math.inf
        self.wait = 0
        self.cooldown_left = 0
        self.reductions: list[tuple[int, float]] = []
        self.missing_warned = False

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        value = self._monitored_value(self.epoch_logs(logs))
        if value is None or not math.isfinite(value):
            return
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.wait = 0
        if self._improved(value):
            self.best = value
            self.wait = 0
        elif self.cooldown_left == 0:
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch + 1)

    def _monitored_value(self, values: Mapping[str, float]) -> float | None:
        if self.monitor in values:
            return values[self.monitor]
        has_validation = any(key.startswith("val_") for key in values)
        if self.monitor.startswith("val_") and not has_validation and "loss" in values:
            logger.warning("reduce-on-plateau: the run has no validation split, so it monitors the training "
                           "loss instead of %s", self.monitor)
            self.monitor = "loss"
            self.mode = "min"
            self.best = math.inf
            return values["loss"]
        if not self.missing_warned:
            logger.warning("reduce-on-plateau: %s is not computed in this run, so the rate stays as it is; "
                           "available: %s", self.monitor, ", ".join(sorted(values)))
            self.missing_warned = True
        return None

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def _reduce(self, epoch: int) -> None:
        optimizer = self.model.optimizer
        old = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        new = max(old * self.factor, self.min_learning_rate)
        self.wait = 0
        self.cooldown_left = self.cooldown
        # The optimizer stores the rate in float32, so a rate at the floor may read back a little above it.
        if new >= old or math.isclose(new, old, rel_tol=1e-6):
            return
        optimizer.learning_rate = new
        self.reductions.append((epoch, new))
        logger.info("epoch %d: %s did not improve for %d epochs; learning rate %.3g -> %.3g",
                    epoch, self.monitor, self.patience, old, new)


def _resolve_mode(monitor: str, mode: str) -> str:
    """Return "min" or "max": "auto" minimises losses and maximises every other metric."""
    if mode in ("min", "max"):
        return mode
    if mode != "auto":
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    return "min" if monitor.endswith("loss") else "max"


def apply_schedule(schedule: Any, base_rate: float, component_id: str) -> tuple[Any, list[Any]]:
    """Return the optimizer's ``learning_rate`` and the extra fit callbacks for ``schedule``.

    Raises TypeError when the schedule factory returned anything but the three supported forms.
    The runner reports that as an error of the plugin that registered ``component_id``.
    """
    if isinstance(schedule, bool):
        raise TypeError(f"schedule {component_id!r} returned a bool, not a learning rate")
    if isinstance(schedule, (int, float)):
        return float(schedule), []
    if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        return schedule, []
    if isinstance(schedule, EpochSchedule):
        return float(base_rate), [schedule]
    raise TypeError(
        f"schedule {component_id!r} returned {type(schedule).__name__}; expected a number, a "
        "keras.optimizers.schedules.LearningRateSchedule or a zoo_core.schedules.EpochSchedule"
    )

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


class EpochEnd(keras.callbacks.Callback):
    """At each epoch end: score the validation split, record history, update progress, call hooks.

    ``score_validation`` returns the metrics of the whole validation split (or an empty dict).
    A non-finite training loss stops the run with a RunError that names the epoch.
    """

    def __init__(
        self,
        epochs: int,
        score_validation: Callable[[], dict[str, float]],
        on_epoch: Callable[[int, dict[str, float]], None],
        show_progress: bool = True,
    ) -> None:
        super().__init__()
        self.epochs = epochs
        self.score_validation = score_validation
        self.on_epoch = on_epoch
        self.history: list[dict[str, float]] = []
        self._bar = _progress_bar(epochs, show_progress)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = dict(logs or {})
        loss = float(logs.get("loss", float("nan")))
        if not math.isfinite(loss):
            self.model.stop_training = True
            raise RunError(
                f"the training loss became {loss} in epoch {epoch + 1}",
                "lower the learning rate (--lr) or check the data for invalid values",
            )
        row: dict[str, float] = {"epoch": epoch + 1, "loss": loss}
        for key, value in logs.items():
            if key.startswith("val_") and np.isscalar(value):
                row[key] = float(value)
        for name, value in self.score_validation().items():
            row[f"val_{name}"] = value
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


def _progress_bar(epochs: int, show: bool) -> Any:
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=epochs, desc="training", unit="epoch", leave=True)

"""Factories of the built-in learning-rate schedules.

Each factory receives the base ``learning_rate`` (the run's, or the optimizer's default), the
number of optimizer steps per epoch and the number of epochs. Step-indexed schedules count the
optimizer's updates, starting at 0 for the first update; their parameters are given in epochs and
converted with ``steps_per_epoch``.
"""

from __future__ import annotations

from typing import Any, Literal


def constant(learning_rate: float) -> float:
    """Return the base learning rate unchanged for the whole run."""
    return float(learning_rate)


def step_decay(learning_rate: float, steps_per_epoch: int, step_size: int = 10, gamma: float = 0.1) -> Any:
    """Build ``lr * gamma ** floor(epoch / step_size)``: the rate drops every ``step_size`` epochs."""
    import keras

    if step_size < 1:
        raise ValueError(f"step_size must be at least 1 epoch, got {step_size}")
    if not 0 < gamma <= 1:
        raise ValueError(f"gamma must lie in (0, 1], got {gamma}")
    return keras.optimizers.schedules.ExponentialDecay(
        learning_rate, decay_steps=step_size * steps_per_epoch, decay_rate=gamma, staircase=True
    )


def exponential_decay(learning_rate: float, steps_per_epoch: int, decay_rate: float = 0.9) -> Any:
    """Build ``lr * decay_rate ** (step / steps_per_epoch)``: smooth decay by ``decay_rate`` per epoch."""
    import keras

    if not 0 < decay_rate <= 1:
        raise ValueError(f"decay_rate must lie in (0, 1], got {decay_rate}")
    return keras.optimizers.schedules.ExponentialDecay(
        learning_rate, decay_steps=steps_per_epoch, decay_rate=decay_rate
    )


def cosine_decay(learning_rate: float, steps_per_epoch: int, epochs: int, alpha: float = 0.0) -> Any:
    """Build cosine decay from ``lr`` to ``alpha * lr`` over the whole run (Loshchilov and Hutter, 2017).

    At step t of T = epochs * steps_per_epoch the rate is
    ``lr * (alpha + (1 - alpha) * (1 + cos(pi * t / T)) / 2)``.
    """
    import keras

    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    return keras.optimizers.schedules.CosineDecay(
        learning_rate, decay_steps=epochs * steps_per_epoch, alpha=alpha
    )


def warmup_cosine(
    learning_rate: float, steps_per_epoch: int, epochs: int, warmup_epochs: int = 2, alpha: float = 0.0
) -> Any:
    """Build a linear warm-up from 0 to ``lr`` over ``warmup_epochs``, then cosine decay to ``alpha * lr``.

    The warm-up rate at step t is ``lr * t / W`` with W = warmup_epochs * steps_per_epoch, so the
    very first update uses a rate of 0. The cosine part spans the remaining epochs.
    """
    import keras

    if warmup_epochs < 1:
        raise ValueError(f"warmup_epochs must be at least 1, got {warmup_epochs}")
    if warmup_epochs >= epochs:
        raise ValueError(f"warmup_epochs ({warmup_epochs}) must be fewer than the run's epochs ({epochs})")
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    return keras.optimizers.schedules.CosineDecay(
        0.0,
        decay_steps=(epochs - warmup_epochs) * steps_per_epoch,
        alpha=alpha,
        warmup_target=learning_rate,
        warmup_steps=warmup_epochs * steps_per_epoch,
    )


def reduce_on_plateau(
    monitor: str = "val_loss",
    mode: Literal["auto", "min", "max"] = "auto",
    factor: float = 0.1,
    patience: int = 5,
    min_delta: float = 1e-4,
    cooldown: int = 0,
    min_learning_rate: float = 0.0,
) -> Any:
    """Build the callback that multiplies the rate by ``factor`` after ``patience`` epochs without progress.

    ``monitor`` names a column of history.csv (``val_loss``, ``val_accuracy``, ``loss`` ...);
    "auto" mode minimises names that end in ``loss`` and maximises the others.
    """
    from zoo_core.schedules import ReduceOnPlateau

    if not 0 < factor < 1:
        raise ValueError(f"factor must lie in (0, 1), got {factor}")
    if patience < 1:
        raise ValueError(f"patience must be at least 1 epoch, got {patience}")
    if cooldown < 0:
        raise ValueError(f"cooldown must be at least 0, got {cooldown}")
    if min_learning_rate < 0:
        raise ValueError(f"min_learning_rate must be at least 0, got {min_learning_rate}")
    return ReduceOnPlateau(monitor, mode, factor, patience, min_delta, cooldown, min_learning_rate)

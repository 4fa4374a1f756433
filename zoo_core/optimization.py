"""The optimizer of a run with its learning-rate schedule applied.

The base learning rate is the run's ``training.learning_rate``, or else the optimizer's
``default_learning_rate`` metadata, or else the default of the built optimizer itself. The
schedule is built from that base rate and the number of optimizer steps per epoch, then handed to
the optimizer (see :mod:`zoo_core.schedules` for the forms a schedule can take).
"""

from __future__ import annotations

import logging
from typing import Any

from zoo_core.errors import RunError
from zoo_core.resolve import ResolvedRun

logger = logging.getLogger(__name__)


def build_optimizer(resolved: ResolvedRun, steps_per_epoch: int) -> tuple[Any, list[Any]]:
    """Build the run's optimizer with its schedule; return it and the callbacks the fit needs."""
    from zoo_core.schedules import apply_schedule

    optimizer_item = resolved["optimizer"]
    schedule_item = resolved["schedule"]
    base_rate = base_learning_rate(resolved)
    schedule = schedule_item.component.build(
        schedule_item.params,
        learning_rate=base_rate,
        steps_per_epoch=steps_per_epoch,
        epochs=resolved.training["epochs"],
    )
    try:
        learning_rate, callbacks = apply_schedule(schedule, base_rate, schedule_item.component.id)
    except TypeError as error:
        raise RunError(str(error), f"report this to the plugin's author ({schedule_item.component.distribution})") from None
    optimizer = optimizer_item.component.build(optimizer_item.params, learning_rate=learning_rate)
    logger.info("optimizer %s, base learning rate %g, schedule %s, %d steps per epoch",
                optimizer_item.component.name, base_rate, schedule_item.component.name, steps_per_epoch)
    return optimizer, callbacks


def base_learning_rate(resolved: ResolvedRun) -> float:
    """Return the run's learning rate, or the optimizer's default when the run sets none."""
    rate = resolved.training["learning_rate"]
    if rate is not None:
        return float(rate)
    optimizer_item = resolved["optimizer"]
    default = optimizer_item.component.metadata.get("default_learning_rate")
    if default is not None:
        return float(default)
    # A third-party optimizer without the metadata: build it once to read its own default.
    import keras

    optimizer = optimizer_item.component.build(optimizer_item.params, learning_rate=None)
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))

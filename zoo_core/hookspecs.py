"""Hook specifications that plugins implement.

A plugin is a module (named by an entry point in the group ``zoo_core.plugins``) that defines
functions decorated with :data:`hookimpl`. The registration hooks receive a ``register``
callback bound to that plugin, so every component records which plugin gave it.

The ``register`` callback has this signature::

    register(name, factory, *, summary="", aliases=(), tags=(), metadata=None)

``factory`` is a callable or a ``"module:attribute"`` string that is imported only when the
component is built or described. Plugin modules must not import TensorFlow or Keras at import
time; factories import them inside their bodies.
"""

from __future__ import annotations

from typing import Any, Mapping

import pluggy

PROJECT_NAME = "zoo_core"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def zoo_register_datasets(register: Any) -> None:
    """Register datasets: factories that return a :class:`zoo_core.data.Dataset`."""


@hookspec
def zoo_register_augmentations(register: Any) -> None:
    """Register augmentations: factories that return a callable applied to training batches."""


@hookspec
def zoo_register_architectures(register: Any) -> None:
    """Register architectures: factories that take ``input_shape`` and ``num_classes`` and return
    an uncompiled ``keras.Model`` with one output per class."""


@hookspec
def zoo_register_optimizers(register: Any) -> None:
    """Register optimizers: factories that take ``learning_rate`` and return a Keras optimizer."""


@hookspec
def zoo_register_losses(register: Any) -> None:
    """Register losses: factories that take ``num_classes`` and ``from_logits`` and return a
    Keras loss."""


@hookspec
def zoo_register_metrics(register: Any) -> None:
    """Register metrics: factories that return a :class:`zoo_core.metrics.Metric` computed over a
    whole split."""


@hookspec
def zoo_register_schedules(register: Any) -> None:
    """Register learning-rate schedules: factories that take ``learning_rate``, ``steps_per_epoch``
    and ``epochs`` and return a float, a ``keras.optimizers.schedules.LearningRateSchedule`` or a
    :class:`zoo_core.schedules.EpochSchedule` callback."""


@hookspec
def zoo_run_started(run: Any) -> None:
    """Observe the start of a run, after every component is built and before the first epoch.

    ``run`` is the :class:`zoo_core.runner.RunContext` with the resolved configuration and the
    run directory.
    """


@hookspec
def zoo_epoch_ended(run: Any, epoch: int, logs: Mapping[str, float]) -> None:
    """Observe the end of an epoch (numbered from 1) with its loss and validation metrics."""


@hookspec
def zoo_run_finished(run: Any, metrics: Mapping[str, Mapping[str, float]]) -> None:
    """Observe the end of a run with its final metrics, keyed by split then metric name."""


#: Registration hook name for each kind of component.
REGISTRATION_HOOKS: dict[str, str] = {
    "dataset": "zoo_register_datasets",
    "augmentation": "zoo_register_augmentations",
    "architecture": "zoo_register_architectures",
    "optimizer": "zoo_register_optimizers",
    "loss": "zoo_register_losses",
    "metric": "zoo_register_metrics",
    "schedule": "zoo_register_schedules",
}

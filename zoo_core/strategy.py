"""Distribution strategies of a run, all from ``tf.distribute``.

- ``default``: TensorFlow's default strategy, one device.
- ``mirrored``: ``MirroredStrategy`` over every local GPU, or over every logical CPU device when
  there is no GPU (TensorFlow's own default would take a single CPU).
- ``multi-worker``: ``MultiWorkerMirroredStrategy``; the cluster and this process's task come
  from the ``TF_CONFIG`` environment variable. Every worker runs the same ``zoo run`` command.

The configured batch size is the global one: each step takes ``batch_size`` samples in total,
split across the replicas.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
from typing import Any

import numpy as np

from zoo_core.errors import ConfigError, RunError

logger = logging.getLogger(__name__)

STRATEGIES: tuple[str, ...] = ("default", "mirrored", "multi-worker")


def check_strategy_name(name: Any) -> None:
    """Raise ConfigError unless ``name`` is one of :data:`STRATEGIES`."""
    if name not in STRATEGIES:
        raise ConfigError(f"invalid training.strategy {name!r}", f"choose one of: {', '.join(STRATEGIES)}")


def check_run_settings(training: dict[str, Any]) -> None:
    """Fill in and check ``training.strategy`` (default ``default``) and ``training.tensorboard`` (false)."""
    training.setdefault("strategy", "default")
    training.setdefault("tensorboard", False)
    check_strategy_name(training["strategy"])
    if not isinstance(training["tensorboard"], bool):
        raise ConfigError(f"invalid training.tensorboard {training['tensorboard']!r}", "give true or false")
    if training["tensorboard"] and importlib.util.find_spec("tensorboard") is None:
        raise ConfigError("TensorBoard logs need the tensorboard package, which is not installed",
                          "install it with: pip install 'zoo-core[tensorboard]', or leave out --tensorboard")


def make_strategy(name: str) -> Any:
    """Create the ``tf.distribute`` strategy called ``name``.

    Create it before any other TensorFlow work: ``MultiWorkerMirroredStrategy`` must be made
    before TensorFlow's runtime starts.
    """
    check_strategy_name(name)
    import tensorflow as tf

    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        if gpus:
            return tf.distribute.MirroredStrategy([device.name for device in gpus])
        cpus = [device.name for device in tf.config.list_logical_devices("CPU")]
        # NCCL, the default all-reduce, needs GPUs, so on CPUs the values are summed on one device.
        return tf.distribute.MirroredStrategy(cpus, cross_device_ops=tf.distribute.ReductionToOneDevice())
    _check_tf_config()
    return tf.distribute.MultiWorkerMirroredStrategy()


def _check_tf_config() -> None:
    text = os.environ.get("TF_CONFIG")
    hint = ('set TF_CONFIG on every worker, e.g. {"cluster": {"worker": ["host1:2222", "host2:2222"]}, '
            '"task": {"type": "worker", "index": 0}}')
    if not text:
        raise RunError("the multi-worker strategy needs the TF_CONFIG environment variable", hint)
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise RunError(f"TF_CONFIG is not valid JSON: {error}", hint) from None
    if not isinstance(config, dict) or "cluster" not in config or "task" not in config:
        raise RunError("TF_CONFIG needs a 'cluster' and a 'task' entry", hint)


def is_chief(strategy: Any) -> bool:
    """Return whether this process writes the run directory: always, except on non-chief workers."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief


def describe_strategy(name: str, strategy: Any) -> dict[str, Any]:
    """Return the facts that ``run.json`` records: strategy name, replicas, workers and devices."""
    resolver = getattr(strategy, "cluster_resolver", None)
    workers = 1
    if resolver is not None and resolver.task_type:
        spec = resolver.cluster_spec().as_dict()
        workers = sum(len(spec.get(kind, [])) for kind in ("chief", "worker"))
    try:
        devices = list(strategy.extended.worker_devices)
    except RuntimeError:  # the default strategy has no device list
        devices = []
    return {
        "strategy": name,
        "replicas": int(strategy.num_replicas_in_sync),
        "workers": workers,
        "devices": [str(device) for device in devices],
    }


def predict_outputs(model: Any, batches: Any) -> np.ndarray:
    """Return the outputs (N, C) of ``model`` for a ``tf.data`` stream of image batches, in order.

    A model built under a distribution strategy is called directly, batch by batch, on this
    process: ``Model.predict`` would split the batches across replicas and workers, and under
    multi-worker training each worker would see only its shard.
    """
    import tensorflow as tf

    strategy = getattr(model, "distribute_strategy", None)
    distributed = (tf.distribute.MirroredStrategy, tf.distribute.MultiWorkerMirroredStrategy)
    if not isinstance(strategy, distributed):
        return np.asarray(model.predict(batches, verbose=0), dtype=np.float64)
    call = tf.function(lambda images: model(images, training=False), reduce_retracing=True)
    outputs = [np.asarray(call(images), dtype=np.float64) for images in batches]
    return np.concatenate(outputs) if outputs else np.zeros((0, model.output_shape[-1]), dtype=np.float64)


def prepare_fit(model: Any, strategy: Any, train_data: Any) -> None:
    """Build ``model``'s training state from one local batch when the strategy is multi-worker.

    Keras 3 (seen with 3.15 and TensorFlow 2.21; keras-team/keras issue 20585) builds the model
    symbolically at the start of ``Model.fit`` from the first distributed batch, which it passes
    to ``strategy.reduce``; ``MultiWorkerMirroredStrategy`` cannot reduce that batch and ``fit``
    fails for any model. Building from a local batch first and skipping that step avoids it.
    """
    import tensorflow as tf

    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return
    sample = next(iter(train_data))
    with strategy.scope():
        # NOTE: private Keras API; recheck on each Keras upgrade whether the workaround is still needed.
        model._symbolic_build(data_batch=sample)
    model._maybe_symbolic_build = lambda iterator=None, data_batch=None: None

    # The same Keras release averages each replica's logs with strategy.reduce(..., axis=0),
    # which fails on the scalar loss. Giving every log value one axis lets the mean go through,
    # and the reduced value is a scalar again.
    train_step = model.train_step

    def train_step_with_vector_logs(data: Any) -> dict[str, Any]:
        logs = train_step(data)
        return {name: tf.reshape(value, (-1,)) for name, value in logs.items()}

    model.train_step = train_step_with_vector_logs

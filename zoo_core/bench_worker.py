"""The process that measures one architecture for ``zoo bench``; run as ``python -m zoo_core.bench_worker``.

It reads a JSON task on standard input and writes one result line per phase on standard output,
each starting with :data:`RESULT_PREFIX`. The ``model`` phase comes first (parameters,
multiply-adds, build and compile time, latency at batch size 1). Then comes one ``batch`` phase
per batch size (inference and training throughput, peak memory). A parent that sees the process die knows from
the lines already written which phases finished, and starts a new worker for the rest.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, Callable

import numpy as np

from zoo_core.bench_memory import MemoryProbe

RESULT_PREFIX = "ZOO_BENCH_RESULT "


def main() -> int:
    """Read the task from standard input, run its phases and print their results."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    task = json.loads(sys.stdin.read())
    try:
        bench = ArchitectureBench(task)
        if task.get("model_phase", True):
            emit({"phase": "model", **bench.measure_model()})
        for batch_size in task["batch_sizes"]:
            emit({"phase": "batch", "batch_size": batch_size, **bench.measure_batch(batch_size)})
    except Exception as error:
        # The parent reads this line for the failed phase; the traceback still goes to stderr.
        emit({"phase": "error", "error": describe_error(error)})
        raise
    return 0


def describe_error(error: BaseException) -> str:
    """Return an error as one line: the exception type and its first line, or a ZooError's message and hint."""
    from zoo_core.errors import ZooError

    if isinstance(error, ZooError):
        return f"{error.message} ({error.hint})" if error.hint else error.message
    return f"{type(error).__name__}: {_first_line(error)}"


def emit(result: dict[str, Any]) -> None:
    """Print one result line for the parent process and flush it at once."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


class ArchitectureBench:
    """Builds the task's architecture and times its inference and training steps."""

    def __init__(self, task: dict[str, Any]) -> None:
        import keras

        from zoo_core.plugins import load_plugins

        self.task = task
        keras.mixed_precision.set_global_policy(task["precision"])
        selection = {"allow": task["allowed_plugins"]} if task.get("allowed_plugins") else {}
        plugins = load_plugins(disabled=task.get("disabled_plugins", ()), **selection)
        self.component = plugins.registry.get("architecture", task["architecture"])
        self.memory = MemoryProbe()
        self.model: Any = None

    def measure_model(self) -> dict[str, Any]:
        """Build and compile the model, count its size and time single-image inference."""
        started = time.perf_counter()
        self.model = self._build()
        build_seconds = time.perf_counter() - started
        result: dict[str, Any] = {"build_seconds": build_seconds, **_count(self.model)}
        result["compile_seconds"] = self._compile_and_first_step(1)
        steps = self.task["warmup"] + self.task["latency_samples"]
        times = _time_calls(self.model.predict_on_batch, (self._inputs(1),), steps)[self.task["warmup"]:]
        milliseconds = np.asarray(times) * 1000.0
        result["latency_ms"] = {f"p{q}": float(np.percentile(milliseconds, q)) for q in (50, 90, 99)}
        result["device"] = describe_device()
        return result

    def measure_batch(self, batch_size: int) -> dict[str, Any]:
        """Return the inference and training throughput and peak memory at ``batch_size``.

        An out-of-memory error is returned as ``status: out_of_memory`` instead of raised.
        """
        import tensorflow as tf

        if self.model is None:
            self.model = self._build()
            self._compile_and_first_step(batch_size)
        self.memory.reset()
        try:
            inference = self._throughput(self.model.predict_on_batch, (self._inputs(batch_size),), batch_size)
            images, labels = self._inputs(batch_size), self._labels(batch_size)
            training = self._throughput(self.model.train_on_batch, (images, labels), batch_size)
        except tf.errors.ResourceExhaustedError as error:
            return {"status": "out_of_memory", "error": _first_line(error)}
        return {
            "status": "ok",
            "inference_images_per_second": float(np.median(inference)),
            "training_images_per_second": float(np.median(training)),
            "inference_repeats": inference,
            "training_repeats": training,
            "peak_memory_mb": self.memory.peak_mb(),
            "memory_source": self.memory.source,
        }

    def _build(self) -> Any:
        return self.component.build(self.task.get("params", {}), input_shape=tuple(self.task["input_shape"]),
                                    num_classes=self.task["num_classes"])

    def _compile_and_first_step(self, batch_size: int) -> float:
        """Compile the model and run one training step; return the seconds both took.

        Keras traces (and with XLA compiles) the training function on its first call, so that
        first step is part of the compile time.
        """
        import keras

        started = time.perf_counter()
        self.model.compile(
            optimizer=keras.optimizers.Adam(),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=self.task.get("from_logits", True)),
            jit_compile=self.task["jit_compile"],
        )
        self.model.train_on_batch(self._inputs(batch_size), self._labels(batch_size))
        return time.perf_counter() - started

    def _throughput(self, step: Callable[..., Any], arguments: tuple[Any, ...], batch_size: int) -> list[float]:
        """Return images per second of each timed repeat, after the warm-up calls."""
        _time_calls(step, arguments, self.task["warmup"])
        rates = []
        for _ in range(self.task["repeats"]):
            seconds = sum(_time_calls(step, arguments, self.task["steps"]))
            rates.append(batch_size * self.task["steps"] / seconds)
        return rates

    def _inputs(self, batch_size: int) -> np.ndarray:
        rng = np.random.default_rng(batch_size)
        return rng.random((batch_size, *self.task["input_shape"]), dtype=np.float32)

    def _labels(self, batch_size: int) -> np.ndarray:
        rng = np.random.default_rng(batch_size)
        return rng.integers(0, self.task["num_classes"], size=batch_size).astype(np.int32)


def _time_calls(step: Callable[..., Any], arguments: tuple[Any, ...], count: int) -> list[float]:
    """Call ``step`` ``count`` times and return the seconds of each call.

    ``predict_on_batch`` and ``train_on_batch`` return NumPy values, so each call has finished on
    the device when it returns.
    """
    times = []
    for _ in range(count):
        started = time.perf_counter()
        step(*arguments)
        times.append(time.perf_counter() - started)
    return times


def _count(model: Any) -> dict[str, Any]:
    """Return the parameter counts, multiply-adds and FLOPs per image of ``model``."""
    from zoo_core.model_stats import model_stats

    stats = model_stats(model)
    return {
        "trainable_params": stats["params"],
        "non_trainable_params": stats["non_trainable_params"],
        "total_params": stats["params"] + stats["non_trainable_params"],
        "macs": stats["macs"],
        "flops": stats["flops"],
    }


def describe_device() -> dict[str, Any]:
    """Return the accelerator that TensorFlow uses, or the CPU when TensorFlow finds no GPU."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return {"type": "CPU", "name": "none"}
    details = tf.config.experimental.get_device_details(gpus[0])
    return {"type": "GPU", "name": details.get("device_name", gpus[0].name), "count": len(gpus)}


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


if __name__ == "__main__":
    sys.exit(main())

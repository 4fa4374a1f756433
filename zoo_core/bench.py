"""``zoo bench``: measure the speed and size of architectures, each in its own worker process.

The parent never imports TensorFlow. For each architecture it starts
``python -m zoo_core.bench_worker`` (see that module for the phases) and reads the result lines.
When a worker dies (out of memory, a crash, the time limit), the parent records the reason for
the phase that was running and starts a new worker for the batch sizes that remain.
Architectures run one after another, so no two measurements share the machine.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable

from zoo_core.components import Component, validate_parameters
from zoo_core.errors import ConfigError
from zoo_core.registry import Registry

logger = logging.getLogger(__name__)

#: Keras dtype policy for each ``--precision`` choice.
PRECISION_POLICIES: dict[str, str] = {
    "float32": "float32",
    "float16": "mixed_float16",
    "bfloat16": "mixed_bfloat16",
}

#: Version of the JSON layout that :func:`run_bench` returns.
REPORT_FORMAT = 1


@dataclass
class BenchSettings:
    """Settings of one ``zoo bench`` invocation, the same for every architecture."""

    input_shape: tuple[int, int, int] = (32, 32, 3)
    num_classes: int = 10
    batch_sizes: tuple[int, ...] = (1, 32)
    #: Untimed calls before each timed phase, so tracing and compilation are not timed.
    warmup: int = 3
    #: Calls per timed repeat; throughput is the median over ``repeats``.
    steps: int = 10
    repeats: int = 3
    #: Single-image inference calls timed for the latency percentiles.
    latency_samples: int = 50
    jit_compile: bool = False
    precision: str = "float32"
    #: Seconds one worker may run before it is stopped; None waits for ever.
    timeout: float | None = None
    params: dict[str, Any] = field(default_factory=dict)
    disabled_plugins: tuple[str, ...] = ()
    #: The ``--allow-plugin`` selection; None loads every plugin that is not disabled.
    allowed_plugins: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check_settings(self)

    def describe(self) -> dict[str, Any]:
        """Return the settings as written to the JSON report."""
        described = asdict(self)
        described["dtype_policy"] = PRECISION_POLICIES[self.precision]
        described["optimizer"] = "adam"
        return described


def check_settings(settings: BenchSettings) -> None:
    """Raise ConfigError naming the first invalid benchmark setting."""
    if len(settings.input_shape) != 3 or min(settings.input_shape) < 1:
        raise ConfigError(f"invalid input shape {settings.input_shape}", "give HEIGHT,WIDTH,CHANNELS, e.g. 32,32,3")
    if settings.num_classes < 2:
        raise ConfigError(f"invalid class count {settings.num_classes}", "give at least 2 classes")
    if not settings.batch_sizes or min(settings.batch_sizes) < 1:
        raise ConfigError(f"invalid batch sizes {settings.batch_sizes}", "give positive sizes, e.g. 1,32")
    for name in ("steps", "repeats", "latency_samples"):
        if getattr(settings, name) < 1:
            raise ConfigError(f"invalid {name} {getattr(settings, name)}", f"give {name} of at least 1")
    if settings.warmup < 0:
        raise ConfigError(f"invalid warmup {settings.warmup}", "give 0 or more warm-up steps")
    if settings.precision not in PRECISION_POLICIES:
        raise ConfigError(f"invalid precision {settings.precision!r}",
                          f"choose one of {', '.join(PRECISION_POLICIES)}")


def select_architectures(registry: Registry, include: Iterable[str], exclude: Iterable[str] = (),
                         tags: Iterable[str] = ()) -> list[Component]:
    """Return the architectures that match ``include`` (wildcards, ``all``), not ``exclude``, and
    carry at least one of ``tags`` when tags are given.

    Raises ConfigError when nothing matches, listing the installed architectures.
    """
    include, exclude, tags = list(include), list(exclude), list(tags)
    selected = registry.filter("architecture", include, exclude)
    if tags:
        selected = [c for c in selected if set(tags) & set(c.tags)]
    if not selected:
        names = ", ".join(c.name for c in registry.components("architecture")) or "none"
        raise ConfigError(
            f"no architecture matches {' '.join(include) or 'all'}"
            + (f" without {' '.join(exclude)}" if exclude else "")
            + (f" with the tag {' or '.join(tags)}" if tags else ""),
            f"installed architectures: {names}. Patterns take shell wildcards, e.g. 'resnet*'",
        )
    return selected


def run_bench(components: list[Component], settings: BenchSettings,
              progress: Callable[[int, int, Component], None] | None = None) -> dict[str, Any]:
    """Measure every architecture in ``components`` and return the report (see ``docs/benchmarking.md``)."""
    from zoo_core.machine import describe_machine, package_versions

    for component in components:
        validate_parameters(component, settings.params)
    report: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "settings": settings.describe(),
        "machine": describe_machine(),
        "versions": package_versions(),
        "architectures": [],
    }
    for position, component in enumerate(components):
        if progress is not None:
            progress(position, len(components), component)
        result = bench_architecture(component, settings)
        report["architectures"].append(result)
        if report["machine"].get("accelerator") is None and "device" in result:
            report["machine"]["accelerator"] = result.pop("device")
        result.pop("device", None)
    return report


def bench_architecture(component: Component, settings: BenchSettings) -> dict[str, Any]:
    """Measure one architecture in worker processes and return its figures.

    ``status`` is ``ok``, or ``failed``, ``out_of_memory`` or ``timed_out`` with ``error`` when the
    model phase did not finish (nothing else is measured then). Each entry of ``batches`` has its
    own ``status`` from the same four.
    """
    result: dict[str, Any] = {"name": component.name, "id": component.id, "plugin": component.plugin,
                              "status": "ok", "batches": []}
    params = validate_parameters(component, settings.params)
    pending = list(settings.batch_sizes)
    model_phase = True
    while model_phase or pending:
        task = _task(component, params, settings, pending, model_phase)
        lines, failure = _run_worker(task, settings.timeout)
        for line in lines:
            if line["phase"] == "model":
                result.update({k: v for k, v in line.items() if k != "phase"})
                model_phase = False
            else:
                result["batches"].append({k: v for k, v in line.items() if k != "phase"})
                pending.remove(line["batch_size"])
        if failure is None:
            break
        if model_phase:
            result.update(status=failure["status"], error=failure["error"])
            logger.warning("%s failed before any measurement: %s", component.name, failure["error"])
            break
        failed_size = pending.pop(0)
        result["batches"].append({"batch_size": failed_size, **failure})
        logger.warning("%s at batch size %d: %s", component.name, failed_size, failure["status"])
    result["batches"] = sorted(result.pop("batches"), key=lambda entry: entry["batch_size"])
    return result


def _task(component: Component, params: dict[str, Any], settings: BenchSettings, batch_sizes: list[int],
          model_phase: bool) -> dict[str, Any]:
    return {
        "architecture": component.id,
        "params": params,
        "input_shape": list(settings.input_shape),
        "num_classes": settings.num_classes,
        "from_logits": component.metadata.get("outputs", "logits") != "probabilities",
        "batch_sizes": batch_sizes,
        "model_phase": model_phase,
        "warmup": settings.warmup,
        "steps": settings.steps,
        "repeats": settings.repeats,
        "latency_samples": settings.latency_samples,
        "jit_compile": settings.jit_compile,
        "precision": PRECISION_POLICIES[settings.precision],
        "disabled_plugins": list(settings.disabled_plugins),
        "allowed_plugins": list(settings.allowed_plugins) if settings.allowed_plugins else None,
    }


def _run_worker(task: dict[str, Any], timeout: float | None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Run one worker; return its result lines and, when it did not finish, why."""
    from zoo_core.bench_worker import RESULT_PREFIX

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}
    command = [sys.executable, "-m", "zoo_core.bench_worker"]
    try:
        finished = subprocess.run(command, input=json.dumps(task), capture_output=True, text=True,
                                  timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as expired:
        stdout = _text(expired.stdout)
        return _parse(stdout, RESULT_PREFIX), {"status": "timed_out", "error": f"stopped after {timeout:g} s"}
    lines = _parse(finished.stdout, RESULT_PREFIX)
    errors = [line["error"] for line in lines if line["phase"] == "error"]
    lines = [line for line in lines if line["phase"] != "error"]
    if finished.returncode == 0:
        return lines, None
    return lines, _describe_failure(finished.returncode, finished.stderr, errors[0] if errors else None)


def _describe_failure(returncode: int, stderr: str, error: str | None = None) -> dict[str, Any]:
    """Classify a worker that exited with ``returncode``.

    ``error`` is the one-line error that the worker reported, if it could. Without it, the last
    line of the worker's error output is used.
    """
    last = error or next((line.strip() for line in reversed(stderr.splitlines()) if line.strip()), "")
    if returncode == -signal.SIGKILL:
        # The Linux out-of-memory killer ends a process with SIGKILL and leaves no message.
        return {"status": "out_of_memory", "error": "the worker was killed (SIGKILL), most likely out of memory"}
    if "ResourceExhausted" in last or "MemoryError" in last or "out of memory" in last.lower():
        return {"status": "out_of_memory", "error": last}
    return {"status": "failed", "error": last or f"the worker exited with status {returncode}"}


def _parse(stdout: str, prefix: str) -> list[dict[str, Any]]:
    return [json.loads(line[len(prefix):]) for line in stdout.splitlines() if line.startswith(prefix)]


def _text(output: bytes | str | None) -> str:
    if output is None:
        return ""
    return output.decode("utf-8", "replace") if isinstance(output, bytes) else output

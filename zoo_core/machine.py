"""The machine and package versions that benchmark figures were taken with, read without TensorFlow."""

from __future__ import annotations

import importlib.metadata as metadata
import os
import platform
from pathlib import Path
from typing import Any

from zoo_core import __version__


def describe_machine() -> dict[str, Any]:
    """Return the processor, core count, memory and operating system of this machine.

    ``accelerator`` is None here; ``zoo bench`` fills it from the devices that TensorFlow lists in a worker.
    """
    return {
        "processor": _processor_name(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": _memory_gb(),
        "system": f"{platform.system()} {platform.release()}",
        "machine": platform.machine(),
        "accelerator": None,
    }


def package_versions() -> dict[str, str | None]:
    """Return the versions of Python, zoo-core, TensorFlow, Keras and NumPy, from package metadata."""
    return {
        "python": platform.python_version(),
        "zoo-core": __version__,
        "tensorflow": _distribution_version("tensorflow", "tensorflow-cpu"),
        "keras": _distribution_version("keras"),
        "numpy": _distribution_version("numpy"),
    }


def _processor_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown"


def _memory_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _distribution_version(*names: str) -> str | None:
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None

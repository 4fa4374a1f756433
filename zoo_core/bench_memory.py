"""Peak memory of a benchmark phase: the accelerator's allocator, or the process's resident set.

On a GPU, TensorFlow's allocator keeps a peak that can be reset. On a CPU, Linux keeps the peak
resident set size (``VmHWM`` in ``/proc/self/status``), which writing ``5`` to
``/proc/self/clear_refs`` resets (Linux 4.0 and later). Elsewhere the process's lifetime peak from
``resource.getrusage`` is the best figure available, and it never goes down between phases.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path


class MemoryProbe:
    """Measures the peak memory between a :meth:`reset` and a :meth:`peak_mb` call."""

    def __init__(self) -> None:
        import tensorflow as tf

        self._gpu = "GPU:0" if tf.config.list_physical_devices("GPU") else None
        if self._gpu:
            self.source = "gpu_allocator_peak"
        elif _can_reset_rss_peak():
            self.source = "process_peak_rss"
        else:
            self.source = "process_lifetime_peak_rss"

    def reset(self) -> None:
        """Start a new measuring window, where the platform allows it."""
        if self.source == "gpu_allocator_peak":
            import tensorflow as tf

            tf.config.experimental.reset_memory_stats(self._gpu)
        elif self.source == "process_peak_rss":
            Path("/proc/self/clear_refs").write_text("5")

    def peak_mb(self) -> float:
        """Return the peak memory since the last reset, in MiB."""
        if self.source == "gpu_allocator_peak":
            import tensorflow as tf

            return tf.config.experimental.get_memory_info(self._gpu)["peak"] / 2**20
        if self.source == "process_peak_rss":
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        # ru_maxrss is in bytes on macOS and in KiB on Linux.
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _can_reset_rss_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return Path("/proc/self/status").is_file()

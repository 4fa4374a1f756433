"""Hook tracing: log every call of a plugin's hook implementation with its duration.

Enabled with ``zoo --trace-hooks`` or ``ZOO_TRACE_HOOKS=1``. Each call is one line on the
``zoo_core.trace`` logger, which then logs at INFO level whatever the ``-v`` setting.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from typing import Any, Callable

import pluggy

TRACE_ENV = "ZOO_TRACE_HOOKS"

logger = logging.getLogger("zoo_core.trace")


def tracing_requested(option: bool | None = None) -> bool:
    """Return ``option`` when given, else whether ``ZOO_TRACE_HOOKS`` is set to a true value."""
    if option is not None:
        return option
    return os.environ.get(TRACE_ENV, "") not in ("", "0", "false")


def set_tracing(enabled: bool) -> None:
    """Let the trace logger emit INFO records through the ``zoo_core`` handlers, or stop it."""
    logger.setLevel(logging.INFO if enabled else logging.NOTSET)


def trace_plugin(manager: pluggy.PluginManager, plugin_name: str) -> None:
    """Wrap each hook implementation of ``plugin_name`` so that every call is logged and timed.

    Callers that invoke ``HookImpl.function`` directly (the loader, the runner) and calls
    through ``manager.hook`` are both traced, because the wrapper replaces the function itself.
    """
    plugin = manager.get_plugin(plugin_name)
    for caller in manager.get_hookcallers(plugin) or []:
        for impl in caller.get_hookimpls():
            if impl.plugin_name == plugin_name:
                impl.function = _timed(impl.function, caller.name, plugin_name)


def log_import(plugin_name: str, seconds: float) -> None:
    """Log how long importing a plugin's module took."""
    logger.info("import plugin %s: %.2f ms", plugin_name, seconds * 1000)


def _timed(function: Callable[..., Any], hook_name: str, plugin_name: str) -> Callable[..., Any]:
    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        outcome = "raised"
        try:
            result = function(*args, **kwargs)
            outcome = "ok"
            return result
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            logger.info("hook %s: plugin %s, %.2f ms, %s", hook_name, plugin_name, elapsed, outcome)

    return call

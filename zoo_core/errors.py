"""Exceptions that the CLI reports as a message and a hint, without a traceback."""

from __future__ import annotations


class ZooError(Exception):
    """An error caused by the user's input, with a hint on what to do next."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\nHint: {self.hint}"
        return self.message


class UnknownComponentError(ZooError):
    """No registered component matches the requested name."""


class AmbiguousNameError(ZooError):
    """A short name matches components of several plugins."""


class ParameterError(ZooError):
    """A component parameter is unknown, missing or of the wrong type."""


class ConfigError(ZooError):
    """A run configuration file or override is missing or invalid."""


class DataError(ZooError):
    """A dataset cannot be read or does not match its format."""


class RunError(ZooError):
    """A run cannot start or failed while training."""


class PluginError(ZooError):
    """A plugin failed to load, and strict mode turns that into an error."""

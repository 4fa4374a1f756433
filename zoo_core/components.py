"""Component records: what a plugin registered, and how to build it.

A factory's keyword parameters are the component's parameters. Some names are context that the
runner supplies itself (``CONTEXT_ARGS``), such as ``input_shape`` for an architecture. A factory
receives only the context it declares, and users cannot set it.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from zoo_core.errors import ParameterError

KINDS: tuple[str, ...] = (
    "dataset",
    "augmentation",
    "architecture",
    "optimizer",
    "loss",
    "metric",
    "schedule",
)

#: Arguments that the runner passes to a factory of each kind when the factory declares them.
CONTEXT_ARGS: dict[str, tuple[str, ...]] = {
    "dataset": ("seed",),
    "augmentation": ("value_range", "seed"),
    "architecture": ("input_shape", "num_classes"),
    "optimizer": ("learning_rate",),
    "loss": ("num_classes", "from_logits"),
    "metric": ("num_classes", "class_names"),
    # learning_rate is the base rate: the run's, or the optimizer's default. Schedules count
    # optimizer steps, so steps_per_epoch is 1 for full-batch gradient descent.
    "schedule": ("learning_rate", "steps_per_epoch", "epochs"),
}

_NO_DEFAULT = inspect.Parameter.empty


@dataclass(frozen=True)
class Parameter:
    """One user-settable parameter of a factory."""

    name: str
    default: Any = _NO_DEFAULT
    annotation: Any = _NO_DEFAULT

    @property
    def required(self) -> bool:
        """Whether the factory has no default for this parameter."""
        return self.default is _NO_DEFAULT

    def describe_type(self) -> str:
        """Return the parameter's type as a short readable string."""
        if self.annotation is not _NO_DEFAULT:
            return _type_name(self.annotation)
        if not self.required and self.default is not None:
            return type(self.default).__name__
        return "any"


@dataclass
class Component:
    """A registered component: its factory and the facts recorded without building it."""

    kind: str
    name: str
    plugin: str
    factory: Callable[..., Any] | str
    distribution: str = ""
    version: str = ""
    summary: str = ""
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The qualified id, ``plugin:name``, which is unique across plugins."""
        return f"{self.plugin}:{self.name}"

    def load_factory(self) -> Callable[..., Any]:
        """Import and return the factory callable (a ``"module:attr"`` string is resolved here)."""
        if callable(self.factory):
            return self.factory
        module_name, _, attribute = self.factory.partition(":")
        try:
            target: Any = importlib.import_module(module_name)
            for part in attribute.split("."):
                target = getattr(target, part)
        except (ImportError, AttributeError) as error:
            raise ParameterError(
                f"{self.kind} {self.id!r}: cannot load its factory {self.factory!r}: {error}",
                f"reinstall the plugin {self.plugin!r} ({self.distribution or 'unknown distribution'})",
            ) from error
        if not callable(target):
            raise ParameterError(f"{self.kind} {self.id!r}: factory {self.factory!r} is not callable")
        return target

    def parameters(self) -> dict[str, Parameter]:
        """Return the user-settable parameters, read from the factory's signature."""
        factory = self.load_factory()
        signature = inspect.signature(factory)
        hints = _resolve_hints(factory)
        context = CONTEXT_ARGS.get(self.kind, ())
        params: dict[str, Parameter] = {}
        for param in signature.parameters.values():
            if param.name in context:
                continue
            if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                continue
            params[param.name] = Parameter(
                param.name, param.default, hints.get(param.name, param.annotation)
            )
        return params

    def context_arguments(self) -> tuple[str, ...]:
        """Return the context arguments that the factory declares."""
        signature = inspect.signature(self.load_factory())
        return tuple(name for name in CONTEXT_ARGS.get(self.kind, ()) if name in signature.parameters)

    def build(self, params: Mapping[str, Any], **context: Any) -> Any:
        """Validate ``params``, then call the factory with them and the context it declares."""
        checked = validate_parameters(self, params)
        declared = self.context_arguments()
        kwargs = {name: context[name] for name in declared if name in context}
        kwargs.update(checked)
        factory = self.load_factory()
        try:
            return factory(**kwargs)
        except (ValueError, TypeError) as error:
            raise ParameterError(
                f"{self.kind} {self.id!r} rejected its parameters {dict(checked)}: {error}",
                f"see the accepted values with `zoo info {self.id}`",
            ) from error

    def describe(self) -> dict[str, Any]:
        """Return a JSON-ready description of the component, without building it."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "plugin": self.plugin,
            "distribution": self.distribution,
            "version": self.version,
            "summary": self.summary,
            "aliases": list(self.aliases),
            "tags": list(self.tags),
        }


def validate_parameters(component: Component, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``params`` against the factory's signature and return them with types coerced.

    Raises ParameterError naming the component and the offending parameter, and listing the
    accepted names or the expected type.
    """
    accepted = component.parameters()
    checked: dict[str, Any] = {}
    for key, value in params.items():
        if key not in accepted:
            raise ParameterError(
                f"{component.kind} {component.id!r} has no parameter {key!r}",
                _accepted_hint(key, accepted),
            )
        checked[key] = _coerce(component, accepted[key], value)
    missing = [p.name for p in accepted.values() if p.required and p.name not in checked]
    if missing:
        raise ParameterError(
            f"{component.kind} {component.id!r} needs the parameter(s) {', '.join(missing)}",
            f"set them in the [{component.kind}] table or with --set {component.kind}.{missing[0]}=VALUE",
        )
    return checked


def _accepted_hint(key: str, accepted: Mapping[str, Parameter]) -> str:
    import difflib

    if not accepted:
        return "this component takes no parameters"
    close = difflib.get_close_matches(key, list(accepted), n=1)
    names = ", ".join(sorted(accepted))
    if close:
        return f"did you mean {close[0]!r}? Accepted parameters: {names}"
    return f"accepted parameters: {names}"


def _coerce(component: Component, param: Parameter, value: Any) -> Any:
    """Return ``value`` converted to the parameter's type, or raise ParameterError."""
    expected = param.annotation
    if expected is _NO_DEFAULT:
        if param.required or param.default is None:
            return value
        expected = type(param.default)
    try:
        return _convert(value, expected)
    except (TypeError, ValueError) as error:
        raise ParameterError(
            f"{component.kind} {component.id!r}: invalid value {value!r} for parameter "
            f"{param.name!r}: {error}",
            f"give a value of type {param.describe_type()} (default: {param.default!r})",
        ) from None


def _convert(value: Any, expected: Any) -> Any:
    import typing

    origin = typing.get_origin(expected)
    args = typing.get_args(expected)
    if expected is Any:
        return value
    if origin is typing.Literal:
        if value in args:
            return value
        raise ValueError(f"expected one of {', '.join(repr(a) for a in args)}")
    if origin in (typing.Union, _union_type()):
        if value is None and type(None) in args:
            return None
        errors = []
        for option in args:
            if option is type(None):
                continue
            try:
                return _convert(value, option)
            except (TypeError, ValueError) as error:
                errors.append(str(error))
        raise ValueError("; ".join(errors))
    if origin in (tuple, list):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise ValueError(f"expected a list, got {type(value).__name__}")
        item_type = args[0] if args else Any
        items = [_convert(item, item_type) for item in value]
        return tuple(items) if origin is tuple else items
    if expected is bool:
        if isinstance(value, bool):
            return value
        raise ValueError("expected true or false")
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("expected an integer")
        return value
    if expected is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("expected a number")
        return float(value)
    if expected is str:
        if not isinstance(value, str):
            raise ValueError("expected a string")
        return value
    if expected in (tuple, list):
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"expected a list, got {type(value).__name__}")
        return expected(value)
    return value


def _union_type() -> Any:
    import types

    return types.UnionType


def _resolve_hints(factory: Callable[..., Any]) -> dict[str, Any]:
    import typing

    try:
        return typing.get_type_hints(factory)
    except Exception:  # noqa: BLE001 - unresolvable annotations fall back to the defaults' types
        return {}


def _type_name(annotation: Any) -> str:
    import typing

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    if origin in (typing.Union, _union_type()):
        return " | ".join(_type_name(a) for a in args)
    if origin in (tuple, list):
        return f"{origin.__name__}[{', '.join(_type_name(a) for a in args)}]"
    if annotation is type(None):
        return "None"
    if annotation is Ellipsis:
        return "..."
    return getattr(annotation, "__name__", str(annotation))

"""Run configuration: TOML tables, defaults and ``--set section.key=value`` overrides.

A configuration has one table per kind of component (``[dataset]``, ``[augmentation]``,
``[architecture]``, ``[optimizer]``, ``[loss]``, ``[schedule]``) holding ``name`` and the
component's parameters, a ``[[metrics]]`` list of such tables, and a ``[training]`` table.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any, Iterable, Mapping

from zoo_core.errors import ConfigError

COMPONENT_SECTIONS: tuple[str, ...] = ("dataset", "augmentation", "architecture", "optimizer", "loss", "schedule")

DEFAULT_TRAINING: dict[str, Any] = {
    "epochs": 30,
    "batch_size": 32,
    # None means the optimizer's own default learning rate.
    "learning_rate": None,
    "seed": 0,
    "validation_fraction": 0.15,
    "test_fraction": 0.15,
    # None, "balanced", a list with one weight per class, or a table of class name = weight.
    "class_weight": None,
}

DEFAULT_CONFIG: dict[str, Any] = {
    "dataset": {"name": "digits"},
    "augmentation": {"name": "none"},
    "architecture": {"name": "simple-cnn"},
    "optimizer": {"name": "adam"},
    "loss": {"name": "cross-entropy"},
    "schedule": {"name": "constant"},
    "metrics": [{"name": "accuracy"}, {"name": "precision"}, {"name": "recall"}, {"name": "f1"}],
    "training": dict(DEFAULT_TRAINING),
}

_TOP_LEVEL = (*COMPONENT_SECTIONS, "metrics", "training")


def default_config() -> dict[str, Any]:
    """Return a fresh copy of the default configuration (simple-cnn on digits)."""
    return copy.deepcopy(DEFAULT_CONFIG)


def load_config_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML run configuration and return it merged over the defaults.

    Raises ConfigError when the file is missing, is not valid TOML, or has unknown tables.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(
            f"configuration file not found: {path}",
            "check the path given to --config, or run without it to use the defaults",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"invalid TOML in {path}: {error}",
            "fix the syntax at the line and column given",
        ) from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path} is not UTF-8 text: {error}", "save the file as UTF-8") from None
    return merge_config(default_config(), data, source=str(path))


def merge_config(base: dict[str, Any], update: Mapping[str, Any], source: str = "configuration") -> dict[str, Any]:
    """Return ``base`` with the tables of ``update`` applied.

    A component table with a different ``name`` replaces the base table, because parameters of
    one component mean nothing to another. A table with the same or no name updates it.
    """
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if key not in _TOP_LEVEL:
            raise ConfigError(
                f"unknown table [{key}] in {source}",
                f"the tables are: {', '.join(_TOP_LEVEL)}",
            )
        if key == "metrics":
            merged["metrics"] = [_component_table(item, "metrics", source) for item in _as_list(value, source)]
        elif key == "training":
            if not isinstance(value, Mapping):
                raise ConfigError(f"[training] in {source} must be a table", "write it as [training]")
            merged["training"].update(value)
        else:
            table = _component_table(value, key, source, require_name=False)
            if "name" in table and table["name"] != merged[key].get("name"):
                merged[key] = table
            else:
                merged[key].update(table)
    return merged


def _as_list(value: Any, source: str) -> list[Any]:
    if isinstance(value, Mapping):
        return [value]
    if not isinstance(value, list):
        raise ConfigError(f"metrics in {source} must be a list of tables", "write each one as [[metrics]]")
    return value


def _component_table(value: Any, key: str, source: str, require_name: bool = True) -> dict[str, Any]:
    if isinstance(value, str):
        return {"name": value}
    if not isinstance(value, Mapping):
        raise ConfigError(f"[{key}] in {source} must be a table", f"write it as [{key}] with a name = \"...\" line")
    if require_name and "name" not in value:
        raise ConfigError(f"a [[{key}]] entry in {source} has no name", 'add name = "..." to it')
    if "name" in value and not isinstance(value["name"], str):
        raise ConfigError(f"[{key}] name in {source} must be a string, got {value['name']!r}")
    return dict(value)


def parse_override(text: str) -> tuple[list[str], Any]:
    """Parse ``section.key=value`` into its key path and value.

    The value is read as a TOML value (``3``, ``0.1``, ``true``, ``[1, 2]``, ``"text"``). Anything
    that is not valid TOML is taken as a plain string, so ``--set dataset.path=/data`` works.
    """
    path_text, sep, value_text = text.partition("=")
    if not sep or not path_text.strip():
        raise ConfigError(f"invalid override {text!r}", "write it as section.key=value, e.g. training.epochs=5")
    path = [part.strip() for part in path_text.strip().split(".")]
    if len(path) < 2 or not all(path):
        raise ConfigError(
            f"invalid override key {path_text!r} in {text!r}",
            "name a table and a key, e.g. architecture.filters=64",
        )
    return path, parse_value(value_text.strip())


def parse_value(text: str) -> Any:
    """Read one command-line value as TOML, falling back to the raw string."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def apply_overrides(config: dict[str, Any], overrides: Iterable[str]) -> dict[str, Any]:
    """Return ``config`` with each ``section.key=value`` override applied in order."""
    result = copy.deepcopy(config)
    for text in overrides:
        path, value = parse_override(text)
        section = path[0]
        if section == "metrics":
            raise ConfigError(
                f"cannot override {text!r}: metrics is a list",
                "choose metrics with --metric NAME (repeatable) or [[metrics]] tables",
            )
        if section not in _TOP_LEVEL:
            raise ConfigError(f"unknown table {section!r} in override {text!r}", f"the tables are: {', '.join(_TOP_LEVEL)}")
        if path[1:] == ["name"] and section in COMPONENT_SECTIONS:
            if value != result[section].get("name"):
                result[section] = {"name": value}
            continue
        target = result[section]
        for part in path[1:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                raise ConfigError(f"cannot set {text!r}: {part!r} is not a table")
        target[path[-1]] = value
    return result


def split_component(table: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return a component table's name and its parameters."""
    params = dict(table)
    name = params.pop("name", None)
    if not isinstance(name, str) or not name:
        raise ConfigError(f"a component table has no name: {dict(table)!r}", 'add name = "..." to it')
    return name, params


def validate_training(training: Mapping[str, Any]) -> dict[str, Any]:
    """Check the ``[training]`` table and return it with the defaults filled in."""
    result = dict(DEFAULT_TRAINING)
    for key, value in training.items():
        if key not in DEFAULT_TRAINING and key not in _EXTRA_TRAINING_KEYS:
            import difflib

            close = difflib.get_close_matches(key, [*DEFAULT_TRAINING, *_EXTRA_TRAINING_KEYS], n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(
                f"unknown training setting {key!r}",
                hint + f"accepted: {', '.join(sorted([*DEFAULT_TRAINING, *_EXTRA_TRAINING_KEYS]))}",
            )
        result[key] = value
    _check_positive_int(result, "epochs")
    _check_positive_int(result, "batch_size")
    _check_int(result, "seed")
    lr = result["learning_rate"]
    if lr is not None and (isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0):
        raise ConfigError(f"invalid training.learning_rate {lr!r}", "give a positive number, e.g. 0.001")
    for key in ("validation_fraction", "test_fraction"):
        value = result[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise ConfigError(f"invalid training.{key} {value!r}", "give a fraction between 0 and 1, e.g. 0.15")
    if result["validation_fraction"] + result["test_fraction"] >= 1:
        raise ConfigError(
            "training.validation_fraction + training.test_fraction must be below 1",
            "lower one of them so that some samples are left for training",
        )
    from zoo_core.class_weights import check_class_weight_setting

    check_class_weight_setting(result["class_weight"])
    from zoo_core.strategy import check_run_settings

    check_run_settings(result)
    from zoo_core.precision import check_precision_settings

    check_precision_settings(result)
    return result


#: Training settings that later features read; accepted here so configurations can carry them.
_EXTRA_TRAINING_KEYS: tuple[str, ...] = ("strategy", "tensorboard", "precision", "xla")


def _check_positive_int(values: Mapping[str, Any], key: str) -> None:
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"invalid training.{key} {value!r}", "give a positive integer")


def _check_int(values: Mapping[str, Any], key: str) -> None:
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"invalid training.{key} {value!r}", "give a non-negative integer")

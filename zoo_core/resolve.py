"""Resolution of a run configuration into registered components with checked parameters.

Everything here runs before any component is built, so a misspelt name or parameter fails in
milliseconds and without importing TensorFlow.
"""

from __future__ import annotations

import os

from dataclasses import dataclass, field
from typing import Any, Mapping

from zoo_core.components import Component, validate_parameters
from zoo_core.config import COMPONENT_SECTIONS, split_component, validate_training
from zoo_core.errors import ConfigError
from zoo_core.outputs import strip_output_setting
from zoo_core.registry import Registry


@dataclass
class ResolvedComponent:
    """A component chosen by a configuration, with its validated parameters."""

    component: Component
    params: dict[str, Any]

    def describe(self) -> dict[str, Any]:
        """Return the table written to ``config.json``: name, id, provenance and parameters."""
        return {
            "name": self.component.name,
            "id": self.component.id,
            "plugin": self.component.plugin,
            "distribution": self.component.distribution,
            "version": self.component.version,
            "params": dict(self.params),
        }


@dataclass
class ResolvedRun:
    """One component of each kind, any number of metrics, and the training settings."""

    components: dict[str, ResolvedComponent]
    metrics: list[ResolvedComponent]
    training: dict[str, Any]
    raw_config: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, section: str) -> ResolvedComponent:
        return self.components[section]

    def distributions(self) -> dict[str, str]:
        """Return the distribution and version of every plugin that a component came from."""
        used = [*self.components.values(), *self.metrics]
        return {r.component.distribution: r.component.version for r in used if r.component.distribution}


def resolve_run(config: Mapping[str, Any], registry: Registry) -> ResolvedRun:
    """Look up every component of ``config`` and validate all parameters, building nothing."""
    components: dict[str, ResolvedComponent] = {}
    for section in COMPONENT_SECTIONS:
        table = config.get(section)
        if table is None:
            raise ConfigError(f"the configuration has no [{section}] table", f'add [{section}] with name = "..."')
        if section == "loss":
            # The architecture decides from_logits; a [loss] table may only repeat it.
            table = strip_output_setting(table, components["architecture"].component)
        components[section] = _resolve_component(section, table, registry)
    _make_dataset_path_absolute(components["dataset"])
    metric_tables = config.get("metrics") or []
    if not metric_tables:
        raise ConfigError("the configuration names no metrics", "add --metric accuracy or a [[metrics]] table")
    metrics = [_resolve_component("metric", table, registry) for table in metric_tables]
    names = [m.component.name for m in metrics]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"metric(s) listed twice: {', '.join(duplicates)}", "list each metric once")
    training = validate_training(config.get("training") or {})
    return ResolvedRun(components, metrics, training, dict(config))


def _resolve_component(section: str, table: Mapping[str, Any], registry: Registry) -> ResolvedComponent:
    name, params = split_component(table)
    component = registry.get(section, name)
    return ResolvedComponent(component, validate_parameters(component, params))


def _make_dataset_path_absolute(item: ResolvedComponent) -> None:
    """Turn a relative dataset ``path`` parameter into an absolute one.

    config.json records the parameters, and ``zoo evaluate`` and ``zoo run --resume`` read them
    again, often from another working directory, where a relative path would point elsewhere.
    """
    value = item.params.get("path")
    if isinstance(value, str) and value:
        item.params["path"] = os.path.abspath(os.path.expanduser(value))

"""The registry: every component that the loaded plugins registered, looked up by name."""

from __future__ import annotations

import difflib
import fnmatch
from dataclasses import dataclass, field
from typing import Iterable

from zoo_core.components import KINDS, Component
from zoo_core.errors import AmbiguousNameError, UnknownComponentError


@dataclass
class PluginInfo:
    """A discovered plugin and what became of it."""

    name: str
    module: str
    distribution: str = ""
    version: str = ""
    status: str = "loaded"  # loaded, failed, disabled or incompatible
    error: str = ""
    #: The zoo-core range that the distribution declares in ``Requires-Dist``, if any.
    requires_core: str = ""
    #: Short names that this plugin registered and another plugin had registered first.
    conflicts: list[str] = field(default_factory=list)
    load_seconds: float = 0.0
    hooks: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, object]:
        """Return a JSON-ready description."""
        return {
            "name": self.name,
            "module": self.module,
            "distribution": self.distribution,
            "version": self.version,
            "status": self.status,
            "error": self.error,
            "requires_core": self.requires_core,
            "conflicts": list(self.conflicts),
            "load_seconds": round(self.load_seconds, 4),
            "hooks": list(self.hooks),
            "components": list(self.components),
        }


class Registry:
    """Components keyed by qualified id, with lookup by short name, alias or id."""

    def __init__(self) -> None:
        self._components: dict[str, Component] = {}
        self.plugins: dict[str, PluginInfo] = {}
        #: ``kind/short name`` to the qualified id that the short name selects when several
        #: plugins register it (an explicit override of a built-in, or the user's preference).
        self.preferred: dict[str, str] = {}

    def add(self, component: Component) -> None:
        """Add a component; a second component with the same qualified id is rejected."""
        if component.kind not in KINDS:
            raise ValueError(f"unknown component kind {component.kind!r}; expected one of {KINDS}")
        key = f"{component.kind}/{component.id}"
        if key in self._components:
            raise ValueError(
                f"plugin {component.plugin!r} registered the {component.kind} {component.name!r} twice"
            )
        self._components[key] = component

    def components(self, kind: str | None = None) -> list[Component]:
        """Return the components of one kind (or all), sorted by kind and name."""
        found = [c for c in self._components.values() if kind is None or c.kind == kind]
        return sorted(found, key=lambda c: (KINDS.index(c.kind), _natural_key(c.name), c.plugin))

    def filter(self, kind: str | None, include: Iterable[str] = (), exclude: Iterable[str] = ()) -> list[Component]:
        """Return components whose name or id matches any include pattern and no exclude pattern.

        Patterns use shell wildcards (``resnet*``); ``all`` or no pattern matches everything.
        """
        include = [p for p in include if p != "all"]
        exclude = list(exclude)
        selected = []
        for component in self.components(kind):
            names = (component.name, component.id, *component.aliases)
            if include and not any(fnmatch.fnmatch(n, p) for n in names for p in include):
                continue
            if any(fnmatch.fnmatch(n, p) for n in names for p in exclude):
                continue
            selected.append(component)
        return selected

    def get(self, kind: str, name: str) -> Component:
        """Return the component of ``kind`` called ``name`` (qualified id, short name or alias).

        Raises UnknownComponentError with the closest names, or AmbiguousNameError listing the
        candidates when a short name belongs to several plugins.
        """
        candidates = self.components(kind)
        if ":" in name:
            exact = [c for c in candidates if c.id == name]
            if exact:
                return exact[0]
        matches = [c for c in candidates if c.name == name]
        if not matches:
            matches = [c for c in candidates if name in c.aliases]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            preferred = self.preferred.get(f"{kind}/{name}")
            chosen = [c for c in matches if c.id == preferred]
            if chosen:
                return chosen[0]
            ids = ", ".join(c.id for c in matches)
            providers = ", ".join(f"{c.id} from {c.distribution or c.plugin}" for c in matches)
            raise AmbiguousNameError(
                f"the {kind} name {name!r} is ambiguous: {providers}",
                f"use a qualified id ({ids}), choose one for good with "
                f"`zoo plugins prefer {kind} {name} PLUGIN`, or disable one plugin with "
                "--disable-plugin NAME",
            )
        raise UnknownComponentError(f"unknown {kind} {name!r}", self._unknown_hint(kind, name))

    def find(self, name: str, kind: str | None = None) -> Component:
        """Return the component called ``name`` in any kind (or in ``kind``).

        A name found in several kinds raises AmbiguousNameError that lists them.
        """
        if kind is not None:
            return self.get(kind, name)
        found: list[Component] = []
        for candidate_kind in KINDS:
            try:
                found.append(self.get(candidate_kind, name))
            except UnknownComponentError:
                continue
        if len(found) == 1:
            return found[0]
        if found:
            kinds = ", ".join(c.kind for c in found)
            raise AmbiguousNameError(
                f"{name!r} names components of several kinds: {kinds}",
                f"choose one with --kind, e.g. --kind {found[0].kind}",
            )
        names = sorted({c.name for c in self.components()} | {c.id for c in self.components()})
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
        skipped = [_skipped_plugin_hint(p) for p in self.plugins.values() if p.status in ("disabled", "incompatible")]
        hint += "".join(f"{sentence} " for sentence in skipped)
        raise UnknownComponentError(f"no component is called {name!r}", hint + "List them with `zoo list`.")

    def _unknown_hint(self, kind: str, name: str) -> str:
        candidates = self.components(kind)
        names = sorted({c.name for c in candidates} | {c.id for c in candidates})
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        parts = []
        if close:
            parts.append(f"did you mean {', '.join(repr(c) for c in close)}?")
        else:
            shown = ", ".join(sorted({c.name for c in candidates})) or "none"
            parts.append(f"available: {shown}.")
        failed = [p for p in self.plugins.values() if p.status == "failed"]
        if failed:
            listed = ", ".join(f"{p.name} ({p.error.splitlines()[0] if p.error else 'failed'})" for p in failed)
            parts.append(f"Plugins that failed to load and might provide it: {listed}.")
        parts += [_skipped_plugin_hint(p) for p in self.plugins.values() if p.status in ("disabled", "incompatible")]
        parts.append(f"List them with `zoo list {kind}`.")
        return " ".join(parts)


def _skipped_plugin_hint(plugin: PluginInfo) -> str:
    """Return how to load a plugin that was disabled or is incompatible, as one sentence.

    The loader sets ``error`` to "disabled by SOURCE", "not in the allow-list of SOURCE" or the
    version mismatch, so the advice follows the source that skipped the plugin.
    """
    head = f"Plugin {plugin.name} might provide it but"
    if plugin.status == "incompatible":
        return f"{head} is incompatible ({plugin.error.splitlines()[0] if plugin.error else 'version mismatch'})."
    if plugin.error.startswith("not in the allow-list"):
        return (f"{head} is {plugin.error}; allow it with --allow-plugin {plugin.name} or "
                "`zoo plugins allow --all`.")
    if "--disable-plugin" in plugin.error:
        advice = f"run without --disable-plugin {plugin.name}"
    elif "ZOO_DISABLE_PLUGINS" in plugin.error:
        advice = f"remove {plugin.name} from ZOO_DISABLE_PLUGINS"
    else:
        advice = f"enable it with `zoo plugins enable {plugin.name}`"
    return f"{head} is {plugin.error or 'disabled'}; {advice}."


def _natural_key(text: str) -> list[object]:
    """Sort key that orders ``resnet20`` before ``resnet110``."""
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]

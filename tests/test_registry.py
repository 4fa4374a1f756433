"""Registry lookups: qualified ids, short names, aliases, ambiguity and suggestions."""

from __future__ import annotations

import pytest

from zoo_core.components import Component
from zoo_core.errors import AmbiguousNameError, UnknownComponentError
from zoo_core.plugins import load_plugins
from zoo_core.registry import PluginInfo, Registry


def _component(plugin: str, name: str, kind: str = "architecture", aliases: tuple[str, ...] = ()) -> Component:
    return Component(kind=kind, name=name, plugin=plugin, factory="builtins:dict",
                     distribution=f"dist-{plugin}", aliases=aliases)


def test_get_by_short_name_id_and_alias() -> None:
    registry = Registry()
    registry.add(_component("alpha", "net", aliases=("network",)))
    assert registry.get("architecture", "net").id == "alpha:net"
    assert registry.get("architecture", "alpha:net").plugin == "alpha"
    assert registry.get("architecture", "network").name == "net"


def test_same_name_in_two_plugins_is_ambiguous() -> None:
    registry = Registry()
    registry.add(_component("alpha", "net"))
    registry.add(_component("beta", "net"))
    with pytest.raises(AmbiguousNameError) as caught:
        registry.get("architecture", "net")
    assert "alpha:net" in caught.value.message
    assert "beta:net" in caught.value.message
    assert "qualified id" in caught.value.hint
    assert registry.get("architecture", "beta:net").plugin == "beta"


def test_unknown_name_suggests_closest() -> None:
    registry = Registry()
    registry.add(_component("alpha", "resnet20"))
    registry.add(_component("alpha", "vgg16"))
    with pytest.raises(UnknownComponentError) as caught:
        registry.get("architecture", "resnet02")
    assert "'resnet02'" in caught.value.message
    assert "resnet20" in caught.value.hint


def test_unknown_name_mentions_failed_plugins() -> None:
    registry = Registry()
    registry.plugins["broken"] = PluginInfo("broken", "broken_mod", status="failed",
                                            error="ImportError: no module named foo")
    with pytest.raises(UnknownComponentError) as caught:
        registry.get("architecture", "anything")
    assert "broken" in caught.value.hint
    assert "ImportError" in caught.value.hint


def test_same_id_registered_twice_is_rejected() -> None:
    registry = Registry()
    registry.add(_component("alpha", "net"))
    with pytest.raises(ValueError, match="twice"):
        registry.add(_component("alpha", "net"))


def test_filter_wildcards_and_natural_order() -> None:
    registry = Registry()
    for name in ("resnet110", "resnet20", "resnet56", "vgg16"):
        registry.add(_component("alpha", name))
    names = [c.name for c in registry.filter("architecture", ["resnet*"], ["resnet56"])]
    assert names == ["resnet20", "resnet110"]
    assert len(registry.filter("architecture", ["all"])) == 4


def test_find_across_kinds() -> None:
    registry = load_plugins().registry
    assert registry.find("mse").kind == "loss"
    with pytest.raises(UnknownComponentError, match="no component"):
        registry.find("definitely-not-there")


def test_component_distributions() -> None:
    registry = load_plugins().registry
    assert registry.get("dataset", "digits").distribution == "zoo-core"
    cnn = registry.get("architecture", "simple-cnn")
    assert cnn.distribution == "zoo-simple-cnn"
    assert cnn.id == "simple-cnn:simple-cnn"

"""Parameter validation against factory signatures, before anything is built."""

from __future__ import annotations

from typing import Literal

import pytest

from zoo_core.components import Component, validate_parameters
from zoo_core.errors import ParameterError


def example_factory(input_shape: tuple[int, ...], num_classes: int, width: int = 8, rate: float = 0.5,
                    mode: Literal["fast", "slow"] = "fast", flag: bool = False, sizes: tuple[int, ...] = (1, 2)) -> dict:
    return {"width": width, "rate": rate, "mode": mode, "flag": flag, "sizes": sizes,
            "input_shape": input_shape, "num_classes": num_classes}


def required_factory(path: str) -> str:
    return path


def _component(factory: object = example_factory, kind: str = "architecture") -> Component:
    return Component(kind=kind, name="example", plugin="tests", factory=factory)


def test_context_arguments_are_not_parameters() -> None:
    params = _component().parameters()
    assert list(params) == ["width", "rate", "mode", "flag", "sizes"]
    assert params["mode"].describe_type() == "'fast' | 'slow'"


def test_unknown_parameter_lists_accepted_names() -> None:
    with pytest.raises(ParameterError) as caught:
        validate_parameters(_component(), {"widht": 3})
    assert "'widht'" in caught.value.message
    assert "did you mean 'width'" in caught.value.hint
    assert "rate" in caught.value.hint


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("width", "eight", "expected an integer"),
        ("width", 2.5, "expected an integer"),
        ("width", True, "expected an integer"),
        ("rate", "high", "expected a number"),
        ("mode", "medium", "expected one of 'fast', 'slow'"),
        ("flag", "yes", "expected true or false"),
        ("sizes", 3, "expected a list"),
    ],
)
def test_ill_typed_value_is_rejected(name: str, value: object, expected: str) -> None:
    with pytest.raises(ParameterError) as caught:
        validate_parameters(_component(), {name: value})
    assert repr(value) in caught.value.message
    assert expected in caught.value.message


def test_values_are_coerced() -> None:
    checked = validate_parameters(_component(), {"rate": 1, "sizes": [3, 4]})
    assert checked == {"rate": 1.0, "sizes": (3, 4)}
    assert isinstance(checked["rate"], float)


def test_missing_required_parameter() -> None:
    with pytest.raises(ParameterError, match="needs the parameter"):
        validate_parameters(_component(required_factory, kind="dataset"), {})


def test_build_passes_only_declared_context() -> None:
    built = _component().build({"width": 4}, input_shape=(8, 8, 1), num_classes=3, unused=1)
    assert built["width"] == 4
    assert built["num_classes"] == 3


def test_factory_string_that_cannot_load() -> None:
    component = Component(kind="loss", name="x", plugin="tests", factory="no_such_module_zz:thing")
    with pytest.raises(ParameterError, match="cannot load its factory"):
        component.parameters()

"""The simple-cnn builder: shapes, parameters and rejected values."""

from __future__ import annotations

import pytest

from zoo_simple_cnn.model import build_simple_cnn


@pytest.mark.parametrize("input_shape", [(8, 8, 1), (1, 1, 3), (32, 32, 3), (5, 9, 1)])
def test_outputs_one_logit_per_class(input_shape: tuple[int, int, int]) -> None:
    model = build_simple_cnn(input_shape, 7, filters=4, dense_units=8)
    assert model.output_shape == (None, 7)


def test_blocks_double_the_filters() -> None:
    model = build_simple_cnn((16, 16, 1), 3, blocks=3, filters=4)
    widths = [layer.filters for layer in model.layers if layer.name.endswith("_conv1")]
    assert widths == [4, 8, 16]


@pytest.mark.parametrize(("activation", "pooling"), [("tanh", "average"), ("sigmoid", "max")])
def test_activation_and_pooling_choices(activation: str, pooling: str) -> None:
    model = build_simple_cnn((8, 8, 1), 10, activation=activation, pooling=pooling, filters=4)
    conv = model.get_layer("block1_conv1")
    assert conv.get_config()["activation"] == activation
    pool_type = type(model.get_layer("block1_pool")).__name__
    assert pool_type == ("AveragePooling2D" if pooling == "average" else "MaxPooling2D")


def test_no_dropout_layers_when_zero() -> None:
    model = build_simple_cnn((8, 8, 1), 10, dropout=0.0, filters=4)
    assert not [layer for layer in model.layers if "dropout" in layer.name]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"blocks": 0}, "blocks"), ({"dropout": 1.0}, "dropout"), ({"filters": 0}, "filters"),
     ({"num_classes": 1}, "num_classes"), ({"input_shape": (8, 8)}, "input_shape")],
)
def test_invalid_values_are_rejected(kwargs: dict, message: str) -> None:
    arguments = {"input_shape": (8, 8, 1), "num_classes": 10, **kwargs}
    with pytest.raises(ValueError, match=message):
        build_simple_cnn(**arguments)


def test_plugin_module_does_not_import_tensorflow() -> None:
    import subprocess
    import sys

    code = "import zoo_simple_cnn.plugin, sys; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert completed.stdout.strip() == "False", completed.stderr

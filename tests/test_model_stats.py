"""model_stats and `zoo info --input-shape`: counts checked against hand-computed figures."""

from __future__ import annotations

import json
import logging
from typing import Any, Callable

import pytest

from zoo_core.model_stats import layer_macs, model_stats


def _mixed_model() -> Any:
    """A model with one layer of every counted type, on a 9x9x4 input.

    Hand counts (MACs, trainable parameters):
    grouped strided conv 5*5 * 3*3 * (4/2) * 8 = 3600, 3*3*2*8 + 8 = 152;
    depthwise 5*5 * 3*3 * 8 * 2 = 3600, 3*3*8*2 + 16 = 160;
    batch normalisation 0, 2*16 = 32 (and 32 non-trainable statistics);
    separable 3*3 * 3*3 * 16 + 3*3 * 16 * 4 = 1872, 3*3*16 + 16*4 + 4 = 212;
    transpose 3*3 (input positions) * 2*2 * 4 * 2 = 288, 2*2*2*4 + 2 = 34;
    dense on the 6x6 map 6*6 * 2 * 3 = 216, 2*3 + 3 = 9;
    dense on the flattened 108 values 108 * 5 = 540, 108*5 + 5 = 545.
    """
    import keras

    inputs = keras.Input(shape=(9, 9, 4))
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", groups=2)(inputs)
    x = keras.layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.SeparableConv2D(4, 3)(x)
    x = keras.layers.Conv2DTranspose(2, 2, strides=2)(x)
    x = keras.layers.Dense(3)(x)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(5)(x))


MIXED_MACS = 3600 + 3600 + 1872 + 288 + 216 + 540
MIXED_PARAMS = 152 + 160 + 32 + 212 + 34 + 9 + 545


def test_counts_match_hand_figures() -> None:
    stats = model_stats(_mixed_model())
    assert stats["macs"] == MIXED_MACS
    assert stats["flops"] == 2 * MIXED_MACS
    assert stats["params"] == MIXED_PARAMS
    assert stats["non_trainable_params"] == 32


def test_parameters_add_up_to_keras_count() -> None:
    model = _mixed_model()
    stats = model_stats(model)
    assert stats["params"] + stats["non_trainable_params"] == model.count_params()


def test_nested_model_is_walked() -> None:
    import keras

    inner = _mixed_model()
    inputs = keras.Input(shape=(9, 9, 4))
    outer = keras.Model(inputs, inner(keras.layers.Rescaling(1 / 255)(inputs)))
    assert model_stats(outer)["macs"] == MIXED_MACS
    paths = [path for path, _ in layer_macs(outer)]
    assert any(path.startswith(f"{inner.name}/") for path in paths)


def test_unknown_spatial_size_rejected() -> None:
    import keras

    inputs = keras.Input(shape=(None, None, 3))
    model = keras.Model(inputs, keras.layers.Conv2D(2, 3)(inputs))
    with pytest.raises(ValueError, match="unknown sizes; build the model for a fixed input shape"):
        model_stats(model)


def test_layer_without_rule_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    import keras

    inputs = keras.Input(shape=(6,))
    model = keras.Model(inputs, keras.layers.EinsumDense("ab,bc->ac", output_shape=4)(inputs))
    logger = logging.getLogger("zoo_core.model_stats")
    logger.addHandler(caplog.handler)
    try:
        stats = model_stats(model)
    finally:
        logger.removeHandler(caplog.handler)
    assert stats["macs"] == 0
    assert "no MAC rule for the layer types EinsumDense" in caplog.text


def test_info_reports_counts_as_json(zoo: Callable[..., Any]) -> None:
    from zoo_core.components import Component

    result = zoo("info", "simple-cnn", "--input-shape", "8,8,1", "--classes", "10", "--param", "filters=8", "--json")
    assert result.exit_code == 0, result.output
    description = json.loads(result.output)
    component = Component("architecture", "simple-cnn", "check", "zoo_simple_cnn.model:build_simple_cnn")
    expected = model_stats(component.build({"filters": 8}, input_shape=(8, 8, 1), num_classes=10))
    assert {key: description[key] for key in expected} == expected
    assert description["input_shape"] == [8, 8, 1]
    assert description["num_classes"] == 10


def test_info_reports_counts_as_text(zoo: Callable[..., Any]) -> None:
    result = zoo("info", "simple-cnn", "--input-shape", "8,8,1", "--classes", "3")
    assert result.exit_code == 0, result.output
    assert "built for 8x8x1 input and 3 classes:" in result.output
    assert "    flops: " in result.output


def test_info_counts_only_architectures(zoo: Callable[..., Any]) -> None:
    result = zoo("info", "adam", "--input-shape", "8,8,1", "--classes", "3")
    assert result.exit_code == 1
    assert "'core:adam' is of kind optimizer, and only architectures" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--input-shape", "8,8"), "'8,8' is not a shape"),
     (("--input-shape", "8,8,1"), "--input-shape and --classes go together"),
     (("--classes", "3"), "--input-shape and --classes go together"),
     (("--param", "filters=8"), "--param needs them")],
)
def test_info_rejects_incomplete_options(zoo: Callable[..., Any], args: tuple[str, ...], message: str) -> None:
    result = zoo("info", "simple-cnn", *args)
    assert result.exit_code == 2
    assert message in result.output

"""The VGG plugin: layouts, parameters, small inputs, published counts and the contract checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zoo_core import testing
from zoo_core.model_stats import model_stats
from zoo_vgg import model as vgg

#: Convolutions of the published configurations A, B, D and E.
PUBLISHED_CONVS = {"vgg11": 8, "vgg13": 10, "vgg16": 13, "vgg19": 16}

#: Narrow versions of the published layouts, cheap enough to build and train in tests.
NARROW = {"width": 0.125, "dense_units": 32}


def _layers_of(model: Any, type_name: str) -> list[Any]:
    return [layer for layer in model.layers if type(layer).__name__ == type_name]


@pytest.mark.parametrize(("name", "convs"), sorted(PUBLISHED_CONVS.items()))
def test_published_layout_depth(name: str, convs: int) -> None:
    model = getattr(vgg, name)((32, 32, 3), 10, **NARROW)
    assert len(_layers_of(model, "Conv2D")) == convs
    assert len(_layers_of(model, "Dense")) == 3
    assert len(_layers_of(model, "MaxPooling2D")) == 5


def test_pooling_stops_at_one_pixel() -> None:
    model = vgg.vgg16((8, 8, 1), 10, **NARROW)
    pools = _layers_of(model, "MaxPooling2D")
    assert [layer.name for layer in pools] == ["stage1_pool", "stage2_pool", "stage3_pool"]
    assert tuple(model.get_layer("stage5_conv3").output.shape) == (None, 1, 1, 64)


def test_thin_axis_is_not_pooled() -> None:
    model = vgg.vgg_tiny((1, 8, 1), 3)
    assert model.get_layer("stage1_pool").pool_size == (1, 2)
    assert tuple(model.get_layer("stage3_pool").output.shape) == (None, 1, 1, 64)


def test_width_scales_filters() -> None:
    model = vgg.vgg11((32, 32, 3), 10, width=0.5, dense_units=8)
    assert [layer.filters for layer in _layers_of(model, "Conv2D")][:3] == [32, 64, 128]


def test_batch_norm_replaces_conv_bias() -> None:
    model = vgg.vgg11((16, 16, 3), 10, batch_norm=True, **NARROW)
    assert len(_layers_of(model, "BatchNormalization")) == 8
    assert not any(layer.use_bias for layer in _layers_of(model, "Conv2D"))


@pytest.mark.parametrize(("head", "layer_type"),
                         [("flatten", "Flatten"), ("avg", "GlobalAveragePooling2D"), ("max", "GlobalMaxPooling2D")])
def test_head_choices(head: str, layer_type: str) -> None:
    model = vgg.vgg_small((16, 16, 3), 4, head=head)
    assert len(_layers_of(model, layer_type)) == 1


def test_no_hidden_dense_layers() -> None:
    model = vgg.vgg_tiny((8, 8, 1), 10, dense_layers=0)
    assert [layer.name for layer in _layers_of(model, "Dense")] == ["logits"]
    assert not _layers_of(model, "Dropout")


def test_activation_choice() -> None:
    model = vgg.vgg_tiny((8, 8, 1), 10, activation="gelu")
    activations = {layer.get_config()["activation"] for layer in _layers_of(model, "Activation")}
    assert activations == {"gelu"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"input_shape": (0, 8, 1)}, "smallest input it accepts is 1x1"),
     ({"input_shape": (8, 8)}, "input_shape as \\(height, width, channels\\)"),
     ({"num_classes": 1}, "num_classes to be an integer of at least 2"),
     ({"width": 0.0}, "width must be a positive multiplier"),
     ({"dropout": 1.0}, "dropout must lie in \\[0, 1\\)"),
     ({"dense_layers": -1}, "dense_layers must be 0 or more"),
     ({"dense_units": 0}, "dense_units must be at least 1"),
     ({"head": "mean"}, "head must be one of flatten, avg, max, got 'mean'"),
     ({"activation": "softmax"}, "activation must be one of relu, .*, got 'softmax'")],
)
def test_invalid_arguments_rejected(kwargs: dict[str, Any], message: str) -> None:
    arguments = {"input_shape": (8, 8, 1), "num_classes": 10, **kwargs}
    with pytest.raises(ValueError, match=message):
        vgg.vgg_tiny(**arguments)


@pytest.mark.slow
def test_plugin_contract_checks(tmp_path: Path) -> None:
    """Every architecture passes the build checks, and the small ones also pass the training,
    reload and batch checks."""
    narrow = {name: NARROW for name in PUBLISHED_CONVS}
    testing.check_plugin("vgg", architecture_params=narrow, build_only=PUBLISHED_CONVS, work_dir=tmp_path)


@pytest.mark.slow
def test_vgg11_batch_norm_full_checks(tmp_path: Path) -> None:
    components = testing.plugin_components("vgg")
    vgg11 = next(component for component in components if component.name == "vgg11")
    testing.check_architecture(vgg11, params={**NARROW, "batch_norm": True}, work_dir=tmp_path)


@pytest.mark.slow
def test_vgg16_published_counts() -> None:
    stats = model_stats(vgg.vgg16((224, 224, 3), 1000))
    assert stats["params"] == 138_357_544
    assert stats["non_trainable_params"] == 0
    assert stats["macs"] == pytest.approx(15.5e9, rel=0.02)
    assert stats["flops"] == 2 * stats["macs"]


@pytest.mark.slow
def test_vgg_tiny_trains_on_digits(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from zoo_core.cli import main

    result = CliRunner().invoke(main, ["run", "--arch", "vgg-tiny", "--epochs", "3", "--no-progress",
                                       "--out", str(tmp_path / "run")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["test"]["accuracy"] >= 0.8


def test_listed_from_zoo_vgg() -> None:
    import json

    from click.testing import CliRunner

    from zoo_core.cli import main

    result = CliRunner().invoke(main, ["list", "architecture", "--json"], catch_exceptions=False)
    listed = {item["name"]: item for item in json.loads(result.output)}
    for name in (*PUBLISHED_CONVS, "vgg-small", "vgg-tiny"):
        assert listed[name]["distribution"] == "zoo-vgg"
        assert listed[name]["id"] == f"vgg:{name}"

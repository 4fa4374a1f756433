"""The ResNet plugin: depths, shortcuts, stems, small inputs, published counts and contract checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zoo_core import testing
from zoo_core.model_stats import model_stats
from zoo_resnet import model as resnet

#: Narrow versions of the ImageNet-style layouts, cheap enough to build in tests.
NARROW = {"width": 0.125}


def _convs(model: Any) -> list[Any]:
    return [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]


@pytest.mark.parametrize(("name", "layers"), [("resnet20", 20), ("resnet32", 32), ("resnet44", 44), ("resnet56", 56)])
def test_cifar_depth_is_6n_plus_2(name: str, layers: int) -> None:
    model = getattr(resnet, name)((8, 8, 1), 10)
    dense = [layer for layer in model.layers if type(layer).__name__ == "Dense"]
    assert len(_convs(model)) + len(dense) == layers


@pytest.mark.parametrize(("name", "layers", "projections"),
                         [("resnet18", 18, 3), ("resnet34", 34, 3), ("resnet50", 50, 4)])
def test_imagenet_depth_and_projections(name: str, layers: int, projections: int) -> None:
    model = getattr(resnet, name)((32, 32, 3), 10, **NARROW)
    shortcut_convs = [layer for layer in _convs(model) if "shortcut" in layer.name]
    assert len(_convs(model)) - len(shortcut_convs) + 1 == layers
    assert len(shortcut_convs) == projections


def test_cifar_stage_widths() -> None:
    model = resnet.resnet20((32, 32, 3), 10)
    assert [model.get_layer(f"stage{s}_block1_2_conv").filters for s in (1, 2, 3)] == [16, 32, 64]
    assert tuple(model.get_layer("stage3_block3_out_relu").output.shape) == (None, 8, 8, 64)


def test_projection_shortcut_parameters() -> None:
    zero_pad = model_stats(resnet.resnet20((8, 8, 1), 10))["params"]
    projection = model_stats(resnet.resnet20((8, 8, 1), 10, shortcut="projection"))["params"]
    # Two 1x1 convolutions with batch normalisation: 16->32 and 32->64 channels.
    assert projection - zero_pad == (16 * 32 + 2 * 32) + (32 * 64 + 2 * 64)


def test_all_projection_in_every_block() -> None:
    model = resnet.resnet20((8, 8, 1), 10, shortcut="all-projection")
    assert len([layer for layer in _convs(model) if "shortcut" in layer.name]) == 9


def test_zero_pad_shortcut_values() -> None:
    import keras

    model = resnet.resnet20((8, 8, 1), 10)
    block_input = model.get_layer("stage1_block3_out_relu").output
    shortcut = model.get_layer("stage2_block1_shortcut_channels_last").output
    probe = keras.Model(model.input, [block_input, shortcut])
    images = np.random.default_rng(0).random((2, 8, 8, 1)).astype(np.float32)
    before, after = (np.asarray(t) for t in probe(images, training=False))
    expected = np.zeros((2, 4, 4, 32), dtype=np.float32)
    expected[..., 8:24] = before[:, ::2, ::2, :]
    np.testing.assert_allclose(after, expected, atol=1e-6)


@pytest.mark.parametrize(("stem", "size"), [("small", 32), ("imagenet", 8)])
def test_stem_resolution(stem: str, size: int) -> None:
    model = resnet.resnet18((32, 32, 3), 10, stem=stem, **NARROW)
    assert tuple(model.get_layer("stage1_block2_out_relu").output.shape)[1:3] == (size, size)


@pytest.mark.parametrize(("size", "stage_sizes"), [(7, [7, 4, 2]), (1, [1, 1, 1])])
def test_odd_and_one_pixel_inputs(size: int, stage_sizes: list[int]) -> None:
    model = resnet.resnet20((size, size, 1), 3)
    sizes = [model.get_layer(f"stage{s}_block3_out_relu").output.shape[1] for s in (1, 2, 3)]
    assert sizes == stage_sizes
    assert model.output_shape == (None, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"input_shape": (8, 0, 1)}, "smallest input it accepts is 1x1"),
     ({"input_shape": (8, 8, 0)}, "at least 1 input channel"),
     ({"num_classes": 0}, "num_classes to be an integer of at least 2"),
     ({"width": -1.0}, "width must be a positive multiplier"),
     ({"shortcut": "B"}, "shortcut must be one of zero-pad, projection, all-projection, got 'B'"),
     ({"stem": "large"}, "stem must be one of small, imagenet, got 'large'")],
)
def test_invalid_arguments_rejected(kwargs: dict[str, Any], message: str) -> None:
    arguments = {"input_shape": (8, 8, 1), "num_classes": 10, **kwargs}
    with pytest.raises(ValueError, match=message):
        resnet.resnet20(**arguments)


@pytest.mark.slow
def test_plugin_contract_checks(tmp_path: Path) -> None:
    """Every architecture passes the build checks. resnet20 (zero-pad shortcuts, small stem) and
    resnet18 (projections, ImageNet stem) also pass the training, reload and batch checks."""
    params = {"resnet18": NARROW, "resnet34": NARROW, "resnet50": NARROW}
    build_only = ("resnet32", "resnet44", "resnet56", "resnet34", "resnet50")
    testing.check_plugin("resnet", architecture_params=params, build_only=build_only, work_dir=tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "params", "macs"), [("resnet18", 11_689_512, 1.8e9), ("resnet50", 25_557_032, 4.1e9)])
def test_published_counts_in_zoo_info(name: str, params: int, macs: float) -> None:
    import json

    from click.testing import CliRunner

    from zoo_core.cli import main

    result = CliRunner().invoke(main, ["info", name, "--input-shape", "224,224,3", "--classes", "1000", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    description = json.loads(result.output)
    assert description["params"] == params
    assert description["macs"] == pytest.approx(macs, rel=0.02)
    assert description["flops"] == 2 * description["macs"]
    assert description["metadata"]["family"] == "resnet"


@pytest.mark.slow
def test_resnet20_trains_on_digits(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from zoo_core.cli import main

    result = CliRunner().invoke(main, ["run", "--arch", "resnet20", "--epochs", "2", "--no-progress",
                                       "--out", str(tmp_path / "run")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["test"]["accuracy"] >= 0.8


def test_listed_from_zoo_resnet() -> None:
    import json

    from click.testing import CliRunner

    from zoo_core.cli import main

    result = CliRunner().invoke(main, ["list", "architecture", "--json"], catch_exceptions=False)
    listed = {item["name"]: item for item in json.loads(result.output)}
    for name in ("resnet18", "resnet20", "resnet32", "resnet34", "resnet44", "resnet50", "resnet56"):
        assert listed[name]["distribution"] == "zoo-resnet"
        assert listed[name]["id"] == f"resnet:{name}"

"""Mixed precision and XLA as run settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zoo_core.config import validate_training
from zoo_core.errors import ConfigError

TINY = ("run", "--dataset", "synthetic", "--epochs", "1", "--no-progress", "--set", "architecture.filters=4",
        "--set", "architecture.dense_units=8")


def test_precision_defaults() -> None:
    training = validate_training({})
    assert training["precision"] == "float32"
    assert training["xla"] == "auto"


@pytest.mark.parametrize(("key", "value"), [("precision", "float16"), ("xla", "yes")])
def test_invalid_precision_settings(key: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_training({key: value})
    assert f"training.{key}" in caught.value.message
    assert repr(value) in caught.value.message


@pytest.mark.slow
def test_mixed_bfloat16_run_restores_policy(zoo, tmp_path: Path) -> None:
    import keras

    result = zoo(*TINY, "--precision", "mixed_bfloat16", "--out", str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    assert keras.config.dtype_policy().name == "float32"
    config = json.loads((tmp_path / "run" / "config.json").read_text(encoding="utf-8"))
    assert config["training"]["precision"] == "mixed_bfloat16"
    model = keras.saving.load_model(tmp_path / "run" / "model.keras")
    convolution = model.get_layer("simple_cnn").get_layer("block1_conv1")
    assert convolution.dtype_policy.name == "mixed_bfloat16"
    assert convolution.kernel.dtype == "float32"


@pytest.mark.slow
def test_xla_run_compiles(zoo, tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = zoo(*TINY, "--xla", "--out", str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    assert not [w for w in caught if "jit_compile" in str(w.message)]
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert 0.0 <= metrics["test"]["accuracy"] <= 1.0

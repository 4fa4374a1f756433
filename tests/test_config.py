"""Run configuration: TOML files, overrides and the training table."""

from __future__ import annotations

from pathlib import Path

import pytest

from zoo_core.config import apply_overrides, default_config, load_config_file, parse_override, validate_training
from zoo_core.errors import ConfigError


def test_file_merges_over_defaults(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text(
        '[architecture]\nname = "simple-cnn"\nfilters = 16\n\n'
        '[[metrics]]\nname = "accuracy"\n\n[training]\nepochs = 3\n',
        encoding="utf-8",
    )
    config = load_config_file(path)
    assert config["architecture"] == {"name": "simple-cnn", "filters": 16}
    assert config["metrics"] == [{"name": "accuracy"}]
    assert config["training"]["epochs"] == 3
    assert config["training"]["batch_size"] == 32
    assert config["dataset"] == {"name": "digits"}


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config_file(tmp_path / "nope.toml")


def test_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[training\nepochs = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config_file(path)
    assert "invalid TOML" in caught.value.message
    assert str(path) in caught.value.message


def test_unknown_table(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text('[architcture]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown table \[architcture\]"):
        load_config_file(path)


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("training.epochs=5", ["training", "epochs"], 5),
        ("optimizer.momentum=0.8", ["optimizer", "momentum"], 0.8),
        ("dataset.path=/data/my images", ["dataset", "path"], "/data/my images"),
        ('architecture.activation="tanh"', ["architecture", "activation"], "tanh"),
        ("architecture.sizes=[1, 2]", ["architecture", "sizes"], [1, 2]),
        ("augmentation.enabled=true", ["augmentation", "enabled"], True),
    ],
)
def test_override_values_parse_as_toml(text: str, path: list[str], value: object) -> None:
    assert parse_override(text) == (path, value)


@pytest.mark.parametrize("text", ["epochs", "=5", "training=5", "training..epochs=1"])
def test_invalid_override(text: str) -> None:
    with pytest.raises(ConfigError, match="invalid override"):
        parse_override(text)


def test_changing_a_component_name_drops_its_parameters() -> None:
    config = default_config()
    config["architecture"]["filters"] = 64
    changed = apply_overrides(config, ["architecture.name=other"])
    assert changed["architecture"] == {"name": "other"}
    kept = apply_overrides(config, ["architecture.name=simple-cnn", "architecture.blocks=3"])
    assert kept["architecture"] == {"name": "simple-cnn", "filters": 64, "blocks": 3}


@pytest.mark.parametrize(
    ("key", "value"),
    [("epochs", 0), ("epochs", "ten"), ("batch_size", -1), ("learning_rate", -0.1),
     ("validation_fraction", 1.5), ("seed", 1.5)],
)
def test_invalid_training_values(key: str, value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_training({key: value})
    assert f"training.{key}" in caught.value.message


def test_unknown_training_key_suggests() -> None:
    with pytest.raises(ConfigError) as caught:
        validate_training({"epoch": 3})
    assert "did you mean 'epochs'" in caught.value.hint


def test_fractions_leave_training_samples() -> None:
    with pytest.raises(ConfigError, match="must be below 1"):
        validate_training({"validation_fraction": 0.5, "test_fraction": 0.5})

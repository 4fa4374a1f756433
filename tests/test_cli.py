"""The zoo CLI in-process: listing contracts and clear errors for invalid input."""

from __future__ import annotations

import json
from pathlib import Path

from zoo_core.components import KINDS

REQUIRED_KEYS = {"id", "name", "kind", "plugin", "distribution", "version", "summary"}


def test_list_json_contract(zoo) -> None:
    result = zoo("list", "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert isinstance(items, list)
    for item in items:
        assert REQUIRED_KEYS <= set(item), item
        assert item["kind"] in KINDS
    names = {item["name"] for item in items}
    assert {"digits", "synthetic", "gd", "sgd", "momentum", "nesterov", "adam", "cross-entropy", "mse",
            "accuracy", "precision", "recall", "f1", "simple-cnn"} <= names


def test_list_one_kind(zoo) -> None:
    result = zoo("list", "optimizers", "--json")
    assert result.exit_code == 0
    assert {item["kind"] for item in json.loads(result.stdout)} == {"optimizer"}
    table = zoo("list", "architecture")
    assert "simple-cnn" in table.output
    assert "digits" not in table.output


def test_list_unknown_kind(zoo) -> None:
    result = zoo("list", "models")
    assert result.exit_code == 2
    assert "'models' is not a kind" in result.output


def test_info_shows_parameters_and_provenance(zoo) -> None:
    result = zoo("info", "simple-cnn", "--json")
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["distribution"] == "zoo-simple-cnn"
    params = {p["name"]: p for p in info["parameters"]}
    assert params["blocks"]["default"] == 2
    assert params["activation"]["type"] == "'relu' | 'tanh' | 'sigmoid'"
    text = zoo("info", "momentum").output
    assert "core:momentum (optimizer)" in text
    assert "momentum (float): default 0.9" in text


def test_info_unknown_name_suggests(zoo) -> None:
    result = zoo("info", "simple-cn")
    assert result.exit_code == 1
    assert "Error: no component is called 'simple-cn'" in result.output
    assert "simple-cnn" in result.output
    assert "Traceback" not in result.output


def test_plugins_json(zoo) -> None:
    plugins = {p["name"]: p for p in json.loads(zoo("plugins", "--json").stdout)}
    assert plugins["core"]["status"] == "loaded"
    assert plugins["simple-cnn"]["distribution"] == "zoo-simple-cnn"
    assert "architecture:simple-cnn:simple-cnn" in plugins["simple-cnn"]["components"]


def test_run_unknown_architecture(zoo, tmp_path: Path) -> None:
    result = zoo("run", "--arch", "resnet-9000", "--out", str(tmp_path / "run"))
    assert result.exit_code == 1
    assert "Error: unknown architecture 'resnet-9000'" in result.output
    assert "Hint:" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "run").exists()


def test_run_unknown_parameter(zoo, tmp_path: Path) -> None:
    result = zoo("run", "--set", "architecture.filtres=8", "--out", str(tmp_path / "run"))
    assert result.exit_code == 1
    assert "has no parameter 'filtres'" in result.output
    assert "did you mean 'filters'" in result.output


def test_run_ill_typed_parameter(zoo, tmp_path: Path) -> None:
    result = zoo("run", "--set", "architecture.activation=swish", "--out", str(tmp_path / "run"))
    assert result.exit_code == 1
    assert "invalid value 'swish' for parameter 'activation'" in result.output


def test_run_missing_config(zoo, tmp_path: Path) -> None:
    result = zoo("run", "--config", str(tmp_path / "missing.toml"))
    assert result.exit_code == 1
    assert "configuration file not found" in result.output


def test_run_toml_syntax_error(zoo, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[dataset]\nname = "digits\n', encoding="utf-8")
    result = zoo("run", "--config", str(config))
    assert result.exit_code == 1
    assert "invalid TOML" in result.output
    assert "Traceback" not in result.output


def test_run_invalid_training_value(zoo, tmp_path: Path) -> None:
    result = zoo("run", "--epochs", "0", "--out", str(tmp_path / "run"))
    assert result.exit_code == 1
    assert "invalid training.epochs 0" in result.output


def test_run_refuses_non_empty_out(zoo, tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("results", encoding="utf-8")
    result = zoo("run", "--dataset", "synthetic", "--epochs", "1", "--out", str(out))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert (out / "keep.txt").read_text(encoding="utf-8") == "results"

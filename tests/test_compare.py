"""zoo compare on run directories written by the test: differences, metrics, Markdown and CSV."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from zoo_core.compare import compare_runs, flatten_config, load_run
from zoo_core.errors import RunError


def _config(optimizer: str, epochs: int, momentum: float | None = None) -> dict:
    params = {} if momentum is None else {"momentum": momentum}
    return {
        "dataset": {"name": "digits", "id": "core:digits", "params": {}},
        "optimizer": {"name": optimizer, "id": f"core:{optimizer}", "params": params},
        "metrics": [{"name": "accuracy"}, {"name": "f1"}],
        "training": {"epochs": epochs, "seed": 0, "class_weight": None},
        "versions": {"zoo-core": "0.1.0", "plugins": {"zoo-simple-cnn": "0.1.0"}},
    }


def _write_run(path: Path, config: dict, metrics: dict | None) -> Path:
    path.mkdir(parents=True)
    (path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    if metrics is not None:
        (path / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    return path


@pytest.fixture
def two_runs(tmp_path: Path) -> list[Path]:
    first = _write_run(tmp_path / "adam-run", _config("adam", 10),
                       {"test": {"accuracy": 0.9512345678, "f1": 0.95}, "train": {"accuracy": 1.0, "f1": 1.0}})
    second = _write_run(tmp_path / "momentum-run", _config("momentum", 10, momentum=0.9),
                        {"test": {"accuracy": 0.93, "f1": 0.92}})
    return [first, second]


def test_flatten_config_keys() -> None:
    flat = flatten_config(_config("momentum", 5, momentum=0.8))
    assert flat["optimizer"] == "momentum"
    assert flat["optimizer.momentum"] == 0.8
    assert flat["training.epochs"] == 5
    assert flat["metrics"] == "accuracy, f1"
    assert flat["versions.plugins.zoo-simple-cnn"] == "0.1.0"


def test_only_differences_shown(two_runs: list[Path]) -> None:
    table = compare_runs([load_run(path) for path in two_runs])
    config_rows = {key: values for kind, key, values in table.rows if kind == "config"}
    assert config_rows == {"optimizer": ["adam", "momentum"], "optimizer.momentum": ["-", 0.9]}
    metric_rows = {key: values for kind, key, values in table.rows if kind == "metric"}
    assert metric_rows == {"test.accuracy": [0.9512345678, 0.93], "test.f1": [0.95, 0.92]}
    assert table.labels == ["adam-run", "momentum-run"]


def test_all_settings_and_splits(two_runs: list[Path]) -> None:
    table = compare_runs([load_run(path) for path in two_runs], splits=("train",), all_settings=True)
    keys = [key for _, key, _ in table.rows]
    assert "training.epochs" in keys
    assert ("metric", "train.accuracy", [1.0, "-"]) in table.rows


def test_unfinished_run_shows_dashes(tmp_path: Path, two_runs: list[Path]) -> None:
    running = _write_run(tmp_path / "running", _config("sgd", 10), None)
    table = compare_runs([load_run(path) for path in [*two_runs, running]])
    assert ("metric", "test.accuracy", [0.9512345678, 0.93, "-"]) in table.rows


def test_missing_config_rejected(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="is not a run directory"):
        load_run(tmp_path)


def test_cli_writes_markdown_and_csv(zoo, two_runs: list[Path], tmp_path: Path) -> None:
    markdown, table_csv = tmp_path / "table.md", tmp_path / "table.csv"
    result = zoo("compare", *map(str, two_runs), "--markdown", str(markdown), "--csv", str(table_csv))
    assert result.exit_code == 0, result.output
    assert "test.accuracy" in result.output
    assert "0.9512" in result.output
    lines = markdown.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "| kind | key | adam-run | momentum-run |"
    assert "| config | optimizer | adam | momentum |" in lines
    assert "| metric | test.accuracy | 0.9512 | 0.9300 |" in lines
    with open(table_csv, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["kind", "key", "adam-run", "momentum-run"]
    assert ["metric", "test.accuracy", "0.9512345678", "0.93"] in rows


def test_cli_missing_run_is_error(zoo, tmp_path: Path) -> None:
    result = zoo("compare", str(tmp_path / "nothing"))
    assert result.exit_code == 1
    assert "has no config.json" in result.output


def test_compare_skips_tensorflow(two_runs: list[Path]) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from zoo_core.cli import main\n"
        f"result = CliRunner().invoke(main, ['compare', {str(two_runs[0])!r}, {str(two_runs[1])!r}])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('tensorflow', 'keras')))\n"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_unset_learning_rate_shows_the_rate_used(tmp_path: Path) -> None:
    config = _config("adam", 2)
    config["training"]["learning_rate"] = None
    run = _write_run(tmp_path / "run", config, None)
    (run / "history.csv").write_text("epoch,loss,learning_rate\n1,0.5,0.001\n2,0.4,0.0005\n", encoding="utf-8")
    fixed = _config("adam", 2)
    fixed["training"]["learning_rate"] = 0.01
    other = _write_run(tmp_path / "other", fixed, None)

    table = compare_runs([load_run(run), load_run(other)])

    assert ("config", "training.learning_rate", [0.001, 0.01]) in table.rows


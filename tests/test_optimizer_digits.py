"""Every built-in optimizer at its default learning rate trains simple-cnn on digits.

Each run uses the default split, seed and batch size with cross-entropy or mse, and only a few
epochs, to stay within the test budget. The epochs per case are the fewest after which runs
measured on a 2-core x86 machine were clearly above the threshold. gd takes one step per epoch
and mse learns more slowly than cross-entropy, so those cases need more epochs. Full 30-epoch
results are in docs/training-components.md.
"""

from __future__ import annotations

import pytest

from zoo_core.cli.run_cmd import build_config
from zoo_core.plugins import load_plugins

pytestmark = pytest.mark.slow

#: Chance is 0.1 for the ten digits; every case must reach three times that.
THRESHOLD = 0.3

EPOCHS: dict[tuple[str, str], int] = {
    ("gd", "cross-entropy"): 30,
    ("gd", "mse"): 50,
    ("sgd", "cross-entropy"): 5,
    ("sgd", "mse"): 15,
    ("momentum", "cross-entropy"): 5,
    ("momentum", "mse"): 10,
    ("nesterov", "cross-entropy"): 5,
    ("nesterov", "mse"): 10,
    ("adagrad", "cross-entropy"): 5,
    ("adagrad", "mse"): 8,
    ("rmsprop", "cross-entropy"): 3,
    ("rmsprop", "mse"): 3,
    ("adam", "cross-entropy"): 3,
    ("adam", "mse"): 3,
    ("adamw", "cross-entropy"): 3,
    ("adamw", "mse"): 3,
    ("nadam", "cross-entropy"): 3,
    ("nadam", "mse"): 3,
}


@pytest.fixture(scope="module")
def plugins():
    return load_plugins()


@pytest.mark.parametrize(("optimizer", "loss"), sorted(EPOCHS), ids=lambda value: value)
def test_default_rate_learns_digits(optimizer: str, loss: str, plugins, tmp_path) -> None:
    from zoo_core.runner import run

    options = {"optimizer": optimizer, "loss": loss, "epochs": EPOCHS[optimizer, loss]}
    result = run(build_config(None, options, ()), plugins, out=tmp_path / "run", show_progress=False)
    assert result.metrics["test"]["accuracy"] > THRESHOLD

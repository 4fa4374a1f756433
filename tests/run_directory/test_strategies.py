"""Distribution strategies: mirrored on two logical CPUs, multi-worker as two local processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

#: Synthetic data that a narrow network learns in a few epochs, so the accuracy band is meaningful.
LEARNABLE_RUN: tuple[str, ...] = (
    "run", "--dataset", "synthetic", "--set", "dataset.num_samples=320", "--set", "dataset.image_size=8",
    "--set", "architecture.filters=4", "--set", "architecture.dense_units=16", "--set", "architecture.blocks=1",
    "--batch-size", "32", "--seed", "3", "--epochs", "4", "--lr", "0.01", "--no-progress",
)
#: How far a distributed run's test accuracy may lie from the single-device run's.
ACCURACY_BAND = 0.1

#: Splits the machine's CPU into two logical devices before TensorFlow starts, then runs the CLI.
TWO_CPUS = """
import sys
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from zoo_core.cli import main

main(sys.argv[1:])
"""


@pytest.fixture(scope="module")
def single_device_accuracy(tmp_path_factory: pytest.TempPathFactory) -> float:
    """Return the test accuracy of the run on the default strategy."""
    from click.testing import CliRunner

    from zoo_core.cli import main

    run_dir = tmp_path_factory.mktemp("single") / "run"
    result = CliRunner().invoke(main, [*LEARNABLE_RUN, "--out", str(run_dir)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    accuracy = json.loads((run_dir / "metrics.json").read_text())["test"]["accuracy"]
    assert accuracy >= 0.9, "the single-device run must learn the task for the band to mean anything"
    return accuracy


def test_mirrored_on_two_logical_cpus(single_device_accuracy: float, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run([sys.executable, "-c", TWO_CPUS, *LEARNABLE_RUN, "--strategy", "mirrored",
                                "--out", str(run_dir)], env=environment, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]

    info = json.loads((run_dir / "run.json").read_text())
    assert info["strategy"] == "mirrored"
    assert info["replicas"] == 2
    assert len(info["devices"]) == 2
    accuracy = json.loads((run_dir / "metrics.json").read_text())["test"]["accuracy"]
    assert abs(accuracy - single_device_accuracy) <= ACCURACY_BAND


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


# NOTE: With Keras 3.15 and TensorFlow 2.21, Model.fit fails under MultiWorkerMirroredStrategy even
# for a one-layer model: Trainer._maybe_symbolic_build calls strategy.reduce on the (x, y) batch,
# which the collective strategy cannot convert ("Attempt to convert a value (PerReplica...)").
# strict=True makes this test fail once a fixed Keras lets the run pass, so the mark gets removed.
def test_multi_worker_on_loopback(single_device_accuracy: float, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    workers = [f"127.0.0.1:{port}" for port in _free_ports(2)]
    processes = []
    for index in range(2):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_CONFIG": json.dumps(config)}
        command = [str(Path(sys.executable).parent / "zoo"), *LEARNABLE_RUN, "--strategy", "multi-worker",
                   "--out", str(run_dir)]
        processes.append(subprocess.Popen(command, env=environment, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
    outputs = []
    for process in processes:
        try:
            outputs.append(process.communicate(timeout=400))
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            raise
    for process, (_, errors) in zip(processes, outputs):
        assert process.returncode == 0, errors[-3000:]

    info = json.loads((run_dir / "run.json").read_text())
    assert info["strategy"] == "multi-worker"
    assert info["workers"] == 2
    assert info["replicas"] == 2
    assert not list(tmp_path.glob("zoo-worker-*")), "the non-chief worker must not write beside the run"
    accuracy = json.loads((run_dir / "metrics.json").read_text())["test"]["accuracy"]
    assert abs(accuracy - single_device_accuracy) <= ACCURACY_BAND


def test_multi_worker_needs_tf_config(zoo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TF_CONFIG", raising=False)
    missing = zoo(*LEARNABLE_RUN, "--strategy", "multi-worker", "--out", str(tmp_path / "missing"))
    assert missing.exit_code == 1
    assert "needs the TF_CONFIG environment variable" in missing.output

    monkeypatch.setenv("TF_CONFIG", "{not json")
    invalid = zoo(*LEARNABLE_RUN, "--strategy", "multi-worker", "--out", str(tmp_path / "invalid"))
    assert invalid.exit_code == 1
    assert "TF_CONFIG is not valid JSON" in invalid.output


def test_strategy_setting_is_validated(zoo, tmp_path: Path) -> None:
    result = zoo(*LEARNABLE_RUN, "--set", "training.strategy=mirored", "--out", str(tmp_path / "run"))
    assert result.exit_code == 1
    assert "invalid training.strategy 'mirored'" in result.output
    assert not (tmp_path / "run").exists()

"""Tests of ``zoo bench``: real worker processes measuring real Keras models on tiny inputs."""

from __future__ import annotations

import csv
import json
import signal
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from zoo_core.bench import _describe_failure

TINY = ["--input-shape", "8,8,1", "--classes", "10", "--warmup", "1", "--steps", "2", "--repeats", "2",
        "--latency-samples", "5"]

ARCHITECTURE_FIGURES = ("trainable_params", "non_trainable_params", "total_params", "macs", "flops",
                        "build_seconds", "compile_seconds", "latency_ms")
BATCH_FIGURES = ("inference_images_per_second", "training_images_per_second", "peak_memory_mb")


@pytest.mark.slow
def test_bench_writes_every_format(zoo: Callable[..., object], tmp_path: Path) -> None:
    paths = {name: tmp_path / f"bench.{name}" for name in ("json", "csv", "md", "png")}
    result = zoo("bench", "simple-cnn", *TINY, "--batch-size", "1,4", "--json", str(paths["json"]),
                 "--csv", str(paths["csv"]), "--markdown", str(paths["md"]), "--chart", str(paths["png"]))
    assert result.exit_code == 0, result.output

    report = json.loads(paths["json"].read_text())
    assert [arch["name"] for arch in report["architectures"]] == ["simple-cnn"]
    arch = report["architectures"][0]
    assert arch["status"] == "ok"
    for figure in ARCHITECTURE_FIGURES:
        assert arch[figure] is not None, figure
    assert arch["trainable_params"] > 0
    assert arch["total_params"] == arch["trainable_params"] + arch["non_trainable_params"]
    assert arch["macs"] > 0
    assert arch["flops"] == 2 * arch["macs"]
    latency = arch["latency_ms"]
    assert 0 < latency["p50"] <= latency["p90"] <= latency["p99"]
    assert [batch["batch_size"] for batch in arch["batches"]] == [1, 4]
    for batch in arch["batches"]:
        assert batch["status"] == "ok"
        for figure in BATCH_FIGURES:
            assert batch[figure] > 0, (batch["batch_size"], figure)
        assert len(batch["inference_repeats"]) == 2

    machine = report["machine"]
    assert machine["cores"] >= 1
    assert machine["memory_gb"] > 0
    assert machine["processor"]
    assert machine["accelerator"]["type"] in ("CPU", "GPU")
    assert report["versions"]["tensorflow"]
    assert report["versions"]["keras"]
    assert report["settings"]["input_shape"] == [8, 8, 1]

    with paths["csv"].open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["batch_size"] for row in rows] == ["1", "4"]
    assert rows[0]["macs"] == str(arch["macs"])
    assert "| simple-cnn | 1 |" in paths["md"].read_text()
    assert "TensorFlow" in paths["md"].read_text()
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "simple-cnn" in result.output
    assert "medians of 2 repeats of 2 steps after 1 warm-up step\n" in result.output
    assert "1 of 1 architecture has a point" in result.output


def test_bench_pattern_matching_nothing(zoo: Callable[..., object]) -> None:
    result = zoo("bench", "no-such-arch*", *TINY)
    assert result.exit_code == 1
    assert "no architecture matches no-such-arch*" in result.output
    assert "simple-cnn" in result.output


def test_bench_exclude_removes_match(zoo: Callable[..., object]) -> None:
    result = zoo("bench", "simple*", "--exclude", "simple-cnn", *TINY)
    assert result.exit_code == 1
    assert "without simple-cnn" in result.output


def test_bench_tag_without_match(zoo: Callable[..., object]) -> None:
    result = zoo("bench", "simple-cnn", "--tag", "no-such-tag", *TINY)
    assert result.exit_code == 1
    assert "with the tag no-such-tag" in result.output


def test_bench_pattern_selects_by_wildcard() -> None:
    from zoo_core.bench import select_architectures
    from zoo_core.plugins import load_plugins

    registry = load_plugins().registry
    names = [c.name for c in select_architectures(registry, ["simple-*"])]
    assert names == ["simple-cnn"]
    everything = [c.name for c in select_architectures(registry, ["all"])]
    assert "simple-cnn" in everything
    assert "simple-cnn" not in [c.name for c in select_architectures(registry, ["all"], ["simple*"])]
    tagged = select_architectures(registry, ["all"], tags=["small"])
    assert "simple-cnn" in [c.name for c in tagged]
    assert all("small" in c.tags for c in tagged)


def test_bench_rejects_invalid_options(zoo: Callable[..., object]) -> None:
    bad_shape = zoo("bench", "simple-cnn", "--input-shape", "8,x,1")
    assert bad_shape.exit_code == 1
    assert "invalid --input-shape '8,x,1'" in bad_shape.output
    bad_param = zoo("bench", "simple-cnn", "--param", "no_such_parameter=1", *TINY)
    assert bad_param.exit_code == 1
    assert "no_such_parameter" in bad_param.output


@pytest.mark.slow
def test_bench_reports_build_failure(zoo: Callable[..., object]) -> None:
    # --json without a file prints the report alone on standard output.
    result = zoo("bench", "simple-cnn", "--param", "blocks=0", *TINY, "--json")
    assert result.exit_code == 0, result.output
    arch = json.loads(result.stdout)["architectures"][0]
    assert arch["status"] == "failed"
    assert "blocks must be at least 1" in arch["error"]
    assert "batches" not in arch or arch["batches"] == []


# An architecture whose forward pass ends its own process with SIGKILL at batch size 4, the way
# the Linux out-of-memory killer ends a worker.
KILLED_AT_FOUR = '''
    from zoo_core import hookimpl

    def build(input_shape, num_classes):
        import os, signal
        import keras
        import tensorflow as tf

        def die_at_four(x):
            def kill(size):
                if int(size) == 4:
                    os.kill(os.getpid(), signal.SIGKILL)
                return size
            tf.py_function(kill, [tf.shape(x)[0]], tf.int32)
            return x

        inputs = keras.Input(shape=tuple(input_shape))
        x = keras.layers.Lambda(die_at_four)(inputs)
        outputs = keras.layers.Dense(num_classes)(keras.layers.Flatten()(x))
        return keras.Model(inputs, outputs)

    @hookimpl
    def zoo_register_architectures(register):
        register("dies-at-four", build, summary="killed at batch size 4")
'''


@pytest.mark.slow
def test_bench_survives_killed_worker(zoo: Callable[..., object], fake_site: Callable[..., Path],
                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = fake_site("killer", textwrap.dedent(KILLED_AT_FOUR))
    monkeypatch.setenv("PYTHONPATH", str(site))
    report_path = tmp_path / "bench.json"
    result = zoo("bench", "dies-at-four", *TINY, "--batch-size", "1,4,2", "--json", str(report_path))
    assert result.exit_code == 0, result.output
    arch = json.loads(report_path.read_text())["architectures"][0]
    assert arch["status"] == "ok"
    statuses = {batch["batch_size"]: batch["status"] for batch in arch["batches"]}
    assert statuses == {1: "ok", 2: "ok", 4: "out_of_memory"}
    assert "SIGKILL" in arch["batches"][2]["error"]
    assert arch["batches"][1]["training_images_per_second"] > 0


def test_worker_failure_classification() -> None:
    killed = _describe_failure(-signal.SIGKILL, "")
    assert killed["status"] == "out_of_memory"
    exhausted = _describe_failure(1, "Traceback\ntensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM\n")
    assert exhausted["status"] == "out_of_memory"
    crashed = _describe_failure(1, "Traceback (most recent call last):\nValueError: blocks must be at least 1\n")
    assert crashed == {"status": "failed", "error": "ValueError: blocks must be at least 1"}

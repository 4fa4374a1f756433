"""Compare the training throughput of each architecture through the zoo runner with plain Keras.

For every selected architecture the script trains the same model on the same images with the same
batch size twice over, each time in a fresh Python process:

* zoo: ``zoo_core.runner.run`` on the built-in ``synthetic`` dataset, as ``zoo run`` would, with
  everything a run does at each epoch (history file, checkpoint, lifecycle hooks);
* keras: a plain Keras script that wraps the architecture in a ``Rescaling`` layer, feeds the same
  arrays through ``tf.data`` (cache, shuffle, batch, prefetch) and calls ``Model.fit``.

Both use Adam and sparse cross-entropy, no validation split, and train on the same training
split (all but the ``TEST_FRACTION`` test split that the zoo draws from seed 0). A process reports the wall time of
each epoch, from one epoch end to the next. The first epoch traces the functions, so it is
dropped, and the throughput is the training images over the median of the other epoch times.
Repeats alternate which side runs first; the table gives medians over repeats and the ratio
zoo / keras, where 1.00 means the zoo adds nothing. The zoo runner enables TensorFlow's op
determinism for reproducible runs; ``--keras-determinism`` enables it in the Keras script too,
which shows how much of a gap comes from it.

Usage: python benchmarks/train_throughput.py [PATTERN...] [--repeats 3] [--samples 1024]
       [--image-size 32] [--batch-size 32] [--epochs 4] [--keras-determinism] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CLASSES = 10
TEST_FRACTION = 0.1


def synthetic_params(args: argparse.Namespace) -> dict[str, Any]:
    """Return the parameters of the ``synthetic`` dataset that both sides train on."""
    return {"num_samples": args.samples, "num_classes": CLASSES, "image_size": args.image_size, "channels": 3}


def train_with_zoo(args: argparse.Namespace) -> list[float]:
    """Train through the zoo runner and return the wall time of each epoch."""
    from zoo_core import hookimpl
    from zoo_core.config import default_config, merge_config
    from zoo_core.plugins import load_plugins
    from zoo_core.runner import run

    ends: list[float] = []

    class EpochTimes:
        @hookimpl
        def zoo_run_started(self, run: Any) -> None:
            ends.append(time.perf_counter())

        @hookimpl
        def zoo_epoch_ended(self, run: Any, epoch: int, logs: Any) -> None:
            ends.append(time.perf_counter())

    plugins = load_plugins()
    plugins.manager.register(EpochTimes(), name="train-throughput-clock")
    config = merge_config(default_config(), {
        "dataset": {"name": "synthetic", **synthetic_params(args)},
        "augmentation": {"name": "none"},
        "architecture": {"name": args.arch},
        "optimizer": {"name": "adam"},
        "loss": {"name": "cross-entropy"},
        "metrics": [{"name": "accuracy"}],
        "training": {"epochs": args.epochs, "batch_size": args.batch_size, "seed": 0,
                     "validation_fraction": 0.0, "test_fraction": TEST_FRACTION},
    })
    with tempfile.TemporaryDirectory() as folder:
        run(config, plugins, out=Path(folder) / "run", show_progress=False)
    return [later - earlier for earlier, later in zip(ends, ends[1:])]


def train_with_keras(args: argparse.Namespace) -> list[float]:
    """Train the same architecture with a plain Keras script and return the wall time of each epoch."""
    import keras
    import tensorflow as tf

    from zoo_core.builtins.datasets import synthetic
    from zoo_core.plugins import load_plugins
    from zoo_core.splits import make_splits

    keras.utils.set_random_seed(0)
    if args.keras_determinism:
        tf.config.experimental.enable_op_determinism()
    dataset = synthetic(**synthetic_params(args), seed=0)
    train = make_splits(dataset, 0, 0.0, TEST_FRACTION)["train"]
    images, labels = dataset.source.images[train], dataset.labels[train].astype("int32")
    component = load_plugins().registry.get("architecture", args.arch)
    architecture = component.build({}, input_shape=tuple(images.shape[1:]), num_classes=CLASSES)
    inputs = keras.Input(shape=images.shape[1:])
    model = keras.Model(inputs, architecture(keras.layers.Rescaling(1 / 255)(inputs)))
    model.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    data = (tf.data.Dataset.from_tensor_slices((images, labels)).cache()
            .shuffle(len(labels), seed=0, reshuffle_each_iteration=True)
            .batch(args.batch_size).prefetch(tf.data.AUTOTUNE))
    ends = [time.perf_counter()]
    stamp = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: ends.append(time.perf_counter()))
    model.fit(data, epochs=args.epochs, verbose=0, callbacks=[stamp])
    return [later - earlier for earlier, later in zip(ends, ends[1:])]


def throughput(args: argparse.Namespace, epoch_seconds: list[float]) -> float:
    """Return training images/s over the median epoch time, leaving out the first epoch."""
    return training_images(args) / statistics.median(epoch_seconds[1:])


def training_images(args: argparse.Namespace) -> int:
    """Return the size of the training split that both sides train on."""
    from zoo_core.builtins.datasets import synthetic
    from zoo_core.splits import make_splits

    return int(make_splits(synthetic(**synthetic_params(args), seed=0), 0, 0.0, TEST_FRACTION)["train"].size)


def measure(args: argparse.Namespace, side: str, arch: str) -> float:
    """Train ``arch`` on ``side`` (zoo or keras) in a fresh process and return its images/s."""
    command = [sys.executable, __file__, "--worker", side, "--arch", arch, "--samples", str(args.samples),
               "--image-size", str(args.image_size), "--batch-size", str(args.batch_size), "--epochs", str(args.epochs)]
    if args.keras_determinism:
        command.append("--keras-determinism")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    finished = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"{side} worker for {arch} failed:\n{finished.stderr[-2000:]}")
    epoch_seconds = json.loads(finished.stdout.strip().splitlines()[-1])
    return throughput(args, epoch_seconds)


def compare(args: argparse.Namespace, arch: str) -> dict[str, Any]:
    """Return the zoo and keras images/s of every repeat, their medians and the ratio."""
    rates: dict[str, list[float]] = {"zoo": [], "keras": []}
    for repeat in range(args.repeats):
        order = ("zoo", "keras") if repeat % 2 == 0 else ("keras", "zoo")
        for side in order:
            rates[side].append(measure(args, side, arch))
    zoo, keras = statistics.median(rates["zoo"]), statistics.median(rates["keras"])
    return {"architecture": arch, "zoo_images_per_second": zoo, "keras_images_per_second": keras,
            "ratio": zoo / keras, "zoo_repeats": rates["zoo"], "keras_repeats": rates["keras"]}


def architectures(patterns: list[str]) -> list[str]:
    """Return the names of the installed architectures that match ``patterns`` (all by default)."""
    from zoo_core.plugins import load_plugins

    return [c.name for c in load_plugins().registry.filter("architecture", patterns or ["all"])]


def main() -> None:
    """Run the comparison (or, with ``--worker``, one side of it) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("patterns", nargs="*", help="architecture names or wildcards (default: all installed)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, default=1024, help="images in the dataset; 90%% of them train")
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=4, help="epochs per process; the first is not timed")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--keras-determinism", action="store_true",
                        help="enable TensorFlow's op determinism in the plain Keras script too, as the zoo runner does")
    parser.add_argument("--worker", choices=("zoo", "keras"), help=argparse.SUPPRESS)
    parser.add_argument("--arch", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.epochs < 3:
        parser.error("--epochs must be at least 3: the first epoch is not timed and a median needs two more")
    if args.worker:
        train = train_with_zoo if args.worker == "zoo" else train_with_keras
        print(json.dumps(train(args)))
        return

    results = []
    print(f"{'architecture':<14} {'zoo img/s':>10} {'keras img/s':>12} {'ratio':>6}")
    for arch in architectures(args.patterns):
        result = compare(args, arch)
        results.append(result)
        print(f"{arch:<14} {result['zoo_images_per_second']:>10.1f} {result['keras_images_per_second']:>12.1f} "
              f"{result['ratio']:>6.3f}", flush=True)
    if args.json:
        from zoo_core.machine import describe_machine, package_versions

        settings = {k: v for k, v in vars(args).items() if k not in ("worker", "arch", "json")}
        report = {"settings": settings, "machine": describe_machine(), "versions": package_versions(),
                  "results": results}
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()

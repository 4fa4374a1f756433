"""Fixtures for the tests of run directories: small training settings and helper plugins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

#: A few seconds of training: 160 tiny synthetic images and a narrow simple-cnn.
SMALL_RUN: tuple[str, ...] = (
    "--dataset", "synthetic", "--set", "dataset.num_samples=160", "--set", "dataset.image_size=8",
    "--set", "architecture.filters=4", "--set", "architecture.dense_units=16", "--set", "architecture.blocks=1",
    "--batch-size", "16", "--seed", "3", "--no-progress",
)

#: A plugin whose hooks act when environment variables ask: it sends the process SIGINT (as Ctrl-C
#: does) when training starts or after an epoch, or raises the optimizer's learning rate after an
#: epoch so that training diverges.
EPOCH_ACTIONS_PLUGIN = '''
import os
import signal

from zoo_core import hookimpl


@hookimpl
def zoo_run_started(run):
    if os.environ.get("ZOO_TEST_SIGINT_AT_START"):
        os.kill(os.getpid(), signal.SIGINT)


@hookimpl
def zoo_epoch_ended(run, epoch, logs):
    if str(epoch) == os.environ.get("ZOO_TEST_SIGINT_AFTER"):
        os.kill(os.getpid(), signal.SIGINT)
    if str(epoch) == os.environ.get("ZOO_TEST_DIVERGE_AFTER"):
        run.model.optimizer.learning_rate.assign(1e12)
'''


@pytest.fixture
def epoch_actions(fake_site: Callable[..., Path]) -> None:
    """Install the plugin that interrupts or destabilises a run after a chosen epoch."""
    fake_site("epoch-actions", EPOCH_ACTIONS_PLUGIN)


def run_zoo(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``zoo`` command in a fresh process and return its completed process."""
    command = [str(Path(sys.executable).parent / "zoo"), *args]
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600)


def write_shapes_folder(root: Path, per_class: int = 16) -> Path:
    """Write a three-class folder of small 8-bit images: PNG (RGB and grey) and raw PPM/PGM files.

    Each class has its own bright pattern (left half, top half, every other row) over noise, and
    the images have several sizes, so the dataset resizes them.
    """
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for label, name in enumerate(("left", "top", "rows")):
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(per_class):
            width, height = 12 + i % 5, 10 + i % 3
            pixels = rng.integers(0, 60, (height, width, 3))
            if label == 0:
                pixels[:, : width // 2] += 150
            elif label == 1:
                pixels[: height // 2] += 150
            else:
                pixels[::2] += 150
            image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
            if i % 4 == 0:
                image.convert("L").save(folder / f"grey{i}.pgm")  # raw (binary) PGM, 8 bits
            elif i % 4 == 1:
                image.save(folder / f"colour{i}.ppm")  # raw (binary) PPM, 8 bits per channel
            elif i % 4 == 2:
                image.convert("L").save(folder / f"grey{i}.png")
            else:
                image.save(folder / f"colour{i}.png")
    return root

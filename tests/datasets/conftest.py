"""Builders of dataset files on disk (images, IDX, CIFAR batches) for the dataset tests."""

from __future__ import annotations

import gzip
import pickle
import struct
import zlib
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from PIL import Image, ImageDraw


def photo(width: int, height: int, seed: int, hue: int = 0) -> Image.Image:
    """Return an RGB picture with a colour gradient, shapes and sensor-like noise.

    ``hue`` (0..2) picks the dominant colour channel, so pictures of different classes differ.
    """
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.zeros((height, width, 3), np.float32)
    base[..., hue] = 120 + 100 * x / max(width - 1, 1)
    base[..., (hue + 1) % 3] = 60 * y / max(height - 1, 1)
    base += rng.normal(0, 8, base.shape)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        left, top = int(rng.integers(0, width // 2)), int(rng.integers(0, height // 2))
        box = (left, top, left + int(rng.integers(3, width // 2 + 4)), top + int(rng.integers(3, height // 2 + 4)))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=colour)
        else:
            draw.rectangle(box, fill=colour)
    return image


def write_idx(path: Path, array: np.ndarray, compress: bool = False, magic: bytes | None = None) -> Path:
    """Write ``array`` as an unsigned-byte IDX file (gzip-compressed on request)."""
    header = magic if magic is not None else b"\x00\x00\x08" + bytes([array.ndim])
    header += b"".join(struct.pack(">I", side) for side in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def write_cifar10(folder: Path, per_batch: int = 4, seed: int = 0) -> Path:
    """Write a small CIFAR-10 "python version" folder: five training batches, a test batch, meta."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {
            b"batch_label": name.encode(),
            b"labels": [int(label) for label in rng.integers(0, 10, per_batch)],
            b"data": rng.integers(0, 256, (per_batch, 3072)).astype(np.uint8),
            b"filenames": [f"{name}_{i}.png".encode() for i in range(per_batch)],
        }
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    names = [b"airplane", b"automobile", b"bird", b"cat", b"deer", b"dog", b"frog", b"horse", b"ship", b"truck"]
    (folder / "batches.meta").write_bytes(pickle.dumps({b"label_names": names, b"num_vis": 3072}, protocol=2))
    return folder


@pytest.fixture
def make_photo() -> Callable[..., Image.Image]:
    """Return the picture builder :func:`photo`."""
    return photo


@pytest.fixture
def make_idx() -> Callable[..., Path]:
    """Return the IDX writer :func:`write_idx`."""
    return write_idx


@pytest.fixture
def make_cifar10() -> Callable[..., Path]:
    """Return the CIFAR-10 folder writer :func:`write_cifar10`."""
    return write_cifar10


@pytest.fixture
def class_folder(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that writes ``count`` pictures of one class and returns the folder."""

    def write(root: Path, name: str, count: int, size: tuple[int, int] = (12, 10), suffix: str = ".png",
              hue: int = 0) -> Path:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(count):
            photo(size[0], size[1], seed=zlib.crc32(f"{name}/{index}".encode()), hue=hue).save(folder / f"{name}_{index}{suffix}")
        return folder

    return write


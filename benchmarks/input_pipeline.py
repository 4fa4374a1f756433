"""Compare how fast the input pipeline delivers images with how fast simple-cnn trains on them.

The script writes a folder of 32x32 RGB PNG files (one sub-folder per class), loads it through the
registered ``image-folder`` dataset and measures, as medians over ``--repeats``:

* load: images/s of building the dataset, which scans the folder and decodes every file;
* pipeline: images/s of one pass of the training pipeline that decodes every file again from disk
  (``cache = false``), shuffles, batches and applies the augmentation, once per ``--augmentation``;
* cached: the same over images decoded once and kept in memory, which is what a run with the
  default ``cache = true`` reads, so only the augmentation is left per epoch;
* training: images/s that ``Model.fit`` trains simple-cnn (default parameters, Adam,
  cross-entropy) on for one epoch, fed from the cached pipeline.

Every measure runs once untimed (tracing, compilation), then the measures take turns within each
repeat, so that a change in the machine's load affects all of them alike.

Usage: python benchmarks/input_pipeline.py [--repeats 5] [--images-per-class 200] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

logger = logging.getLogger("benchmarks.input_pipeline")

IMAGE_SIZE = 32


def write_png_folder(root: Path, classes: int, per_class: int, seed: int = 0) -> int:
    """Write ``classes * per_class`` 32x32 RGB PNG files under ``root/class_K/`` and return the count.

    Each class is a random colour pattern plus per-image noise, so files differ and compress as
    photographs of that size do, rather than as flat colour.
    """
    from PIL import Image

    rng = np.random.default_rng(seed)
    patterns = rng.integers(0, 256, (classes, IMAGE_SIZE, IMAGE_SIZE, 3))
    for label in range(classes):
        folder = root / f"class_{label}"
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            noise = rng.normal(0.0, 24.0, (IMAGE_SIZE, IMAGE_SIZE, 3))
            pixels = np.clip(patterns[label] + noise, 0, 255).astype(np.uint8)
            Image.fromarray(pixels, "RGB").save(folder / f"{index:05d}.png")
    return classes * per_class


def median_rate(count: int, seconds: list[float]) -> dict[str, Any]:
    """Return the median images/s over repeats, with the per-repeat seconds."""
    return {"images_per_second": count / statistics.median(seconds), "seconds": seconds}


def build_folder_dataset(registry: Any, folder: Path, cache: bool) -> Any:
    """Build the ``image-folder`` dataset of ``folder`` through the registry."""
    component = registry.get("dataset", "image-folder")
    return component.build({"path": str(folder), "cache": cache}, seed=0)


def consume(data: Any) -> int:
    """Iterate every batch of a ``tf.data`` pipeline and return the number of images seen."""
    seen = 0
    for images, _labels in data:
        seen += int(images.shape[0])
    return seen


def pipeline_measures(registry: Any, folder: Path, augmentations: list[str],
                      batch_size: int) -> dict[str, Callable[[], Any]]:
    """Return the work of the load measure and of both pipelines with each augmentation."""
    from zoo_core.pipeline import training_pipeline

    measures: dict[str, Callable[[], Any]] = {"load": lambda: build_folder_dataset(registry, folder, cache=True)}
    sources = {"pipeline": build_folder_dataset(registry, folder, cache=False),
               "cached": build_folder_dataset(registry, folder, cache=True)}
    for kind, dataset in sources.items():
        indices = np.arange(len(dataset.labels))
        for name in augmentations:
            augment = registry.get("augmentation", name).build({}, value_range=dataset.value_range, seed=0)
            augment = None if getattr(augment, "is_identity", False) else augment
            data = training_pipeline(dataset, indices, batch_size, seed=0, augment=augment, cache=kind == "cached")
            measures[f"{kind}[{name}]"] = lambda data=data: consume(data)
    return measures


def training_measure(registry: Any, folder: Path, batch_size: int) -> Callable[[], Any]:
    """Return the work of training simple-cnn for one epoch on the cached folder."""
    from zoo_core.keras_objects import wrap_model
    from zoo_core.pipeline import training_pipeline

    dataset = build_folder_dataset(registry, folder, cache=True)
    architecture = registry.get("architecture", "simple-cnn").build(
        {}, input_shape=tuple(dataset.input_shape), num_classes=dataset.num_classes)
    model = wrap_model(architecture, dataset.input_shape, dataset.value_range, dataset.class_names)
    optimizer = registry.get("optimizer", "adam").build({}, learning_rate=None)
    loss = registry.get("loss", "cross-entropy").build({}, num_classes=dataset.num_classes, from_logits=True)
    model.compile(optimizer=optimizer, loss=loss)
    data = training_pipeline(dataset, np.arange(len(dataset.labels)), batch_size, seed=0)
    return lambda: model.fit(data, epochs=1, verbose=0)


def time_in_turns(measures: dict[str, Callable[[], Any]], repeats: int) -> dict[str, list[float]]:
    """Run every measure once untimed, then ``repeats`` rounds in turn; return each one's seconds."""
    for name, work in measures.items():
        logger.info("warming up %s", name)
        work()
    seconds: dict[str, list[float]] = {name: [] for name in measures}
    for repeat in range(repeats):
        for name, work in measures.items():
            started = time.perf_counter()
            work()
            seconds[name].append(time.perf_counter() - started)
        logger.info("repeat %d of %d done", repeat + 1, repeats)
    return seconds


def describe_machine() -> dict[str, Any]:
    """Return the facts about this machine and software that the figures depend on."""
    import tensorflow as tf

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return {"cpu": cpu, "logical_cpus": os.cpu_count(), "python": platform.python_version(),
            "tensorflow": tf.__version__, "platform": platform.platform()}


def format_report(results: dict[str, Any]) -> str:
    """Return the figures as a Markdown table, with the ratio of each pipeline to training."""
    training = results["training"]["images_per_second"]
    lines = ["| measure | images/s (median) | times training |", "| --- | ---: | ---: |"]
    for name, figures in results.items():
        if isinstance(figures, dict) and "images_per_second" in figures:
            rate = figures["images_per_second"]
            lines.append(f"| {name} | {rate:,.0f} | {rate / training:.1f} |")
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """Read the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=10, help="number of class folders (default: 10)")
    parser.add_argument("--images-per-class", type=int, default=200, help="PNG files per class (default: 200)")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size of pipeline and training (default: 32)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of each measure (default: 5)")
    parser.add_argument("--augmentation", action="append", default=None,
                        help="augmentation applied in both pipelines; repeatable (default: none, pad-crop-flip)")
    parser.add_argument("--folder", type=Path, default=None,
                        help="write the PNG files here instead of a temporary folder (it must not exist)")
    parser.add_argument("--json", type=Path, default=None, help="also write all figures to this JSON file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark, print the table and return every figure."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    arguments = parse_arguments(argv)
    from zoo_core.plugins import load_plugins

    registry = load_plugins().registry
    augmentations = arguments.augmentation or ["none", "pad-crop-flip"]
    with tempfile.TemporaryDirectory(prefix="zoo-pipeline-bench-") as scratch:
        folder = arguments.folder or Path(scratch) / "images"
        if arguments.folder is not None and folder.exists():
            raise SystemExit(f"--folder {folder} already exists; name a new folder")
        count = write_png_folder(folder, arguments.classes, arguments.images_per_class)
        logger.info("wrote %d PNG files of %dx%d to %s", count, IMAGE_SIZE, IMAGE_SIZE, folder)
        measures = pipeline_measures(registry, folder, augmentations, arguments.batch_size)
        measures["training"] = training_measure(registry, folder, arguments.batch_size)
        seconds = time_in_turns(measures, arguments.repeats)
    results: dict[str, Any] = {name: median_rate(count, values) for name, values in seconds.items()}
    results["setup"] = {"images": count, "image_size": IMAGE_SIZE, "batch_size": arguments.batch_size,
                        "repeats": arguments.repeats, "machine": describe_machine()}
    print(format_report(results))
    print(json.dumps(results["setup"], indent=2))
    if arguments.json is not None:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()

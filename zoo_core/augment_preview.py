"""Preview of an augmentation: a PNG grid of training images and augmented versions of them.

Each row is one training image: the original first, then ``versions`` augmented copies. The copies
come from one call of the augmentation on a batch that repeats the images, and each image of a
batch draws its own random parameters, so the copies differ from one another.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np

from zoo_core.components import Component, validate_parameters
from zoo_core.config import DEFAULT_TRAINING, apply_overrides, parse_override, split_component
from zoo_core.data import Dataset
from zoo_core.errors import ConfigError, RunError
from zoo_core.registry import Registry

logger = logging.getLogger(__name__)

#: The configuration tables that ``--set`` may change in a preview.
PREVIEW_SECTIONS: tuple[str, ...] = ("dataset", "augmentation")


@dataclass
class PreviewImages:
    """Originals (S, H, W, C), augmented copies (V, S, H, W, C), and what they show."""

    originals: np.ndarray
    augmented: np.ndarray
    labels: list[str]
    value_range: tuple[float, float]
    title: str


def preview_config(augmentation: str, dataset: str, overrides: Iterable[str]) -> dict[str, Any]:
    """Return the ``[dataset]`` and ``[augmentation]`` tables with ``section.key=value`` applied."""
    config: dict[str, Any] = {"dataset": {"name": dataset}, "augmentation": {"name": augmentation}}
    overrides = list(overrides)
    for text in overrides:
        section = parse_override(text)[0][0]
        if section not in PREVIEW_SECTIONS:
            raise ConfigError(
                f"cannot set {text!r} in a preview: only the dataset and augmentation tables apply",
                "write it as dataset.KEY=VALUE or augmentation.KEY=VALUE",
            )
    return apply_overrides(config, overrides)


def collect_preview(
    config: Mapping[str, Any],
    registry: Registry,
    samples: int = 8,
    versions: int = 4,
    seed: int = 0,
) -> PreviewImages:
    """Build the dataset and augmentation of ``config`` and augment ``samples`` training images.

    The images are drawn with ``seed`` from the training split that a run with the same seed and
    the default split fractions would use.
    """
    dataset_component, dataset_params = _resolve(registry, "dataset", config["dataset"])
    augment_component, augment_params = _resolve(registry, "augmentation", config["augmentation"])
    dataset = dataset_component.build(dataset_params, seed=seed)
    if not isinstance(dataset, Dataset):
        raise RunError(f"dataset {dataset_component.id!r} returned {type(dataset).__name__}, not a zoo_core.data.Dataset",
                       f"report this to the plugin's author ({dataset_component.distribution})")
    augment = augment_component.build(augment_params, value_range=dataset.value_range, seed=seed)
    if not callable(augment):
        raise RunError(f"augmentation {augment_component.id!r} returned {type(augment).__name__}, not a callable",
                       f"report this to the plugin's author ({augment_component.distribution})")

    indices = _training_sample(dataset, samples, seed)
    originals = _load_images(dataset, indices)
    logger.info("augmenting %d images of %s %d times with %s", len(indices), dataset.name, versions,
                augment_component.id)
    repeated = np.tile(originals, (versions, 1, 1, 1))
    augmented = np.asarray(augment(repeated), dtype=np.float32).reshape((versions, *originals.shape))
    labels = [dataset.class_names[label] for label in dataset.labels[indices]]
    settings = ", ".join(f"{key}={value}" for key, value in augment_params.items())
    title = f"{augment_component.id}" + (f" ({settings})" if settings else "") + f" on {dataset.name}"
    return PreviewImages(originals, augmented, labels, tuple(dataset.value_range), title)


def _resolve(registry: Registry, kind: str, table: Mapping[str, Any]) -> tuple[Component, dict[str, Any]]:
    name, params = split_component(table)
    component = registry.get(kind, name)
    return component, validate_parameters(component, params)


def _training_sample(dataset: Dataset, samples: int, seed: int) -> np.ndarray:
    from zoo_core.splits import make_splits

    splits = make_splits(dataset, seed, DEFAULT_TRAINING["validation_fraction"], DEFAULT_TRAINING["test_fraction"])
    train = splits["train"]
    if train.size == 0:
        raise RunError(f"dataset {dataset.name!r} has no training images to preview",
                       "check the dataset with `zoo data inspect`")
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(train, size=min(samples, train.size), replace=False))


def _load_images(dataset: Dataset, indices: np.ndarray) -> np.ndarray:
    images = dataset.source.tf_dataset(indices).batch(len(indices))
    return np.concatenate([np.asarray(batch, dtype=np.float32) for batch in images])


def render_preview(images: PreviewImages) -> bytes:
    """Draw the grid with matplotlib's Agg canvas and return it as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = images.originals.shape[0]
    columns = 1 + images.augmented.shape[0]
    figure = Figure(figsize=(1.4 * columns, 1.4 * rows + 0.5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False)
    for row in range(rows):
        pictures = [images.originals[row], *images.augmented[:, row]]
        for column, picture in enumerate(pictures):
            axis = axes[row][column]
            _show(axis, picture, images.value_range)
            if row == 0:
                axis.set_title("original" if column == 0 else f"augmented {column}", fontsize=8)
        axes[row][0].set_ylabel(images.labels[row], fontsize=8)
    figure.suptitle(images.title, fontsize=9)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _show(axis: Any, picture: np.ndarray, value_range: tuple[float, float]) -> None:
    low, high = value_range
    scaled = np.clip((picture - low) / (high - low), 0.0, 1.0)
    if scaled.shape[-1] == 1:
        axis.imshow(scaled[..., 0], cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    else:
        axis.imshow(scaled, interpolation="nearest")
    axis.set_xticks([])
    axis.set_yticks([])

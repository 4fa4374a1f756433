"""PNG plots of a run, drawn with matplotlib's Agg backend (no display needed).

- ``curves.png``: one panel per quantity in the history (the loss, then each metric). The loss
  has a training and a validation curve. Metrics are computed on the whole validation split at
  every epoch. The final values on the train and test splits (from ``metrics.json``) are drawn
  as points at the last epoch, because scoring every split after every epoch would cost a full
  prediction pass each.
- ``confusion_matrix.png``: counts on the test split (the validation split when there is no test
  split), rows the true class and columns the predicted class, labelled with the class names.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

logger = logging.getLogger(__name__)

CURVES_FILE = "curves.png"
CONFUSION_FILE = "confusion_matrix.png"
#: Beyond this many classes the cells carry no numbers, since they would not be readable.
ANNOTATE_MAX_CLASSES = 20


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_curves(history: Sequence[Mapping[str, float]], final: Mapping[str, Mapping[str, float]],
                path: str | Path) -> Path | None:
    """Draw the training curves of ``history`` to ``path``; return it, or None for an empty history."""
    if not history:
        return None
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    epochs = [int(row["epoch"]) for row in history]
    quantities = ["loss"] + sorted({key[4:] for row in history for key in row if key.startswith("val_")} - {"loss"})
    columns = min(3, len(quantities))
    rows = -(-len(quantities) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.5 * columns, 3.5 * rows), squeeze=False)
    for axis, name in zip(axes.flat, quantities):
        for split, key in (("train", name), ("validation", f"val_{name}")):
            values = [row.get(key) for row in history]
            points = [(e, v) for e, v in zip(epochs, values) if v is not None and v != ""]
            if points:
                axis.plot(*zip(*points), marker="o", markersize=3, label=split)
        for split, marker in (("train", "s"), ("test", "^")):
            value = final.get(split, {}).get(name)
            if value is not None and name != "loss":
                axis.plot([epochs[-1]], [value], marker=marker, linestyle="none", label=f"{split} (final)")
        axis.set_title(name)
        axis.set_xlabel("epoch")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize="small")
    for axis in list(axes.flat)[len(quantities):]:
        axis.set_visible(False)
    figure.tight_layout()
    return _save(figure, plt, path)


def plot_confusion_matrix(matrix: np.ndarray, class_names: Sequence[str], path: str | Path,
                          title: str = "confusion matrix") -> Path:
    """Draw the confusion ``matrix`` (rows true, columns predicted) with class names to ``path``."""
    plt = _pyplot()
    count = len(class_names)
    size = max(4.0, min(16.0, 0.45 * count + 2.5))
    figure, axis = plt.subplots(figsize=(size + 1.0, size))
    image = axis.imshow(matrix, cmap="Blues")
    figure.colorbar(image, ax=axis, fraction=0.046, pad=0.04)
    axis.set_xticks(range(count), labels=list(class_names), rotation=45, ha="right")
    axis.set_yticks(range(count), labels=list(class_names))
    axis.set_xlabel("predicted class")
    axis.set_ylabel("true class")
    axis.set_title(title)
    if count <= ANNOTATE_MAX_CLASSES:
        threshold = matrix.max() / 2 if matrix.size else 0
        for (row, column), value in np.ndenumerate(matrix):
            axis.text(column, row, str(int(value)), ha="center", va="center",
                      color="white" if value > threshold else "black", fontsize="small")
    figure.tight_layout()
    return _save(figure, plt, path)


def write_run_plots(run_dir: Path, history: Sequence[Mapping[str, float]], final: Mapping[str, Mapping[str, float]],
                    dataset: Any, splits: Mapping[str, np.ndarray],
                    probabilities: Mapping[str, np.ndarray]) -> list[Path]:
    """Write ``curves.png`` and ``confusion_matrix.png`` into ``run_dir``; return the files written.

    ``probabilities`` maps split names to the (N, C) class probabilities of that split's samples.
    """
    from zoo_core.metrics import confusion_matrix

    written = []
    curves = plot_curves(history, final, run_dir / CURVES_FILE)
    if curves is not None:
        written.append(curves)
    split = "test" if "test" in probabilities else "validation"
    if split in probabilities:
        predicted = np.argmax(probabilities[split], axis=1)
        matrix = confusion_matrix(dataset.labels[splits[split]], predicted, dataset.num_classes)
        written.append(plot_confusion_matrix(matrix, dataset.class_names, run_dir / CONFUSION_FILE,
                                             title=f"confusion matrix, {split} split"))
    logger.info("plots written: %s", ", ".join(path.name for path in written))
    return written


def _save(figure: Any, plt: Any, path: str | Path) -> Path:
    import io

    from zoo_core.rundir import write_bytes_atomic

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    write_bytes_atomic(path, buffer.getvalue())
    return Path(path)

"""Files that describe a run's predictions, written beside ``metrics.json``.

- ``predictions.csv``: one row per sample of the test split, with its id, true class, predicted
  class and the probability of each class (column ``prob_<class name>``). The float64 values are
  written with every digit, so metrics recomputed from the file equal ``metrics.json``;
- ``per_class.csv``: precision, recall, F1 and support of every class in every evaluated split;
- ``confusion_matrix.json``: the class names and one count matrix per split, rows true classes
  and columns predicted classes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from zoo_core.data import Dataset
from zoo_core.metrics import confusion_matrix, per_class_scores, predicted_classes
from zoo_core.rundir import write_csv_atomic, write_json_atomic

logger = logging.getLogger(__name__)

PREDICTIONS_SPLIT = "test"


def score_probabilities(labels: np.ndarray, probabilities: np.ndarray, metrics: Sequence[Any]) -> dict[str, float]:
    """Return every metric, keyed by its name, for one split's labels and probabilities."""
    return {metric.name: float(metric.compute(labels, probabilities)) for metric in metrics}


def write_reports(run_dir: Path, dataset: Dataset, splits: Mapping[str, np.ndarray],
                  probabilities: Mapping[str, np.ndarray]) -> None:
    """Write predictions.csv, per_class.csv and confusion_matrix.json for the evaluated splits."""
    if PREDICTIONS_SPLIT in probabilities:
        write_predictions(run_dir / "predictions.csv", dataset, splits[PREDICTIONS_SPLIT],
                          probabilities[PREDICTIONS_SPLIT])
    else:
        logger.info("the test split is empty, so no predictions.csv is written")
    matrices = {}
    rows = []
    for split, split_probabilities in probabilities.items():
        labels = dataset.labels[splits[split]]
        matrix = confusion_matrix(labels, predicted_classes(split_probabilities), dataset.num_classes)
        matrices[split] = matrix.tolist()
        rows.extend(_per_class_rows(split, matrix, dataset.class_names))
    write_csv_atomic(run_dir / "per_class.csv", ["split", "class", "precision", "recall", "f1", "support"], rows)
    write_json_atomic(run_dir / "confusion_matrix.json", {
        "class_names": list(dataset.class_names),
        "rows": "true class",
        "columns": "predicted class",
        "splits": matrices,
    })


def write_predictions(path: Path, dataset: Dataset, indices: np.ndarray, probabilities: np.ndarray) -> None:
    """Write one row per sample: id, true class, predicted class and every class probability."""
    ids = dataset.sample_ids()
    names = dataset.class_names
    predicted = predicted_classes(probabilities)
    header = ["id", "true_class", "predicted_class", *probability_columns(names)]
    rows = []
    for position, index in enumerate(indices):
        row = [ids[index], names[dataset.labels[index]], names[predicted[position]]]
        row.extend(repr(float(value)) for value in probabilities[position])
        rows.append(row)
    write_csv_atomic(path, header, rows)


def probability_columns(class_names: Sequence[str]) -> list[str]:
    """Return the predictions.csv column name of each class's probability."""
    return [f"prob_{name}" for name in class_names]


def _per_class_rows(split: str, matrix: np.ndarray, class_names: Sequence[str]) -> list[list[Any]]:
    scores = per_class_scores(matrix)
    return [
        [split, name, float(scores.precision[i]), float(scores.recall[i]), float(scores.f1[i]), int(scores.support[i])]
        for i, name in enumerate(class_names)
    ]

"""Prediction with a saved zoo model on image files, decoded exactly as the training data was.

The model's first layer, :class:`zoo_core.keras_objects.Preprocess`, stores the class names, the
decoding settings of the training files and the architecture's provenance. Loading reads that
configuration from the ``.keras`` archive first, without building anything, so that a model whose
architecture plugin is not installed fails with the plugin's name instead of a Keras error about
an unknown class. Files are then decoded with :func:`zoo_core.imageio.load_image`, the function
that every dataset loader uses, and the model's own preprocessing layer rescales the pixels.

A model trained on in-memory arrays (``digits``, ``synthetic``) has no decoding settings. Its
files are decoded to the model's input size and channel count with bilinear interpolation, and
0..255 pixel values are mapped linearly onto the value range the model was trained on.
"""

from __future__ import annotations

import json
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from zoo_core.errors import DataError, RunError, ZooError
from zoo_core.plugins import LoadedPlugins

logger = logging.getLogger(__name__)

MODEL_FILE = "model.keras"
BATCH_SIZE = 64


@dataclass
class SavedModelInfo:
    """The facts that a saved zoo model records about itself, read from its ``.keras`` archive."""

    path: Path
    class_names: list[str]
    value_range: tuple[float, float]
    decoding: dict[str, Any]
    outputs: str
    architecture: dict[str, Any]
    input_shape: tuple[int, int, int]


@dataclass
class Prediction:
    """The top classes of one file, most probable first."""

    file: str
    classes: list[str]
    probabilities: list[float]
    all_probabilities: np.ndarray = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the prediction as JSON-ready data."""
        return {"file": self.file,
                "top": [{"class": name, "probability": p} for name, p in zip(self.classes, self.probabilities)]}


def model_path(target: str | Path) -> Path:
    """Return the ``.keras`` file of ``target``, a run directory or a model file."""
    path = Path(target)
    if path.is_dir():
        path = path / MODEL_FILE
        if not path.is_file():
            raise RunError(f"{target} has no {MODEL_FILE}",
                           "the run has not finished; resume it with zoo run --resume, or pass a .keras file")
    elif not path.is_file():
        raise RunError(f"model not found: {target}", "pass a run directory or a .keras file")
    return path


def read_model_info(path: Path) -> SavedModelInfo:
    """Read the Preprocess layer's configuration from the ``.keras`` archive at ``path``."""
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as error:
        raise RunError(f"{path} is not a Keras .keras model file: {error}", "pass a model.keras written by zoo run")
    for layer in config.get("config", {}).get("layers", []):
        if layer.get("class_name") == "Preprocess" and layer.get("module", "").startswith("zoo_core"):
            settings = layer["config"]
            shape = _input_shape(config)
            return SavedModelInfo(path, list(settings.get("class_names", [])),
                                  tuple(settings.get("value_range", (0.0, 255.0))),  # type: ignore[arg-type]
                                  dict(settings.get("decoding") or {}), settings.get("outputs", "logits"),
                                  dict(settings.get("architecture") or {}), shape)
    raise RunError(f"{path} has no zoo_core Preprocess layer, so it is not a model written by zoo run",
                   "pass a run directory or the model.keras of one")


def _input_shape(config: dict[str, Any]) -> tuple[int, int, int]:
    for layer in config["config"]["layers"]:
        if layer.get("class_name") == "InputLayer":
            shape = layer["config"].get("batch_shape") or layer["config"].get("batch_input_shape")
            return tuple(int(size) for size in shape[1:])  # type: ignore[return-value]
    raise RunError("the saved model has no input layer", "pass a model.keras written by zoo run")


def load_model(path: Path, info: SavedModelInfo, plugins: LoadedPlugins) -> Any:
    """Import the architecture's plugin code, then load the model (without its training state)."""
    _import_architecture(info, plugins)
    import keras

    import zoo_core.keras_objects  # noqa: F401  (registers Preprocess)

    try:
        return keras.saving.load_model(path, compile=False)
    except (TypeError, ValueError) as error:
        source = info.architecture
        raise RunError(
            f"cannot load {path}: {error}".splitlines()[0],
            f"the model was built by {source.get('id', 'an unknown architecture')} from "
            f"{source.get('distribution') or 'an unknown distribution'} {source.get('version') or ''}; "
            "install that plugin version and try again",
        ) from None


def _import_architecture(info: SavedModelInfo, plugins: LoadedPlugins) -> None:
    source = info.architecture
    component_id = source.get("id")
    if not component_id:
        return
    candidates = [c for c in plugins.registry.components("architecture") if c.id == component_id]
    if not candidates:
        distribution = source.get("distribution") or component_id.partition(":")[0]
        hint = f"install it (zoo plugins install {distribution}) or enable it, and try again"
        unavailable = [f"{p.name} ({p.status})" for p in plugins.registry.plugins.values() if p.status != "loaded"]
        if unavailable:
            hint += "; plugins that did not load: " + ", ".join(unavailable)
        raise RunError(
            f"the model needs architecture {component_id!r} from plugin distribution {distribution!r} "
            f"(version {source.get('version') or 'unknown'}), which is not installed or is disabled",
            hint,
        )
    # Importing the factory's module registers the custom Keras objects that the model refers to.
    candidates[0].load_factory()


def collect_files(targets: Iterable[str | Path]) -> list[Path]:
    """Return the image files named by ``targets``: files as given, folders listed recursively."""
    from zoo_core.imageio import list_image_files

    files: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found = list_image_files(path, recursive=True)
            if not found:
                logger.warning("no image files in %s", path)
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise DataError(f"file or folder not found: {target}", "check the path")
    if not files:
        raise DataError("no image files to predict", "pass image files or folders that contain some")
    return files


def decode_for_model(path: Path, info: SavedModelInfo) -> np.ndarray:
    """Decode the image file at ``path`` into the model's input, in its training value range."""
    from zoo_core.imageio import load_image

    height, width, channels = info.input_shape
    if info.decoding:
        size = info.decoding.get("image_size") or (height, width)
        return load_image(path, channels=int(info.decoding.get("channels", channels)), image_size=tuple(size),
                          interpolation=info.decoding.get("interpolation", "bilinear"))
    image = load_image(path, channels=channels, image_size=(height, width), interpolation="bilinear")
    low, high = info.value_range
    return image * ((high - low) / 255.0) + low


def predict_files(model: Any, info: SavedModelInfo, files: Sequence[Path], top_k: int,
                  skip_invalid: bool = False) -> tuple[list[Prediction], list[tuple[Path, str]]]:
    """Return the top ``top_k`` classes of each file, and the files skipped with their reasons.

    Raises the file's DataError on the first file that cannot be decoded unless ``skip_invalid``.
    """
    from zoo_core.outputs import to_probabilities

    images, decoded_paths, skipped = [], [], []
    for path in files:
        try:
            images.append(decode_for_model(path, info))
            decoded_paths.append(path)
        except ZooError as error:
            if not skip_invalid:
                raise
            skipped.append((path, error.message))
    if not images:
        return [], skipped
    outputs = model.predict(np.stack(images).astype(np.float32), batch_size=BATCH_SIZE, verbose=0)
    probabilities = to_probabilities(np.asarray(outputs, dtype=np.float64), info.outputs)
    count = max(1, min(top_k, len(info.class_names)))
    predictions = []
    for path, row in zip(decoded_paths, probabilities):
        order = np.argsort(-row, kind="stable")[:count]
        predictions.append(Prediction(str(path), [info.class_names[i] for i in order],
                                      [float(row[i]) for i in order], row))
    return predictions, skipped

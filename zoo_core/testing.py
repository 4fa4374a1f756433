"""Contract checks for plugin authors, to call from a plugin's own tests.

Each check raises :class:`ContractError` (an ``AssertionError``, so pytest reports it as a
failure) whose message names the component and the fault. A typical plugin test::

    from zoo_core import testing

    def test_plugin_contract(tmp_path):
        testing.check_plugin("my-plugin", work_dir=tmp_path)

:func:`check_plugin` checks that the plugin loaded, that importing its modules leaves TensorFlow
and Keras unimported, that every component resolves, and runs :func:`check_architecture` on
every architecture. The single checks are public too, so a plugin can run the expensive ones on a
few architectures only, or with smaller parameters (a width multiplier, say).

Importing this module imports neither TensorFlow nor Keras; the architecture checks do.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from zoo_core.components import Component
from zoo_core.errors import ZooError
from zoo_core.plugins import LoadedPlugins, load_plugins

#: (input shape, number of classes) pairs that every architecture must build for: grayscale
#: digits, an odd non-square colour image and a CIFAR-sized image.
DEFAULT_CASES: tuple[tuple[tuple[int, int, int], int], ...] = (
    ((8, 8, 1), 10),
    ((13, 7, 3), 2),
    ((32, 32, 3), 5),
)

#: Modules that a plugin's import must leave unimported.
HEAVY_MODULES: tuple[str, ...] = ("tensorflow", "keras")

#: Images in the fixed batch of the training, reload and batch checks.
BATCH_SIZE = 8

#: The training check passes when the loss falls below this fraction of its first value.
LEARN_FACTOR = 0.9

#: Adam's learning rate in the training check: high enough that a small model moves its loss
#: noticeably in a few steps.
LEARNING_RATE = 0.01


class ContractError(AssertionError):
    """A component breaks the contract of its kind; the message names the component and the fault."""


def check_plugin(
    plugin: str,
    *,
    architecture_params: Mapping[str, Mapping[str, Any]] | None = None,
    cases: Sequence[tuple[tuple[int, int, int], int]] = DEFAULT_CASES,
    build_only: Iterable[str] = (),
    work_dir: str | Path | None = None,
    plugins: LoadedPlugins | None = None,
) -> list[Component]:
    """Run every contract check on the plugin called ``plugin`` and return its components.

    ``architecture_params`` maps an architecture's name to the parameters to build it with in
    the checks (default: none, so its defaults). The architectures named in ``build_only`` get
    only the build checks (shapes, output size, smallest input), which keeps a plugin's tests
    fast when a fully checked sibling uses the same layers. The ``.keras`` files of the reload
    check go to ``work_dir`` (default: a temporary directory).
    """
    loaded = plugins or load_plugins()
    components = check_components_resolve(plugin, loaded)
    check_import_is_light(plugin_modules(plugin, loaded))
    params = architecture_params or {}
    build_only = set(build_only)
    unknown = build_only - {component.name for component in components if component.kind == "architecture"}
    if unknown:
        raise ValueError(f"build_only names no architecture of plugin {plugin!r}: {', '.join(sorted(unknown))}")
    for component in components:
        if component.kind != "architecture":
            continue
        check_architecture(component, params=params.get(component.name, {}), cases=cases, work_dir=work_dir,
                           build_only=component.name in build_only)
    return components


def plugin_components(plugin: str, plugins: LoadedPlugins | None = None) -> list[Component]:
    """Return the components that the plugin called ``plugin`` registered, or raise ContractError.

    The error names the reason: the plugin is not installed, did not load or registered nothing.
    """
    loaded = plugins or load_plugins()
    info = loaded.registry.plugins.get(plugin)
    if info is None:
        known = ", ".join(sorted(loaded.registry.plugins)) or "none"
        raise ContractError(f"plugin {plugin!r} is not installed; the installed plugins are: {known}")
    if info.status != "loaded":
        raise ContractError(f"plugin {plugin!r} did not load (status {info.status}): {info.error}")
    components = [component for component in loaded.registry.components() if component.plugin == plugin]
    if not components:
        raise ContractError(f"plugin {plugin!r} loaded but registered no component")
    return components


def plugin_modules(plugin: str, plugins: LoadedPlugins | None = None) -> list[str]:
    """Return the plugin's entry-point module and every module that its factory strings name."""
    loaded = plugins or load_plugins()
    components = plugin_components(plugin, loaded)
    modules = [loaded.registry.plugins[plugin].module.partition(":")[0]]
    for component in components:
        if isinstance(component.factory, str):
            module = component.factory.partition(":")[0]
            if module not in modules:
                modules.append(module)
    return modules


def check_components_resolve(plugin: str, plugins: LoadedPlugins | None = None) -> list[Component]:
    """Check that every component of ``plugin`` loads its factory and reads its parameters.

    An architecture must also declare in its metadata whether it outputs ``logits`` or
    ``probabilities``. Returns the components.
    """
    components = plugin_components(plugin, plugins)
    for component in components:
        try:
            component.parameters()
        except ZooError as error:
            raise ContractError(f"{component.kind} {component.id!r} does not resolve: {error.message}") from error
        outputs = component.metadata.get("outputs")
        if component.kind == "architecture" and outputs not in ("logits", "probabilities"):
            raise ContractError(
                f"architecture {component.id!r} has metadata outputs={outputs!r}; "
                "register it with metadata={'outputs': 'logits'} or 'probabilities'"
            )
    return components


def check_import_is_light(modules: Iterable[str]) -> None:
    """Check that importing each of ``modules``, in order, leaves TensorFlow and Keras unimported.

    The imports run in a fresh interpreter, so modules that this process has already imported
    do not hide a heavy import.
    """
    modules = list(modules)
    script = (
        "import importlib, sys\n"
        f"heavy = {HEAVY_MODULES!r}\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    loaded = [m for m in heavy if m in sys.modules]\n"
        "    if loaded:\n"
        "        print(f'{name} imports {\", \".join(loaded)}')\n"
        "        break\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ContractError(f"importing {', '.join(modules)} failed:\n{result.stderr.strip()}")
    if result.stdout.strip():
        raise ContractError(
            f"{result.stdout.strip()} at import time; import TensorFlow and Keras inside the "
            "factory functions so that `zoo list` and `zoo info` stay fast"
        )


def check_architecture(
    component: Component,
    params: Mapping[str, Any] | None = None,
    cases: Sequence[tuple[tuple[int, int, int], int]] = DEFAULT_CASES,
    work_dir: str | Path | None = None,
    build_only: bool = False,
) -> None:
    """Run every architecture check on ``component`` built with ``params``.

    It must build for each ``(input shape, classes)`` case and output one value per class, and
    accept its declared smallest input (metadata ``min_input_size``, default 1x1) and reject a
    smaller one with an error that names it. Unless ``build_only``, the model built for the
    first case must also lower the loss on a fixed batch, predict the same after a ``.keras``
    save and load, and predict the same for an image alone or in a batch.
    """
    import keras

    params = dict(params or {})
    if not cases:
        raise ValueError("check_architecture needs at least one (input shape, classes) case")
    # Seeding before the builds makes the initial weights, and so the training check, the same
    # whatever ran before in the process.
    keras.utils.set_random_seed(0)
    models = [build_checked(component, shape, classes, params) for shape, classes in cases]
    check_min_input_size(component, params, channels=cases[0][0][2], num_classes=cases[0][1])
    if build_only:
        return
    model, (shape, classes) = models[0], cases[0]
    check_learns(component, model, shape, classes)
    if work_dir is None:
        with tempfile.TemporaryDirectory(prefix="zoo-check-") as directory:
            check_reload(component, model, shape, Path(directory))
    else:
        check_reload(component, model, shape, Path(work_dir))
    check_batch_independent(component, model, shape)


def build_checked(component: Component, input_shape: tuple[int, int, int], num_classes: int,
                  params: Mapping[str, Any] | None = None) -> Any:
    """Build the architecture and check that it outputs ``(batch, num_classes)``; return the model."""
    import keras

    label = f"architecture {component.id!r}"
    try:
        model = component.build(dict(params or {}), input_shape=tuple(input_shape), num_classes=num_classes)
    except ZooError as error:
        raise ContractError(f"{label} failed to build for input {input_shape} and {num_classes} classes: "
                            f"{error.message}") from error
    except Exception as error:  # noqa: BLE001 - any other failure to build is the fault reported
        raise ContractError(f"{label} failed to build for input {input_shape} and {num_classes} classes "
                            f"with {type(error).__name__}: {error}") from error
    if not isinstance(model, keras.Model):
        raise ContractError(f"{label} returned {type(model).__name__}, not a keras.Model")
    check_output_shape(component, model, input_shape, num_classes)
    return model


def check_output_shape(component: Component, model: Any, input_shape: tuple[int, int, int], num_classes: int) -> None:
    """Check that ``model`` outputs one value per class for each image."""
    shape = model.output_shape
    if not isinstance(shape, tuple) or len(shape) != 2 or shape[-1] != num_classes:
        raise ContractError(
            f"architecture {component.id!r} has the wrong output size for input {input_shape} and "
            f"{num_classes} classes: it outputs {shape}, expected (None, {num_classes}), one value per class"
        )


def check_min_input_size(component: Component, params: Mapping[str, Any], channels: int = 3,
                         num_classes: int = 10) -> None:
    """Check that the declared smallest input builds and that one pixel less is rejected clearly.

    The rejection must be a ParameterError (a ValueError from the factory) whose message names
    the smallest size as ``HxW``. A shape error from inside TensorFlow does not count.
    """
    min_height, min_width = (int(size) for size in component.metadata.get("min_input_size", (1, 1)))
    build_checked(component, (min_height, min_width, channels), num_classes, params)
    too_small = (min_height - 1, min_width, channels)
    try:
        component.build(dict(params), input_shape=too_small, num_classes=num_classes)
    except ZooError as error:
        if f"{min_height}x{min_width}" not in error.message:
            raise ContractError(
                f"architecture {component.id!r} rejects the input {too_small} without naming the smallest "
                f"size it accepts ({min_height}x{min_width}): {error.message}"
            ) from error
        return
    except Exception as error:  # noqa: BLE001 - any other error is the fault being reported
        raise ContractError(
            f"architecture {component.id!r} fails on the input {too_small}, below its smallest size "
            f"{min_height}x{min_width}, with {type(error).__name__} from inside the framework instead of "
            f"a ValueError that names {min_height}x{min_width}: {error}"
        ) from error
    raise ContractError(
        f"architecture {component.id!r} builds for the input {too_small}, below the smallest size "
        f"{min_height}x{min_width} that its metadata min_input_size declares"
    )


def fixed_batch(input_shape: tuple[int, int, int], num_classes: int, seed: int = 0) -> tuple[Any, Any]:
    """Return ``BATCH_SIZE`` images in [0, 1] and labels that cycle through the classes.

    Each class has its own random pattern of dark (0.2) and bright (0.8) pixels, in which class
    ``c`` has a fraction ``(c + 1) / (num_classes + 1)`` of bright pixels, so that even a model
    that averages over the image can tell the classes apart. Each image adds uniform noise of
    +-0.1 to its class's pattern, so every image differs from the others.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    labels = np.arange(BATCH_SIZE) % num_classes
    bright_fraction = (np.arange(num_classes) + 1) / (num_classes + 1)
    draws = rng.random((num_classes, *input_shape))
    patterns = np.where(draws < bright_fraction.reshape(-1, 1, 1, 1), 0.8, 0.2)
    noise = rng.uniform(-0.1, 0.1, (BATCH_SIZE, *input_shape))
    return (patterns[labels] + noise).astype(np.float32), labels


def check_learns(component: Component, model: Any, input_shape: tuple[int, int, int], num_classes: int,
                 steps: int = 20, seed: int = 0) -> None:
    """Check that ``steps`` Adam steps (``LEARNING_RATE``) on a fixed batch lower the training loss.

    The lowest loss of the later steps must fall below ``LEARN_FACTOR`` times the first one.
    Each step reports its training-mode loss (dropout on, batch statistics), because
    inference-mode batch-normalisation statistics move too slowly in a few steps. Taking the
    lowest loss tolerates the noise of dropout and of small batches.
    """
    import keras

    keras.utils.set_random_seed(seed)
    images, labels = fixed_batch(input_shape, num_classes, seed)
    from_logits = component.metadata.get("outputs", "logits") != "probabilities"
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), run_eagerly=True,
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits))
    losses = [float(model.train_on_batch(images, labels)) for _ in range(steps)]
    if not all(math.isfinite(loss) for loss in losses):
        raise ContractError(f"architecture {component.id!r} gives a non-finite training loss on a fixed batch: {losses}")
    lowest = min(losses[1:])
    if not lowest < LEARN_FACTOR * losses[0]:
        raise ContractError(
            f"architecture {component.id!r} does not learn: {steps} Adam steps on a fixed batch of "
            f"{BATCH_SIZE} images lowered the training loss from {losses[0]:.4f} to no less than {lowest:.4f}, "
            f"not below {LEARN_FACTOR:g} times the first; check that every layer is trainable and connected "
            "to the output"
        )


def check_reload(component: Component, model: Any, input_shape: tuple[int, int, int], directory: Path) -> None:
    """Check that ``model`` saves to and loads from the ``.keras`` format and predicts the same."""
    import keras
    import numpy as np

    images, _ = fixed_batch(input_shape, 2, seed=1)
    path = Path(directory) / f"{component.plugin}-{component.name}.keras"
    try:
        model.save(path)
        loaded = keras.saving.load_model(path, compile=False)
    except Exception as error:  # noqa: BLE001 - every failure to save or load is the fault reported
        raise ContractError(
            f"architecture {component.id!r} cannot be reloaded from the .keras format "
            f"({type(error).__name__}: {error}); use Keras layers, or register custom layers with "
            "keras.saving.register_keras_serializable and give them a get_config"
        ) from error
    before = np.asarray(model(images, training=False))
    after = np.asarray(loaded(images, training=False))
    if before.shape != after.shape or not np.allclose(before, after, rtol=1e-4, atol=1e-5):
        difference = float(np.max(np.abs(before - after))) if before.shape == after.shape else float("nan")
        raise ContractError(
            f"architecture {component.id!r} predicts differently after a .keras save and load "
            f"(largest difference {difference:.3g}); save every weight and configuration value"
        )


def check_batch_independent(component: Component, model: Any, input_shape: tuple[int, int, int]) -> None:
    """Check that an image's prediction is the same alone and in a batch of other images.

    A model that normalises with the statistics of the current batch at inference fails here.
    """
    import numpy as np

    images, _ = fixed_batch(input_shape, 2, seed=2)
    batch = np.asarray(model(images, training=False))
    for index in range(len(images)):
        alone = np.asarray(model(images[index:index + 1], training=False))[0]
        scale = max(1.0, float(np.max(np.abs(batch[index]))))
        difference = float(np.max(np.abs(alone - batch[index])))
        if difference > 1e-4 * scale:
            raise ContractError(
                f"architecture {component.id!r} predicts image {index} differently alone and in a batch of "
                f"{len(images)} (largest difference {difference:.3g}): inference depends on the other images "
                "in the batch; use moving statistics at inference, e.g. BatchNormalization without training=True"
            )

"""zoo_core.testing: each contract check passes a sound architecture and rejects a real fault."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import pytest

from zoo_core import testing
from zoo_core.arch_args import check_input_shape
from zoo_core.components import Component
from zoo_core.plugins import load_plugins

SMALL_CASES = (((8, 8, 1), 10), ((5, 9, 3), 2))


def _component(factory: Callable[..., Any], name: str, **metadata: Any) -> Component:
    return Component(kind="architecture", name=name, plugin="contract-test", factory=factory,
                     metadata={"outputs": "logits", **metadata})


def sound_net(input_shape: Sequence[int], num_classes: int, filters: int = 16) -> Any:
    """A small network with batch normalisation that keeps the contract."""
    import keras

    check_input_shape("sound-net", input_shape)
    inputs = keras.Input(shape=tuple(input_shape))
    x = keras.layers.Conv2D(filters, 3, padding="same")(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Activation("relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes)(x))


def wrong_output_net(input_shape: Sequence[int], num_classes: int) -> Any:
    """Outputs one value more than there are classes."""
    import keras

    inputs = keras.Input(shape=tuple(input_shape))
    x = keras.layers.GlobalAveragePooling2D()(inputs)
    return keras.Model(inputs, keras.layers.Dense(num_classes + 1)(x))


def unreloadable_net(input_shape: Sequence[int], num_classes: int) -> Any:
    """Contains a Python lambda, which Keras refuses to deserialise in safe mode."""
    import keras

    inputs = keras.Input(shape=tuple(input_shape))
    x = keras.layers.Lambda(lambda t: t * 2.0)(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes)(x))


def batch_dependent_net(input_shape: Sequence[int], num_classes: int) -> Any:
    """Subtracts the mean of the current batch even at inference."""
    import keras

    class BatchCentering(keras.layers.Layer):
        def call(self, inputs: Any) -> Any:
            return inputs - keras.ops.mean(inputs, axis=0, keepdims=True)

    inputs = keras.Input(shape=tuple(input_shape))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    x = BatchCentering()(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes)(x))


def unchecked_size_net(input_shape: Sequence[int], num_classes: int) -> Any:
    """Two unpadded 3x3 convolutions: needs 5x5, but lets Keras fail on smaller inputs."""
    import keras

    inputs = keras.Input(shape=tuple(input_shape))
    x = keras.layers.Conv2D(4, 3)(inputs)
    x = keras.layers.Conv2D(4, 3)(x)
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes)(x))


def frozen_net(input_shape: Sequence[int], num_classes: int) -> Any:
    """Every layer frozen, so training cannot lower the loss."""
    import keras

    inputs = keras.Input(shape=tuple(input_shape))
    x = keras.layers.GlobalAveragePooling2D()(inputs)
    dense = keras.layers.Dense(num_classes)
    outputs = dense(x)
    dense.trainable = False
    return keras.Model(inputs, outputs)


@pytest.mark.slow
def test_sound_architecture_passes(tmp_path: Path) -> None:
    testing.check_architecture(_component(sound_net, "sound-net"), cases=SMALL_CASES, work_dir=tmp_path)
    assert (tmp_path / "contract-test-sound-net.keras").is_file()


def test_wrong_output_size_rejected() -> None:
    component = _component(wrong_output_net, "wrong-output")
    with pytest.raises(testing.ContractError, match=r"'contract-test:wrong-output' has the wrong output size") as info:
        testing.build_checked(component, (8, 8, 1), 10)
    assert "(None, 11), expected (None, 10)" in str(info.value)


def test_unreloadable_architecture_rejected(tmp_path: Path) -> None:
    component = _component(unreloadable_net, "lambda-net")
    model = testing.build_checked(component, (8, 8, 1), 3)
    with pytest.raises(testing.ContractError, match="'contract-test:lambda-net' cannot be reloaded") as info:
        testing.check_reload(component, model, (8, 8, 1), tmp_path)
    assert "Lambda" in str(info.value)


def test_batch_dependent_predictions_rejected() -> None:
    component = _component(batch_dependent_net, "batch-stats")
    model = testing.build_checked(component, (8, 8, 1), 3)
    with pytest.raises(testing.ContractError, match="predicts image 0 differently alone and in a batch") as info:
        testing.check_batch_independent(component, model, (8, 8, 1))
    assert "'contract-test:batch-stats'" in str(info.value)


def test_batch_independence_passes_sound_net() -> None:
    component = _component(sound_net, "sound-net")
    model = testing.build_checked(component, (8, 8, 1), 3)
    testing.check_batch_independent(component, model, (8, 8, 1))


def test_framework_shape_error_rejected() -> None:
    component = _component(unchecked_size_net, "unchecked", min_input_size=[5, 5])
    with pytest.raises(testing.ContractError, match="without naming the smallest size it accepts \\(5x5\\)") as info:
        testing.check_min_input_size(component, {}, channels=1, num_classes=3)
    assert "rejects the input (4, 5, 1)" in str(info.value)
    assert "Computed output size would be zero or negative" in str(info.value)


def test_undeclared_small_input_rejected() -> None:
    component = _component(sound_net, "sound-net", min_input_size=[4, 4])
    with pytest.raises(testing.ContractError, match="builds for the input \\(3, 4, 1\\), below the smallest"):
        testing.check_min_input_size(component, {}, channels=1, num_classes=3)


def test_named_minimum_size_passes() -> None:
    testing.check_min_input_size(_component(sound_net, "sound-net"), {}, channels=1, num_classes=3)


@pytest.mark.filterwarnings("ignore:The model does not have any trainable weights")
def test_frozen_architecture_does_not_learn() -> None:
    component = _component(frozen_net, "frozen")
    model = testing.build_checked(component, (8, 8, 1), 3)
    with pytest.raises(testing.ContractError, match="'contract-test:frozen' does not learn"):
        testing.check_learns(component, model, (8, 8, 1), 3, steps=3)


def test_heavy_plugin_import_rejected(fake_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    site = fake_site("heavy", """
        import keras
        from zoo_core import hookimpl

        @hookimpl
        def zoo_register_architectures(register):
            register("heavy-net", "zoo_test_heavy:build", metadata={"outputs": "logits"})

        def build(input_shape, num_classes):
            return None
        """)
    monkeypatch.setenv("PYTHONPATH", str(site))
    plugins = load_plugins()
    assert testing.check_components_resolve("heavy", plugins)[0].name == "heavy-net"
    with pytest.raises(testing.ContractError, match="zoo_test_heavy imports .*keras at import time"):
        testing.check_import_is_light(testing.plugin_modules("heavy", plugins))


def test_missing_outputs_metadata_rejected(fake_site: Callable[..., Path]) -> None:
    fake_site("vague", """
        from zoo_core import hookimpl

        @hookimpl
        def zoo_register_architectures(register):
            register("vague-net", "zoo_test_vague:build")

        def build(input_shape, num_classes):
            return None
        """)
    with pytest.raises(testing.ContractError, match="'vague:vague-net' has metadata outputs=None"):
        testing.check_components_resolve("vague", load_plugins())


def test_unknown_plugin_named() -> None:
    with pytest.raises(testing.ContractError, match="plugin 'no-such-plugin' is not installed"):
        testing.plugin_components("no-such-plugin")


def test_failed_plugin_reported(fake_site: Callable[..., Path]) -> None:
    fake_site("broken", "raise RuntimeError('broken on purpose')\n")
    with pytest.raises(testing.ContractError, match="plugin 'broken' did not load \\(status failed\\): RuntimeError: broken on purpose"):
        testing.plugin_components("broken", load_plugins())

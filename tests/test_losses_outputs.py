"""Losses against their formulas, and the logits-or-probabilities contract between model and loss."""

from __future__ import annotations

import numpy as np
import pytest

from zoo_core.builtins import losses
from zoo_core.components import Component
from zoo_core.errors import ConfigError, RunError
from zoo_core.outputs import check_final_activation, model_outputs, strip_output_setting, to_probabilities

NUM_CLASSES = 4
LABELS = np.array([0, 3, 1, 2, 3])
LOGITS = np.array([
    [2.0, 0.5, -1.0, 0.0],
    [0.1, 0.2, 0.3, 0.4],
    [-2.0, 3.0, 0.0, 1.0],
    [0.0, 0.0, 0.0, 0.0],
    [1.0, -1.0, 2.0, -0.5],
])


def _softmax(logits: np.ndarray) -> np.ndarray:
    exponentials = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def _value(loss, labels: np.ndarray, predictions: np.ndarray) -> float:
    return float(loss(labels.astype(np.int32), predictions.astype(np.float32)))


def test_cross_entropy_formula() -> None:
    expected = -np.mean(np.log(_softmax(LOGITS)[np.arange(len(LABELS)), LABELS]))
    assert _value(losses.cross_entropy(NUM_CLASSES), LABELS, LOGITS) == pytest.approx(expected, rel=1e-5)


def test_label_smoothing_formula() -> None:
    smoothing = 0.2
    targets = np.eye(NUM_CLASSES)[LABELS] * (1 - smoothing) + smoothing / NUM_CLASSES
    expected = -np.mean(np.sum(targets * np.log(_softmax(LOGITS)), axis=1))
    loss = losses.cross_entropy(NUM_CLASSES, label_smoothing=smoothing)
    assert _value(loss, LABELS, LOGITS) == pytest.approx(expected, rel=1e-5)


def test_focal_formula() -> None:
    gamma, alpha = 2.0, 0.25
    true_probability = _softmax(LOGITS)[np.arange(len(LABELS)), LABELS]
    expected = np.mean(-alpha * (1 - true_probability) ** gamma * np.log(true_probability))
    loss = losses.focal(NUM_CLASSES, gamma=gamma, alpha=alpha)
    assert _value(loss, LABELS, LOGITS) == pytest.approx(expected, rel=1e-5)


def test_focal_without_focusing_is_cross_entropy() -> None:
    focal = _value(losses.focal(NUM_CLASSES, gamma=0.0, alpha=1.0), LABELS, LOGITS)
    assert focal == pytest.approx(_value(losses.cross_entropy(NUM_CLASSES), LABELS, LOGITS), rel=1e-5)


def test_mse_formula() -> None:
    expected = np.mean(np.sum((np.eye(NUM_CLASSES)[LABELS] - _softmax(LOGITS)) ** 2, axis=1))
    assert _value(losses.mean_squared_error(NUM_CLASSES), LABELS, LOGITS) == pytest.approx(expected, rel=1e-5)


def test_mse_averaged_over_classes_matches_keras() -> None:
    import keras

    one_hot = np.eye(NUM_CLASSES)[LABELS].astype(np.float32)
    expected = float(keras.losses.MeanSquaredError()(one_hot, _softmax(LOGITS).astype(np.float32)))
    loss = losses.mean_squared_error(NUM_CLASSES, average_classes=True)
    assert _value(loss, LABELS, LOGITS) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("build", [
    lambda from_logits: losses.cross_entropy(NUM_CLASSES, from_logits=from_logits),
    lambda from_logits: losses.cross_entropy(NUM_CLASSES, from_logits=from_logits, label_smoothing=0.1),
    lambda from_logits: losses.mean_squared_error(NUM_CLASSES, from_logits=from_logits),
    lambda from_logits: losses.focal(NUM_CLASSES, from_logits=from_logits),
], ids=["cross-entropy", "label-smoothing", "mse", "focal"])
def test_loss_accepts_probabilities(build) -> None:
    """A loss given probabilities with from_logits=False equals the loss given the logits."""
    from_logits = _value(build(True), LABELS, LOGITS)
    from_probabilities = _value(build(False), LABELS, _softmax(LOGITS))
    assert from_probabilities == pytest.approx(from_logits, rel=1e-4)


def test_probabilities_not_softmaxed_again() -> None:
    probabilities = _softmax(LOGITS)
    np.testing.assert_array_equal(to_probabilities(probabilities, "probabilities"), probabilities)
    np.testing.assert_allclose(to_probabilities(LOGITS, "logits"), probabilities, rtol=1e-12)


def _architecture(outputs: str | None) -> Component:
    metadata = {} if outputs is None else {"outputs": outputs}
    return Component("architecture", "demo", "demo-plugin", "math:sqrt", metadata=metadata)


def test_outputs_default_to_logits() -> None:
    assert model_outputs(_architecture(None)) == "logits"
    assert model_outputs(_architecture("probabilities")) == "probabilities"


def test_unknown_outputs_rejected() -> None:
    with pytest.raises(ConfigError, match="outputs='scores'"):
        model_outputs(_architecture("scores"))


def test_contradicting_from_logits_rejected() -> None:
    with pytest.raises(ConfigError, match="contradicts architecture 'demo-plugin:demo'"):
        strip_output_setting({"name": "cross-entropy", "from_logits": False}, _architecture("logits"))
    with pytest.raises(ConfigError, match="which outputs probabilities"):
        strip_output_setting({"name": "mse", "from_logits": True}, _architecture("probabilities"))


def test_agreeing_from_logits_dropped() -> None:
    table = strip_output_setting({"name": "mse", "from_logits": False}, _architecture("probabilities"))
    assert table == {"name": "mse"}


def _dense_model(activation: str | None):
    import keras

    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(NUM_CLASSES, activation=activation)])


def test_softmax_model_declared_logits_rejected() -> None:
    with pytest.raises(RunError, match="applies softmax"):
        check_final_activation("demo:net", _dense_model("softmax"), "logits")
    check_final_activation("demo:net", _dense_model("softmax"), "probabilities")


def test_linear_model_declared_probabilities_rejected() -> None:
    with pytest.raises(RunError, match="last layer is linear"):
        check_final_activation("demo:net", _dense_model(None), "probabilities")
    check_final_activation("demo:net", _dense_model(None), "logits")

"""The built-in learning-rate schedules against their formulas, and reduce-on-plateau's rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zoo_core.builtins import schedules

BASE = 0.5
STEPS_PER_EPOCH = 4
EPOCHS = 6


def _rates(schedule, steps: int = EPOCHS * STEPS_PER_EPOCH) -> np.ndarray:
    return np.array([float(schedule(step)) for step in range(steps)])


def test_constant_is_base_rate() -> None:
    assert schedules.constant(BASE) == BASE


def test_step_decay_formula() -> None:
    rates = _rates(schedules.step_decay(BASE, STEPS_PER_EPOCH, step_size=2, gamma=0.5))
    epochs = np.arange(rates.size) // STEPS_PER_EPOCH
    np.testing.assert_allclose(rates, BASE * 0.5 ** (epochs // 2), rtol=1e-6)


def test_exponential_decay_formula() -> None:
    rates = _rates(schedules.exponential_decay(BASE, STEPS_PER_EPOCH, decay_rate=0.8))
    steps = np.arange(rates.size)
    np.testing.assert_allclose(rates, BASE * 0.8 ** (steps / STEPS_PER_EPOCH), rtol=1e-6)


def test_cosine_decay_formula() -> None:
    alpha = 0.1
    rates = _rates(schedules.cosine_decay(BASE, STEPS_PER_EPOCH, EPOCHS, alpha=alpha))
    total = EPOCHS * STEPS_PER_EPOCH
    steps = np.arange(rates.size)
    expected = BASE * (alpha + (1 - alpha) * (1 + np.cos(np.pi * steps / total)) / 2)
    np.testing.assert_allclose(rates, expected, rtol=1e-6)


def test_warmup_cosine_formula() -> None:
    warmup = 2
    rates = _rates(schedules.warmup_cosine(BASE, STEPS_PER_EPOCH, EPOCHS, warmup_epochs=warmup))
    warmup_steps = warmup * STEPS_PER_EPOCH
    decay_steps = (EPOCHS - warmup) * STEPS_PER_EPOCH
    for step, rate in enumerate(rates):
        if step < warmup_steps:
            expected = BASE * step / warmup_steps
        else:
            expected = BASE * (1 + math.cos(math.pi * (step - warmup_steps) / decay_steps)) / 2
        # Keras evaluates this schedule in float32.
        assert rate == pytest.approx(expected, rel=1e-5, abs=1e-9), f"step {step}"


def test_warmup_longer_than_run_rejected() -> None:
    with pytest.raises(ValueError, match="fewer than the run's epochs"):
        schedules.warmup_cosine(BASE, STEPS_PER_EPOCH, epochs=2, warmup_epochs=2)


def _plateau_model(learning_rate: float):
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return model


def _learning_rate(model) -> float:
    return float(model.optimizer.learning_rate.numpy())


def test_plateau_reduces_after_patience() -> None:
    callback = schedules.reduce_on_plateau(monitor="val_loss", factor=0.5, patience=2, min_delta=0.0)
    model = _plateau_model(1.0)
    callback.set_model(model)
    rows = iter([1.0, 0.9, 0.95, 0.92, 0.8, 0.85, 0.85])
    callback.bind_logs(lambda: {"val_loss": current["val_loss"]})
    expected = [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    current: dict[str, float] = {}
    for epoch, want in enumerate(expected):
        current["val_loss"] = next(rows)
        callback.on_epoch_end(epoch, {"loss": 1.0})
        assert _learning_rate(model) == pytest.approx(want), f"epoch {epoch + 1}"


def test_plateau_maximises_accuracy_and_respects_floor() -> None:
    callback = schedules.reduce_on_plateau(monitor="val_accuracy", factor=0.1, patience=1, min_learning_rate=0.05)
    model = _plateau_model(1.0)
    callback.set_model(model)
    for epoch, accuracy in enumerate([0.5, 0.6, 0.55, 0.55, 0.55]):
        callback.on_epoch_end(epoch, {"val_accuracy": accuracy})
    assert callback.mode == "max"
    assert _learning_rate(model) == pytest.approx(0.05)
    assert [epoch for epoch, _ in callback.reductions] == [3, 4]


def test_plateau_falls_back_to_training_loss() -> None:
    callback = schedules.reduce_on_plateau(monitor="val_loss", factor=0.5, patience=1)
    model = _plateau_model(1.0)
    callback.set_model(model)
    for epoch, loss in enumerate([1.0, 2.0]):
        callback.on_epoch_end(epoch, {"loss": loss})
    assert callback.monitor == "loss"
    assert _learning_rate(model) == pytest.approx(0.5)


def test_apply_schedule_rejects_other_types() -> None:
    from zoo_core.schedules import apply_schedule

    with pytest.raises(TypeError, match="expected a number"):
        apply_schedule("fast", 0.1, "demo:fast")


def test_zoo_lists_schedules(zoo) -> None:
    result = zoo("list", "schedule")
    assert result.exit_code == 0, result.output
    for name in ("constant", "step", "exponential", "cosine", "warmup-cosine", "plateau"):
        assert f"core:{name}" in result.output


def test_plateau_unknown_monitor_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    callback = schedules.reduce_on_plateau(monitor="val_acuracy", patience=1)
    model = _plateau_model(1.0)
    callback.set_model(model)
    logger = logging.getLogger("zoo_core")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING, logger="zoo_core"):
            for epoch in range(3):
                callback.on_epoch_end(epoch, {"loss": 1.0 + epoch, "val_accuracy": 0.5})
    finally:
        logger.removeHandler(caplog.handler)
    assert caplog.text.count("val_acuracy is not computed") == 1
    assert _learning_rate(model) == pytest.approx(1.0)

"""The built-in optimizers against their update rules, worked by hand on a small quadratic.

The loss is f(w) = 0.5 * sum(a * w**2), whose gradient is a * w. Each test applies a few steps
of the Keras optimizer that a factory builds and compares the weights with the formula. Keras
keeps the learning rate and some other hyper-parameters in float32, so the weights agree with
the float64 formulas to about 1e-7 relative. The tests allow 1e-6, far below the difference
between two update rules: momentum and Nesterov differ by more than 1e-2 here.
"""

from __future__ import annotations

import numpy as np
import pytest

from zoo_core.builtins import optimizers

CURVATURE = np.array([1.0, 3.0, 0.5])
START = np.array([1.0, -2.0, 4.0])
STEPS = 4
RTOL = 1e-6


def _run(optimizer, steps: int = STEPS) -> list[np.ndarray]:
    """Apply ``steps`` updates on the quadratic and return the weights after each one."""
    import tensorflow as tf

    weights = tf.Variable(START, dtype=tf.float64)
    trajectory = []
    for _ in range(steps):
        gradient = tf.constant(CURVATURE) * weights
        optimizer.apply_gradients([(gradient, weights)])
        trajectory.append(weights.numpy().copy())
    return trajectory


def _gradient(w: np.ndarray) -> np.ndarray:
    return CURVATURE * w


def test_sgd_update_rule() -> None:
    lr = 0.125
    trajectory = _run(optimizers.sgd(learning_rate=lr))
    w = START.copy()
    for step in range(STEPS):
        w = w - lr * _gradient(w)
        np.testing.assert_allclose(trajectory[step], w, rtol=RTOL)


def test_gradient_descent_update_rule() -> None:
    lr = 0.25
    trajectory = _run(optimizers.gradient_descent(learning_rate=lr))
    w = START.copy()
    for step in range(STEPS):
        w = w - lr * _gradient(w)
        np.testing.assert_allclose(trajectory[step], w, rtol=RTOL)


def test_momentum_update_rule() -> None:
    lr, m = 0.125, 0.9
    trajectory = _run(optimizers.momentum(learning_rate=lr, momentum=m))
    w, v = START.copy(), np.zeros_like(START)
    for step in range(STEPS):
        v = m * v - lr * _gradient(w)
        w = w + v
        np.testing.assert_allclose(trajectory[step], w, rtol=RTOL)


def test_nesterov_update_rule() -> None:
    lr, m = 0.125, 0.8
    trajectory = _run(optimizers.nesterov(learning_rate=lr, momentum=m))
    w, v = START.copy(), np.zeros_like(START)
    for step in range(STEPS):
        g = _gradient(w)
        v = m * v - lr * g
        w = w + m * v - lr * g
        np.testing.assert_allclose(trajectory[step], w, rtol=RTOL)


def test_nesterov_differs_from_momentum() -> None:
    classical = _run(optimizers.momentum(learning_rate=0.125, momentum=0.8))
    nesterov = _run(optimizers.nesterov(learning_rate=0.125, momentum=0.8))
    assert np.max(np.abs(classical[-1] - nesterov[-1])) > 1e-2


def test_adagrad_update_rule() -> None:
    lr, start, eps = 0.5, 0.1, 1e-7
    trajectory = _run(optimizers.adagrad(learning_rate=lr, initial_accumulator_value=start, epsilon=eps))
    w, a = START.copy(), np.full_like(START, start)
    for step in range(STEPS):
        g = _gradient(w)
        a = a + g**2
        w = w - lr * g / np.sqrt(a + eps)
        np.testing.assert_allclose(trajectory[step], w, rtol=RTOL)


def test_rmsprop_update_rule() -> None:
    lr, rho, eps = 0.0078125, 0.9, 1e-7
    trajectory = _run(optimizers.rmsprop(learning_rate=lr, rho=rho, epsilon=eps))
    w, s = START.copy(), np.zeros_like(START)
    for step in range(STEPS):
        g = _gradient(w)
        s = rho * s + (1 - rho) * g**2
        w = w - lr * g / np.sqrt(s + eps)
        np.testing.assert_allclose(trajectory[step], w, rtol=RTOL)


def test_adam_update_rule() -> None:
    lr, b1, b2, eps = 0.0625, 0.9, 0.999, 1e-7
    trajectory = _run(optimizers.adam(learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps))
    w, m, v = START.copy(), np.zeros_like(START), np.zeros_like(START)
    for step in range(1, STEPS + 1):
        g = _gradient(w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        w = w - lr * np.sqrt(1 - b2**step) / (1 - b1**step) * m / (np.sqrt(v) + eps)
        # The bias correction 1 - b2**t loses digits when Keras evaluates it in float32.
        np.testing.assert_allclose(trajectory[step - 1], w, rtol=1e-5)


def test_weight_decay_is_decoupled() -> None:
    lr, decay = 0.125, 0.01
    trajectory = _run(optimizers.sgd(learning_rate=lr, weight_decay=decay))
    w = START.copy()
    for step in range(STEPS):
        g = _gradient(w)
        w = w - lr * decay * w - lr * g
        np.testing.assert_allclose(trajectory[step], w, rtol=RTOL)


def test_clipnorm_limits_step() -> None:
    lr, limit = 0.125, 0.5
    trajectory = _run(optimizers.sgd(learning_rate=lr, clipnorm=limit), steps=1)
    g = _gradient(START)
    expected = START - lr * g * limit / np.linalg.norm(g)
    np.testing.assert_allclose(trajectory[0], expected, rtol=RTOL)


def test_clipvalue_limits_step() -> None:
    lr, limit = 0.125, 0.75
    trajectory = _run(optimizers.sgd(learning_rate=lr, clipvalue=limit), steps=1)
    expected = START - lr * np.clip(_gradient(START), -limit, limit)
    np.testing.assert_allclose(trajectory[0], expected, rtol=RTOL)


def test_two_clippings_rejected() -> None:
    with pytest.raises(ValueError, match="at most one of clipnorm"):
        optimizers.adam(clipnorm=1.0, clipvalue=0.5)


@pytest.mark.parametrize("name", sorted(optimizers.DEFAULT_LEARNING_RATES))
def test_default_learning_rate_applied(name: str) -> None:
    factory = {"gd": optimizers.gradient_descent}.get(name) or getattr(optimizers, name)
    optimizer = factory()
    assert float(optimizer.learning_rate.numpy()) == pytest.approx(optimizers.DEFAULT_LEARNING_RATES[name])

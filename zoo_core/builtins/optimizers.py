"""Factories of the built-in optimizers.

Each factory receives the run's learning rate, or ``None`` for the optimizer's own default.
"""

from __future__ import annotations

from typing import Any

DEFAULT_LEARNING_RATES: dict[str, float] = {
    "gd": 0.5,
    "sgd": 0.05,
    "momentum": 0.01,
    "nesterov": 0.01,
    "adam": 0.001,
}


def _rate(name: str, learning_rate: float | None) -> float:
    return DEFAULT_LEARNING_RATES[name] if learning_rate is None else float(learning_rate)


def gradient_descent(learning_rate: float | None = None) -> Any:
    """Build plain gradient descent; the runner feeds it the whole training split as one batch."""
    import keras

    return keras.optimizers.SGD(learning_rate=_rate("gd", learning_rate))


def sgd(learning_rate: float | None = None) -> Any:
    """Build stochastic gradient descent without momentum."""
    import keras

    return keras.optimizers.SGD(learning_rate=_rate("sgd", learning_rate))


def momentum(learning_rate: float | None = None, momentum: float = 0.9) -> Any:
    """Build SGD with classical momentum: v = m*v - lr*g, w = w + v."""
    import keras

    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must lie in [0, 1), got {momentum}")
    return keras.optimizers.SGD(learning_rate=_rate("momentum", learning_rate), momentum=momentum)


def nesterov(learning_rate: float | None = None, momentum: float = 0.9) -> Any:
    """Build SGD with Nesterov momentum, which evaluates the gradient after the momentum step."""
    import keras

    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must lie in [0, 1), got {momentum}")
    return keras.optimizers.SGD(
        learning_rate=_rate("nesterov", learning_rate), momentum=momentum, nesterov=True
    )


def adam(
    learning_rate: float | None = None,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
) -> Any:
    """Build Adam with Keras's default betas and epsilon."""
    import keras

    return keras.optimizers.Adam(
        learning_rate=_rate("adam", learning_rate), beta_1=beta_1, beta_2=beta_2, epsilon=epsilon
    )

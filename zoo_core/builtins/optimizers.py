"""Factories of the built-in optimizers.

Each factory receives the run's learning rate: a number, a Keras ``LearningRateSchedule`` built by
the run's schedule, or ``None`` for the optimizer's default in :data:`DEFAULT_LEARNING_RATES`.
Every optimizer takes the same regularisation parameters. ``weight_decay`` is decoupled decay,
``w -= lr * weight_decay * w`` before the update, as Keras 3 applies it. ``clipnorm`` clips each
gradient tensor to this L2 norm, ``global_clipnorm`` clips all gradients together to this norm,
and ``clipvalue`` clips each gradient element to [-clipvalue, clipvalue]. At most one of the
three clipping parameters may be set.
"""

from __future__ import annotations

from typing import Any

#: Default learning rate of each optimizer. With these rates, simple-cnn on digits (default split,
#: batch size 32, 30 epochs) ends well above chance with both cross-entropy and mse, and
#: docs/training-components.md lists the accuracies measured. gd diverged at 0.5 and above.
DEFAULT_LEARNING_RATES: dict[str, float] = {
    "gd": 0.3,
    "sgd": 0.05,
    "momentum": 0.01,
    "nesterov": 0.01,
    "adagrad": 0.05,
    "rmsprop": 0.001,
    "adam": 0.001,
    "adamw": 0.001,
    "nadam": 0.001,
}


def _rate(name: str, learning_rate: Any) -> Any:
    """Return the default rate for ``None``, a float for a number, and a schedule unchanged."""
    if learning_rate is None:
        return DEFAULT_LEARNING_RATES[name]
    if isinstance(learning_rate, (int, float)):
        return float(learning_rate)
    return learning_rate


def _regularisation(
    weight_decay: float | None,
    clipnorm: float | None,
    clipvalue: float | None,
    global_clipnorm: float | None,
) -> dict[str, Any]:
    """Check the shared parameters and return them as Keras optimizer keyword arguments."""
    clipping = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
    chosen = [name for name, value in clipping.items() if value is not None]
    if len(chosen) > 1:
        raise ValueError(f"set at most one of clipnorm, clipvalue and global_clipnorm, got {', '.join(chosen)}")
    for name, value in clipping.items():
        if value is not None and not value > 0:
            raise ValueError(f"{name} must be positive, got {value}")
    if weight_decay is not None and weight_decay < 0:
        raise ValueError(f"weight_decay must be at least 0, got {weight_decay}")
    return {"weight_decay": weight_decay, **clipping}


def _check_momentum(momentum: float) -> None:
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must lie in [0, 1), got {momentum}")


def _check_beta(name: str, value: float) -> None:
    if not 0 <= value < 1:
        raise ValueError(f"{name} must lie in [0, 1), got {value}")


def _check_epsilon(epsilon: float) -> None:
    if not epsilon > 0:
        raise ValueError(f"epsilon must be positive, got {epsilon}")


def gradient_descent(
    learning_rate: Any = None,
    weight_decay: float | None = None,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    global_clipnorm: float | None = None,
) -> Any:
    """Build plain gradient descent, ``w -= lr * g``.

    The component's metadata ``full_batch`` makes the runner feed the whole training split as one
    batch, so each epoch takes exactly one step on the exact gradient.
    """
    import keras

    return keras.optimizers.SGD(
        learning_rate=_rate("gd", learning_rate),
        **_regularisation(weight_decay, clipnorm, clipvalue, global_clipnorm),
    )


def sgd(
    learning_rate: Any = None,
    weight_decay: float | None = None,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    global_clipnorm: float | None = None,
) -> Any:
    """Build stochastic gradient descent on mini-batches, ``w -= lr * g``."""
    import keras

    return keras.optimizers.SGD(
        learning_rate=_rate("sgd", learning_rate),
        **_regularisation(weight_decay, clipnorm, clipvalue, global_clipnorm),
    )


def momentum(
    learning_rate: Any = None,
    momentum: float = 0.9,
    weight_decay: float | None = None,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    global_clipnorm: float | None = None,
) -> Any:
    """Build SGD with classical (heavy-ball) momentum: ``v = m * v - lr * g``, ``w += v``."""
    import keras

    _check_momentum(momentum)
    return keras.optimizers.SGD(
        learning_rate=_rate("momentum", learning_rate),
        momentum=momentum,
        **_regularisation(weight_decay, clipnorm, clipvalue, global_clipnorm),
    )


def nesterov(
    learning_rate: Any = None,
    momentum: float = 0.9,
    weight_decay: float | None = None,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    global_clipnorm: float | None = None,
) -> Any:
    """Build SGD with Nesterov momentum: ``v = m * v - lr * g``, ``w += m * v - lr * g``.

    This is the reformulation of Sutskever et al. (2013) that Keras uses, in which the gradient
    is taken at the current weights rather than at the look-ahead point.
    """
    import keras

    _check_momentum(momentum)
    return keras.optimizers.SGD(
        learning_rate=_rate("nesterov", learning_rate),
        momentum=momentum,
        nesterov=True,
        **_regularisation(weight_decay, clipnorm, clipvalue, global_clipnorm),
    )


def adagrad(
    learning_rate: Any = None,
    initial_accumulator_value: float = 0.1,
    epsilon: float = 1e-7,
    weight_decay: float | None = None,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    global_clipnorm: float | None = None,
) -> Any:
    """Build Adagrad: ``a += g**2``, ``w -= lr * g / sqrt(a + epsilon)``, with ``a`` starting at
    ``initial_accumulator_value``."""
    import keras

    if initial_accumulator_value < 0:
        raise ValueError(f"initial_accumulator_value must be at least 0, got {initial_accumulator_value}")
    _check_epsilon(epsilon)
    return keras.optimizers.Adagrad(
        learning_rate=_rate("adagrad", learning_rate),
        initial_accumulator_value=initial_accumulator_value,
        epsilon=epsilon,
        **_regularisation(weight_decay, clipnorm, clipvalue, global_clipnorm),
    )


def rmsprop(
    learning_rate: Any = None,
    rho: float = 0.9,
    momentum: float = 0.0,
    epsilon: float = 1e-7,
    centered: bool = False,
    weight_decay: float | None = None,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    global_clipnorm: float | None = None,
) -> Any:
    """Build RMSprop: ``s = rho * s + (1 - rho) * g**2``, ``w -= lr * g / sqrt(s + epsilon)``.

    ``centered`` divides by the estimated variance instead of the second moment, and
    ``momentum`` adds heavy-ball momentum to the scaled step.
    """
    import keras

    _check_beta("rho", rho)
    _check_momentum(momentum)
    _check_epsilon(epsilon)
    return keras.optimizers.RMSprop(
        learning_rate=_rate("rmsprop", learning_rate),
        rho=rho,
        momentum=momentum,
        epsilon=epsilon,
        centered=centered,
        **_regularisation(weight_decay, clipnorm, clipvalue, global_clipnorm),
    )


def adam(
    learning_rate: Any = None,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
    amsgrad: bool = False,
    weight_decay: float | None = None,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    global_clipnorm: float | None = None,
) -> Any:
    """Build Adam (Kingma and Ba, 2015) with Keras's default betas and epsilon.

    At step t (from 1): ``m = b1 * m + (1 - b1) * g``, ``v = b2 * v + (1 - b2) * g**2``,
    ``w -= lr * sqrt(1 - b2**t) / (1 - b1**t) * m / (sqrt(v) + epsilon)``.
    """
    import keras

    _check_beta("beta_1", beta_1)
    _check_beta("beta_2", beta_2)
    _check_epsilon(epsilon)
    return keras.optimizers.Adam(
        learning_rate=_rate("adam", learning_rate),
        beta_1=beta_1,
        beta_2=beta_2,
        epsilon=epsilon,
        amsgrad=amsgrad,
        **_regularisation(weight_decay, clipnorm, clipvalue, global_clipnorm),
    )


def adamw(
    learning_rate: Any = None,
    weight_decay: float = 0.004,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
    amsgrad: bool = False,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    global_clipnorm: float | None = None,
) -> Any:
    """Build AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay.

    The default ``weight_decay`` of 0.004 is Keras 3's.
    """
    import keras

    _check_beta("beta_1", beta_1)
    _check_beta("beta_2", beta_2)
    _check_epsilon(epsilon)
    return keras.optimizers.AdamW(
        learning_rate=_rate("adamw", learning_rate),
        beta_1=beta_1,
        beta_2=beta_2,
        epsilon=epsilon,
        amsgrad=amsgrad,
        **_regularisation(weight_decay, clipnorm, clipvalue, global_clipnorm),
    )


def nadam(
    learning_rate: Any = None,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
    weight_decay: float | None = None,
    clipnorm: float | None = None,
    clipvalue: float | None = None,
    global_clipnorm: float | None = None,
) -> Any:
    """Build Nadam (Dozat, 2016): Adam with Nesterov momentum."""
    import keras

    _check_beta("beta_1", beta_1)
    _check_beta("beta_2", beta_2)
    _check_epsilon(epsilon)
    return keras.optimizers.Nadam(
        learning_rate=_rate("nadam", learning_rate),
        beta_1=beta_1,
        beta_2=beta_2,
        epsilon=epsilon,
        **_regularisation(weight_decay, clipnorm, clipvalue, global_clipnorm),
    )

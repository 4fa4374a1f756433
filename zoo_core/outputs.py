"""What an architecture outputs, logits or probabilities, and how the runner adapts to it.

An architecture records ``metadata["outputs"]`` when it registers: ``"logits"`` (the default) or
``"probabilities"``. The runner derives the loss's ``from_logits`` from it, and turns model
outputs into probabilities for metrics and predictions with :func:`to_probabilities`, so softmax
is applied exactly once. A configuration or a built model that contradicts the metadata is
rejected. This module imports neither TensorFlow nor Keras at import time.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from zoo_core.components import Component
from zoo_core.errors import ConfigError, RunError

OUTPUT_KINDS: tuple[str, ...] = ("logits", "probabilities")


def model_outputs(architecture: Component) -> str:
    """Return "logits" or "probabilities" from the architecture's metadata (default "logits").

    Raises ConfigError when the metadata contains any other value.
    """
    outputs = architecture.metadata.get("outputs", "logits")
    if outputs not in OUTPUT_KINDS:
        raise ConfigError(
            f"architecture {architecture.id!r} declares outputs={outputs!r} in its metadata",
            f"the plugin must register outputs as one of {', '.join(OUTPUT_KINDS)}; "
            f"report this to {architecture.distribution or architecture.plugin}",
        )
    return outputs


def strip_output_setting(loss_table: Mapping[str, Any], architecture: Component) -> dict[str, Any]:
    """Return the ``[loss]`` table without ``from_logits``, after checking it against the model.

    ``from_logits`` is set by the runner from the architecture. A value that agrees is dropped;
    one that contradicts the architecture raises ConfigError.
    """
    table = dict(loss_table)
    if "from_logits" not in table:
        return table
    value = table.pop("from_logits")
    outputs = model_outputs(architecture)
    expected = outputs == "logits"
    if value is not expected:
        raise ConfigError(
            f"loss.from_logits={value!r} contradicts architecture {architecture.id!r}, which outputs {outputs}",
            "remove from_logits from the [loss] table: the runner sets it from the architecture",
        )
    return table


def check_final_activation(component_id: str, model: Any, outputs: str) -> None:
    """Reject a built architecture whose last layer contradicts its declared ``outputs``.

    A model declared to output logits must not end in softmax, because softmax would then be
    applied twice. A model declared to output probabilities must not end in a linear layer. A
    last layer of another kind (a custom layer, say) is trusted.
    """
    activation = final_activation(model)
    if outputs == "logits" and activation == "softmax":
        raise RunError(
            f"architecture {component_id!r} is registered as outputting logits, but its last layer applies softmax",
            "register it with metadata outputs='probabilities', or end the model in a linear layer",
        )
    if outputs == "probabilities" and activation == "linear":
        raise RunError(
            f"architecture {component_id!r} is registered as outputting probabilities, but its last layer is linear",
            "end the model in a softmax, or register it with metadata outputs='logits'",
        )


def final_activation(model: Any) -> str | None:
    """Return "softmax", "linear" or another activation name for the model's last layer, or None."""
    import keras

    layer = model.layers[-1] if model.layers else None
    if layer is None:
        return None
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    return getattr(activation, "__name__", None)


def to_probabilities(values: np.ndarray, outputs: str) -> np.ndarray:
    """Return class probabilities from model outputs: softmax for logits, unchanged otherwise."""
    values = np.asarray(values, dtype=np.float64)
    if outputs == "probabilities":
        return values
    shifted = values - values.max(axis=1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=1, keepdims=True)

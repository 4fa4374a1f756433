"""Class weights from the [training] table, and the warning about an imbalanced training split."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_class_weight

from zoo_core.class_weights import balanced_class_weights, resolve_class_weights, warn_if_imbalanced
from zoo_core.config import validate_training
from zoo_core.errors import ConfigError

NAMES = ["cat", "dog", "bird"]


@pytest.fixture
def warnings_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture zoo_core's warnings even after a CLI test has stopped them propagating to the root."""
    logger = logging.getLogger("zoo_core")
    logger.addHandler(caplog.handler)
    with caplog.at_level(logging.WARNING, logger="zoo_core"):
        yield caplog
    logger.removeHandler(caplog.handler)
LABELS = np.array([0] * 12 + [1] * 5 + [2] * 3)


def test_balanced_matches_sklearn() -> None:
    expected = compute_class_weight("balanced", classes=np.arange(3), y=LABELS)
    weights = balanced_class_weights(LABELS, 3)
    np.testing.assert_allclose([weights[i] for i in range(3)], expected, rtol=1e-12)


def test_balanced_ignores_absent_class() -> None:
    labels = np.array([0, 0, 0, 1])
    expected = compute_class_weight("balanced", classes=np.array([0, 1]), y=labels)
    weights = balanced_class_weights(labels, 3)
    np.testing.assert_allclose([weights[0], weights[1]], expected, rtol=1e-12)
    assert weights[2] == 1.0


def test_explicit_weights_by_list_and_name() -> None:
    assert resolve_class_weights([1, 2.5, 0], LABELS, NAMES) == {0: 1.0, 1: 2.5, 2: 0.0}
    assert resolve_class_weights({"bird": 4}, LABELS, NAMES) == {0: 1.0, 1: 1.0, 2: 4.0}
    assert resolve_class_weights(None, LABELS, NAMES) is None


@pytest.mark.parametrize("setting", ["heavy", 3, [1, -1, 1], {"cat": "x"}, [1, float("nan"), 1]])
def test_invalid_setting_rejected(setting) -> None:
    with pytest.raises(ConfigError, match="class_weight"):
        validate_training({"class_weight": setting})


def test_imbalance_warning_lists_counts(warnings_log: pytest.LogCaptureFixture) -> None:
    assert warn_if_imbalanced(LABELS, NAMES)
    assert "cat: 12, dog: 5, bird: 3" in warnings_log.text
    assert "class_weight=balanced" in warnings_log.text


def test_no_warning_when_balanced(warnings_log: pytest.LogCaptureFixture) -> None:
    labels = np.array([0] * 5 + [1] * 4 + [2] * 3)
    assert not warn_if_imbalanced(labels, NAMES)
    assert warnings_log.text == ""


def test_warning_for_missing_class(warnings_log: pytest.LogCaptureFixture) -> None:
    assert warn_if_imbalanced(np.array([0, 1, 0, 1]), NAMES)
    assert "bird: 0" in warnings_log.text

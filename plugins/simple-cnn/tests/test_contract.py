"""simple-cnn passes the contract checks that zoo_core.testing gives every plugin author."""

from __future__ import annotations

from pathlib import Path

import pytest

from zoo_core import testing


@pytest.mark.slow
def test_plugin_contract_checks(tmp_path: Path) -> None:
    small = {"simple-cnn": {"filters": 8, "dense_units": 16}}
    components = testing.check_plugin("simple-cnn", architecture_params=small, work_dir=tmp_path)
    assert [component.name for component in components] == ["simple-cnn"]
    assert (tmp_path / "simple-cnn-simple-cnn.keras").is_file()

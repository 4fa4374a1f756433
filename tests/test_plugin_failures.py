"""A broken plugin is recorded with its error while everything else keeps working."""

from __future__ import annotations

import json

import pytest

from zoo_core.errors import PluginError
from zoo_core.plugins import load_plugins

WORKING = """
from zoo_core import hookimpl

@hookimpl
def zoo_register_losses(register):
    register("hinge-test", "keras.losses:Hinge", summary="a working third-party loss")
"""

IMPORT_ERROR = """
import a_module_that_does_not_exist_zz
"""

REGISTRATION_ERROR = """
from zoo_core import hookimpl

@hookimpl
def zoo_register_metrics(register):
    register("half-registered", "builtins:dict")
    raise RuntimeError("registration exploded")
"""

BAD_ARGUMENTS = """
from zoo_core import hookimpl

@hookimpl
def zoo_register_datasets(register):
    register("bad:name", 42)
"""


def test_import_error_is_isolated(fake_site, zoo) -> None:
    fake_site("good", WORKING)
    fake_site("broken", IMPORT_ERROR)
    plugins = {p["name"]: p for p in json.loads(zoo("plugins", "--json").stdout)}
    assert plugins["broken"]["status"] == "failed"
    assert "ModuleNotFoundError" in plugins["broken"]["error"]
    assert plugins["broken"]["version"] == "1.0.0"
    assert plugins["good"]["status"] == "loaded"
    listing = zoo("list", "loss")
    assert listing.exit_code == 0
    assert "hinge-test" in listing.output
    text = zoo("plugins").output
    assert "broken failed: ModuleNotFoundError" in text


def test_registration_error_withdraws_the_plugin(fake_site) -> None:
    fake_site("half", REGISTRATION_ERROR)
    loaded = load_plugins()
    info = loaded.registry.plugins["half"]
    assert info.status == "failed"
    assert "RuntimeError: registration exploded" in info.error
    names = [c.name for c in loaded.registry.components("metric")]
    assert "half-registered" not in names
    assert "accuracy" in names


def test_invalid_registration_arguments(fake_site) -> None:
    fake_site("badargs", BAD_ARGUMENTS)
    info = load_plugins().registry.plugins["badargs"]
    assert info.status == "failed"
    assert "invalid dataset name 'bad:name'" in info.error


def test_unknown_name_mentions_failed_plugin(fake_site, zoo) -> None:
    fake_site("broken", IMPORT_ERROR)
    result = zoo("info", "--kind", "architecture", "imaginary-net")
    assert result.exit_code == 1
    assert "failed to load" in result.output
    assert "broken" in result.output


def test_disabled_plugin_is_not_imported(fake_site, zoo, tmp_path) -> None:
    marker = tmp_path / "imported.txt"
    fake_site("heavy", f"open({str(marker)!r}, 'w').close()\n")
    plugins = {p["name"]: p for p in json.loads(zoo("--disable-plugin", "heavy", "plugins", "--json").stdout)}
    assert plugins["heavy"]["status"] == "disabled"
    assert not marker.exists()


def test_strict_mode_turns_failure_into_error(fake_site, zoo) -> None:
    fake_site("broken", IMPORT_ERROR)
    with pytest.raises(PluginError, match="broken"):
        load_plugins(strict=True)
    result = zoo("--strict-plugins", "list")
    assert result.exit_code == 1
    assert "failed to load" in result.output

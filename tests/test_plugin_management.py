"""Plugin selection, compatibility, clashes, settings commands and tracing, in-process.

Plugins here are modules with a ``.dist-info`` folder on ``sys.path``, as pip lays out a wheel,
so ``importlib.metadata`` discovers them without an install.
"""

from __future__ import annotations

import json
import shlex
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from zoo_core.cli import main
from zoo_core.plugin_compat import incompatibility
from zoo_core.plugin_examples import EXAMPLES
from zoo_core.plugin_template import core_range, write_plugin_project
from zoo_core.plugins import load_plugins

OPTIMIZER = """
from zoo_core import hookimpl

@hookimpl
def zoo_register_optimizers(register):
    register("adam", "zoo_core.builtins.optimizers:sgd", summary="an Adam look-alike", override={override})
"""

TWIN = """
from zoo_core import hookimpl

@hookimpl
def zoo_register_losses(register):
    register("twin", "zoo_core.builtins.losses:cross_entropy")
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Return ``add(name, source, requires=None)`` that lays out the plugin ``name`` on ``sys.path``."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    for variable in ("ZOO_DISABLE_PLUGINS", "ZOO_STRICT_PLUGINS", "ZOO_ALLOW_PLUGINS", "ZOO_TRACE_HOOKS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("ZOO_CONFIG_DIR", str(tmp_path / "config"))

    def add(name: str, source: str, requires: str | None = None) -> Path:
        module = f"zoo_mgmt_{name.replace('-', '_')}"
        (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        dist_info = folder / f"{module}-1.2.0.dist-info"
        dist_info.mkdir()
        metadata = f"Metadata-Version: 2.1\nName: zoo-mgmt-{name}\nVersion: 1.2.0\n"
        if requires:
            metadata += f"Requires-Dist: {requires}\n"
        (dist_info / "METADATA").write_text(metadata, encoding="utf-8")
        (dist_info / "entry_points.txt").write_text(f"[zoo_core.plugins]\n{name} = {module}\n", encoding="utf-8")
        return folder

    yield add
    for module in [m for m in sys.modules if m.startswith("zoo_mgmt_")]:
        del sys.modules[module]


def zoo(*args: str) -> object:
    """Run ``zoo ARGS...`` in-process and return click's result."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def statuses() -> dict[str, dict[str, object]]:
    """Return ``zoo plugins --json`` keyed by plugin name."""
    return {p["name"]: p for p in json.loads(zoo("plugins", "--json").stdout)}


def test_incompatibility_message() -> None:
    assert incompatibility(">=0.1,<0.2", "0.1.0") is None
    assert incompatibility(None, "0.1.0") is None
    assert incompatibility(">=0.2", "0.2.0rc1") is None
    assert incompatibility(">=0.2", "0.1.0") == "requires zoo-core>=0.2, but zoo-core 0.1.0 is running"


def test_incompatible_plugin_not_imported(site, tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    site("future", f"open({str(marker)!r}, 'w').close()\n", requires="zoo-core>=9.0")
    site("extra-only", "\n", requires="zoo-core>=9.0; extra == 'docs'")
    plugins = statuses()
    assert plugins["future"]["status"] == "incompatible"
    assert "requires zoo-core>=9.0" in plugins["future"]["error"]
    assert plugins["extra-only"]["status"] == "loaded"
    assert not marker.exists()


def test_disable_and_enable_persist(site) -> None:
    site("twin", TWIN)
    result = zoo("plugins", "disable", "zoo-mgmt-twin")
    assert result.exit_code == 0, result.output
    assert "disabled twin" in result.output
    assert statuses()["twin"]["status"] == "disabled"
    assert "twin" not in zoo("list", "loss").stdout
    assert zoo("plugins", "enable", "twin").exit_code == 0
    assert statuses()["twin"]["status"] == "loaded"


def test_unknown_name_lists_installed(site) -> None:
    site("twin", TWIN)
    result = zoo("plugins", "disable", "twim")
    assert result.exit_code == 1
    assert "no installed plugin is called 'twim'" in result.output
    assert "twin (zoo-mgmt-twin)" in result.output
    assert zoo("plugins", "disable", "core").exit_code == 1
    warned = zoo("--disable-plugin", "twim", "list")
    assert warned.exit_code == 0
    assert "--disable-plugin names 'twim', which is not an installed plugin" in warned.output


def test_allow_list_sources(site, monkeypatch: pytest.MonkeyPatch) -> None:
    site("twin", TWIN)
    site("other", OPTIMIZER.format(override=False))
    assert zoo("plugins", "allow", "twin").exit_code == 0
    plugins = statuses()
    assert plugins["twin"]["status"] == "loaded"
    assert plugins["other"]["status"] == "disabled"
    assert "allow-list" in plugins["other"]["error"]
    assert statuses()["core"]["status"] == "loaded"
    assert zoo("plugins", "allow", "--all").exit_code == 0
    assert statuses()["other"]["status"] == "loaded"
    monkeypatch.setenv("ZOO_ALLOW_PLUGINS", "core")
    assert statuses()["twin"]["status"] == "disabled"
    chosen = {p["name"]: p for p in json.loads(zoo("--allow-plugin", "twin", "plugins", "--json").stdout)}
    assert chosen["twin"]["status"] == "loaded"
    assert chosen["other"]["status"] == "disabled"


def test_builtin_keeps_name_without_override(site) -> None:
    site("lookalike", OPTIMIZER.format(override=False))
    registry = load_plugins(warn=False).registry
    assert registry.get("optimizer", "adam").id == "core:adam"
    assert registry.get("optimizer", "lookalike:adam").plugin == "lookalike"
    assert registry.plugins["lookalike"].conflicts == ["optimizer:adam"]


def test_explicit_override_takes_name(site) -> None:
    site("replacement", OPTIMIZER.format(override=True))
    registry = load_plugins(strict=True).registry
    assert registry.get("optimizer", "adam").id == "replacement:adam"
    assert registry.get("optimizer", "core:adam").plugin == "core"


def test_preference_settles_clash(site) -> None:
    site("twin", TWIN)
    site("twin-two", TWIN)
    ambiguous = zoo("info", "--kind", "loss", "twin")
    assert ambiguous.exit_code == 1
    assert "twin:twin from zoo-mgmt-twin" in ambiguous.output
    assert "twin-two:twin from zoo-mgmt-twin-two" in ambiguous.output
    assert zoo("--strict-plugins", "list").exit_code == 1
    assert zoo("plugins", "prefer", "loss", "twin", "zoo-mgmt-twin-two").exit_code == 0
    assert "twin-two:twin (loss)" in zoo("info", "--kind", "loss", "twin").output
    assert zoo("--strict-plugins", "list").exit_code == 0


def test_trace_logs_hook_calls(site, monkeypatch: pytest.MonkeyPatch) -> None:
    site("twin", TWIN)
    result = zoo("--trace-hooks", "plugins")
    assert "hook zoo_register_losses: plugin twin," in result.output
    assert "import plugin twin:" in result.output
    assert "hook zoo_register" not in zoo("plugins").output
    monkeypatch.setenv("ZOO_TRACE_HOOKS", "1")
    assert "hook zoo_register_losses: plugin twin," in zoo("plugins").output


def test_new_writes_every_kind(tmp_path: Path) -> None:
    for kind in EXAMPLES:
        project = write_plugin_project(f"demo-{kind}", kind, tmp_path / kind)
        package = project / f"zoo_demo_{kind}"
        for source in [*package.glob("*.py"), project / "tests" / "test_plugin.py"]:
            compile(source.read_text(encoding="utf-8"), str(source), "exec")
        pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
        assert f'demo-{kind} = "zoo_demo_{kind}.plugin"' in pyproject
        assert '"zoo-core>=0.1,<0.2"' in pyproject


def test_new_rejects_bad_input(tmp_path: Path) -> None:
    assert zoo("plugins", "new", "Bad_Name", "--dir", str(tmp_path / "a")).exit_code == 1
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "file").write_text("x", encoding="utf-8")
    result = zoo("plugins", "new", "fine", "--dir", str(tmp_path / "full"))
    assert result.exit_code == 1
    assert "exists and is not empty" in result.output


def test_core_range_of_new_plugins() -> None:
    assert core_range("0.1.0") == ">=0.1,<0.2"
    assert core_range("1.4.2") == ">=1.4,<2"


def test_new_prints_steps_that_bring_pytest(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = zoo("plugins", "new", "demo", "--dir", str(target))
    assert result.exit_code == 0, result.output
    step = result.output.splitlines()[-1]
    assert step == (f"next: zoo plugins install --editable '{target}[test]' && "
                    f"{shlex.quote(sys.executable)} -m pytest {target / 'tests'}")
    pyproject = tomllib.loads((target / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(requirement.startswith("pytest") for requirement in pyproject["project"]["optional-dependencies"]["test"])


def test_new_rejects_taken_names(site, tmp_path: Path) -> None:
    site("twin", TWIN)
    for name, message in [("core", "installing it would replace zoo-core itself"),
                          ("zoo-core", "it names zoo-core itself"),
                          ("twin", "already used by the installed plugin twin (distribution zoo-mgmt-twin)"),
                          ("mgmt-twin", "already used by the installed plugin twin")]:
        result = zoo("plugins", "new", name, "--dir", str(tmp_path / name))
        assert result.exit_code == 1, name
        assert message in result.output
        assert not (tmp_path / name).exists()


def test_prefer_checks_the_component(site) -> None:
    site("twin", TWIN)
    site("twin-two", TWIN)
    missing = zoo("plugins", "prefer", "loss", "tiny", "twin")
    assert missing.exit_code == 1
    assert "plugin twin provides no loss called 'tiny'" in missing.output
    assert "the loss names of twin: twin" in missing.output
    wrong_plugin = zoo("plugins", "prefer", "loss", "cross-entropy", "twin")
    assert wrong_plugin.exit_code == 1
    assert "plugins that provide it: core" in wrong_plugin.output
    wrong_kind = zoo("plugins", "prefer", "metric", "twin", "twin")
    assert wrong_kind.exit_code == 1
    assert "provides no metric called 'twin'" in wrong_kind.output
    assert zoo("plugins", "prefer", "loss", "twin", "twin").exit_code == 0
    assert "twin:twin (loss)" in zoo("info", "--kind", "loss", "twin").output


def test_unknown_name_names_disabled_plugins(site) -> None:
    site("twin", TWIN)
    by_option = zoo("--disable-plugin", "twin", "info", "--kind", "loss", "twin")
    assert by_option.exit_code == 1
    assert "Plugin twin might provide it but is disabled by --disable-plugin; run without --disable-plugin twin" \
        in by_option.output
    assert zoo("plugins", "disable", "twin").exit_code == 0
    by_settings = zoo("info", "twin")
    assert by_settings.exit_code == 1
    assert "enable it with `zoo plugins enable twin`" in by_settings.output
    site("old", TWIN.replace('"twin"', '"old"'), requires="zoo-core<0.1")
    incompatible = zoo("info", "--kind", "loss", "old")
    assert "Plugin old might provide it but is incompatible (" in incompatible.output

"""The hook reference in docs/plugins.md matches the hook specifications."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from zoo_core import hookspecs

DOCS = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def hook_signatures() -> dict[str, str]:
    """Return each hook specification's name and its ``def`` line as the docs write it."""
    signatures = {}
    for name, function in vars(hookspecs).items():
        if not callable(function) or not hasattr(function, f"{hookspecs.PROJECT_NAME}_spec"):
            continue
        signature = inspect.signature(function)
        params = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
        signatures[name] = f"def {name}({params}) -> {signature.return_annotation}"
    return signatures


def test_every_hook_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    signatures = hook_signatures()
    assert "zoo_register_datasets" in signatures
    for name, line in signatures.items():
        assert f"```python\n{line}\n```" in text, f"{name}: docs/plugins.md lacks {line!r}"


def test_docs_list_only_real_hooks() -> None:
    documented = re.findall(r"^def (zoo_\w+)\(", DOCS.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert set(documented) == set(hook_signatures())

"""Atomic writes in the run directory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from zoo_core.rundir import write_json_atomic, write_text_atomic


def test_atomic_write_uses_umask_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "notes.txt", "hello")
    finally:
        os.umask(previous)
    mode = stat.S_IMODE((tmp_path / "notes.txt").stat().st_mode)
    assert mode == 0o644


def test_atomic_write_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "metrics.json"
    write_json_atomic(target, {"a": 1})
    write_json_atomic(target, {"a": 2})
    assert target.read_text(encoding="utf-8") == '{\n  "a": 2\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]

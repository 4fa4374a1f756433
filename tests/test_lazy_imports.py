"""Listing and describing components must not import TensorFlow or Keras."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import json, sys
from click.testing import CliRunner
from zoo_core.cli import main

runner = CliRunner()
codes = {}
for args in (["--help"], ["list"], ["list", "--json"], ["info", "simple-cnn"], ["info", "adam", "--json"],
             ["plugins"], ["run", "--help"]):
    codes[" ".join(args)] = runner.invoke(main, args).exit_code
heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
print(json.dumps({"codes": codes, "heavy": heavy}))
"""


def test_listing_commands_never_import_tensorflow() -> None:
    completed = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert all(code == 0 for code in report["codes"].values()), report["codes"]
    assert report["heavy"] == []

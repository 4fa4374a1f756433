"""Compare the start-up time of ``zoo list`` and ``zoo --help`` with the time to import TensorFlow.

Listing and help never import TensorFlow, so they should take a small fraction of
``python -c "import tensorflow"``. Each command runs ``--runs`` times after ``--warmup`` untimed
runs (which fill the operating system's file cache), and the table gives the median, minimum and
maximum wall time and the fraction of the TensorFlow import. With ``hyperfine`` on PATH the
script lets it do the timing; otherwise it times each run with ``time.perf_counter`` around
``subprocess.run``.

Usage: python benchmarks/startup.py [--runs 10] [--warmup 2] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def commands() -> dict[str, list[str]]:
    """Return the commands to time, by label.

    ``zoo`` is the console script next to this interpreter, as pip installed it; where there is
    none, the same entry function runs through ``python -c``.
    """
    script = Path(sys.executable).parent / "zoo"
    zoo = [str(script)] if script.is_file() else [sys.executable, "-c",
                                                   "import sys; from zoo_core.cli import main; sys.exit(main())"]
    return {
        "zoo list": [*zoo, "list"],
        "zoo --help": [*zoo, "--help"],
        "python -c 'import tensorflow'": [sys.executable, "-c", "import tensorflow"],
        "python -c 'pass'": [sys.executable, "-c", "pass"],
    }


def time_with_subprocess(command: list[str], runs: int, warmup: int) -> list[float]:
    """Return the wall seconds of each of ``runs`` runs of ``command``, after ``warmup`` untimed runs."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    for _ in range(warmup):
        subprocess.run(command, capture_output=True, check=True, env=env)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env)
        seconds.append(time.perf_counter() - started)
    return seconds


def time_with_hyperfine(command: list[str], runs: int, warmup: int) -> list[float]:
    """Return the wall seconds of each run as measured by hyperfine."""
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "times.json"
        shell_command = " ".join(_quote(part) for part in command)
        subprocess.run(["hyperfine", "--runs", str(runs), "--warmup", str(warmup), "--style", "none",
                        "--export-json", str(export), shell_command], capture_output=True, check=True)
        return json.loads(export.read_text())["results"][0]["times"]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def main() -> None:
    """Time every command and print the table, with the fraction of the TensorFlow import."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    timer = time_with_hyperfine if shutil.which("hyperfine") else time_with_subprocess

    results: dict[str, dict[str, Any]] = {}
    for label, command in commands().items():
        seconds = timer(command, args.runs, args.warmup)
        results[label] = {"median_seconds": statistics.median(seconds), "min_seconds": min(seconds),
                          "max_seconds": max(seconds), "seconds": seconds}
    tensorflow = results["python -c 'import tensorflow'"]["median_seconds"]
    print(f"{'command':<32} {'median s':>9} {'min s':>7} {'max s':>7} {'of TF import':>13}")
    for label, result in results.items():
        result["fraction_of_tensorflow_import"] = result["median_seconds"] / tensorflow
        print(f"{label:<32} {result['median_seconds']:>9.3f} {result['min_seconds']:>7.3f} "
              f"{result['max_seconds']:>7.3f} {result['fraction_of_tensorflow_import']:>12.1%}")
    print(f"timer: {timer.__name__}, {args.runs} runs after {args.warmup} warm-up runs")
    if args.json:
        from zoo_core.machine import describe_machine, package_versions

        report = {"timer": timer.__name__, "runs": args.runs, "warmup": args.warmup,
                  "machine": describe_machine(), "versions": package_versions(), "results": results}
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()

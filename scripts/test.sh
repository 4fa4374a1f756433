#!/usr/bin/env bash
# Set up .venv (core, bundled plugins, test dependencies) and run the whole test suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not slow".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
exec .venv/bin/python -m pytest -q --durations=15 "$@"

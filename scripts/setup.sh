#!/usr/bin/env bash
# Create .venv and install zoo-core with every bundled plugin in editable mode.
# Usage: scripts/setup.sh [--test]   (--test also installs the test dependencies)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
extras=""
if [ "${1:-}" = "--test" ]; then
    extras="[test]"
fi
packages=(-e ".${extras}")
for plugin in plugins/*/; do
    if [ -f "${plugin}pyproject.toml" ]; then
        packages+=(-e "${plugin%/}")
    fi
done
.venv/bin/python -m pip install --quiet --disable-pip-version-check "${packages[@]}"

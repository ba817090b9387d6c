#!/usr/bin/env bash
# Installs what the tests need (Python test packages, the map assets, Debian's chromium when it is
# missing), then runs the lint, the type check and every test: unit, AppTest and Playwright-in-Chromium.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/unit -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --dev
echo "== ruff"
.venv/bin/ruff check .
echo "== mypy"
.venv/bin/mypy  # its settings: [tool.mypy] in pyproject.toml
echo "== pytest"
exec .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Installs what the tests need (Python test packages, the map assets, Debian's chromium when it is
# missing), then runs the lint and every test: unit, AppTest and Playwright-in-Chromium.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/unit -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --dev
echo "== ruff"
.venv/bin/ruff check .
echo "== pytest"
exec .venv/bin/python -m pytest "$@"

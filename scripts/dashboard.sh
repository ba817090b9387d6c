#!/usr/bin/env bash
# Installs everything the dashboard needs, then serves it on the shipped data at
# http://localhost:8501 (extra arguments go to `streamlit run`, e.g. --server.port 8600). The shared data
# starts loading when the server starts, not on the first visit (conflictmap/app/serve.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/python -m conflictmap.app.serve --server.address "${CONFLICTMAP_ADDRESS:-localhost}" "$@"

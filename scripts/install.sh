#!/usr/bin/env bash
# Installs what the dashboard needs into ./.venv.
#   scripts/install.sh         the app: Python packages
#   scripts/install.sh --dev   also what the tests need: test packages (with the stores' engines,
#                              requirements-stores.txt), Debian's Chromium, PostgreSQL's server and a Java
#                              runtime for Spark
# Needs Python 3.11 with venv; the map's files are vendored in the repository (static/).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
[ "${1:-}" = "--dev" ] && dev=true

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$python" -m venv .venv
fi
echo "== Python packages"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
if $dev; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
fi

if $dev && ! command -v chromium >/dev/null 2>&1; then
  echo "== Debian's chromium, for the browser tests"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
if $dev; then
  missing=()
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)  # Spark (pyspark) runs on it
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)  # the store tests' server
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== Debian's ${missing[*]}, for the store tests"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
echo "== installed"

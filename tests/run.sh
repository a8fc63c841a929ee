#!/usr/bin/env bash
# The test command: installs everything the tests need (pip packages, the Oxigraph server
# from PyPI, Debian's Chromium for the homepage test and Virtuoso for the push test), then
# lints and runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) \
      >/dev/null 2>&1 || echo "note: could not install chromium; the browser test will say why it skips"
  fi
fi
if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource) \
      >/dev/null 2>&1 || echo "note: could not install virtuoso-opensource; the Virtuoso push test will say why it skips"
  fi
fi
python3 -m ruff check .
python3 -m mypy
python3 -m pytest "$@"

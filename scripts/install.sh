#!/usr/bin/env bash
# Create .venv (once) and install refdesk with the given extra into it, editable.
# Usage: bash scripts/install.sh server|dev
#
# The install must print nothing a newcomer has to ignore: a deprecation warning from the
# build backend (setuptools announcing that a pyproject.toml form stops working on some
# date, for instance) fails the install, so the next one is caught the day it appears.
# pip's own notices (e.g. about the machine's package index configuration) are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRA=${1:?usage: bash scripts/install.sh server|dev}
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>&1 \
  | { grep -v "^WARNING: Location '.*' is ignored" || true; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# --verbose would bury the output; --quiet still shows the build backend's warnings.
.venv/bin/python -m pip install --quiet -e ".[$EXTRA]" >"$log" 2>&1
status=$?
set -e
# Show what the install printed, minus pip's notices about index locations of this machine.
grep -v "^WARNING: Location '.*' is ignored" "$log" || true
if [ "$status" -ne 0 ]; then
  echo "installing refdesk[$EXTRA] failed (exit $status)" >&2
  exit "$status"
fi
if grep -Eiq 'deprecat|BuildBackendWarning' "$log"; then
  echo "installing refdesk[$EXTRA] printed a deprecation warning (see above): fix pyproject.toml" >&2
  exit 1
fi

#!/usr/bin/env bash
# Set up and run the whole test suite: lint, types, then pytest on SQLite and on PostgreSQL
# (with Redis for the shared rate-limit tests). Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install.sh dev
export PATH="$PWD/.venv/bin:$PATH"

# The browser tests (tests/browser) drive Debian's Chromium through Playwright; Playwright's
# own browser download is never used. Install the package when it is missing, and make the
# tests fail rather than skip if Chromium still cannot be found.
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium and chromium-driver (browser tests)"
  apt_log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq chromium chromium-driver; } >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    echo "cannot install chromium with apt-get (above); the browser tests need" \
      "/usr/bin/chromium" >&2
    exit 1
  fi
  rm -f "$apt_log"
  if [ ! -x /usr/bin/chromium ]; then
    echo "apt-get installed chromium but /usr/bin/chromium is missing" >&2
    exit 1
  fi
fi
export REFDESK_REQUIRE_BROWSER=1

bash scripts/services.sh

echo "== ruff"
ruff check src tests bench
ruff format --check src tests bench
echo "== mypy"
mypy

export REFDESK_TEST_REDIS_URL=${REFDESK_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
PG_URL=${REFDESK_TEST_PG_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/refdesk_test}

run_pytest() {
  # pytest exits 5 when it collected nothing: that is a failure here, never a pass.
  set +e
  pytest "$@"
  status=$?
  set -e
  if [ "$status" -eq 5 ]; then
    echo "no tests were collected" >&2
    exit 1
  fi
  return "$status"
}

echo "== pytest on SQLite"
REFDESK_TEST_DATABASE_URL= run_pytest -q "$@"
echo "== pytest on PostgreSQL ($PG_URL)"
REFDESK_TEST_DATABASE_URL="$PG_URL" run_pytest -q "$@"

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
# The PostgreSQL run has a Redis database of its own, so the two runs can go side by side.
PG_REDIS_URL=${REFDESK_TEST_PG_REDIS_URL:-redis://127.0.0.1:6379/13}

run_pytest() {
  # pytest exits 5 when it collected nothing: that is a failure here, never a pass.
  set +e
  pytest "$@"
  status=$?
  set -e
  if [ "$status" -eq 5 ]; then
    echo "no tests were collected" >&2
    return 1
  fi
  return "$status"
}

sqlite_run() {
  REFDESK_TEST_DATABASE_URL= run_pytest -q --basetemp="$tmp/sqlite" "$@"
}

pg_run() {
  REFDESK_TEST_DATABASE_URL="$PG_URL" REFDESK_TEST_REDIS_URL="$PG_REDIS_URL" \
    run_pytest -q -p no:cacheprovider --basetemp="$tmp/postgresql" "$@"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "${REFDESK_TEST_SERIAL:-}" = 1 ]; then
  echo "== pytest on SQLite"
  sqlite_status=0; sqlite_run "$@" || sqlite_status=$?
  echo "== pytest on PostgreSQL ($PG_URL)"
  pg_status=0; pg_run "$@" || pg_status=$?
else
  # Both suites at once, one per core (each is mostly one busy Python process): the SQLite
  # run's progress is shown as it goes, the PostgreSQL run's report follows it.
  echo "== pytest on SQLite, and on PostgreSQL ($PG_URL) beside it (REFDESK_TEST_SERIAL=1: in turn)"
  pg_run "$@" >"$tmp/postgresql.log" 2>&1 &
  pg_pid=$!
  sqlite_status=0; sqlite_run "$@" || sqlite_status=$?
  echo "== pytest on PostgreSQL ($PG_URL): waiting for it to finish"
  pg_status=0; wait "$pg_pid" || pg_status=$?
  cat "$tmp/postgresql.log"
fi
echo "== pytest exit status: SQLite $sqlite_status, PostgreSQL $pg_status"
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]

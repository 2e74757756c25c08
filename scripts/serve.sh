#!/usr/bin/env bash
# Set up and start refdesk on the embedded default (SQLite under ./.refdesk) with demo data.
# HTTPS on :8443 (certificate from a local CA in ./.refdesk/tls), plain HTTP on :8080 -> 302.
# Extra arguments go to `refdesk serve` (e.g. --port 9443 --http-port 9080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh server
exec .venv/bin/refdesk serve --demo "$@"

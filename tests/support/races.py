"""Helpers for the concurrency tests of issue 9 (check-then-write races)."""

from __future__ import annotations

import os

import pytest


def on_postgresql() -> bool:
    return os.environ.get("REFDESK_TEST_DATABASE_URL", "").startswith("postgresql")


# SQLite serialises writers (BEGIN IMMEDIATE), so a race test there only proves the
# sequential rule; the interleaving that opens the holes needs PostgreSQL.
postgresql_only = pytest.mark.skipif(
    not on_postgresql(), reason="concurrent writers interleave on PostgreSQL only"
)

"""Optimistic locking (contract §12) as one mechanism for every versioned record.

The explicit compare answers what the client saw; the ORM's ``version_id_col`` makes the
UPDATE itself conditional (``WHERE lock_version = <loaded>``), so that of two concurrent
writers carrying the same value exactly one wins and the other gets 409.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from refdesk.server.db.base import LockVersionMixin
from refdesk.server.errors import Conflict

T = TypeVar("T", bound=LockVersionMixin)


def check_lock_version(record: LockVersionMixin, expected: int | None) -> None:
    if expected is not None and expected != record.lock_version:
        raise Conflict(record.lock_version)


async def apply_changes(
    session: AsyncSession, record: T, changes: dict[str, Any], expected: int | None
) -> bool:
    """Compare, then write the changes with a conditional UPDATE. Returns False when
    nothing changed (no write, no increment). Raises Conflict on a lost race."""
    check_lock_version(record, expected)
    changed = {k: v for k, v in changes.items() if getattr(record, k) != v}
    if not changed:
        return False
    for key, value in changed.items():
        setattr(record, key, value)
    try:
        await session.flush()
    except StaleDataError:
        await session.rollback()
        current = await session.get(type(record), record.id, populate_existing=True)  # type: ignore[attr-defined]
        raise Conflict(current.lock_version if current else 0) from None
    return True

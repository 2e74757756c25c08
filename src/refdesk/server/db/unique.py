"""Unique indexes as the last word on "check, then write" rules (issue 9, hole 3).

A service checks its rule first and answers the contract's 422; two concurrent requests can
both pass that check, and the unique index then refuses the second write. These helpers turn
that refusal into the same 422 the check gives (never a 500), or, where the sequential answer
is "nothing to do", let the caller recover inside a savepoint.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from refdesk.server.errors import ValidationFailed

UNIQUE_VIOLATION = "23505"  # PostgreSQL SQLSTATE


def names_column(exc: IntegrityError, table: str, column: str) -> bool:
    """The refused write broke the unique constraint of ``table.column`` (named
    ``uq_<table>_<column>`` by the naming convention; SQLite names the columns instead)."""
    message = str(exc.orig)
    return f"uq_{table}_{column}" in message or f"{table}.{column}" in message


def is_unique_violation(exc: IntegrityError) -> bool:
    """A unique index refused the write (not a foreign key, NOT NULL or CHECK failure)."""
    if getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION:
        return True
    return "UNIQUE constraint failed" in str(exc.orig)  # SQLite


@asynccontextmanager
async def unique_rule(
    session: AsyncSession, errors: dict[str, list[str]], table: str | None = None
) -> AsyncIterator[None]:
    """Writes (and flushes) in the block that break a unique index raise ``errors`` as 422.
    With ``table``, only the fields whose ``uq_<table>_<field>`` constraint refused the write
    are reported (when the block may break one of several).

    The transaction is rolled back: PostgreSQL refuses every further statement in it anyway.
    """
    try:
        yield
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        await session.rollback()
        if table is not None:
            errors = {k: v for k, v in errors.items() if names_column(exc, table, k)} or errors
        raise ValidationFailed(errors) from None


async def flush_unique(session: AsyncSession, errors: dict[str, list[str]]) -> None:
    """Flush; a unique index refusing the pending writes is the rule's 422."""
    async with unique_rule(session, errors):
        await session.flush()


async def unless_taken(session: AsyncSession, write: Callable[[], Awaitable[object]]) -> bool:
    """Run ``write`` in a savepoint. False when a unique index refused it (a concurrent writer
    got there first): only the savepoint is rolled back, and the caller goes on as it would
    have done had it come second (use the other writer's row, or leave things as they are)."""
    try:
        async with session.begin_nested():
            await write()
            await session.flush()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        return False
    return True


async def add_unless_taken(session: AsyncSession, record: object) -> bool:
    """Insert ``record`` unless a concurrent writer inserted the same row (see unless_taken)."""

    async def add() -> None:
        session.add(record)

    return await unless_taken(session, add)


# Rules that no unique index can express (counts, or rows other writers also change) are
# checked under one lock per (rule, site), held to the end of the transaction.
RULE_LOCKS = {"games": 0x72640001, "users": 0x72640002}


async def serialize_rule(session: AsyncSession, rule: str, site_id: int) -> None:
    """Wait until no other transaction checks ``rule`` in this site, then hold the turn until
    commit/rollback. PostgreSQL: a transaction-scoped advisory lock (independent of row locks,
    so it adds no lock-order cycle with them). SQLite serialises writers already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:rule, :site)"),
        {"rule": RULE_LOCKS[rule], "site": site_id & 0x7FFFFFFF},
    )

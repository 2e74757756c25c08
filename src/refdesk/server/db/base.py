"""Declarative base, naming conventions, portable column types and mixins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# 64-bit ids everywhere; SQLite needs INTEGER for its rowid alias to autoincrement.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC instants on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]

    def result_processor(
        self, dialect: Dialect, coltype: Any
    ) -> Callable[[Any], datetime | None] | None:
        """One plain function per value instead of the decorator's chain (the dialect's
        processor, then :meth:`process_result_value`): a page reads hundreds of timestamps
        (issue 15). SQLite's text goes through the C ``fromisoformat`` (SQLAlchemy parses it
        with a regular expression); PostgreSQL's driver already gives UTC instants."""
        chained = super().result_processor(dialect, coltype)
        if dialect.name == "sqlite":

            def from_text(value: Any) -> datetime | None:
                if value is None:
                    return None
                try:  # stored naive in UTC: read it as UTC (cheaper than .replace(tzinfo))
                    parsed = datetime.fromisoformat(value + "+00:00")
                    if parsed.tzinfo is UTC:
                        return parsed
                except (TypeError, ValueError):
                    pass
                # Not text in SQLAlchemy's storage format: the general path.
                return chained(value) if chained else self.process_result_value(value, dialect)

            return from_text
        if chained is None:
            return None

        def in_utc(value: Any) -> datetime | None:
            if value is None or value.tzinfo is UTC:
                return value  # type: ignore[no-any-return]
            return chained(value)

        return in_utc


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class IdMixin:
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)


class TimestampMixin:
    created: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


def _next_lock_version(current: int | None) -> int:
    return 0 if current is None else current + 1


class LockVersionMixin:
    """``lock_version`` as the ORM's version counter (starts at 0, +1 per update).

    The ORM guard makes every UPDATE carry ``WHERE lock_version = <loaded>``; the explicit
    compare with what the client saw is in ``db/locking.py``.
    """

    lock_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {
            "version_id_col": cls.lock_version,
            "version_id_generator": _next_lock_version,
        }

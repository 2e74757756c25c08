"""Statements: what a site owes an official for a period, as copied line items (§18.3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from refdesk.server.db.base import Base, Id, IdMixin, TimestampMixin


class Statement(IdMixin, TimestampMixin, Base):
    __tablename__ = "statements"
    __table_args__ = (Index("ix_statements_site_user", "site_id", "user_id"),)

    site_id: Mapped[int] = mapped_column(
        Id, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(
        Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    statement_date: Mapped[date] = mapped_column(Date, nullable=False)
    description: Mapped[str | None] = mapped_column(String(255), nullable=True)
    void: Mapped[bool] = mapped_column(default=False, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, default=0)
    amount_paid: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, default=0)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)

    @property
    def status(self) -> str:
        if self.void:
            return "void"
        if self.amount_paid <= 0:
            return "unpaid"
        if self.amount_paid < self.amount:
            return "partially_paid"
        return "paid"


class StatementLine(IdMixin, Base):
    """A slot paid by a statement, with values copied when the statement was made."""

    __tablename__ = "statement_lines"

    statement_id: Mapped[int] = mapped_column(
        Id, ForeignKey("statements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    assignment_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("assignments.id", ondelete="SET NULL"), nullable=True, index=True
    )
    game_id: Mapped[int | None] = mapped_column(
        Id, ForeignKey("games.id", ondelete="SET NULL"), nullable=True
    )
    local_date: Mapped[date] = mapped_column(Date, nullable=False)
    description: Mapped[str] = mapped_column(String(400), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
